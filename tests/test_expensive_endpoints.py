"""Issue 9, "Expensive endpoints are bounded": `signatures/verify/` caps `data` and the number of
signers; archive `verify`, the act PDF and the archive paper copy are throttled per caller."""

from __future__ import annotations

import base64

import pytest
from django.core.cache import cache
from rest_framework.throttling import ScopedRateThrottle, SimpleRateThrottle

from sotkabinet.ecp.pki.signing import sign_cms
from sotkabinet.signatures import services

pytestmark = pytest.mark.django_db

VERIFY = "/api/v1/signatures/verify/"


@pytest.fixture(autouse=True)
def fresh_buckets():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def caller(make_user, client_for):
    return client_for(make_user())


def _cms(ecp, users, payload: bytes) -> str:
    people = [ecp.person(user) for user in users]
    return base64.b64encode(sign_cms(payload, people, detached=True)).decode()


def test_issue_9_verify_refuses_data_over_one_mebibyte(caller, ecp, make_user):
    payload = b"x" * (services.VERIFY_MAX_DATA_BYTES + 1)
    cms = _cms(ecp, [make_user()], b"small")
    response = caller.post(
        VERIFY, {"cms": cms, "data": base64.b64encode(payload).decode()}, format="json"
    )
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "too_large"
    assert response.json()["error"]["details"] == {"max_bytes": 1024 * 1024}


def test_issue_9_verify_takes_one_mebibyte_exactly(caller, ecp, make_user):
    payload = b"x" * services.VERIFY_MAX_DATA_BYTES
    signer = make_user()
    cms = _cms(ecp, [signer], payload)
    response = caller.post(
        VERIFY, {"cms": cms, "data": base64.b64encode(payload).decode()}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["valid"] is True


def test_issue_9_verify_caps_the_content_of_an_attached_cms_too(caller, ecp, make_user):
    """The 1 MiB cap is not bypassed by carrying the document inside the CMS instead of `data`."""
    signer = ecp.person(make_user())
    big = base64.b64encode(
        sign_cms(b"x" * (services.VERIFY_MAX_DATA_BYTES + 1), [signer], detached=False)
    ).decode()
    response = caller.post(VERIFY, {"cms": big}, format="json")
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "too_large"
    assert response.json()["error"]["details"] == {"max_bytes": 1024 * 1024}
    exact = base64.b64encode(
        sign_cms(b"x" * services.VERIFY_MAX_DATA_BYTES, [signer], detached=False)
    ).decode()
    response = caller.post(VERIFY, {"cms": exact}, format="json")
    assert response.status_code == 200
    assert response.json()["valid"] is True


def test_issue_9_verify_refuses_more_than_four_signers(caller, ecp, make_user):
    payload = b"a document"
    data = base64.b64encode(payload).decode()
    users = [make_user() for _ in range(5)]
    response = caller.post(VERIFY, {"cms": _cms(ecp, users, payload), "data": data}, format="json")
    assert response.status_code == 400
    body = response.json()["error"]
    assert body["code"] == "too_many_signers"
    assert body["details"] == {"max_signers": 4, "signers": 5}
    four = caller.post(VERIFY, {"cms": _cms(ecp, users[:4], payload), "data": data}, format="json")
    assert four.status_code == 200
    assert len(four.json()["signers"]) == 4


def test_issue_9_too_many_signers_has_a_message_in_every_language():
    from django.utils import translation

    from sotkabinet.errors import MESSAGES

    texts = set()
    for language in ("kk", "ru", "en"):
        with translation.override(language):
            texts.add(str(MESSAGES["too_many_signers"]))
    assert len(texts) == 3


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/archive/999999/verify/",
        "/api/v1/archive/999999/paper-copy.pdf",
        "/api/v1/acts/999999/pdf/",
    ],
)
def test_issue_9_expensive_reads_are_throttled_per_caller(path, make_user, client_for, monkeypatch):
    rates = {"archive_verify": "2/min", "printable_copy": "2/min"}
    # Both classes: another test may have left its own attribute on ScopedRateThrottle.
    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", rates)
    monkeypatch.setattr(ScopedRateThrottle, "THROTTLE_RATES", rates)
    first = client_for(make_user())
    codes = [first.get(path).status_code for _ in range(3)]
    assert codes[:2] == [404, 404]
    assert codes[2] == 429
    # Another caller has a bucket of its own.
    assert client_for(make_user()).get(path).status_code == 404
