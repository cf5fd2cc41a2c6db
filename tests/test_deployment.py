"""Deployment hygiene: production passes `check --deploy`; models match migrations."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command

ROOT = Path(__file__).resolve().parent.parent


def test_production_settings_pass_check_deploy(tmp_path):
    env = {
        **{
            key: value
            for key, value in os.environ.items()
            if key not in {"DJANGO_ALLOW_ASYNC_UNSAFE", "DEMO"}
        },
        "DJANGO_SETTINGS_MODULE": "sotkabinet.settings.production",
        "SECRET_KEY": "a-long-random-production-secret-" + "x" * 40,
        "ALLOWED_HOSTS": "sot.example.kz",
        "PAYMENT_GATEWAY_SECRET": "gateway-secret",
        "ENFORCEMENT_API_TOKEN": "a-long-random-service-token-" + "y" * 40,
        "DATA_DIR": str(tmp_path),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_settings_refuse_to_start_without_a_secret_key(tmp_path):
    env = {key: value for key, value in os.environ.items() if key not in {"SECRET_KEY", "DEMO"}} | {
        "DJANGO_SETTINGS_MODULE": "sotkabinet.settings.production",
        "ALLOWED_HOSTS": "sot.example.kz",
        "PAYMENT_GATEWAY_SECRET": "gateway-secret",
        "DATA_DIR": str(tmp_path),
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


@pytest.mark.django_db
def test_models_and_migrations_agree():
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)


def test_make_check_deploy_passes_on_a_fresh_clone(tmp_path):
    """README: `make check-deploy` runs `check --deploy` on the production profile. Its recipe
    must give every setting the profile requires (the gateway secret too), or it can only fail."""
    recipe = subprocess.run(
        ["make", "-s", "-n", "-o", "install", "check-deploy"],  # the recipe, without installing
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    ).stdout
    required = {"SECRET_KEY", "ALLOWED_HOSTS", "ENFORCEMENT_API_TOKEN", "PAYMENT_GATEWAY_SECRET"}
    fresh_shell = {
        key: value
        for key, value in os.environ.items()
        if key not in required | {"DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE", "DEMO"}
    }
    result = subprocess.run(
        ["bash", "-c", recipe],
        cwd=ROOT,
        env=fresh_shell | {"DATA_DIR": str(tmp_path)},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, recipe + result.stdout + result.stderr
