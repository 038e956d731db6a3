"""axe (WCAG 2.2 AA and best practice) on the data protection pages (ADR 0013): subject access
(CO-6) with its errors, the export and a release; retention reviews; the share register."""

from __future__ import annotations

import re
from datetime import date

import pytest
from playwright.sync_api import Page, expect

from conftest import _persona
from mash.accounts.models import Agency, Role
from mash.dataprotection import services
from mash.dataprotection.models import RetentionReview
from tests.browser import scenarios

pytestmark = pytest.mark.browser


@pytest.fixture
def subject(carys, sam, priya, meera):
    """Jayden on a closed contact naming his father as the alleged perpetrator, with the
    police's answer; his request recorded and the export produced."""
    contact = scenarios.household_contact(carys)
    scenarios.decide_and_close(contact, sam, priya, meera)
    person = contact.children().get(given_names="Jayden").person
    sar = services.record_subject_access_request(
        person,
        by=priya,
        details=services.RequestDetails(
            requester_name="Jayden's mother",
            requester_relationship="PARENT",
            received_on=date(2026, 11, 2),
            identity_checked=True,
            identity_check="Passport seen.",
        ),
    )
    services.produce_export(sar, by=priya)
    return contact, person, sar


def test_subject_access_pages(check, browser_page: Page, live_server, sign_in, priya, subject):
    contact, person, sar = subject
    sign_in(browser_page, live_server, priya)
    page = check(f"/people/{person.pk}/subject-access/", "Subject access requests")
    page.get_by_role("button", name="Record the request").click()
    expect(page).to_have_title(re.compile("^Error: "))
    expect(page.locator(".govuk-error-summary")).to_be_focused()
    check.audit("Subject access requests")
    base = f"/people/{person.pk}/subject-access/{sar.pk}/"
    page = check(base, "Subject access request")
    expect(
        page.get_by_role("cell", name=re.compile("^Adult named as an alleged perpetrator"))
    ).to_be_visible()
    page = check(f"{base}document/", "Information held about Jayden Smyth")
    expect(page.get_by_text("Dean")).to_have_count(0)
    item = sar.withheld_items.first()
    check(f"{base}withheld/{item.pk}/release/", "Release a withheld item")


def test_retention_and_register_pages(
    check, browser_page: Page, live_server, sign_in, csc, subject
):
    contact, person, _ = subject
    services.run_retention_review(today=date(2090, 1, 1))
    review = RetentionReview.objects.get(contact=contact)
    sonia = _persona("sonia", Role.SERVICE_MANAGER, csc)
    sign_in(browser_page, live_server, sonia)
    check("/data-protection/retention/", "Retention reviews")
    page = check(f"/data-protection/retention/{review.pk}/", contact.reference)
    page.get_by_role("button", name="Record the decision").click()
    expect(page.locator(".govuk-error-summary")).to_be_focused()
    check.audit(contact.reference)
    page = check("/data-protection/shares/", "Information shared with partner agencies")
    expect(page.get_by_role("link", name=contact.reference).first).to_be_visible()
    police = Agency.objects.filter(kind="police").first()
    check(f"/data-protection/shares/?agency={police.pk}&person={person.pk}", re.compile("shared"))
