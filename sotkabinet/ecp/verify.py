"""Full verification of a CMS signature (SPEC R-ECP-1, R-ECP-4).

Threat model: ``cms`` and ``data`` are uploaded by an applicant, i.e. attacker-controlled; the
TrustStore is operator configuration; ``fetch_crl`` is the caller's network function. The attacker
may send any bytes, claim any signer, embed any certificates and CRLs, pick any algorithm OID, and
try to make us burn CPU. So:

* ``verify_cms`` never raises on bad input: anything that does not decode is ``malformed``;
* nothing embedded is trusted: a signer certificate counts only through a chain of verified
  signatures ending at a configured anchor; embedded CRLs count only when signed by the issuer;
* cost is bounded: at most ``MAX_SIGNERS`` signers, ``MAX_CERTIFICATES`` embedded certificates,
  paths of at most ``MAX_PATH_LENGTH`` certificates, and each (certificate, issuer) signature is
  verified once per TrustStore thanks to its cache. GOST is pure Python (about 0.1 s per
  signature, Streebog about 7 s per MiB), so GOST CMS over large attached content is slow: the
  portal signs small canonical manifests, and verification runs in a worker;
* CRL and OCSP URLs are fetched only for certificates already on a verified path (the CA chose
  them), and only through the caller's ``fetch_crl`` / ``fetch_ocsp``;
* the verdict names one reason (docs/conventions.md "Signature verdicts"), checked in this
  order per signer: malformed, unsupported_algorithm, tampered, untrusted, expired /
  not_yet_valid, key_usage, revoked, revocation_unknown; and finally signer_mismatch for
  ``required_identity``.

Key purpose (R-ECP-1, R-ECP-4): ``purpose="sign"`` needs nonRepudiation (contentCommitment).
``purpose="auth"`` (ЭЦҚ sign-in) accepts an AUTH key (digitalSignature + keyEncipherment) or a SIGN
key (nonRepudiation), as NCALayer sign-in accepts either.

Time: every certificate on the path must be valid at ``at`` (the receipt time the caller passes).
A certificate revoked after ``at`` was still valid at ``at``. The CMS signingTime is recorded but,
being the signer's own claim, never replaces ``at``.
"""

from __future__ import annotations

import hmac
import itertools
import logging
from collections.abc import Callable
from datetime import datetime

from sotkabinet.ecp.algorithms import (
    UnsupportedAlgorithm,
    digest_algorithm,
    signature_algorithm,
    verify_signature,
)
from sotkabinet.ecp.certificates import Certificate
from sotkabinet.ecp.cms import CmsInspection, SignerInfo, parse_cms
from sotkabinet.ecp.model import CmsMalformed, Policy, Reason, Verdict
from sotkabinet.ecp.revocation import GOOD, REVOKED, check_revocation
from sotkabinet.ecp.trust import TrustStore

logger = logging.getLogger(__name__)

MAX_PATH_LENGTH = 8
PURPOSES = ("sign", "auth")


class _Failure(Exception):
    def __init__(self, reason: Reason, message: str) -> None:
        super().__init__(message)
        self.reason = reason
        self.message = message


class _Context:
    def __init__(
        self, inspection, content, purpose, at, trust, policy, fetch_crl, fetch_ocsp
    ) -> None:
        self.inspection: CmsInspection = inspection
        self.content: bytes = content
        self.purpose: str = purpose
        self.at: datetime = at
        self.trust: TrustStore = trust
        self.policy: Policy = policy
        self.fetch_crl = fetch_crl
        self.fetch_ocsp = fetch_ocsp
        self.revocation: list[dict] = []
        self.notes: list[str] = []


def verify_cms(
    cms: bytes | str,
    *,
    data: bytes | None = None,
    purpose: str = "sign",
    at: datetime,
    trust: TrustStore,
    policy: str = "hard",
    fetch_crl: Callable[[str], bytes] | None = None,
    required_identity: str | None = None,
    fetch_ocsp: Callable[[str, bytes], bytes] | None = None,
) -> Verdict:
    """Verify every signer of a CMS SignedData against ``trust`` at time ``at``.

    ``cms`` is DER, base64 or PEM; ``data`` is the content of a detached CMS (for an attached one
    it must equal the content if given). ``required_identity`` is an IIN or BIN that at least one
    signer's certificate must carry. ``fetch_crl(url)`` returns a CRL's bytes and
    ``fetch_ocsp(url, request_der)`` an OCSP response's; both are optional and only ever called
    for certificates on a verified path. Never raises on bad input; raises ValueError only for a
    programming error in the other arguments (unknown purpose/policy, naive ``at``).
    """
    if purpose not in PURPOSES:
        raise ValueError(f"purpose must be one of {PURPOSES}")
    revocation_policy = Policy(policy)
    if at.tzinfo is None or at.utcoffset() is None:
        raise ValueError("at must be timezone-aware")
    try:
        return _verify(
            cms,
            data,
            purpose,
            at,
            trust,
            revocation_policy,
            (fetch_crl, fetch_ocsp),
            required_identity,
        )
    except Exception:
        # Last line of defence for a defect of ours on hostile input: the filing must get a
        # verdict, not a crash; the traceback goes to the log for the developers.
        logger.exception("internal error while verifying a CMS")
        return Verdict(
            valid=False,
            reason=Reason.MALFORMED.value,
            message="internal error while verifying (logged)",
            at=at,
            policy=revocation_policy.value,
        )


