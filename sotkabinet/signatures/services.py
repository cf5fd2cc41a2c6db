"""ЭЦҚ glue for the portal: the DB trust store, cached verification, signer checks, demo signing.

Threat model: every CMS reaching `verify_signature` is attacker-controlled; the pure library
(`sotkabinet.ecp.verify_cms`) decodes and checks it and never raises. What this module adds is
trusted configuration (anchors, intermediates and CRLs from the operators' tables), the
revocation policy from settings, CRL fetching from the certificate's distribution point (queued
for the worker, never done on a request: crl_fetch.py, issue 9), and caches that never change an
answer: the trust store is rebuilt whenever the tables change (a version number in the shared
cache), and a verdict is cached by (CMS + data hash, validation time, trust version, purpose,
policy, required identity).

Public API (CONTRIBUTING.md "Conventions and contracts"): `canonical_payload`, `verify_signature`,
`require_valid_signature`, `demo_sign`, plus `current_trust_store`, `trust_import`,
`trust_remove`, `crl_import`.
"""

from __future__ import annotations

import hashlib
import json
import logging
import threading
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError, transaction
from django.utils import timezone

from sotkabinet.ecp import CmsMalformed, TrustStore, Verdict, inspect_cms, verify_cms
from sotkabinet.ecp.certificates import (
    CertificateMalformed,
    load_certificates,
    parse_certificate,
)
from sotkabinet.ecp.crl import CrlMalformed, parse_crl
from sotkabinet.ecp.trust import TrustStoreError
from sotkabinet.errors import DomainError

from . import crl_fetch
from .demo import demo_sign, ensure_demo_pki
from .models import CertificateRevocationList, TrustedCertificate

logger = logging.getLogger(__name__)

__all__ = [
    "build_trust_store",
    "canonical_payload",
    "check_verify_request",
    "crl_import",
    "current_trust_store",
    "demo_sign",
    "require_valid_signature",
    "signer_may_sign",
    "trust_import",
    "trust_remove",
    "verify_signature",
]

TRUST_VERSION_KEY = "signatures:trust-version"
VERDICT_KEY_PREFIX = "signatures:verdict:"
# A verdict at an explicit validation time is a pure function of its inputs and the trust
# version; one "as of now" is reused only within the minute it was computed for.
VERDICT_TTL_SECONDS = 24 * 3600
VERDICT_NOW_TTL_SECONDS = 60


# Canonical payload (docs/conventions.md "Signing") --------------------------------------------
def canonical_payload(obj: Any) -> bytes:
    """The exact bytes a client signs: UTF-8 JSON, sorted keys, no whitespace, raw UTF-8.

    `{"б": 1, "a": [1, 2]}` -> `{"a":[1,2],"б":1}` encoded as UTF-8. A second run gives the same
    bytes; that is the point.
    """
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


# Trust store ------------------------------------------------------------------------------------
_store_lock = threading.Lock()
_stores: dict[tuple, TrustStore] = {}


def trust_version() -> str:
    """The shared trust version: any change to the trust tables replaces it (signals.py)."""
    version = cache.get(TRUST_VERSION_KEY)
    if version is None:
        cache.add(TRUST_VERSION_KEY, uuid.uuid4().hex, timeout=None)
        version = cache.get(TRUST_VERSION_KEY)
    # A cache that keeps nothing (DummyCache) means: never reuse a store.
    return version if version is not None else uuid.uuid4().hex


def bump_trust_version() -> None:
    """Make every process rebuild its trust store and forget cached verdicts. Safe to repeat."""
    cache.set(TRUST_VERSION_KEY, uuid.uuid4().hex, timeout=None)


def _store_key(version: str) -> tuple:
    if not settings.DEMO:
        return (version, False)
    # The demo CA's CRL is reissued before it runs out; a new one means a new store.
    demo = ensure_demo_pki()
    return (version, True, str(demo.directory), demo.crl_next_update.isoformat())


