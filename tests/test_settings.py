"""Secrets come from the environment, and production settings pass Django's deploy checks."""

import os
import secrets
import subprocess
import sys
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
        },
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
    )
    assert result.returncode == 0, result.stdout + result.stderr