def _verify(cms, data, purpose, at, trust, policy, fetchers, required_identity) -> Verdict:
    try:
        inspection = parse_cms(cms, certificate_parser=trust.parse_certificate)
    except CmsMalformed as exc:
        return Verdict(False, Reason.MALFORMED.value, message=str(exc), at=at, policy=policy.value)
    verdict = Verdict(False, None, signers=list(inspection.signers), at=at, policy=policy.value)
    if data is not None and not isinstance(data, bytes | bytearray | memoryview):
        verdict.reason, verdict.message = Reason.MALFORMED.value, "data must be bytes"
        return verdict
    if inspection.content is None:
        if data is None:
            verdict.reason = Reason.MALFORMED.value
            verdict.message = "a detached CMS needs the signed data"
            return verdict
        content = bytes(data)
    else:
        content = inspection.content
        if data is not None and not hmac.compare_digest(content, bytes(data)):
            verdict.reason = Reason.TAMPERED.value
            verdict.message = "the attached content differs from the data given"
            return verdict
    context = _Context(inspection, content, purpose, at, trust, policy, *fetchers)
    messages = []
    for info in inspection.signer_infos:
        try:
            _check_signer(info, context)
            verdict.signer_reasons.append(None)
        except _Failure as failure:
            verdict.signer_reasons.append(failure.reason.value)
            messages.append(f"signer {info.index + 1}: {failure.message}")
    verdict.revocation = context.revocation
    failed = [reason for reason in verdict.signer_reasons if reason is not None]
    if failed:
        verdict.reason = failed[0]
        verdict.message = "; ".join(messages)
        return verdict
    if required_identity is not None and not any(
        required_identity in (signer.iin, signer.bin) for signer in inspection.signers
    ):
        verdict.reason = Reason.SIGNER_MISMATCH.value
        verdict.message = "no signer carries the required IIN/BIN"
        return verdict
    verdict.valid = True
    verdict.message = "; ".join(context.notes) or None
    return verdict


def _check_signer(info: SignerInfo, context: _Context) -> None:
    _check_signature(info, context)
    path = _build_path(info.certificate, context)
    _check_validity(path, context.at)
    _check_key_usage(info.certificate, context.purpose)
    _check_revocation(path, context)


def _check_signature(info: SignerInfo, context: _Context) -> None:
    """Content digest, contentType and the signature value (R-ECP-1 "the signature math")."""
    try:
        algorithm = signature_algorithm(info.signature_oid)
        digest = digest_algorithm(info.digest_oid)
        key = info.certificate.public_key()
    except UnsupportedAlgorithm as exc:
        raise _Failure(Reason.UNSUPPORTED_ALGORITHM, str(exc)) from None
    except ValueError as exc:
        raise _Failure(Reason.MALFORMED, f"signer's public key does not decode: {exc}") from None
    if algorithm.digest is not None and algorithm.digest.compute is not digest.compute:
        raise _Failure(Reason.MALFORMED, "digestAlgorithm and signatureAlgorithm disagree")
    if info.signed_attributes is not None:
        if info.content_type != context.inspection.content_type:
            raise _Failure(Reason.TAMPERED, "the contentType attribute does not match the content")
        if not hmac.compare_digest(digest.compute(context.content), info.message_digest or b""):
            raise _Failure(Reason.TAMPERED, "messageDigest does not match the content")
        signed = info.signed_attributes
    else:
        signed = context.content
    try:
        valid = verify_signature(key, algorithm, digest, signed, info.signature)
    except UnsupportedAlgorithm as exc:
        raise _Failure(Reason.UNSUPPORTED_ALGORITHM, str(exc)) from None
    if not valid:
        raise _Failure(Reason.TAMPERED, "the signature value does not verify")


def _may_issue_certificates(certificate: Certificate) -> bool:
    if not certificate.is_ca:
        return False
    return certificate.key_usage is None or "key_cert_sign" in certificate.key_usage


