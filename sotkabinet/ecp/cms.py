"""CMS SignedData (RFC 5652): decoding and inspection without any cryptographic check.

Threat model: the input is an uploaded CMS (DER, base64 or PEM), fully attacker-controlled. It is
size-bounded before decoding, decoded strictly by asn1crypto (trailing bytes are refused), and
every part that verification needs is decoded here, once, so a malformed structure fails with
``CmsMalformed`` at one place. The number of signers and embedded certificates is capped, because
each costs signature verifications (GOST ones at about 0.1 s each). ``inspect_cms`` and
``CmsInspection.covers`` trust nothing they read: they tell *who claims* to have signed and
*whether the claimed digests match*, which is enough for the fast synchronous refusal of a
tampered filing (docs/conventions.md "Filings"), never for acceptance — that needs ``verify_cms``.
"""

from __future__ import annotations

import base64
import binascii
import hmac
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from asn1crypto import cms as asn1_cms
from asn1crypto import core, pem

from sotkabinet.ecp.algorithms import (
    UnsupportedAlgorithm,
    digest_algorithm,
    signature_algorithm,
)
from sotkabinet.ecp.certificates import (
    OID_COMMON_NAME,
    OID_GIVEN_NAME,
    OID_ORGANIZATION,
    OID_SURNAME,
    PARSE_ERRORS,
    Certificate,
    CertificateMalformed,
    parse_certificate,
    parse_name,
)
from sotkabinet.ecp.crl import CrlMalformed, RevocationList, parse_crl
from sotkabinet.ecp.model import CmsMalformed, SignerDetails

MAX_CMS_BYTES = 64 * 1024 * 1024  # an attached 20 MiB document in base64 fits comfortably
MAX_SIGNERS = 10
MAX_CERTIFICATES = 50
MAX_CRLS = 10
MAX_EMBEDDED_CRL_BYTES = 8 * 1024 * 1024  # indexing is linear in size: keep it bounded

OID_SIGNED_DATA = "1.2.840.113549.1.7.2"
OID_DATA = "1.2.840.113549.1.7.1"
OID_CONTENT_TYPE = "1.2.840.113549.1.9.3"
OID_MESSAGE_DIGEST = "1.2.840.113549.1.9.4"
OID_SIGNING_TIME = "1.2.840.113549.1.9.5"
_SINGLE_VALUED = (OID_CONTENT_TYPE, OID_MESSAGE_DIGEST, OID_SIGNING_TIME)


@dataclass(eq=False)
class SignerInfo:
    """One SignerInfo, decoded. ``signed_attributes`` is the DER SET the signature covers."""

    index: int
    certificate: Certificate
    digest_oid: str
    signature_oid: str
    signature: bytes = field(repr=False)
    signed_attributes: bytes | None = field(repr=False)
    content_type: str | None
    message_digest: bytes | None
    signing_time: datetime | None


def decode_cms_input(cms: bytes | str) -> bytes:
    """DER bytes from DER, PEM or base64 input. Raises CmsMalformed."""
    if isinstance(cms, str):
        try:
            data = cms.encode("ascii")
        except UnicodeEncodeError:
            raise CmsMalformed("CMS text must be base64 or PEM") from None
    elif isinstance(cms, bytes | bytearray | memoryview):
        data = bytes(cms)
    else:
        raise CmsMalformed("CMS must be bytes or text")
    if len(data) > MAX_CMS_BYTES * 4 // 3 + 4096:
        raise CmsMalformed("CMS is too large")
    if not data:
        raise CmsMalformed("CMS is empty")
    if data[0] == 0x30 and len(data) > 1 and data[1] in (0x80, 0x81, 0x82, 0x83, 0x84):
        der = data
    elif pem.detect(data):
        try:
            _, _, der = pem.unarmor(data)
        except PARSE_ERRORS as exc:
            raise CmsMalformed(f"PEM does not decode: {exc}") from None
    else:
        compact = b"".join(data.split())
        try:
            der = base64.b64decode(compact, validate=True)
        except (binascii.Error, ValueError):
            raise CmsMalformed("CMS is neither DER, PEM nor base64") from None
    if len(der) > MAX_CMS_BYTES:
        raise CmsMalformed("CMS is too large")
    return der


def _single_attribute(values: core.Asn1Value, oid: str):
    if len(values) != 1:
        raise CmsMalformed(f"signed attribute {oid} must have exactly one value")
    return values[0]


