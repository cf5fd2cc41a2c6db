"""REST: POST signatures/verify/, auth/ecp/challenge/, auth/ecp/ (docs/api.md)."""

from __future__ import annotations

import base64
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.conf import settings
from django.core.cache.backends.locmem import LocMemCache
from django.utils import timezone
from rest_framework.throttling import ScopedRateThrottle

from conftest import make_identity_number
from sotkabinet.accounts.models import User
from sotkabinet.core.models import AuditLog
from sotkabinet.ecp import verify_cms
from sotkabinet.ecp.pki import build_ca, issue_person
from sotkabinet.signatures.models import SignInNonce
from sotkabinet.signatures.services import canonical_payload

PAYLOAD = canonical_payload({"filing": 1, "sha256": ["c" * 64]})
VERIFY = "/api/v1/signatures/verify/"
CHALLENGE = "/api/v1/auth/ecp/challenge/"
SIGN_IN = "/api/v1/auth/ecp/"


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


@pytest.fixture
def caller(make_user, client_for):
    return client_for(make_user())


# --- signatures/verify/ -------------------------------------------------------------------------
def _case(case: str, ecp, user) -> tuple[str, bytes]:
    if case == "valid":
        return ecp.sign(user, PAYLOAD), PAYLOAD
    if case == "tampered":
        return ecp.sign(user, PAYLOAD), PAYLOAD.replace(b"1", b"2")
    if case == "untrusted":
        stranger_ca = build_ca(name="БӨГДЕ ОРТАЛЫҚ")
        return b64(
            issue_person(stranger_ca, iin=user.login, full_name="A B").sign(PAYLOAD)
        ), PAYLOAD
    if case == "revoked":
        cms = ecp.sign(user, PAYLOAD)
        ecp.revoke(user)
        return cms, PAYLOAD
    if case == "expired":
        return ecp.sign_with(ecp.expired(user), PAYLOAD), PAYLOAD
    if case == "key_usage":
        return ecp.sign(user, PAYLOAD, purpose="auth"), PAYLOAD
    raise AssertionError(case)


@pytest.mark.parametrize(
    "case", ["valid", "tampered", "untrusted", "revoked", "expired", "key_usage"]
)
def test_verify_endpoint_returns_library_verdict(case, ecp, make_user, caller):
    # docs/api.md; SPEC R-ECP-1
    user = make_user()
    cms, data = _case(case, ecp, user)
    response = caller.post(VERIFY, {"cms": cms, "data": b64(data)}, format="json")
    assert response.status_code == 200
    library = verify_cms(cms, data=data, at=datetime.now(UTC), trust=ecp.trust_store())
    assert response.json() == library.to_dict()
    assert response.json()["reason"] == (None if case == "valid" else case)
    assert response.json()["valid"] is (case == "valid")


def test_verify_endpoint_attached_and_purpose(ecp, make_user, caller):
    user = make_user()
    cms = ecp.sign(user, b"hello", detached=False, purpose="auth")
    assert caller.post(VERIFY, {"cms": cms, "purpose": "auth"}).json()["valid"] is True
    assert caller.post(VERIFY, {"cms": cms}).json()["reason"] == "key_usage"


def test_verify_endpoint_signer_object(ecp, make_user, caller):
    # the signer object of docs/conventions.md
    company = make_user(kind="legal_entity", full_name="ЖШС Сынақ")
    body = caller.post(VERIFY, {"cms": ecp.sign(company, PAYLOAD), "data": b64(PAYLOAD)}).json()
    [signer] = body["signers"]
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
    assert (signer["bin"], signer["organization"], signer["key_usage"]) == (
        company.login,
        "ЖШС Сынақ",
        "sign",
    )


def test_verify_endpoint_malformed_is_a_verdict(caller, db):
    body = caller.post(VERIFY, {"cms": b64(b"junk")}).json()
    assert body == {"valid": False, "reason": "malformed", "signers": []}


def test_verify_endpoint_bad_input(caller, db):
    response = caller.post(VERIFY, {"cms": "x", "data": "%%%"})
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid"
    assert caller.post(VERIFY, {"data": "AA=="}).status_code == 400


def test_verify_endpoint_needs_token(api_client, db):
    response = api_client.post(VERIFY, {"cms": "AA=="}, format="json")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "not_authenticated"


def test_verify_endpoint_throttled(caller, db, monkeypatch):
    # docs/api.md: throttled (scope signature_verify), 429 with Retry-After
    monkeypatch.setattr(
        ScopedRateThrottle, "THROTTLE_RATES", {"signature_verify": "2/min", "sign_in": "2/min"}
    )
    monkeypatch.setattr(ScopedRateThrottle, "cache", LocMemCache("throttle-test", {}))
    for _ in range(2):
        assert caller.post(VERIFY, {"cms": "AA=="}, REMOTE_ADDR="10.9.8.7").status_code == 200
    response = caller.post(VERIFY, {"cms": "AA=="}, REMOTE_ADDR="10.9.8.7")
    assert response.status_code == 429 and response["Retry-After"]


# --- auth/ecp/ ----------------------------------------------------------------------------------
def challenge(api_client) -> str:
    response = api_client.post(CHALLENGE)
    assert response.status_code == 200
    body = response.json()
    expires_at = datetime.fromisoformat(body["expires_at"])
    assert expires_at - timezone.now() <= timedelta(seconds=settings.ECP_NONCE_TTL_SECONDS)
    return body["nonce"]


