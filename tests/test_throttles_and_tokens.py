"""Issue 9, "Throttles": keyed on the real client behind trusted proxies only, sign-in per login
as well as per address, `/verify/` per real client; API tokens expire and die with the password."""

from __future__ import annotations

import base64
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.test import Client, RequestFactory
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient
from rest_framework.throttling import ScopedRateThrottle, SimpleRateThrottle

from registry import verify_views
from sotkabinet.core.models import AuditLog
from sotkabinet.throttling import client_ip

pytestmark = pytest.mark.django_db

RATES = {
    "sign_in": "3/min",
    "sign_in_login": "1000/min",
    "signature_verify": "1000/min",
    "archive_verify": "1000/min",
    "printable_copy": "1000/min",
}


@pytest.fixture(autouse=True)
def fresh_buckets():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def rates(monkeypatch):
    """Small limits for the test; every throttle class reads SimpleRateThrottle's table."""
    table = dict(RATES)
    # Both classes: another test may have left its own attribute on ScopedRateThrottle.
    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", table)
    monkeypatch.setattr(ScopedRateThrottle, "THROTTLE_RATES", table)
    return table


def _request(remote: str, forwarded: str | None = None):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


# -- the client address ------------------------------------------------------------------------


def test_issue_9_forwarded_for_is_ignored_without_configured_proxies(settings):
    settings.NUM_PROXIES = 0
    settings.TRUSTED_PROXIES = []
    assert client_ip(_request("203.0.113.5", "198.51.100.1")) == "203.0.113.5"


def test_issue_9_num_proxies_takes_the_address_the_outermost_proxy_saw(settings):
    settings.TRUSTED_PROXIES = []
    settings.NUM_PROXIES = 1
    # The client forged the first entry; the proxy appended the address it really saw.
    assert client_ip(_request("10.0.0.2", "1.1.1.1, 198.51.100.7")) == "198.51.100.7"
    settings.NUM_PROXIES = 2
    assert client_ip(_request("10.0.0.2", "1.1.1.1, 198.51.100.7, 10.0.0.9")) == "198.51.100.7"
    assert client_ip(_request("10.0.0.2")) == "10.0.0.2"


def test_issue_9_trusted_proxies_are_skipped_and_untrusted_peers_are_the_client(settings):
    settings.NUM_PROXIES = 0
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]
    chain = "6.6.6.6, 198.51.100.7, 10.0.0.9"
    assert client_ip(_request("10.0.0.2", chain)) == "198.51.100.7"
    # A direct client (not a trusted proxy) cannot choose its address by the header.
    assert client_ip(_request("203.0.113.5", chain)) == "203.0.113.5"
    assert client_ip(_request("10.0.0.2", "not-an-address, 10.0.0.3")) == "10.0.0.3"


# -- sign-in throttles ------------------------------------------------------------------------


def _token_attempt(client, login: str, **extra) -> int:
    return client.post(
        "/api/v1/auth/token/", {"login": login, "password": "wrong"}, format="json", **extra
    ).status_code


def test_issue_9_rotating_forwarded_for_gives_no_fresh_bucket_for_the_token_view(rates):
    client = APIClient()
    codes = [
        _token_attempt(client, f"90010130{n:04d}", HTTP_X_FORWARDED_FOR=f"198.51.100.{n}")
        for n in range(5)
    ]
    assert codes[:3] == [401, 401, 401]
    assert codes[3:] == [429, 429]


def test_issue_9_token_sign_in_is_throttled_per_login_across_addresses(rates, make_user):
    rates.update(sign_in="1000/min", sign_in_login="3/min")
    user = make_user("applicant")
    client = APIClient()
    codes = [_token_attempt(client, user.login, REMOTE_ADDR=f"203.0.113.{n}") for n in range(1, 6)]
    assert codes == [401, 401, 401, 429, 429]
    # Another login from the same addresses is not held up.
    other = make_user("applicant")
    assert _token_attempt(client, other.login, REMOTE_ADDR="203.0.113.1") == 401


