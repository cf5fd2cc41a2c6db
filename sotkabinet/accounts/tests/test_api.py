import pytest

from conftest import make_identity_number
from sotkabinet.accounts.identity import is_valid_identity_number
from sotkabinet.core.models import AuditLog

pytestmark = pytest.mark.django_db


def test_control_digit_algorithm_known_values():  # SPEC R-FIL-1
    # 9*1 + 1*4 + 1*6 + 3*7 + 1*11 = 51; 51 mod 11 = 7
    assert is_valid_identity_number("900101300017")
    assert not is_valid_identity_number("900101300014")
    good = make_identity_number()
    assert is_valid_identity_number(good)
    wrong = good[:11] + str((int(good[11]) + 1) % 10)
    assert not is_valid_identity_number(wrong)
    assert not is_valid_identity_number("12345")
    assert not is_valid_identity_number("abcdefghijkl")


def test_register_and_sign_in(api_client, ecp):  # SPEC R-FIL-1; issue 9: proof by the key
    login = make_identity_number()
    response = api_client.post(
        "/api/v1/accounts/register/",
        {
            "login": login,
            "password": "Kokshetau-2026!",
            "full_name": "Әлия Серікова",
            "email": "a@example.kz",
            "phone": "+77010000000",
            "kind": "individual",
            **ecp.registration_proof(api_client, login, full_name="Әлия Серікова"),
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["login"] == login
    token = api_client.post(
        "/api/v1/auth/token/", {"login": login, "password": "Kokshetau-2026!"}, format="json"
    )
    assert token.status_code == 200
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {token.json()['token']}")
    me = api_client.get("/api/v1/me/").json()
    assert me["login"] == login and me["roles"] == ["applicant"] and me["courts"] == []
    assert AuditLog.objects.filter(action="account.register").exists()


def test_register_errors(api_client, ecp):
    login = make_identity_number()
    bad = login[:11] + str((int(login[11]) + 1) % 10)
    body = {"login": bad, "password": "Kokshetau-2026!", "full_name": "X", "kind": "individual"}
    response = api_client.post("/api/v1/accounts/register/", body, format="json")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_iin"
    body.update(kind="legal_entity")
    assert (
        api_client.post("/api/v1/accounts/register/", body, format="json").json()["error"]["code"]
        == "invalid_bin"
    )
    body.update(login=login, kind="individual", password="123")
    response = api_client.post("/api/v1/accounts/register/", body, format="json")
    assert response.json()["error"]["code"] == "weak_password"
    body.update(password="Kokshetau-2026!", **ecp.registration_proof(api_client, login))
    assert api_client.post("/api/v1/accounts/register/", body, format="json").status_code == 201
    body.update(ecp.registration_proof(api_client, login))
    again = api_client.post("/api/v1/accounts/register/", body, format="json")
    assert again.status_code == 409 and again.json()["error"]["code"] == "already_exists"


def test_bad_credentials_and_missing_token(api_client):
    response = api_client.post(
        "/api/v1/auth/token/", {"login": "x", "password": "y"}, format="json"
    )
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "invalid_credentials"
    response = api_client.get("/api/v1/me/")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "not_authenticated"


def test_sign_in_is_throttled(api_client, settings):
    from django.core.cache import cache

    cache.clear()
    rates = {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "sign_in": "3/min"}
    from rest_framework.throttling import ScopedRateThrottle

    original = ScopedRateThrottle.THROTTLE_RATES
    ScopedRateThrottle.THROTTLE_RATES = rates
    try:
        codes = [
            api_client.post("/api/v1/auth/token/", {"login": "x", "password": "y"}).status_code
            for _ in range(4)
        ]
    finally:
        ScopedRateThrottle.THROTTLE_RATES = original
    assert codes[:3] == [401, 401, 401]
    assert codes[3] == 429


def test_courts_and_districts_are_public(api_client, court):
    courts = api_client.get("/api/v1/courts/").json()
    assert courts["count"] == 1
    assert courts["results"][0] == {
        "id": court.pk,
        "code": "ALM-SMAS",
        "name": court.name,
        "instance": "first",
        "timezone": "Asia/Almaty",
        "district": "ALM-BOST",
    }
    districts = api_client.get("/api/v1/districts/").json()
    assert districts["results"][0]["code"] == "ALM-BOST"
