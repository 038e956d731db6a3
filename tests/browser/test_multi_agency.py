"""Multi-agency information sharing in the browser (MA-2 … MA-8, CO-2 … CO-5, OU-2, OU-5, DM-1).

Each journey is walked by the personas who would walk it: Polly (police) and Hana (health)
answer in the partner workspace, Sam asks and reads the MAIS record, Priya authorises checks
without consent, Meera chairs and issues, Sonia settles a dispute. Every page on the way is
checked like `test_pages_accessible`: its h1, axe (WCAG 2.2 AA and best practice), no console
errors and no failed requests. Data is built through the services.
"""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from conftest import _persona
from mash.accounts.models import Role
from mash.contacts import services
from mash.contacts.models import Contact
from tests.browser import scenarios

pytestmark = pytest.mark.browser

POLICE_INFORMATION = "Two domestic call-outs to the family home in May."
POLICE_ANALYSIS = "An escalating pattern of violence while the children are at home."
POLICE_REASON = "A knife was seen at the address on the last call-out."
HOLDER = "DI Khan, Public Protection Unit, 01632 960123"
HEALTH_INFORMATION = "Missed two appointments with the health visitor."


@pytest.fixture
def hana(profile):
    """A health partner officer (the root conftest has only the police's Polly)."""
    return _persona("hana", Role.PARTNER_OFFICER, scenarios.agency("health"))


def _submit(page: Page, name: str) -> None:
    page.get_by_role("button", name=name, exact=True).click()


def _screened(carys, sam, priya, *, rag: str = "RED", **extra) -> Contact:
    """The household contact, every child checked, screened (red unless told)."""
    contact = scenarios.household_contact(carys)
    scenarios.check_every_child(contact, sam)
    scenarios.screen(contact, priya, rag=rag, **extra)
    return contact


def _banner(page: Page):
    return page.locator(".govuk-notification-banner--success")


def _errors(page: Page):
    return page.locator(".govuk-error-summary")


def _yesterday() -> tuple[str, str, str]:
    day = timezone.localdate() - timedelta(days=1)
    return str(day.day), str(day.month), str(day.year)


def _fill_date(page: Page, group: str, day: tuple[str, str, str]) -> None:
    fieldset = page.get_by_role("group", name=group)
    for part, value in zip(("Day", "Month", "Year"), day, strict=True):
        fieldset.get_by_label(part).fill(value)


def _summary_value(within: Any, key: str):
    """The value cells of the summary-list rows (in a page or locator) keyed exactly `key`."""
    exactly = re.compile(f"^\\s*{re.escape(key)}\\s*$")
    page = within if isinstance(within, Page) else within.page
    row = within.locator(".govuk-summary-list__row").filter(
        has=page.locator(".govuk-summary-list__key", has_text=exactly)
    )
    return row.locator(".govuk-summary-list__value")


# ------------------------------------------------------------------------ 1. the partner's answer