def test_issue_9_web_password_sign_in_keys_on_the_real_client_and_the_login(rates, make_user):
    user = make_user("applicant")
    client = Client()
    codes = [
        client.post(
            "/accounts/sign-in/",
            {"login": user.login, "password": "wrong"},
            HTTP_X_FORWARDED_FOR=f"198.51.100.{n}",
        ).status_code
        for n in range(4)
    ]
    assert codes == [200, 200, 200, 429]
    cache.clear()
    rates.update(sign_in="1000/min", sign_in_login="2/min")
    codes = [
        client.post(
            "/accounts/sign-in/",
            {"login": user.login, "password": "wrong"},
            REMOTE_ADDR=f"203.0.113.{n}",
        ).status_code
        for n in range(1, 4)
    ]
    assert codes == [200, 200, 429]


def test_issue_9_ecp_sign_in_is_throttled_per_signer_across_addresses(rates, make_user, ecp):
    rates.update(sign_in="1000/min", sign_in_login="2/min")
    user = make_user("applicant")
    client = APIClient()
    codes = []
    for n in range(1, 4):
        cms = ecp.sign(user, f"not-a-live-nonce-{n}".encode(), detached=False, purpose="auth")
        codes.append(
            client.post(
                "/api/v1/auth/ecp/",
                {"nonce": f"not-a-live-nonce-{n}", "cms": cms},
                format="json",
                REMOTE_ADDR=f"203.0.113.{n}",
            ).status_code
        )
    assert 429 not in codes[:2]
    assert codes[2] == 429


def _ecp_sign_in(client, cms_for, **extra):
    nonce = client.post("/api/v1/auth/ecp/challenge/", **extra).json()["nonce"]
    return client.post(
        "/api/v1/auth/ecp/", {"nonce": nonce, "cms": cms_for(nonce)}, format="json", **extra
    ).status_code


def test_issue_9_nobody_locks_the_key_holder_out_of_ecp_sign_in(rates, make_user, ecp):
    """The ЭЦҚ bucket is the signer's certificate, not the ИИН: password guesses for the login,
    or certificates an attacker makes naming the same ИИН, use up their own buckets, and the
    holder of the real key still signs in."""
    from sotkabinet.ecp import pki

    rates.update(sign_in="1000/min", sign_in_login="2/min")
    user = make_user("applicant")
    client = APIClient()
    guesses = [_token_attempt(client, user.login, REMOTE_ADDR=f"203.0.113.{n}") for n in (1, 2, 3)]
    assert guesses == [401, 401, 429]
    rogue = pki.issue_person(
        pki.build_ca(name="ROGUE CA"), iin=user.login, full_name="ЖАЛҒАН", purpose="auth"
    )

    def forged(nonce: str) -> str:
        return base64.b64encode(rogue.sign(nonce.encode(), detached=False)).decode()

    forgeries = [_ecp_sign_in(client, forged, REMOTE_ADDR=f"198.51.100.{n}") for n in (1, 2, 3)]
    assert forgeries == [401, 401, 429]
    assert _ecp_sign_in(client, lambda nonce: ecp.sign_nonce(user, nonce)) == 200
    # The holder's own certificate still has a bucket of its own.
    assert _ecp_sign_in(client, lambda nonce: ecp.sign_nonce(user, nonce)) == 200
    assert _ecp_sign_in(client, lambda nonce: ecp.sign_nonce(user, nonce)) == 429


def test_issue_9_web_ecp_sign_in_is_throttled_per_address(rates):
    client = Client()
    codes = [
        client.post(
            "/ecp-login/",
            {"nonce": "x", "cms": "bm90IGEgQ01T"},
            HTTP_X_FORWARDED_FOR=f"198.51.100.{n}",
        ).status_code
        for n in range(4)
    ]
    assert 429 not in codes[:3]
    assert codes[3] == 429


