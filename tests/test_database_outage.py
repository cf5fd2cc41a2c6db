"""A lost database connection answers 503 with Retry-After and the error envelope (issue 10
"Faults": "when a database connection is cut mid-request, the request answers 500 with a
traceback").

GIVEN a request whose database connection is cut after its first query (on PostgreSQL the
      server terminates the backend with pg_terminate_backend; on SQLite the cursor raises what
      psycopg raises for a terminated backend, SQLSTATE 57P01)
WHEN the API or a web page is asked
THEN the answer is 503, `Retry-After`, code `service_unavailable` in the request's language,
     no traceback; the next request reconnects; an error that is not a lost connection
     (SQLite "database is locked") stays a 500.
"""

from __future__ import annotations

import contextlib
import sys

import psycopg
import pytest
from django.db import InterfaceError, OperationalError, close_old_connections, connection
from django.test import Client, RequestFactory

from sotkabinet import faults
from sotkabinet.core.views import server_error

pytestmark = pytest.mark.django_db(transaction=True)


def _terminate_backend() -> None:
    """PostgreSQL: the server ends this connection's backend, as a restart or a cut would."""
    connection.ensure_connection()
    pid = connection.connection.info.backend_pid
    params = connection.settings_dict
    with psycopg.connect(
        dbname=params["NAME"],
        user=params["USER"] or None,
        password=params["PASSWORD"] or None,
        host=params["HOST"] or None,
        port=params["PORT"] or None,
        autocommit=True,
    ) as other:
        other.execute("SELECT pg_terminate_backend(%s)", [pid])


def as_django_raises(error: BaseException) -> BaseException:
    """The exception Django raises for a driver's `error` (DatabaseErrorWrapper's mapping)."""
    if isinstance(error, psycopg.Error):
        django_type = InterfaceError if isinstance(error, psycopg.InterfaceError) else None
        django_type = django_type or OperationalError
        connection.errors_occurred = True
        try:
            raise django_type(*error.args) from error
        except django_type as exc:
            return exc
    return error


@contextlib.contextmanager
def cut_after_first_query(error: BaseException | None = None):
    """Cut the connection after the request's first query (once; the next request reconnects)."""
    state = {"queries": 0, "cut": False}

    def wrapper(execute, sql, params, many, context):
        state["queries"] += 1
        if state["queries"] == 2 and not state["cut"]:
            state["cut"] = True
            if connection.vendor == "postgresql" and error is None:
                _terminate_backend()
            else:
                raise as_django_raises(
                    error
                    or psycopg.errors.AdminShutdown(
                        "terminating connection due to administrator command"
                    )
                )
        return execute(sql, params, many, context)

    with connection.execute_wrapper(wrapper):
        yield state


@pytest.fixture
def signed_in(make_user, client_for):
    user = make_user("applicant")
    return user, client_for(user)


def test_an_api_request_whose_connection_is_cut_answers_503_with_the_envelope(signed_in):
    _user, client = signed_in
    with cut_after_first_query() as state:
        response = client.get("/api/v1/filings/", HTTP_ACCEPT_LANGUAGE="ru")
    assert state["cut"]
    assert response.status_code == 503
    assert response["Retry-After"] == str(faults.DATABASE_RETRY_AFTER_SECONDS)
    body = response.json()
    assert body["error"]["code"] == "service_unavailable"
    assert body["error"]["message"].startswith("Сервис временно недоступен")
    assert b"Traceback" not in response.content

    close_old_connections()  # the request boundary: the broken connection is dropped
    assert client.get("/api/v1/filings/").status_code == 200


def test_a_web_page_whose_connection_is_cut_answers_503_in_the_page_language(signed_in, settings):
    """Also with DEBUG on (`make run`): no technical 500 page with a traceback."""
    settings.DEBUG = True
    user, _api = signed_in
    client = Client(raise_request_exception=False)
    client.force_login(user)
    with cut_after_first_query() as state:
        response = client.get("/cabinet/", HTTP_ACCEPT_LANGUAGE="kk")
    assert state["cut"]
    assert response.status_code == 503
    assert response["Retry-After"] == str(faults.DATABASE_RETRY_AFTER_SECONDS)
    page = response.content.decode()
    assert "Қызмет уақытша қолжетімсіз" in page
    assert "Traceback" not in page

    close_old_connections()
    assert client.get("/cabinet/").status_code == 200


def test_a_json_client_of_a_web_page_gets_the_envelope(signed_in):
    user, _api = signed_in
    client = Client(raise_request_exception=False)
    client.force_login(user)
    with cut_after_first_query(InterfaceError("connection already closed")):
        response = client.get("/cabinet/", HTTP_ACCEPT="application/json")
    assert response.status_code == 503
    assert response.json()["error"]["code"] == "service_unavailable"


def test_an_error_that_is_not_a_lost_connection_stays_a_500(signed_in):
    """SQLite's "database is locked" is an OperationalError with the connection intact."""
    _user, client = signed_in
    with cut_after_first_query(OperationalError("database is locked")):
        response = client.get("/api/v1/filings/")
    assert response.status_code == 500
    assert response.json()["error"]["code"] == "server_error"


def test_a_lost_connection_outside_a_view_answers_503_from_handler500():
    """A middleware's query (the session, the user) fails before any view: handler500."""
    request = RequestFactory().get("/api/v1/filings/")
    try:
        raise as_django_raises(psycopg.errors.AdminShutdown("terminating connection"))
    except OperationalError:
        assert sys.exception() is not None
        response = server_error(request)
    assert response.status_code == 503
    assert response["Retry-After"] == str(faults.DATABASE_RETRY_AFTER_SECONDS)


def test_only_connection_level_errors_count_as_lost():
    wrapped = as_django_raises
    connection.ensure_connection()
    assert faults.database_connection_lost(wrapped(psycopg.errors.AdminShutdown("x")))
    assert faults.database_connection_lost(wrapped(psycopg.errors.ConnectionFailure("x")))
    assert faults.database_connection_lost(InterfaceError("connection already closed"))
    assert not faults.database_connection_lost(wrapped(psycopg.errors.QueryCanceled("x")))
    assert not faults.database_connection_lost(OperationalError("database is locked"))
    assert not faults.database_connection_lost(ValueError("x"))


def test_persistent_connections_are_health_checked(signed_in):
    """CONN_HEALTH_CHECKS: a connection cut while idle is replaced before a request uses it."""
    from django.conf import settings

    assert settings.DATABASES["default"]["CONN_HEALTH_CHECKS"] is True
    if connection.vendor == "postgresql":
        _user, client = signed_in
        assert client.get("/api/v1/filings/").status_code == 200
        close_old_connections()
        _terminate_backend()  # between requests, as a database restart would
        close_old_connections()
        assert client.get("/api/v1/filings/").status_code == 200