def test_partner_workspace_journey(
    check, browser_page, live_server, sign_in, carys, sam, priya, polly, hana
) -> None:
    """MA-2 … MA-5, CO-5: each agency sees only its own request, answers it, and the MASH
    reads both side by side without the confidential detail."""
    contact = _screened(carys, sam, priya)
    police_request, health_request = scenarios.ask(contact, sam, "police", "health")
    page = browser_page

    # Polly starts at the workspace and sees her agency's request only.
    sign_in(page, live_server, polly)
    page.goto(f"{live_server.url}/")
    expect(page).to_have_url(f"{live_server.url}/partner/")
    check.audit("Requests for information")
    rows = page.get_by_role("table").locator("tbody tr")
    expect(rows).to_have_count(1)
    link = rows.get_by_role("link", name=re.compile(f"^{contact.reference}"))
    expect(link).to_have_attribute("href", f"/partner/requests/{police_request.pk}/")
    check(f"/partner/requests/{health_request.pk}/", re.compile("not found", re.I), status=404)

    check("/partner/", "Requests for information")
    link.click()
    check.audit(f"Request {contact.reference}")
    expect(page.get_by_text("Northamptonshire Police (MA-2)")).to_be_visible()

    # An empty "We hold information": plain-English errors, what was typed kept.
    page.get_by_label("We hold information").check()
    page.get_by_role("group", name="Does your information heighten the concern").get_by_label(
        "Yes"
    ).check()
    page.get_by_label("If yes, how does it heighten the concern?").fill(POLICE_REASON)
    _submit(page, "Send your answer to the MASH")
    expect(page).to_have_title(re.compile("^Error: "))
    expect(_errors(page)).to_be_focused()
    expect(_errors(page)).to_contain_text("Enter the information your agency holds.")
    expect(_errors(page)).to_contain_text(
        "Enter your analysis: what does your agency's information mean for this child?"
    )
    expect(page.get_by_label("We hold information")).to_be_checked()
    expect(page.get_by_label("If yes, how does it heighten the concern?")).to_have_value(
        POLICE_REASON
    )
    check.audit(f"Request {contact.reference}")

    # The full answer: information, analysis, heightened concern, confidential holder.
    page.get_by_label("The information your agency holds").fill(POLICE_INFORMATION)
    page.get_by_label("Your analysis: what does it mean for this child?").fill(POLICE_ANALYSIS)
    page.get_by_label("My agency holds additionally sensitive information").check()
    page.get_by_label("Who holds it, and how can a social worker ask for it?").fill(HOLDER)
    _submit(page, "Send your answer to the MASH")
    expect(_banner(page)).to_contain_text(f"Your answer on {contact.reference} was sent.")
    check.audit(f"Request {contact.reference}")
    expect(page.get_by_role("heading", name="Your agency's answers")).to_be_visible()
    expect(_summary_value(page, "Information")).to_have_text(POLICE_INFORMATION)
    expect(_summary_value(page, "Heightens the concern (MA-4)")).to_have_text(
        f"Yes: {POLICE_REASON}"
    )
    expect(_summary_value(page, "Confidential information (CO-5)")).to_have_text(
        f"Held; ask {HOLDER}"
    )

    # Hana (health) is still waiting for her records team (MA-3).
    sign_in(page, live_server, hana)
    page = check(f"/partner/requests/{health_request.pk}/", f"Request {contact.reference}")
    expect(page.get_by_text(POLICE_INFORMATION)).to_have_count(0)  # never another agency's
    page.get_by_label("Awaiting information from within our organisation").check()
    _fill_date(page, "If awaiting: the date you asked for it", _yesterday())
    page.get_by_label("The time you asked").fill("9:30am")
    page.get_by_label("How did you ask?").select_option(label="Email")
    page.get_by_label("Name of the person you are waiting for").fill("Jo Adeyemi")
    page.get_by_label("Their job title or designation").fill("Named Nurse for Safeguarding")
    _submit(page, "Send your answer to the MASH")
    expect(_banner(page)).to_contain_text(f"Your answer on {contact.reference} was sent.")
    check.audit(f"Request {contact.reference}")
    expect(_summary_value(page, "Waiting for (MA-3)")).to_have_text(
        "Jo Adeyemi, Named Nurse for Safeguarding"
    )
    expect(_summary_value(page, "Asked")).to_contain_text("by email")

    # Sam reads both agencies side by side.
    sign_in(page, live_server, sam)
    page = check(f"/contacts/{contact.pk}/information-sharing/", "Multi-agency information sharing")
    table = page.get_by_role("table", name="Answers and deadlines (TS-2, TS-3)")
    police_row = table.get_by_role("row", name=re.compile("Northamptonshire Police"))
    health_row = table.get_by_role("row", name=re.compile("NHS and health services"))
    expect(police_row).to_contain_text("Answered")
    expect(police_row).to_contain_text("Heightens concern")
    expect(police_row.get_by_text("Confidential information held")).to_be_visible()
    expect(health_row).to_contain_text("Agency awaiting information")
    expect(health_row).to_contain_text("Awaiting information from within our organisation")
    expect(page.locator(".govuk-warning-text")).to_contain_text(
        f"Northamptonshire Police says its information heightens the concern (MA-4): "
        f"{POLICE_REASON} Discuss it with the partners"
    )
    # Only that confidential information exists and who holds it, never its detail (CO-5).
    police_answer = page.locator(f"#agency-{police_request.pk} + dl + dl")
    expect(_summary_value(police_answer, "Confidential information (CO-5)")).to_have_text(
        f"Held; ask {HOLDER}"
    )
    expect(_summary_value(police_answer, "Information")).to_have_text(POLICE_INFORMATION)
    expect(page.get_by_role("heading", name="Northamptonshire Police", exact=True)).to_be_visible()
    expect(page.get_by_role("heading", name="NHS and health services", exact=True)).to_be_visible()


