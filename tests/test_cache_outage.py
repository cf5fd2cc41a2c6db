"""A Redis outage reads as a cache miss (issue 10 "Faults": while Redis is down, filings can be
submitted; SPEC R-ECP-3).

GIVEN the cache's Redis is down (a refused port, or a stand-in client that raises like redis-py)
WHEN the calendar, the throttles, the trust-store version and the verdict cache use it
THEN every read misses and goes to the database, writes are dropped and undone on recovery,
     throttles keep counting in process memory, and a filing is submitted end to end.
"""

from __future__ import annotations

import io
import logging
import uuid
from datetime import datetime

import pytest
import redis.exceptions
from django.utils import timezone

from sotkabinet import cache as cache_module
from sotkabinet.cache import ResilientRedisCache, redis_caches
from sotkabinet.documents.samples import pdf_bytes


class FlakyRedisClient:
    """Stands in for Django's RedisCacheClient: a dict, or redis-py's error when `down`."""

    def __init__(self) -> None:
        self.data: dict = {}
        self.down = False
        self.calls = 0
        self.error: BaseException = redis.exceptions.ConnectionError(
            "Error 111 connecting to 127.0.0.1:6379. Connection refused."
        )

    def _reach(self) -> None:
        self.calls += 1
        if self.down:
            raise self.error

    def get(self, key, default):
        self._reach()
        return self.data.get(key, default)

    def set(self, key, value, timeout):
        self._reach()
        self.data[key] = value

    def add(self, key, value, timeout):
        self._reach()
        if key in self.data:
            return False
        self.data[key] = value
        return True

    def delete(self, key):
        self._reach()
        return self.data.pop(key, None) is not None

    def delete_many(self, keys):
        self._reach()
        for key in keys:
            self.data.pop(key, None)

    def incr(self, key, delta):
        self._reach()
        if key not in self.data:
            raise ValueError(key)
        self.data[key] += delta
        return self.data[key]

    def has_key(self, key):
        self._reach()
        return key in self.data

    def get_many(self, keys):
        self._reach()
        return {key: self.data[key] for key in keys if key in self.data}


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch):
    clock = Clock()
    monkeypatch.setattr(cache_module, "_monotonic", clock)
    return clock


@pytest.fixture
def flaky():
    """A ResilientRedisCache configured as the settings configure it, over a FlakyRedisClient."""
    config = redis_caches(f"redis://cache-{uuid.uuid4().hex}.invalid:6379/0", "t")["default"]
    backend = ResilientRedisCache(config["LOCATION"], config)
    client = FlakyRedisClient()
    backend._cache = client
    return backend, client


def test_settings_use_the_resilient_backend_for_redis():
    """issue 10: REDIS_URL selects the cache that survives an outage, not Django's RedisCache."""
    config = redis_caches("redis://127.0.0.1:6379/0", "sotkabinet")["default"]
    assert config["BACKEND"] == "sotkabinet.cache.ResilientRedisCache"
    assert config["OPTIONS"]["socket_connect_timeout"] <= 1
    assert config["OPTIONS"]["socket_timeout"] <= 1


def test_reads_miss_and_writes_are_dropped_while_redis_is_down(flaky, clock):
    """issue 10: every cache read and write treats a cache error as a miss (no exception)."""
    backend, client = flaky
    backend.set("courts:calendar-overrides:v1", ["2026-12-16"])
    client.down = True
    assert backend.get("courts:calendar-overrides:v1") is None
    assert backend.get("signatures:verdict:x", "default") == "default"
    assert backend.get_many(["a", "b"]) == {}
    assert backend.has_key("a") is False
    assert backend.set("signatures:trust-version", "v2") is None
    assert backend.delete("courts:calendar-overrides:v1") is False
    # A lock taken in a cache that keeps nothing: `add` answers as a cache that keeps nothing.
    assert backend.add("filings:talon-rendering:1", 1, 120) is True
    with pytest.raises(ValueError):
        backend.incr("filings:requeued:filing:1")
    assert backend.set_many({"a": 1}) == ["a"]
    backend.delete_many(["a"])


