"""The session timeout warning in a real browser: shown before the idle sign-out, focus moved
into it, accessible, and "Stay signed in" keeps the session (ADR 0011)."""

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser


@pytest.fixture
def short_idle(settings):
    """One minute of idle time, warned 57 seconds before: the warning comes after ~3 s."""
    settings.SESSION_IDLE_MINUTES = 1
    settings.SESSION_WARNING_SECONDS = 57
    return settings


def test_the_warning_comes_before_expiry_and_stay_signed_in_keeps_the_session(
    browser_page: Page, live_server, sign_in, sam, short_idle, assert_accessible, console_errors
) -> None:
    sign_in(browser_page, live_server, sam)
    browser_page.goto(f"{live_server.url}/contacts/new/")
    browser_page.get_by_label("Referrer's name").fill("Typed, not lost")
    dialog = browser_page.get_by_role("alertdialog", name="You will be signed out soon")
    expect(dialog).to_be_visible(timeout=15_000)
    expect(dialog).to_contain_text("you will be signed out in 1 minute")
    expect(dialog.get_by_role("heading", name="You will be signed out soon")).to_be_focused()
    expect(dialog.get_by_role("button", name="Close")).to_be_hidden()
    assert_accessible(browser_page)

    dialog.get_by_role("button", name="Stay signed in").click()
    expect(dialog).to_be_hidden()
    expect(browser_page.get_by_label("Referrer's name")).to_have_value("Typed, not lost")
    expect(browser_page.get_by_label("Referrer's name")).to_be_focused()
    status = browser_page.evaluate(
        "fetch('/account/session/', {credentials: 'same-origin'}).then(r => r.json())"
    )
    assert status["signed_in"] and status["remaining"] > 57
    assert console_errors == []


def test_sign_out_from_the_warning(
    browser_page: Page, live_server, sign_in, sam, short_idle, console_errors
) -> None:
    sign_in(browser_page, live_server, sam)
    browser_page.goto(f"{live_server.url}/contacts/")
    dialog = browser_page.get_by_role("alertdialog", name="You will be signed out soon")
    expect(dialog).to_be_visible(timeout=15_000)
    dialog.get_by_role("button", name="Sign out").click()
    expect(browser_page.get_by_role("heading", level=1)).to_have_text("Sign in")
    assert console_errors == []