def test_issue_9_web_ecp_challenges_are_throttled_per_address(rates):
    """Each web challenge stores a row and a session for an anonymous caller: counted per real
    client address with the sign-in attempts (as the API's challenge is), whatever
    X-Forwarded-For says; over the limit 429 with Retry-After and no row."""
    from sotkabinet.signatures.models import SignInNonce

    codes = [
        Client()
        .post("/ecp-login/challenge/", {"purpose": "auth"}, HTTP_X_FORWARDED_FOR=f"198.51.100.{n}")
        .status_code
        for n in range(4)
    ]
    assert codes == [200, 200, 200, 429]
    assert SignInNonce.objects.count() == 3
    refused = Client().post("/ecp-login/challenge/", {"purpose": "register"})
    assert refused.status_code == 429 and int(refused["Retry-After"]) >= 1
    assert refused.json()["error"]["code"] == "throttled"
    other = Client().post("/ecp-login/challenge/", {"purpose": "auth"}, REMOTE_ADDR="203.0.113.7")
    assert other.status_code == 200


def test_issue_9_admin_password_sign_in_is_throttled_per_address_and_login(rates, make_user):
    user = make_user("clerk")
    client = Client()

    def attempt(login: str, **extra) -> int:
        return client.post(
            "/admin/login/", {"username": login, "password": "wrong"}, **extra
        ).status_code

    codes = [attempt(user.login, HTTP_X_FORWARDED_FOR=f"198.51.100.{n}") for n in range(4)]
    assert codes == [200, 200, 200, 429]
    cache.clear()
    rates.update(sign_in="1000/min", sign_in_login="2/min")
    codes = [attempt(user.login, REMOTE_ADDR=f"203.0.113.{n}") for n in range(1, 4)]
    assert codes == [200, 200, 429]


def test_issue_9_a_failing_cache_never_turns_a_throttle_into_a_500(rates, monkeypatch):
    class BrokenCache:
        def get(self, *args, **kwargs):
            raise ConnectionError("cache down")

        def set(self, *args, **kwargs):
            raise ConnectionError("cache down")

    monkeypatch.setattr(SimpleRateThrottle, "cache", BrokenCache())
    monkeypatch.setattr(ScopedRateThrottle, "cache", BrokenCache())
    assert _token_attempt(APIClient(), "900101300017") == 401


# -- the public verification page -------------------------------------------------------------


def _verify_codes(client, count: int, **extra) -> list[int]:
    return [
        client.get("/verify/0000000000000000/?format=json", **extra).status_code
        for _ in range(count)
    ]


def test_issue_9_verify_is_not_one_bucket_behind_a_proxy(settings, monkeypatch):
    monkeypatch.setattr(verify_views, "VERIFY_RATE_PER_MINUTE", 2)
    monkeypatch.setattr(verify_views, "_clock", lambda: 1_800_000_030.0)
    settings.NUM_PROXIES = 1
    client = Client()
    proxy = {"REMOTE_ADDR": "10.0.0.2"}
    assert _verify_codes(client, 3, HTTP_X_FORWARDED_FOR="198.51.100.1", **proxy) == [
        404,
        404,
        429,
    ]
    # Another visitor behind the same proxy has a bucket of its own.
    assert _verify_codes(client, 1, HTTP_X_FORWARDED_FOR="198.51.100.2", **proxy) == [404]


def test_issue_9_verify_ignores_forwarded_for_from_a_direct_client(settings, monkeypatch):
    monkeypatch.setattr(verify_views, "VERIFY_RATE_PER_MINUTE", 2)
    monkeypatch.setattr(verify_views, "_clock", lambda: 1_800_000_030.0)
    settings.NUM_PROXIES = 0
    client = Client()
    codes = [
        client.get(
            "/verify/0000000000000000/?format=json", HTTP_X_FORWARDED_FOR=f"198.51.100.{n}"
        ).status_code
        for n in range(3)
    ]
    assert codes == [404, 404, 429]


def test_issue_9_verify_survives_a_failing_cache(monkeypatch):
    def broken(*args, **kwargs):
        raise ConnectionError("cache down")

    monkeypatch.setattr(verify_views.cache, "add", broken)
    assert _verify_codes(Client(), 1) == [404]


