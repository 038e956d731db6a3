"""Realistic data for the browser tests, built through the services as the app would build it.

Everything here writes through `mash.contacts.services` (the only writers of contacts), so the
pages see the clocks, transitions and audit trail a real contact has. People and involvement
come from the social-care database, which has no service layer: they are created directly.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.utils import timezone

from conftest import child, contact_details, share_checks
from mash.contacts import services
from mash.contacts.clocks import profile_of
from mash.contacts.models import Contact, ContactPerson
from mash.people.models import Involvement, Person
from tests.browser.conftest import format_violations

PASSWORD = "a-long-test-password"  # the root conftest's personas all have it

# --------------------------------------------------------------------------- axe best practice


def _is_back_link_outside_landmarks(violation: dict[str, Any]) -> bool:
    """GOV.UK puts the back link before <main> on purpose (so "Skip to main content" skips it),
    which axe's best-practice `region` rule reports: govuk-frontend issue #1604. Accepted."""
    return violation["id"] == "region" and all(
        node["target"] == [".govuk-back-link"] for node in violation["nodes"]
    )


def assert_best_practice(page: Any) -> None:
    """axe's best-practice rules (heading order, unique landmarks, one h1, …) on top of the
    WCAG rules `assert_accessible` runs; only the GOV.UK back-link placement is let through."""
    options = {
        "runOnly": {"type": "tag", "values": ["best-practice"]},
        "resultTypes": ["violations"],
    }
    violations = [
        violation
        for violation in Axe().run(page, options=options).response["violations"]
        if not _is_back_link_outside_landmarks(violation)
    ]
    if violations:
        pytest.fail(f"{page.url}\n{format_violations(violations)}", pytrace=False)


# What axe 4.7+ no longer checks (duplicate ids) or cannot judge (link purpose, table captions).
_STRUCTURE_PROBLEMS = """() => {
  const problems = [];
  const seen = new Map();
  for (const el of document.querySelectorAll("[id]")) {
    seen.set(el.id, (seen.get(el.id) || 0) + 1);
  }
  for (const [id, count] of seen) if (count > 1) problems.push(`id "${id}" is used ${count} times`);
  const targets = new Map();
  for (const link of document.querySelectorAll("a[href]")) {
    const name = (link.getAttribute("aria-label") || link.textContent).replace(/\\s+/g, " ").trim();
    const href = new URL(link.href, location.href).href;
    if (!targets.has(name)) targets.set(name, new Set());
    targets.get(name).add(href);
  }
  for (const [name, hrefs] of targets) {
    if (hrefs.size > 1) problems.push(`links named "${name}" go to ${hrefs.size} places`);
  }
  for (const table of document.querySelectorAll("table")) {
    const caption = table.querySelector("caption");
    if (!caption || !caption.textContent.trim()) problems.push("a table has no caption");
  }
  return problems;
}"""


def assert_page_structure(page: Any) -> None:
    """Unique ids, link text that says where it goes (WCAG 2.4.4, with visually hidden text
    where the visible words repeat) and captioned tables."""
    problems = page.evaluate(_STRUCTURE_PROBLEMS)
    if problems:
        pytest.fail(f"{page.url}\n" + "\n".join(problems), pytrace=False)


# --------------------------------------------------------------------------- people and contacts


def adult(**overrides: Any) -> services.PersonDetails:
    """Dean Smyth: father, parental responsibility, the alleged perpetrator."""
    values: dict[str, Any] = {
        "kind": ContactPerson.Kind.ADULT,
        "given_names": "Dean",
        "family_name": "Smyth",
        "date_of_birth": date(1990, 2, 14),
        "relationship_to_child": "Father",
        "has_parental_responsibility": True,
        "is_alleged_perpetrator": True,
    }
    values.update(overrides)
    return services.PersonDetails(**values)


def household_contact(by: Any, **overrides: Any) -> Contact:
    """Two children and their father, phoned in by the school."""
    people = [
        child(),
        child(given_names="Amelia", date_of_birth=date(2020, 9, 1), school_or_nursery="Acorns"),
        adult(),
    ]
    return services.record_contact(by=by, people=people, **contact_details(**overrides))


