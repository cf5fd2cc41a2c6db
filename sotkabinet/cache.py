"""The Redis cache, made to survive a Redis outage (issue 10 "Faults", SPEC R-ECP-3).

Everything the portal keeps in the cache can be rebuilt from the database: the calendar
overrides, the trust-store version, ЭЦҚ verdicts, talon-render locks, sweeper markers and the
throttles' counters. Django's `RedisCache` raises on a refused or timed-out connection, so a
Redis outage used to turn every request that touched the cache into a 500 (no filing could be
submitted). `ResilientRedisCache` treats a connection error as a miss instead:

- reads miss (`get` answers the default, `get_many` nothing, `has_key` False), so the caller
  goes to the database;
- writes and deletes are dropped (`add` answers True, as a cache that keeps nothing would; `incr`
  raises ValueError, as for a missing key), and the key is remembered: the first call that
  reaches Redis again deletes every key whose write was lost, so nothing written before the
  outage outlives a change made during it (a calendar override, a newly trusted root); the keys
  under `FORGET_AFTER_OUTAGE` are deleted by every process that saw the outage, in case the
  process that changed them is gone;
- keys under `LOCAL_FALLBACK_PREFIXES` (the throttles) go to this process's memory instead, so
  sign-in stays rate-limited during the outage (per process rather than globally) and neither
  fails open nor locks everyone out;
- after a failure, Redis is not tried again for `RETRY_AFTER` seconds (every call misses at once),
  and short socket timeouts keep an unreachable host from stalling requests.

The outage is logged once (WARNING) when it starts and once (INFO) when Redis answers again.
Errors that are not about the connection (a bad key, a serialisation bug) still raise.
"""

from __future__ import annotations

import logging
import re
import threading
import time
from collections.abc import Callable, Iterable
from typing import Any

import redis.exceptions
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache

logger = logging.getLogger(__name__)

# What redis-py raises when the server is down, restarting, unreachable or read-only (failover).
OUTAGE_ERRORS: tuple[type[BaseException], ...] = (
    redis.exceptions.ConnectionError,  # refused, reset, DNS; BusyLoadingError too
    redis.exceptions.TimeoutError,
    redis.exceptions.ReadOnlyError,
)

# Seconds without trying Redis after a failure, and the socket timeouts (connect, read/write).
RETRY_AFTER_SECONDS = 5.0
SOCKET_TIMEOUT_SECONDS = 1.0
# Keys whose lost writes are remembered for deletion on recovery, at most (per process).
MAX_STALE_KEYS = 10_000
# Keys deleted per round trip when the cache clears its own keys.
CLEAR_BATCH = 500
# DRF throttles ("throttle_<scope>_<ident>") and the /verify/ page's counter (registry).
THROTTLE_KEY_PREFIXES = ("throttle_", "registry:verify-rate:")
# Deleted by every process that saw an outage, once Redis is back, whoever wrote during it: the
# trust-store version (never expires) and the calendar's decree days. A process that changed
# them during the outage may be gone before Redis returns; their next reader rebuilds them.
FORGET_AFTER_OUTAGE = ("signatures:trust-version", "courts:calendar-overrides:v1")

_monotonic = time.monotonic


def redis_caches(url: str, key_prefix: str) -> dict:
    """The CACHES setting for a Redis cache at `url` that survives an outage (settings use it)."""
    return {
        "default": {
            "BACKEND": "sotkabinet.cache.ResilientRedisCache",
            "LOCATION": url,
            "KEY_PREFIX": key_prefix,
            "OPTIONS": {
                "LOCAL_FALLBACK_PREFIXES": THROTTLE_KEY_PREFIXES,
                "FORGET_AFTER_OUTAGE": FORGET_AFTER_OUTAGE,
                "RETRY_AFTER": RETRY_AFTER_SECONDS,
                "socket_connect_timeout": SOCKET_TIMEOUT_SECONDS,
                "socket_timeout": SOCKET_TIMEOUT_SECONDS,
            },
        }
    }


