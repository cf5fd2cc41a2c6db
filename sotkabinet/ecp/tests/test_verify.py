"""verify_cms verdicts for RSA chains (SPEC R-ECP-1, R-ECP-4; the reason codes of
docs/conventions.md)."""

from __future__ import annotations

import base64
from datetime import timedelta

import pytest
from asn1crypto import cms

from sotkabinet.ecp import Reason, TrustStore, verify_cms
from sotkabinet.ecp.pki import (
    PrivateKey,
    build_ca,
    issue_person,
    make_bin,
    make_iin,
    sign_cms,
)

from .conftest import NOW, PAYLOAD


def _rewrite(cms_der: bytes, mutate) -> bytes:
    content_info = cms.ContentInfo.load(cms_der)
    mutate(content_info["content"])
    return content_info.dump()  # asn1crypto re-encodes only what was changed


def test_detached_valid(rsa_pki, rsa_trust):  # SPEC R-ECP-1
    verdict = verify_cms(rsa_pki.alice.sign(PAYLOAD), data=PAYLOAD, at=NOW, trust=rsa_trust)
    assert verdict.valid is True
    assert verdict.reason is None
    signer = verdict.signers[0]
    assert signer.iin == rsa_pki.alice.iin
    assert signer.full_name == "ӘЛИЕВА ӘЛИЯ"
    assert signer.surname == "ӘЛИЕВА"
    assert signer.given_name == "ӘЛИЯ"
    assert signer.key_usage == "sign"
    assert signer.algorithm == "RSA-SHA256"
    assert signer.issuer == "ҰЛТТЫҚ КУӘЛАНДЫРУШЫ ОРТАЛЫҚ (RSA) TEST"
    assert signer.is_legal_entity is False
    statuses = [(entry["certificate_serial"], entry["status"]) for entry in verdict.revocation]
    assert (format(rsa_pki.alice.serial_number, "x"), "good") in statuses
    assert (format(rsa_pki.nca.serial_number, "x"), "good") in statuses


def test_attached_valid_in_base64_and_pem(rsa_pki, rsa_trust):  # SPEC R-ECP-5 (attached CMS)
    der = rsa_pki.alice.sign(PAYLOAD, detached=False)
    encoded = base64.b64encode(der).decode()
    pem = "-----BEGIN CMS-----\n" + encoded + "\n-----END CMS-----\n"
    for form in (der, encoded, pem):
        verdict = verify_cms(form, at=NOW, trust=rsa_trust)
        assert (verdict.valid, verdict.reason) == (True, None)
    assert verify_cms(der, data=PAYLOAD, at=NOW, trust=rsa_trust).valid is True


def test_to_dict_is_the_api_verdict_object(rsa_pki, rsa_trust):  # docs/conventions.md
    signing_time = NOW - timedelta(minutes=5)
    cms_der = rsa_pki.alice.sign(PAYLOAD, signing_time=signing_time)
    verdict = verify_cms(cms_der, data=PAYLOAD, at=NOW, trust=rsa_trust).to_dict()
    assert set(verdict) == {"valid", "reason", "signers"}
    signer = verdict["signers"][0]
    assert set(signer) == {
        "iin",
        "bin",
        "full_name",
        "organization",
        "certificate_serial",
        "issuer",
        "not_before",
        "not_after",
        "key_usage",
        "signing_time",
        "algorithm",
    }
    assert signer["signing_time"] == signing_time.replace(microsecond=0).isoformat()
    assert signer["certificate_serial"] == format(rsa_pki.alice.serial_number, "x")
    assert signer["not_before"].endswith("+00:00")


def test_several_signers_all_valid(rsa_pki, rsa_trust):
    cms_der = sign_cms(PAYLOAD, [rsa_pki.alice, rsa_pki.bob])
    verdict = verify_cms(cms_der, data=PAYLOAD, at=NOW, trust=rsa_trust)
    assert (verdict.valid, verdict.reason) == (True, None)
    # SignerInfos are a DER SET OF: their order is the encoding's, not the signing order.
    assert {s.iin for s in verdict.signers} == {rsa_pki.alice.iin, rsa_pki.bob.iin}
    assert verdict.signer_reasons == [None, None]


