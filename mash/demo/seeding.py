"""Fill a local database with a working MASH: staff for every role, people, and contacts at
every step of the journey, all made through the real services so clocks and audit are real."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from mash.accounts.models import Agency, Membership, Team, User
from mash.accounts.services import sync_profile
from mash.contacts import services
from mash.contacts.models import Contact, ContactPerson
from mash.demo.history import give_census_codes, history_window, seed_history
from mash.demo.synthetic import make_faker, make_people
from mash.disputes import services as disputes
from mash.meetings import services as meetings
from mash.meetings.models import MashMeeting
from mash.people.models import Person
from mash.policy.profiles import active_profile
from mash.routing import services as routing
from mash.routing import tasks as routing_tasks
from mash.sharing import services as sharing

Role = Membership.Role

# Local demo only: `seed` refuses to run in production, so these never guard real data.
DEMO_PASSWORD = "demo-password-2026"  # noqa: S105  # nosec B105


@dataclass(frozen=True)
class Persona:
    username: str
    first_name: str
    last_name: str
    role: str
    agency_kind: str = "childrens_social_care"
    team_kind: str = "mash"  # the team whose inbox the persona works from (ADR 0012)


PERSONAS = (
    Persona("carys", "Carys", "Advisor", Role.CUSTOMER_ADVISOR),
    Persona("sam", "Sam", "Social-Worker", Role.MASH_SOCIAL_WORKER),
    Persona("priya", "Priya", "Practice-Manager", Role.PRACTICE_MANAGER),
    Persona("meera", "Meera", "Team-Manager", Role.TEAM_MANAGER),
    Persona("sonia", "Sonia", "Service-Manager", Role.SERVICE_MANAGER),
    Persona("hollie", "Hollie", "Head-of-Service", Role.HEAD_OF_SERVICE),
    Persona("adrian", "Adrian", "Assistant-Director", Role.ASSISTANT_DIRECTOR),
    Persona("aled", "Aled", "Auditor", Role.AUDITOR),
    Persona("polly", "Polly", "Police", Role.PARTNER_OFFICER, agency_kind="police"),
    Persona("hana", "Hana", "Health", Role.PARTNER_OFFICER, agency_kind="health"),
    # Issue 6 (ADR 0012): where the profile has no such team, they have no inbox.
    Persona("maya", "Maya", "Missing-Coordinator", Role.MISSING_COORDINATOR, team_kind="missing"),
    Persona("dara", "Dara", "Disabled-Children", Role.DCT_WORKER, team_kind="dct"),
    Persona("simon", "Simon", "System-Administrator", Role.SYSTEM_ADMINISTRATOR, team_kind=""),
)


class SeedRefused(Exception):
    """Seeding was asked for against a production setting."""


def refuse_production() -> None:
    """Synthetic data must never go into a production database."""
    if settings.IS_PRODUCTION:
        raise SeedRefused(
            "Refusing to seed: MASH_ENVIRONMENT is 'production'. Seeding writes synthetic "
            "people and demo accounts; run it only against a local or test database."
        )


@transaction.atomic
def seed(
    *,
    people: int = 300,
    contacts: int = 24,
    seed_value: int = 2026,
    history_per_year: int = 600,
    history_years: int = 3,
) -> dict[str, int]:
    """Seed everything; safe to run twice (users are updated, not duplicated).

    Besides the live contacts, `history_years` census years of closed history (the current
    one so far included) at about `history_per_year` contacts a year (mash.demo.history).
    """
    refuse_production()
    profile = active_profile()
    sync_profile(profile)
    users = {p.username: _user(p) for p in PERSONAS}
    made_people = make_people(people, seed=seed_value, teams=list(Team.objects.all()))
    # Seeded synthetic data, not security (bandit B311).
    made = _contacts(contacts, users, made_people, random.Random(seed_value))  # nosec B311
    multi_agency_examples(users)
    routing_examples(users, made_people, random.Random(seed_value + 1))  # nosec B311
    # The returns describe every child referred: the live demo's children get census codes.
    give_census_codes(
        Person.objects.filter(is_child=True, ethnicity_code=""),
        random.Random(seed_value + 2),  # nosec B311
    )
    history = {"contacts": 0}
    if history_per_year > 0 and history_years > 0:
        start, end = history_window(history_years, timezone.localdate())
        history = seed_history(
            start=start,
            end=end,
            contacts_per_year=history_per_year,
            rng=random.Random(seed_value + 3),  # nosec B311
            users=users,
        )
    return {
        "users": len(users),
        "people": len(made_people),
        "contacts": made,
        "history_contacts": history["contacts"],
        "history_rows": history.get("rows", 0),
        "history_seconds": history.get("seconds", 0),
    }


def _user(persona: Persona) -> User:
    user, _ = User.objects.update_or_create(
        username=persona.username,
        defaults={
            "first_name": persona.first_name,
            "last_name": persona.last_name.replace("-", " "),
            "email": f"{persona.username}@example.org",
        },
    )
    user.set_password(DEMO_PASSWORD)
    user.save()
    agency = _agency(persona.agency_kind)
    if not user.memberships.filter(role=persona.role).exists():
        Membership.objects.create(
            user=user,
            agency=agency,
            role=persona.role,
            team=Team.objects.filter(kind=persona.team_kind).first() if persona.team_kind else None,
        )
    return user


def _agency(kind: str) -> Agency:
    """The profile's first agency of `kind` (an AgencyKind value)."""
    codes = [agency.code for agency in active_profile().agencies if agency.kind == kind]
    return Agency.objects.get(code=codes[0])


