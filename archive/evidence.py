"""Validation evidence for archived signatures, and re-verification from it (SPEC R-ARC-2).

"Be able to prove each document's authenticity for the whole retention period": certificates
expire, CAs are retired from the trust store, CRLs stop being published. So at transfer time the
archive verifies every signature as of its original signing / receipt time against the current
trust store and keeps what that verification rested on:

- the signer certificates and the chain up to the trust anchor that was trusted then;
- for every issuer on the chain, the newest signature-valid CRL known at archiving (a CRL issued
  after the signing time is current for it, `sotkabinet.ecp.revocation`);
- the verdict, the revocation records, the policy and both times.

Later, `reverify` builds a `TrustStore` from that evidence alone (never the portal's current
trust) and runs the same pure verification (`sotkabinet.ecp.verify_cms`) at the original time.

Threat model: the CMS and the signed data are case materials (attacker-influenced); the
evidence is produced here from operator-trusted configuration. Once stored, evidence is an
archive item whose SHA-256 is written in the ledger, so substituting an anchor or a CRL in it is
an integrity break the audit reports, not a quiet change of trust.
"""

from __future__ import annotations

import base64
import json
from datetime import datetime
from typing import Any

from django.conf import settings
from django.utils import timezone

from sotkabinet.ecp import TrustStore, TrustStoreError, Verdict, inspect_cms, verify_cms
from sotkabinet.ecp.algorithms import UnsupportedAlgorithm
from sotkabinet.ecp.certificates import Certificate
from sotkabinet.ecp.crl import RevocationList
from sotkabinet.ecp.verify import MAX_PATH_LENGTH
from sotkabinet.signatures.services import current_trust_store, verify_signature

EVIDENCE_FORMAT = "sotkabinet-archive-evidence/1"


class EvidenceError(ValueError):
    """The stored evidence does not decode (a broken or substituted evidence item)."""


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None


def _chain(leaf: Certificate, embedded: list[Certificate], store: TrustStore) -> list[tuple]:
    """[(certificate, role)] from the signer up to an anchor, each link's signature checked."""
    path: list[tuple[Certificate, str]] = [(leaf, "signer")]
    if store.is_anchor(leaf):
        return [(leaf, "anchor")]
    current = leaf
    seen = {leaf.fingerprint}
    while len(path) < MAX_PATH_LENGTH:
        issuer = None
        for candidate in store.issuer_candidates(current, embedded):
            if candidate.fingerprint in seen:
                continue
            try:
                if store.signed_by(current, candidate):
                    issuer = candidate
                    break
            except UnsupportedAlgorithm:
                continue
        if issuer is None:
            break
        anchor = store.is_anchor(issuer)
        path.append((issuer, "anchor" if anchor else "intermediate"))
        if anchor:
            break
        seen.add(issuer.fingerprint)
        current = issuer
    return path


def _newest_crl(
    issuer: Certificate, embedded: list[RevocationList], store: TrustStore
) -> RevocationList | None:
    candidates = [
        *store.crls_for(issuer),
        *(crl for crl in embedded if crl.issuer.key == issuer.subject.key),
    ]
    candidates.sort(key=lambda crl: (crl.this_update, crl.crl_number or 0), reverse=True)
    for crl in candidates:
        try:
            if crl.usable and store.crl_signed_by(crl, issuer):
                return crl
        except UnsupportedAlgorithm:
            continue
    return None


def _certificate_entry(certificate: Certificate, role: str) -> dict[str, Any]:
    return {
        "role": role,
        "fingerprint": certificate.fingerprint,
        "subject": certificate.subject.display,
        "issuer": certificate.issuer.display,
        "serial": certificate.serial_hex,
        "not_before": _iso(certificate.not_before),
        "not_after": _iso(certificate.not_after),
        "der": _b64(certificate.der),
    }


def _crl_entry(crl: RevocationList) -> dict[str, Any]:
    return {
        "issuer": crl.issuer.display,
        "fingerprint": crl.fingerprint,
        "crl_number": crl.crl_number,
        "this_update": _iso(crl.this_update),
        "next_update": _iso(crl.next_update),
        "der": _b64(crl.der),
    }


