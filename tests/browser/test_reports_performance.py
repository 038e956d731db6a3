"""axe on the performance report (issue 8 §2, DM-2): the figures with their charts, and a
period that cannot be reported."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from tests.browser import scenarios

pytestmark = pytest.mark.browser


def test_the_performance_report_and_a_bad_period(
    check, browser_page: Page, live_server, sign_in, carys, meera
) -> None:
    for days in (3, 5):
        scenarios.household_contact(carys, received_at=timezone.now() - timedelta(days=days))
    sign_in(browser_page, live_server, meera)
    page = check("/reports/performance/", "Performance report")
    expect(page.locator("#chart-channel")).to_have_attribute("role", "img")
    expect(page.get_by_role("table", name="Contacts by channel")).to_contain_text("Telephone")
    page.locator("#id_from_day").fill("31")
    page.locator("#id_from_month").fill("2")
    page.get_by_role("button", name="Show the report").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "The start of the period must be a real date"
    )
    expect(page.locator("#id_from_day")).to_have_value("31")
    check.audit("Performance report")