def _contacts(count: int, users: dict[str, User], people: list[Person], rng: random.Random) -> int:
    fake = make_faker(rng.randrange(10_000))
    now = timezone.now()
    for index in range(count):
        # Mostly recent, a few from earlier in the week: a queue with some overdue work.
        minutes = rng.randint(10, 240) if index % 4 else rng.randint(60 * 24, 60 * 72)
        received = now - timedelta(minutes=minutes)
        child = rng.choice(people)
        contact = services.record_contact(
            by=users["carys"],
            people=[
                _as_details(child),
                services.PersonDetails(
                    kind=ContactPerson.Kind.ADULT,
                    given_names=fake.first_name(),
                    family_name=child.family_name,
                    relationship_to_child="Parent",
                    has_parental_responsibility=True,
                    # The child's home, so the parent's outcome letter can be posted (OU-4).
                    address=f"{child.address}\n{fake.city()}",
                    postcode=child.postcode,
                    # Now and then a family whose letters need translating (FA-1).
                    preferred_language="pl" if rng.random() < 0.15 else "",
                    interpreter_needed=rng.random() < 0.1,
                ),
            ],
            **_contact_details(received, rng, fake),
        )
        _advance(contact, index % 6, users, rng)
    return count


def _as_details(person: Person) -> services.PersonDetails:
    return services.PersonDetails(
        given_names=person.given_names,
        family_name=person.family_name,
        date_of_birth=person.date_of_birth,
        gender=person.gender,
        nhs_number=person.nhs_number,
        address=person.address,
        postcode=person.postcode,
    )


_CONCERNS = (  # the free text, and its typed concerns (mash.contacts.concerns)
    (
        "School reports the child arrived with bruising to the arm and was reluctant to go home.",
        ["physical_abuse"],
    ),
    (
        "Neighbour heard shouting and a child crying late at night on several occasions.",
        ["emotional_abuse"],
    ),
    ("Health visitor concerned about the baby's weight and the home conditions.", ["neglect"]),
    (
        "Police attended a domestic incident; two children were present in the home.",
        ["domestic_abuse"],
    ),
    ("Parent asking for help with their teenager's behaviour and missing episodes.", ["behaviour"]),
    (
        "GP concerned about a parent's mental health and the care of a young child.",
        ["parent_mental_health"],
    ),
)


def _contact_details(received: datetime, rng: random.Random, fake: Any) -> dict[str, Any]:
    source = rng.choice(["2A", "3B", "6", "1A", "9", "3A"])
    concern, categories = rng.choice(_CONCERNS)
    anonymous = source == "9"
    return {
        "received_at": received,
        "channel": rng.choice(
            [Contact.Channel.TELEPHONE, Contact.Channel.WRITTEN_REFERRAL, Contact.Channel.EMAIL]
        ),
        "purpose": rng.choice(Contact.Purpose.values),
        "referrer_source": source,
        "referrer_name": "" if anonymous else fake.name(),
        "referrer_role": ""
        if anonymous
        else rng.choice(["Teacher", "Health visitor", "PC", "Aunt"]),
        "referrer_phone": ""
        if anonymous
        else "01632 960" + str(rng.randint(100, 999)),  # Ofcom drama range
        # Professionals are acknowledged and told the outcome by email (IN-8, OU-3); members
        # of the public by post (example.org: a domain reserved for examples).
        "referrer_email": f"referrer{rng.randint(100, 999)}@example.org"
        if source not in {"1A", "9"}
        else "",
        "referrer_address": f"{fake.street_address()}\n{fake.city()}\n{fake.postcode()}"
        if source == "1A"
        else "",
        "concern_summary": concern,
        "concern_categories": categories,
        "child_protection_concern": rng.random() < 0.3,
        "parents_aware": rng.choice(["YES", "UNKNOWN"]),
    }


