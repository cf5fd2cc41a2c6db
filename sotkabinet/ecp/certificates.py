"""X.509 certificates: parsing into plain values, and the Kazakh subject profile.

Threat model: certificates arrive inside uploaded CMS (attacker-controlled) and from operators'
trust imports. ``parse_certificate`` decodes everything it needs up front with asn1crypto, so
that a malformed certificate fails here with ``CertificateMalformed`` and not later, half-way
through a verification. Nothing read here is trusted: a parsed certificate only means "these are
the claims"; ``sotkabinet.ecp.verify`` decides whether a chain of signatures backs them.
Subject attributes longer than X.520's 64-character upper bound are accepted as they are (NCA
issues such names for long organisation names), and a value in an unexpected string type is
decoded leniently instead of failing the certificate.
"""

from __future__ import annotations

import functools
import hashlib
import re
from dataclasses import dataclass, field
from datetime import datetime

from asn1crypto import core, pem, x509

from sotkabinet.ecp import _asn1
from sotkabinet.ecp.algorithms import PublicKey, load_public_key

PARSE_ERRORS = (
    ValueError,
    TypeError,
    KeyError,
    IndexError,
    OverflowError,
    AttributeError,
    RecursionError,
    NotImplementedError,
)

OID_COMMON_NAME = "2.5.4.3"
OID_SURNAME = "2.5.4.4"
OID_SERIAL_NUMBER = "2.5.4.5"
OID_COUNTRY = "2.5.4.6"
OID_LOCALITY = "2.5.4.7"
OID_STATE = "2.5.4.8"
OID_ORGANIZATION = "2.5.4.10"
OID_ORGANIZATIONAL_UNIT = "2.5.4.11"
OID_GIVEN_NAME = "2.5.4.42"
OID_EMAIL = "1.2.840.113549.1.9.1"

_SHORT_NAMES = {
    OID_COMMON_NAME: "CN",
    OID_SURNAME: "SURNAME",
    OID_SERIAL_NUMBER: "SERIALNUMBER",
    OID_COUNTRY: "C",
    OID_LOCALITY: "L",
    OID_STATE: "ST",
    OID_ORGANIZATION: "O",
    OID_ORGANIZATIONAL_UNIT: "OU",
    OID_GIVEN_NAME: "GIVENNAME",
    OID_EMAIL: "E",
}

# Extensions this verifier understands. RFC 5280 4.2: a certificate with any other *critical*
# extension must be refused.
_KNOWN_EXTENSIONS = frozenset(
    {
        "2.5.29.14",  # subjectKeyIdentifier
        "2.5.29.15",  # keyUsage
        "2.5.29.17",  # subjectAltName
        "2.5.29.19",  # basicConstraints
        "2.5.29.31",  # cRLDistributionPoints
        "2.5.29.32",  # certificatePolicies
        "2.5.29.35",  # authorityKeyIdentifier
        "2.5.29.37",  # extKeyUsage
        "2.5.29.46",  # freshestCRL
        "1.3.6.1.5.5.7.1.1",  # authorityInfoAccess
    }
)

_IIN_RE = re.compile(r"^IIN(\d{12})$")
_BIN_RE = re.compile(r"^BIN(\d{12})$")


class CertificateMalformed(ValueError):
    """A certificate that does not decode."""


@dataclass(frozen=True)
class Name:
    """A distinguished name: the attributes in order, and a normalised key for matching."""

    key: str
    attributes: tuple[tuple[str, str], ...]

    def get(self, oid: str) -> str | None:
        for attribute_oid, value in self.attributes:
            if attribute_oid == oid:
                return value
        return None

    def get_all(self, oid: str) -> list[str]:
        return [value for attribute_oid, value in self.attributes if attribute_oid == oid]

    @property
    def display(self) -> str:
        """RFC 4514-like text (most specific last, as written in the certificate)."""
        parts = []
        for oid, value in self.attributes:
            escaped = value.replace("\\", "\\\\").replace(",", "\\,").replace("+", "\\+")
            parts.append(f"{_SHORT_NAMES.get(oid, oid)}={escaped}")
        return ",".join(parts)

    @property
    def common_name_or_dn(self) -> str:
        return self.get(OID_COMMON_NAME) or self.display


