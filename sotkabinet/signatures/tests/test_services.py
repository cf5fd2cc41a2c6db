"""Services: canonical payload, DB trust store, cached verification, signer checks, demo signer."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime, timedelta

import pytest
from django.test import override_settings

from sotkabinet.ecp import inspect_cms, verify_cms
from sotkabinet.errors import DomainError
from sotkabinet.signatures import services
from sotkabinet.signatures.demo import ensure_demo_pki, representative_iin
from sotkabinet.signatures.models import CertificateRevocationList, TrustedCertificate

PAYLOAD = services.canonical_payload({"document": "a" * 64, "kind": "claim"})


def test_canonical_payload_sorted_compact_raw_utf8():
    # docs/conventions.md "Signing"
    payload = services.canonical_payload({"б": "Сот", "a": [1, {"z": None, "y": True}]})
    assert payload == '{"a":[1,{"y":true,"z":null}],"б":"Сот"}'.encode()
    assert b"\\u" not in payload


def test_valid_signature_verifies_against_db_trust(ecp, make_user):
    # SPEC R-ECP-1
    user = make_user()
    verdict = services.verify_signature(ecp.sign(user, PAYLOAD), data=PAYLOAD)
    assert verdict.valid, verdict.message
    assert verdict.signers[0].iin == user.login
    assert verdict.signers[0].key_usage == "sign"


def test_untrusted_when_anchor_removed(ecp, make_user):
    # SPEC R-ECP-1: chain to a trusted root
    user = make_user()
    cms = ecp.sign(user, PAYLOAD)
    assert services.verify_signature(cms, data=PAYLOAD).valid
    root = TrustedCertificate.objects.get(is_anchor=True, subject__contains="НЕГІЗГІ")
    assert services.trust_remove(root.fingerprint)
    verdict = services.verify_signature(cms, data=PAYLOAD)
    assert (verdict.valid, verdict.reason) == (False, "untrusted")


def test_trust_store_rebuilt_when_tables_change(ecp):
    first = services.current_trust_store()
    assert services.current_trust_store() is first
    CertificateRevocationList.objects.all().delete()
    assert services.current_trust_store() is not first


def test_revoked_after_revoke(ecp, make_user):
    # SPEC R-ECP-1: revocation
    user = make_user()
    cms = ecp.sign(user, PAYLOAD)
    ecp.revoke(user)
    verdict = services.verify_signature(cms, data=PAYLOAD)
    assert (verdict.valid, verdict.reason) == (False, "revoked")
    earlier = services.verify_signature(cms, data=PAYLOAD, at=datetime.now(UTC) - timedelta(days=1))
    assert earlier.valid


def test_revocation_unknown_without_crl_under_hard_policy(ecp, make_user):
    # SPEC R-ECP-1; README "Configuration": ECP_REVOCATION_POLICY
    user = make_user()
    cms = ecp.sign(user, PAYLOAD)
    CertificateRevocationList.objects.all().delete()
    with override_settings(ECP_REVOCATION_POLICY="hard"):
        assert services.verify_signature(cms, data=PAYLOAD).reason == "revocation_unknown"
    with override_settings(ECP_REVOCATION_POLICY="soft"):
        assert services.verify_signature(cms, data=PAYLOAD).valid


def test_verdict_cache_keyed_by_trust_version(ecp, make_user, monkeypatch):
    user = make_user()
    cms = ecp.sign(user, PAYLOAD)
    at = datetime.now(UTC)
    calls = []
    real = services.verify_cms

    def counting(*args, **kwargs):
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(services, "verify_cms", counting)
    assert services.verify_signature(cms, data=PAYLOAD, at=at).valid
    assert services.verify_signature(cms, data=PAYLOAD, at=at).valid
    assert len(calls) == 1
    # Revoked before `at` (a CRL keeps whole seconds: "now" could fall after `at`).
    ecp.revoke(user, at=at - timedelta(minutes=1))
    assert services.verify_signature(cms, data=PAYLOAD, at=at).reason == "revoked"
    assert len(calls) == 2


def test_require_valid_signature_accepts_required_person(ecp, make_user):
    # SPEC R-FIL-11
    applicant = make_user()
    verdict = services.require_valid_signature(
        ecp.sign(applicant, PAYLOAD), PAYLOAD, identities={applicant.login}
    )
    assert verdict.signers[0].iin == applicant.login


def test_require_valid_signature_refuses_someone_else(ecp, make_user):
    # SPEC R-FIL-11
    applicant, stranger = make_user(), make_user()
    with pytest.raises(DomainError) as error:
        services.require_valid_signature(
            ecp.sign(stranger, PAYLOAD), PAYLOAD, identities={applicant.login}
        )
    assert error.value.code == "signer_mismatch"


def test_require_valid_signature_refuses_other_payload(ecp, make_user):
    # SPEC R-ECP-1: the signature math over the exact bytes
    applicant = make_user()
    with pytest.raises(DomainError) as error:
        services.require_valid_signature(
            ecp.sign(applicant, PAYLOAD), PAYLOAD + b" ", identities={applicant.login}
        )
    assert error.value.code == "signature_invalid"
    assert error.value.details == {"reason": "tampered"}


def test_require_valid_signature_auth_key_is_not_for_signing(ecp, make_user):
    # SPEC R-ECP-1: the key's purpose
    applicant = make_user()
    cms = ecp.sign(applicant, PAYLOAD, purpose="auth")
    with pytest.raises(DomainError) as error:
        services.require_valid_signature(cms, PAYLOAD, identities={applicant.login})
    assert error.value.details == {"reason": "key_usage"}


def test_require_valid_signature_head_of_legal_entity(ecp, make_user):
    # SPEC R-FIL-10: a legal entity's head signs
    company = make_user(kind="legal_entity")
    head_cms = ecp.sign(company, PAYLOAD, head=True)
    verdict = services.require_valid_signature(
        head_cms, PAYLOAD, identities={company.login}, head_of_bin=company.login
    )
    assert verdict.signers[0].bin == company.login
    employee_cms = ecp.sign(company, PAYLOAD)
    services.require_valid_signature(employee_cms, PAYLOAD, identities={company.login})
    with pytest.raises(DomainError) as error:
        services.require_valid_signature(
            employee_cms, PAYLOAD, identities={company.login}, head_of_bin=company.login
        )
    assert error.value.code == "signer_mismatch"


def test_require_valid_signature_attached_cms(ecp, make_user):
    applicant = make_user()
    cms = ecp.sign(applicant, PAYLOAD, detached=False)
    services.require_valid_signature(cms, PAYLOAD, identities={applicant.login})
    with pytest.raises(DomainError):
        services.require_valid_signature(cms, b"other", identities={applicant.login})


def test_expired_certificate(ecp, make_user):
    # SPEC R-ECP-1: the validity period
    user = make_user()
    cms = ecp.sign_with(ecp.expired(user), PAYLOAD)
    assert services.verify_signature(cms, data=PAYLOAD).reason == "expired"


def test_fixture_matches_library_trust_store(ecp, make_user):
    user = make_user()
    cms = ecp.sign(user, PAYLOAD)
    at = datetime.now(UTC)
    library = verify_cms(cms, data=PAYLOAD, at=at, trust=ecp.trust_store())
    assert services.verify_signature(cms, data=PAYLOAD, at=at).to_dict() == library.to_dict()


def test_trust_import_self_signed_is_anchor_by_default(db, ecp_pki):
    # README "Operations": ecp_trust import
    [root] = services.trust_import(ecp_pki.root.certificate_pem)
    [nca] = services.trust_import(ecp_pki.nca.certificate_der)
    assert (root.is_anchor, nca.is_anchor) == (True, False)
    [forced] = services.trust_import(ecp_pki.nca.certificate_der, anchor=True)
    assert forced.pk == nca.pk and forced.is_anchor
    assert TrustedCertificate.objects.count() == 2


def test_trust_import_refuses_garbage(db):
    with pytest.raises(DomainError):
        services.trust_import(b"not a certificate")
    with pytest.raises(DomainError):
        services.crl_import(b"not a crl")


@override_settings(DEMO=True)
def test_demo_sign_individual_and_legal_entity(db, make_user):
    # R-ECP-4 shapes from the demo CA; trusted because DEMO is on
    person = make_user()
    company = make_user(kind="legal_entity", full_name="ЖШС Демо")
    cms = services.demo_sign(person, PAYLOAD)
    assert services.demo_sign(person, PAYLOAD) != ""  # the key is reused, not reissued
    verdict = services.verify_signature(cms, data=PAYLOAD)
    assert verdict.valid, verdict.message
    assert verdict.signers[0].iin == person.login
    company_cms = services.demo_sign(company, b"nonce", detached=False)
    inspection = inspect_cms(company_cms)
    assert inspection.content == b"nonce"
    [signer] = inspection.signers
    assert (signer.bin, signer.iin, signer.is_head) == (
        company.login,
        representative_iin(company.login),
        True,
    )
    assert signer.organization == "ЖШС Демо"
    assert services.verify_signature(company_cms).valid


@override_settings(DEMO=True)
def test_demo_ca_persisted_and_reused(db, settings, tmp_path):
    settings.DEMO_PKI_DIR = tmp_path / "demo"
    first = ensure_demo_pki()
    assert (tmp_path / "demo" / "ca" / "certificate.pem").exists()
    from sotkabinet.signatures import demo

    demo._cache.clear()
    assert ensure_demo_pki().anchor_der == first.anchor_der


@override_settings(DEMO=False)
def test_demo_signer_unavailable_when_demo_off(db, make_user):
    # README "Configuration": DEMO enables the demo signer and the demo CA
    with pytest.raises(DomainError) as error:
        services.demo_sign(make_user(), PAYLOAD)
    assert error.value.code == "demo_disabled"


def test_demo_ca_trusted_only_in_demo_mode(db, settings, make_user):
    settings.DEMO = True
    cms = services.demo_sign(make_user(), PAYLOAD)
    assert services.verify_signature(cms, data=PAYLOAD).valid
    settings.DEMO = False
    assert services.verify_signature(cms, data=PAYLOAD).reason == "untrusted"


def test_verdict_to_dict_is_json(ecp, make_user):
    user = make_user()
    verdict = services.verify_signature(ecp.sign(user, PAYLOAD), data=PAYLOAD)
    data = json.loads(json.dumps(verdict.to_dict()))
    assert data["signers"][0]["iin"] == user.login
    assert base64.b64decode(ecp.sign(user, PAYLOAD))[:1] == b"\x30"


@pytest.mark.parametrize("year", [2016, 2040])
def test_fixture_signatures_valid_when_tests_travel_in_time(year, ecp, make_user):
    # Other areas' tests move the clock (deadlines); the test PKI must stay valid then.
    import time_machine

    user = make_user()
    with time_machine.travel(datetime(year, 6, 1, 12, tzinfo=UTC), tick=False):
        cms = ecp.sign(user, PAYLOAD)
        verdict = services.verify_signature(cms, data=PAYLOAD)
    assert verdict.valid, verdict.message
