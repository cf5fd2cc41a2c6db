"""Fixtures for the signatures tests."""

from __future__ import annotations

import pytest

from conftest import make_identity_number


@pytest.fixture
def make_user(make_user):
    """The root `make_user`, with a 12-digit login from an 8-digit prefix.

    The root factory's own prefixes are 7 digits long, which yields 11-digit numbers.
    """

    def factory(role: str = "applicant", court=None, kind: str = "individual", **fields):
        if "login" not in fields:
            fields["login"] = make_identity_number(
                "07010140" if kind == "legal_entity" else "90010130"
            )
        return make_user(role, court, kind, **fields)

    return factory
