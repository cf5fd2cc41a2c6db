"""Issue 9 "ЭЦҚ sign-in binding": the signed challenge names the portal and its purpose, and on
the web it is bound to the browser session that asked for it (R-FIL-1; signatures/signin.py).
"""

from __future__ import annotations

from datetime import datetime

import pytest
from django.contrib.auth import get_user_model
from django.test import Client, override_settings

from conftest import make_identity_number
from sotkabinet.signatures import signin
from sotkabinet.signatures.models import SignInNonce

WEB_CHALLENGE = "/ecp-login/challenge/"
API_CHALLENGE = "/api/v1/auth/ecp/challenge/"
PAGE = "/ecp-login/"
DEMO_SIGN_LOGIN = "/ecp-login/demo-sign/"
API_SIGN_IN = "/api/v1/auth/ecp/"

pytestmark = pytest.mark.django_db


def web_nonce(client: Client, purpose: str = "auth") -> str:
    response = client.post(WEB_CHALLENGE, {"purpose": purpose})
    assert response.status_code == 200, response.content
    return response.json()["nonce"]


def signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


@override_settings(PORTAL_BASE_URL="https://sot.example.kz/portal/")
def test_the_signed_text_names_the_portal_the_purpose_and_the_expiry(api_client, client):
    # issue 9: "the challenge must name the portal's origin and purpose inside the nonce string"
    body = api_client.post(API_CHALLENGE).json()
    prefix, purpose, scheme, host, random_part, expiry = body["nonce"].split(":")
    assert (prefix, purpose, f"{scheme}:{host}") == ("sotkabinet", "auth", "https://sot.example.kz")
    assert len(random_part) >= 43  # 256 random bits
    assert int(expiry) == int(datetime.fromisoformat(body["expires_at"]).timestamp())
    assert web_nonce(client, "register").startswith("sotkabinet:register:https://sot.example.kz:")


def test_web_challenge_is_bound_to_the_session_that_asked(client):
    nonce = web_nonce(client)
    row = SignInNonce.objects.get(value=nonce)
    key = client.session.session_key
    assert row.purpose == "auth"
    assert row.session_hash == signin.session_hash(key) and key not in row.session_hash


def test_api_nonce_signed_by_the_holder_is_refused_on_the_web(api_client, client, ecp, make_user):
    """A nonce asked for through the API (no session) cannot be relayed into a browser."""
    victim = make_user()
    nonce = api_client.post(API_CHALLENGE).json()["nonce"]
    cms = ecp.sign_nonce(victim, nonce)
    response = client.post(PAGE, {"nonce": nonce, "cms": cms})
    assert response.status_code == 401
    assert 'role="alert"' in response.content.decode()
    assert not signed_in(client)


def test_another_sessions_nonce_is_refused(client, ecp, make_user):
    """The attacker's browser asks for a challenge, the victim signs it elsewhere, the attacker
    posts it: refused; only the session that asked may use it."""
    victim = make_user()
    attacker = Client()
    nonce = web_nonce(attacker)
    cms = ecp.sign_nonce(victim, nonce)
    # The victim's own browser did not ask for it either.
    assert client.post(PAGE, {"nonce": nonce, "cms": cms}).status_code == 401
    assert not signed_in(client)
    # The session that asked may use it once.
    assert attacker.post(PAGE, {"nonce": nonce, "cms": cms}).status_code == 302
    assert signed_in(attacker)


def test_web_nonce_is_refused_by_the_api(client, api_client, ecp, make_user):
    user = make_user()
    nonce = web_nonce(client)
    cms = ecp.sign_nonce(user, nonce)
    response = api_client.post(API_SIGN_IN, {"nonce": nonce, "cms": cms}, format="json")
    assert (response.status_code, response.json()["error"]["code"]) == (401, "nonce_invalid")


def test_a_register_nonce_does_not_sign_in(client, ecp, make_user):
    """A nonce for one purpose is refused for the other."""
    user = make_user()
    nonce = web_nonce(client, "register")
    response = client.post(PAGE, {"nonce": nonce, "cms": ecp.sign_nonce(user, nonce)})
    assert response.status_code == 401 and not signed_in(client)
    assert SignInNonce.objects.get(value=nonce).used_at is None


def test_web_challenge_needs_csrf_and_a_known_purpose():
    browser = Client(enforce_csrf_checks=True)
    assert browser.post(WEB_CHALLENGE, {"purpose": "auth"}).status_code == 403
    plain = Client()
    response = plain.post(WEB_CHALLENGE, {"purpose": "sign"})
    assert (response.status_code, response.json()["error"]["code"]) == (400, "invalid")
    assert plain.get(WEB_CHALLENGE).status_code == 405


@override_settings(DEMO=True)
def test_demo_signer_signs_only_this_sessions_challenge(client):
    login = make_identity_number()
    nonce = web_nonce(Client())
    response = client.post(DEMO_SIGN_LOGIN, {"nonce": nonce, "login": login})
    assert (response.status_code, response.json()["error"]["code"]) == (401, "nonce_invalid")
    own = web_nonce(client)
    signed = client.post(DEMO_SIGN_LOGIN, {"nonce": own, "login": login}).json()["cms"]
    assert client.post(PAGE, {"nonce": own, "cms": signed}).status_code == 302
    assert get_user_model().objects.filter(login=login).exists()
