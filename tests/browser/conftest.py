"""Browser tests: Playwright driving Debian's Chromium against Django's live server.

Recipe from docs stack-notes section 5.1: `playwright install` cannot download browsers here, so
the system Chromium is launched through `executable_path`. Run with
`.venv/bin/pytest tests/browser` (after `npm run build`); skip with `-m "not browser"`.
"""

import importlib
import os
import re
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.conf import settings
from django.db import connection
from django.test import Client
from playwright.sync_api import Page, expect

from conftest import _allow_audit_truncate

# Playwright's sync API runs an event loop in the main thread; without this, ORM calls in
# live_server tests raise SynchronousOnlyOperation.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    # The network is closed: stop Chromium phoning home and waiting on it.
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
BUILT_CSS = Path(settings.BASE_DIR) / "mash/core/static/govuk/application.css"


def chromium_path() -> str:
    """The Chromium to drive: $CHROMIUM_PATH, else Debian's /usr/bin/chromium."""
    path = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
    if not Path(path).exists():
        pytest.fail(f"Chromium not found at {path}: apt-get install -y chromium fonts-liberation2")
    return path


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    """pytest-playwright hook: launch the system Chromium with offline-friendly flags."""
    return {**browser_type_launch_args, "executable_path": chromium_path(), "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session", autouse=True)
def _assets_built() -> None:
    if not BUILT_CSS.exists():
        pytest.fail(f"{BUILT_CSS} is missing: run `npm install && npm run build` first")


@pytest.fixture
def browser_page(page: Page) -> Page:
    """A fresh page that fails fast instead of waiting 30 seconds on a missing element."""
    page.set_default_timeout(5_000)
    return page


@pytest.fixture
def requested_urls(browser_page: Page) -> list[str]:
    """Every URL the page requests from now on (for asserting what is never fetched)."""
    urls: list[str] = []
    browser_page.on("request", lambda request: urls.append(request.url))
    return urls


@pytest.fixture
def console_errors(browser_page: Page) -> list[str]:
    """Script errors and Content Security Policy violations from now on.

    Failed loads are left to `failed_requests`: the console also reports an error page's own
    404, which is not a fault.
    """
    errors: list[str] = []

    def on_console(message: Any) -> None:
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            errors.append(message.text)

    browser_page.on("console", on_console)
    browser_page.on("pageerror", lambda error: errors.append(str(error)))
    return errors


@pytest.fixture
def failed_requests(browser_page: Page) -> list[str]:
    """Stylesheets, scripts and images that failed to load (the page itself excluded)."""
    failed: list[str] = []

    def on_response(response: Any) -> None:
        if response.status >= 400 and response.request.resource_type != "document":
            failed.append(f"{response.status} {response.url}")

    def on_failed(request: Any) -> None:
        # Aborted because the test moved to the next page before it finished (a favicon of
        # the page before): not a load that failed.
        if request.failure != "net::ERR_ABORTED":
            failed.append(f"failed {request.url} ({request.failure})")

    browser_page.on("response", on_response)
    browser_page.on("requestfailed", on_failed)
    return failed


@pytest.fixture
def sign_in(client: Client) -> Callable[[Page, Any, Any], None]:
    """`sign_in(page, live_server, user)`: sign the browser in as `user`, no password needed.

    The test client creates the session in the database the live server shares; the browser
    is then given that session's cookie.
    """

    def _sign_in(page: Page, live_server: Any, user: Any) -> None:
        client.force_login(user)
        cookie = client.cookies[settings.SESSION_COOKIE_NAME]
        page.context.add_cookies(
            [{"name": settings.SESSION_COOKIE_NAME, "value": cookie.value, "url": live_server.url}]
        )

    return _sign_in