def _build_path(leaf: Certificate, context: _Context) -> list[Certificate]:
    """Leaf-to-anchor path whose every signature verifies, or _Failure (untrusted/unsupported)."""
    trust = context.trust
    embedded = context.inspection.certificates
    if leaf.unknown_critical_extensions:
        raise _Failure(
            Reason.UNTRUSTED,
            f"unsupported critical extension(s) {', '.join(leaf.unknown_critical_extensions)}",
        )
    if trust.is_anchor(leaf):
        return [leaf]
    problems: list[tuple[Reason, str]] = []

    def walk(path: list[Certificate]) -> list[Certificate] | None:
        if len(path) >= MAX_PATH_LENGTH:
            problems.append((Reason.UNTRUSTED, "certificate path too long"))
            return None
        child = path[-1]
        on_path = {certificate.fingerprint for certificate in path}
        for candidate in trust.issuer_candidates(child, embedded):
            if candidate.fingerprint in on_path:
                continue
            name = candidate.subject.common_name_or_dn
            if not _may_issue_certificates(candidate):
                problems.append((Reason.UNTRUSTED, f"«{name}» is not a CA certificate"))
                continue
            if candidate.unknown_critical_extensions:
                problems.append((Reason.UNTRUSTED, f"«{name}» has unsupported critical extensions"))
                continue
            try:
                signed = trust.signed_by(child, candidate)
            except UnsupportedAlgorithm as exc:
                problems.append((Reason.UNSUPPORTED_ALGORITHM, str(exc)))
                continue
            if not signed:
                problems.append((Reason.UNTRUSTED, f"signature by «{name}» does not verify"))
                continue
            extended = [*path, candidate]
            if not _path_lengths_ok(extended):
                problems.append((Reason.UNTRUSTED, f"«{name}» path length constraint exceeded"))
                continue
            if trust.is_anchor(candidate):
                return extended
            found = walk(extended)
            if found is not None:
                return found
        return None

    path = walk([leaf])
    if path is not None:
        return path
    for reason, message in problems:
        if reason is Reason.UNSUPPORTED_ALGORITHM:
            raise _Failure(reason, message)
    detail = problems[0][1] if problems else "no issuer certificate found"
    raise _Failure(Reason.UNTRUSTED, f"no chain to a trusted root ({detail})")


def _path_lengths_ok(path: list[Certificate]) -> bool:
    # path[0] is the leaf; path[i] for i >= 1 issued path[i-1]. RFC 5280 4.2.1.9: at most
    # pathLenConstraint non-self-issued intermediates may follow a CA.
    for position in range(1, len(path)):
        limit = path[position].path_length
        if limit is None:
            continue
        intermediates = sum(1 for c in path[1:position] if not c.is_self_issued)
        if intermediates > limit:
            return False
    return True


def _check_validity(path: list[Certificate], at: datetime) -> None:
    for certificate in path:
        name = certificate.subject.common_name_or_dn
        if at < certificate.not_before:
            raise _Failure(
                Reason.NOT_YET_VALID,
                f"«{name}» is valid from {certificate.not_before.isoformat()}",
            )
        if at > certificate.not_after:
            raise _Failure(
                Reason.EXPIRED, f"«{name}» expired on {certificate.not_after.isoformat()}"
            )


def _check_key_usage(certificate: Certificate, purpose: str) -> None:
    usages = certificate.key_usage
    if usages is None:
        raise _Failure(Reason.KEY_USAGE, "the certificate has no keyUsage")
    signing_key = "non_repudiation" in usages
    if purpose == "sign" and not signing_key:
        raise _Failure(Reason.KEY_USAGE, "not a signing key (no nonRepudiation)")
    if purpose == "auth":
        auth_key = "digital_signature" in usages and "key_encipherment" in usages
        if not (auth_key or signing_key):
            raise _Failure(Reason.KEY_USAGE, "neither an authentication nor a signing key")


def _check_revocation(path: list[Certificate], context: _Context) -> None:
    # Every certificate but the anchor is checked against its issuer's CRL.
    unknown: list[str] = []
    for certificate, issuer in itertools.pairwise(path):
        status, records = check_revocation(
            certificate,
            issuer,
            at=context.at,
            trust=context.trust,
            embedded_crls=context.inspection.crls,
            fetch_crl=context.fetch_crl,
            fetch_ocsp=context.fetch_ocsp,
        )
        context.revocation.extend(records)
        name = certificate.subject.common_name_or_dn
        if status == REVOKED:
            revoked = records[-1]
            why = revoked["reason"] or "no reason given"
            raise _Failure(
                Reason.REVOKED, f"«{name}» was revoked on {revoked['revoked_at']} ({why})"
            )
        if status != GOOD:
            unknown.append(name)
    if unknown:
        message = f"revocation status unknown for {', '.join(f'«{n}»' for n in unknown)}"
        if context.policy is Policy.HARD:
            raise _Failure(Reason.REVOCATION_UNKNOWN, message)
        context.notes.append(message + " (accepted: soft policy)")