def _attribute_text(value: core.Asn1Value) -> str:
    try:
        native = value.native
    except PARSE_ERRORS:
        native = None
    if isinstance(native, str):
        return native
    # Unknown string type, or a value asn1crypto would not decode: keep the raw text.
    contents = getattr(value, "contents", b"") or b""
    if isinstance(value, core.Any):
        try:
            contents = value.parsed.contents or b""
        except PARSE_ERRORS:
            contents = value.contents or b""
    return contents.decode("utf-8", errors="replace")


def parse_name(name: x509.Name) -> Name:
    """Attributes and matching key of a Name (memoised by its DER: a pure function of bytes)."""
    if name.explicit or name.implicit:
        name = name.untag()  # e.g. an OCSP ResponderID [1] Name
    return _parse_name_der(name.dump())


@functools.lru_cache(maxsize=4096)
def _parse_name_der(der: bytes) -> Name:
    name = x509.Name.load(der)
    attributes: list[tuple[str, str]] = []
    for rdn in name.chosen:
        for type_and_value in rdn:
            oid = type_and_value["type"].dotted
            attributes.append((oid, _attribute_text(type_and_value["value"])))
    try:
        # RFC 5280 7.1 comparison (case folding, whitespace) as asn1crypto implements it.
        key = name.hashable
    except PARSE_ERRORS:
        # StringPrep refuses some code points; matching then falls back to exact bytes.
        key = "der:" + der.hex()
    return Name(key=key, attributes=tuple(attributes))


@dataclass(eq=False)
class Certificate:
    """The parts of one certificate that verification needs, decoded once."""

    der: bytes = field(repr=False)
    fingerprint: str  # sha256 hex of the DER
    tbs: bytes = field(repr=False)
    signature_algorithm: str
    signature: bytes = field(repr=False)
    serial_number: int
    issuer: Name
    subject: Name
    subject_der: bytes = field(repr=False)
    not_before: datetime
    not_after: datetime
    public_key_algorithm: str
    public_key_parameters: bytes | None = field(repr=False)
    public_key_bits: bytes = field(repr=False)
    spki: bytes = field(repr=False)
    key_usage: frozenset[str] | None  # None: no keyUsage extension
    extended_key_usage: tuple[str, ...]
    is_ca: bool
    path_length: int | None
    crl_urls: tuple[str, ...]
    ocsp_urls: tuple[str, ...]
    subject_key_id: bytes | None
    authority_key_id: bytes | None
    unknown_critical_extensions: tuple[str, ...]
    _public_key: PublicKey | None = field(default=None, repr=False)

    @property
    def serial_hex(self) -> str:
        return format(self.serial_number, "x")

    @property
    def is_self_issued(self) -> bool:
        return self.issuer.key == self.subject.key

    def public_key(self) -> PublicKey:
        """The subject's key. Raises UnsupportedAlgorithm, or ValueError if the bits are bad."""
        if self._public_key is None:
            self._public_key = load_public_key(
                self.public_key_algorithm,
                self.public_key_parameters,
                self.public_key_bits,
                self.spki,
            )
        return self._public_key

    # Kazakh profile (SPEC R-ECP-4) -------------------------------------------------------
    @property
    def iin(self) -> str | None:
        for value in self.subject.get_all(OID_SERIAL_NUMBER):
            match = _IIN_RE.match(value.strip())
            if match:
                return match.group(1)
        return None

    @property
    def bin(self) -> str | None:
        for value in self.subject.get_all(OID_ORGANIZATIONAL_UNIT):
            match = _BIN_RE.match(value.strip())
            if match:
                return match.group(1)
        return None


