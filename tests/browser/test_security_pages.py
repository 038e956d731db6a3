"""Strict CSP and CSRF pages in a real browser: the API docs and the CSRF failure page."""

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser


def test_swagger_ui_renders_under_the_strict_policy(
    browser_page: Page, live_server, console_errors, failed_requests, requested_urls
) -> None:
    response = browser_page.goto(f"{live_server.url}/api/v1/docs")
    assert response is not None
    assert "'unsafe-inline'" not in response.headers["content-security-policy"]
    assert "script-src 'self'" in response.headers["content-security-policy"]
    expect(browser_page.get_by_role("heading", name="MASH partner API")).to_be_visible()
    expect(browser_page.get_by_text("/api/v1/contacts").first).to_be_visible()
    browser_page.get_by_role("button", name="Authorize").click()
    expect(browser_page.get_by_text("Available authorizations")).to_be_visible()
    assert console_errors == []  # a CSP violation is reported here
    assert failed_requests == []
    assert all(url.startswith(live_server.url) for url in requested_urls)


def test_a_form_sent_without_its_csrf_cookie_gets_the_plain_english_page(
    browser_page: Page, live_server, assert_accessible, console_errors
) -> None:
    """A form posted after its cookie went (a long-open page, cookies blocked): nothing saved."""
    browser_page.goto(f"{live_server.url}/request-help/form/")
    browser_page.context.clear_cookies()
    browser_page.locator("form[method=post] button").last.click()
    expect(browser_page.get_by_role("heading", level=1)).to_have_text("Your form was not sent")
    expect(browser_page.get_by_text("Nothing was saved.")).to_be_visible()
    assert_accessible(browser_page)
    assert console_errors == []
