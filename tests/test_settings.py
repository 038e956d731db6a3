"""Secrets come from the environment, and production settings pass Django's deploy checks."""

import os
import secrets
import subprocess
import sys
import uuid
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def _run(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "MASH_"))}
    clean.update(env)
    return subprocess.run(  # noqa: S603 (our own manage.py)
        [sys.executable, "manage.py", *args],
        cwd=REPO,
        env=clean,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )


def test_missing_secret_key_stops_start_up():
    result = _run(
        {"DJANGO_SETTINGS_MODULE": "config.settings", "DJANGO_READ_DOT_ENV": "false"}, "check"
    )
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


def test_production_settings_pass_the_deploy_checks():
    result = _run(
        {
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "MASH_ENVIRONMENT": "production",
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
            "DJANGO_ALLOWED_HOSTS": "mash.example.org",
            # Synthetic: the key's form only (ADR 0018); nothing is sent by a check.
            "MASH_NOTIFY_API_KEY": f"check-{uuid.uuid4()}-{uuid.uuid4()}",
            "MASH_NOTIFY_EMAIL_TEMPLATE_ID": str(uuid.uuid4()),
            "MASH_BROKER_URL": "redis://127.0.0.1:6379/0",
        },
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_that_would_send_nothing_is_warned_about():
    """ADR 0018: the outbox adapter or no broker in production would record letters as sent
    while nobody gets them; the deploy checks say so."""
    result = _run(
        {
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "MASH_ENVIRONMENT": "production",
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
            "DJANGO_ALLOWED_HOSTS": "mash.example.org",
            "MASH_NOTIFY_ADAPTER": "outbox",
        },
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
    )
    assert result.returncode != 0
    assert "notifications.E001" in result.stderr and "notifications.W003" in result.stderr
