"""Whole journeys through the real pages: a telephone referral from the call to closing, the
public form, and recording a contact with JavaScript switched off.

After the data set-up (a child already known to social care), everything is done by clicking
and typing in the browser, each persona signing in on the sign-in page.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Browser, Locator, Page, expect

from mash.contacts.models import Contact, ContactPerson
from tests.browser import scenarios

pytestmark = pytest.mark.browser

REFERENCE = re.compile(r"MASH-[0-9A-Z]{4}-[0-9A-Z]{4}")


# --------------------------------------------------------------------------- helpers


def sign_in_as(page: Page, live_server: Any, user: Any) -> None:
    """Sign in on the sign-in page, signing whoever is there out first."""
    sign_out = page.get_by_role("navigation", name="Main").get_by_role("button", name="Sign out")
    if page.url.startswith(live_server.url) and sign_out.count():
        sign_out.click()
    else:
        page.goto(f"{live_server.url}/sign-in/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill(scenarios.PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    landing = "Requests for information" if user.is_partner() else "Queue"
    expect(page.get_by_role("heading", level=1)).to_have_text(landing)


def open_from_queue(page: Page, reference: str) -> None:
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Queue").click()
    page.get_by_role("link", name=reference, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Contact {reference}")


def queue_references(page: Page) -> list[str]:
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Queue").click()
    # all_inner_texts() does not wait: read only once the queue has replaced the last page.
    expect(page.get_by_role("heading", level=1)).to_have_text("Queue")
    return page.locator("table.mash-queue tbody tr td:nth-child(2) a").all_inner_texts()


def banner(page: Page) -> Locator:
    return page.locator(".govuk-notification-banner")


def fill_person(group: Locator, given: str, family: str, born: tuple[int, int, int]) -> None:
    group.get_by_label("First name(s)").fill(given)
    group.get_by_label("Last name").fill(family)
    for part, value in zip(("Day", "Month", "Year"), born, strict=True):
        group.get_by_label(part).fill(str(value))


def expect_person(group: Locator, given: str, family: str, born: tuple[int, int, int]) -> None:
    expect(group.get_by_label("First name(s)")).to_have_value(given)
    expect(group.get_by_label("Last name")).to_have_value(family)
    for part, value in zip(("Day", "Month", "Year"), born, strict=True):
        expect(group.get_by_label(part)).to_have_value(str(value))


def clock_row(page: Page, rule_id: str) -> Locator:
    table = page.get_by_role("table", name="Due times")
    return table.locator("tbody tr").filter(has=page.get_by_role("cell", name=rule_id, exact=True))


JAYDEN = ("Jayden", "Smyth", (4, 5, 2018))
AMELIA = ("Amelia", "Smyth", (1, 9, 2020))
DEAN = ("Dean", "Smyth", (14, 2, 1990))


# --------------------------------------------------------------------------- the staff journey


def test_telephone_referral_from_call_to_close(
    browser_page: Page,
    live_server,
    carys,
    sam,
    priya,
    meera,
    polly,
    assert_accessible,
    console_errors,
    failed_requests,
) -> None:
    page = browser_page
    known = scenarios.known_child()  # Jayden is known: an open child-in-need case

    # Carys takes the call from the school.
    sign_in_as(page, live_server, carys)
    page.get_by_role("button", name="Record a contact").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Record a contact")
    page.get_by_label("Telephone", exact=True).check()
    page.get_by_label("Request for services (referral)").check()
    page.get_by_label("Who is making the contact?").select_option(label="School")
    page.get_by_label("Referrer's name").fill("Ffion Price")
    page.get_by_label("Referrer's job title or role").fill("Designated safeguarding lead")
    page.get_by_label("Organisation", exact=True).fill("Acorns Primary School")
    page.get_by_label("Phone number").fill("01632 960123")
    fill_person(page.locator("#child-1"), *JAYDEN)
    page.locator("#child-1").get_by_label("School or nursery").fill("Acorns Primary School")

    page.get_by_role("button", name="Add another child").click()
    expect(page).to_have_url(re.compile("#child-2$"))
    expect(page.get_by_role("group", name="Child 2")).to_be_in_viewport()
    fill_person(page.locator("#child-2"), *AMELIA)

    page.get_by_role("button", name="Add an adult").click()
    expect(page).to_have_url(re.compile("#adult-1$"))
    adult = page.locator("#adult-1")
    fill_person(adult, *DEAN)
    adult.get_by_label("Relationship to the child(ren)").fill("Father")
    adult.get_by_label("Has parental responsibility").check()
    adult.get_by_label("Alleged perpetrator").check()
    adult.get_by_label("Lives in the household").check()
    page.get_by_label("How is this known, when and where did it happen?").fill(
        "Jayden told his teacher at 9am today."
    )
    page.get_by_label("This is a child protection concern").check()

    # The concern is missing: the error summary takes focus and links to the field.
    page.get_by_role("button", name="Record contact").click()
    expect(page).to_have_title(re.compile("^Error: Record a contact"))
    expect(page).not_to_have_url(re.compile("#"))
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_focused()
    expect(summary.get_by_role("link")).to_have_text(["Enter what the concern is"])
    summary.get_by_role("link", name="Enter what the concern is").click()
    concern = page.get_by_label("What is the concern?")
    expect(concern).to_be_focused()
    assert_accessible(page)
    # Everything typed is still there.
    expect(page.get_by_label("Telephone", exact=True)).to_be_checked()
    expect(page.get_by_label("Who is making the contact?")).to_have_value("2A")
    expect(page.get_by_label("Referrer's name")).to_have_value("Ffion Price")
    expect_person(page.locator("#child-1"), *JAYDEN)
    expect(page.locator("#child-1").get_by_label("School or nursery")).to_have_value(
        "Acorns Primary School"
    )
    expect_person(page.locator("#child-2"), *AMELIA)
    expect_person(adult, *DEAN)
    expect(adult.get_by_label("Relationship to the child(ren)")).to_have_value("Father")
    expect(adult.get_by_label("Has parental responsibility")).to_be_checked()
    expect(adult.get_by_label("Alleged perpetrator")).to_be_checked()
    expect(adult.get_by_label("Significant adult")).not_to_be_checked()
    expect(page.get_by_label("This is a child protection concern")).to_be_checked()
    expect(page.get_by_label("How is this known, when and where did it happen?")).to_have_value(
        "Jayden told his teacher at 9am today."
    )

    concern.fill("Bruising to Jayden's upper arm; he says his dad grabbed him.")
    page.get_by_role("button", name="Record contact").click()
    expect(banner(page)).to_contain_text(re.compile(r"Contact MASH-\S+ recorded\."))
    reference = REFERENCE.search(banner(page).inner_text()).group(0)
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Contact {reference}")
    contact = Contact.objects.get(reference=reference)
    assert contact.channel == Contact.Channel.TELEPHONE
    assert [p.full_name for p in contact.children().order_by("position")] == [
        "Jayden Smyth",
        "Amelia Smyth",
    ]
    dean = contact.adults().get()
    assert dean.is_alleged_perpetrator and dean.has_parental_responsibility
    expect(page.get_by_role("heading", name="Dean Smyth", exact=True)).to_be_visible()
    expect(page.get_by_text("Parental responsibility, Alleged perpetrator")).to_be_visible()

    # Sam checks each child's history: Jayden is known, Amelia is new.
    sign_in_as(page, live_server, sam)
    open_from_queue(page, reference)
    page.get_by_role("link", name="Check history for Jayden Smyth").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check history for Jayden Smyth")
    expect(page.get_by_text("Open case")).to_be_visible()
    page.get_by_role("button", name=re.compile("^This is the same person")).click()
    expect(banner(page)).to_contain_text("Jayden Smyth linked to Jayden Smyth's record.")
    page.get_by_role("link", name="Check history for Amelia Smyth").first.click()
    expect(page.get_by_text("No existing records are similar enough to show.")).to_be_visible()
    page.get_by_role("button", name="Record as new to the service").click()
    expect(banner(page)).to_contain_text("Amelia Smyth recorded as new to the service.")
    jayden, amelia = contact.children().order_by("position")
    assert jayden.person == known and not jayden.confirmed_new
    assert amelia.person is not None and amelia.confirmed_new
    expect(page.get_by_text("Additional information on an open case")).to_be_visible()
    expect(page.get_by_role("link", name="the person record for Jayden Smyth")).to_have_attribute(
        "href", f"/people/{known.pk}/"
    )

    # Priya screens: the threshold is met and the child is at immediate risk.
    sign_in_as(page, live_server, priya)
    open_from_queue(page, reference)
    page.get_by_role("link", name="Screen this contact").click()
    level = scenarios.threshold_label(contact, meets=True)
    page.get_by_label(level).check()
    page.get_by_label("Red: immediate risk").check()
    page.get_by_label("Checks authorised without consent").check()
    page.get_by_label("Why seeking consent would put the child or others at risk").fill(
        "The father is the alleged perpetrator."
    )
    page.get_by_label("Rationale").fill("Injury to a six-year-old from a parent.")
    page.get_by_role("button", name="Save screening").click()
    expect(banner(page)).to_contain_text(f"{reference} screened.")
    expect(page.get_by_role("heading", name="Screening", exact=True)).to_be_visible()
    expect(clock_row(page, "TS-2")).to_contain_text("Due")

    # Sam asks the police for checks (co-located: no consent needed, CO-3).
    sign_in_as(page, live_server, sam)
    open_from_queue(page, reference)
    page.get_by_role("link", name="Ask partner agencies for checks").click()
    police = polly.primary_agency()
    page.get_by_label(police.name, exact=True).check()
    page.get_by_role("button", name="Send the requests").click()
    expect(banner(page)).to_contain_text(f"Checks requested on {reference}.")

    # Polly answers in the police workspace, flagging that it heightens the concern (MA-4).
    sign_in_as(page, live_server, polly)
    page.goto(f"{live_server.url}/partner/")
    page.get_by_role("link", name=re.compile(reference)).click()
    page.get_by_label("We hold information").check()
    page.get_by_label("The information your agency holds").fill("Two call-outs in May.")
    page.get_by_label("Your analysis: what does it mean for this child?").fill(
        "Dad's violence is escalating."
    )
    page.get_by_role("group", name="Does your information heighten the concern").get_by_label(
        "Yes"
    ).check()
    page.get_by_label("If yes, how does it heighten the concern?").fill("A knife was seen.")
    page.get_by_role("button", name="Send your answer to the MASH").click()
    expect(banner(page)).to_contain_text("Your answer on")

    # Sam reads it on the information sharing record and recommends a section 47 enquiry.
    sign_in_as(page, live_server, sam)
    open_from_queue(page, reference)
    expect(page.get_by_text("says its information heightens the concern (MA-4)")).to_be_visible()
    page.get_by_role("link", name="Record your analysis and recommendation").click()
    page.get_by_label("Your analysis").fill("Police history and the injury: significant harm.")
    page.get_by_label("(section 47)").check()
    page.get_by_label("Rationale for the recommendation").fill("Injury with a disclosure.")
    page.get_by_role("button", name="Send to manager").click()
    expect(banner(page)).to_contain_text("recommendation recorded")
    expect(clock_row(page, "TS-2")).to_contain_text("Met")

    # Meera agrees but first picks another outcome by mistake; then decides.
    sign_in_as(page, live_server, meera)
    open_from_queue(page, reference)
    page.get_by_role("link", name="Decide the outcome").click()
    expect(page.locator(".govuk-inset-text").first).to_contain_text("Recommended: ")
    page.get_by_label("Yes").check()
    page.get_by_label("(section 17)").check()
    page.get_by_label("Rationale for the decision").fill("Strategy discussion today at 2pm.")
    page.get_by_role("button", name="Record decision").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("You agreed with the recommendation")
    expect(page.get_by_label("Rationale for the decision")).to_have_value(
        "Strategy discussion today at 2pm."
    )
    page.get_by_label("(section 47)").check()
    page.get_by_role("button", name="Record decision").click()
    expect(banner(page)).to_contain_text(f"Decision recorded on {reference}.")
    expect(clock_row(page, "TS-1")).to_contain_text("Met")
    expect(page.get_by_role("heading", name="Decision", exact=True)).to_be_visible()

    # Priya saw the child protection concern when she screened it (IN-10). Jayden's allocated
    # worker must hear of it before the contact closes (IN-6): Sam tells them, then closes;
    # the contact stays in the queue while TS-4 and TS-5 are owed.
    sign_in_as(page, live_server, sam)
    open_from_queue(page, reference)
    tasks = page.locator("table", has_text="Required by the local procedures")
    expect(tasks.locator("tr", has_text="Draw it to a Team or Practice Manager")).to_contain_text(
        "Priya Tester"
    )
    expect(page.get_by_role("link", name="Close the contact")).to_have_count(0)
    waiting = page.get_by_text("Close the contact once this is done. Still to do: Tell")
    expect(waiting).to_be_visible()
    tasks.get_by_role("link", name=re.compile("^Tell the allocated social worker")).click()
    page.get_by_label("What was done, by whom and when?").fill("Emailed Jayden's social worker.")
    page.get_by_role("button", name="Mark as done").click()
    expect(banner(page)).to_contain_text("Done: Tell the allocated social worker")
    page.get_by_role("link", name="Close the contact").click()
    page.get_by_label("Note for the record (optional)").fill("Passed to the assessment team.")
    page.get_by_role("button", name="Close contact").click()
    expect(banner(page)).to_contain_text(f"{reference} closed.")
    expect(page.locator("main .govuk-tag").first).to_have_text("Closed")
    for step in [
        "Screening",
        "Recommendation",
        "Decision",
    ]:
        expect(page.get_by_role("heading", name=step, exact=True)).to_be_visible()
    timeline = page.locator(".mash-timeline li")
    expect(timeline).to_have_count(6)
    for moved, who in [
        ("information sharing", "Priya Tester"),
        ("awaiting recommendation", "Sam Tester"),
        ("awaiting decision", "Sam Tester"),
        ("to decided", "Meera Tester"),
        ("to closed", "Sam Tester"),
    ]:
        expect(timeline.filter(has_text=moved).first).to_contain_text(who)
    expect(clock_row(page, "TS-1")).to_contain_text("Met")
    expect(clock_row(page, "TS-4")).to_contain_text("Due")
    expect(clock_row(page, "TS-5")).to_contain_text("Due")
    assert_accessible(page)
    assert reference in queue_references(page)

    open_from_queue(page, reference)
    page.get_by_role("link", name="Record the acknowledgement to the referrer").click()
    page.get_by_label("How and when was the acknowledgement sent?").fill(
        "Phoned Ffion Price to acknowledge."
    )
    page.get_by_role("button", name="Record acknowledgement").click()
    expect(clock_row(page, "TS-5")).to_contain_text("Met")
    assert reference in queue_references(page)

    open_from_queue(page, reference)
    page.get_by_role("link", name="Record the written confirmation").click()
    # IN-7 (issue 7): how it came, and what came: here the pasted text of the school's email.
    page.get_by_label("Secure email").check()
    page.get_by_label("Or paste the text of the email").fill(
        "Multi-agency referral form: confirming my call about the children this morning."
    )
    page.get_by_role("button", name="Record written confirmation").click()
    expect(clock_row(page, "TS-4")).to_contain_text("Met")
    expect(page.get_by_role("link", name=re.compile("^Record the"))).to_have_count(0)
    expect(page.get_by_text("Nothing: the contact is closed and nothing is owed.")).to_be_visible()
    assert reference not in queue_references(page)
    contact.refresh_from_db()
    assert contact.status == Contact.Status.CLOSED
    assert not contact.clocks.filter(met_at__isnull=True).exists()
    assert console_errors == []
    assert failed_requests == []


# --------------------------------------------------------------------------- the public journey


def test_member_of_the_public_gets_a_reference(
    browser_page: Page, live_server, profile, assert_accessible, console_errors
) -> None:
    page = browser_page
    page.goto(f"{live_server.url}/request-help/")
    expect(page.get_by_role("navigation", name="Main")).to_have_count(0)
    page.get_by_role("button", name="Start now").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Request for help or support")
    page.get_by_label("Who is making the contact?").select_option(
        label="Acquaintance (including neighbours and child minders)"
    )
    page.get_by_label("Referrer's name").fill("Gwen Davies")
    page.get_by_label("Phone number").fill("07700 900123")
    page.get_by_label("Relationship to and knowledge of the family").fill("Next-door neighbour.")
    fill_person(page.locator("#child-1"), "Lily", "Evans", (12, 3, 2017))
    page.get_by_label("What is the concern?").fill("Lily is often left alone in the evenings.")
    page.get_by_role("button", name="Send").click()

    panel = page.locator(".govuk-panel")
    expect(panel.get_by_role("heading", level=1)).to_have_text("Request sent")
    reference = REFERENCE.search(panel.inner_text()).group(0)
    expect(panel.locator("strong")).to_have_text(reference)
    assert_accessible(page)
    contact = Contact.objects.get()
    assert contact.reference == reference
    assert contact.channel == Contact.Channel.ONLINE_FORM
    assert contact.recorded_by is None
    assert contact.referrer_name == "Gwen Davies"
    assert [p.full_name for p in contact.children()] == ["Lily Evans"]
    # The reference on screen is the acknowledgement (IN-8, TS-5).
    assert contact.clocks.get(rule_id="TS-5").met_at is not None
    assert console_errors == []


# --------------------------------------------------------------------------- without JavaScript


@pytest.fixture
def no_script_page(browser: Browser, browser_context_args: dict[str, Any]) -> Iterator[Page]:
    """A page in its own browser context with JavaScript switched off."""
    context = browser.new_context(**browser_context_args, java_script_enabled=False)
    page = context.new_page()
    page.set_default_timeout(5_000)
    yield page
    context.close()


def test_recording_works_without_javascript(no_script_page: Page, live_server, carys) -> None:
    page = no_script_page
    sign_in_as(page, live_server, carys)
    page.goto(f"{live_server.url}/contacts/new/")
    expect(page.locator("body")).not_to_have_class(re.compile("govuk-frontend-supported"))
    page.get_by_label("Telephone", exact=True).check()
    page.get_by_label("Request for services (referral)").check()
    page.get_by_label("Who is making the contact?").select_option(label="GP")
    page.get_by_label("Referrer's name").fill("Dr Rees")
    fill_person(page.locator("#child-1"), *JAYDEN)

    page.get_by_role("button", name="Add another child").click()
    expect(page).to_have_url(re.compile("#child-2$"))
    expect_person(page.locator("#child-1"), *JAYDEN)
    fill_person(page.locator("#child-2"), *AMELIA)
    page.get_by_role("button", name="Add another child").click()
    expect(page.get_by_role("group", name="Child 3")).to_be_visible()  # left empty: ignored

    page.get_by_role("button", name="Record contact").click()  # no concern yet
    expect(page).to_have_title(re.compile("^Error: Record a contact"))
    page.locator(".govuk-error-summary").get_by_role("link").first.click()
    expect(page).to_have_url(re.compile("#id_concern_summary$"))
    page.get_by_label("What is the concern?").fill("Jayden has been missing school for weeks.")
    page.get_by_role("button", name="Record contact").click()

    expect(page.locator(".govuk-notification-banner")).to_contain_text("recorded")
    contact = Contact.objects.get()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Contact {contact.reference}")
    names = contact.people.filter(kind=ContactPerson.Kind.CHILD).order_by("position")
    assert [p.full_name for p in names] == ["Jayden Smyth", "Amelia Smyth"]
