"""Certificate revocation lists: decoding and an O(1) serial index.

Threat model: CRLs come from operators' imports and from HTTP fetches of the URL a certificate
names (the network, i.e. an attacker). Decoding is cryptography's (Rust); a CRL that does not
decode raises ``CrlMalformed``. Decoding says nothing about who made the CRL: a CRL is used only
after ``sotkabinet.ecp.trust`` has checked its signature with the key of the very certificate that
issued the certificate being checked. The serial index is built once per CRL (about 0.1 s for
100,000 entries) and looked up by dict, never scanned.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime

from asn1crypto import crl as asn1_crl
from asn1crypto import pem
from cryptography import x509
from cryptography.x509.oid import CRLEntryExtensionOID, ExtensionOID

from sotkabinet.ecp.certificates import PARSE_ERRORS, Name, parse_name

# CRL extensions this verifier understands; a CRL with any other critical one is not used.
_KNOWN_CRL_EXTENSIONS = frozenset(
    {
        ExtensionOID.CRL_NUMBER.dotted_string,
        ExtensionOID.AUTHORITY_KEY_IDENTIFIER.dotted_string,
        ExtensionOID.ISSUING_DISTRIBUTION_POINT.dotted_string,
        ExtensionOID.DELTA_CRL_INDICATOR.dotted_string,
        ExtensionOID.AUTHORITY_INFORMATION_ACCESS.dotted_string,
        ExtensionOID.FRESHEST_CRL.dotted_string,
        "2.5.29.18",  # issuerAltName
    }
)


class CrlMalformed(ValueError):
    """A CRL that does not decode."""


@dataclass(frozen=True)
class RevokedEntry:
    serial_number: int
    revoked_at: datetime
    reason: str | None  # RFC 5280 reason name, e.g. "key_compromise", "certificate_hold"


@dataclass(eq=False)
class RevocationList:
    der: bytes = field(repr=False)
    fingerprint: str
    issuer: Name
    authority_key_id: bytes | None
    this_update: datetime
    next_update: datetime | None
    crl_number: int | None
    tbs: bytes = field(repr=False)
    signature_algorithm: str
    signature: bytes = field(repr=False)
    usable: bool  # False for delta, indirect, partial-reason CRLs or unknown critical extensions
    unusable_why: str | None
    only_user_certificates: bool
    only_ca_certificates: bool
    source_url: str | None = None
    _index: dict[int, x509.RevokedCertificate] = field(default_factory=dict, repr=False)

    def __len__(self) -> int:
        return len(self._index)

    def lookup(self, serial_number: int) -> RevokedEntry | None:
        """The entry for a serial, or None. O(1)."""
        entry = self._index.get(serial_number)
        if entry is None:
            return None
        reason = None
        try:
            reason_extension = entry.extensions.get_extension_for_oid(
                CRLEntryExtensionOID.CRL_REASON
            )
            reason = reason_extension.value.reason.name
        except x509.ExtensionNotFound:
            reason = None
        return RevokedEntry(serial_number, entry.revocation_date_utc, reason)

    def covers(self, certificate_is_ca: bool) -> bool:
        if self.only_user_certificates and certificate_is_ca:
            return False
        return not (self.only_ca_certificates and not certificate_is_ca)


def _der(data: bytes) -> bytes:
    if not isinstance(data, bytes | bytearray | memoryview):
        raise CrlMalformed("a CRL must be bytes")
    data = bytes(data)
    if pem.detect(data):
        try:
            _, _, der = pem.unarmor(data)
        except PARSE_ERRORS as exc:
            raise CrlMalformed(f"PEM does not decode: {exc}") from None
        return der
    return data


def parse_crl(data: bytes, *, source_url: str | None = None) -> RevocationList:
    """Decode a DER or PEM CRL and index its entries. Raises CrlMalformed."""
    der = _der(data)
    try:
        crl = x509.load_der_x509_crl(der)
        # The issuer is read with asn1crypto: cryptography's Name warns on attributes over 64
        # characters, which NCA names have. Only the issuer field is decoded (lazily).
        issuer = parse_name(asn1_crl.TbsCertList.load(crl.tbs_certlist_bytes)["issuer"])
        authority_key_id = None
        crl_number = None
        usable, unusable_why = True, None
        only_user = only_ca = False
        for extension in crl.extensions:
            oid = extension.oid.dotted_string
            if oid not in _KNOWN_CRL_EXTENSIONS:
                if extension.critical:
                    usable, unusable_why = False, f"unknown critical extension {oid}"
                continue
            value = extension.value
            if isinstance(value, x509.AuthorityKeyIdentifier):
                authority_key_id = value.key_identifier
            elif isinstance(value, x509.CRLNumber):
                crl_number = value.crl_number
            elif isinstance(value, x509.DeltaCRLIndicator):
                usable, unusable_why = False, "delta CRLs are not used"
            elif isinstance(value, x509.IssuingDistributionPoint):
                if (
                    value.indirect_crl
                    or value.only_some_reasons
                    or value.only_contains_attribute_certs
                ):
                    usable, unusable_why = False, "indirect or partial CRLs are not used"
                only_user = value.only_contains_user_certs
                only_ca = value.only_contains_ca_certs
        index: dict[int, x509.RevokedCertificate] = {entry.serial_number: entry for entry in crl}
        parsed = RevocationList(
            der=der,
            fingerprint=hashlib.sha256(der).hexdigest(),
            issuer=issuer,
            authority_key_id=authority_key_id,
            this_update=crl.last_update_utc,
            next_update=crl.next_update_utc,
            crl_number=crl_number,
            tbs=crl.tbs_certlist_bytes,
            signature_algorithm=crl.signature_algorithm_oid.dotted_string,
            signature=crl.signature,
            usable=usable,
            unusable_why=unusable_why,
            only_user_certificates=only_user,
            only_ca_certificates=only_ca,
            source_url=source_url,
            _index=index,
        )
    except CrlMalformed:
        raise
    except (*PARSE_ERRORS, x509.DuplicateExtension, x509.UnsupportedGeneralNameType) as exc:
        raise CrlMalformed(f"CRL does not decode: {exc}") from None
    return parsed
