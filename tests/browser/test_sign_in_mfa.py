"""Signing in with MFA in a real browser: every step accessible under the strict CSP."""

import pytest
from playwright.sync_api import Page, expect

from mash.accounts import mfa

pytestmark = pytest.mark.browser


def test_first_sign_in_sets_up_an_authenticator_then_signs_in(
    browser_page: Page, live_server, check, sam, settings
) -> None:
    settings.MASH_MFA_REQUIRED = True
    page = check("/sign-in/", "Sign in")
    page.get_by_label("Username").fill("sam")
    page.get_by_label("Password").fill("a-long-test-password")
    page.get_by_role("button", name="Sign in").click()
    check.audit("Set up your authenticator app")
    expect(page.locator(".app-qr-code svg")).to_be_visible()
    secret = page.locator("#secret-key").inner_text().replace(" ", "")
    page.get_by_label("Code from your authenticator app").fill("000000")
    page.get_by_role("button", name="Continue").click()
    check.audit("Set up your authenticator app")
    expect(page.locator(".govuk-error-summary")).to_be_focused()
    page.get_by_label("Code from your authenticator app").fill(
        mfa.code_at(secret, mfa.current_step())
    )
    page.get_by_role("button", name="Continue").click()
    check.audit("Your authenticator app is set up")
    expect(page.locator(".app-recovery-codes li")).to_have_count(10)
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("navigation", name="Main")).to_be_visible()

    page.get_by_role("button", name="Sign out").click()
    page.get_by_label("Username").fill("sam")
    page.get_by_label("Password").fill("a-long-test-password")
    page.get_by_role("button", name="Sign in").click()
    check.audit("Enter your security code")
    page.get_by_label("Code from your authenticator app").fill(
        mfa.code_at(secret, mfa.current_step() + 1)
    )
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("navigation", name="Main")).to_be_visible()
