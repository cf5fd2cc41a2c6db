"""The authorisation matrix (issue 9 "The matrix that keeps it fixed").

Every route of the URL resolver × every role, against one world of real objects, built once
for the module (tests/access_world.py) and rolled back afterwards; each cell runs in its own
savepoint, so a cell that changes something (a revoke, a sign-out) leaves the next cell the
same world. The expected answers are the data of tests/access_matrix.py, grouped by rule;
README "Authorisation matrix" is generated from it.
"""

from __future__ import annotations

import io
import logging
import re
from pathlib import Path

import pytest
from django.core.signals import request_finished
from django.db import close_old_connections, transaction

from sotkabinet.documents.samples import pdf_bytes
from tests.access_matrix import (
    ADMIN_PREFIX,
    ADMIN_SIGN_IN,
    ENTRIES,
    HIDDEN,
    OK,
    PDF,
    ROLES,
    RULES,
    SIGN_IN,
    Entry,
)

# One worker builds the world once (`make test` runs with --dist loadgroup).
pytestmark = pytest.mark.xdist_group(name="access-matrix")

SIGN_IN_PATH = "/accounts/sign-in/"
ADMIN_SIGN_IN_PATH = "/admin/login/"
ADMIN_INDEX_PATH = "/admin/"
_PARAMETER = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>[^>]+)>")


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, ecp_pki):
    """The world, in a transaction of its own that is rolled back after the module."""
    from sotkabinet.signatures.services import bump_trust_version
    from sotkabinet.signatures.testing import trust_test_pki
    from tests.access_world import build_world

    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            yield build_world(trust_test_pki(ecp_pki))
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
            bump_trust_version()


@pytest.fixture(scope="module", autouse=True)
def quiet_request_log():
    """Thousands of expected 401/403/404 answers: keep django.request's warnings out."""
    logger = logging.getLogger("django.request")
    level = logger.level
    logger.setLevel(logging.ERROR)
    yield
    logger.setLevel(level)


@pytest.fixture(scope="module", autouse=True)
def verify_page_uncounted():
    """The matrix asks who may open /verify/, not how often (its throttle has its own tests):
    its visits are not counted, so they eat no other test's per-minute budget."""
    from registry import verify_views

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(verify_views, "_throttled", lambda request: None)
        yield


@pytest.fixture(scope="module", autouse=True)
def rendered_once():
    """The OpenAPI schema and the archive's paper copy are the same bytes for every caller who
    may have them: render each once for the module (the matrix tests who gets them)."""
    from functools import cache

    from django.utils import translation
    from drf_spectacular.generators import SchemaGenerator

    from archive import export

    schema = SchemaGenerator.get_schema
    paper_copy = export.paper_copy_pdf

    @cache
    def schema_for(language, public):
        return schema(SchemaGenerator(), request=None, public=public)

    @cache
    def paper_copy_for(transfer_id, language):
        from archive.models import ArchiveTransfer

        return paper_copy(ArchiveTransfer.objects.get(pk=transfer_id), language=language)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(
            SchemaGenerator,
            "get_schema",
            lambda self, request=None, public=False: schema_for(translation.get_language(), public),
        )
        patch.setattr(
            export,
            "paper_copy_pdf",
            lambda transfer, *, language="kk": paper_copy_for(transfer.pk, language),
        )
        yield


def path_of(entry: Entry, world) -> str:
    def value(match: re.Match) -> str:
        source = entry.kwargs[match.group("name")]
        return str(world.kwargs.get(source, source))

    path = "/" + _PARAMETER.sub(value, entry.route)
    return f"{path}?{entry.query}" if entry.query else path