# ------------------------------------------------------------------------ 2. repeat concern


def test_repeat_concern_starts_from_the_previous_answer(
    check, browser_page, live_server, sign_in, carys, sam, priya, polly
) -> None:
    """MA-5: a second contact on the same child says so, and the form starts from the
    agency's previous answer to update rather than start again."""
    first = _screened(carys, sam, priya)
    [earlier] = scenarios.ask(first, sam, "police")
    scenarios.answer(earlier, polly, POLICE_INFORMATION, analysis=POLICE_ANALYSIS)
    second = scenarios.household_contact(carys, concern_summary="Jayden came to school hungry.")
    for child in second.children():
        same = first.children().get(given_names=child.given_names)
        services.link_person(child, person=same.person, by=sam)
    scenarios.screen(second, priya)
    [repeat] = scenarios.ask(second, sam, "police")

    sign_in(browser_page, live_server, polly)
    page = check("/partner/", "Requests for information")
    row = page.get_by_role("row", name=re.compile(second.reference))
    expect(row).to_contain_text("Repeat concern (MA-5)")
    page = check(f"/partner/requests/{repeat.pk}/", f"Request {second.reference}")
    expect(page.locator(".govuk-inset-text")).to_contain_text(
        "Repeat concern (MA-5): your agency answered about these children before"
    )
    expect(page.locator(".govuk-inset-text")).to_contain_text(
        "The form starts from that answer: update it rather than start again."
    )
    expect(page.get_by_role("heading", name="Your agency's previous answer (MA-5)")).to_be_visible()
    expect(page.get_by_label("We hold information")).to_be_checked()
    expect(page.get_by_label("The information your agency holds")).to_have_value(POLICE_INFORMATION)
    expect(page.get_by_label("Your analysis: what does it mean for this child?")).to_have_value(
        POLICE_ANALYSIS
    )


# ------------------------------------------------------------------------ 3. strategy (OU-2)


