"""The shared pages in a real browser: accessible, and with no GOV.UK-only branding fetched."""

import re

import pytest
from playwright.sync_api import Page, expect

pytestmark = [pytest.mark.browser, pytest.mark.urls("mash.core.tests.urls")]

# GDS Transport font files, the crown/crest images and GOV.UK's favicons (which are the crown).
FORBIDDEN_ASSET = re.compile(
    r"\.(woff2?|ttf|otf)(\?|$)|/fonts/|crest|crown|govuk-icon|favicon\.ico"
)


def test_accessibility_statement(
    browser_page: Page,
    live_server,
    assert_accessible,
    requested_urls,
    console_errors,
    failed_requests,
) -> None:
    browser_page.goto(f"{live_server.url}/accessibility/")
    expect(browser_page.get_by_role("heading", level=1)).to_contain_text("Accessibility statement")
    expect(browser_page.locator("body")).to_have_class(re.compile("govuk-frontend-supported"))
    assert_accessible(browser_page, best_practice=True)
    assert [url for url in requested_urls if FORBIDDEN_ASSET.search(url)] == []
    assert console_errors == []
    assert failed_requests == []


def test_page_not_found(
    browser_page: Page,
    live_server,
    assert_accessible,
    requested_urls,
    console_errors,
    failed_requests,
) -> None:
    response = browser_page.goto(f"{live_server.url}/no-such-page/")
    assert response.status == 404
    expect(browser_page).to_have_title(re.compile("^Page not found – "))
    assert_accessible(browser_page, best_practice=True)
    assert [url for url in requested_urls if FORBIDDEN_ASSET.search(url)] == []
    assert console_errors == []
    assert failed_requests == []


def test_pages_use_arial_not_gds_transport(browser_page: Page, live_server) -> None:
    browser_page.goto(f"{live_server.url}/accessibility/")
    font = browser_page.locator("h1").evaluate("el => getComputedStyle(el).fontFamily")
    assert font == "arial, sans-serif"


def test_signed_in_navigation(
    browser_page: Page, live_server, sign_in, django_user_model, assert_accessible, console_errors
) -> None:
    from mash.accounts.models import Agency, Membership, Role

    user = django_user_model.objects.create_user(username="sam.patel")
    sign_in(browser_page, live_server, user)
    browser_page.goto(f"{live_server.url}/contacts/record/")
    nav = browser_page.get_by_role("navigation", name="Main")
    # No role yet: nothing to work on (ADR 0012), but the account and signing out are there.
    expect(nav.get_by_role("link", name="Record a contact")).to_have_count(0)
    expect(nav.get_by_role("link", name="Your account")).to_be_visible()
    expect(nav.get_by_role("button", name="Sign out")).to_be_visible()
    csc = Agency.objects.create(
        code="csc", name="Children's social care", is_childrens_social_care=True
    )
    Membership.objects.create(user=user, agency=csc, role=Role.MASH_SOCIAL_WORKER)
    browser_page.reload()
    expect(nav.get_by_role("link", name="Record a contact")).to_have_attribute(
        "aria-current", "page"
    )
    expect(nav.get_by_role("button", name="Sign out")).to_be_visible()
    assert_accessible(browser_page, best_practice=True)
    assert console_errors == []


def test_form_errors_are_summarised_and_focused(
    browser_page: Page, live_server, assert_accessible, console_errors
) -> None:
    browser_page.goto(f"{live_server.url}/example-form/")
    assert_accessible(browser_page, best_practice=True)
    browser_page.get_by_label("Full name").fill("Amelia Hughes")
    browser_page.get_by_label("Day").fill("12")
    browser_page.get_by_label("Month").fill("13")
    browser_page.get_by_label("Year").fill("2019")
    browser_page.get_by_role("button", name="Continue").click()
    expect(browser_page).to_have_title(re.compile("^Error: Example form"))
    summary = browser_page.locator(".govuk-error-summary")
    expect(summary).to_be_focused()
    expect(browser_page.get_by_label("Full name")).to_have_value("Amelia Hughes")
    expect(browser_page.get_by_label("Month")).to_have_value("13")
    summary.get_by_role("link", name="Date of birth must be a real date").click()
    expect(browser_page.get_by_label("Month")).to_be_focused()
    assert_accessible(browser_page, best_practice=True)
    assert console_errors == []
