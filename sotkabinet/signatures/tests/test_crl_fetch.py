"""Issue 9 "CRL fetching" (R-ECP-1): allowed http(s) hosts only, a deadline and a size cap, no
redirects elsewhere, in the worker only, and a fetched CRL is stored only when its signature
(by the issuing CA in the trust store) and freshness check out.

Only the network is stood in for: a real HTTP server on 127.0.0.1; the CRLs come from the test
PKI (sotkabinet/ecp/pki)."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from sotkabinet.signatures import crl_fetch, services, tasks
from sotkabinet.signatures.models import CertificateRevocationList

PAYLOAD = b'{"document":"1"}'


class _Handler(BaseHTTPRequestHandler):
    routes: dict = {}
    hits: list = []

    def do_GET(self):
        self.hits.append(self.path)
        route = self.routes.get(self.path)
        if route is None:
            self.send_response(404)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        status, headers, body = route
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        if "Content-Length" not in headers and headers.get("X-Unsized") is None:
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if headers.get("X-Hold") is not None:
            # A trickling server: part of the body, then nothing until the test lets go.
            self.wfile.write(body[:10])
            self.wfile.flush()
            self.release.wait(30)
            return
        self.wfile.write(body)
        if headers.get("X-Unsized") is not None:
            self.close_connection = True

    def log_message(self, *args):
        return


@pytest.fixture
def crl_server(settings):
    """A local HTTP server; CRL hosts limited to it; fetching on."""
    routes: dict = {}
    hits: list = []
    release = threading.Event()
    handler = type("Handler", (_Handler,), {"routes": routes, "hits": hits, "release": release})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.ECP_FETCH_CRL = True
    settings.ECP_CRL_ALLOWED_HOSTS = ["127.0.0.1"]
    settings.ECP_CRL_FETCH_MAX_BYTES = 1024 * 1024
    settings.ECP_CRL_FETCH_DEADLINE_SECONDS = 30.0
    base = f"http://127.0.0.1:{server.server_address[1]}"

    class Server:
        url = base
        port = server.server_address[1]

        def serve(self, path: str, body: bytes, status: int = 200, **headers) -> str:
            routes[path] = (status, headers, body)
            return base + path

    Server.hits = hits
    yield Server()
    release.set()
    server.shutdown()
    server.server_close()


def _now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


def _crl(ecp, *, this_update=None, next_update=None, number=7, revoked=(), **kwargs) -> bytes:
    this_update = this_update or _now() - timedelta(hours=1)
    return ecp.ca.crl(
        list(revoked),
        this_update=this_update,
        next_update=next_update or this_update + timedelta(days=1),
        number=number,
        **kwargs,
    )


def _fetched():
    return CertificateRevocationList.objects.filter(origin=CertificateRevocationList.Origin.FETCHED)


def _refusal(url: str) -> str:
    with pytest.raises(crl_fetch.CrlFetchRefused) as refused:
        crl_fetch.refresh(url)
    return refused.value.code


def test_issue_9_a_good_crl_is_stored_and_replaces_the_older_one(ecp, crl_server):
    url = crl_server.serve("/nca.crl", _crl(ecp, this_update=_now() - timedelta(hours=5)))
    first = crl_fetch.refresh(url)
    assert (first.origin, first.source_url) == ("fetched", url)
    newer = _crl(ecp, this_update=_now() - timedelta(hours=1), number=8)
    crl_server.serve("/nca.crl", newer)
    second = crl_fetch.refresh(url)
    assert list(_fetched()) == [second]
    assert bytes(second.der) == newer


def test_issue_9_a_revocation_in_a_fetched_crl_takes_effect(ecp, crl_server, make_user):
    user = make_user()
    cms = ecp.sign(user, PAYLOAD)
    assert services.verify_signature(cms, data=PAYLOAD).valid
    person = ecp.person(user)
    url = crl_server.serve("/nca.crl", _crl(ecp, revoked=[(person, _now() - timedelta(days=2))]))
    crl_fetch.refresh(url)
    assert services.verify_signature(cms, data=PAYLOAD).reason == "revoked"


def test_issue_9_a_crl_not_signed_by_its_ca_is_not_stored(ecp, crl_server):
    forged = _crl(ecp, signing_key=ecp.root.private_key)
    url = crl_server.serve("/nca.crl", forged)
    assert _refusal(url) == "signature"
    assert not _fetched().exists()


def test_issue_9_a_stale_or_future_crl_is_not_stored(ecp, crl_server):
    stale_this = _now() - timedelta(days=3)
    url = crl_server.serve(
        "/stale.crl", _crl(ecp, this_update=stale_this, next_update=stale_this + timedelta(days=1))
    )
    assert _refusal(url) == "stale"
    url = crl_server.serve("/future.crl", _crl(ecp, this_update=_now() + timedelta(days=1)))
    assert _refusal(url) == "not_yet_valid"
    assert not _fetched().exists()


def test_issue_9_an_older_crl_does_not_replace_a_newer_one(ecp, crl_server):
    url = crl_server.serve("/nca.crl", _crl(ecp, this_update=_now() - timedelta(hours=1)))
    kept = crl_fetch.refresh(url)
    crl_server.serve("/nca.crl", _crl(ecp, this_update=_now() - timedelta(hours=6), number=3))
    assert _refusal(url) == "older"
    assert list(_fetched()) == [kept]


@pytest.mark.parametrize(
    ("url", "code"),
    [
        ("file:///etc/passwd", "scheme_not_allowed"),
        ("ftp://127.0.0.1/nca.crl", "scheme_not_allowed"),
        ("http://169.254.169.254/latest/meta-data/", "host_not_allowed"),
        ("http://crl.attacker.example/nca.crl", "host_not_allowed"),
        ("http://user:secret@127.0.0.1/nca.crl", "bad_url"),
    ],
)
def test_issue_9_only_http_s_urls_of_allowed_hosts_are_fetched(db, crl_server, url, code):
    assert _refusal(url) == code
    assert crl_server.hits == []


def test_issue_9_nca_hosts_are_the_default_allow_list():
    from django.conf import settings

    assert "crl.pki.gov.kz" in settings.ECP_CRL_ALLOWED_HOSTS


def test_issue_9_redirects_go_nowhere_but_the_same_host(ecp, crl_server):
    crl_server.serve("/nca.crl", _crl(ecp))
    elsewhere = crl_server.serve(
        "/away", b"", status=302, Location=f"http://localhost:{crl_server.port}/nca.crl"
    )
    assert _refusal(elsewhere) == "redirect_elsewhere"
    assert "/nca.crl" not in crl_server.hits
    same = crl_server.serve("/moved", b"", status=301, Location="/nca.crl")
    assert crl_fetch.refresh(same).source_url == same


def test_issue_9_the_size_cap_holds_with_and_without_a_declared_length(ecp, crl_server, settings):
    settings.ECP_CRL_FETCH_MAX_BYTES = 200
    body = _crl(ecp)
    assert len(body) > 200
    assert _refusal(crl_server.serve("/declared.crl", body)) == "too_large"
    assert _refusal(crl_server.serve("/unsized.crl", body, **{"X-Unsized": "1"})) == "too_large"
    assert not _fetched().exists()


def test_issue_9_one_fetch_has_an_overall_deadline(ecp, crl_server, monkeypatch):
    ticks = iter(range(0, 10_000, 20))  # each look at the clock: 20 s later
    monkeypatch.setattr(crl_fetch, "_clock", lambda: float(next(ticks)))
    url = crl_server.serve("/hop1", b"", status=302, Location="/hop2")
    crl_server.serve("/hop2", _crl(ecp))
    assert _refusal(url) == "deadline"
    assert not _fetched().exists()


def test_issue_9_a_trickling_server_cannot_hold_a_fetch_past_the_deadline(
    ecp, crl_server, monkeypatch
):
    """The deadline holds while the body is read, not only between redirects: a server that
    sends a few bytes and then trickles is cut off at the deadline, not when a whole chunk or
    the per-read timeout has passed."""
    monkeypatch.setattr(crl_fetch, "READ_TIMEOUT", 3.0)
    ticks = iter([0.0, 1.0, 2.0, *range(100, 10_000, 100)])  # the body's first read: too late
    monkeypatch.setattr(crl_fetch, "_clock", lambda: float(next(ticks)))
    url = crl_server.serve("/slow.crl", _crl(ecp), **{"X-Hold": "1"})
    assert _refusal(url) == "deadline"
    assert not _fetched().exists()


def test_issue_9_a_request_never_fetches_it_queues_for_the_worker(
    ecp, make_user, settings, monkeypatch, django_capture_on_commit_callbacks
):
    """No current CRL for the signer's CA: the verdict does not wait on the network; the CRL URL
    from the certificate goes to the worker's `crl_fetch` task."""
    settings.ECP_FETCH_CRL = True
    host = ecp.ca.crl_url.split("/")[2]
    settings.ECP_CRL_ALLOWED_HOSTS = [host]
    CertificateRevocationList.objects.filter(fingerprint__in=_nca_crl_fingerprints(ecp)).delete()

    def no_network():
        raise AssertionError("a request path opened an HTTP session")

    monkeypatch.setattr(crl_fetch, "_session", no_network)
    queued = []
    monkeypatch.setattr(tasks.crl_fetch, "delay", queued.append)
    user = make_user()
    with django_capture_on_commit_callbacks(execute=True):
        verdict = services.verify_signature(ecp.sign(user, PAYLOAD), data=PAYLOAD)
    assert not verdict.valid
    assert queued == [ecp.ca.crl_url]


def _nca_crl_fingerprints(ecp) -> list[str]:
    from sotkabinet.ecp.crl import parse_crl

    issuer = parse_crl(ecp.current_crl()).issuer.display
    return list(
        CertificateRevocationList.objects.filter(issuer=issuer[:1000]).values_list(
            "fingerprint", flat=True
        )
    )


def test_issue_9_the_worker_tasks_fetch_and_refresh(ecp, crl_server, settings):
    url = crl_server.serve("/nca.crl", _crl(ecp))
    assert tasks.crl_fetch(url) == "stored"
    settings.ECP_CRL_URLS = [crl_server.serve("/other.crl", _crl(ecp, number=9))]
    assert tasks.crl_refresh() == {settings.ECP_CRL_URLS[0]: "stored", url: "stored"}
    assert tasks.crl_fetch("http://crl.attacker.example/x.crl") == "host_not_allowed"
    assert "signatures-crl-refresh" in settings.CELERY_BEAT_SCHEDULE


def test_issue_9_the_operators_command_fetch_is_bounded_too(db, crl_server):
    with pytest.raises(crl_fetch.CrlFetchRefused):
        services.fetch_crl("http://169.254.169.254/latest/meta-data/")
    assert crl_server.hits == []
