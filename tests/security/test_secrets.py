"""No secret has a default (issue 6 §5, docs/adr/0014-hardening.md).

The real start-up is tried without DJANGO_SECRET_KEY and must fail; and every read of the
environment in config/ and mash/ is scanned: a secret-like name (KEY, SECRET, PASSWORD, TOKEN)
read with a default fails the test unless it is allow-listed below with its reason.
"""

from __future__ import annotations

import ast
import os
import re
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
SECRET_LIKE = re.compile(r"KEY|SECRET|PASSWORD|PASSWD|TOKEN|CREDENTIAL", re.IGNORECASE)
# (file, variable) → why a default is acceptable there.
ALLOWED = {
    ("config/settings_test.py", "DJANGO_SECRET_KEY"): (
        "test settings only (pytest and CI): a production start uses config.settings, "
        "which has no default"
    ),
}
_ENV_READERS = {"env", "getenv", "get", "setdefault", "str", "bytes", "int", "bool", "list"}


def _start(code: str, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "MASH_"))}
    return subprocess.run(  # noqa: S603 - our own interpreter on our own settings
        [sys.executable, "-c", code],
        cwd=REPO,
        env=clean | env,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )


def test_settings_refuse_to_load_without_a_secret_key():
    result = _start(
        "import django; django.setup()",
        DJANGO_SETTINGS_MODULE="config.settings",
        DJANGO_READ_DOT_ENV="false",
    )
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr
    assert "ImproperlyConfigured" in result.stderr


def test_settings_load_with_one():
    """The control: the same start with a key set succeeds, so the failure above is the key."""
    result = _start(
        "import django; django.setup(); print('started')",
        DJANGO_SETTINGS_MODULE="config.settings",
        DJANGO_READ_DOT_ENV="false",
        DJANGO_SECRET_KEY="a-key-for-this-test-only-" + "x" * 40,
        MASH_NOTIFY_API_KEY=_SYNTHETIC_NOTIFY_KEY,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "started"


# The form of a Notify key only ({name}-{service id}-{secret}); it reaches no service.
_SYNTHETIC_NOTIFY_KEY = "test-" + "0" * 8 + "-0000-4000-8000-" + "0" * 12 + "-" + "1" * 36


def test_production_refuses_to_start_without_its_notify_key():
    """Production sends through GOV.UK Notify by default (ADR 0018): without the key it stops
    at start, naming it, rather than recording letters as sent that nobody gets."""
    result = _start(
        "import django; django.setup()",
        DJANGO_SETTINGS_MODULE="config.settings",
        DJANGO_READ_DOT_ENV="false",
        DJANGO_SECRET_KEY="a-key-for-this-test-only-" + "x" * 40,
    )
    assert result.returncode != 0
    assert "MASH_NOTIFY_API_KEY" in result.stderr


def _reads_with_defaults(tree: ast.AST) -> list[tuple[str, int]]:
    """(variable name, line) for every environment read that supplies a default."""
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call) or not node.args:
            continue
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
        first = node.args[0]
        if name not in _ENV_READERS or not isinstance(first, ast.Constant):
            continue
        if not isinstance(first.value, str) or not _reads_environment(func):
            continue
        if len(node.args) > 1 or any(k.arg == "default" for k in node.keywords):
            found.append((first.value, node.lineno))
    return found


def _reads_environment(func: ast.expr) -> bool:
    """env(...), env.str(...), os.getenv(...), os.environ.get/setdefault(...)."""
    source = ast.unparse(func)
    return source == "env" or source.startswith(("env.", "os.getenv", "os.environ."))


def _python_files() -> list[Path]:
    files = [*(REPO / "config").rglob("*.py"), *(REPO / "mash").rglob("*.py")]
    return [f for f in files if "tests" not in f.parts and "migrations" not in f.parts]


def test_no_secret_like_setting_has_a_default():
    offending = []
    for path in _python_files():
        relative = path.relative_to(REPO).as_posix()
        for name, line in _reads_with_defaults(ast.parse(path.read_text(), str(path))):
            if SECRET_LIKE.search(name) and (relative, name) not in ALLOWED:
                offending.append(f"{relative}:{line} {name}")
    assert offending == [], "secrets must have no default (or an allow-list entry with a reason)"


def test_the_scan_finds_a_default_where_there_is_one():
    """The scanner itself: each way of reading the environment with a default is seen."""
    source = (
        'A = env.str("OIDC_CLIENT_SECRET", default="")\n'
        'B = env("API_TOKEN", default="x")\n'
        'C = os.environ.get("DB_PASSWORD", "postgres")\n'
        'D = os.getenv("SIGNING_KEY", "k")\n'
        'E = env.str("DJANGO_SECRET_KEY")\n'
        'F = env.int("SESSION_COOKIE_AGE", default=3600)\n'
    )
    names = [name for name, _ in _reads_with_defaults(ast.parse(source))]
    assert names == [
        "OIDC_CLIENT_SECRET",
        "API_TOKEN",
        "DB_PASSWORD",
        "SIGNING_KEY",
        "SESSION_COOKIE_AGE",
    ]
    assert [n for n in names if SECRET_LIKE.search(n)] == names[:4]