def test_sign_in_individual_creates_account(ecp, api_client, db):
    # SPEC R-FIL-1; docs/api.md auth/ecp: account created on first sign-in
    newcomer = User(login=make_identity_number(), kind="individual", full_name="СЕРІКОВ АЙДОС")
    nonce = challenge(api_client)
    cms = ecp.sign(newcomer, nonce.encode(), detached=False, purpose="auth")
    response = api_client.post(SIGN_IN, {"nonce": nonce, "cms": cms}, format="json")
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["login"] == newcomer.login
    user = User.objects.get(login=newcomer.login)
    assert (user.kind, user.full_name, user.has_usable_password()) == (
        "individual",
        "СЕРІКОВ АЙДОС",
        False,
    )
    me = api_client.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {body['token']}")
    assert me.json()["login"] == newcomer.login
    assert AuditLog.objects.filter(action="account.sign_in", actor=user).exists()


def test_sign_in_with_signing_key_and_existing_account(ecp, api_client, make_user):
    # docs/api.md: AUTH or SIGN key accepted
    user = make_user()
    nonce = challenge(api_client)
    cms = ecp.sign(user, nonce.encode(), detached=False, purpose="sign")
    response = api_client.post(SIGN_IN, {"nonce": nonce, "cms": cms}, format="json")
    assert response.status_code == 200
    assert response.json()["login"] == user.login
    assert User.objects.filter(login=user.login).count() == 1


def test_sign_in_legal_entity_logs_in_as_bin(ecp, api_client, db):
    # docs/api.md: the login is the certificate's BIN for a legal-entity key; audit names the person
    company = User(
        login=make_identity_number("07010140"), kind="legal_entity", full_name="ЖШС «Заң»"
    )
    nonce = challenge(api_client)
    person = ecp.person(company, purpose="auth", head=True)
    cms = ecp.sign_with(person, nonce.encode(), detached=False)
    response = api_client.post(SIGN_IN, {"nonce": nonce, "cms": cms}, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["login"] == company.login
    user = User.objects.get(login=company.login)
    assert (user.kind, user.full_name) == ("legal_entity", "ЖШС «Заң»")
    entry = AuditLog.objects.get(action="account.sign_in", actor=user)
    assert entry.data["acting_iin"] == person.iin != company.login


def test_sign_in_replayed_nonce_refused(ecp, api_client, make_user):
    # docs/api.md: nonce_invalid for a used nonce (single use)
    user = make_user()
    nonce = challenge(api_client)
    cms = ecp.sign(user, nonce.encode(), detached=False, purpose="auth")
    assert api_client.post(SIGN_IN, {"nonce": nonce, "cms": cms}).status_code == 200
    replay = api_client.post(SIGN_IN, {"nonce": nonce, "cms": cms})
    assert replay.status_code == 401
    assert replay.json()["error"]["code"] == "nonce_invalid"


def test_sign_in_expired_nonce_refused(ecp, api_client, make_user):
    # docs/api.md: nonce_invalid for an expired nonce (settings.ECP_NONCE_TTL_SECONDS)
    user = make_user()
    nonce = challenge(api_client)
    cms = ecp.sign(user, nonce.encode(), detached=False, purpose="auth")
    later = timezone.now() + timedelta(seconds=settings.ECP_NONCE_TTL_SECONDS + 1)
    with time_machine.travel(later, tick=False):
        response = api_client.post(SIGN_IN, {"nonce": nonce, "cms": cms})
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "nonce_invalid"
    assert SignInNonce.objects.get(value=nonce).used_at is None


def test_sign_in_unknown_nonce_refused(ecp, api_client, make_user):
    user = make_user()
    cms = ecp.sign(user, b"made-up", detached=False, purpose="auth")
    response = api_client.post(SIGN_IN, {"nonce": "made-up", "cms": cms})
    assert (response.status_code, response.json()["error"]["code"]) == (401, "nonce_invalid")


@pytest.mark.parametrize("case", ["other_content", "untrusted", "detached", "garbage", "revoked"])
def test_sign_in_bad_signature(case, ecp, api_client, make_user):
    # docs/api.md: 401 signature_invalid with details.reason
    user = make_user()
    nonce = challenge(api_client)
    expected = {
        "other_content": "tampered",
        "untrusted": "untrusted",
        "detached": "malformed",
        "garbage": "malformed",
        "revoked": "revoked",
    }[case]
    if case == "other_content":
        cms = ecp.sign(user, b"another nonce", detached=False, purpose="auth")
    elif case == "untrusted":
        forged = issue_person(build_ca(name="ЖАЛҒАН"), iin=user.login, full_name="A B")
        cms = b64(forged.sign(nonce.encode(), detached=False))
    elif case == "detached":
        cms = ecp.sign(user, nonce.encode(), detached=True, purpose="auth")
    elif case == "garbage":
        cms = b64(b"garbage")
    else:
        cms = ecp.sign(user, nonce.encode(), detached=False, purpose="auth")
        ecp.revoke(user)
    response = api_client.post(SIGN_IN, {"nonce": nonce, "cms": cms})
    assert response.status_code == 401
    error = response.json()["error"]
    assert (error["code"], error["details"]) == ("signature_invalid", {"reason": expected})
    assert not AuditLog.objects.filter(action="account.sign_in").exists()


def test_sign_in_consumes_nonce_once_even_if_racing(ecp, make_user, db):
    # The conditional UPDATE lets exactly one use through.
    from sotkabinet.errors import DomainError
    from sotkabinet.signatures import signin

    user = make_user()
    nonce = signin.challenge_issue().value
    cms = ecp.sign(user, nonce.encode(), detached=False, purpose="auth")
    outcomes = []
    for _ in range(3):
        try:
            outcomes.append(signin.ecp_sign_in(nonce=nonce, cms=cms).user.login)
        except DomainError as error:
            outcomes.append(error.code)
    assert outcomes == [user.login, "nonce_invalid", "nonce_invalid"]