def current_trust_store() -> TrustStore:
    """The TrustStore of the DB's anchors, intermediates and CRLs (+ the demo CA when DEMO).

    Built once per trust version and kept in this process, so its caches (decoded certificates,
    verified signatures, fetched CRLs) are shared by every verification until the tables change.
    """
    return _current_store()[0]


def _current_store() -> tuple[TrustStore, tuple]:
    key = _store_key(trust_version())
    store = _stores.get(key)
    if store is not None:
        return store, key
    with _store_lock:
        store = _stores.get(key)
        if store is None:
            store = _build_store()
            _stores.clear()
            _stores[key] = store
    return store, key


def build_trust_store(
    *,
    anchors: Iterable[bytes] = (),
    intermediates: Iterable[bytes] = (),
    crls: Iterable[bytes] = (),
    database: bool = True,
) -> TrustStore:
    """A new TrustStore: the DB's trust (unless `database` is False), the demo CA when DEMO,
    and the given extra anchors, intermediates and CRLs. Raises TrustStoreError for a bad extra.

    For one-off verifications (`ecp_verify --trust ...`); everything else uses
    `current_trust_store()`, which is shared and cached.
    """
    store = _build_store(database=database)
    for data in anchors:
        store.add_anchor(data)
    for data in intermediates:
        store.add_intermediate(data)
    for data in crls:
        store.add_crl(data)
    return store


def _build_store(*, database: bool = True) -> TrustStore:
    store = TrustStore()
    if database:
        _add_database_trust(store)
    if settings.DEMO:
        demo = ensure_demo_pki()
        store.add_anchor(demo.anchor_der)
        store.add_crl(demo.crl_der)
    return store


def _add_database_trust(store: TrustStore) -> None:
    for row in TrustedCertificate.objects.order_by("-is_anchor", "pk"):
        add = store.add_anchor if row.is_anchor else store.add_intermediate
        try:
            add(bytes(row.der))
        except TrustStoreError as error:
            logger.error("Trusted certificate %s does not decode: %s", row.fingerprint, error)
    for row in CertificateRevocationList.objects.order_by("pk"):
        try:
            store.add_crl(bytes(row.der), source_url=row.source_url or None)
        except TrustStoreError as error:
            logger.error("CRL %s does not decode: %s", row.fingerprint, error)


def _certificate_row(der: bytes, *, anchor: bool | None) -> tuple[TrustedCertificate, bool]:
    certificate = parse_certificate(der)
    is_anchor = certificate.is_self_issued if anchor is None else anchor
    row, created = TrustedCertificate.objects.get_or_create(
        fingerprint=certificate.fingerprint,
        defaults={
            "der": der,
            "subject": certificate.subject.display[:1000],
            "issuer": certificate.issuer.display[:1000],
            "is_anchor": is_anchor,
            "not_before": certificate.not_before,
            "not_after": certificate.not_after,
        },
    )
    if not created and row.is_anchor != is_anchor:
        row.is_anchor = is_anchor
        row.save(update_fields=["is_anchor"])
    return row, created


@transaction.atomic
def trust_import(data: bytes, *, anchor: bool | None = None) -> list[TrustedCertificate]:
    """Add every certificate in `data` (DER, PEM or a PEM bundle) to the trust store.

    `anchor=None`: a self-signed certificate becomes an anchor, any other an intermediate;
    True/False forces it (NCA test CAs are not self-signed; `ecp_trust import --anchor`,
    README "Operations").
    A second run changes nothing (or only the anchor flag). Raises DomainError("invalid").
    """
    try:
        ders = load_certificates(data)
        return [_certificate_row(der, anchor=anchor)[0] for der in ders]
    except (CertificateMalformed, ValueError) as error:
        raise DomainError("invalid", f"Not a certificate: {error}") from None


def trust_remove(fingerprint: str) -> bool:
    """Remove a trusted certificate by its SHA-256 fingerprint. False if there was none."""
    deleted, _ = TrustedCertificate.objects.filter(fingerprint=fingerprint.lower()).delete()
    return deleted > 0


