"""Issue 9 "Identity": nobody may claim someone else's ИИН/БИН. Registration needs the holder's
key over a challenge (docs/api.md; SPEC R-FIL-1), through the API
and through the web sign-up page (NCALayer or the DEMO key).
"""

from __future__ import annotations

import base64
import re
from datetime import timedelta

import pytest
from django.test import Client, override_settings
from django.utils import timezone

from conftest import new_login
from sotkabinet.accounts.models import User
from sotkabinet.core.models import AuditLog
from sotkabinet.ecp.pki import build_ca, issue_person
from sotkabinet.signatures.models import SignInNonce

pytestmark = pytest.mark.django_db

REGISTER = "/api/v1/accounts/register/"
API_CHALLENGE = "/api/v1/auth/ecp/challenge/"
WEB_CHALLENGE = "/ecp-login/challenge/"
SIGN_UP = "/accounts/sign-up/"
PASSWORD = "Kokshetau-2026!"


def body(login: str, **extra) -> dict:
    return {
        "login": login,
        "password": PASSWORD,
        "full_name": "Кез келген атау",
        "kind": "individual",
        **extra,
    }


def error(response) -> tuple[int, str]:
    return response.status_code, response.json()["error"]["code"]


def api_nonce(api_client) -> str:
    return api_client.post(API_CHALLENGE).json()["nonce"]


# --- API ----------------------------------------------------------------------------------------
def test_a_squatter_without_the_key_is_refused(api_client):
    """Before issue 9 any valid ИИН with a password made an account (then the holder's ЭЦҚ
    sign-in landed in the squatter's account)."""
    victim = new_login()
    assert error(api_client.post(REGISTER, body(victim), format="json")) == (400, "ecp_required")
    only_nonce = body(victim, nonce=api_nonce(api_client))
    assert error(api_client.post(REGISTER, only_nonce, format="json")) == (400, "ecp_required")
    assert not User.objects.filter(login=victim).exists()


def test_a_squatter_signing_with_their_own_key_is_refused(api_client, ecp):
    victim, squatter = new_login(), new_login()
    proof = ecp.registration_proof(api_client, squatter)
    response = api_client.post(REGISTER, body(victim, **proof), format="json")
    assert error(response) == (400, "signer_mismatch")
    assert response.json()["error"]["details"] == {"signer": squatter}
    assert not User.objects.filter(login__in=[victim, squatter]).exists()


def test_the_holder_registers_and_name_comes_from_the_certificate(api_client, ecp):
    login = new_login()
    proof = ecp.registration_proof(api_client, login, full_name="СЕРІКОВА ӘЛИЯ")
    response = api_client.post(REGISTER, body(login, **proof), format="json")
    assert response.status_code == 201, response.content
    assert response.json() == {"id": response.json()["id"], "login": login, "kind": "individual"}
    user = User.objects.get(login=login)
    assert (user.full_name, user.check_password(PASSWORD)) == ("СЕРІКОВА ӘЛИЯ", True)
    entry = AuditLog.objects.get(action="account.register", actor=user)
    assert entry.data["method"] == "ecp" and entry.data["certificate_serial"]
    # The challenge is spent.
    assert SignInNonce.objects.get(value=proof["nonce"]).used_at is not None


def test_a_company_registers_with_its_bin_key_kind_from_the_certificate(api_client, ecp):
    """`kind` and `full_name` come from the certificate when they differ: a BIN key makes a
    legal entity named as the certificate's organisation, whatever the form said."""
    bin_ = new_login("legal_entity")
    proof = ecp.registration_proof(
        api_client, bin_, kind="legal_entity", full_name="«Дала Агро» ЖШС"
    )
    response = api_client.post(
        REGISTER, body(bin_, kind="individual", business_size="small", **proof), format="json"
    )
    assert response.status_code == 201, response.content
    assert response.json()["kind"] == "legal_entity"
    user = User.objects.get(login=bin_)
    assert (user.kind, user.full_name, user.business_size) == (
        "legal_entity",
        "«Дала Агро» ЖШС",
        "small",
    )
    entry = AuditLog.objects.get(action="account.register", actor=user)
    assert entry.data["acting_iin"] != bin_  # the employee who acted for the company


def test_a_company_employee_key_does_not_register_the_employee_as_a_person(api_client, ecp):
    """The key speaks for its BIN: its holder's ИИН is not proven by a company key."""
    bin_ = new_login("legal_entity")
    company = User(login=bin_, kind="legal_entity", full_name="ЖШС «Заң»")
    person = ecp.person(company, purpose="auth")
    nonce = api_nonce(api_client)
    cms = ecp.sign_with(person, nonce, detached=False)
    response = api_client.post(REGISTER, body(person.iin, nonce=nonce, cms=cms), format="json")
    assert error(response) == (400, "signer_mismatch")