def test_strategy_discussion_needs_police_and_health(
    check, browser_page, live_server, sign_in, carys, sam, priya, meera
) -> None:
    """OU-2: a section 47 decision is refused without health present, keeping what was
    typed; with health added it is recorded as quorate."""
    contact = _screened(carys, sam, priya)
    sign_in(browser_page, live_server, sam)
    path = f"/contacts/{contact.pk}/strategy/new/"
    page = check(path, "Record a strategy discussion")
    police_row = page.get_by_role("group", name="Attendee 1")
    health_row = page.get_by_role("group", name="Attendee 2")
    expect(police_row.get_by_label("Agency")).to_have_value(scenarios.agency("police").code)
    expect(health_row.get_by_label("Agency")).to_have_value(scenarios.agency("health").code)

    page.get_by_label("Strategy discussion (for example by phone or video)").check()
    _fill_date(page, "Date held", _yesterday())
    page.get_by_label("Time it started").fill("2:15pm")
    page.get_by_label("Who chaired it?").select_option(label=meera.display_name())
    police_row.get_by_label("Name").fill("DS Hughes")
    police_row.get_by_label("Role").fill("Child Abuse Investigation Team")
    health_row.get_by_label("Agency").select_option(value="")  # health did not join
    page.get_by_label("A section 47 child protection enquiry starts").check()
    rationale = "Injury with an implausible explanation; the father is known to the police."
    page.get_by_label("Reasons for the outcome").fill(rationale)
    _submit(page, "Record the strategy discussion")
    expect(page).to_have_title(re.compile("^Error: "))
    expect(_errors(page)).to_be_focused()
    expect(_errors(page)).to_contain_text(
        "A strategy discussion is quorate only with the police and health present (OU-2)."
    )
    expect(police_row.get_by_label("Name")).to_have_value("DS Hughes")
    expect(page.get_by_label("Reasons for the outcome")).to_have_value(rationale)
    expect(page.get_by_label("A section 47 child protection enquiry starts")).to_be_checked()
    expect(page.get_by_label("Who chaired it?")).to_have_value(str(meera.pk))
    check.audit("Record a strategy discussion")

    health_row.get_by_label("Agency").select_option(value=scenarios.agency("health").code)
    health_row.get_by_label("Name").fill("Dr Patel")
    health_row.get_by_label("Role").fill("Designated Doctor")
    _submit(page, "Record the strategy discussion")
    expect(_banner(page)).to_contain_text(f"Strategy discussion recorded on {contact.reference}.")
    check.audit(re.compile(r"^Strategy discussion on "))
    expect(page.get_by_text("Quorate: police and health present")).to_be_visible()
    expect(_summary_value(page, "Outcome")).to_have_text(
        "A section 47 child protection enquiry starts"
    )
    attended = page.get_by_role("list").filter(has_text="DS Hughes")
    expect(attended).to_contain_text("Dr Patel, Designated Doctor (NHS and health services)")


# ------------------------------------------------------------------------ 4. consent (CO-2, CO-3)


def test_checks_without_consent_need_a_managers_authorisation(
    check, browser_page, live_server, sign_in, carys, sam, priya
) -> None:
    """CO-2, CO-3: with consent still to be sought and no child protection concern, a
    non-co-located agency cannot be asked until a manager authorises checks without it."""
    contact = scenarios.household_contact(carys, child_protection_concern=False)
    scenarios.check_every_child(contact, sam)
    scenarios.screen(
        contact, priya, rag="AMBER", consent="TO_BE_SOUGHT", consent_override_reason=""
    )
    housing = scenarios.agency("housing")
    assert not housing.co_located
    path = f"/contacts/{contact.pk}/information-sharing/request/"

    sign_in(browser_page, live_server, sam)
    page = check(path, "Ask partner agencies for checks")
    expect(page.locator(".govuk-inset-text")).to_contain_text(
        "Agencies that are not co-located need the parents' consent"
    )
    agencies = page.get_by_role("group", name="Which partner agencies should check their records?")
    housing_box = agencies.get_by_label("Housing", exact=True)
    needs_consent = "Not co-located, so its checks need the parents' consent (CO-3)."
    expect(housing_box).to_have_accessible_description(re.compile(re.escape(needs_consent)))
    expect(agencies.get_by_label(scenarios.agency("police").name)).to_have_accessible_description(
        "Co-located agency: its electronic checks need no consent (CO-3)"
    )
    housing_box.check()
    _submit(page, "Send the requests")
    expect(page).to_have_title(re.compile("^Error: "))
    expect(_errors(page)).to_contain_text(f"Housing: {needs_consent}")
    expect(housing_box).to_be_checked()
    check.audit("Ask partner agencies for checks")

    sign_in(page, live_server, priya)
    page = check(
        f"/contacts/{contact.pk}/information-sharing/consent/", "Record the consent position"
    )
    _submit(page, "Record consent position")
    check.audit("Record the consent position")  # the error state
    expect(_errors(page)).to_be_focused()
    page.get_by_label("Checks authorised without consent by a Team or Practice Manager").check()
    page.get_by_label("Details").fill(
        "Asking the father would put the children at risk: he is the alleged perpetrator."
    )
    _submit(page, "Record consent position")
    expect(_banner(page)).to_contain_text(f"Consent position recorded on {contact.reference}.")
    check.audit("Multi-agency information sharing")
    expect(_summary_value(page, "Consent position (CO-1, CO-2)")).to_contain_text(
        "Checks authorised without consent by a Team or Practice Manager"
    )

    sign_in(page, live_server, sam)
    page = check(path, "Ask partner agencies for checks")
    housing_box = page.get_by_label("Housing", exact=True)
    expect(housing_box).to_have_accessible_description(
        "A manager authorised checks without consent (CO-2)"
    )
    housing_box.check()
    _submit(page, "Send the requests")
    expect(_banner(page)).to_contain_text(f"Checks requested on {contact.reference}.")
    check.audit("Multi-agency information sharing")
    table = page.get_by_role("table", name="Answers and deadlines (TS-2, TS-3)")
    expect(table.get_by_role("row", name=re.compile("Housing"))).to_contain_text("Waiting")
    expect(_summary_value(page, "Consent basis")).to_contain_text(
        "A manager authorised checks without consent (CO-2)"
    )


