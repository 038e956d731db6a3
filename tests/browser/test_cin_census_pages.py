"""axe on the CIN census page (issue 8 §4): the summary with records to fix, and a bad year."""

from __future__ import annotations

from datetime import date

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from conftest import child
from mash.returns.tests.front_door import FrontDoor

pytestmark = pytest.mark.browser


def test_the_census_page_and_a_year_it_cannot_export(
    check, browser_page: Page, live_server, sign_in, carys, sam, priya, meera, polly
) -> None:
    today = timezone.localdate()
    door = FrontDoor(carys, sam, priya, meera, polly)
    door.contact(today.replace(day=1), outcome="S17", child=child(gender="F"))
    sign_in(browser_page, live_server, priya)
    page = check("/returns/cin-census/?year=2025", "Children in need census")
    expect(page.get_by_role("button", name="Download the census file (XML)")).to_be_visible()
    in_progress = today.year + (today >= date(today.year, 4, 1))
    page.get_by_label("Census year").select_option(str(in_progress))
    page.get_by_role("button", name="Show").click()
    expect(page.locator("table")).to_contain_text("Record the ethnicity.")
    check.audit("Children in need census")
    check("/returns/cin-census/?year=1999", "Children in need census", status=400)
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Choose a census year from the list"
    )
    check.audit("Children in need census")