@pytest.mark.parametrize("case", ["other_content", "untrusted", "detached", "garbage"])
def test_a_bad_signature_is_refused_with_the_reason_and_the_nonce_is_spent(case, api_client, ecp):
    login = new_login()
    nonce = api_nonce(api_client)
    if case == "other_content":
        cms = ecp.sign_nonce(login, "sotkabinet:auth:another")
    elif case == "untrusted":
        forged = issue_person(build_ca(name="ЖАЛҒАН ОРТАЛЫҚ"), iin=login, full_name="A B")
        cms = base64.b64encode(forged.sign(nonce.encode(), detached=False)).decode()
    elif case == "detached":
        cms = ecp.sign(login, nonce.encode(), detached=True, purpose="auth")
    else:
        cms = base64.b64encode(b"garbage").decode()
    response = api_client.post(REGISTER, body(login, nonce=nonce, cms=cms), format="json")
    assert error(response) == (400, "signature_invalid")
    expected = {"other_content": "tampered", "untrusted": "untrusted"}.get(case, "malformed")
    assert response.json()["error"]["details"] == {"reason": expected}
    # A second try with the same (spent) challenge is refused even with a good signature.
    retry = body(login, nonce=nonce, cms=ecp.sign_nonce(login, nonce))
    assert error(api_client.post(REGISTER, retry, format="json")) == (400, "nonce_invalid")
    assert not User.objects.filter(login=login).exists()


def test_unknown_expired_and_web_session_nonces_are_refused(api_client, ecp):
    login = new_login()
    made_up = "sotkabinet:auth:https://evil.example:x:1"
    unknown = body(login, nonce=made_up, cms=ecp.sign_nonce(login, made_up))
    assert error(api_client.post(REGISTER, unknown, format="json")) == (400, "nonce_invalid")

    expired = api_nonce(api_client)
    SignInNonce.objects.filter(value=expired).update(expires_at=timezone.now() - timedelta(1))
    late = body(login, nonce=expired, cms=ecp.sign_nonce(login, expired))
    assert error(api_client.post(REGISTER, late, format="json")) == (400, "nonce_invalid")

    # A challenge a browser session asked for is not the API's (issue 9 binding).
    web = Client().post(WEB_CHALLENGE, {"purpose": "register"}).json()["nonce"]
    relayed = body(login, nonce=web, cms=ecp.sign_nonce(login, web))
    assert error(api_client.post(REGISTER, relayed, format="json")) == (400, "nonce_invalid")
    assert not User.objects.filter(login=login).exists()


def test_input_errors_come_before_the_key_and_spend_no_challenge(api_client, ecp):
    login = new_login()
    proof = ecp.registration_proof(api_client, login)
    bad_iin = login[:11] + str((int(login[11]) + 1) % 10)
    assert error(api_client.post(REGISTER, body(bad_iin, **proof), format="json")) == (
        400,
        "invalid_iin",
    )
    weak = body(login, password="123", **proof)
    assert error(api_client.post(REGISTER, weak, format="json")) == (400, "weak_password")
    assert SignInNonce.objects.get(value=proof["nonce"]).used_at is None
    assert api_client.post(REGISTER, body(login, **proof), format="json").status_code == 201


def test_a_squatter_cannot_take_an_attorneys_iin(api_client, ecp, make_user, client_for):
    """Issue 9: powers of attorney match attorneys by login. A squatter who registers the
    attorney's ИИН before the attorney would read the principal's cases; now registration
    needs the attorney's own key, and the real attorney gets the account and the power."""
    from filings import powers

    principal = make_user(full_name="Әсет Бекұлы")
    attorney_iin = new_login()
    power = powers.power_create(
        acting_user=principal,
        attorneys=[attorney_iin],
        powers=["file_claims", "receive_acts"],
        valid_from=timezone.localdate(),
        valid_until=timezone.localdate() + timedelta(days=30),
        fabula="Қарыз өндіру туралы дау.",
    )
    squatter = new_login()
    assert error(api_client.post(REGISTER, body(attorney_iin), format="json")) == (
        400,
        "ecp_required",
    )
    own_key = ecp.registration_proof(api_client, squatter)
    response = api_client.post(REGISTER, body(attorney_iin, **own_key), format="json")
    assert error(response) == (400, "signer_mismatch")
    assert not User.objects.filter(login=attorney_iin).exists()

    proof = ecp.registration_proof(api_client, attorney_iin, full_name="САРСЕНОВ АДВОКАТ")
    assert api_client.post(REGISTER, body(attorney_iin, **proof), format="json").status_code == 201
    attorney = User.objects.get(login=attorney_iin)
    seen = client_for(attorney).get(f"/api/v1/powers/{power.pk}/")
    assert seen.status_code == 200
    assert seen.json()["attorneys"] == [{"login": attorney_iin, "full_name": "САРСЕНОВ АДВОКАТ"}]


