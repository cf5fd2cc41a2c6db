"""Fetching CRLs from distribution points, in the worker only (R-ECP-1, issue 9 "CRL fetching").

Threat model: the URL comes from a certificate, and a certificate comes from whoever sent a CMS;
the answer comes from the network. So:

- only `http`/`https` URLs whose host is in `ECP_CRL_ALLOWED_HOSTS` (NCA's hosts by default) are
  fetched: the portal cannot be made to call an internal address or another site;
- one fetch has an overall deadline (`ECP_CRL_FETCH_DEADLINE_SECONDS`, over connecting, every
  redirect and every byte) and a size cap (`ECP_CRL_FETCH_MAX_BYTES`, checked on the declared
  length and while reading);
- a redirect is followed only to the same host (at most `MAX_REDIRECTS`), never elsewhere;
- fetching happens in the Celery worker (`signatures.tasks`): a request that meets a certificate
  without a current CRL only queues its URL (`queue_fetches`), it never waits on the network;
- a fetched CRL replaces the stored one only when its signature verifies under the key of the CA
  in the trust store that issued it, it is current (thisUpdate not in the future, nextUpdate not
  passed) and it is not older than the one stored from that URL.
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Iterable
from datetime import datetime, timedelta
from urllib.parse import urljoin, urlsplit

import requests
from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone
from urllib3.exceptions import ReadTimeoutError

from sotkabinet.ecp.algorithms import UnsupportedAlgorithm
from sotkabinet.ecp.crl import CrlMalformed, RevocationList, parse_crl

from .models import CertificateRevocationList

logger = logging.getLogger(__name__)

MAX_REDIRECTS = 3
CONNECT_TIMEOUT = 3.05
READ_TIMEOUT = 10.0
CLOCK_SKEW = timedelta(minutes=5)
QUEUED_KEY_PREFIX = "signatures:crl-queued:"
QUEUED_TTL_SECONDS = 300
_clock = time.monotonic


class CrlFetchRefused(Exception):
    """A CRL that was not fetched or not accepted; `code` says why, for logs and tests."""

    def __init__(self, code: str, detail: str = "") -> None:
        super().__init__(f"{code}: {detail}" if detail else code)
        self.code = code


def allowed_hosts() -> frozenset[str]:
    return frozenset(host.strip().lower().rstrip(".") for host in settings.ECP_CRL_ALLOWED_HOSTS)


def check_url(url: str) -> str:
    """The URL if it may be fetched: http(s), an allowed host, no user info. Else refused."""
    try:
        parts = urlsplit(url)
        host = (parts.hostname or "").lower().rstrip(".")
        parts.port  # noqa: B018 - a malformed port raises ValueError here
    except ValueError:
        raise CrlFetchRefused("bad_url", url[:200]) from None
    if parts.scheme not in ("http", "https"):
        raise CrlFetchRefused("scheme_not_allowed", parts.scheme)
    if parts.username or parts.password:
        raise CrlFetchRefused("bad_url", "user info in the URL")
    if not host or host not in allowed_hosts():
        raise CrlFetchRefused("host_not_allowed", host)
    return url


def _session() -> requests.Session:
    """The HTTP session (tests replace it to count calls)."""
    return requests.Session()


def _socket_of(resp):
    """The response's socket: the connection's while it is kept alive; the response's own when
    the server closes after it (http.client then hands the socket to the response)."""
    sock = getattr(getattr(resp.raw, "connection", None), "sock", None)
    if sock is None:
        reader = getattr(getattr(resp.raw, "_fp", None), "fp", None)
        sock = getattr(getattr(reader, "raw", None), "_sock", None)
    return sock if hasattr(sock, "settimeout") else None


def _read_body(resp, *, deadline: float, cap: int, url: str) -> bytes:
    """The body within the deadline and the cap. Each read takes what one receive brings
    (`read1`), with the socket's timeout cut to the time left, so a server trickling a byte at
    a time cannot hold the worker past the deadline (a buffered read would wait for a whole
    chunk, each slow byte resetting the per-read timeout). Where the socket cannot be reached,
    a read still ends within READ_TIMEOUT, and the deadline is checked before the next one."""
    body = bytearray()
    sock = _socket_of(resp)
    while True:
        remaining = deadline - _clock()
        if remaining <= 0:
            raise CrlFetchRefused("deadline", url)
        if sock is not None:
            try:
                sock.settimeout(min(READ_TIMEOUT, remaining))
            except OSError:  # closed at the end of the body: the next read returns nothing
                sock = None
        try:
            chunk = resp.raw.read1(64 * 1024, decode_content=True)
        except (TimeoutError, ReadTimeoutError):
            raise CrlFetchRefused("deadline" if _clock() >= deadline else "timeout", url) from None
        if not chunk:
            return bytes(body)
        body.extend(chunk)
        if len(body) > cap:
            raise CrlFetchRefused("too_large", f"over {cap} bytes")


def download(url: str) -> bytes:
    """GET `url` within the deadline and the size cap, following same-host redirects only."""
    deadline = _clock() + settings.ECP_CRL_FETCH_DEADLINE_SECONDS
    cap = settings.ECP_CRL_FETCH_MAX_BYTES
    current = check_url(url)
    origin = urlsplit(current).hostname
    with _session() as session:
        for _hop in range(MAX_REDIRECTS + 1):
            remaining = deadline - _clock()
            if remaining <= 0:
                raise CrlFetchRefused("deadline", current)
            timeout = (min(CONNECT_TIMEOUT, remaining), min(READ_TIMEOUT, remaining))
            with session.get(current, timeout=timeout, stream=True, allow_redirects=False) as resp:
                if resp.is_redirect:
                    target = urljoin(current, resp.headers.get("Location", ""))
                    if urlsplit(target).hostname != origin:
                        raise CrlFetchRefused("redirect_elsewhere", target[:200])
                    current = check_url(target)
                    continue
                if resp.status_code != 200:
                    raise CrlFetchRefused("http_error", str(resp.status_code))
                declared = resp.headers.get("Content-Length", "")
                if declared.isdigit() and int(declared) > cap:
                    raise CrlFetchRefused("too_large", declared)
                return _read_body(resp, deadline=deadline, cap=cap, url=current)
    raise CrlFetchRefused("too_many_redirects", url[:200])


def _issuers_of(crl: RevocationList) -> tuple[list, object]:
    """The CAs of the trust store that may have issued `crl`, and the store."""
    from .services import current_trust_store

    store = current_trust_store()
    return [
        certificate
        for certificate in [*store.anchors, *store.intermediates]
        if certificate.subject.key == crl.issuer.key
        and not (
            crl.authority_key_id
            and certificate.subject_key_id
            and crl.authority_key_id != certificate.subject_key_id
        )
    ], store


def check_crl(data: bytes, *, url: str, now: datetime | None = None) -> RevocationList:
    """The CRL if it may replace the stored one: decodes, is usable, is signed by its issuing CA
    in the trust store, is current, and is not older than the one stored from `url`."""
    now = now or timezone.now()
    try:
        crl = parse_crl(data, source_url=url)
    except CrlMalformed as error:
        raise CrlFetchRefused("malformed", str(error)) from None
    if not crl.usable:
        raise CrlFetchRefused("unusable", crl.unusable_why or "")
    issuers, store = _issuers_of(crl)
    signed = False
    for issuer in issuers:
        try:
            signed = store.crl_signed_by(crl, issuer)
        except UnsupportedAlgorithm:
            continue
        if signed:
            break
    if not signed:
        raise CrlFetchRefused("signature", "not signed by a CA in the trust store")
    if crl.this_update > now + CLOCK_SKEW:
        raise CrlFetchRefused("not_yet_valid", crl.this_update.isoformat())
    if crl.next_update is None or crl.next_update < now:
        raise CrlFetchRefused("stale", crl.next_update.isoformat() if crl.next_update else "")
    stored = (
        CertificateRevocationList.objects.filter(
            origin=CertificateRevocationList.Origin.FETCHED, source_url=url[:1000]
        )
        .order_by("-this_update")
        .first()
    )
    if stored is not None and stored.this_update > crl.this_update:
        raise CrlFetchRefused("older", crl.this_update.isoformat())
    return crl


def refresh(url: str, *, now: datetime | None = None) -> CertificateRevocationList:
    """Fetch `url` and store its CRL in place of the older one from there. Raises CrlFetchRefused.

    The trust version changes with the table (signals.py), so every process uses it next time.
    """
    return accept(download(url), url=url, now=now)


def accept(data: bytes, *, url: str, now: datetime | None = None) -> CertificateRevocationList:
    """Store fetched CRL bytes from `url` once `check_crl` passes; older copies from there go."""
    crl = check_crl(data, url=url, now=now)
    with transaction.atomic():
        row, _created = CertificateRevocationList.objects.get_or_create(
            fingerprint=crl.fingerprint,
            defaults={
                "der": crl.der,
                "issuer": crl.issuer.display[:1000],
                "this_update": crl.this_update,
                "next_update": crl.next_update,
                "origin": CertificateRevocationList.Origin.FETCHED,
                "source_url": url[:1000],
            },
        )
        CertificateRevocationList.objects.filter(
            origin=CertificateRevocationList.Origin.FETCHED, source_url=url[:1000]
        ).exclude(pk=row.pk).delete()
    return row


def urls_to_refresh() -> list[str]:
    """The configured URLs (`ECP_CRL_URLS`) and every URL a stored CRL was fetched from."""
    stored = CertificateRevocationList.objects.filter(
        origin=CertificateRevocationList.Origin.FETCHED
    ).values_list("source_url", flat=True)
    return list(dict.fromkeys([*settings.ECP_CRL_URLS, *(url for url in stored if url)]))


def queue_fetches(urls: Iterable[str]) -> list[str]:
    """From a request path: hand allowed CRL URLs to the worker (once per few minutes each).

    Never touches the network here. Returns the URLs queued now.
    """
    if not settings.ECP_FETCH_CRL:
        return []
    from .tasks import crl_fetch

    queued = []
    for url in dict.fromkeys(urls):
        try:
            check_url(url)
        except CrlFetchRefused:
            continue
        key = QUEUED_KEY_PREFIX + hashlib.sha256(url.encode()).hexdigest()
        try:
            fresh = cache.add(key, 1, QUEUED_TTL_SECONDS)
        except Exception:  # a failing cache: queue anyway, the worker de-duplicates by fingerprint
            fresh = True
        if fresh:
            transaction.on_commit(lambda url=url: crl_fetch.delay(url))
            queued.append(url)
    return queued
