"""The OpenAPI schema of the filing endpoints (docs/api.md: served at /api/schema/, validated)."""

from __future__ import annotations

import json

import pytest
from django.urls import URLPattern, include, path
from drf_spectacular.drainage import GENERATOR_STATS
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.validation import validate_schema

from filings.api import urls as filing_urls

OUR_PATHS = {
    "/api/v1/filings/",
    "/api/v1/filings/{id}/",
    "/api/v1/filings/{id}/attachments/",
    "/api/v1/filings/{id}/attachments/{attachment_pk}/",
    "/api/v1/filings/{id}/signing-payload/",
    "/api/v1/filings/{id}/submit/",
    "/api/v1/filings/{id}/talon.pdf",
    "/api/v1/notifications/",
    "/api/v1/notifications/{id}/",
}


def test_filing_endpoints_generate_a_valid_schema_without_warnings():
    """Only this area's views (the duty and power views included from here have their own
    owner): no generator warning or error, and the document validates as OpenAPI 3."""
    ours = [pattern for pattern in filing_urls.urlpatterns if isinstance(pattern, URLPattern)]
    GENERATOR_STATS.reset()
    schema = SchemaGenerator(patterns=[path("api/v1/", include((ours, "filings")))]).get_schema(
        request=None, public=True
    )
    problems = dict(GENERATOR_STATS._warn_cache) | dict(GENERATOR_STATS._error_cache)
    assert problems == {}
    validate_schema(schema)
    assert set(schema["paths"]) == OUR_PATHS
    filing = schema["components"]["schemas"]["Filing"]["properties"]
    for field in ("number", "talon", "signature", "duty", "acting_for", "case", "history"):
        assert field in filing
    submit = schema["paths"]["/api/v1/filings/{id}/submit/"]["post"]
    assert "202" in submit["responses"]


@pytest.mark.django_db
def test_the_served_schema_lists_the_filing_paths(client):
    response = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    served = json.loads(response.content)
    validate_schema(served)
    assert set(served["paths"]) >= OUR_PATHS