def test_several_signers_one_bad_makes_all_invalid(rsa_pki, rsa_trust):
    cms_der = sign_cms(PAYLOAD, [rsa_pki.alice, rsa_pki.revoked])
    verdict = verify_cms(cms_der, data=PAYLOAD, at=NOW, trust=rsa_trust)
    assert verdict.valid is False
    assert verdict.reason == Reason.REVOKED
    by_signer = dict(zip([s.iin for s in verdict.signers], verdict.signer_reasons, strict=True))
    assert by_signer == {rsa_pki.alice.iin: None, rsa_pki.revoked.iin: "revoked"}


def test_tampered_detached_content(rsa_pki, rsa_trust):  # SPEC R-ECP-1 "exact bytes"
    cms_der = rsa_pki.alice.sign(PAYLOAD)
    verdict = verify_cms(cms_der, data=PAYLOAD + b" ", at=NOW, trust=rsa_trust)
    assert (verdict.valid, verdict.reason) == (False, "tampered")


def test_tampered_attached_content(rsa_pki, rsa_trust):
    cms_der = rsa_pki.alice.sign(PAYLOAD, detached=False)

    def replace_content(signed_data):
        signed_data["encap_content_info"]["content"] = b"another payload"

    verdict = verify_cms(_rewrite(cms_der, replace_content), at=NOW, trust=rsa_trust)
    assert (verdict.valid, verdict.reason) == (False, "tampered")
    mismatch = verify_cms(cms_der, data=b"not the content", at=NOW, trust=rsa_trust)
    assert (mismatch.valid, mismatch.reason) == (False, "tampered")


def test_tampered_signed_attributes(rsa_pki, rsa_trust):
    cms_der = rsa_pki.alice.sign(PAYLOAD, signing_time=NOW - timedelta(hours=1))

    def move_signing_time(signed_data):
        attributes = signed_data["signer_infos"][0]["signed_attrs"]
        for attribute in attributes:
            if attribute["type"].native == "signing_time":
                attribute["values"] = [cms.Time(name="utc_time", value=NOW - timedelta(days=9))]

    verdict = verify_cms(
        _rewrite(cms_der, move_signing_time), data=PAYLOAD, at=NOW, trust=rsa_trust
    )
    assert (verdict.valid, verdict.reason) == (False, "tampered")


def test_tampered_signature_value(rsa_pki, rsa_trust):
    cms_der = rsa_pki.alice.sign(PAYLOAD)

    def flip(signed_data):
        signature = bytearray(signed_data["signer_infos"][0]["signature"].native)
        signature[10] ^= 0x01
        signed_data["signer_infos"][0]["signature"] = bytes(signature)

    verdict = verify_cms(_rewrite(cms_der, flip), data=PAYLOAD, at=NOW, trust=rsa_trust)
    assert (verdict.valid, verdict.reason) == (False, "tampered")


def test_unknown_root_is_untrusted(rsa_pki, rsa_trust):
    # Same names as the real hierarchy, different keys: names alone must not make trust.
    impostor_root = build_ca(name="НЕГІЗГІ КУӘЛАНДЫРУШЫ ОРТАЛЫҚ (RSA) TEST")
    impostor = build_ca(name="ҰЛТТЫҚ КУӘЛАНДЫРУШЫ ОРТАЛЫҚ (RSA) TEST", parent=impostor_root)
    mallory = issue_person(impostor, iin=rsa_pki.alice.iin, full_name="ӘЛИЕВА ӘЛИЯ")
    verdict = verify_cms(mallory.sign(PAYLOAD), data=PAYLOAD, at=NOW, trust=rsa_trust)
    assert (verdict.valid, verdict.reason) == (False, "untrusted")
    assert verdict.signers[0].iin == rsa_pki.alice.iin  # who *claims* to sign is still reported


def test_chain_without_anchors_is_untrusted(rsa_pki):
    empty = TrustStore(intermediates=[rsa_pki.nca.certificate_der])
    verdict = verify_cms(rsa_pki.alice.sign(PAYLOAD), data=PAYLOAD, at=NOW, trust=empty)
    assert (verdict.valid, verdict.reason) == (False, "untrusted")


def test_issuer_that_is_not_a_ca_is_untrusted(rsa_pki, rsa_trust):
    # Alice's (end-entity) key issues a certificate: basicConstraints must stop it.
    from sotkabinet.ecp.pki import CertificateAuthority

    fake_ca = CertificateAuthority(
        name="ӘЛИЕВА ӘЛИЯ",
        algorithm="rsa",
        private_key=rsa_pki.alice.private_key,
        certificate_der=rsa_pki.alice.certificate_der,
        crl_url="http://crl.example.kz/alice.crl",
        parent=rsa_pki.nca,
    )
    victim = issue_person(fake_ca, iin=make_iin(40), full_name="ҚҰРБАН ҚҰРБАН")
    cms_der = sign_cms(PAYLOAD, [victim], extra_certificates=[rsa_pki.alice.certificate_der])
    verdict = verify_cms(cms_der, data=PAYLOAD, at=NOW, trust=rsa_trust)
    assert (verdict.valid, verdict.reason) == (False, "untrusted")
    assert "not a CA" in verdict.message