def test_keys_written_during_the_outage_are_deleted_when_redis_returns(flaky, clock):
    """issue 10: a change made during the outage (calendar override, trust version) is not
    hidden by the value cached before it once Redis answers again."""
    backend, client = flaky
    backend.set("courts:calendar-overrides:v1", "before the outage")
    backend.set("signatures:trust-version", "v1")
    client.down = True
    backend.delete("courts:calendar-overrides:v1")  # an override saved during the outage
    backend.set("signatures:trust-version", "v2")  # a root trusted during the outage
    client.down = False
    clock.now += cache_module.RETRY_AFTER_SECONDS + 1
    assert backend.get("courts:calendar-overrides:v1") is None
    assert backend.get("signatures:trust-version") is None
    backend.set("courts:calendar-overrides:v1", "after")
    assert backend.get("courts:calendar-overrides:v1") == "after"


def test_the_trust_version_and_the_calendar_are_forgotten_by_every_process_after_an_outage(
    flaky, clock
):
    """issue 10: a process that only read during the outage still drops the trust-store version
    and the calendar cache when Redis returns: the process that changed them may be gone."""
    backend, client = flaky
    backend.set("signatures:trust-version", "v1")
    backend.set("courts:calendar-overrides:v1", "before")
    backend.set("signatures:verdict:x", "kept")
    client.down = True
    assert backend.get("anything") is None  # this process only reads during the outage
    client.down = False
    clock.now += cache_module.RETRY_AFTER_SECONDS + 1
    assert backend.get("signatures:trust-version") is None
    assert backend.get("courts:calendar-overrides:v1") is None
    assert backend.get("signatures:verdict:x") == "kept"


def test_the_forgotten_keys_are_the_ones_the_services_use():
    from sotkabinet.courts import services as courts
    from sotkabinet.signatures import services as signatures

    assert set(cache_module.FORGET_AFTER_OUTAGE) == {
        signatures.TRUST_VERSION_KEY,
        courts._OVERRIDES_CACHE_KEY,
    }


def test_redis_is_not_retried_within_the_back_off(flaky, clock):
    """issue 10: after a failure every call misses at once for RETRY_AFTER seconds."""
    backend, client = flaky
    client.down = True
    backend.get("a")
    calls = client.calls
    for _ in range(5):
        assert backend.get("a") is None
    assert client.calls == calls
    clock.now += cache_module.RETRY_AFTER_SECONDS + 1
    backend.get("a")
    assert client.calls > calls


def test_throttle_counters_stay_in_process_memory_during_the_outage(flaky, clock):
    """issue 10: sign-in stays rate-limited while Redis is down (neither open nor closed)."""
    backend, client = flaky
    client.down = True
    backend.set("throttle_sign_in_203.0.113.5", [3.0, 2.0, 1.0], 60)
    assert backend.get("throttle_sign_in_203.0.113.5", []) == [3.0, 2.0, 1.0]
    assert backend.add("registry:verify-rate:203.0.113.5:1", 0, 120) is True
    assert backend.incr("registry:verify-rate:203.0.113.5:1") == 1
    assert backend.get("other-key") is None


def test_the_outage_is_logged_once_and_other_errors_still_raise(flaky, clock, caplog):
    backend, client = flaky
    client.down = True
    with caplog.at_level(logging.WARNING, logger="sotkabinet.cache"):
        backend.get("a")
        clock.now += cache_module.RETRY_AFTER_SECONDS + 1
        backend.get("a")
    assert len([r for r in caplog.records if r.levelno == logging.WARNING]) == 1
    clock.now += cache_module.RETRY_AFTER_SECONDS + 1
    client.error = redis.exceptions.ResponseError("WRONGTYPE")
    with pytest.raises(redis.exceptions.ResponseError):
        backend.get("a")


def ok(response, status: int = 200) -> dict:
    assert response.status_code == status, response.content[:2000]
    return response.json() if response.content else {}


