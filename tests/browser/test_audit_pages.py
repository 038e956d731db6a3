"""axe on the auditor's pages (ADR 0010): the search, a child's trail and a contact's trail."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser import scenarios

pytestmark = pytest.mark.browser


def test_the_auditor_finds_who_looked_at_a_child(
    check, browser_page: Page, live_server, sign_in, carys, sam, aled
) -> None:
    contact = scenarios.household_contact(carys)
    scenarios.check_every_child(contact, sam)
    person = contact.children().filter(given_names="Jayden").get().person
    sign_in(browser_page, live_server, sam)
    browser_page.goto(f"{live_server.url}/people/{person.pk}/")
    sign_in(browser_page, live_server, aled)
    page = check("/audit/?q=Jayden", "Audit trail")
    page.get_by_role("link", name=re.compile(r"^Jayden Smyth\s*: audit trail$")).click()
    check.audit("Jayden Smyth: who looked at this record and why")
    table = page.get_by_role("table")
    expect(table.get_by_role("row", name="Opened the person record").first).to_contain_text(
        "MASH social worker"
    )
    page.get_by_role("link", name="Looked at (views, searches, lists, exports)").click()
    check.audit("Jayden Smyth: who looked at this record and why")
    check(
        f"/audit/contacts/{contact.pk}/", f"Contact {contact.reference}: who looked at it and why"
    )