# ------------------------------------------------------------------------ 5. MASH meetings (MA-7)


def test_mash_meeting_and_each_agencys_copy(
    check, browser_page, live_server, sign_in, carys, sam, priya, meera, polly
) -> None:
    """MA-7: Sam minutes a meeting chaired by Meera, who issues it; the police's copy shows
    only the case the police were asked about."""
    asked = _screened(carys, sam, priya)
    scenarios.ask(asked, sam, "police")
    other = _screened(carys, sam, priya)
    scenarios.ask(other, sam, "health")
    page = browser_page

    sign_in(page, live_server, sam)
    page = check("/meetings/", "MASH meetings")
    page.get_by_role("button", name="Record a MASH meeting").click()
    check.audit("Record a MASH meeting")
    page.get_by_label("Who chaired it?").select_option(label=meera.display_name())
    first = page.get_by_role("group", name="Attendee 1")
    first.get_by_label("Agency").select_option(label="Northamptonshire Police")
    first.get_by_label("Name").fill("DS Hughes")
    _submit(page, "Add another attendee")
    expect(page).to_have_url(re.compile("/meetings/new/#attendees-2$"))
    second = page.get_by_role("group", name="Attendee 2")
    expect(second).to_be_in_viewport()
    expect(first.get_by_label("Name")).to_have_value("DS Hughes")
    check.audit("Record a MASH meeting")
    second.get_by_label("Agency").select_option(label="NHS and health services")
    second.get_by_label("Name").fill("Dr Patel")
    second.get_by_label("Role").fill("Named GP")
    _submit(page, "Record the meeting")
    expect(_banner(page)).to_contain_text("MASH meeting recorded. Add the cases discussed.")
    meeting_url = page.url
    check.audit(re.compile("^MASH meeting on "))
    expect(page.get_by_text("Draft: not yet issued to the agencies")).to_be_visible()

    _submit(page, "Record the discussion")  # the error state
    check.audit(re.compile("^MASH meeting on "))
    for contact, analysis in [
        (asked, "Police call-outs and the bruising together suggest significant harm."),
        (other, "Missed health appointments; no other agency holds anything."),
    ]:
        page.get_by_label("Contact reference").fill(contact.reference)
        page.get_by_label("The meeting's analysis").fill(analysis)
        page.get_by_label("Strategy meeting and child protection enquiry (section 47)").check()
        _submit(page, "Record the discussion")
        expect(_banner(page)).to_contain_text(
            f"Discussion of {contact.reference} recorded on its MAIS record."
        )
    check.audit(re.compile("^MASH meeting on "))
    expect(page.get_by_role("heading", name=re.compile(asked.reference))).to_be_visible()
    expect(page.get_by_role("heading", name=re.compile(other.reference))).to_be_visible()

    sign_in(page, live_server, polly)
    check(meeting_url.removeprefix(live_server.url), "Page not found", status=404)  # a draft

    sign_in(page, live_server, meera)
    page.goto(meeting_url)
    check.audit(re.compile("^MASH meeting on "))
    _submit(page, "Issue to the agencies")
    expect(_banner(page)).to_contain_text("Record issued: each agency now has its copy.")
    check.audit(re.compile("^MASH meeting on "))
    expect(page.get_by_text(re.compile("^Issued "))).to_be_visible()

    sign_in(page, live_server, polly)
    page = check("/meetings/", "MASH meetings")
    page.get_by_role("link", name=re.compile("open the meeting")).click()
    check.audit(re.compile("^MASH meeting on "))
    expect(page).to_have_url(meeting_url)
    expect(page.get_by_text("Your agency's copy (MA-7)")).to_be_visible()
    expect(page.get_by_role("heading", name=asked.reference, exact=True)).to_be_visible()
    expect(page.get_by_text("Police call-outs and the bruising together")).to_be_visible()
    expect(page.get_by_text(other.reference)).to_have_count(0)
    expect(page.get_by_text("Missed health appointments")).to_have_count(0)
    expect(page.get_by_role("button", name="Record the discussion")).to_have_count(0)


