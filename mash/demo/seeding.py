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
from mash.demo.synthetic import make_faker, make_people
from mash.people.models import Person
from mash.policy.profiles import active_profile

Role = Membership.Role

# Local demo only: `seed` refuses to run in production, so these never guard real data.
DEMO_PASSWORD = "demo-password-2026"  # noqa: S105


@dataclass(frozen=True)
class Persona:
    username: str
    first_name: str
    last_name: str
    role: str
    agency_kind: str = "csc"


PERSONAS = (
    Persona("carys", "Carys", "Advisor", Role.CUSTOMER_ADVISOR),
    Persona("sam", "Sam", "Social-Worker", Role.MASH_SOCIAL_WORKER),
    Persona("priya", "Priya", "Practice-Manager", Role.PRACTICE_MANAGER),
    Persona("meera", "Meera", "Team-Manager", Role.TEAM_MANAGER),
    Persona("sonia", "Sonia", "Service-Manager", Role.SERVICE_MANAGER),
    Persona("aled", "Aled", "Auditor", Role.AUDITOR),
    Persona("polly", "Polly", "Police", Role.PARTNER_OFFICER, agency_kind="police"),
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
def seed(*, people: int = 300, contacts: int = 24, seed_value: int = 2026) -> dict[str, int]:
    """Seed everything; safe to run twice (users are updated, not duplicated)."""
    refuse_production()
    profile = active_profile()
    sync_profile(profile)
    users = {p.username: _user(p) for p in PERSONAS}
    made_people = make_people(people, seed=seed_value, teams=list(Team.objects.all()))
    made = _contacts(contacts, users, made_people, random.Random(seed_value))
    return {"users": len(users), "people": len(made_people), "contacts": made}


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
            team=Team.objects.filter(kind="mash").first(),
        )
    return user


def _agency(kind: str) -> Agency:
    if kind == "csc":
        found = Agency.objects.filter(is_childrens_social_care=True).first()
    else:
        found = Agency.objects.filter(code__icontains=kind).first()
    return found or Agency.objects.order_by("name").first()  # type: ignore[return-value]


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


_CONCERNS = (
    "School reports the child arrived with bruising to the arm and was reluctant to go home.",
    "Neighbour heard shouting and a child crying late at night on several occasions.",
    "Health visitor concerned about the baby's weight and the home conditions.",
    "Police attended a domestic incident; two children were present in the home.",
    "Parent asking for help with their teenager's behaviour and missing episodes.",
    "GP concerned about a parent's mental health and the care of a young child.",
)


def _contact_details(received: datetime, rng: random.Random, fake: Any) -> dict[str, Any]:
    source = rng.choice(["2A", "3B", "6", "1A", "9", "3A"])
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
        "concern_summary": rng.choice(_CONCERNS),
        "child_protection_concern": rng.random() < 0.3,
        "parents_aware": rng.choice(["YES", "UNKNOWN"]),
    }


def _advance(contact: Contact, steps: int, users: dict[str, User], rng: random.Random) -> None:
    """Walk the contact `steps` steps along the journey, as the real roles would."""
    if steps == 0:
        return
    for contact_person in contact.people.all():
        if contact_person.kind == ContactPerson.Kind.CHILD:
            match = Person.objects.filter(nhs_number=contact_person.nhs_number).first()
            if match:
                services.link_person(contact_person, person=match, by=users["sam"])
            else:
                services.confirm_new_person(contact_person, by=users["sam"])
    if steps == 1:
        return
    levels = active_profile().threshold_model.levels
    level = rng.choice(levels)
    rag = rng.choice(["RED", "AMBER"]) if level.meets_social_care_threshold else "GREEN"
    services.screen_contact(
        contact,
        by=users["priya"],
        threshold_level=level.code,
        rag=rag,
        consent="GIVEN",
        rationale="Screened against the threshold guidance.",
    )
    contact.refresh_from_db()
    if steps == 2:
        return
    if contact.status == Contact.Status.INFORMATION_SHARING:
        services.complete_checks(
            contact, by=users["sam"], summary="Police and health checks returned."
        )
    if steps == 3:
        return
    outcome = "EARLY_HELP" if rag == "GREEN" else rng.choice(["S17", "S47"])
    services.recommend_outcome(
        contact,
        by=users["sam"],
        outcome=outcome,
        rationale="Needs identified are best met by this response.",
    )
    if steps == 4:
        return
    services.decide(
        contact,
        by=users["meera"],
        agrees=True,
        outcome=outcome,
        rationale="Agree with the analysis and recommendation.",
    )
    services.close_contact(contact, by=users["sam"], note="Passed to the receiving team.")