def test_issue_9_audit_log_records_the_real_client_address(settings, rates):
    settings.NUM_PROXIES = 1
    APIClient().post(
        "/api/v1/auth/token/",
        {"login": "900101300017", "password": "wrong"},
        format="json",
        REMOTE_ADDR="10.0.0.2",
        HTTP_X_FORWARDED_FOR="6.6.6.6, 198.51.100.9",
    )
    row = AuditLog.objects.filter(action="account.sign_in_failed").latest("pk")
    assert row.ip == "198.51.100.9"


# -- API tokens ----------------------------------------------------------------------------


def _me(token: str) -> object:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client.get("/api/v1/me/")


def _sign_in(user) -> str:
    response = APIClient().post(
        "/api/v1/auth/token/",
        {"login": user.login, "password": "Str0ng-Passw0rd!"},
        format="json",
    )
    assert response.status_code == 200
    return response.json()["token"]


def test_issue_9_api_tokens_expire(make_user, settings):
    settings.API_TOKEN_TTL_DAYS = 30
    user = make_user("applicant")
    key = _sign_in(user)
    assert _me(key).status_code == 200
    Token.objects.filter(key=key).update(created=Token.objects.get(key=key).created - timedelta(31))
    expired = _me(key)
    assert expired.status_code == 401
    assert expired.json()["error"]["code"] == "not_authenticated"
    fresh = _sign_in(user)
    assert fresh != key
    assert _me(fresh).status_code == 200


def test_issue_9_a_password_change_revokes_the_users_tokens(make_user):
    user = make_user("applicant")
    other = make_user("applicant")
    key, other_key = _sign_in(user), _sign_in(other)
    user.set_password("An0ther-Passw0rd!")
    user.save()
    assert _me(key).status_code == 401
    assert not Token.objects.filter(user=user).exists()
    assert _me(other_key).status_code == 200
    # Saving other fields keeps the token.
    other.full_name = "Renamed"
    other.save()
    assert _me(other_key).status_code == 200


def test_issue_9_admin_password_form_revokes_tokens(make_user):
    user = make_user("applicant")
    key = _sign_in(user)
    admin = make_user("applicant", is_staff=True, is_superuser=True)
    browser = Client()
    browser.force_login(admin)
    response = browser.post(
        f"/admin/accounts/user/{user.pk}/password/",
        {"password1": "Adm1n-Chosen-Pass!", "password2": "Adm1n-Chosen-Pass!"},
    )
    assert response.status_code == 302
    assert _me(key).status_code == 401


def test_issue_9_create_user_command_revokes_tokens(make_user, court):
    user = make_user("clerk", court=court)
    key = _sign_in(user)
    call_command(
        "create_user",
        "--login",
        user.login,
        "--password",
        "C0mmand-Chosen-Pass!",
        "--role",
        "clerk",
        "--court",
        court.code,
        verbosity=0,
    )
    assert _me(key).status_code == 401


def test_issue_9_the_admins_own_password_change_page_revokes_their_tokens(make_user):
    """The other web path that changes a password: the admin's "Change password" page for the
    signed-in staff user (the portal has no self-service reset). The old token dies with it."""
    staff = make_user("applicant", is_staff=True, is_superuser=True)
    key = _sign_in(staff)
    browser = Client()
    browser.force_login(staff)
    response = browser.post(
        "/admin/password_change/",
        {
            "old_password": "Str0ng-Passw0rd!",
            "new_password1": "Own-Chosen-Passw0rd!",
            "new_password2": "Own-Chosen-Passw0rd!",
        },
    )
    assert (response.status_code, response["Location"]) == (302, "/admin/password_change/done/")
    assert _me(key).status_code == 401
    assert _sign_in_with(staff, "Own-Chosen-Passw0rd!") != key


def _sign_in_with(user, password: str) -> str:
    response = APIClient().post(
        "/api/v1/auth/token/", {"login": user.login, "password": password}, format="json"
    )
    assert response.status_code == 200
    return response.json()["token"]
