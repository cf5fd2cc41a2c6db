"""Revocation checking by CRL (and OCSP), with a record of which source said what.

Threat model: CRLs are imported by operators, embedded in CMS, or fetched over HTTP from the URL
in a certificate (all of which an attacker may influence). A CRL decides anything only after its
signature verified under the key of the certificate that issued the certificate being checked,
that issuer is allowed to sign CRLs, and the CRL's scope covers the certificate. A CRL whose
signature fails is recorded as ignored and never makes a certificate "good". ``fetch_crl`` is the
caller's function (it owns timeouts and size limits); any exception it raises is recorded as a
failed source, never propagated.

Rules (SPEC R-ECP-1 "revocation"):
* the newest signature-valid CRL for the issuer is consulted first; if it lists the serial with a
  revocation date at or before ``at`` (and reason other than removeFromCRL), the certificate is
  revoked — a stale CRL still proves a revocation;
* otherwise a CRL that is current at ``at`` (nextUpdate >= at, or issued at/after ``at``) makes it
  good; if none is current, each CRL distribution point URL is fetched with ``fetch_crl`` and the
  result cached in the TrustStore until its nextUpdate;
* OCSP (``sotkabinet.ecp.ocsp``), when the caller gives ``fetch_ocsp``, is asked as well: a
  verified "revoked" (or "on hold") from it wins over a CRL's "good";
* if still nothing is current, the status is unknown: ``revocation_unknown`` under the hard policy,
  accepted (and recorded) under the soft one.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any

from sotkabinet.ecp.algorithms import UnsupportedAlgorithm
from sotkabinet.ecp.certificates import Certificate
from sotkabinet.ecp.crl import CrlMalformed, RevocationList, parse_crl
from sotkabinet.ecp.ocsp import check_ocsp
from sotkabinet.ecp.trust import TrustStore

logger = logging.getLogger(__name__)

GOOD = "good"
REVOKED = "revoked"
UNKNOWN = "unknown"


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def _record(
    certificate: Certificate, crl: RevocationList | None, status: str, detail: str, **extra
):
    entry: dict[str, Any] = {
        "certificate_serial": certificate.serial_hex,
        "subject": certificate.subject.common_name_or_dn,
        "source": "crl",
        "url": crl.source_url if crl else extra.pop("url", None),
        "issuer": crl.issuer.common_name_or_dn if crl else certificate.issuer.common_name_or_dn,
        "crl_number": crl.crl_number if crl else None,
        "this_update": _iso(crl.this_update) if crl else None,
        "next_update": _iso(crl.next_update) if crl else None,
        "status": status,
        "revoked_at": None,
        "reason": None,
        "detail": detail,
    }
    entry.update(extra)
    return entry


def _is_current(crl: RevocationList, at: datetime) -> bool:
    if crl.this_update >= at:
        return True  # issued after the moment we check: it lists everything revoked by then
    return crl.next_update is not None and crl.next_update >= at


def _consider(
    crl: RevocationList,
    certificate: Certificate,
    issuer: Certificate,
    at: datetime,
    trust: TrustStore,
    records: list[dict[str, Any]],
) -> tuple[str | None, bool]:
    """Record what ``crl`` says about ``certificate``.

    Returns (GOOD/REVOKED when the CRL settles the status, else None; whether the CRL's signature
    verified under the issuer's key).
    """
    if crl.issuer.key != issuer.subject.key:
        records.append(_record(certificate, crl, "ignored", "CRL names another issuer"))
        return None, False
    try:
        signed = trust.crl_signed_by(crl, issuer)
    except UnsupportedAlgorithm as exc:
        records.append(_record(certificate, crl, "ignored", f"CRL signature: {exc}"))
        return None, False
    if not signed:
        records.append(
            _record(certificate, crl, "ignored", "CRL signature does not verify (issuer's key)")
        )
        return None, False
    if not crl.usable or not crl.covers(certificate.is_ca):
        why = crl.unusable_why or "CRL scope excludes this certificate"
        records.append(_record(certificate, crl, "ignored", why))
        return None, True
    entry = crl.lookup(certificate.serial_number)
    if entry is not None and entry.revoked_at <= at and entry.reason != "remove_from_crl":
        records.append(
            _record(
                certificate,
                crl,
                REVOKED,
                "listed in the CRL",
                revoked_at=_iso(entry.revoked_at),
                reason=entry.reason,
            )
        )
        return REVOKED, True
    if _is_current(crl, at):
        records.append(_record(certificate, crl, GOOD, "not listed in a current CRL"))
        return GOOD, True
    records.append(_record(certificate, crl, "stale", "the CRL's nextUpdate is before the check"))
    return None, True


def check_revocation(
    certificate: Certificate,
    issuer: Certificate,
    *,
    at: datetime,
    trust: TrustStore,
    embedded_crls: Iterable[RevocationList] = (),
    fetch_crl: Callable[[str], bytes] | None = None,
    fetch_ocsp: Callable[[str, bytes], bytes] | None = None,
) -> tuple[str, list[dict[str, Any]]]:
    """Revocation status of ``certificate`` (issued by ``issuer``) at ``at``: good/revoked/unknown,
    plus the record of every source consulted.

    CRLs first; then, when ``fetch_ocsp`` is given and the certificate names an OCSP responder,
    OCSP too. A verified "revoked" from either source wins; otherwise one verified "good" is
    enough.
    """
    status, records = _check_crls(
        certificate, issuer, at=at, trust=trust, embedded_crls=embedded_crls, fetch_crl=fetch_crl
    )
    if status == REVOKED or fetch_ocsp is None or not certificate.ocsp_urls:
        return status, records
    ocsp_status, ocsp_records = check_ocsp(
        certificate, issuer, at=at, trust=trust, fetch_ocsp=fetch_ocsp
    )
    records.extend(ocsp_records)
    if ocsp_status == REVOKED:
        return REVOKED, records
    if ocsp_status == GOOD:
        return GOOD, records
    return status, records


def _check_crls(
    certificate: Certificate,
    issuer: Certificate,
    *,
    at: datetime,
    trust: TrustStore,
    embedded_crls: Iterable[RevocationList],
    fetch_crl: Callable[[str], bytes] | None,
) -> tuple[str, list[dict[str, Any]]]:
    records: list[dict[str, Any]] = []
    if issuer.key_usage is not None and "crl_sign" not in issuer.key_usage:
        records.append(_record(certificate, None, UNKNOWN, "the issuer may not sign CRLs"))
        return UNKNOWN, records
    known = [
        *trust.crls_for(issuer),
        *(crl for crl in embedded_crls if crl.issuer.key == issuer.subject.key),
    ]
    known.sort(key=lambda crl: (crl.this_update, crl.crl_number or 0), reverse=True)
    for crl in known:
        status, _ = _consider(crl, certificate, issuer, at, trust, records)
        if status is not None:
            return status, records
    if fetch_crl is not None:
        for url in certificate.crl_urls:
            if trust.cached_fetch(url, at) is not None:
                continue  # current copy already consulted above
            crl = _fetch(url, fetch_crl, certificate, records)
            if crl is None:
                continue
            status, signed = _consider(crl, certificate, issuer, at, trust, records)
            if signed:
                trust.remember_fetch(url, crl)
            if status is not None:
                return status, records
    detail = "no current, signature-valid CRL available"
    if fetch_crl is None and certificate.crl_urls:
        detail += " (CRL fetching is off)"
    records.append(_record(certificate, None, UNKNOWN, detail))
    return UNKNOWN, records


def _fetch(
    url: str,
    fetch_crl: Callable[[str], bytes],
    certificate: Certificate,
    records: list[dict[str, Any]],
) -> RevocationList | None:
    try:
        raw = fetch_crl(url)
    except Exception as exc:  # the caller's network code: any failure is a failed source
        logger.warning("CRL fetch failed for %s: %s", url, exc)
        records.append(_record(certificate, None, "error", f"fetch failed: {exc}", url=url))
        return None
    try:
        crl = parse_crl(raw, source_url=url)
    except CrlMalformed as exc:
        records.append(_record(certificate, None, "error", f"fetched CRL: {exc}", url=url))
        return None
    return crl
