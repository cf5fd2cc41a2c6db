"""The OpenAPI schema of the archive endpoints (docs/api.md: served at /api/schema/, validated)."""

from __future__ import annotations

from django.urls import include, path
from drf_spectacular.drainage import GENERATOR_STATS
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.validation import validate_schema

from archive.api import urls as archive_urls

OUR_PATHS = {
    "/api/v1/cases/{id}/inventory/",
    "/api/v1/cases/{id}/archive/",
    "/api/v1/archive/",
    "/api/v1/archive/due/",
    "/api/v1/archive/disposal-candidates/",
    "/api/v1/archive/{id}/",
    "/api/v1/archive/{id}/verify/",
    "/api/v1/archive/{id}/paper-copy.pdf",
    "/api/v1/archive/{id}/export.zip",
    "/api/v1/archive/{id}/items/{item_id}/",
    "/api/v1/archive/{id}/disposal/",
}


def test_archive_endpoints_generate_a_valid_schema_without_warnings():
    GENERATOR_STATS.reset()
    schema = SchemaGenerator(
        patterns=[path("api/v1/", include((archive_urls.urlpatterns, "archive")))]
    ).get_schema(request=None, public=True)
    problems = dict(GENERATOR_STATS._warn_cache) | dict(GENERATOR_STATS._error_cache)
    assert problems == {}
    validate_schema(schema)
    assert set(schema["paths"]) == OUR_PATHS