# ------------------------------------------------------------------------ 6. disputes (DM-1)


def test_partner_dispute_up_the_ladder(
    check, browser_page, live_server, sign_in, carys, sam, priya, meera, sonia, polly
) -> None:
    """DM-1, TS-8: the police disagree with the recommendation; the Team Managers escalate,
    the Service Managers resolve it with a binding outcome."""
    contact = scenarios.household_contact(carys)
    scenarios.recommend(contact, sam, priya)  # the police asked and answered; S47 recommended
    request = contact.information_requests.get()

    sign_in(browser_page, live_server, polly)
    page = check(f"/partner/requests/{request.pk}/", f"Request {contact.reference}")
    expect(_summary_value(page, "Recommended outcome (MA-6)")).to_have_text(
        "Strategy meeting and child protection enquiry (section 47)"
    )
    page.get_by_role("link", name="Disagree with the MASH recommendation (DM-1)").click()
    title = f"Disagree with the recommendation on {contact.reference}"
    check.audit(title)
    _submit(page, "Send your disagreement")
    expect(_errors(page)).to_contain_text("Enter why you disagree with the recommendation")
    check.audit(title)
    reason = "The injury was explained by a fall witnessed at the nursery."
    page.get_by_label("Why do you disagree with the recommendation?").fill(reason)
    page.get_by_label("Child in Need single assessment (section 17)").check()
    _submit(page, "Send your disagreement")
    expect(_banner(page)).to_contain_text("Your disagreement was sent to the MASH Team Managers.")
    check.audit("Dispute about the recommendation")
    expect(page.get_by_text("Open: with the Team Managers")).to_be_visible()
    dispute_url = page.url

    sign_in(page, live_server, meera)
    page = check("/disputes/", "Open disputes")
    row = page.get_by_role("row", name=re.compile(contact.reference))
    expect(row).to_contain_text("Northamptonshire Police")
    expect(row).to_contain_text("Team Managers")
    row.get_by_role("link").click()
    check.audit("Dispute about the recommendation")
    _submit(page, "Record this step")
    check.audit("Dispute about the recommendation")  # the error state
    page.get_by_label("Not resolved: escalated to the next level").check()
    page.get_by_label("Who did you discuss it with?").fill("DI Khan, Police MASH manager")
    page.get_by_label("What was discussed, and why this result?").fill(
        "We could not agree whether the fall explains the bruising."
    )
    _submit(page, "Record this step")
    expect(_banner(page)).to_contain_text("Step recorded.")
    check.audit("Dispute about the recommendation")
    expect(page.get_by_text("Open: with the Service Managers")).to_be_visible()

    sign_in(page, live_server, sonia)
    page.goto(dispute_url)
    check.audit("Dispute about the recommendation")
    page.get_by_label("Resolved at this level").check()
    outcomes = page.get_by_role("group", name="If resolved: the outcome agreed")
    outcomes.get_by_label("Child in Need single assessment (section 17)").check()
    page.get_by_label("Who did you discuss it with?").fill("Supt Rowe, Police Public Protection")
    page.get_by_label("What was discussed, and why this result?").fill(
        "The nursery's account is consistent with the injury; assess as a child in need."
    )
    _submit(page, "Record this step")
    expect(_banner(page)).to_contain_text("Step recorded.")
    check.audit("Dispute about the recommendation")
    expect(page.locator("strong.govuk-tag", has_text="Resolved")).to_be_visible()
    ladder = page.locator("ol.govuk-list--number > li")
    expect(ladder).to_have_count(2)
    expect(ladder.nth(0)).to_contain_text("Team Managers")
    expect(ladder.nth(0)).to_contain_text("not resolved: escalated to the next level")
    expect(ladder.nth(1)).to_contain_text("Service Managers")
    expect(ladder.nth(1)).to_contain_text(
        'resolved at this level with the outcome "Child in Need single assessment (section 17)"'
    )
    expect(_summary_value(page, "Binding outcome (DM-1)")).to_contain_text(
        "Child in Need single assessment (section 17)"
    )