def test_expired_certificate(rsa_pki, rsa_trust):  # SPEC R-ECP-1 validity period
    verdict = verify_cms(rsa_pki.expired.sign(PAYLOAD), data=PAYLOAD, at=NOW, trust=rsa_trust)
    assert (verdict.valid, verdict.reason) == (False, "expired")


def test_not_yet_valid_certificate(rsa_pki, rsa_trust):
    verdict = verify_cms(rsa_pki.future.sign(PAYLOAD), data=PAYLOAD, at=NOW, trust=rsa_trust)
    assert (verdict.valid, verdict.reason) == (False, "not_yet_valid")


def test_validity_is_judged_at_the_given_time(rsa_pki, rsa_trust):
    cms_der = rsa_pki.alice.sign(PAYLOAD)  # Alice's certificate is valid from NOW - 10 days
    verdict = verify_cms(cms_der, data=PAYLOAD, at=NOW - timedelta(days=20), trust=rsa_trust)
    assert (verdict.valid, verdict.reason) == (False, "not_yet_valid")


def test_revoked_by_crl(rsa_pki, rsa_trust):  # SPEC R-ECP-1 revocation
    verdict = verify_cms(rsa_pki.revoked.sign(PAYLOAD), data=PAYLOAD, at=NOW, trust=rsa_trust)
    assert (verdict.valid, verdict.reason) == (False, "revoked")
    revoked = [entry for entry in verdict.revocation if entry["status"] == "revoked"]
    assert revoked[0]["reason"] == "key_compromise"
    assert revoked[0]["crl_number"] == 7
    assert revoked[0]["source"] == "crl"


def test_revoked_after_the_checked_moment_was_valid_then(rsa_pki, rsa_trust):
    cms_der = rsa_pki.revoked.sign(PAYLOAD, signing_time=NOW - timedelta(days=3))
    verdict = verify_cms(cms_der, data=PAYLOAD, at=NOW - timedelta(days=2), trust=rsa_trust)
    assert (verdict.valid, verdict.reason) == (True, None)


def test_stale_crl_hard_policy_is_revocation_unknown(rsa_pki):
    stale = rsa_pki.nca.crl(
        this_update=NOW - timedelta(days=3), next_update=NOW - timedelta(days=1)
    )
    trust = rsa_pki.trust(crls=[rsa_pki.root_crl, stale])
    verdict = verify_cms(rsa_pki.alice.sign(PAYLOAD), data=PAYLOAD, at=NOW, trust=trust)
    assert (verdict.valid, verdict.reason) == (False, "revocation_unknown")
    assert "stale" in [entry["status"] for entry in verdict.revocation]


def test_stale_crl_soft_policy_is_accepted_and_recorded(rsa_pki):
    stale = rsa_pki.nca.crl(
        this_update=NOW - timedelta(days=3), next_update=NOW - timedelta(days=1)
    )
    trust = rsa_pki.trust(crls=[rsa_pki.root_crl, stale])
    cms_der = rsa_pki.alice.sign(PAYLOAD)
    verdict = verify_cms(cms_der, data=PAYLOAD, at=NOW, trust=trust, policy="soft")
    assert (verdict.valid, verdict.reason) == (True, None)
    assert [e["status"] for e in verdict.revocation if e["subject"] == "ӘЛИЕВА ӘЛИЯ"] == [
        "stale",
        "unknown",
    ]
    assert "soft policy" in verdict.message


def test_stale_crl_still_proves_a_revocation(rsa_pki):
    stale = rsa_pki.nca.crl(
        revoked=[(rsa_pki.revoked, NOW - timedelta(days=4))],
        this_update=NOW - timedelta(days=3),
        next_update=NOW - timedelta(days=1),
    )
    trust = rsa_pki.trust(crls=[rsa_pki.root_crl, stale])
    cms_der = rsa_pki.revoked.sign(PAYLOAD)
    verdict = verify_cms(cms_der, data=PAYLOAD, at=NOW, trust=trust, policy="soft")
    assert (verdict.valid, verdict.reason) == (False, "revoked")


