"""axe (WCAG 2.0, 2.1 and 2.2 A and AA, then best practice) on every page, with realistic data.

Each page is opened as the persona who would use it, at the stage where it shows the most:
errors, tags, clocks, candidates and the like. Data is built through the services.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from conftest import share_checks
from mash.contacts import services
from mash.contacts.models import Contact
from tests.browser import scenarios

pytestmark = pytest.mark.browser


def _submit(page: Page, name: str) -> None:
    page.get_by_role("button", name=name, exact=True).click()


# --------------------------------------------------------------------------- signing in


def test_sign_in_page_and_its_error(check, browser_page: Page, carys) -> None:
    check("/sign-in/", "Sign in")
    expect(browser_page.get_by_label("Username")).to_have_attribute("autocomplete", "username")
    expect(browser_page.get_by_label("Password")).to_have_attribute(
        "autocomplete", "current-password"
    )
    browser_page.get_by_label("Username").fill("carys")
    browser_page.get_by_label("Password").fill("not-the-password")
    _submit(browser_page, "Sign in")
    expect(browser_page).to_have_title(re.compile("^Error: Sign in"))
    expect(browser_page.locator(".govuk-error-summary")).to_be_focused()
    check.audit("Sign in")


# --------------------------------------------------------------------------- the queue


@pytest.fixture
def busy_queue(carys, sam, priya, meera) -> dict[str, Contact]:
    """An overdue contact, one screened red, one amber, one awaiting decision, one closed."""
    overdue = scenarios.household_contact(
        carys, received_at=timezone.now() - timedelta(days=4), child_protection_concern=True
    )
    red = scenarios.household_contact(carys)
    scenarios.check_every_child(red, sam)
    scenarios.screen(red, priya, rag="RED")
    amber = scenarios.household_contact(carys, referrer_source="1A", referrer_name="Gran")
    scenarios.check_every_child(amber, sam)
    scenarios.screen(amber, priya, rag="AMBER", consent="GIVEN")
    waiting = scenarios.household_contact(carys)
    scenarios.recommend(waiting, sam, priya)
    closed = scenarios.household_contact(carys)
    scenarios.decide_and_close(closed, sam, priya, meera)
    return {"overdue": overdue, "red": red, "amber": amber, "waiting": waiting}


def test_queue(check, browser_page: Page, live_server, sign_in, sam, busy_queue) -> None:
    sign_in(browser_page, live_server, sam)
    page = check("/contacts/", "Queue")
    table = page.get_by_role("table")
    expect(table.locator("tbody tr")).to_have_count(4)
    expect(table.get_by_text("Overdue").first).to_be_visible()
    expect(table.get_by_role("row", name=re.compile(busy_queue["red"].reference))).to_contain_text(
        "Red"
    )
    expect(table.get_by_text("Not screened").first).to_be_visible()


def test_queue_filtered(check, browser_page: Page, live_server, sign_in, sam, busy_queue) -> None:
    sign_in(browser_page, live_server, sam)
    page = check("/contacts/?status=INFORMATION_SHARING&rag=RED", "Queue")
    expect(page.get_by_role("table").locator("tbody tr")).to_have_count(1)
    expect(page.get_by_label("Urgency")).to_have_value("RED")
    check("/contacts/?overdue=1", "Queue")
    expect(page.get_by_label("Overdue only")).to_be_checked()
    check("/contacts/?status=CLOSED", "Queue")
    expect(page.get_by_text("Nothing in the queue matches.")).to_be_visible()


# --------------------------------------------------------------------------- recording


def test_record_a_contact(check, browser_page: Page, live_server, sign_in, carys) -> None:
    sign_in(browser_page, live_server, carys)
    page = check("/contacts/new/", "Record a contact")
    page.get_by_label("First name(s)").fill("Jayden")
    _submit(page, "Add another child")
    expect(page).to_have_url(re.compile("/contacts/new/#child-2$"))  # back at the new child
    expect(page.get_by_role("group", name="Child 2")).to_be_in_viewport()
    expect(page.get_by_label("First name(s)").first).to_have_value("Jayden")
    check.audit("Record a contact")
    _submit(page, "Add an adult")
    expect(page).to_have_url(re.compile("#adult-1$"))
    expect(page.get_by_role("group", name="Adult 1")).to_be_in_viewport()
    check.audit("Record a contact")
    _submit(page, "Record contact")
    expect(page).to_have_title(re.compile("^Error: Record a contact"))
    expect(page.locator(".govuk-error-summary")).to_be_focused()
    check.audit("Record a contact")


def test_record_without_a_child(check, browser_page: Page, live_server, sign_in, carys) -> None:
    sign_in(browser_page, live_server, carys)
    page = check("/contacts/new/", "Record a contact")
    page.get_by_label("Email", exact=True).check()
    page.get_by_label("Provision of information").check()
    page.get_by_label("Who is making the contact?").select_option(label="Housing")
    page.get_by_label("What is the concern?").fill("Eviction notice; children sleeping in a car.")
    _submit(page, "Record contact")
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_focused()
    summary.get_by_role("link", name=re.compile("^Enter at least one child")).click()
    expect(page.locator("#children")).to_be_focused()
    expect(page.locator("#children .govuk-error-message")).to_contain_text("at least one child")
    check.audit("Record a contact")


# --------------------------------------------------------------------------- the contact record


def test_contact_received(check, browser_page, live_server, sign_in, carys, sam) -> None:
    contact = scenarios.household_contact(
        carys,
        immediate_protection_needed="YES",
        possible_offence=True,
        child_protection_concern=True,
    )
    sign_in(browser_page, live_server, sam)
    page = check(f"/contacts/{contact.pk}/", f"Contact {contact.reference}")
    expect(page.get_by_role("heading", name="Jayden Smyth", exact=True)).to_be_visible()
    expect(page.get_by_role("heading", name="Dean Smyth", exact=True)).to_be_visible()
    actions = page.locator(".mash-actions")
    expect(actions.get_by_role("link", name="Check history for Jayden Smyth")).to_be_visible()
    expect(actions.get_by_role("link", name="Screen this contact")).to_have_count(0)


def test_contact_screened_red(check, browser_page, live_server, sign_in, carys, sam, priya) -> None:
    contact = scenarios.household_contact(carys, received_at=timezone.now() - timedelta(days=3))
    known = scenarios.known_child()
    jayden = contact.children().get(given_names="Jayden")
    services.link_person(jayden, person=known, by=sam)
    scenarios.check_every_child(contact, sam)
    scenarios.screen(contact, priya, rag="RED")
    sign_in(browser_page, live_server, sam)
    page = check(f"/contacts/{contact.pk}/", f"Contact {contact.reference}")
    clocks = page.get_by_role("table", name="Due times")
    expect(clocks.get_by_role("row", name=re.compile("TS-2"))).to_be_visible()
    expect(clocks.get_by_text("Overdue").first).to_be_visible()


def test_contact_decided_and_closed(
    check, browser_page, live_server, sign_in, carys, sam, priya, meera, aled
) -> None:
    contact = scenarios.household_contact(carys)
    scenarios.recommend(contact, sam, priya)
    services.decide(
        contact,
        by=meera,
        agrees=False,
        outcome="S17",
        rationale="No injury on examination; needs assessment.",
        team=services.suggested_team(contact, "S17"),
    )
    sign_in(browser_page, live_server, sam)
    page = check(f"/contacts/{contact.pk}/", f"Contact {contact.reference}")
    expect(page.get_by_role("heading", name="Decision", exact=True)).to_be_visible()
    services.close_contact(contact, by=sam, note="Passed to the assessment team.")
    page = check(f"/contacts/{contact.pk}/", f"Contact {contact.reference}")
    expect(page.get_by_text("Closed", exact=True).first).to_be_visible()
    expect(page.locator(".mash-actions")).to_contain_text("Record the written confirmation")
    sign_in(browser_page, live_server, aled)  # read-only: no actions at all
    page = check(f"/contacts/{contact.pk}/", f"Contact {contact.reference}")
    expect(page.get_by_text("Nothing for your role at this stage.")).to_be_visible()


def test_check_history_with_candidates(check, browser_page, live_server, sign_in, carys, sam):
    contact = scenarios.household_contact(carys)
    scenarios.known_child()
    scenarios.known_child(open_case=False, date_of_birth=None, nhs_number="", address="")
    jayden = contact.children().get(given_names="Jayden")
    sign_in(browser_page, live_server, sam)
    path = f"/contacts/{contact.pk}/people/{jayden.pk}/history/"
    page = check(path, "Check history for Jayden Smyth")
    # Both records are offered: the dated one as very likely, the undated one as possible
    # (a name and address alone cannot confirm a match).
    expect(page.get_by_role("heading", level=3)).to_have_count(2)
    expect(page.get_by_text("Very likely the same person")).to_have_count(1)
    expect(page.get_by_text("Possibly the same person")).to_have_count(1)
    expect(page.get_by_text("Date of birth: the same (04/05/2018, 04/05/2018)")).to_be_visible()
    page = check(f"{path}?given_names=Jaden&family_name=Smith", "Check history for Jayden Smyth")
    expect(page.get_by_role("heading", level=3)).to_have_count(2)
    # Which candidate each link and button is for, in words (a space may precede the hidden
    # text: Chromium treats visually hidden spans as blocks).
    same = page.get_by_role("button", name=re.compile(r"^This is the same person\s*:"))
    expect(same).to_have_count(2)
    dated = r"^This is the same person\s*: Jayden Smyth, born 4 May 2018, NN16 0AA$"
    expect(page.get_by_role("button", name=re.compile(dated))).to_have_count(1)
    undated = page.get_by_role("button", name=re.compile("born on a date not known"))
    expect(undated).to_have_count(1)
    page = check(f"{path}?given_names=Nobody&family_name=Known", "Check history for Jayden Smyth")
    expect(page.get_by_text("No existing records are similar enough to show.")).to_be_visible()
    check(f"{path}?given_names=Jayden&nhs_number=123", "Check history for Jayden Smyth", status=400)
    expect(page.locator(".govuk-error-summary")).to_be_focused()


def test_duplicate_review_merge_and_undo(
    check, browser_page, live_server, sign_in, carys, sam, priya
) -> None:
    from mash.matching import services as matching

    scenarios.known_child()
    scenarios.known_child(given_names="Jaden", family_name="Smith", other_names="", nhs_number="")
    matching.find_duplicates(engine="ours")
    sign_in(browser_page, live_server, priya)
    page = check("/duplicates/", "Possible duplicate records")
    page.get_by_role("link", name=re.compile("review this pair")).click()
    check.audit("Are these the same person?")
    expect(
        page.get_by_text("Names: agree through a recorded other name (Jaden Smith).")
    ).to_be_visible()
    _submit(page, "Save decision")
    check.audit("Are these the same person?")  # the errors, with the summary
    expect(page.locator(".govuk-error-summary")).to_be_focused()
    page.get_by_label("Yes: merge them, keeping the first record").check()
    page.get_by_label("Why").fill("Same NHS number confirmed with the GP.")
    _submit(page, "Save decision")
    expect(page.get_by_text("Merged.")).to_be_visible()
    check.audit(re.compile("Jayden Smyth|Jaden Smith"))
    page.get_by_role("link", name=re.compile("^Undo this merge")).click()
    check.audit(re.compile("^Undo the merge of"))
    _submit(page, "Undo the merge")
    check.audit(re.compile("^Undo the merge of"))
    page.get_by_label("Why is this merge being undone?").fill("The GP says they are twins.")
    _submit(page, "Undo the merge")
    expect(page.get_by_text("record is separate again")).to_be_visible()


# --------------------------------------------------------------------------- workflow steps


def test_screen_page(check, browser_page, live_server, sign_in, carys, sam, priya) -> None:
    contact = scenarios.household_contact(carys)
    scenarios.check_every_child(contact, sam)
    sign_in(browser_page, live_server, priya)
    page = check(f"/contacts/{contact.pk}/screen/", "Screen this contact")
    _submit(page, "Save screening")
    expect(page).to_have_title(re.compile("^Error: "))
    check.audit("Screen this contact")
    # A service error: below the threshold but red.
    page.get_by_label(scenarios.threshold_label(contact, meets=False)).check()
    page.get_by_label("Red: immediate risk").check()
    page.get_by_label("Parents have consented").check()
    page.get_by_label("Rationale").fill("Worried.")
    _submit(page, "Save screening")
    expect(page.locator(".govuk-error-summary")).to_contain_text("Red and amber are for")
    check.audit("Screen this contact")


def test_step_pages(check, browser_page, live_server, sign_in, carys, sam, priya, meera) -> None:
    contact = scenarios.household_contact(carys)
    scenarios.check_every_child(contact, sam)
    scenarios.screen(contact, priya)
    base = f"/contacts/{contact.pk}"
    sign_in(browser_page, live_server, sam)
    share_checks(contact, asked_by=sam, partner=scenarios.police_officer())
    page = check(f"{base}/recommend/", "Recommend an outcome")
    _submit(page, "Send to manager")
    check.audit("Recommend an outcome")
    for path, h1, button in [
        ("acknowledgement", "Record the acknowledgement to the referrer", "Record acknowledgement"),
        (
            "written-confirmation",
            "Record the referrer's written confirmation",
            "Record written confirmation",
        ),
    ]:
        page = check(f"{base}/{path}/", h1)
        _submit(page, button)
        check.audit(h1)
    services.recommend_outcome(
        contact, by=sam, outcome="S47", rationale="Injury and history.", analysis="Police known."
    )
    sign_in(browser_page, live_server, meera)
    page = check(f"{base}/decide/", "Decide the outcome")
    expect(page.get_by_text("Recommended: ")).to_be_visible()
    _submit(page, "Record decision")
    check.audit("Decide the outcome")
    page = check(f"{base}/send-back/", "Send back without a decision")
    _submit(page, "Send back")
    check.audit("Send back without a decision")
    services.decide(
        contact,
        by=meera,
        agrees=True,
        outcome="S47",
        rationale="Strategy today.",
        team=services.suggested_team(contact, "S47"),
    )
    sign_in(browser_page, live_server, sam)
    check(f"{base}/close/", "Close the contact")  # the note is optional: no error state


# --------------------------------------------------------------------------- people


def test_people_search_and_person(check, browser_page, live_server, sign_in, carys, sam) -> None:
    person = scenarios.known_child()
    scenarios.known_child(open_case=False, date_of_birth=None, nhs_number="")
    contact = scenarios.household_contact(carys)
    services.link_person(contact.children().get(given_names="Jayden"), person=person, by=sam)
    sign_in(browser_page, live_server, sam)
    page = check("/people/", "Find a child")
    page.get_by_label("First name").fill("jayden")
    page.get_by_label("Last name").fill("SMYTH")
    _submit(page, "Search")
    expect(page.get_by_role("heading", name="2 possible matches")).to_be_visible()
    expect(
        page.get_by_role("link", name=re.compile(r"^Jayden Smyth\s*, born 4 May 2018"))
    ).to_be_visible()
    check.audit("Find a child")
    page.get_by_label("Day").fill("4")
    page.get_by_label("Month").fill("5")
    page.get_by_label("Year").fill("2018")
    _submit(page, "Search")
    expect(page.get_by_text("Very likely the same person")).to_have_count(1)
    check.audit("Find a child")
    check("/people/?given_names=&family_name=", "Find a child", status=400)
    expect(page.locator(".govuk-error-summary")).to_be_focused()
    check("/people/?given_names=Nobody", "Find a child")
    page = check(f"/people/{person.pk}/", "Jayden Smyth")
    expect(page.get_by_role("link", name=contact.reference)).to_be_visible()


# --------------------------------------------------------------------------- public forms


def test_public_start(check, browser_page) -> None:
    page = check("/request-help/", "Ask for help or support for a child")
    expect(page.get_by_role("navigation", name="Main")).to_have_count(0)


def test_public_request_form(check, browser_page, profile) -> None:
    page = check("/request-help/form/", "Request for help or support")
    _submit(page, "Add another child")
    expect(page).to_have_url(re.compile("/request-help/form/#child-2$"))
    expect(page.get_by_role("group", name="Child 2")).to_be_in_viewport()
    check.audit("Request for help or support")
    _submit(page, "Send")
    expect(page).to_have_title(re.compile("^Error: Request for help or support"))
    expect(page).to_have_url(re.compile("/request-help/form/$"))  # at the error summary
    check.audit("Request for help or support")


def test_professional_form(check, browser_page, profile) -> None:
    page = check("/request-help/professional/", "Multi-agency referral form")
    _submit(page, "Send")
    expect(page).to_have_title(re.compile("^Error: Multi-agency referral form"))
    check.audit("Multi-agency referral form")


def test_sent_page(check, browser_page, profile) -> None:
    page = check("/request-help/form/", "Request for help or support")
    page.get_by_label("Who is making the contact?").select_option(label="Anonymous")
    page.get_by_label("First name(s)").fill("Lily")
    page.get_by_label("What is the concern?").fill("Left alone at night.")
    _submit(page, "Send")
    check.audit("Request sent")
    reference = Contact.objects.get().reference
    expect(page.locator(".govuk-panel")).to_contain_text(reference)


# --------------------------------------------------------------------------- beyond axe


def test_public_form_says_what_your_own_details_are(browser_page, live_server, profile) -> None:
    """WCAG 1.3.5: inputs about the person filling in the form carry their autocomplete purpose."""
    page = browser_page
    page.goto(f"{live_server.url}/request-help/professional/")
    for label, purpose in [
        ("Referrer's name", "name"),
        ("Referrer's job title or role", "organization-title"),
        ("Organisation", "organization"),
        ("Phone number", "tel"),
        ("Email address", "email"),
    ]:
        expect(page.get_by_label(label, exact=True)).to_have_attribute("autocomplete", purpose)
    expect(page.get_by_label("Phone number")).to_have_attribute("type", "tel")
    # The children are not the person at the keyboard.
    expect(page.locator("#child-1").get_by_label("Postcode")).not_to_have_attribute(
        "autocomplete", re.compile(".")
    )


def test_staff_form_does_not_autofill_the_referrer(browser_page, live_server, sign_in, carys):
    page = browser_page
    sign_in(page, live_server, carys)
    page.goto(f"{live_server.url}/contacts/new/")
    for label in ["Referrer's name", "Phone number", "Email address"]:
        expect(page.get_by_label(label, exact=True)).not_to_have_attribute(
            "autocomplete", re.compile(".")
        )
    expect(page.locator("#child-1").get_by_label("NHS number")).to_have_attribute(
        "inputmode", "numeric"
    )


def test_pages_fit_a_narrow_screen(browser_page, live_server, sign_in, carys, sam, priya) -> None:
    """WCAG 1.4.10: at 320 CSS pixels nothing but a wide table's own box scrolls sideways."""
    contact = scenarios.household_contact(carys)
    person = scenarios.known_child()
    scenarios.check_every_child(contact, sam)
    scenarios.screen(contact, priya)
    sign_in(browser_page, live_server, sam)
    browser_page.set_viewport_size({"width": 320, "height": 800})
    for path in [
        "/contacts/",
        f"/contacts/{contact.pk}/",
        f"/people/{person.pk}/",
        "/contacts/new/",
        "/request-help/form/",
    ]:
        browser_page.goto(f"{live_server.url}{path}")
        width, window = browser_page.evaluate(
            "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
        )
        assert width <= window, f"{path} is {width}px wide in a {window}px window"