def verdict_record(verdict: Verdict) -> dict[str, Any]:
    """The verdict as stored: the verify object plus what an expert needs to read it."""
    return {
        **verdict.to_dict(),
        "signer_reasons": list(verdict.signer_reasons),
        "message": verdict.message,
        "revocation": verdict.revocation,
        "at": _iso(verdict.at),
        "policy": verdict.policy,
    }


def collect(
    cms: bytes,
    data: bytes,
    *,
    at: datetime,
    purpose: str = "sign",
    required_identity: str | None = None,
) -> tuple[Verdict, dict[str, Any]]:
    """Verify `cms` over `data` as of `at` with the current trust store; gather the evidence.

    Returns (verdict, evidence dict); the evidence is empty when the verdict is invalid (the
    transfer refuses such a signature). Runs outside any transaction: it may fetch CRLs.
    """
    verdict = verify_signature(
        cms, data=data, purpose=purpose, at=at, required_identity=required_identity or None
    )
    if not verdict.valid:
        return verdict, {}
    store = current_trust_store()
    certificates: dict[str, dict[str, Any]] = {}
    crls: dict[str, dict[str, Any]] = {}
    inspection = inspect_cms(cms)
    for info in inspection.signer_infos:
        path = _chain(info.certificate, inspection.certificates, store)
        for certificate, role in path:
            entry = certificates.get(certificate.fingerprint)
            if entry is None or role == "anchor":
                certificates[certificate.fingerprint] = _certificate_entry(certificate, role)
        # Every certificate but the anchor is checked against its issuer's CRL.
        for issuer, _role in path[1:]:
            crl = _newest_crl(issuer, inspection.crls, store)
            if crl is not None:
                crls[crl.fingerprint] = _crl_entry(crl)
    evidence = {
        "format": EVIDENCE_FORMAT,
        "purpose": purpose,
        "validated_at": _iso(at),
        "collected_at": _iso(timezone.now()),
        "policy": settings.ECP_REVOCATION_POLICY,
        "required_identity": required_identity or None,
        "verdict": verdict_record(verdict),
        "certificates": sorted(certificates.values(), key=lambda c: (c["role"], c["fingerprint"])),
        "crls": sorted(crls.values(), key=lambda c: c["fingerprint"]),
    }
    return verdict, evidence


def evidence_bytes(evidence: dict[str, Any]) -> bytes:
    """Canonical JSON bytes of the evidence (sorted keys, raw UTF-8): the stored item."""
    return json.dumps(
        evidence, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str
    ).encode()


def load(data: bytes) -> dict[str, Any]:
    """Decode a stored evidence item. Raises EvidenceError."""
    try:
        evidence = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as error:
        raise EvidenceError(f"evidence does not decode: {error}") from None
    if not isinstance(evidence, dict) or evidence.get("format") != EVIDENCE_FORMAT:
        raise EvidenceError("not an archive evidence document")
    return evidence


def trust_store(evidence: dict[str, Any]) -> TrustStore:
    """A TrustStore made only of the evidence: its anchors, intermediates and CRLs."""
    store = TrustStore()
    try:
        for certificate in evidence.get("certificates", []):
            der = base64.b64decode(certificate["der"], validate=True)
            if certificate["role"] == "anchor":
                store.add_anchor(der)
            elif certificate["role"] == "intermediate":
                store.add_intermediate(der)
        for crl in evidence.get("crls", []):
            store.add_crl(base64.b64decode(crl["der"], validate=True))
    except (KeyError, TypeError, ValueError, TrustStoreError) as error:
        raise EvidenceError(f"evidence certificates or CRLs do not decode: {error}") from None
    return store


def reverify(cms: bytes, data: bytes, evidence: dict[str, Any]) -> Verdict:
    """Verify `cms` over `data` at the original time, trusting only the stored evidence.

    No network: CRLs are those kept in the evidence. The revocation policy is the one the
    signature was accepted under at archiving. Raises EvidenceError for broken evidence.
    """
    try:
        at = datetime.fromisoformat(evidence["validated_at"])
    except (KeyError, TypeError, ValueError) as error:
        raise EvidenceError(f"evidence has no validation time: {error}") from None
    return verify_cms(
        cms,
        data=data,
        purpose=evidence.get("purpose") or "sign",
        at=at,
        trust=trust_store(evidence),
        policy=evidence.get("policy") or "hard",
        required_identity=evidence.get("required_identity") or None,
    )