def format_violations(violations: list[dict[str, Any]]) -> str:
    """axe violations as a readable list: rule, impact, help, and each offending element."""
    lines = [f"{len(violations)} accessibility violation(s):"]
    for violation in violations:
        lines.append(
            f"- {violation['id']} ({violation.get('impact')}): {violation['help']}"
            f" <{violation['helpUrl']}>"
        )
        for node in violation["nodes"]:
            lines.append(f"    at {' '.join(map(str, node['target']))}: {node['html'][:200]}")
            summary = (node.get("failureSummary") or "").replace("\n", " ")
            lines.append(f"      {summary}")
    return "\n".join(lines)


@pytest.fixture
def assert_accessible() -> Callable[..., None]:
    """`assert_accessible(page)`: axe with the WCAG 2.0, 2.1 and 2.2 A and AA rules.

    `best_practice=True` adds axe's best-practice rules (landmarks, heading order); the core
    layout is held to them.
    """
    axe = Axe()

    def _assert_accessible(page: Page, *, best_practice: bool = False) -> None:
        tags = WCAG_TAGS + (["best-practice"] if best_practice else [])
        options = {"runOnly": {"type": "tag", "values": tags}, "resultTypes": ["violations"]}
        violations = axe.run(page, options=options).response["violations"]
        if violations:
            pytest.fail(f"{page.url}\n{format_violations(violations)}", pytrace=False)

    return _assert_accessible


# --------------------------------------------------------------------------- the audit trail

_APPEND_ONLY = importlib.import_module("mash.audit.migrations.0002_append_only")


def _set_append_only(on: bool) -> None:
    """Drop or (re)create SQLite's append-only triggers on the audit table.

    On PostgreSQL the flush is a TRUNCATE, which row triggers do not see; the TRUNCATE trigger
    (ADR 0010) comes off for it and the flush's post_migrate puts it back (root conftest).
    """
    if connection.vendor == "postgresql" and not on:
        _allow_audit_truncate()  # the TRUNCATE trigger only
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        cursor.execute("DROP TRIGGER IF EXISTS audit_event_no_update")
        cursor.execute("DROP TRIGGER IF EXISTS audit_event_no_delete")
        if on:
            for statement in _APPEND_ONLY.SQLITE:
                cursor.execute(statement)


@pytest.fixture(scope="module", autouse=True)
def _append_only_after_module(django_db_blocker: Any) -> Iterator[None]:
    """Put the triggers back once the module's live-server tests have finished."""
    yield
    with django_db_blocker.unblock():
        _set_append_only(True)


@pytest.fixture(autouse=True)
def flushable_audit_trail(
    _append_only_after_module: None, transactional_db: None, live_server: Any
) -> Iterator[None]:
    """Let a live-server test's database flush empty the append-only audit trail.

    Live-server tests use a real transaction and empty every table afterwards; the audit
    table's triggers refuse the DELETE, so the flush fails once a page has written an audit
    event. The triggers stay on while the test runs (the app is held to them) and come off
    just before the flush. Every browser test uses the live server, so this is autouse.
    """
    _set_append_only(True)
    yield
    _set_append_only(False)


@pytest.fixture
def check(
    browser_page: Page,
    live_server: Any,
    assert_accessible: Callable[..., None],
    console_errors: list[str],
    failed_requests: list[str],
) -> Callable[..., Page]:
    """`check(path, h1, status=200)`: open the page, check its heading, then axe it (WCAG 2.2
    AA and best practice), its structure, and that nothing failed to load or logged an error.
    `check.audit(h1)` does the same for the page the browser is on."""
    from tests.browser import scenarios  # it imports this module's helpers

    def _check(path: str, h1: str | re.Pattern[str], *, status: int = 200) -> Page:
        response = browser_page.goto(f"{live_server.url}{path}")
        assert response is not None and response.status == status, path
        audit(h1)
        return browser_page

    def audit(h1: str | re.Pattern[str]) -> None:
        expect(browser_page.get_by_role("heading", level=1)).to_have_text(h1)
        assert_accessible(browser_page)
        scenarios.assert_best_practice(browser_page)
        scenarios.assert_page_structure(browser_page)
        assert console_errors == []
        assert failed_requests == []

    _check.audit = audit  # type: ignore[attr-defined]
    return _check