def test_no_crl_hard_vs_soft(rsa_pki):
    trust = rsa_pki.trust(crls=[])
    cms_der = rsa_pki.alice.sign(PAYLOAD)
    hard = verify_cms(cms_der, data=PAYLOAD, at=NOW, trust=trust, policy="hard")
    assert (hard.valid, hard.reason) == (False, "revocation_unknown")
    soft = verify_cms(cms_der, data=PAYLOAD, at=NOW, trust=trust, policy="soft")
    assert (soft.valid, soft.reason) == (True, None)
    assert {entry["status"] for entry in soft.revocation} == {"unknown"}


def test_crl_signed_by_wrong_key_is_ignored(rsa_pki):
    wrong = PrivateKey.generate("rsa")
    forged = rsa_pki.nca.crl(
        this_update=NOW - timedelta(hours=1),
        next_update=NOW + timedelta(days=1),
        signing_key=wrong,
    )
    trust = rsa_pki.trust(crls=[rsa_pki.root_crl, forged])
    verdict = verify_cms(rsa_pki.revoked.sign(PAYLOAD), data=PAYLOAD, at=NOW, trust=trust)
    # The forged CRL would call a revoked certificate good; it must not count at all.
    assert (verdict.valid, verdict.reason) == (False, "revocation_unknown")
    ignored = [entry for entry in verdict.revocation if entry["status"] == "ignored"]
    assert "does not verify" in ignored[0]["detail"]


def test_crl_fetched_from_distribution_point_and_cached(rsa_pki):
    trust = rsa_pki.trust(crls=[rsa_pki.root_crl])
    calls = []

    def fetch(url: str) -> bytes:
        calls.append(url)
        assert url == rsa_pki.nca.crl_url
        return rsa_pki.nca_crl

    cms_der = rsa_pki.alice.sign(PAYLOAD)
    first = verify_cms(cms_der, data=PAYLOAD, at=NOW, trust=trust, fetch_crl=fetch)
    second = verify_cms(cms_der, data=PAYLOAD, at=NOW, trust=trust, fetch_crl=fetch)
    assert (first.valid, second.valid) == (True, True)
    assert calls == [rsa_pki.nca.crl_url]  # kept until nextUpdate
    fetched = [e for e in first.revocation if e["url"] == rsa_pki.nca.crl_url]
    assert fetched[0]["status"] == "good"
    revoked = verify_cms(
        rsa_pki.revoked.sign(PAYLOAD), data=PAYLOAD, at=NOW, trust=trust, fetch_crl=fetch
    )
    assert (revoked.valid, revoked.reason) == (False, "revoked")
    after_next_update = NOW + timedelta(days=1)
    verify_cms(cms_der, data=PAYLOAD, at=after_next_update, trust=trust, fetch_crl=fetch)
    assert len(calls) == 2  # expired cache entry: fetched again


def test_failing_fetch_is_recorded_not_raised(rsa_pki):
    trust = rsa_pki.trust(crls=[rsa_pki.root_crl])

    def fetch(url: str) -> bytes:
        raise ConnectionError("crl host unreachable")

    verdict = verify_cms(
        rsa_pki.alice.sign(PAYLOAD), data=PAYLOAD, at=NOW, trust=trust, fetch_crl=fetch
    )
    assert (verdict.valid, verdict.reason) == (False, "revocation_unknown")
    errors = [entry for entry in verdict.revocation if entry["status"] == "error"]
    assert "unreachable" in errors[0]["detail"]


def test_auth_key_for_sign_purpose_is_key_usage(rsa_pki, rsa_trust):  # SPEC R-ECP-1 key purpose
    cms_der = rsa_pki.alice_auth.sign(PAYLOAD)
    verdict = verify_cms(cms_der, data=PAYLOAD, at=NOW, trust=rsa_trust, purpose="sign")
    assert (verdict.valid, verdict.reason) == (False, "key_usage")
    assert verdict.signers[0].key_usage == "auth"


def test_auth_purpose_accepts_auth_and_sign_keys(rsa_pki, rsa_trust):  # SPEC R-FIL-1 sign-in
    for person in (rsa_pki.alice_auth, rsa_pki.alice):
        nonce = b"nonce-123"
        verdict = verify_cms(
            person.sign(nonce, detached=False), at=NOW, trust=rsa_trust, purpose="auth"
        )
        assert (verdict.valid, verdict.reason) == (True, None)