def _advance(contact: Contact, steps: int, users: dict[str, User], rng: random.Random) -> None:
    """Walk the contact `steps` steps along the journey, as the real roles would."""
    if steps == 0:
        return
    _check_children(contact, users)
    if steps == 1 or not _route(contact, users, steps):
        return
    levels = active_profile().threshold_model.levels
    level = rng.choice(levels)
    urgent = level.leads_to_checks or level.meets_social_care_threshold
    rag = rng.choice(["RED", "AMBER"]) if urgent else "GREEN"
    services.screen_contact(
        contact,
        by=users["priya"],
        threshold_level=level.code,
        rag=rag,
        consent="GIVEN",
        rationale="Screened against the threshold guidance.",
    )
    contact.refresh_from_db()
    if contact.status == Contact.Status.INFORMATION_SHARING:
        _share(contact, users, answer_health=steps >= 3)
    if steps <= 3:
        return
    outcome = "EARLY_HELP" if rag == "GREEN" else rng.choice(["S17", "S47"])
    services.recommend_outcome(
        contact,
        by=users["sam"],
        outcome=outcome,
        rationale="Needs identified are best met by this response.",
        analysis="" if rag == "GREEN" else _ANALYSIS,
    )
    if steps == 4:
        return
    services.decide(
        contact,
        by=users["meera"],
        agrees=True,
        outcome=outcome,
        rationale="Agree with the analysis and recommendation.",
        team=services.suggested_team(contact, outcome),
    )
    if not services.close_blockers(contact):  # otherwise it waits, as a real one would
        services.close_contact(contact, by=users["sam"])


def _do_tasks_due_now(contact: Contact, users: dict[str, User]) -> None:
    """What must be done before the front door lets a contact go (IN-10, IN-12, OU-5)."""
    notes = {
        "MANAGER_ATTENTION": "Seen.",
        "POLICE_INFORMED": "Told the police MASH desk by phone.",
        "IMMEDIATE_PROTECTION": "The allocated worker visited today; the child is safe.",
    }
    for task in contact.tasks.filter(kind__in=routing_tasks.NOW_KINDS, done_at__isnull=True):
        routing_tasks.complete_task(task, by=users["priya"], note=notes[task.kind])


def _route(contact: Contact, users: dict[str, User], steps: int) -> bool:
    """Follow the local procedures' route (IN-6, SC-7, TS-10): pass it on as suggested, or,
    now and then, a manager keeps it for MASH screening with a reason. True if the MASH
    screens it."""
    if routing.screening_blocker(contact) is None:
        return True
    suggestion = routing.current_suggestion(contact)
    if steps % 2 or suggestion is None or suggestion.required:
        _do_tasks_due_now(contact, users)
        routing.accept_route(contact, by=users["carys"])
        return False
    routing.choose_route(
        contact,
        by=users["meera"],
        destination="MASH_SCREENING",
        team="",
        reason="The allocated worker is on leave this week and the concern is new: the MASH "
        "screens it and tells the team.",
    )
    return True


_ANALYSIS = (
    "The police and health information, read with the family's history, shows needs that "
    "the recommended response will meet."
)


def _share(contact: Contact, users: dict[str, User], *, answer_health: bool) -> None:
    """Ask the police and health (MA-2). The police answer; health answers too when the
    contact goes further, so the workspaces hold both open and answered requests."""
    police, health = users["polly"], users["hana"]
    requests = sharing.request_checks(
        contact,
        by=users["sam"],
        agency_codes=[police.primary_agency().code, health.primary_agency().code],  # type: ignore[union-attr]
        concern_summary=contact.concern_summary,
        question="Please check your records for these children and adults and tell us what "
        "it means for the children's safety.",
        legal_basis="CA1989_S47",
    )
    police_request, health_request = requests
    sharing.record_contribution(
        police_request,
        by=police,
        answer=sharing.Answer(
            kind="INFORMATION",
            information="Two domestic incidents at the address this year; no arrests.",
            analysis="A pattern of conflict at home that the children witness.",
        ),
    )
    if not answer_health:
        return
    sharing.record_contribution(
        health_request,
        by=health,
        answer=sharing.Answer(
            kind="NIL_RETURN", analysis="No health concerns recorded; immunisations up to date."
        ),
    )
    sharing.complete_checks(contact, by=users["sam"])