# ------------------------------------------------------------------------ 7. export (MA-8)


def test_partner_export_holds_only_its_own_answers(
    check, browser_page, live_server, sign_in, carys, sam, priya, polly, hana
) -> None:
    """MA-8: the police's CSV has what the police shared and nothing from health."""
    contact = _screened(carys, sam, priya)
    police_request, health_request = scenarios.ask(contact, sam, "police", "health")
    scenarios.answer(police_request, polly, POLICE_INFORMATION)
    scenarios.answer(health_request, hana, HEALTH_INFORMATION)

    sign_in(browser_page, live_server, polly)
    page = check("/partner/", "Requests for information")
    page.get_by_role("link", name=re.compile("^Download what your agency has shared")).click()
    check.audit("Download what your agency has shared")
    _submit(page, "Download CSV")
    expect(_errors(page)).to_contain_text("Enter from")
    check.audit("Download what your agency has shared")
    today = timezone.localdate()
    for group in ("From", "To"):
        _fill_date(page, group, (str(today.day), str(today.month), str(today.year)))
    with page.expect_download() as download_info:
        _submit(page, "Download CSV")
    download = download_info.value
    assert download.suggested_filename == (
        f"mash-information-shared-{today:%Y-%m-%d}-to-{today:%Y-%m-%d}.csv"
    )
    content = Path(download.path()).read_text(encoding="utf-8-sig")
    assert contact.reference in content
    assert POLICE_INFORMATION in content
    assert "Northamptonshire Police" in content
    assert HEALTH_INFORMATION not in content
    assert "NHS and health services" not in content


# ------------------------------------------------------------------------ 8. every other page


