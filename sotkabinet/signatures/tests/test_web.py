"""Web: the ЭЦҚ sign-in page (R-FIL-1, R-ECP-5) and the demo signer endpoints (DEMO only)."""

from __future__ import annotations

import base64

import pytest
from django.contrib.auth import get_user_model
from django.test import Client, override_settings
from django.urls import reverse

from conftest import make_identity_number
from sotkabinet.core.models import AuditLog
from sotkabinet.signatures.services import verify_signature

PAGE = "/ecp-login/"
DEMO_SIGN_LOGIN = "/ecp-login/demo-sign/"
DEMO_SIGN = "/signatures/demo-sign/"
CHALLENGE = "/ecp-login/challenge/"  # bound to the browser session (issue 9)


def new_nonce(client: Client, purpose: str = "auth") -> str:
    return client.post(CHALLENGE, {"purpose": purpose}).json()["nonce"]


def test_page_url_name():
    assert reverse("signatures:ecp_login") == PAGE


@override_settings(DEMO=True)
def test_page_has_ncalayer_flow_and_demo_button(client, db):
    # SPEC R-ECP-5: NCALayer through static/js/signing.js; DEMO adds a demo key button
    html = client.get(PAGE).content.decode()
    assert "/static/vendor/ncalayer-client.js" in html
    assert "/static/js/signing.js" in html
    assert "data-ecp-signin" in html and 'name="nonce"' in html and 'name="cms"' in html
    assert "pki.gov.kz" in html
    assert 'id="ecp-sign-demo"' in html


@override_settings(DEMO=False)
def test_page_without_demo_and_demo_endpoints_404(client, make_user, db):
    # README "Configuration": DEMO enables the demo signer
    assert 'id="ecp-sign-demo"' not in client.get(PAGE).content.decode()
    nonce = new_nonce(client)
    user = make_user()
    response = client.post(DEMO_SIGN_LOGIN, {"nonce": nonce, "login": user.login})
    assert response.status_code == 404
    client.force_login(user)
    data = base64.b64encode(b"payload").decode()
    assert client.post(DEMO_SIGN, {"data": data}).status_code == 404


@override_settings(DEMO=True)
@pytest.mark.parametrize("kind", ["individual", "legal_entity"])
def test_web_sign_in_with_demo_signer(kind, client, db):
    # SPEC R-FIL-1: sign in by ЭЦҚ; first sign-in creates the account; session + /cabinet/
    login = make_identity_number("07010140" if kind == "legal_entity" else "90010130")
    nonce = new_nonce(client)
    signed = client.post(DEMO_SIGN_LOGIN, {"nonce": nonce, "login": login, "kind": kind})
    assert signed.status_code == 200
    response = client.post(PAGE, {"nonce": nonce, "cms": signed.json()["cms"]})
    assert response.status_code == 302
    assert response["Location"] == "/cabinet/"
    user = get_user_model().objects.get(login=login)
    assert user.kind == kind
    assert int(client.session["_auth_user_id"]) == user.pk
    entry = AuditLog.objects.get(action="account.sign_in", actor=user)
    assert entry.data["method"] == "ecp"
    assert ("acting_iin" in entry.data) is (kind == "legal_entity")


@override_settings(DEMO=True)
def test_web_sign_in_keeps_safe_next_only(client, make_user):
    user = make_user()
    for target, expected in (("/filings/", "/filings/"), ("https://evil.example/", "/cabinet/")):
        nonce = new_nonce(client)
        cms = client.post(DEMO_SIGN_LOGIN, {"nonce": nonce, "login": user.login}).json()["cms"]
        response = client.post(PAGE, {"nonce": nonce, "cms": cms, "next": target})
        assert response["Location"] == expected


@override_settings(DEMO=True)
def test_web_sign_in_replay_shows_error(client, make_user):
    user = make_user()
    nonce = new_nonce(client)
    cms = client.post(DEMO_SIGN_LOGIN, {"nonce": nonce, "login": user.login}).json()["cms"]
    assert client.post(PAGE, {"nonce": nonce, "cms": cms}).status_code == 302
    other = Client()
    response = other.post(PAGE, {"nonce": nonce, "cms": cms})
    assert response.status_code == 401
    assert 'role="alert"' in response.content.decode()
    assert "_auth_user_id" not in other.session


def test_web_sign_in_with_ncalayer_style_cms(client, ecp, make_user):
    # What NCALayer returns: an attached CMS over the nonce's bytes, by an AUTH key
    user = make_user()
    nonce = new_nonce(client)
    cms = ecp.sign(user, nonce.encode(), detached=False, purpose="auth")
    response = client.post(PAGE, {"nonce": nonce, "cms": cms})
    assert (response.status_code, response["Location"]) == (302, "/cabinet/")


@override_settings(DEMO=True)
def test_demo_sign_login_refuses_dead_nonce_and_bad_login(client, make_user):
    user = make_user()
    assert client.post(DEMO_SIGN_LOGIN, {"nonce": "x", "login": user.login}).status_code == 401
    nonce = new_nonce(client)
    response = client.post(DEMO_SIGN_LOGIN, {"nonce": nonce, "login": "123456789012"})
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_iin"


@override_settings(DEMO=True)
def test_demo_sign_document_for_signed_in_user(client, make_user):
    # The demo "Sign with demo key" button for documents: detached CMS by the user's demo key
    user = make_user()
    payload = b'{"sha256":"abc"}'
    data = base64.b64encode(payload).decode()
    assert client.post(DEMO_SIGN, {"data": data}).status_code == 401
    client.force_login(user)
    cms = client.post(DEMO_SIGN, {"data": data}).json()["cms"]
    verdict = verify_signature(cms, data=payload)
    assert verdict.valid and verdict.signers[0].iin == user.login
    assert client.post(DEMO_SIGN, {"data": "%%"}).status_code == 400
