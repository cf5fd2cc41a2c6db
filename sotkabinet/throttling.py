"""The real client address behind trusted proxies, and the throttles keyed on it (issue 9).

Threat model: `X-Forwarded-For` is written by whoever sends the request. Only the proxies the
operator names may add to it, so it is read only when the request came from one of them:

- `TRUSTED_PROXIES` (addresses or networks): walking the chain from the right (the socket peer
  `REMOTE_ADDR`, then `X-Forwarded-For` backwards), trusted hops are skipped; the first address
  that is not a trusted proxy is the client. A request whose peer is not trusted is its own client.
- otherwise `NUM_PROXIES` (an integer, as in DRF): that many proxies stand in front of the
  portal, so the client is the address the outermost of them appended.
- both unset (the default, 0 / empty): `REMOTE_ADDR`, and `X-Forwarded-For` is ignored.

A direct client rotating `X-Forwarded-For` therefore keeps one bucket. DRF throttles, the web
sign-in, the public `/verify/` page and the audit log all use `client_ip`.

Sign-in is throttled per address (`sign_in`) and per login (`sign_in_login`), so neither many
logins from one address nor one login from many addresses gets unlimited guesses. ЭЦҚ sign-in
counts per signer's certificate instead of per login (`_key_bucket_from_cms`), so password
guesses, or certificates forged to name someone's ИИН, never lock the key holder out. A cache
failure inside a throttle counts as an empty history (the request goes on); it never becomes a 500.
"""

from __future__ import annotations

import hashlib
import ipaddress
import logging
from functools import lru_cache

from django.conf import settings
from rest_framework.throttling import ScopedRateThrottle, SimpleRateThrottle

logger = logging.getLogger(__name__)

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@lru_cache(maxsize=16)
def _networks(entries: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(entry.strip(), strict=False) for entry in entries if entry)


def _parse(value: str | None) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    if not value:
        return None
    value = value.strip()
    if value.startswith("[") and "]" in value:  # "[v6]:port"
        value = value[1 : value.index("]")]
    elif value.count(":") == 1:  # "v4:port"
        value = value.split(":", 1)[0]
    try:
        return ipaddress.ip_address(value)
    except ValueError:
        return None


def _trusted(address, networks: tuple[Network, ...]) -> bool:
    return address is not None and any(address in network for network in networks)