def _signer_info(index: int, info: asn1_cms.SignerInfo, certificates: list[Certificate]):
    sid = info["sid"]
    if sid.name == "issuer_and_serial_number":
        issuer_key = parse_name(sid.chosen["issuer"]).key
        serial = sid.chosen["serial_number"].native
        matches = [
            c for c in certificates if c.issuer.key == issuer_key and c.serial_number == serial
        ]
    else:
        key_id = sid.chosen.native
        matches = [c for c in certificates if c.subject_key_id == key_id]
    if not matches:
        raise CmsMalformed(f"signer {index + 1}: its certificate is not included in the CMS")
    content_type = message_digest = signing_time = None
    signed_attributes = None
    attributes = info["signed_attrs"]
    if not isinstance(attributes, core.Void):
        seen: set[str] = set()
        for attribute in attributes:
            oid = attribute["type"].dotted
            if oid in seen and oid in _SINGLE_VALUED:
                raise CmsMalformed(f"signer {index + 1}: signed attribute {oid} appears twice")
            seen.add(oid)
            values = attribute["values"]
            if oid == OID_CONTENT_TYPE:
                content_type = _single_attribute(values, oid).dotted
            elif oid == OID_MESSAGE_DIGEST:
                message_digest = _single_attribute(values, oid).native
            elif oid == OID_SIGNING_TIME:
                signing_time = _single_attribute(values, oid).native
                if not isinstance(signing_time, datetime):
                    raise CmsMalformed(f"signer {index + 1}: signingTime is not a usable date")
        if not isinstance(message_digest, bytes) or content_type is None:
            raise CmsMalformed(
                f"signer {index + 1}: signed attributes lack contentType or messageDigest"
            )
        # RFC 5652 5.4: the signature covers the DER of the attributes as a SET OF, not the
        # [0] IMPLICIT encoding they travel in. The original content octets are kept.
        signed_attributes = attributes.untag().dump()
    return SignerInfo(
        index=index,
        certificate=matches[0],
        digest_oid=info["digest_algorithm"]["algorithm"].dotted,
        signature_oid=info["signature_algorithm"]["algorithm"].dotted,
        signature=info["signature"].native,
        signed_attributes=signed_attributes,
        content_type=content_type,
        message_digest=message_digest,
        signing_time=signing_time,
    )


def algorithm_display_name(signature_oid: str, digest_oid: str) -> str:
    """A readable algorithm name for the signer object, also for algorithms we refuse."""
    try:
        algorithm = signature_algorithm(signature_oid)
        digest = algorithm.digest or digest_algorithm(digest_oid)
    except UnsupportedAlgorithm:
        if signature_oid.startswith("1.2.398.3.10.1.1.1."):
            return "GOST34.310-2004"
        return signature_oid
    return algorithm.display_name(digest)


def signer_details(info: SignerInfo) -> SignerDetails:
    certificate = info.certificate
    usages = certificate.key_usage or frozenset()
    subject = certificate.subject
    return SignerDetails(
        iin=certificate.iin,
        bin=certificate.bin,
        full_name=subject.get(OID_COMMON_NAME),
        surname=subject.get(OID_SURNAME),
        given_name=subject.get(OID_GIVEN_NAME),
        organization=subject.get(OID_ORGANIZATION),
        certificate_serial=certificate.serial_hex,
        issuer=certificate.issuer.common_name_or_dn,
        issuer_dn=certificate.issuer.display,
        subject_dn=subject.display,
        not_before=certificate.not_before,
        not_after=certificate.not_after,
        key_usage="sign" if "non_repudiation" in usages else "auth",
        key_usages=usages,
        roles=list(certificate.extended_key_usage),
        signing_time=info.signing_time,
        algorithm=algorithm_display_name(info.signature_oid, info.digest_oid),
        certificate_der=certificate.der,
    )