def test_legal_entity_signer(rsa_pki, rsa_trust):  # SPEC R-ECP-4
    verdict = verify_cms(rsa_pki.head.sign(PAYLOAD), data=PAYLOAD, at=NOW, trust=rsa_trust)
    assert verdict.valid is True
    signer = verdict.signers[0]
    assert signer.bin == rsa_pki.head.bin
    assert signer.iin == rsa_pki.head.iin
    assert signer.organization == "«Жетісу Құрылыс» жауапкершілігі шектеулі серіктестігі"
    assert signer.is_legal_entity is True
    assert signer.is_head is True
    assert "1.2.398.3.3.4.1.2" in signer.roles
    assert "1.2.398.3.3.4.1.2.1" in signer.roles
    assert signer.identity == rsa_pki.head.bin
    assert signer.to_dict()["bin"] == rsa_pki.head.bin


def test_required_identity(rsa_pki, rsa_trust):  # SPEC R-FIL-11
    cms_der = rsa_pki.head.sign(PAYLOAD)
    for identity in (rsa_pki.head.iin, rsa_pki.head.bin):
        verdict = verify_cms(
            cms_der, data=PAYLOAD, at=NOW, trust=rsa_trust, required_identity=identity
        )
        assert (verdict.valid, verdict.reason) == (True, None)
    mismatch = verify_cms(
        cms_der, data=PAYLOAD, at=NOW, trust=rsa_trust, required_identity=make_bin(99)
    )
    assert (mismatch.valid, mismatch.reason) == (False, "signer_mismatch")


def test_crypto_failure_wins_over_signer_mismatch(rsa_pki, rsa_trust):
    verdict = verify_cms(
        rsa_pki.alice.sign(PAYLOAD),
        data=b"other",
        at=NOW,
        trust=rsa_trust,
        required_identity=make_iin(77),
    )
    assert verdict.reason == "tampered"


def test_detached_without_data_is_malformed(rsa_pki, rsa_trust):
    verdict = verify_cms(rsa_pki.alice.sign(PAYLOAD), at=NOW, trust=rsa_trust)
    assert (verdict.valid, verdict.reason) == (False, "malformed")


def test_signer_certificate_missing_is_malformed(rsa_pki, rsa_trust):
    cms_der = rsa_pki.alice.sign(PAYLOAD)

    def drop_certificates(signed_data):
        signed_data["certificates"] = []

    verdict = verify_cms(
        _rewrite(cms_der, drop_certificates), data=PAYLOAD, at=NOW, trust=rsa_trust
    )
    assert (verdict.valid, verdict.reason) == (False, "malformed")


def test_intermediate_taken_from_the_cms_when_not_in_store(rsa_pki):
    trust = TrustStore(
        anchors=[rsa_pki.root.certificate_der], crls=[rsa_pki.root_crl, rsa_pki.nca_crl]
    )
    verdict = verify_cms(rsa_pki.alice.sign(PAYLOAD), data=PAYLOAD, at=NOW, trust=trust)
    assert (verdict.valid, verdict.reason) == (True, None)
    no_chain = rsa_pki.alice.sign(PAYLOAD, include_chain=False)
    verdict = verify_cms(no_chain, data=PAYLOAD, at=NOW, trust=trust)
    assert (verdict.valid, verdict.reason) == (False, "untrusted")


def test_intermediate_as_anchor_with_its_own_crl(rsa_pki):
    # NCA test CAs are intermediates configured as anchors; their CRLs must be checkable.
    trust = TrustStore(anchors=[rsa_pki.nca.certificate_der], crls=[rsa_pki.nca_crl])
    good = verify_cms(rsa_pki.alice.sign(PAYLOAD), data=PAYLOAD, at=NOW, trust=trust)
    assert (good.valid, good.reason) == (True, None)
    bad = verify_cms(rsa_pki.revoked.sign(PAYLOAD), data=PAYLOAD, at=NOW, trust=trust)
    assert (bad.valid, bad.reason) == (False, "revoked")


def test_ecdsa_signer(rsa_pki, rsa_trust):
    person = issue_person(
        rsa_pki.nca,
        iin=make_iin(50),
        full_name="ЭЛЛИПС ЕРБОЛ",
        algorithm="ecdsa",
        not_before=NOW - timedelta(days=1),
    )
    verdict = verify_cms(person.sign(PAYLOAD), data=PAYLOAD, at=NOW, trust=rsa_trust)
    assert (verdict.valid, verdict.reason) == (True, None)
    assert verdict.signers[0].algorithm == "ECDSA-SHA256"


