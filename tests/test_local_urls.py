"""issue 10: `PORT=8080 make run` must not leave enforcement and absolute links on port 8000.

Under `make run` (Makefile exports HOST and PORT, the devserver passes them on to its children)
PORTAL_BASE_URL and ENFORCEMENT_API_URL follow HOST/PORT unless they are set explicitly, and the
devserver prints the URLs it uses. Each check runs the settings in a fresh interpreter, as the
web, worker and beat processes of `make run` do.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DERIVED = ("HOST", "PORT", "PORTAL_BASE_URL", "ENFORCEMENT_API_URL", "DJANGO_SETTINGS_MODULE")


def run_python(code: str, tmp_path: Path, **env: str) -> str:
    environment = {key: value for key, value in os.environ.items() if key not in DERIVED}
    environment.update(
        DJANGO_SETTINGS_MODULE="sotkabinet.settings.dev", DATA_DIR=str(tmp_path), **env
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    return result.stdout


SETTINGS = (
    "import django; django.setup(); from django.conf import settings; "
    "print(settings.PORTAL_BASE_URL); print(settings.ENFORCEMENT_API_URL)"
)


@pytest.mark.parametrize(
    ("env", "portal", "enforcement"),
    [
        ({"PORT": "8123"}, "http://127.0.0.1:8123", "http://127.0.0.1:8123/api/v1/ais-oip/"),
        (
            {"HOST": "192.0.2.10", "PORT": "8080"},
            "http://192.0.2.10:8080",
            "http://192.0.2.10:8080/api/v1/ais-oip/",
        ),
        # Listening on every interface: this machine reaches it on loopback.
        (
            {"HOST": "0.0.0.0", "PORT": "8080"},  # noqa: S104
            "http://127.0.0.1:8080",
            "http://127.0.0.1:8080/api/v1/ais-oip/",
        ),
        ({"HOST": "::1", "PORT": "8080"}, "http://[::1]:8080", "http://[::1]:8080/api/v1/ais-oip/"),
        ({}, "http://127.0.0.1:8000", "http://127.0.0.1:8000/api/v1/ais-oip/"),
    ],
)
def test_urls_follow_host_and_port(tmp_path, env, portal, enforcement):
    assert run_python(SETTINGS, tmp_path, **env).split() == [portal, enforcement]


def test_explicit_urls_win_over_host_and_port(tmp_path):
    output = run_python(
        SETTINGS,
        tmp_path,
        PORT="8123",
        PORTAL_BASE_URL="https://sot.example.kz",
        ENFORCEMENT_API_URL="https://ais-oip.example.kz/api/",
    )
    assert output.split() == ["https://sot.example.kz", "https://ais-oip.example.kz/api/"]


def test_devserver_prints_the_urls_it_uses(tmp_path):
    output = run_python(
        "from sotkabinet.devserver import announce; print(announce('127.0.0.1', '8123'))",
        tmp_path,
        PORT="8123",
    )
    assert "http://127.0.0.1:8123/" in output
    assert "PORTAL_BASE_URL=http://127.0.0.1:8123\n" in output
    assert "ENFORCEMENT_API_URL=http://127.0.0.1:8123/api/v1/ais-oip/" in output


def test_make_hands_host_and_port_to_its_commands():
    """The Makefile exports HOST and PORT (defaults too): every command of `make run` sees them."""
    environment = {key: value for key, value in os.environ.items() if key not in DERIVED}
    result = subprocess.run(
        ["make", "-s", '--eval=_show_env: ; @echo "$$HOST $$PORT"', "_show_env"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert result.stdout.split() == ["127.0.0.1", "8000"]


def test_env_example_pins_no_url_to_a_local_port():
    """`.env.example` is meant to be copied to `.env`, which the settings read. A value there is
    "set explicitly", so a loopback URL with a port in it (ENFORCEMENT_API_URL on 8000) would
    again pin the АИС ОИП client to a port whatever HOST/PORT say."""
    pinned = [
        line
        for line in (ROOT / ".env.example").read_text(encoding="utf-8").splitlines()
        if not line.lstrip().startswith("#")
        and any(local in line.split("#")[0] for local in ("//127.0.0.1:", "//localhost:"))
    ]
    assert pinned == []
