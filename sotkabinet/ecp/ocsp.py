"""OCSP (RFC 6960) status checks, as a second revocation source next to CRLs.

Threat model: the OCSP URL comes from the authorityInfoAccess of a certificate whose chain has
already verified (so the CA chose it), but the response travels over plain HTTP and is attacker
input. A response counts only if: it decodes strictly; its signature verifies under the issuing
CA's key, or under a delegated responder certificate that the same CA issued (verified signature,
EKU id-kp-OCSPSigning, valid at the time checked); it answers for exactly our certificate (serial
and issuer name/key hashes); it echoes our nonce when it carries one; and it is current. Anything
else is recorded as "ignored"/"error" and never makes a certificate good. ``fetch_ocsp(url,
request_der) -> response_der`` is the caller's network function; its exceptions are recorded.

Real sources disagree (NCA's test responder marks a certificate "on hold" that the CRL does not
list): the caller combines sources so that any verified "revoked" wins, and the verdict keeps
every source's answer.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from asn1crypto import ocsp

from sotkabinet.ecp.algorithms import UnsupportedAlgorithm, digest_algorithm
from sotkabinet.ecp.certificates import (
    PARSE_ERRORS,
    Certificate,
    CertificateMalformed,
    parse_name,
)
from sotkabinet.ecp.trust import TrustStore, check_signed_by

logger = logging.getLogger(__name__)

OCSP_SIGNING = "1.3.6.1.5.5.7.3.9"
# A response without nextUpdate is taken as current for this long after its thisUpdate.
MAX_AGE_WITHOUT_NEXT_UPDATE = timedelta(minutes=10)
MAX_RESPONSE_BYTES = 1024 * 1024


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def build_request(certificate: Certificate, issuer: Certificate, nonce: bytes) -> bytes:
    """A DER OCSPRequest for one certificate (SHA-256 CertID, with a nonce)."""
    cert_id = ocsp.CertId(
        {
            "hash_algorithm": {"algorithm": "sha256"},
            "issuer_name_hash": hashlib.sha256(issuer.subject_der).digest(),
            "issuer_key_hash": hashlib.sha256(issuer.public_key_bits).digest(),
            "serial_number": certificate.serial_number,
        }
    )
    return ocsp.OCSPRequest(
        {
            "tbs_request": {
                "request_list": [{"req_cert": cert_id}],
                "request_extensions": [
                    {"extn_id": "nonce", "critical": False, "extn_value": nonce}
                ],
            }
        }
    ).dump()


def _record(certificate: Certificate, url: str, status: str, detail: str, **extra) -> dict:
    entry: dict[str, Any] = {
        "certificate_serial": certificate.serial_hex,
        "subject": certificate.subject.common_name_or_dn,
        "source": "ocsp",
        "url": url,
        "issuer": None,
        "crl_number": None,
        "this_update": None,
        "next_update": None,
        "status": status,
        "revoked_at": None,
        "reason": None,
        "detail": detail,
    }
    entry.update(extra)
    return entry


class _Ignored(Exception):
    """Internal: a response that must not count (the message says why)."""


def _responder(
    basic: ocsp.BasicOCSPResponse,
    issuer: Certificate,
    at: datetime,
    trust: TrustStore,
    parse: Callable[[bytes], Certificate],
) -> Certificate:
    """The certificate whose key signed the response: the CA itself or its delegated responder."""
    responder_id = basic["tbs_response_data"]["responder_id"]
    embedded = [parse(certificate.dump()) for certificate in basic["certs"] or []]
    for candidate in [issuer, *embedded]:
        if responder_id.name == "by_name":
            matches = parse_name(responder_id.chosen).key == candidate.subject.key
        else:
            key_hash = hashlib.sha1(candidate.public_key_bits).digest()  # noqa: S324 - RFC 6960 KeyHash
            matches = key_hash == responder_id.chosen.native
        if not matches:
            continue
        if candidate is issuer:
            return issuer
        if candidate.issuer.key != issuer.subject.key or not trust.signed_by(candidate, issuer):
            raise _Ignored("the responder certificate is not issued by the CA")
        if OCSP_SIGNING not in candidate.extended_key_usage:
            raise _Ignored("the responder certificate lacks id-kp-OCSPSigning")
        if not candidate.not_before <= at <= candidate.not_after:
            raise _Ignored("the responder certificate is not valid at the checked time")
        return candidate
    raise _Ignored("no certificate matches the responder id")


def _is_current(this_update: datetime, next_update: datetime | None, at: datetime) -> bool:
    if this_update >= at:
        return True  # made after the moment we check: a revocation before it would show
    if next_update is not None:
        return next_update >= at
    return this_update >= at - MAX_AGE_WITHOUT_NEXT_UPDATE


def check_ocsp(
    certificate: Certificate,
    issuer: Certificate,
    *,
    at: datetime,
    trust: TrustStore,
    fetch_ocsp: Callable[[str, bytes], bytes],
) -> tuple[str | None, list[dict[str, Any]]]:
    """Ask each OCSP URL of ``certificate``: ("good" | "revoked" | None, records)."""
    records: list[dict[str, Any]] = []
    for url in certificate.ocsp_urls:
        nonce = secrets.token_bytes(16)
        request = build_request(certificate, issuer, nonce)
        try:
            raw = fetch_ocsp(url, request)
        except Exception as exc:  # the caller's network code: any failure is a failed source
            logger.warning("OCSP request failed for %s: %s", url, exc)
            records.append(_record(certificate, url, "error", f"request failed: {exc}"))
            continue
        try:
            status, record = _evaluate(raw, nonce, certificate, issuer, at, trust)
        except _Ignored as exc:
            records.append(_record(certificate, url, "ignored", str(exc)))
            continue
        except (*PARSE_ERRORS, CertificateMalformed) as exc:
            records.append(_record(certificate, url, "error", f"response does not decode: {exc}"))
            continue
        record["url"] = url
        records.append(record)
        if status is not None:
            return status, records
    return None, records


def _evaluate(raw, nonce, certificate, issuer, at, trust) -> tuple[str | None, dict[str, Any]]:
    if not isinstance(raw, bytes | bytearray) or len(raw) > MAX_RESPONSE_BYTES:
        raise _Ignored("the response is not bytes or too large")
    response = ocsp.OCSPResponse.load(bytes(raw), strict=True)
    if response["response_status"].native != "successful":
        raise _Ignored(f"responder answered {response['response_status'].native}")
    if response["response_bytes"]["response_type"].dotted != "1.3.6.1.5.5.7.48.1.1":
        raise _Ignored("not a basic OCSP response")
    basic = response["response_bytes"]["response"].parsed
    data = basic["tbs_response_data"]
    responder = _responder(basic, issuer, at, trust, trust.parse_certificate)
    try:
        signed = check_signed_by(
            responder,
            basic["signature_algorithm"]["algorithm"].dotted,
            data.dump(),
            basic["signature"].native,
        )
    except UnsupportedAlgorithm as exc:
        raise _Ignored(f"response signature: {exc}") from None
    if not signed:
        raise _Ignored("the response signature does not verify")
    for extension in data["response_extensions"] or []:
        if (
            extension["extn_id"].native == "nonce"
            and extension["extn_value"].parsed.native != nonce
        ):
            raise _Ignored("the response nonce does not match the request")
    for single in data["responses"]:
        cert_id = single["cert_id"]
        if cert_id["serial_number"].native != certificate.serial_number:
            continue
        try:
            digest = digest_algorithm(cert_id["hash_algorithm"]["algorithm"].dotted)
        except UnsupportedAlgorithm:
            continue
        if cert_id["issuer_name_hash"].native != digest.compute(issuer.subject_der) or cert_id[
            "issuer_key_hash"
        ].native != digest.compute(issuer.public_key_bits):
            continue
        return _single_status(single, certificate, responder, at)
    raise _Ignored("the response does not cover this certificate")


def _single_status(single, certificate, responder, at) -> tuple[str | None, dict[str, Any]]:
    this_update = single["this_update"].native
    next_update = single["next_update"].native
    window = {
        "issuer": responder.subject.common_name_or_dn,
        "this_update": _iso(this_update),
        "next_update": _iso(next_update),
    }
    status = single["cert_status"]
    if status.name == "revoked":
        revoked_at = status.chosen["revocation_time"].native
        reason = status.chosen["revocation_reason"].native
        # A hold means "not valid now" whatever its date (NCA writes 1970-01-01 for holds).
        if revoked_at <= at or reason == "certificate_hold":
            record = _record(
                certificate,
                "",
                "revoked",
                "the responder says revoked",
                revoked_at=_iso(revoked_at),
                reason=reason,
                **window,
            )
            return "revoked", record
    elif status.name != "good":
        return None, _record(certificate, "", "unknown", "the responder does not know it", **window)
    if _is_current(this_update, next_update, at):
        return "good", _record(certificate, "", "good", "not revoked at the checked time", **window)
    return None, _record(certificate, "", "stale", "the response is not current", **window)
