"""axe on the reports hub (issue 8, ADR 0020): every section it lists opens for a manager."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser

SECTIONS = [
    ("Daily overview", "Daily overview"),
    ("Performance report", "Performance report"),
    ("Dip samples", "Dip samples"),
    ("Children in need census", "Children in need census"),
    ("Ofsted Annex A", "Ofsted Annex A"),
    ("Data quality", "Records that would fail the returns"),
]


def test_the_hub_lists_each_report_and_each_opens(
    check, browser_page: Page, live_server, sign_in, meera
) -> None:
    sign_in(browser_page, live_server, meera)
    page = check("/reports/", "Reports")
    nav = page.locator(".govuk-service-navigation")
    expect(nav.get_by_role("link", name="Reports")).to_have_attribute("aria-current", "page")
    for link, heading in SECTIONS:
        page.get_by_role("link", name=link, exact=True).click()
        expect(page.get_by_role("heading", level=1)).to_contain_text(heading)
        page.go_back()
