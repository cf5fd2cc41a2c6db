"""GOST 34.10-2015 (Kazakh OIDs, NCA byte order) end to end (SPEC R-ECP-4).

GOST arithmetic is pure Python (about 0.1 s per verification), so this module keeps the number of
verifications small: one PKI for the session, a handful of verdicts.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import pytest
from asn1crypto import cms

from sotkabinet.ecp import TrustStore, gost, verify_cms
from sotkabinet.ecp.pki import (
    CertificateAuthority,
    Person,
    build_ca,
    issue_person,
    make_bin,
    make_iin,
)

from .conftest import NOW, PAYLOAD


@dataclass
class GostPki:
    root: CertificateAuthority
    nca: CertificateAuthority
    person: Person
    root_crl: bytes
    nca_crl: bytes


@pytest.fixture(scope="module")
def gost_pki() -> GostPki:
    root = build_ca(
        name="НЕГІЗГІ КУӘЛАНДЫРУШЫ ОРТАЛЫҚ (GOST) TEST 2022",
        algorithm="gost2015",
        not_before=NOW - timedelta(days=400),
    )
    nca = build_ca(
        name="ҰЛТТЫҚ КУӘЛАНДЫРУШЫ ОРТАЛЫҚ (GOST) TEST 2022",
        algorithm="gost2015",
        parent=root,
        not_before=NOW - timedelta(days=300),
    )
    person = issue_person(
        nca,
        iin=make_iin(60),
        full_name="ГОСТОВА ГҮЛНАР",
        bin=make_bin(60),
        organization="«Тест» АҚ",
        roles=["signer"],
        not_before=NOW - timedelta(days=5),
    )
    window = {"this_update": NOW - timedelta(hours=1), "next_update": NOW + timedelta(days=1)}
    return GostPki(root, nca, person, root.crl(**window), nca.crl(**window))


def test_gost_valid_through_full_chain(gost_pki):
    trust = TrustStore(
        anchors=[gost_pki.root.certificate_der], crls=[gost_pki.root_crl, gost_pki.nca_crl]
    )
    cms_der = gost_pki.person.sign(PAYLOAD)
    verdict = verify_cms(cms_der, data=PAYLOAD, at=NOW, trust=trust)
    assert (verdict.valid, verdict.reason) == (True, None)
    signer = verdict.signers[0]
    assert signer.algorithm == "GOST34.10-2015-512"
    assert signer.bin == gost_pki.person.bin
    assert "1.2.398.3.3.4.1.2.2" in signer.roles
    signer_info = cms.ContentInfo.load(cms_der)["content"]["signer_infos"][0]
    assert signer_info["signature_algorithm"]["algorithm"].dotted == "1.2.398.3.10.1.1.2.3.2"
    assert signer_info["digest_algorithm"]["algorithm"].dotted == "1.2.398.3.10.1.3.3"


def test_gost_tampered_content_and_signature(gost_pki):
    # The intermediate as anchor, like NCA's test CAs: fewer GOST verifications, too.
    trust = TrustStore(anchors=[gost_pki.nca.certificate_der], crls=[gost_pki.nca_crl])
    cms_der = gost_pki.person.sign(PAYLOAD, detached=False)
    assert verify_cms(cms_der, at=NOW, trust=trust).valid is True
    other_content = verify_cms(cms_der, data=PAYLOAD + b"!", at=NOW, trust=trust)
    assert (other_content.valid, other_content.reason) == (False, "tampered")

    content_info = cms.ContentInfo.load(cms_der)
    signer_info = content_info["content"]["signer_infos"][0]
    signature = bytearray(signer_info["signature"].native)
    signature[3] ^= 0x40
    signer_info["signature"] = bytes(signature)
    # asn1crypto re-encodes only the mutated path; the GOST certificates keep their bytes.
    forged = verify_cms(content_info.dump(), at=NOW, trust=trust)
    assert (forged.valid, forged.reason) == (False, "tampered")


def test_gost_byte_order_matters(gost_pki):
    """NCA's layout is little-endian r||s; the RFC 4491 big-endian s||r must not verify."""
    digest = gost.streebog512(PAYLOAD)
    signature = gost.sign_digest(gost_pki.person.private_key.native, digest)
    public_key = gost.public_key_for(gost_pki.person.private_key.native)
    assert gost.verify_digest(public_key, digest, signature) is True
    assert gost.verify_digest(public_key, digest, signature[::-1]) is False
    assert gost.verify_digest(public_key, digest[::-1], signature) is False


def test_gost_rejects_bad_values_without_raising():
    point = gost.public_key_for(gost.generate_private_key())
    digest = gost.streebog512(b"x")
    assert gost.verify_digest(point, digest, b"\x00" * 128) is False  # r = s = 0
    assert gost.verify_digest(point[:-1] + bytes([point[-1] ^ 1]), digest, b"\x01" * 128) is False
    assert gost.verify_digest(point, digest[:10], b"\x01" * 128) is False
    assert gost.verify_digest(b"", digest, b"") is False
