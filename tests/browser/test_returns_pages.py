"""axe on the returns pages (issue 8 §5–6): Annex A with its date error and download, the
data quality page and its filter, and the census details form it leads to."""

from __future__ import annotations

import io
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from openpyxl import load_workbook
from playwright.sync_api import Page, expect

from mash.contacts import services
from mash.returns.tests.front_door import FrontDoor, person_of
from tests.browser import scenarios

pytestmark = pytest.mark.browser


def test_annex_a_explains_a_bad_date_and_downloads(
    check, browser_page: Page, live_server, sign_in, carys, priya
) -> None:
    scenarios.household_contact(carys)
    sign_in(browser_page, live_server, priya)
    page = check("/returns/annex-a/", "Ofsted Annex A")
    start = page.get_by_role("group", name="Start date")
    start.get_by_label("Day").fill("31")
    start.get_by_label("Month").fill("2")
    page.get_by_role("button", name="Download Annex A").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Start date must be a real date")
    expect(start.get_by_label("Day")).to_have_value("31")
    check.audit("Ofsted Annex A")
    start.get_by_label("Day").fill("1")
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Download Annex A").click()
    download = download_info.value
    assert download.suggested_filename.startswith("annex-a-")
    book = load_workbook(io.BytesIO(Path(download.path()).read_bytes()))
    assert book["List 1 Contacts"].max_row >= 2  # the household's children


def test_the_data_quality_page_leads_to_the_census_details(
    check, browser_page: Page, live_server, sign_in, carys, sam, priya, meera, polly
) -> None:
    door = FrontDoor(carys, sam, priya, meera, polly)
    referred = door.contact(
        timezone.localdate() - timedelta(days=3),
        child=services.PersonDetails(
            given_names="Una",
            family_name="Jones",
            date_of_birth=timezone.localdate() - timedelta(days=365 * 10 + 3),
        ),
        outcome="S17",
    )
    child = person_of(referred)
    sign_in(browser_page, live_server, sam)
    page = check("/returns/data-quality/", "Records that would fail the returns")
    page.get_by_label("Show the records of").select_option("upn-missing")
    page.get_by_role("button", name="Show").click()
    check.audit("Records that would fail the returns")
    expect(page.get_by_role("heading", level=2, name="School-age child")).to_be_visible()
    page.get_by_role("link", name="Una Jones").first.click()
    check.audit("Una Jones")
    page.get_by_role("link", name="Change census details").click()
    check.audit("Census details")
    page.get_by_label("Unique pupil number (UPN)").fill("A201200015123")
    page.get_by_label("No disability").check()
    page.get_by_label("Autism or Asperger syndrome").check()  # unticks "No disability"
    expect(page.get_by_label("No disability")).not_to_be_checked()
    page.get_by_role("button", name="Save census details").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("does not match the rest of it")
    check.audit("Census details")
    page.get_by_label("Unique pupil number (UPN)").fill("P201200015123")
    page.get_by_label("Ethnicity").select_option("WBRI")
    page.get_by_role("button", name="Save census details").click()
    check.audit("Una Jones")
    expect(page.get_by_text("P201200015123")).to_be_visible()
    child.refresh_from_db()
    assert child.upn == "P201200015123" and child.disabilities == ["AUT"]
