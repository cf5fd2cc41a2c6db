"""docs/api.md is the REST reference generated from the OpenAPI schema (issue 11 "Habits of a
house people join"): it must match the API as it is now, and the generator must write what a
reader needs (path, method, summary, auth, parameters, bodies, error codes, schema fields)."""

from __future__ import annotations

from sotkabinet import apidocs


def test_docs_api_md_matches_the_schema():
    # issue 11: CI catches drift between the API and its reference.
    current = apidocs.DOC_PATH.read_text(encoding="utf-8")
    assert current == apidocs.generate(), "docs/api.md is stale: run `make api-docs` and commit it."


def test_check_fails_on_a_stale_file_and_passes_on_a_fresh_one(tmp_path, monkeypatch):
    # issue 11: `make lint` runs `--check`; a stale reference must give a non-zero exit.
    stale = tmp_path / "api.md"
    stale.write_text("# an older reference\n", encoding="utf-8")
    monkeypatch.setattr(apidocs, "DOC_PATH", stale)
    assert apidocs.main(["--check"]) == 1
    assert apidocs.main(["--write"]) == 0
    assert apidocs.main(["--check"]) == 0
    assert stale.read_text(encoding="utf-8") == apidocs.generate()


SCHEMA = {
    "paths": {
        "/api/v1/things/{id}/": {
            "post": {
                "description": "Do the thing (R-FIL-4). A bad one: 409 `thing_conflict`.\n\nMore.",
                "parameters": [
                    {"in": "path", "name": "id", "schema": {"type": "integer"}, "required": True},
                    {
                        "in": "query",
                        "name": "when",
                        "schema": {"type": "string"},
                        "description": "A day",
                    },
                ],
                "requestBody": {
                    "content": {
                        "multipart/form-data": {"schema": {"$ref": "#/components/schemas/ThingIn"}},
                        "application/json": {"schema": {"$ref": "#/components/schemas/ThingIn"}},
                    }
                },
                "security": [{"tokenAuth": []}],
                "responses": {
                    "201": {
                        "content": {
                            "application/json": {"schema": {"$ref": "#/components/schemas/Thing"}}
                        }
                    },
                    "413": {"description": "too_large"},
                },
            }
        },
        "/api/v1/open/": {
            "get": {"summary": "Open to all", "security": [{}], "responses": {"204": {}}}
        },
    },
    "components": {
        "schemas": {
            "Thing": {
                "type": "object",
                "description": "A thing.",
                "properties": {
                    "id": {"type": "integer", "readOnly": True},
                    "tags": {"type": "array", "items": {"type": "string"}},
                    "when": {
                        "type": "string",
                        "format": "date",
                        "nullable": True,
                        "description": "Its day.",
                    },
                },
                "required": ["id"],
            },
            "ThingIn": {"type": "object", "properties": {"name": {"type": "string"}}},
        }
    },
}


def test_render_writes_each_operation_and_schema():
    text = apidocs.render(SCHEMA, known_codes={"thing_conflict", "too_large", "other"})
    assert "## things" in text and "## open" in text
    assert "### `POST /api/v1/things/{id}/`" in text
    assert "Do the thing (R-FIL-4). A bad one: 409 `thing_conflict`." in text
    assert "More." not in text  # the summary is the first paragraph only
    assert "- Auth: token" in text
    assert "  - `id` (path, integer, required)" in text
    assert "  - `when` (query, string): A day" in text
    assert "- Request: [ThingIn](#thingin) (application/json, multipart/form-data)" in text
    assert "- 201: [Thing](#thing) (application/json)" in text
    assert "- Errors: 413 `too_large`, `thing_conflict`" in text
    assert "### `GET /api/v1/open/`\n\nOpen to all\n\n- Auth: public\n- 204: no body" in text
    assert "| `id` | integer | required; read-only |" in text
    assert "| `tags` | array of string |  |" in text
    assert "| `when` | string (date) or null | Its day. |" in text
