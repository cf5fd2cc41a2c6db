"""CMS SignedData signing for the test/demo PKI, shaped like NCALayer's (RFC 5652, signed attrs)."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from asn1crypto import algos, cms, core, x509
from asn1crypto import crl as asn1_crl

from sotkabinet.ecp import _asn1, gost
from sotkabinet.ecp.pki.builders import _time
from sotkabinet.ecp.pki.keys import PrivateKey

if TYPE_CHECKING:
    from sotkabinet.ecp.pki.holders import Person


def _signed_attributes(
    payload: bytes, key: PrivateKey, signing_time: datetime
) -> cms.CMSAttributes:
    digest = (
        gost.streebog512(payload)
        if key.algorithm == "gost2015"
        else hashlib.new(key.digest, payload).digest()
    )
    when = _time(signing_time)
    attributes = [
        cms.CMSAttribute({"type": "content_type", "values": ["data"]}),
        cms.CMSAttribute(
            {"type": "signing_time", "values": [cms.Time(name=when.name, value=when.chosen.native)]}
        ),
        cms.CMSAttribute({"type": "message_digest", "values": [digest]}),
    ]
    # DER orders a SET OF by encoding (X.690 11.6), as strict verifiers re-encode it.
    attributes.sort(key=lambda attribute: attribute.dump())
    return cms.CMSAttributes(attributes)


def sign_cms(
    payload: bytes,
    signers: Sequence[Person],
    *,
    detached: bool = True,
    signing_time: datetime | None = None,
    include_chain: bool = True,
    extra_certificates: Sequence[bytes] = (),
    crls: Sequence[bytes] = (),
) -> bytes:
    """A DER CMS SignedData over ``payload`` by every signer (each with signed attributes).

    ``include_chain`` embeds the signers' CA certificates up to (not including) the root, as
    NCALayer does with the NCA intermediate. ``crls`` (DER) go into SignedData.crls.
    """
    signing_time = signing_time or datetime.now(UTC)
    certificates: dict[bytes, None] = {}
    signer_infos = []
    digest_algorithms: dict[str, dict] = {}
    for signer in signers:
        key = signer.private_key
        certificates[signer.certificate_der] = None
        if include_chain:
            for authority in signer.ca.chain:
                if authority.parent is not None:
                    certificates[authority.certificate_der] = None
        attributes = _signed_attributes(payload, key, signing_time)
        certificate = _asn1.Certificate.load(signer.certificate_der)["tbs_certificate"]
        null = key.algorithm in ("rsa", "gost2015")
        digest_algorithm = {
            "algorithm": key.digest_oid,
            "parameters": core.Null() if null else None,
        }
        digest_algorithms[key.digest_oid] = digest_algorithm
        signer_infos.append(
            {
                "version": "v1",
                "sid": cms.SignerIdentifier(
                    name="issuer_and_serial_number",
                    value={
                        "issuer": certificate["issuer"],
                        "serial_number": certificate["serial_number"].native,
                    },
                ),
                "digest_algorithm": algos.DigestAlgorithm(digest_algorithm),
                "signed_attrs": attributes,
                "signature_algorithm": algos.SignedDigestAlgorithm(key.signature_algorithm()),
                "signature": key.sign(attributes.dump()),
            }
        )
    for extra in extra_certificates:
        certificates[extra] = None
    signed_data = cms.SignedData(
        {
            "version": "v1",
            "digest_algorithms": [algos.DigestAlgorithm(d) for d in digest_algorithms.values()],
            "encap_content_info": {
                "content_type": "data",
                "content": None if detached else payload,
            },
            "certificates": [
                cms.CertificateChoices(name="certificate", value=x509.Certificate.load(der))
                for der in certificates
            ],
            "signer_infos": signer_infos,
        }
    )
    if crls:
        signed_data["crls"] = [
            cms.RevocationInfoChoice(name="crl", value=asn1_crl.CertificateList.load(der))
            for der in crls
        ]
    return cms.ContentInfo({"content_type": "signed_data", "content": signed_data}).dump()