@dataclass(eq=False)
class CmsInspection:
    """What a CMS claims, decoded but not verified."""

    der: bytes = field(repr=False)
    content_type: str
    content: bytes | None = field(repr=False)
    certificates: list[Certificate]
    crls: list[RevocationList]
    signer_infos: list[SignerInfo]
    signers: list[SignerDetails]

    @property
    def detached(self) -> bool:
        return self.content is None

    def covers(self, payload: bytes) -> bool:
        """True iff the CMS is over exactly ``payload``.

        Attached: the content equals the payload. Detached: every signer's messageDigest equals
        the payload's digest under that signer's digest algorithm. A detached signer without
        signed attributes (signature directly over the content) or with a digest we cannot
        compute does not count as covering.
        """
        if self.content is not None:
            return hmac.compare_digest(self.content, payload)
        computed: dict[str, bytes] = {}
        for info in self.signer_infos:
            if info.message_digest is None:
                return False
            try:
                digest = digest_algorithm(info.digest_oid)
            except UnsupportedAlgorithm:
                return False
            if digest.oid not in computed:
                computed[digest.oid] = digest.compute(payload)
            if not hmac.compare_digest(computed[digest.oid], info.message_digest):
                return False
        return bool(self.signer_infos)


def _content(encapsulated: asn1_cms.EncapsulatedContentInfo) -> bytes | None:
    value = encapsulated["content"]
    if isinstance(value, core.Void):
        return None
    if isinstance(value, core.OctetString | core.ParsableOctetString):
        # The signed bytes are the octets themselves (a constructed BER string is merged);
        # ParsableOctetString.native would parse known inner types instead.
        return bytes(value)
    raise CmsMalformed("encapsulated content is not an OCTET STRING")


def parse_cms(
    cms: bytes | str,
    *,
    certificate_parser: Callable[[bytes], Certificate] = parse_certificate,
) -> CmsInspection:
    """Decode a CMS SignedData completely. Raises CmsMalformed.

    ``certificate_parser`` lets a TrustStore reuse its cache of decoded certificates.
    """
    der = decode_cms_input(cms)
    try:
        content_info = asn1_cms.ContentInfo.load(der, strict=True)
        if content_info["content_type"].dotted != OID_SIGNED_DATA:
            raise CmsMalformed("CMS is not SignedData")
        signed_data = content_info["content"]
        encapsulated = signed_data["encap_content_info"]
        content_type = encapsulated["content_type"].dotted
        content = _content(encapsulated)
        certificates = _certificates(signed_data, certificate_parser)
        crls = _crls(signed_data)
        infos = signed_data["signer_infos"]
        if len(infos) == 0:
            raise CmsMalformed("CMS has no signers")
        if len(infos) > MAX_SIGNERS:
            raise CmsMalformed(f"CMS has more than {MAX_SIGNERS} signers")
        signer_infos = [_signer_info(i, info, certificates) for i, info in enumerate(infos)]
        signers = [signer_details(info) for info in signer_infos]
    except CmsMalformed:
        raise
    except (CertificateMalformed, CrlMalformed) as exc:
        raise CmsMalformed(str(exc)) from None
    except PARSE_ERRORS as exc:
        raise CmsMalformed(f"CMS does not decode: {exc}") from None
    return CmsInspection(
        der=der,
        content_type=content_type,
        content=content,
        certificates=certificates,
        crls=crls,
        signer_infos=signer_infos,
        signers=signers,
    )


def _certificates(
    signed_data: asn1_cms.SignedData, certificate_parser: Callable[[bytes], Certificate]
) -> list[Certificate]:
    choices = signed_data["certificates"]
    if isinstance(choices, core.Void):
        return []
    if len(choices) > MAX_CERTIFICATES:
        raise CmsMalformed(f"CMS embeds more than {MAX_CERTIFICATES} certificates")
    return [
        certificate_parser(choice.chosen.dump())
        for choice in choices
        if choice.name == "certificate"
    ]


def _crls(signed_data: asn1_cms.SignedData) -> list[RevocationList]:
    choices = signed_data["crls"]
    if isinstance(choices, core.Void):
        return []
    if len(choices) > MAX_CRLS:
        raise CmsMalformed(f"CMS embeds more than {MAX_CRLS} CRLs")
    encoded = [choice.chosen.dump() for choice in choices if choice.name == "crl"]
    if sum(len(crl) for crl in encoded) > MAX_EMBEDDED_CRL_BYTES:
        raise CmsMalformed("CMS embeds too many CRL bytes")
    return [parse_crl(crl) for crl in encoded]


def inspect_cms(cms: bytes | str) -> CmsInspection:
    """Decode a CMS and describe its signers, without checking any signature.

    Accepts DER, base64 or PEM. Raises ``CmsMalformed`` if it does not parse or a signer's
    certificate is not embedded.
    """
    return parse_cms(cms)
