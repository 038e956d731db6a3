"""A decision sent from a page a colleague has overtaken (ADR 0016), in the browser: the
conflict page names who did what, keeps what was typed, passes axe, and a deliberate second
send is judged on the contact as it is now."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from mash.contacts import services
from mash.contacts.models import Decision
from tests.browser import scenarios

pytestmark = pytest.mark.browser


def test_the_conflict_page_keeps_the_managers_words(
    check, browser_page: Page, live_server, sign_in, carys, sam, priya, meera
) -> None:
    contact = scenarios.household_contact(carys)
    scenarios.recommend(contact, sam, priya)
    sign_in(browser_page, live_server, meera)
    browser_page.set_default_navigation_timeout(15_000)  # may be the run's first, cold page
    check(f"/contacts/{contact.pk}/decide/", "Decide the outcome")
    browser_page.get_by_label("No").first.check()
    browser_page.get_by_role("radio", name=re.compile("section 17")).check()
    browser_page.get_by_label("Rationale for the decision").fill("Meera's careful reasoning.")

    # Priya, another manager, decides while Meera is still writing.
    services.decide(
        contact,
        by=priya,
        agrees=True,
        outcome="S47",
        rationale="Strategy discussion today.",
        team=services.suggested_team(contact, "S47"),
    )
    browser_page.get_by_role("button", name="Record decision").click()

    expect(browser_page).to_have_title(re.compile("^Error: "))
    summary = browser_page.locator(".govuk-error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text(
        "Someone else changed this contact while you were working on it: Priya Tester "
        "recorded the decision on "
    )
    expect(summary).to_contain_text("Your changes have not been saved.")
    expect(browser_page.locator("#what-changed")).to_contain_text("Priya Tester")
    expect(browser_page.get_by_label("Rationale for the decision")).to_have_value(
        "Meera's careful reasoning."
    )
    check.audit("Decide the outcome")
    assert Decision.objects.get(contact=contact).decided_by == priya
