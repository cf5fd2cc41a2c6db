"""Configuration that keeps the portal up under faults (issue 10 "Faults").

- gunicorn's keep-alive comes from GUNICORN_KEEPALIVE (default 5 s) wherever gunicorn starts,
  and Retry-After values stay clear of it (connection resets under load);
- docker-compose restarts web, worker and beat and checks their health;
- the filings sweeper's interval is a setting (FILINGS_SWEEP_INTERVAL);
- GET /healthz answers without the database, a host check or an HTTPS redirect.
"""

from __future__ import annotations

import importlib
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

from sotkabinet import faults, gunicorn_conf, healthcheck
from sotkabinet.devserver import commands_for

ROOT = Path(__file__).resolve().parent.parent
KEEPALIVE_CONFIG = "python:sotkabinet.gunicorn_conf"


@pytest.fixture
def compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))


# -- keep-alive and Retry-After -------------------------------------------------------------


def test_gunicorn_keepalive_defaults_to_5_seconds_and_follows_the_environment(monkeypatch):
    monkeypatch.delenv("GUNICORN_KEEPALIVE", raising=False)
    assert importlib.reload(gunicorn_conf).keepalive == 5
    monkeypatch.setenv("GUNICORN_KEEPALIVE", "9")
    assert importlib.reload(gunicorn_conf).keepalive == 9
    monkeypatch.setenv("GUNICORN_KEEPALIVE", "0")
    with pytest.raises(ValueError):
        importlib.reload(gunicorn_conf)
    monkeypatch.delenv("GUNICORN_KEEPALIVE")
    importlib.reload(gunicorn_conf)