def test_remaining_multi_agency_pages(
    check, browser_page, live_server, sign_in, carys, sam, priya, meera, polly
) -> None:
    """axe on chase, go ahead without an answer, emergency action, the analysis and
    recommendation, the open disputes, the meetings list and the contact page's new parts."""
    contact = _screened(carys, sam, priya)
    police_request, health_request = scenarios.ask(contact, sam, "police", "health")
    scenarios.answer(
        police_request,
        polly,
        POLICE_INFORMATION,
        heightens_concern=True,
        heightens_concern_reason=POLICE_REASON,
    )
    base = f"/contacts/{contact.pk}/information-sharing"
    sign_in(browser_page, live_server, sam)

    page = check(f"{base}/{health_request.pk}/chase/", "Chase an agency for its answer")
    _submit(page, "Record the chase")
    check.audit("Chase an agency for its answer")
    page.get_by_label("How did you chase the agency?").fill("Phoned the health MASH desk.")
    _submit(page, "Record the chase")
    expect(_banner(page)).to_contain_text("Chase recorded for NHS and health services.")
    check.audit("Multi-agency information sharing")
    expect(page.get_by_text(re.compile("^Chased 1 time, last "))).to_be_visible()

    page = check(f"{base}/{health_request.pk}/go-ahead/", "Go ahead without an agency's answer")
    _submit(page, "Go ahead without it")
    check.audit("Go ahead without an agency's answer")
    page.get_by_label("Why are you going ahead without this agency's answer?").fill(
        "The decision cannot wait; health will share at the strategy discussion."
    )
    _submit(page, "Go ahead without it")
    expect(_banner(page)).to_contain_text("Going ahead without NHS and health services's answer")
    check.audit("Multi-agency information sharing")

    page = check(f"{base}/recommend/", "Record your analysis and recommendation")
    expect(page.get_by_role("list").filter(has_text="Northamptonshire Police")).to_contain_text(
        "Answered"
    )
    _submit(page, "Send to manager")
    check.audit("Record your analysis and recommendation")

    emergency = f"/contacts/{contact.pk}/emergency-action/"
    page = check(emergency, "Record emergency action")
    page.get_by_label("Police protection (only when there is no time to seek an EPO)").check()
    _submit(page, "Record emergency action")
    expect(page).to_have_title(re.compile("^Error: "))
    expect(_errors(page)).to_contain_text("Enter who acted")
    check.audit("Record emergency action")
    _fill_date(page, "Date taken", _yesterday())
    page.get_by_label("Time taken").fill("11pm")
    page.get_by_label("Which agency acted?").select_option(label="Northamptonshire Police")
    page.get_by_label("Who acted?").fill("PC Ellis, response officer")
    page.get_by_label("Which children were protected, and where are they now?").fill(
        "Jayden and Amelia, with their grandmother."
    )
    page.get_by_label("How were other children considered?").fill("No other children live there.")
    _submit(page, "Record emergency action")
    expect(_errors(page)).to_contain_text("enter why there was no time (OU-5)")
    check.audit("Record emergency action")  # the service's refusal, the input kept
    expect(page.get_by_label("Who acted?")).to_have_value("PC Ellis, response officer")
    page.get_by_label("For police protection: why was there no time").fill(
        "The father returned drunk at 11pm threatening the children."
    )
    _submit(page, "Record emergency action")
    expect(_banner(page)).to_contain_text("Emergency action recorded.")
    check.audit(f"Contact {contact.reference}")
    page = check(f"/contacts/{contact.pk}/strategy/new/", "Record a strategy discussion")
    expect(page.locator(".govuk-warning-text")).to_contain_text("This discussion must follow it")

    check("/disputes/", "Open disputes")
    expect(page.get_by_text("No dispute is open.")).to_be_visible()
    check("/meetings/", "MASH meetings")
    expect(page.get_by_text("No meetings recorded.")).to_be_visible()

    page = check(f"/contacts/{contact.pk}/", f"Contact {contact.reference}")
    expect(page.get_by_role("heading", name="Multi-agency information sharing")).to_be_visible()
    expect(page.get_by_role("heading", name="Protection, strategy and disputes")).to_be_visible()
    expect(page.get_by_role("link", name="Open the information sharing record")).to_be_visible()
    expect(page.get_by_role("link", name="Record emergency action")).to_be_visible()
    expect(page.get_by_text(re.compile("^Police protection .*by PC Ellis"))).to_be_visible()
    expect(page.locator(".govuk-warning-text").first).to_contain_text(
        "A strategy discussion must follow as soon as possible (OU-5)."
    )