# --- the web sign-up page -----------------------------------------------------------------------
def page_form(client: Client, login: str, **extra) -> dict:
    return {
        "login": login,
        "kind": "individual",
        "full_name": "Ерлан Болатұлы",
        "email": "",
        "phone": "",
        "business_size": "",
        "password": PASSWORD,
        "password_again": PASSWORD,
        **extra,
    }


def web_register_nonce(client: Client, purpose: str = "register") -> str:
    return client.post(WEB_CHALLENGE, {"purpose": purpose}).json()["nonce"]


@override_settings(DEMO=True)
def test_sign_up_page_signs_with_ncalayer_or_the_demo_key():
    html = Client().get(SIGN_UP).content.decode()
    assert "data-ecp-signup" in html and 'data-challenge-purpose="register"' in html
    assert 'name="nonce"' in html and 'name="cms"' in html
    assert "/static/vendor/ncalayer-client.js" in html and "/static/js/signing.js" in html
    assert 'id="ecp-sign-ncalayer"' in html and 'id="ecp-sign-demo"' in html
    with override_settings(DEMO=False):
        assert 'id="ecp-sign-demo"' not in Client().get(SIGN_UP).content.decode()


def test_web_sign_up_without_the_key_is_refused():
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    login = new_login()
    response = client.post(SIGN_UP, page_form(client, login))
    assert response.status_code == 200
    assert "Sign the registration with the ЭЦҚ key" in response.content.decode()
    assert not User.objects.filter(login=login).exists()


def test_web_sign_up_with_the_holders_key(ecp):
    client = Client()
    login = new_login()
    nonce = web_register_nonce(client)
    cms = ecp.sign_nonce(login, nonce, full_name="БОЛАТҰЛЫ ЕРЛАН")
    response = client.post(SIGN_UP, page_form(client, login, nonce=nonce, cms=cms))
    assert (response.status_code, response["Location"]) == (302, "/cabinet/")
    user = User.objects.get(login=login)
    assert user.full_name == "БОЛАТҰЛЫ ЕРЛАН"
    assert int(client.session["_auth_user_id"]) == user.pk


@pytest.mark.parametrize("source", ["api", "other_session", "sign_in_purpose"])
def test_web_sign_up_refuses_a_challenge_it_did_not_ask_for(source, api_client, ecp):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.get(SIGN_UP)
    login = new_login()
    if source == "api":
        nonce = api_nonce(api_client)
    elif source == "other_session":
        nonce = web_register_nonce(Client())
    else:
        nonce = web_register_nonce(client, purpose="auth")
    cms = ecp.sign_nonce(login, nonce)
    response = client.post(SIGN_UP, page_form(client, login, nonce=nonce, cms=cms))
    assert response.status_code == 200
    assert "The sign-in challenge is unknown, expired or already used." in response.content.decode()
    assert not User.objects.filter(login=login).exists()


@override_settings(DEMO=True)
def test_web_sign_up_with_the_demo_key():
    """What the page's "Sign with the demo key" button does: the demo signer signs this
    session's challenge for the typed ИИН/БИН and name, and the form is posted."""
    client = Client()
    login = new_login("legal_entity")
    nonce = web_register_nonce(client)
    signed = client.post(
        "/ecp-login/demo-sign/",
        {"nonce": nonce, "login": login, "kind": "legal_entity", "full_name": "«Жаңа» ЖШС"},
    )
    assert signed.status_code == 200, signed.content
    form = page_form(client, login, kind="legal_entity", full_name="«Жаңа» ЖШС")
    response = client.post(SIGN_UP, {**form, "nonce": nonce, "cms": signed.json()["cms"]})
    assert response.status_code == 302, re.sub(r"\s+", " ", response.content.decode())[:3000]
    user = User.objects.get(login=login)
    assert (user.kind, user.full_name) == ("legal_entity", "«Жаңа» ЖШС")
