"""Answers for infrastructure faults (issue 10 "Faults"; README "Faults").

- A lost database connection (cut, restarted or unreachable server) answers 503 with
  `Retry-After` and the error envelope (code `service_unavailable`), for the API and the
  web pages alike, never a bare 500 with a traceback. Only connection-level errors count: a
  SQLite "database is locked" or a missing table is a real error and stays a 500.
- `Retry-After` values are kept away from gunicorn's keep-alive timeout: a client that waits
  exactly as long as the keep-alive before reusing its idle connection races the server closing
  it, and gets a connection reset.
"""

from __future__ import annotations

import logging
import math
import sys

from django.conf import settings
from django.db import InterfaceError, OperationalError, connections
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string

from sotkabinet.errors import MESSAGES, envelope

logger = logging.getLogger(__name__)

# Seconds a client is asked to wait after a lost database connection: long enough for a
# restarted server or a failover, and clear of the keep-alive (see `retry_after`).
DATABASE_RETRY_AFTER_SECONDS = 10
# A Retry-After closer than this to the keep-alive timeout is moved past it.
KEEPALIVE_MARGIN_SECONDS = 2

# SQLSTATE class 08 (connection exception) and the shutdown codes a terminated backend reports:
# 57P01 admin_shutdown (pg_terminate_backend, a fast shutdown), 57P02 crash_shutdown,
# 57P03 cannot_connect_now (starting up or in recovery).
_LOST_SQLSTATE_CLASS = "08"
_LOST_SQLSTATES = frozenset({"57P01", "57P02", "57P03"})


def retry_after(seconds: float) -> str:
    """A `Retry-After` value: whole seconds, at least 1, never within the keep-alive margin.

    gunicorn closes a connection idle for GUNICORN_KEEPALIVE seconds; a poll that comes back
    at that very moment is reset (issue 10: 7 % of requests after 2.0-2.2 s idle against the old
    2 s keep-alive and the talon's `Retry-After: 2`). A value near the keep-alive is moved past
    it, where the client sees the connection closed well before it reuses it.
    """
    keepalive = settings.GUNICORN_KEEPALIVE
    value = max(1, math.ceil(seconds))
    if abs(value - keepalive) < KEEPALIVE_MARGIN_SECONDS:
        value = keepalive + KEEPALIVE_MARGIN_SECONDS
    return str(value)


def database_connection_lost(exc: BaseException) -> bool:
    """True when `exc` means the database connection is gone, not that a query failed."""
    if isinstance(exc, InterfaceError):  # "connection already closed"
        return True
    if not isinstance(exc, OperationalError):
        return False
    cause = exc.__cause__ if exc.__cause__ is not None else exc
    sqlstate = getattr(cause, "sqlstate", None) or getattr(cause, "pgcode", None)
    if sqlstate:
        return sqlstate.startswith(_LOST_SQLSTATE_CLASS) or sqlstate in _LOST_SQLSTATES
    # No SQLSTATE ("server closed the connection unexpectedly", "connection failed"): lost when
    # the driver now reports its connection closed (psycopg marks it), or it never opened.
    for connection in connections.all(initialized_only=True):
        raw = connection.connection
        if raw is None or getattr(raw, "closed", False):
            return True
    return False


def _wants_json(request: HttpRequest) -> bool:
    if request.path.startswith("/api/"):
        return True
    return request.get_preferred_type(["text/html", "application/json"]) == "application/json"


def service_unavailable(request: HttpRequest) -> HttpResponse:
    """503 with Retry-After: the envelope for the API and JSON clients, a page for people.

    Rendered without the request context: the context processors read the database.
    """
    message = MESSAGES["service_unavailable"]
    if _wants_json(request):
        response: HttpResponse = JsonResponse(envelope("service_unavailable", message), status=503)
    else:
        response = HttpResponse(
            render_to_string("503.html", {"message": message}),
            status=503,
            content_type="text/html; charset=utf-8",
        )
    response["Retry-After"] = retry_after(DATABASE_RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


def log_lost_connection(request: HttpRequest, exc: BaseException) -> None:
    logger.error(
        "Database connection lost during %s %s: answered 503 (%s)",
        request.method,
        request.path,
        exc,
        exc_info=(type(exc), exc, exc.__traceback__),
    )


def lost_connection_response(request: HttpRequest, exc: BaseException) -> HttpResponse | None:
    """503 for a lost database connection, else None (the caller handles `exc` as before)."""
    if not database_connection_lost(exc):
        return None
    log_lost_connection(request, exc)
    return service_unavailable(request)


class DatabaseUnavailableMiddleware:
    """A lost database connection in a view answers 503 (DEBUG or not), never a traceback.

    Errors raised outside views (another middleware) reach handler500, which does the same
    (sotkabinet.core.views.server_error); DRF views answer through sotkabinet.errors.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        return lost_connection_response(request, exception)


def current_lost_connection() -> BaseException | None:
    """The exception being handled, when it is a lost database connection (for handler500)."""
    exc = sys.exception()
    return exc if exc is not None and database_connection_lost(exc) else None


HEALTH_PATHS = frozenset({"/healthz", "/healthz/"})


class HealthCheckMiddleware:
    """GET /healthz: 200 `{"status": "ok"}` while this web process serves requests.

    First in MIDDLEWARE, so the container's own probe (http://127.0.0.1:8000/healthz) needs no
    allowed host and no HTTPS redirect. Liveness only: it reads neither the database nor the
    cache (they have their own health checks), so their outage does not restart the web, and
    it writes nothing.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path in HEALTH_PATHS and request.method in ("GET", "HEAD"):
            response = JsonResponse({"status": "ok"})
            response["Cache-Control"] = "no-store"
            return response
        return self.get_response(request)
