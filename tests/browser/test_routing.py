"""Routing and the special pathways in a real browser, with axe on every page (WCAG 2.2 AA):
the contact page's explanations, passing on, choosing a route with a reason, team inboxes,
required tasks, and the pathway review forms with their errors, in each profile that has them."""

from __future__ import annotations

import re
from datetime import date

import pytest
from playwright.sync_api import Page, expect

from mash.accounts.services import sync_profile
from mash.contacts import services
from mash.people.models import Involvement, Person
from mash.policy.profiles import active_profile
from tests.browser import scenarios

pytestmark = pytest.mark.browser


def _submit(page: Page, name: str) -> None:
    page.get_by_role("button", name=name, exact=True).click()


def _open_case(contact, by, team_code: str) -> None:
    """Link every child to a record open to `team_code` (IN-6)."""
    from mash.accounts.models import Team

    person = Person.objects.create(
        given_names="Jayden", family_name="Smyth", date_of_birth=date(2018, 5, 4)
    )
    Involvement.objects.create(
        person=person,
        service=Involvement.Service.CHILD_IN_NEED,
        team=Team.objects.get(code=team_code),
        allocated_worker="Rhian Jones",
        started_on=date(2026, 6, 1),
    )
    for child in contact.children():
        services.link_person(child, person=person, by=by)


@pytest.fixture
def rotherham(settings):
    settings.MASH_PROFILE = "rotherham"
    sync_profile(active_profile())


@pytest.fixture
def calderdale(settings):
    settings.MASH_PROFILE = "calderdale"
    sync_profile(active_profile())


def test_an_open_case_is_passed_on_and_received(
    check, browser_page, live_server, sign_in, carys, sam, meera
) -> None:
    contact = scenarios.household_contact(carys, possible_offence=True)
    _open_case(contact, sam, "childrens-team")
    sign_in(browser_page, live_server, meera)
    page = check(f"/contacts/{contact.pk}/", f"Contact {contact.reference}")
    expect(page.get_by_text("Suggested: The allocated social worker")).to_be_visible()
    expect(page.get_by_text(re.compile("Source: seed 004 §3")).first).to_be_visible()
    tasks = page.get_by_role("table", name="Required by the local procedures")
    expect(tasks.get_by_role("link", name=re.compile("Tell the police now"))).to_be_visible()

    page.get_by_role("link", name="Choose a different route").click()
    check.audit("Choose a different route")
    _submit(page, "Record the route")
    check.audit("Choose a different route")  # the errors, and nothing typed is lost
    expect(page.get_by_role("link", name=re.compile("Enter why the contact"))).to_be_visible()

    # The police are told before the front door lets it go (IN-12): the page says so.
    check(f"/contacts/{contact.pk}/", f"Contact {contact.reference}")
    warning = page.locator(".govuk-warning-text", has_text="Before it is passed on")
    expect(warning).to_contain_text("Tell the police now")
    expect(warning).to_contain_text("IN-12")
    expect(page.get_by_role("button", name="Pass it on as suggested")).to_have_count(0)
    tasks.get_by_role("link", name=re.compile("Tell the police now")).click()
    page.get_by_label("What was done, by whom and when?").fill("PC 1234 Jones told at 10:05.")
    _submit(page, "Mark as done")
    _submit(page, "Pass it on as suggested")
    check.audit(f"Contact {contact.reference}")
    expect(page.get_by_text("Passed to another team").first).to_be_visible()

    page = check("/teams/", "Team inboxes")
    page.get_by_role("link", name="Children's Team (assessment)").click()
    check.audit("Children's Team (assessment)")
    page.get_by_role("link", name=contact.reference).click()
    page.get_by_role("link", name="Confirm the team has it").first.click()
    check.audit("Confirm the team has it")
    _submit(page, "Confirm")
    check.audit("Confirm the team has it")  # the note is required: explained, kept
    page.get_by_label("Who in the team has it, and what happens next?").fill("Rhian Jones has it.")
    _submit(page, "Confirm")
    check.audit(f"Contact {contact.reference}")
    expect(page.get_by_text("Closed").first).to_be_visible()