def outcome(response) -> str:
    """The cell's answer, in the matrix's words."""
    status = response.status_code
    if status in (301, 302, 303):
        location = response["Location"]
        if location.startswith(SIGN_IN_PATH):
            return SIGN_IN
        if location.startswith(ADMIN_SIGN_IN_PATH):
            return ADMIN_SIGN_IN
        if location == ADMIN_INDEX_PATH and response.request["PATH_INFO"] != ADMIN_INDEX_PATH:
            return HIDDEN  # the admin's "… does not exist" for an object it will not show
        return OK
    if status in (401, 403, 404, 405):
        return str(status)
    if status >= 500:
        return str(status)
    return OK


def body_of(entry: Entry) -> tuple[dict | None, bool]:
    """The request body, and whether it goes as multipart (it carries a file)."""
    if entry.body is None:
        return None, False
    body, multipart = {}, False
    for key, value in entry.body.items():
        if value == PDF:
            upload = io.BytesIO(pdf_bytes(text="Матрица"))
            upload.name = "matrix.pdf"
            body[key], multipart = upload, True
        else:
            body[key] = value
    return body, multipart


def call(world, entry: Entry, role: str):
    path = path_of(entry, world)
    body, multipart = body_of(entry)
    method = entry.method.lower()
    if entry.web:
        client = world.web_client(role)
        if method == "get":
            return client.get(path)
        return getattr(client, method)(path, body or {})
    client = world.api_client(role)
    if body is None:
        return getattr(client, method)(path)
    return getattr(client, method)(path, body, format="multipart" if multipart else "json")


def close_quietly(response) -> None:
    """Close a response (its file handles) the way Django's test client does: without sending
    request_finished to close_old_connections, which on PostgreSQL would close the connection
    that holds the world's transaction."""
    request_finished.disconnect(close_old_connections)
    try:
        response.close()
    finally:
        request_finished.connect(close_old_connections)


def answers(world, entry: Entry) -> dict[str, tuple[str, int, bytes]]:
    """Every role's answer to `entry`, each request in a savepoint that is rolled back."""
    result = {}
    for role in ROLES:
        with transaction.atomic():
            response = call(world, entry, role)
            content = b"" if response.streaming else response.content[:200]
            result[role] = (outcome(response), response.status_code, content)
            close_quietly(response)
            transaction.set_rollback(True)
    return result


@pytest.mark.parametrize("entry", ENTRIES, ids=[entry.id for entry in ENTRIES])
def test_access_matrix(world, db, entry: Entry):
    """issue 9: the route answers every role as its rule says (tests/access_matrix.py)."""
    rule = RULES[entry.rule]
    wrong = [
        f"  {ROLES[role]}: got {got} (HTTP {status}), expected {rule.expect(role, entry.web)}"
        f" {content!r}"
        for role, (got, status, content) in answers(world, entry).items()
        if got != rule.expect(role, entry.web)
    ]
    assert not wrong, (
        f"{entry.method} {path_of(entry, world)}, rule '{entry.rule}' ({rule.title}):\n"
        + "\n".join(wrong)
    )


def project_routes() -> dict[str, object]:
    """Every route of the URL resolver, as its pattern text, with its view."""
    from django.urls import URLResolver, get_resolver

    routes = {}

    def walk(patterns, prefix: str) -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, prefix + str(pattern.pattern))
            else:
                routes[prefix + str(pattern.pattern)] = pattern.callback

    walk(get_resolver().url_patterns, "")
    return routes


def test_every_route_is_in_the_matrix():
    """issue 9: a new route without an entry in tests/access_matrix.py fails here. The Django
    admin's generic pages (Django's own views) are covered by representative entries; the
    portal's own admin views (the clerk's desk, the chamber's report) are listed one by one."""
    routes = project_routes()
    listed = {entry.route for entry in ENTRIES}
    missing = sorted(
        route
        for route, view in routes.items()
        if route not in listed
        and not (route.startswith(ADMIN_PREFIX) and view.__module__.startswith("django."))
    )
    assert not missing, (
        "Routes without an entry in the authorisation matrix: add them to ENTRIES in "
        "tests/access_matrix.py with the rule they follow (README 'Authorisation matrix'):\n"
        + "\n".join(f"  /{route}" for route in missing)
    )
    stale = sorted(route for route in listed if route not in routes)
    assert not stale, f"Matrix entries for routes that no longer exist: {stale}"
    assert {e.route for e in ENTRIES if e.route.startswith(ADMIN_PREFIX)}, "no admin entries"


