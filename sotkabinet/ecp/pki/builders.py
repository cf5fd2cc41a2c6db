"""Names, extensions and certificate signing with asn1crypto (names over 64 characters allowed)."""

from __future__ import annotations

import hashlib
import os
import secrets
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

from asn1crypto import pem, x509

from sotkabinet.ecp import _asn1
from sotkabinet.ecp.pki.keys import PrivateKey

_NAME_TYPES = {
    "common_name": "utf8_string",
    "surname": "utf8_string",
    "serial_number": "printable_string",
    "country_name": "printable_string",
    "locality_name": "utf8_string",
    "state_or_province_name": "utf8_string",
    "organization_name": "utf8_string",
    "organizational_unit_name": "utf8_string",
    "given_name": "utf8_string",
}


def build_name(attributes: Sequence[tuple[str, str]]) -> x509.Name:
    """A Name with one attribute per RDN, in the given order (NCA's order, not a sorted one).

    Values are not length-checked: NCA issues attributes longer than X.520's 64 characters.
    """
    rdns = []
    for attribute, value in attributes:
        if attribute == "email_address":
            encoded = x509.EmailAddress(value)
        else:
            encoded = x509.DirectoryString(name=_NAME_TYPES[attribute], value=value)
        rdns.append(
            x509.RelativeDistinguishedName(
                [x509.NameTypeAndValue({"type": attribute, "value": encoded})]
            )
        )
    return x509.Name(name="", value=x509.RDNSequence(rdns))


def _time(moment: datetime) -> x509.Time:
    moment = moment.astimezone(UTC).replace(microsecond=0)
    if moment.year < 2050:
        return x509.Time(name="utc_time", value=moment)
    return x509.Time(name="general_time", value=moment)


def _key_identifier(spki_der: bytes) -> bytes:
    return hashlib.sha1(_asn1.OpaquePublicKeyInfo.load(spki_der)["public_key"].native).digest()  # noqa: S324 - RFC 5280 key identifier method 1


def _extension(name: str, value, critical: bool = False) -> dict:
    return {"extn_id": name, "critical": critical, "extn_value": value}


def _crl_distribution_points(url: str) -> list:
    return [
        {
            "distribution_point": x509.DistributionPointName(
                name="full_name",
                value=[x509.GeneralName(name="uniform_resource_identifier", value=url)],
            )
        }
    ]


def _random_serial() -> int:
    return secrets.randbits(159) | (1 << 150)  # 20 bytes at most, positive, like NCA's


def _sign_certificate(
    *,
    issuer_name: x509.Name,
    issuer_key: PrivateKey,
    subject: x509.Name,
    subject_spki: bytes,
    serial_number: int,
    not_before: datetime,
    not_after: datetime,
    extensions: list[dict],
) -> bytes:
    tbs = _asn1.TbsCertificate(
        {
            "version": "v3",
            "serial_number": serial_number,
            "signature": issuer_key.signature_algorithm(),
            "issuer": issuer_name,
            "validity": {"not_before": _time(not_before), "not_after": _time(not_after)},
            "subject": subject,
            "subject_public_key_info": _asn1.OpaquePublicKeyInfo.load(subject_spki),
            "extensions": extensions,
        }
    )
    signature = issuer_key.sign(tbs.dump())
    return _asn1.Certificate(
        {
            "tbs_certificate": tbs,
            "signature_algorithm": issuer_key.signature_algorithm(),
            "signature_value": signature,
        }
    ).dump()


def _to_pem(der: bytes, label: str = "CERTIFICATE") -> bytes:
    return pem.armor(label, der)


def _write_private(path: Path, data: bytes) -> None:
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(data)