def test_task_and_concern_pages(check, browser_page, live_server, sign_in, carys) -> None:
    contact = scenarios.household_contact(carys, possible_offence=True)
    task = contact.tasks.get(kind="POLICE_INFORMED")
    sign_in(browser_page, live_server, carys)
    page = check(f"/contacts/{contact.pk}/tasks/{task.pk}/", task.label)
    _submit(page, "Mark as done")
    check.audit(task.label)
    page = check(f"/contacts/{contact.pk}/concerns/", "Kinds of concern")
    page.get_by_label("Neglect").check()
    _submit(page, "Save")
    check.audit(f"Contact {contact.reference}")
    expect(page.get_by_text("Kinds of concern: Neglect")).to_be_visible()


def test_rotherham_pathway_pages(
    rotherham, check, browser_page, live_server, sign_in, carys, sam, maya
) -> None:
    contact = scenarios.household_contact(carys, concern_categories=["domestic_abuse", "missing"])
    scenarios.check_every_child(contact, sam)
    sign_in(browser_page, live_server, sam)
    page = check(f"/contacts/{contact.pk}/", f"Contact {contact.reference}")
    expect(
        page.get_by_text("Required: The Missing Coordinators (Missing Coordinators)")
    ).to_be_visible()

    page = check(f"/contacts/{contact.pk}/domestic-abuse-review/", "Review the domestic abuse risk")
    page.get_by_label("High").check()
    _submit(page, "Record the review")
    check.audit("Review the domestic abuse risk")  # high risk needs the plan (SP-1)
    page.get_by_label("Safety and protection plan").fill("Refuge place found; police marker.")
    _submit(page, "Record the review")
    check.audit(f"Contact {contact.reference}")
    tasks = page.get_by_role("table", name="Required by the local procedures")
    expect(tasks.get_by_text("Hold the multi-agency domestic abuse (MADA) meeting")).to_be_visible()

    page = check(f"/contacts/{contact.pk}/missing-review/", "The Missing Coordinators' review")
    _submit(page, "Record the review")
    check.audit("The Missing Coordinators' review")
    page = check(f"/contacts/{contact.pk}/cross-boundary/", "A child from another local authority")
    page.get_by_label("The other local authority").fill("Leeds")
    page.get_by_label("The responsible authority accepts responsibility in writing").check()
    page.get_by_label("What was agreed, with whom").fill("Leeds duty manager agreed by phone.")
    _submit(page, "Record")
    check.audit("A child from another local authority")
    expect(
        page.get_by_role("link", name=re.compile("Enter the written acceptance"))
    ).to_be_visible()
    sign_in(browser_page, live_server, maya)  # the team's inbox is its members' (ADR 0012)
    page = check("/teams/missing/", "Missing Coordinators")
    expect(page.get_by_role("link", name=contact.reference)).to_be_visible()


def test_calderdale_dct_pages(
    calderdale, check, browser_page, live_server, sign_in, carys, sam, priya
) -> None:
    contact = scenarios.household_contact(carys, concern_categories=["disability"])
    scenarios.check_every_child(contact, sam)
    sign_in(browser_page, live_server, sam)
    page = check(
        f"/contacts/{contact.pk}/dct-eligibility/", "The Disabled Children's Team's criteria"
    )
    page.get_by_label("An autism diagnosis").check()
    page.get_by_label("A moderate or severe learning disability").check()
    _submit(page, "Record")
    check.audit(f"Contact {contact.reference}")
    sign_in(browser_page, live_server, priya)
    page = check(f"/contacts/{contact.pk}/dct-decision/", "The Disabled Children's Team's decision")
    _submit(page, "Record the decision")
    check.audit("The Disabled Children's Team's decision")
    page.get_by_label("Criteria met: the Disabled Children's Team takes the case").check()
    page.get_by_label("Who in the Disabled Children's Team decided?").fill("Dee Manager")
    page.get_by_label("The reasons for the decision").fill("Severe needs from the disability.")
    _submit(page, "Record the decision")
    check.audit(f"Contact {contact.reference}")
    expect(page.get_by_text("Suggested: The Disabled Children's Team")).to_be_visible()