@pytest.mark.django_db(transaction=True)
def test_a_filing_is_submitted_end_to_end_while_redis_is_down(
    api_client, court, make_user, ecp, settings
):
    """issue 10 fault injection: the cache's Redis refuses connections (127.0.0.1:1); the
    password sign-in (throttled), upload, submit (ЭЦҚ verdict, trust version) and the registration
    deadline (calendar overrides) all work (R-ECP-3, R-FIL-4)."""
    from sotkabinet.courts.models import CalendarOverride
    from sotkabinet.courts.services import court_registration_deadline

    make_user("clerk", court)
    settings.CACHES = redis_caches("redis://127.0.0.1:1/0", f"outage-{uuid.uuid4().hex}")
    from django.core.cache import cache

    with pytest.raises(ValueError):  # the cache is really down: a miss, not a value
        cache.incr("probe")

    applicant = make_user("applicant", full_name="Ерлан Тестов")
    login = applicant.login
    token = ok(
        api_client.post(
            "/api/v1/auth/token/", {"login": login, "password": "Str0ng-Passw0rd!"}, format="json"
        )
    )["token"]
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    # A decree day saved during the outage: its cache invalidation is dropped, not raised, and
    # the deadline below still counts it (the calendar reads the table, not the dead cache).
    usual_deadline = court_registration_deadline(court, timezone.now()).astimezone(court.tzinfo)
    CalendarOverride.objects.create(date=usual_deadline.date(), kind=CalendarOverride.Kind.DAY_OFF)

    filing = ok(
        api_client.post(
            "/api/v1/filings/",
            {
                "court": court.pk,
                "proceeding": "civil",
                "instance": "first",
                "kind": "claim",
                "title": "Қарызды өндіру туралы талап қою арызы",
                "parties": [
                    {"role": "plaintiff", "name": "Ерлан Тестов", "iin_bin": login},
                    {"role": "defendant", "name": "Борышкер Бақыт"},
                ],
                "annex": ["Талап қою арызы", "Қарыз шарты"],
                "claim_amount": "250000.00",
            },
            format="json",
        ),
        201,
    )
    for title, text in (("Талап қою арызы", "Талап"), ("Қарыз шарты", "Шарт")):
        upload = io.BytesIO(pdf_bytes(text=text))
        upload.name = f"{text}.pdf"
        ok(
            api_client.post(
                f"/api/v1/filings/{filing['id']}/attachments/",
                {"file": upload, "title": title},
                format="multipart",
            ),
            201,
        )
    payload = api_client.get(f"/api/v1/filings/{filing['id']}/signing-payload/").content
    submitted = ok(
        api_client.post(
            f"/api/v1/filings/{filing['id']}/submit/",
            {"cms": ecp.sign(applicant, payload)},
            format="json",
        ),
        202,
    )
    assert submitted["number"]
    filing = ok(api_client.get(f"/api/v1/filings/{filing['id']}/"))
    assert filing["status"] == "received"
    assert filing["signature"]["valid"] is True
    deadline = datetime.fromisoformat(filing["registration_deadline"]).astimezone(court.tzinfo)
    assert deadline.date() > usual_deadline.date()


@pytest.mark.django_db
def test_sign_in_stays_throttled_while_redis_is_down(api_client, settings, monkeypatch):
    """issue 10: the documented choice for throttles during an outage: neither open (unlimited
    password guesses) nor closed (nobody signs in): they count in process memory."""
    from rest_framework.throttling import SimpleRateThrottle

    rates = {**SimpleRateThrottle.THROTTLE_RATES, "sign_in": "3/min", "sign_in_login": "100/min"}
    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", rates)
    settings.CACHES = redis_caches("redis://127.0.0.1:1/0", f"outage-{uuid.uuid4().hex}")
    codes = [
        api_client.post(
            "/api/v1/auth/token/", {"login": "x", "password": "y"}, REMOTE_ADDR="203.0.113.77"
        ).status_code
        for _ in range(4)
    ]
    assert codes == [401, 401, 401, 429]


class SharedRedisDatabase:
    """A Redis database shared by this cache, another key prefix and Celery's queue: just the
    calls `clear()` may make."""

    def __init__(self, keys) -> None:
        self.keys = set(keys)
        self.flushed = False

    def scan_iter(self, match, count):
        import fnmatch

        return iter([key for key in sorted(self.keys) if fnmatch.fnmatchcase(key, match)])

    def delete(self, *keys):
        self.keys -= set(keys)

    def flushdb(self):
        self.flushed = True
        self.keys.clear()


def test_clear_deletes_only_this_caches_keys(settings):
    """Django's RedisCache.clear() is FLUSHDB: with REDIS_URL shared by the Celery broker it
    would drop queued filings' work (R-ECP-3), and it wipes other processes' caches."""
    cache = ResilientRedisCache("redis://127.0.0.1:1/0", {"KEY_PREFIX": "portal"})
    database = SharedRedisDatabase(
        [
            "portal:1:throttle_sign_in_1",
            "portal:1:courts:calendar",
            "other:1:x",
            "celery",
            "_kombu.binding.celery",
        ]
    )
    cache._cache.get_client = lambda key=None, *, write=False: database
    assert cache.clear() is True
    assert not database.flushed
    assert database.keys == {"other:1:x", "celery", "_kombu.binding.celery"}
