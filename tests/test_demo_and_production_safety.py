"""Issue 9 "Demo safety" and "The enforcement service token": what the production settings
profile refuses at start-up, and the demo tools that never run on a real portal."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from filings.gateway import sandbox_enabled

ROOT = Path(__file__).resolve().parent.parent


def _production(tmp_path, *args: str, **env: str) -> subprocess.CompletedProcess:
    base = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DJANGO_ALLOW_ASYNC_UNSAFE", "DEMO", "PAYMENT_GATEWAY_SANDBOX"}
    }
    environment = {
        **base,
        "DJANGO_SETTINGS_MODULE": "sotkabinet.settings.production",
        "SECRET_KEY": "a-long-random-production-secret-" + "x" * 40,
        "ALLOWED_HOSTS": "sot.example.kz",
        "PAYMENT_GATEWAY_SECRET": "gateway-secret",
        "ENFORCEMENT_API_TOKEN": "a-long-random-service-token-" + "y" * 40,
        "DATA_DIR": str(tmp_path),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        **env,
    }
    environment = {key: value for key, value in environment.items() if value is not None}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_issue_9_production_refuses_to_start_without_the_enforcement_token(tmp_path):
    result = _production(tmp_path, "check", ENFORCEMENT_API_TOKEN=None)
    assert result.returncode != 0
    assert "ENFORCEMENT_API_TOKEN" in result.stderr
    blank = _production(tmp_path, "check", ENFORCEMENT_API_TOKEN="  ")
    assert blank.returncode != 0
    assert "ENFORCEMENT_API_TOKEN" in blank.stderr


def test_issue_9_production_refuses_the_sandbox_gateway_without_demo(tmp_path):
    result = _production(tmp_path, "check", PAYMENT_GATEWAY_SANDBOX="1")
    assert result.returncode != 0
    assert "PAYMENT_GATEWAY_SANDBOX" in result.stderr
    assert _production(tmp_path, "check").returncode == 0


def test_issue_9_production_refuses_demo(tmp_path):
    """The demo signer lets anyone sign in as anyone: the production profile never starts with it,
    nor with the sandbox gateway that DEMO would bring."""
    result = _production(tmp_path, "check", DEMO="1")
    assert result.returncode != 0
    assert "DEMO=1" in result.stderr
    with_sandbox = _production(tmp_path, "check", DEMO="1", PAYMENT_GATEWAY_SANDBOX="1")
    assert with_sandbox.returncode != 0


def test_issue_9_seed_demo_refuses_the_production_profile(tmp_path):
    result = _production(tmp_path, "seed_demo")
    assert result.returncode != 0
    assert "refuses to run under the production settings profile" in result.stderr


@pytest.mark.django_db
def test_issue_9_seed_demo_checks_the_profile_before_touching_anything(settings):
    from sotkabinet.accounts.models import User

    settings.PRODUCTION = True
    with pytest.raises(CommandError, match="production"):
        call_command("seed_demo", verbosity=0)
    assert not User.objects.exists()


def test_issue_9_the_sandbox_gateway_is_off_without_demo(settings):
    settings.DEMO = False
    settings.DEBUG = True
    settings.PAYMENT_GATEWAY_SANDBOX = True
    assert sandbox_enabled() is False
    settings.DEMO = True
    assert sandbox_enabled() is True
    settings.PAYMENT_GATEWAY_SANDBOX = False
    assert sandbox_enabled() is False


def test_issue_9_the_local_service_token_is_random_private_and_shared(tmp_path, monkeypatch):
    """Outside production an unset ENFORCEMENT_API_TOKEN is one random value per DATA_DIR (the
    web and the worker of `make run` share it), readable only by its owner."""
    from sotkabinet.settings import base

    monkeypatch.setattr(base, "DATA_DIR", tmp_path / "one")
    first = base._local_secret("enforcement-api-token")
    assert len(first) == 64 and int(first, 16) >= 0
    assert base._local_secret("enforcement-api-token") == first
    path = tmp_path / "one" / "secrets" / "enforcement-api-token"
    assert path.stat().st_mode & 0o777 == 0o600
    assert [p.name for p in path.parent.iterdir()] == ["enforcement-api-token"]
    monkeypatch.setattr(base, "DATA_DIR", tmp_path / "two")
    assert base._local_secret("enforcement-api-token") != first


@pytest.mark.parametrize("secret", ["", "  ", "sandbox-gateway-secret"])
def test_issue_9_production_refuses_a_blank_or_published_gateway_secret(tmp_path, secret):
    """Issue 9 "Money": the payment callback is trusted by its HMAC under PAYMENT_GATEWAY_SECRET.
    A blank secret (`PAYMENT_GATEWAY_SECRET=` as in a copied .env.example) or the published
    sandbox default lets anyone sign a `paid` notice, so the production profile refuses both."""
    result = _production(tmp_path, "check", PAYMENT_GATEWAY_SECRET=secret)
    assert result.returncode != 0
    assert "PAYMENT_GATEWAY_SECRET" in result.stderr


@pytest.mark.django_db
def test_issue_9_a_blank_gateway_secret_verifies_no_callback(settings):
    """Whatever the profile, an empty HMAC key proves nothing: the callback is refused."""
    import hashlib
    import hmac

    from filings.duty import payment_callback
    from sotkabinet.errors import DomainError

    settings.PAYMENT_GATEWAY_SECRET = ""
    body = b'{"reference": "any", "status": "paid", "amount": "1.00"}'
    forged = hmac.new(b"", body, hashlib.sha256).hexdigest()
    with pytest.raises(DomainError) as refused:
        payment_callback(body, forged)
    assert refused.value.code == "bad_signature"
