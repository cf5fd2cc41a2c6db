"""Bad input gets a stable code, never a 500 (docs/conventions.md)."""

import pytest

pytestmark = pytest.mark.django_db


def test_oversized_json_body_is_413_too_large(make_user, client_for, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    response = client_for(make_user()).post(
        "/api/v1/signatures/verify/", {"cms": "A" * 20_000}, format="json"
    )
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "too_large"


def test_unknown_api_path_is_the_json_envelope(make_user, client_for):
    response = client_for(make_user()).get("/api/v1/no-such-thing/")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_malformed_json_is_400(make_user, client_for):
    response = client_for(make_user()).post(
        "/api/v1/filings/", data="{not json", content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "malformed_request"