class _Outage:
    """The process-wide state of one Redis location: down until when, and keys gone stale."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.down_until: float | None = None
        self.stale: set[str] = set()
        self.overflowed = False

    def remember(self, keys: Iterable[str]) -> None:
        with self.lock:
            for key in keys:
                if len(self.stale) >= MAX_STALE_KEYS:
                    self.overflowed = True
                    break
                self.stale.add(key)


_outages: dict[str, _Outage] = {}
_outages_lock = threading.Lock()


def _outage_for(location: str) -> _Outage:
    with _outages_lock:
        return _outages.setdefault(location, _Outage())


class ResilientRedisCache(RedisCache):
    """`RedisCache` that answers a Redis outage as a miss (see the module docstring).

    OPTIONS of its own (the rest go to redis-py): `LOCAL_FALLBACK_PREFIXES` (tuple of key
    prefixes kept in process memory during an outage), `FORGET_AFTER_OUTAGE` (keys deleted when
    Redis is back) and `RETRY_AFTER` (seconds).
    """

    def __init__(self, server, params):
        params = dict(params)
        options = dict(params.get("OPTIONS") or {})
        self._local_prefixes = tuple(options.pop("LOCAL_FALLBACK_PREFIXES", ()))
        self._retry_after = float(options.pop("RETRY_AFTER", RETRY_AFTER_SECONDS))
        forget = tuple(options.pop("FORGET_AFTER_OUTAGE", ()))
        params["OPTIONS"] = options
        super().__init__(server, params)
        self._forget_after_outage = [self.make_and_validate_key(key) for key in forget]
        location = server if isinstance(server, str) else ",".join(server)
        self._outage = _outage_for(f"{location}|{self.key_prefix}")
        self._local = LocMemCache(
            f"sotkabinet-cache-fallback:{location}|{self.key_prefix}",
            {"OPTIONS": {"MAX_ENTRIES": MAX_STALE_KEYS}},
        )

    # -- the guard ---------------------------------------------------------------------------

    def _is_local(self, key: str) -> bool:
        return bool(self._local_prefixes) and key.startswith(self._local_prefixes)

    def _guard(
        self, action: Callable[[], Any], fallback: Callable[[], Any], written: Iterable[str] = ()
    ) -> Any:
        """Run `action` against Redis; on an outage remember `written` keys and use `fallback`."""
        outage = self._outage
        down_until = outage.down_until
        if down_until is not None and _monotonic() < down_until:
            outage.remember(written)
            return fallback()
        try:
            self._forget_stale()
            result = action()
        except OUTAGE_ERRORS as exc:
            with outage.lock:
                first = outage.down_until is None
                outage.down_until = _monotonic() + self._retry_after
            outage.remember([*written, *self._forget_after_outage])
            if first:
                logger.warning(
                    "Cache unreachable (%s): reads miss and go to the database, writes are "
                    "dropped; Redis is tried again every %.0f s",
                    exc,
                    self._retry_after,
                )
            return fallback()
        if outage.down_until is not None:
            with outage.lock:
                was_down = outage.down_until is not None
                outage.down_until = None
            if was_down:
                logger.info("Cache reachable again")
        return result

    def _forget_stale(self) -> None:
        """Delete the keys whose writes were lost while Redis was down (before any other call)."""
        outage = self._outage
        if not outage.stale and not outage.overflowed:
            return
        with outage.lock:
            keys, outage.stale = list(outage.stale), set()
            overflowed, outage.overflowed = outage.overflowed, False
        try:
            if keys:
                self._cache.delete_many(keys)
        except OUTAGE_ERRORS:
            outage.remember(keys)
            outage.overflowed = outage.overflowed or overflowed
            raise
        if overflowed:
            logger.error(
                "Cache outage: more than %d writes were lost; entries written before the outage "
                "may be stale until they expire",
                MAX_STALE_KEYS,
            )
        logger.info("Cache: %d keys written during the outage deleted", len(keys))

    # -- the cache API -----------------------------------------------------------------------

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        made = self.make_and_validate_key(key, version=version)
        if self._is_local(key):
            fallback = lambda: self._local.add(key, value, timeout, version)  # noqa: E731
            return self._guard(
                lambda: super(ResilientRedisCache, self).add(key, value, timeout, version), fallback
            )
        return self._guard(
            lambda: super(ResilientRedisCache, self).add(key, value, timeout, version),
            lambda: True,
            [made],
        )

    def get(self, key, default=None, version=None):
        self.make_and_validate_key(key, version=version)
        if self._is_local(key):
            fallback = lambda: self._local.get(key, default, version)  # noqa: E731
        else:
            fallback = lambda: default  # noqa: E731
        return self._guard(
            lambda: super(ResilientRedisCache, self).get(key, default, version), fallback
        )

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        made = self.make_and_validate_key(key, version=version)
        if self._is_local(key):
            fallback = lambda: self._local.set(key, value, timeout, version)  # noqa: E731
            written: list[str] = []
        else:
            fallback, written = (lambda: None), [made]
        return self._guard(
            lambda: super(ResilientRedisCache, self).set(key, value, timeout, version),
            fallback,
            written,
        )

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        made = self.make_and_validate_key(key, version=version)
        if self._is_local(key):
            fallback = lambda: self._local.touch(key, timeout, version)  # noqa: E731
            written: list[str] = []
        else:
            fallback, written = (lambda: False), [made]
        return self._guard(
            lambda: super(ResilientRedisCache, self).touch(key, timeout, version),
            fallback,
            written,
        )

    def delete(self, key, version=None):
        made = self.make_and_validate_key(key, version=version)
        if self._is_local(key):
            fallback = lambda: self._local.delete(key, version)  # noqa: E731
            written: list[str] = []
        else:
            fallback, written = (lambda: False), [made]
        return self._guard(
            lambda: super(ResilientRedisCache, self).delete(key, version), fallback, written
        )

    def get_many(self, keys, version=None):
        keys = list(keys)
        return self._guard(
            lambda: super(ResilientRedisCache, self).get_many(keys, version),
            lambda: {},
        )

    def has_key(self, key, version=None):
        self.make_and_validate_key(key, version=version)
        if self._is_local(key):
            fallback = lambda: self._local.has_key(key, version)  # noqa: E731
        else:
            fallback = lambda: False  # noqa: E731
        return self._guard(lambda: super(ResilientRedisCache, self).has_key(key, version), fallback)

    def incr(self, key, delta=1, version=None):
        made = self.make_and_validate_key(key, version=version)

        def missing():
            if self._is_local(key):
                return self._local.incr(key, delta, version)
            raise ValueError(f"Key '{key}' not found.")

        written = [] if self._is_local(key) else [made]
        return self._guard(
            lambda: super(ResilientRedisCache, self).incr(key, delta, version), missing, written
        )

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        if not data:
            return []
        made = [self.make_and_validate_key(key, version=version) for key in data]
        return self._guard(
            lambda: super(ResilientRedisCache, self).set_many(data, timeout, version),
            lambda: list(data),
            made,
        )

    def delete_many(self, keys, version=None):
        keys = list(keys)
        if not keys:
            return
        made = [self.make_and_validate_key(key, version=version) for key in keys]
        self._guard(
            lambda: super(ResilientRedisCache, self).delete_many(keys, version),
            lambda: None,
            made,
        )

    def clear(self):
        """Delete this cache's own keys, by its key prefix.

        Django's `RedisCache.clear()` flushes the whole Redis database: with `REDIS_URL` shared by
        the Celery broker that would drop the queued work too, and it wipes every other process's
        cache that uses another key prefix (the test workers, a second portal). Without a prefix
        there is no telling our keys apart, and Django's flush is kept.
        """
        self._local.clear()
        if not self.key_prefix:
            return self._guard(lambda: super(ResilientRedisCache, self).clear(), lambda: False)
        pattern = re.sub(r"([*?\[\]\\])", r"\\\1", self.key_prefix) + ":*"

        def delete_own_keys() -> bool:
            client = self._cache.get_client(write=True)
            batch: list = []
            for key in client.scan_iter(match=pattern, count=CLEAR_BATCH):
                batch.append(key)
                if len(batch) >= CLEAR_BATCH:
                    client.delete(*batch)
                    batch.clear()
            if batch:
                client.delete(*batch)
            return True

        return self._guard(delete_own_keys, lambda: False)