def _extensions(tbs: x509.TbsCertificate) -> dict:
    values: dict = {
        "key_usage": None,
        "extended_key_usage": (),
        "is_ca": False,
        "path_length": None,
        "crl_urls": (),
        "ocsp_urls": (),
        "subject_key_id": None,
        "authority_key_id": None,
        "unknown_critical": [],
    }
    seen: set[str] = set()
    for extension in tbs["extensions"]:
        oid = extension["extn_id"].dotted
        if oid in seen:
            raise CertificateMalformed(f"extension {oid} appears twice")
        seen.add(oid)
        critical = bool(extension["critical"].native)
        if oid not in _KNOWN_EXTENSIONS:
            if critical:
                values["unknown_critical"].append(oid)
            continue
        parsed = extension["extn_value"].parsed
        if oid == "2.5.29.15":
            values["key_usage"] = frozenset(parsed.native)
        elif oid == "2.5.29.37":
            values["extended_key_usage"] = tuple(purpose.dotted for purpose in parsed)
        elif oid == "2.5.29.19":
            values["is_ca"] = bool(parsed["ca"].native)
            values["path_length"] = parsed["path_len_constraint"].native
        elif oid == "2.5.29.31":
            values["crl_urls"] = tuple(_distribution_point_urls(parsed))
        elif oid == "1.3.6.1.5.5.7.1.1":
            values["ocsp_urls"] = tuple(
                description["access_location"].native
                for description in parsed
                if description["access_method"].dotted == "1.3.6.1.5.5.7.48.1"
                and description["access_location"].name == "uniform_resource_identifier"
            )
        elif oid == "2.5.29.14":
            values["subject_key_id"] = parsed.native
        elif oid == "2.5.29.35":
            values["authority_key_id"] = parsed["key_identifier"].native
        else:
            parsed.native  # noqa: B018 - decode now so a malformed extension fails here
    return values


def _distribution_point_urls(points: x509.CRLDistributionPoints) -> list[str]:
    urls = []
    for point in points:
        name = point["distribution_point"]
        if name.name != "full_name":
            continue
        for general_name in name.chosen:
            if general_name.name == "uniform_resource_identifier":
                url = general_name.native
                if url.lower().startswith(("http://", "https://")):
                    urls.append(url)
    return urls


def parse_certificate(der: bytes) -> Certificate:
    """Decode one DER certificate completely. Raises CertificateMalformed."""
    try:
        certificate = _asn1.Certificate.load(der, strict=True)
        tbs = certificate["tbs_certificate"]
        spki = tbs["subject_public_key_info"]
        parameters = spki["algorithm"]["parameters"]
        validity = tbs["validity"]
        extensions = _extensions(tbs)
        parsed = Certificate(
            der=der,
            fingerprint=hashlib.sha256(der).hexdigest(),
            tbs=tbs.dump(),
            signature_algorithm=certificate["signature_algorithm"]["algorithm"].dotted,
            signature=certificate["signature_value"].native,
            serial_number=tbs["serial_number"].native,
            issuer=parse_name(tbs["issuer"]),
            subject=parse_name(tbs["subject"]),
            subject_der=tbs["subject"].dump(),
            not_before=validity["not_before"].native,
            not_after=validity["not_after"].native,
            public_key_algorithm=spki["algorithm"]["algorithm"].dotted,
            public_key_parameters=None if isinstance(parameters, core.Void) else parameters.dump(),
            public_key_bits=spki["public_key"].native,
            spki=spki.dump(),
            key_usage=extensions["key_usage"],
            extended_key_usage=extensions["extended_key_usage"],
            is_ca=extensions["is_ca"],
            path_length=extensions["path_length"],
            crl_urls=extensions["crl_urls"],
            ocsp_urls=extensions["ocsp_urls"],
            subject_key_id=extensions["subject_key_id"],
            authority_key_id=extensions["authority_key_id"],
            unknown_critical_extensions=tuple(extensions["unknown_critical"]),
        )
    except CertificateMalformed:
        raise
    except PARSE_ERRORS as exc:
        raise CertificateMalformed(f"certificate does not decode: {exc}") from None
    if not (isinstance(parsed.not_before, datetime) and isinstance(parsed.not_after, datetime)):
        raise CertificateMalformed("certificate validity is not a usable date")
    return parsed


def load_certificates(data: bytes) -> list[bytes]:
    """DER certificates from DER or PEM (a PEM bundle may hold several)."""
    if pem.detect(data):
        try:
            return [der for _, _, der in pem.unarmor(data, multiple=True)]
        except PARSE_ERRORS as exc:
            raise CertificateMalformed(f"PEM does not decode: {exc}") from None
    return [bytes(data)]
