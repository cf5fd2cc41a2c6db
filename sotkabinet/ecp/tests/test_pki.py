"""The NCA-shaped PKI builder: identities, certificate profile, persistence (SPEC R-ECP-4)."""

from __future__ import annotations

import stat
from datetime import timedelta

from sotkabinet.ecp import verify_cms
from sotkabinet.ecp.certificates import parse_certificate
from sotkabinet.ecp.pki import (
    CertificateAuthority,
    Person,
    PrivateKey,
    control_digit,
    make_bin,
    make_iin,
)

from .conftest import NOW, PAYLOAD


def test_control_digit_official_algorithm():
    # 6*1+9*2+0*3+7*4+0*5+2*6+3*7+0*8+0*9+0*10+1*11 = 96; 96 mod 11 = 8.
    assert control_digit("69070230001") == 8
    # First pass: 109 mod 11 = 10, so weights 3..11,1,2: 85 mod 11 = 8.
    assert control_digit("90010130160") == 8
    # Both passes give 10 (120 and 76): no valid number has these eleven digits.
    assert control_digit("90010130080") is None


def test_make_iin_and_bin_are_valid_and_distinct():
    iins = {make_iin(seed) for seed in range(300)}
    bins = {make_bin(seed) for seed in range(300)}
    assert len(iins) == 300 and len(bins) == 300
    for number in iins | bins:
        assert len(number) == 12 and number.isdigit()
        assert control_digit(number[:11]) == int(number[11])
    for iin in iins:
        assert 1 <= int(iin[2:4]) <= 12 and 1 <= int(iin[4:6]) <= 28
        assert iin[6] in "34"
    for bin_ in bins:
        assert bin_[4] == "4"  # legal entity (resident)
    assert make_iin(7) == make_iin(7)


def test_person_certificate_has_the_nca_profile(rsa_pki):
    certificate = parse_certificate(rsa_pki.head.certificate_der)
    oids = [oid for oid, _ in certificate.subject.attributes]
    # NCA order: CN, SURNAME, SERIALNUMBER, C, O, OU, GIVENNAME.
    assert oids == ["2.5.4.3", "2.5.4.4", "2.5.4.5", "2.5.4.6", "2.5.4.10", "2.5.4.11", "2.5.4.42"]
    assert certificate.subject.get("2.5.4.5") == f"IIN{rsa_pki.head.iin}"
    assert certificate.subject.get("2.5.4.11") == f"BIN{rsa_pki.head.bin}"
    assert certificate.key_usage == {"non_repudiation", "digital_signature"}
    assert certificate.extended_key_usage == (
        "1.3.6.1.5.5.7.3.4",
        "1.2.398.3.3.4.1.2",
        "1.2.398.3.3.4.1.2.1",
    )
    assert certificate.crl_urls == (rsa_pki.nca.crl_url,)
    assert certificate.is_ca is False
    auth = parse_certificate(rsa_pki.alice_auth.certificate_der)
    assert auth.key_usage == {"digital_signature", "key_encipherment"}
    assert auth.extended_key_usage == ("1.3.6.1.5.5.7.3.2", "1.2.398.3.3.4.1.1")
    nca = parse_certificate(rsa_pki.nca.certificate_der)
    assert nca.is_ca is True and nca.key_usage == {"key_cert_sign", "crl_sign"}
    assert nca.subject.get("2.5.4.3") == "ҰЛТТЫҚ КУӘЛАНДЫРУШЫ ОРТАЛЫҚ (RSA) TEST"
    assert nca.authority_key_id == parse_certificate(rsa_pki.root.certificate_der).subject_key_id


def test_crl_lists_entries_with_reasons(rsa_pki):
    from sotkabinet.ecp.crl import parse_crl

    crl = parse_crl(rsa_pki.nca_crl)
    assert len(crl) == 1
    entry = crl.lookup(rsa_pki.revoked.serial_number)
    assert entry.reason == "key_compromise"
    assert entry.revoked_at == NOW - timedelta(days=1)
    assert crl.lookup(rsa_pki.alice.serial_number) is None
    assert crl.crl_number == 7
    assert crl.next_update == NOW + timedelta(hours=18)


def test_save_and_load_round_trip(rsa_pki, rsa_trust, tmp_path):
    rsa_pki.nca.save_to(tmp_path / "ca")
    rsa_pki.alice.save_to(tmp_path / "alice")
    key_mode = stat.S_IMODE((tmp_path / "alice" / "private_key.pem").stat().st_mode)
    assert key_mode == 0o600
    ca = CertificateAuthority.load_from(tmp_path / "ca")
    assert ca.certificate_der == rsa_pki.nca.certificate_der
    assert ca.parent.certificate_der == rsa_pki.root.certificate_der
    alice = Person.load_from(tmp_path / "alice")
    assert (alice.iin, alice.full_name, alice.purpose) == (
        rsa_pki.alice.iin,
        "ӘЛИЕВА ӘЛИЯ",
        "sign",
    )
    verdict = verify_cms(alice.sign(PAYLOAD), data=PAYLOAD, at=NOW, trust=rsa_trust)
    assert (verdict.valid, verdict.reason) == (True, None)
    # A CA restored from disk keeps issuing into the same chain.
    crl = ca.crl(this_update=NOW - timedelta(hours=1), next_update=NOW + timedelta(hours=1))
    fresh = rsa_pki.trust(crls=[rsa_pki.root_crl, crl])
    assert verify_cms(alice.sign(PAYLOAD), data=PAYLOAD, at=NOW, trust=fresh).valid is True


def test_gost_private_key_pem_round_trip():
    key = PrivateKey.generate("gost2015")
    restored = PrivateKey.from_pem(key.to_pem(), "gost2015")
    assert restored.native == key.native
    assert b"KZ GOST2015 PRIVATE KEY" in key.to_pem()
