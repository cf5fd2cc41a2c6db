"""Project-wide pytest fixtures: courts, users for every role, an API client, the test PKI."""

from __future__ import annotations

import itertools

import pytest

from sotkabinet.accounts.identity import control_digit

pytest_plugins = ["sotkabinet.signatures.testing"]

_serial = itertools.count(1)


def make_identity_number(prefix: str = "90010130") -> str:
    """A fresh 12-digit ИИН/БИН with a valid control digit (tests only).

    `prefix` (up to 8 digits) is completed by a per-process serial to 11 digits, then the
    official control digit is appended; serials without a valid control digit are skipped.
    """
    width = 11 - len(prefix)
    if not 3 <= width <= 11 or not prefix.isdigit():
        raise ValueError("prefix must be 0-8 digits")
    while True:
        body = f"{prefix}{next(_serial) % 10**width:0{width}d}"
        digit = control_digit(body)
        if digit is not None:
            return body + str(digit)


def new_login(kind: str = "individual") -> str:
    """A fresh login of that kind: an ИИН-shaped or a БИН-shaped number (tests only)."""
    return make_identity_number("0701014" if kind == "legal_entity" else "9001013")


@pytest.fixture
def district(db):
    from sotkabinet.courts.models import District

    return District.objects.create(code="ALM-BOST", name="Бостандық ауданы", region="Алматы")


@pytest.fixture
def court(db, district):
    from sotkabinet.courts.models import Court

    return Court.objects.create(
        code="ALM-SMAS",
        name="Алматы қаласының мамандандырылған ауданаралық экономикалық соты",
        instance=Court.Instance.FIRST,
        region="Алматы",
        district=district,
        timezone="Asia/Almaty",
    )


@pytest.fixture
def other_court(db, district):
    from sotkabinet.courts.models import Court

    return Court.objects.create(
        code="AKT-CIV",
        name="Ақтөбе қалалық соты",
        instance=Court.Instance.FIRST,
        region="Ақтөбе",
        district=district,
        timezone="Asia/Aqtobe",
    )


@pytest.fixture
def make_user(db):
    from sotkabinet.accounts.access import grant_role
    from sotkabinet.accounts.models import User

    def factory(role: str = "applicant", court=None, kind: str = "individual", **fields):
        login = fields.pop("login", None) or new_login(kind)
        fields.setdefault("full_name", f"Тест Қолданушы {login}")
        fields.setdefault("email", f"{login}@example.kz")
        user = User.objects.create_user(login, "Str0ng-Passw0rd!", kind=kind, **fields)
        grant_role(user, role, court)
        return user

    return factory


@pytest.fixture
def api_client():
    from rest_framework.test import APIClient

    return APIClient()


@pytest.fixture
def client_for():
    """An API client authenticated with the user's token."""
    from rest_framework.authtoken.models import Token
    from rest_framework.test import APIClient

    def factory(user):
        client = APIClient()
        token, _created = Token.objects.get_or_create(user=user)
        client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
        return client

    return factory