def test_every_method_of_an_api_view_is_in_the_matrix():
    """issue 9: each method a REST view implements has its own entry (a new PATCH or DELETE
    on an existing route is a new door)."""
    listed = {(entry.route, entry.method) for entry in ENTRIES}
    missing = []
    for route, view in project_routes().items():
        view_class = getattr(view, "cls", None)
        if view_class is None or not route.startswith("api/v1/"):
            continue
        for method in ("get", "post", "put", "patch", "delete"):
            if hasattr(view_class, method) and (route, method.upper()) not in listed:
                missing.append(f"  {method.upper()} /{route}")
    assert not missing, "REST methods without a matrix entry:\n" + "\n".join(missing)


def test_methods_that_do_not_apply_answer_405(world, db):
    """issue 9, docs/conventions.md: a method a REST route does not implement is 405 for a
    signed-in caller (the enforcement system's own routes refuse a person's token first, 403)."""
    views = project_routes()
    wrong = []
    first = {}
    for entry in ENTRIES:
        first.setdefault(entry.route, entry)
    for entry in (e for e in first.values() if not e.web):
        view_class = getattr(views[entry.route], "cls", None)
        if view_class is None:
            continue
        method = next(m for m in ("put", "delete", "patch", "post") if not hasattr(view_class, m))
        expected = 403 if entry.rule == "service" else 405
        with transaction.atomic():
            response = getattr(world.api_client("applicant_a"), method)(path_of(entry, world))
            transaction.set_rollback(True)
        if response.status_code != expected:
            wrong.append(
                f"  {method.upper()} {entry.route}: {response.status_code}, not {expected}"
            )
    assert not wrong, "\n".join(wrong)


def test_readme_shows_the_generated_matrix():
    """README "Authorisation matrix" is the table generated from this data: regenerate it with
    `make access-matrix` after changing tests/access_matrix.py."""
    from tests.access_matrix import readme_with_table

    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    assert readme == readme_with_table(readme), "README matrix is stale: run `make access-matrix`"


#: Lists and the detail rule of the objects they may show: (list path, world object, rule).
LISTS = [
    ("/api/v1/filings/", "draft_filing", "draft"),
    ("/api/v1/filings/", "queued_filing", "filing-read"),
    ("/api/v1/writs/", "writ", "writ-read"),
    ("/api/v1/archive/", "archive", "archive-read"),
    ("/api/v1/powers/", "power", "power-read"),
    ("/api/v1/notifications/", "notification", "draft"),  # A's own notice: A only
]


def test_lists_show_no_object_its_detail_would_hide(world, db):
    """issue 9: a list never shows a role an object that the object's own rule hides from it
    (a list may show less: "My cases" holds the caller's own filings only)."""
    leaks, unseen = [], []
    for path, name, rule_name in LISTS:
        rule = RULES[rule_name]
        seen = False
        for role in ROLES:
            if role == "anonymous":
                continue
            with transaction.atomic():
                response = world.api_client(role).get(path, {"page_size": 500})
                transaction.set_rollback(True)
            assert response.status_code == 200, (path, role, response.status_code)
            ids = {row.get("id") for row in response.json()["results"]}
            seen = seen or world.kwargs[name] in ids
            if world.kwargs[name] in ids and rule.expect(role, web=False) != OK:
                leaks.append(f"  {path} shows {name} to {ROLES[role]} (rule '{rule_name}')")
        if not seen:
            unseen.append(f"  {path} shows {name} to no one")
    assert not leaks, "\n".join(leaks)
    assert not unseen, "\n".join(unseen)  # the check above looked at real rows