def test_gunicorn_reads_the_keepalive_config(tmp_path):
    """The config module as gunicorn itself loads it (`--print-config`)."""
    env = {**os.environ, "GUNICORN_KEEPALIVE": "7"}
    result = subprocess.run(
        [sys.executable, "-m", "gunicorn", "-c", KEEPALIVE_CONFIG, "--print-config", "x:y"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    lines = [line.split("=", 1) for line in result.stdout.splitlines() if "=" in line]
    assert {key.strip(): value.strip() for key, value in lines}["keepalive"] == "7"


def test_every_place_that_starts_gunicorn_uses_the_keepalive_config(compose):
    web = commands_for("127.0.0.1", "8123")["web"]
    assert web[web.index("--config") + 1] == KEEPALIVE_CONFIG
    assert f"-c {KEEPALIVE_CONFIG}" in compose["services"]["web"]["command"]
    assert compose["services"]["web"]["environment"]["GUNICORN_KEEPALIVE"].endswith(":-5}")
    dockerfile = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    assert f'"-c", "{KEEPALIVE_CONFIG}"' in dockerfile


def test_the_settings_know_the_keepalive(settings):
    """The same variable and default as gunicorn's (the environment may set it, .env too)."""
    assert gunicorn_conf.DEFAULT_KEEPALIVE_SECONDS == 5
    expected = int(os.environ.get("GUNICORN_KEEPALIVE") or gunicorn_conf.DEFAULT_KEEPALIVE_SECONDS)
    assert expected == settings.GUNICORN_KEEPALIVE


@pytest.mark.parametrize("keepalive", [2, 5, 9])
def test_retry_after_values_stay_clear_of_the_keepalive(settings, keepalive):
    settings.GUNICORN_KEEPALIVE = keepalive
    for wanted in range(0, 90):
        value = int(faults.retry_after(wanted))
        assert value >= max(1, wanted)
        assert abs(value - keepalive) >= faults.KEEPALIVE_MARGIN_SECONDS


def test_fixed_retry_after_values_are_clear_of_the_default_keepalive():
    """The talon poll (R-FIL-7) and the 503 of a lost database connection."""
    from filings.api.views import TALON_RETRY_AFTER_SECONDS as api_talon
    from filings.web.views import TALON_RETRY_AFTER_SECONDS as web_talon

    keepalive = gunicorn_conf.DEFAULT_KEEPALIVE_SECONDS
    for value in (api_talon, web_talon, faults.DATABASE_RETRY_AFTER_SECONDS):
        assert abs(value - keepalive) >= faults.KEEPALIVE_MARGIN_SECONDS
    # A talon poll comes back on a connection the server still keeps open.
    assert api_talon == web_talon < keepalive


def test_a_throttle_retry_after_is_kept_clear_of_the_keepalive(settings):
    from rest_framework.exceptions import Throttled

    from sotkabinet.errors import exception_handler

    settings.GUNICORN_KEEPALIVE = 5
    response = exception_handler(Throttled(wait=4.2), {})
    assert response.status_code == 429
    assert response["Retry-After"] == "7"


# -- docker-compose -------------------------------------------------------------------------


@pytest.mark.parametrize("service", ["web", "worker", "beat", "postgres", "redis"])
def test_compose_restarts_every_service_unless_stopped(compose, service):
    assert compose["services"][service]["restart"] == "unless-stopped"


def test_compose_checks_the_health_of_web_worker_and_beat(compose):
    services = compose["services"]
    assert services["web"]["healthcheck"]["test"] == [
        "CMD",
        "python",
        "-m",
        "sotkabinet.healthcheck",
        "web",
    ]
    worker = services["worker"]["healthcheck"]["test"]
    assert worker[0] == "CMD-SHELL"
    assert "inspect ping -d celery@$$HOSTNAME" in worker[1]
    beat = services["beat"]["healthcheck"]["test"]
    assert beat[:5] == ["CMD", "python", "-m", "sotkabinet.healthcheck", "beat"]
    assert beat[beat.index("--schedule") + 1] in services["beat"]["command"]
    for name in ("web", "worker", "beat"):
        check = services[name]["healthcheck"]
        assert check["interval"] and check["timeout"] and check["retries"] >= 1


def test_the_beat_check_follows_the_age_of_the_schedule_file(tmp_path):
    schedule = tmp_path / "celerybeat-schedule"
    assert healthcheck.main(["beat", "--schedule", str(schedule)]) == 1  # not written yet
    written = tmp_path / "celerybeat-schedule.db"  # dbm may add a suffix
    written.write_bytes(b"")
    assert healthcheck.main(["beat", "--schedule", str(schedule), "--max-age", "600"]) == 0
    old = time.time() - 3600
    os.utime(written, (old, old))
    assert healthcheck.main(["beat", "--schedule", str(schedule), "--max-age", "600"]) == 1


def test_the_web_check_asks_healthz(live_server):
    assert healthcheck.main(["web", "--url", f"{live_server.url}/healthz"]) == 0
    assert healthcheck.main(["web", "--url", f"{live_server.url}/no-such-page"]) == 1


# -- /healthz -------------------------------------------------------------------------------


def test_healthz_answers_without_database_host_check_or_https_redirect(
    client, db, settings, django_assert_num_queries
):
    settings.ALLOWED_HOSTS = ["sot.example.kz"]
    settings.SECURE_SSL_REDIRECT = True
    with django_assert_num_queries(0):
        response = client.get("/healthz", HTTP_HOST="127.0.0.1:8000")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert response["Cache-Control"] == "no-store"


# -- the sweeper ----------------------------------------------------------------------------


def test_the_filings_sweeper_interval_is_a_setting(tmp_path):
    """FILINGS_SWEEP_INTERVAL sets how often beat re-queues lost work (README "Faults")."""
    env = {
        **{key: value for key, value in os.environ.items() if key != "DJANGO_ALLOW_ASYNC_UNSAFE"},
        "DJANGO_SETTINGS_MODULE": "sotkabinet.settings.dev",
        "DATA_DIR": str(tmp_path),
        "FILINGS_SWEEP_INTERVAL": "17",
    }
    script = (
        "from django.conf import settings; "
        "entry = settings.CELERY_BEAT_SCHEDULE['filings-sweep']; "
        "print(settings.FILINGS_SWEEP_INTERVAL, entry['schedule'], entry['options']['expires'])"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    interval, schedule, expires = (float(value) for value in result.stdout.split())
    assert interval == schedule == 17.0
    assert 0 < expires < schedule


def test_the_sweeper_runs_every_minute_by_default(settings):
    expected = float(os.environ.get("FILINGS_SWEEP_INTERVAL") or 60.0)
    assert expected == settings.FILINGS_SWEEP_INTERVAL
    assert settings.CELERY_BEAT_SCHEDULE["filings-sweep"]["schedule"] == expected


def test_the_web_sign_in_wait_is_kept_clear_of_the_keepalive(settings):
    from django.test import RequestFactory

    from sotkabinet.throttling import AddressRateThrottle, web_wait

    class Exhausted(AddressRateThrottle):
        def allow_request(self, request, view):
            return False

        def wait(self):
            return 4.6

    settings.GUNICORN_KEEPALIVE = 5
    request = RequestFactory().post("/accounts/sign-in/")
    assert web_wait(request, "sign_in", address_throttle=Exhausted) == 7


def test_the_verify_page_retry_after_is_kept_clear_of_the_keepalive(client, db, monkeypatch):
    from registry import verify_views

    monkeypatch.setattr(verify_views, "VERIFY_RATE_PER_MINUTE", 1)
    # 4.5 s before the next minute: the page would say 5, the keep-alive.
    monkeypatch.setattr(verify_views, "_clock", lambda: 60 * 29_000_000 + 55.5)
    address = "198.51.100.9"
    assert client.get("/verify/unknown-code/", REMOTE_ADDR=address).status_code == 404
    limited = client.get("/verify/unknown-code/", REMOTE_ADDR=address)
    assert limited.status_code == 429
    assert limited["Retry-After"] == "7"