def known_child(*, open_case: bool = True, **overrides: Any) -> Person:
    """Jayden Smyth as already known to children's social care, with his involvement."""
    values: dict[str, Any] = {
        "given_names": "Jayden",
        "family_name": "Smyth",
        "date_of_birth": date(2018, 5, 4),
        "other_names": "Jaden Smith",
        "address": "14 Mill Lane, Kettering",
        "postcode": "NN16 0AA",
        "nhs_number": "9434765919",
    }
    values.update(overrides)
    person = Person.objects.create(**values)
    today = timezone.localdate()
    Involvement.objects.create(
        person=person,
        service=Involvement.Service.EARLY_HELP,
        allocated_worker="Tom Early",
        started_on=today - timedelta(days=400),
        ended_on=today - timedelta(days=200),
        closure_reason="Needs met",
    )
    if open_case:
        Involvement.objects.create(
            person=person,
            service=Involvement.Service.CHILD_IN_NEED,
            allocated_worker="Rhian Jones",
            started_on=today - timedelta(days=60),
        )
    return person


def check_every_child(contact: Contact, by: Any) -> None:
    for person in contact.people.filter(kind=ContactPerson.Kind.CHILD):
        if person.person_id is None:
            services.confirm_new_person(person, by=by)


def threshold_code(contact: Contact, *, meets: bool) -> str:
    """A threshold level from the contact's profile that does (or does not) meet the social
    care threshold: the highest that meets it, or the lowest that does not."""
    levels = profile_of(contact).threshold_model.levels
    matching = [lvl for lvl in levels if lvl.meets_social_care_threshold == meets]
    return (matching[-1] if meets else matching[0]).code


def threshold_label(contact: Contact, *, meets: bool) -> str:
    code = threshold_code(contact, meets=meets)
    return profile_of(contact).threshold_level(code).label


def screen(contact: Contact, by: Any, *, rag: str = "RED", **extra: Any) -> None:
    values = {
        "consent": "OVERRIDDEN",
        "consent_override_reason": "The father is the alleged perpetrator.",
        "rationale": "Unexplained bruising on a six-year-old; father previously known.",
    }
    values.update(extra)
    level = threshold_code(contact, meets=rag != "GREEN")
    services.screen_contact(contact, by=by, threshold_level=level, rag=rag, **values)


def police_officer() -> Any:
    """A police partner officer for scenarios that need an agency's answer (made once)."""
    from mash.accounts.models import Agency, Membership, Role, User

    user, made = User.objects.get_or_create(
        username="pc-scenario", defaults={"first_name": "Priti", "last_name": "Constable"}
    )
    if made:
        police = Agency.objects.get(kind="police")
        Membership.objects.create(user=user, agency=police, role=Role.PARTNER_OFFICER)
    return user


def recommend(contact: Contact, sam: Any, priya: Any) -> None:
    """Checked, screened red, the police asked and answered, checks complete and an S47
    recommendation awaiting a decision."""
    check_every_child(contact, sam)
    screen(contact, priya)
    share_checks(contact, asked_by=sam, partner=police_officer())
    services.recommend_outcome(
        contact,
        by=sam,
        outcome="S47",
        rationale="Injury with an implausible explanation.",
        analysis="The police call-outs and the injury together suggest significant harm.",
    )


def decide_and_close(contact: Contact, sam: Any, priya: Any, meera: Any) -> None:
    recommend(contact, sam, priya)
    services.decide(
        contact,
        by=meera,
        agrees=True,
        outcome="S47",
        rationale="Strategy discussion today.",
        team=services.suggested_team(contact, "S47"),
    )
    services.record_written_confirmation(contact, by=sam, note="MARF emailed by the school.")
    services.record_acknowledgement(contact, by=sam, note="Phoned the head teacher.")
    services.close_contact(contact, by=sam, note="Passed to the assessment team.")


# --------------------------------------------------------------------------- multi-agency sharing


def agency(kind: str) -> Any:
    """The profile's agency of `kind` ("police", "health", "housing", …)."""
    from mash.accounts.models import Agency

    return Agency.objects.filter(kind=kind).order_by("code").first()


def ask(contact: Contact, by: Any, *kinds: str, legal_basis: str = "CA1989_S47") -> list[Any]:
    """Ask the agencies of `kinds` for checks on a screened contact (MA-2), in that order."""
    from mash.sharing import services as sharing

    return sharing.request_checks(
        contact,
        by=by,
        agency_codes=[agency(kind).code for kind in kinds],
        concern_summary="Bruising seen at school.",
        question="What does your agency hold about this family?",
        legal_basis=legal_basis,
    )


def answer(request: Any, by: Any, information: str, **extra: Any) -> Any:
    """The asked agency's officer answers with information and an analysis (MA-2)."""
    from mash.sharing import services as sharing

    values: dict[str, Any] = {
        "kind": "INFORMATION",
        "information": information,
        "analysis": "Escalating pattern of violence at home.",
    }
    values.update(extra)
    return sharing.record_contribution(request, by=by, answer=sharing.Answer(**values))
