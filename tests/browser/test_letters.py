"""axe on the outcome letters' pages (OU-4, CO-1): the Letters section, a letter's text, and
the release and address forms with their errors."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from mash.contacts import services
from tests.browser import scenarios

pytestmark = pytest.mark.browser


def test_letter_pages(check, browser_page, live_server, sign_in, carys, sam, priya, meera):
    contact = scenarios.household_contact(
        carys, parents_aware="NO", parents_not_informed_reason="Father may flee with the child."
    )
    scenarios.recommend(contact, sam, priya)
    services.decide(
        contact,
        by=meera,
        agrees=True,
        outcome="S47",
        rationale="Strategy discussion today.",
        team=services.suggested_team(contact, "S47"),
    )
    held = contact.letters.get(audience="PARENT")  # CO-1: held; the school gave no address
    unaddressed = contact.letters.get(audience="REFERRER")
    base = f"/contacts/{contact.pk}"
    sign_in(browser_page, live_server, meera)
    page = check(f"{base}/", f"Contact {contact.reference}")
    letters = page.locator("#letters")
    expect(letters).to_be_visible()
    expect(page.get_by_text("Held: Parents were not told about the referral")).to_be_visible()
    page = check(f"{base}/letters/{held.pk}/", held.subject)
    page = check(f"{base}/letters/{held.pk}/release/", "Release the held letter")
    page.get_by_role("button", name="Release and send").click()
    check.audit("Release the held letter")
    expect(page.locator(".govuk-error-summary")).to_be_focused()
    page = check(f"{base}/letters/{unaddressed.pk}/address/", "Add the address and send")
    page.get_by_label("Address line 1").fill("Brook Primary School")
    page.get_by_label("Postcode").fill("NOT A CODE")
    page.get_by_role("button", name="Add the address and send").click()
    check.audit("Add the address and send")
    expect(page.get_by_label("Address line 1")).to_have_value("Brook Primary School")
    page = check(f"{base}/letters/{held.pk}/send-again/", "Send the letter again", status=200)