def _crl_row(
    data: bytes, *, origin: str, source_url: str = ""
) -> tuple[CertificateRevocationList, bool]:
    crl = parse_crl(data)
    return CertificateRevocationList.objects.get_or_create(
        fingerprint=crl.fingerprint,
        defaults={
            "der": crl.der,
            "issuer": crl.issuer.display[:1000],
            "this_update": crl.this_update,
            "next_update": crl.next_update,
            "origin": origin,
            "source_url": source_url,
        },
    )


@transaction.atomic
def crl_import(data: bytes) -> CertificateRevocationList:
    """Import a CRL (DER or PEM). Its signature is checked whenever it is used. Idempotent."""
    try:
        row, _created = _crl_row(data, origin=CertificateRevocationList.Origin.IMPORTED)
    except CrlMalformed as error:
        raise DomainError("invalid", f"Not a CRL: {error}") from None
    return row


def fetch_crl(url: str) -> bytes:
    """GET a CRL for an operator's command (`ecp_verify`), never for a request (issue 9).

    Only allowed http(s) hosts, within the deadline and size cap, same-host redirects only
    (crl_fetch.download); raises on any failure, which the library records as a failed source.
    The CRL is kept in the DB only when its signature and freshness check out (crl_fetch.accept).
    """
    data = crl_fetch.download(url)
    try:
        crl_fetch.accept(data, url=url)
    except (crl_fetch.CrlFetchRefused, DatabaseError) as error:
        logger.warning("Fetched CRL from %s not stored: %s", url, error)
    return data


def _queue_crl_fetches(cms: bytes | str, verdict: Verdict) -> None:
    """A verification met a certificate without a current CRL: let the worker fetch it."""
    unknown = {
        record.get("certificate_serial")
        for record in verdict.revocation
        if record.get("status") == "unknown"
    }
    if not unknown:
        return
    try:
        certificates = inspect_cms(cms).certificates
    except (CmsMalformed, ValueError):
        return
    crl_fetch.queue_fetches(
        url
        for certificate in certificates
        if certificate.serial_hex in unknown
        for url in certificate.crl_urls
    )


# Verification -----------------------------------------------------------------------------------
# `POST signatures/verify/` is open to any signed-in user: its cost is bounded (issue 9).
VERIFY_MAX_DATA_BYTES = 1024 * 1024
VERIFY_MAX_SIGNERS = 4


def check_verify_request(cms: bytes | str, data: bytes | None) -> None:
    """Refuse a verification request too expensive to answer (issue 9, "Expensive endpoints").

    `data` over 1 MiB, or an attached CMS whose own content is over 1 MiB (the same hashing
    work, carried inside the CMS): DomainError("too_large", 413). More than 4 signers in the CMS:
    DomainError("too_many_signers", 400). A CMS that does not decode passes here; the verdict
    then says `malformed`.
    """
    if data is not None and len(data) > VERIFY_MAX_DATA_BYTES:
        raise DomainError("too_large", status=413, details={"max_bytes": VERIFY_MAX_DATA_BYTES})
    try:
        inspection = inspect_cms(cms)
    except (CmsMalformed, ValueError):
        return
    if inspection.content is not None and len(inspection.content) > VERIFY_MAX_DATA_BYTES:
        raise DomainError("too_large", status=413, details={"max_bytes": VERIFY_MAX_DATA_BYTES})
    signers = len(inspection.signer_infos)
    if signers > VERIFY_MAX_SIGNERS:
        raise DomainError(
            "too_many_signers", details={"max_signers": VERIFY_MAX_SIGNERS, "signers": signers}
        )


def _cms_bytes(cms: bytes | str) -> bytes:
    return cms.encode("utf-8", "surrogatepass") if isinstance(cms, str) else bytes(cms)


def _verdict_key(
    cms: bytes | str,
    data: bytes | None,
    at: datetime,
    trust: str,
    purpose: str,
    policy: str,
    required_identity: str | None,
) -> str:
    digest = hashlib.sha256()
    for part in (_cms_bytes(cms), b"" if data is None else b"+" + data):
        digest.update(hashlib.sha256(part).digest())
    fields = [digest.hexdigest(), at.isoformat(), trust, purpose, policy, required_identity or ""]
    return VERDICT_KEY_PREFIX + hashlib.sha256("|".join(fields).encode()).hexdigest()