def test_dsa_is_unsupported_algorithm(rsa_pki, rsa_trust):
    person = issue_person(
        rsa_pki.nca,
        iin=make_iin(51),
        full_name="ДСА ДАУЛЕТ",
        algorithm="dsa",
        not_before=NOW - timedelta(days=1),
    )
    verdict = verify_cms(person.sign(PAYLOAD), data=PAYLOAD, at=NOW, trust=rsa_trust)
    assert (verdict.valid, verdict.reason) == (False, "unsupported_algorithm")
    assert "DSA" in verdict.message


def test_gost_2004_is_unsupported_algorithm(rsa_pki, rsa_trust):  # SPEC R-ECP-4 (34.310-2004)
    cms_der = rsa_pki.alice.sign(PAYLOAD)

    def relabel(signed_data):
        info = signed_data["signer_infos"][0]
        info["digest_algorithm"] = {"algorithm": "1.2.398.3.10.1.3.1"}
        info["signature_algorithm"] = {"algorithm": "1.2.398.3.10.1.1.1.2"}

    verdict = verify_cms(_rewrite(cms_der, relabel), data=PAYLOAD, at=NOW, trust=rsa_trust)
    assert (verdict.valid, verdict.reason) == (False, "unsupported_algorithm")
    assert "34.310-2004" in verdict.message
    assert verdict.signers[0].algorithm == "GOST34.310-2004"


def test_long_subject_attributes(rsa_pki, rsa_trust):  # SPEC R-ECP-4 (names over 64 chars)
    organization = (
        "«Алматы облысының Талдықорған қаласындағы мамандандырылған құрылыс және "
        "жөндеу жұмыстары» жауапкершілігі шектеулі серіктестігі"
    )
    full_name = "ҰЗАҚФАМИЛИЯЛЫҚОВА-ЕКІНШІФАМИЛИЯЛЫҚОВА ӘЙГЕРІМ-ГҮЛНҰР ҚАЙРАТҚЫЗЫ АЛТЫНБЕКОВНА"
    assert len(organization) > 64 and len(full_name) > 64
    person = issue_person(
        rsa_pki.nca,
        iin=make_iin(52),
        full_name=full_name,
        bin=make_bin(52),
        organization=organization,
        not_before=NOW - timedelta(days=1),
    )
    verdict = verify_cms(person.sign(PAYLOAD), data=PAYLOAD, at=NOW, trust=rsa_trust)
    assert (verdict.valid, verdict.reason) == (True, None)
    assert verdict.signers[0].organization == organization
    assert verdict.signers[0].full_name == full_name


def test_bad_arguments_are_programming_errors(rsa_pki, rsa_trust):
    cms_der = rsa_pki.alice.sign(PAYLOAD)
    with pytest.raises(ValueError, match="purpose"):
        verify_cms(cms_der, data=PAYLOAD, at=NOW, trust=rsa_trust, purpose="login")
    with pytest.raises(ValueError, match="timezone"):
        verify_cms(cms_der, data=PAYLOAD, at=NOW.replace(tzinfo=None), trust=rsa_trust)
    with pytest.raises(ValueError):
        verify_cms(cms_der, data=PAYLOAD, at=NOW, trust=rsa_trust, policy="lenient")


def test_crls_embedded_in_the_cms_count_only_when_signed_by_the_issuer(rsa_pki):
    trust = rsa_pki.trust(crls=[])
    embedded = sign_cms(PAYLOAD, [rsa_pki.alice], crls=[rsa_pki.nca_crl, rsa_pki.root_crl])
    verdict = verify_cms(embedded, data=PAYLOAD, at=NOW, trust=trust)
    assert (verdict.valid, verdict.reason) == (True, None)
    forged_crl = rsa_pki.nca.crl(
        this_update=NOW - timedelta(hours=1),
        next_update=NOW + timedelta(days=1),
        signing_key=PrivateKey.generate("rsa"),
    )
    forged = sign_cms(PAYLOAD, [rsa_pki.revoked], crls=[forged_crl, rsa_pki.root_crl])
    verdict = verify_cms(forged, data=PAYLOAD, at=NOW, trust=trust)
    assert (verdict.valid, verdict.reason) == (False, "revocation_unknown")
