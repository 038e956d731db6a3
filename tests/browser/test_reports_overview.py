"""axe on the managers' daily overview (issue 8 §1, DM-2), its bad-filter state, and print."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from tests.browser import scenarios

pytestmark = pytest.mark.browser


def test_the_daily_overview_on_screen_and_printed(
    check, browser_page: Page, live_server, sign_in, carys, sam, priya, meera
) -> None:
    overdue = scenarios.household_contact(carys, received_at=timezone.now() - timedelta(days=4))
    fresh = scenarios.household_contact(carys)
    scenarios.check_every_child(fresh, sam)
    scenarios.screen(fresh, priya, rag="RED")
    sign_in(browser_page, live_server, meera)

    page = check("/reports/overview/", "Daily overview")
    clocks = page.locator("#open-clocks")
    expect(clocks).to_contain_text(overdue.reference)
    expect(clocks.locator(".govuk-tag--red").first).to_have_text("Overdue")
    expect(page.locator("#by-stage")).to_contain_text("MASH checks")
    expect(page.locator("#age-bands")).to_contain_text("Under 1 working day")

    page.emulate_media(media="print")
    expect(page.locator(".govuk-service-navigation")).to_be_hidden()
    expect(page.locator(".govuk-header")).to_be_hidden()
    expect(page.locator(".govuk-footer")).to_be_hidden()
    expect(page.locator(".app-overview__filters")).to_be_hidden()
    expect(page.locator(".govuk-back-link")).to_be_hidden()
    expect(page.get_by_role("heading", level=1)).to_have_text("Daily overview")
    expect(clocks).to_be_visible()
    link = clocks.get_by_role("link", name=overdue.reference).first
    after = link.evaluate("el => getComputedStyle(el, '::after').content")
    assert after in ("none", "normal")  # the reference, not its address, on paper
    page.emulate_media(media="screen")

    check("/reports/overview/?team=nonsense&rag=RED", "Daily overview", status=400)
    expect(page.locator(".govuk-error-summary")).to_contain_text("Select a team from the list")
    expect(page.get_by_label("RAG rating")).to_have_value("RED")