def client_ip(request) -> str:
    """The address of the client that sent `request`, through the configured proxies only."""
    meta = request.META
    remote = meta.get("REMOTE_ADDR") or ""
    forwarded = [part for part in meta.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    networks = _networks(tuple(getattr(settings, "TRUSTED_PROXIES", ()) or ()))
    if networks:
        if not _trusted(_parse(remote), networks):
            return remote
        client = remote
        for hop in reversed(forwarded):
            address = _parse(hop)
            if address is None:
                break  # garbage left of the last trusted hop: the hop before it is the client
            client = str(address)
            if not _trusted(address, networks):
                break
        return client
    proxies = int(getattr(settings, "NUM_PROXIES", 0) or 0)
    if proxies <= 0 or not forwarded:
        return remote
    # The chain is forwarded + [remote]; the outermost proxy appended chain[-(proxies + 1)].
    # A malformed entry there falls back to the nearest address a proxy wrote, to its right.
    chain = [*forwarded, remote]
    start = max(0, len(chain) - proxies - 1)
    for hop in chain[start:]:
        address = _parse(hop)
        if address is not None:
            return str(address)
    return remote


def hashed(value: str) -> str:
    """A cache-key-safe form of a user-supplied value (a login)."""
    return hashlib.sha256(value.encode("utf-8", "surrogatepass")).hexdigest()[:32]


class _SafeCache:
    """A throttle's view of the cache: a failing backend reads as a miss and drops writes."""

    def __init__(self, cache) -> None:
        self._cache = cache

    def get(self, key, default=None):
        try:
            return self._cache.get(key, default)
        except Exception:
            logger.warning("throttle cache unavailable; counted as a miss", exc_info=True)
            return default

    def set(self, key, value, timeout=None) -> None:
        try:
            self._cache.set(key, value, timeout)
        except Exception:
            logger.warning("throttle cache unavailable; request not recorded", exc_info=True)


class _CacheSafe:
    """Cache failures inside a throttle count as a miss (an empty history), never a 500."""

    def allow_request(self, request, view):
        self.cache = _SafeCache(type(self).cache)
        return super().allow_request(request, view)


class ClientRateThrottle(_CacheSafe, ScopedRateThrottle):
    """`ScopedRateThrottle` keyed on `client_ip` (anonymous) or the user id (signed in)."""

    def get_ident(self, request) -> str:
        return client_ip(request)


class AddressRateThrottle(ClientRateThrottle):
    """Keyed on the client address even for a signed-in caller (sign-in, public pages)."""

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


def _posted_text(request, field: str) -> str:
    """A text field of the request body (DRF's parsed data or a form's POST); "" otherwise."""
    data = getattr(request, "data", None)
    if data is None:
        data = request.POST
    try:
        value = data.get(field, "")
    except AttributeError:
        return ""
    return value if isinstance(value, str) else ""


def _login_from_data(request) -> str:
    return _posted_text(request, "login").strip()[:64]


def _key_bucket_from_cms(request) -> str:
    """The per-key bucket of an ЭЦҚ sign-in: the SHA-256 of the signer's certificate (decoded,
    not verified). Not the ИИН/БИН it names: anyone can make a certificate naming someone's ИИН
    (only its signature would fail), and a bucket shared with the password sign-in would let
    password guesses lock the key holder out. A key cannot be guessed, so its bucket only bounds
    retries with one certificate."""
    from sotkabinet.ecp import CmsMalformed, inspect_cms

    cms = _posted_text(request, "cms")
    if not cms:
        return ""
    try:
        signers = inspect_cms(cms).signers
    except (CmsMalformed, ValueError):
        return ""
    if not signers:
        return ""
    return "ecp:" + hashlib.sha256(signers[0].certificate_der).hexdigest()[:48]


class LoginRateThrottle(_CacheSafe, SimpleRateThrottle):
    """Sign-in attempts per login (`sign_in_login` rate), whatever address they come from."""

    scope = "sign_in_login"

    def login_of(self, request) -> str:
        return _login_from_data(request)

    def get_cache_key(self, request, view):
        login = self.login_of(request)
        if not login:
            return None
        return self.cache_format % {"scope": self.scope, "ident": hashed(login)}


class EcpLoginRateThrottle(LoginRateThrottle):
    """Per-key throttle of ЭЦҚ sign-in (`sign_in_login` rate): one bucket per signer's
    certificate, apart from the password buckets (`_key_bucket_from_cms`)."""

    def login_of(self, request) -> str:
        return _key_bucket_from_cms(request)


class _Scope:
    def __init__(self, scope: str) -> None:
        self.throttle_scope = scope


def web_wait(
    request,
    scope: str,
    *,
    login: str | None = None,
    address_throttle: type[AddressRateThrottle] = AddressRateThrottle,
) -> int | None:
    """For plain Django views: count this request in `scope` (per client address) and, with
    `login`, in `sign_in_login`. Seconds to wait when a limit is used up, else None."""
    waits = []
    throttle = address_throttle()
    if not throttle.allow_request(request, _Scope(scope)):
        waits.append(max(1, int(throttle.wait() or 1)))
    login = (login or "").strip()[:64]
    if login:
        per_login = LoginRateThrottle()
        per_login.login_of = lambda _request: login
        if not per_login.allow_request(request, None):
            waits.append(max(1, int(per_login.wait() or 1)))
    if not waits:
        return None
    # Kept clear of gunicorn's keep-alive, as every Retry-After (issue 10, sotkabinet.faults).
    from sotkabinet.faults import retry_after

    return int(retry_after(max(waits)))


def _throttled_response(wait: int):
    from django.http import HttpResponse

    from sotkabinet.errors import MESSAGES

    response = HttpResponse(
        str(MESSAGES["throttled"]), status=429, content_type="text/plain; charset=utf-8"
    )
    response["Retry-After"] = str(wait)
    return response


def web_sign_in_throttle(view):
    """Decorator of a plain Django ЭЦҚ sign-in view: POSTs count per client address (`sign_in`)
    and per the ИИН/БИН the CMS names (`sign_in_login`); over the limit, 429 with Retry-After."""
    from functools import wraps

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.method == "POST":
            wait = web_wait(request, "sign_in", login=_key_bucket_from_cms(request))
            if wait is not None:
                return _throttled_response(wait)
        return view(request, *args, **kwargs)

    return wrapper


def password_sign_in_throttle(view, *, login_field: str = "username"):
    """Decorator of a plain Django password sign-in view (the admin's login page): POSTs count
    per client address (`sign_in`) and per the login typed in (`sign_in_login`)."""
    from functools import wraps

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.method == "POST":
            login = request.POST.get(login_field, "")
            wait = web_wait(request, "sign_in", login=login if isinstance(login, str) else "")
            if wait is not None:
                return _throttled_response(wait)
        return view(request, *args, **kwargs)

    return wrapper