def verify_signature(
    cms: bytes | str,
    *,
    data: bytes | None = None,
    purpose: str = "sign",
    at: datetime | None = None,
    required_identity: str | None = None,
) -> Verdict:
    """Verify a CMS against the DB trust store (SPEC R-ECP-1). Never raises for a bad CMS.

    `data` is the content of a detached CMS; `at` the validation time (default now); the
    revocation policy is settings.ECP_REVOCATION_POLICY. Cached (see the module docstring).
    """
    policy = settings.ECP_REVOCATION_POLICY
    if at is None:
        at = timezone.now()
        key_at = at.replace(second=0, microsecond=0)
        ttl = VERDICT_NOW_TTL_SECONDS
    else:
        key_at, ttl = at, VERDICT_TTL_SECONDS
    store, store_key = _current_store()
    key = _verdict_key(cms, data, key_at, repr(store_key), purpose, policy, required_identity)
    cached = cache.get(key)
    if isinstance(cached, Verdict):
        return cached
    verdict = verify_cms(
        cms,
        data=data,
        purpose=purpose,
        at=at,
        trust=store,
        policy=policy,
        fetch_crl=None,  # never on a request path: missing CRLs are queued for the worker
        required_identity=required_identity,
    )
    if settings.ECP_FETCH_CRL:
        _queue_crl_fetches(cms, verdict)
    cache.set(key, verdict, ttl)
    return verdict


@dataclass(frozen=True)
class _Requirement:
    identities: frozenset[str]
    head_of_bin: str | None

    def met_by(self, signer) -> bool:
        if signer.identity not in self.identities or not signer_may_sign(signer):
            return False
        if self.head_of_bin is None:
            return True
        return signer.bin == self.head_of_bin and signer.is_head


# details.reason of a signer_mismatch when the key is the company's but lacks the right to sign.
NO_SIGNING_RIGHT = "no_signing_right"


def signer_may_sign(signer) -> bool:
    """May this key sign a document for the login it speaks for (issue 9 "Legal entities")?

    An individual's key always may. A legal entity's key (its identity is the BIN) only with the
    first-head role or the right to sign (1.2.398.3.3.4.1.2.1 / .2.2, SPEC R-ECP-4); a plain
    employee's, HR officer's or finance-only key signs in, but signs nothing for the company.
    """
    if signer.is_legal_entity and signer.bin and signer.identity == signer.bin:
        return signer.may_sign_for_organization
    return True


def require_valid_signature(
    cms: bytes | str,
    payload: bytes,
    *,
    identities: set[str],
    purpose: str = "sign",
    head_of_bin: str | None = None,
    at: datetime | None = None,
) -> Verdict:
    """Verify a CMS over exactly `payload` by one of `identities` (SPEC R-ECP-1, R-FIL-11).

    A signer's identity is the BIN of a legal-entity key, else the IIN; a legal-entity key must
    also carry the right to sign (`signer_may_sign`). With `head_of_bin`, the matching signer must
    also hold that BIN with the first-head role (R-FIL-10). Raises
    DomainError("signature_invalid", details={"reason": code}) when the signature fails,
    DomainError("signer_mismatch") when it holds but nobody required signed. Returns the verdict.
    """
    verdict = verify_signature(cms, data=payload, purpose=purpose, at=at)
    if not verdict.valid:
        if verdict.reason == "signer_mismatch":
            raise DomainError("signer_mismatch")
        raise DomainError("signature_invalid", details={"reason": verdict.reason})
    requirement = _Requirement(frozenset(identities), head_of_bin)
    if not any(requirement.met_by(signer) for signer in verdict.signers):
        if any(
            signer.identity in identities and not signer_may_sign(signer)
            for signer in verdict.signers
        ):
            raise DomainError("signer_mismatch", details={"reason": NO_SIGNING_RIGHT})
        raise DomainError("signer_mismatch")
    return verdict
