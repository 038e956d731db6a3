"""axe on dip sampling (issue 8 §3, DM-2): draw a sample, audit one contact, read the report."""

from __future__ import annotations

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from mash.contacts import services as contacts
from mash.policy.profiles import active_profile
from mash.sampling import checklist
from tests.browser import scenarios

pytestmark = pytest.mark.browser


def _closed_nfa(carys, sam, priya, meera) -> None:
    """A contact screened below the threshold, decided NFA and closed today."""
    contact = scenarios.household_contact(carys)
    for person in contact.children():
        contacts.confirm_new_person(person, by=sam)
    level = next(
        lvl
        for lvl in active_profile().threshold_model.levels
        if not lvl.leads_to_checks and not lvl.information_sharing
    )
    contacts.screen_contact(
        contact,
        by=priya,
        threshold_level=level.code,
        rag="GREEN",
        consent="GIVEN",
        rationale="Below the threshold.",
    )
    contacts.recommend_outcome(contact, by=sam, outcome="NFA", rationale="Advice given.")
    contacts.decide(contact, by=meera, agrees=True, outcome="NFA", rationale="Agreed.")
    contacts.close_contact(contact, by=meera)


def test_draw_audit_one_contact_and_read_the_report(
    check, browser_page: Page, live_server, sign_in, carys, sam, priya, meera
) -> None:
    for _ in range(3):
        _closed_nfa(carys, sam, priya, meera)
    today = timezone.localdate()
    sign_in(browser_page, live_server, meera)
    page = check("/reports/dip-samples/", "Dip samples")
    page.get_by_role("button", name="Draw a sample").click()
    check.audit("Draw a dip sample")
    page.get_by_label("Title").fill("Closed today")
    for part, value in (("day", today.day), ("month", today.month), ("year", today.year)):
        page.locator(f"#id_closed_from_{part}").fill(str(value))
        page.locator(f"#id_closed_to_{part}").fill(str(value))
    page.get_by_label("Sample size").fill("4")
    page.get_by_role("button", name="Draw the sample").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Sample size must be 3 or fewer")
    expect(page.get_by_label("Title")).to_have_value("Closed today")
    check.audit("Draw a dip sample")
    page.get_by_label("Sample size").fill("2")
    page.get_by_label("Seed (optional)").fill("2026")
    page.get_by_role("button", name="Draw the sample").click()
    check.audit("Closed today")
    expect(page.locator("#mash-sample-seed")).to_have_text("2026")
    expect(page.get_by_text("Not audited")).to_have_count(2)

    page.get_by_role("link", name="Record findings").first.click()
    heading = page.get_by_role("heading", level=1)
    expect(heading).to_contain_text("Audit MASH-")
    h1 = heading.inner_text()
    page.get_by_role("button", name="Record the findings").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Select the overall grade")
    check.audit(h1)
    for question in checklist.QUESTIONS:
        answer = "NA" if question.id == "police" else "YES"
        page.locator(f"input[name=answer_{question.id}][value={answer}]").check()
    page.locator("input[name=answer_letters][value=NO]").check()
    page.get_by_label("Note on: Were the referrer and parents").fill("No letter to the father.")
    page.get_by_label("Good", exact=True).check()
    page.get_by_label("Summary of the findings").fill("Sound decision, letters missed.")
    page.get_by_label("Learning points (optional)").fill("Send every parent a letter.")
    page.get_by_role("button", name="Record the findings").click()
    check.audit("Closed today")
    expect(page.get_by_text("Not audited")).to_have_count(1)

    page.get_by_role("link", name="Read the report").click()
    check.audit("Closed today")
    expect(page.get_by_text("1 of 2 contacts audited")).to_be_visible()
    expect(page.locator("#mash-report-learning")).to_contain_text("Send every parent a letter.")
    letters_row = page.locator("#mash-report-questions tr", has_text="sent the outcome")
    expect(letters_row.locator("td")).to_have_text(["0", "1", "0", "0%"])


def test_the_auditor_reads_findings_and_an_unaudited_checklist(
    check, browser_page: Page, live_server, sign_in, carys, sam, priya, meera, aled
) -> None:
    from mash.sampling import services as sampling

    for _ in range(2):
        _closed_nfa(carys, sam, priya, meera)
    today = timezone.localdate()
    sample = sampling.draw_sample(
        by=meera,
        title="For the auditor",
        criteria=sampling.Criteria(today, today),
        size=2,
        seed=5,
    )
    first = sample.items.select_related("contact").get(position=1)
    sampling.record_finding(
        first,
        by=meera,
        finding=sampling.FindingInput(
            answers={q.id: "YES" for q in checklist.QUESTIONS},
            grade="OUTSTANDING",
            summary="Exemplary record.",
        ),
    )
    sign_in(browser_page, live_server, aled)
    page = check(f"/reports/dip-samples/{sample.pk}/", "For the auditor")
    expect(page.get_by_role("button", name="Draw a sample")).to_have_count(0)
    page.get_by_role("link", name=f"Read the findings for {first.contact.reference}").click()
    check.audit(f"Findings for {first.contact.reference}")
    expect(page.get_by_text("Exemplary record.")).to_be_visible()
    second = sample.items.select_related("contact").get(position=2)
    page = check(
        f"/reports/dip-samples/{sample.pk}/items/2/", f"Findings for {second.contact.reference}"
    )
    expect(page.get_by_text("Not audited yet")).to_be_visible()
    expect(page.get_by_role("button", name="Record the findings")).to_have_count(0)