def multi_agency_examples(users: dict[str, User]) -> None:
    """A MASH meeting issued to the agencies (MA-7) and an open dispute (DM-1), from the
    contacts seeded above, so every multi-agency page has something to show."""
    waiting = Contact.objects.filter(
        status=Contact.Status.AWAITING_DECISION, information_requests__isnull=False
    ).distinct()
    first = waiting.first()
    if first is None or MashMeeting.objects.exists():
        return
    meeting = meetings.record_mash_meeting(
        by=users["sam"],
        held_at=timezone.now() - timedelta(hours=1),
        chair=users["meera"],
        attendees=[
            meetings.Attendee(_agency("childrens_social_care").code, "Meera Team Manager", "Chair"),
            meetings.Attendee(_agency("police").code, "Polly Police", "MASH police officer"),
            meetings.Attendee(_agency("health").code, "Hana Health", "Safeguarding nurse"),
        ],
    )
    meetings.discuss_case(
        meeting,
        by=users["sam"],
        contact=first,
        analysis="Partners agree the incidents are escalating.",
        recommendation=first.recommendations.order_by("-recommended_at").first().outcome,  # type: ignore[union-attr]
    )
    meetings.issue_meeting(meeting, by=users["meera"])
    disputes.raise_dispute(
        first,
        by=users["polly"],
        reason="The police consider the risk higher than the recommendation allows.",
        proposed_outcome="S47",
    )


# The local procedures' examples (issue 5): each pathway the profile has on gets a contact,
# so the demo shows a route to pass on, an inbox, the tasks and the pathway reviews.
_PATHWAY_EXAMPLES = (
    (
        "SP-1",
        ["domestic_abuse"],
        "Police notification: a high-risk domestic incident last night; "
        "the children were in the house.",
    ),
    ("SP-2", ["missing"], "Reported missing overnight from home for the third time this month."),
    ("SP-3", ["fgm"], "School nurse worried that a planned trip abroad is for FGM."),
    (
        "SP-4",
        ["mental_health_admission"],
        "Young person admitted to an adolescent mental health unit after self-harm.",
    ),
    (
        "SC-8",
        ["disability"],
        "Parent of a disabled child with complex health needs asks for help; carers are exhausted.",
    ),
)


_OFFENCE = "Child disclosed at school that an adult at home hit them with a belt."


def routing_examples(users: dict[str, User], people: list[Person], rng: random.Random) -> None:
    """An open case to pass on (IN-6), one already in its team's inbox, a possible offence
    (IN-12) and a contact for each pathway the profile has on (SP-1 … SP-4, SC-8)."""
    if Contact.objects.filter(concern_summary=_OFFENCE).exists():
        return  # seeded before
    fake = make_faker(rng.randrange(10_000))
    now = timezone.now()
    open_people = [
        p
        for p in people
        if p.is_child
        and p.involvements.filter(ended_on__isnull=True, team__isnull=False)
        .exclude(service="EARLY_HELP")
        .exists()
    ]
    for index, person in enumerate(open_people[:2]):
        contact = _example(
            users,
            person,
            now - timedelta(minutes=20 + index),
            fake,
            concern="Teacher reports the child is hungry and tired every day.",
            child_protection_concern=False,  # nothing for a manager to see first (IN-10)
        )
        _check_children(contact, users)
        if index == 1 and routing.screening_blocker(contact) is not None:
            routing.accept_route(contact, by=users["carys"], note="Allocated worker told by phone.")
    new_child = rng.choice([p for p in people if p.is_child and not p.involvements.exists()])
    _example(
        users,
        new_child,
        now - timedelta(minutes=5),
        fake,
        possible_offence=True,
        concern=_OFFENCE,
        categories=["physical_abuse"],
    )
    profile = active_profile()
    for rule_id, categories, concern in _PATHWAY_EXAMPLES:
        if profile.has_pathway(rule_id):
            child = rng.choice([p for p in people if p.is_child])
            contact = _example(
                users,
                child,
                now - timedelta(minutes=rng.randint(30, 300)),
                fake,
                concern=concern,
                categories=categories,
            )
            _check_children(contact, users)


def _example(
    users: dict[str, User],
    person: Person,
    received: datetime,
    fake: Any,
    *,
    concern: str,
    categories: list[str] | None = None,
    **extra: Any,
) -> Contact:
    # Seeded synthetic data, not security (bandit B311).
    details = _contact_details(received, random.Random(person.pk.int), fake)  # nosec B311
    details.update(concern_summary=concern, concern_categories=categories or [], **extra)
    return services.record_contact(by=users["carys"], people=[_as_details(person)], **details)


def _check_children(contact: Contact, users: dict[str, User]) -> None:
    """The history check (SC-4): the synthetic child's own record, found by NHS number."""
    for contact_person in contact.children():
        number = contact_person.nhs_number
        match = Person.objects.filter(nhs_number=number).first() if number else None
        if match:
            services.link_person(contact_person, person=match, by=users["sam"])
        else:
            services.confirm_new_person(contact_person, by=users["sam"])
