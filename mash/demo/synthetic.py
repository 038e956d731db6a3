"""Synthetic people and contacts for the demo and for benchmarks. Never real data.

Names and addresses come from Faker's en_GB provider; NHS numbers from the range the NHS will
never issue (999 000 0000 – 999 999 9999) with a valid modulus-11 check digit.
"""

from __future__ import annotations

import random
from datetime import timedelta

from django.utils import timezone
from faker import Faker

from mash.accounts.models import Team
from mash.matching.names import normalise_name, variants
from mash.people.models import Involvement, Person


def nhs_check_digit(first_nine: str) -> int | None:
    """The modulus-11 check digit for nine digits, or None when no valid digit exists (10)."""
    total = sum(
        int(digit) * weight for digit, weight in zip(first_nine, range(10, 1, -1), strict=True)
    )
    check = 11 - total % 11
    if check == 11:
        return 0
    return None if check == 10 else check


def synthetic_nhs_number(rng: random.Random) -> str:
    """A valid NHS number from the never-issued 999 test range."""
    while True:
        first_nine = "999" + "".join(str(rng.randrange(10)) for _ in range(6))
        check = nhs_check_digit(first_nine)
        if check is not None:
            return f"{first_nine}{check}"


def make_faker(seed: int) -> Faker:
    fake = Faker("en_GB")
    fake.seed_instance(seed)
    return fake


def make_people(count: int, *, seed: int = 1, teams: list | None = None) -> list[Person]:
    """`count` synthetic people in households, about a third with involvement history."""
    # Seeded synthetic data, not security (bandit B311).
    fake, rng = make_faker(seed), random.Random(seed)  # nosec B311
    today = timezone.localdate()
    people: list[Person] = []
    while len(people) < count:
        family_name = fake.last_name()
        address, postcode = fake.street_address(), fake.postcode()
        for _ in range(rng.randint(1, 4)):
            age_days = rng.randint(30, 17 * 365)
            people.append(
                Person(
                    given_names=fake.first_name(),
                    family_name=family_name,
                    date_of_birth=today - timedelta(days=age_days),
                    gender=rng.choice(["F", "M"]),
                    nhs_number=synthetic_nhs_number(rng),
                    address=address,
                    postcode=postcode,
                    is_child=True,
                )
            )
    people = people[:count]
    people[len(people) - len(people) // 30 :] = [
        noisy_copy(person, rng) for person in people[: len(people) // 30]
    ]
    for person in people:
        person.save()  # save() fills the normalised search name and files the matching keys
    _add_involvements(people, rng, teams or [], fake)
    return people


def noisy_copy(person: Person, rng: random.Random) -> Person:
    """A second record of the same child, written differently (for the duplicate search).

    The kinds of slip real referrals make: a short form of the first name, one letter wrong,
    day and month swapped, no NHS number.
    """
    given, family, born = person.given_names, person.family_name, person.date_of_birth
    slip = rng.choice(["short", "typo", "swap", "none"])
    short = variants(normalise_name(given))
    if slip == "short" and short:
        given = rng.choice(short).capitalize()
    elif slip == "typo" and len(family) > 4:
        cut = rng.randrange(1, len(family) - 1)
        family = family[:cut] + family[cut + 1 :]
    elif slip == "swap" and born and born.day <= 12 and born.day != born.month:
        born = born.replace(day=born.month, month=born.day)
    return Person(
        given_names=given,
        family_name=family,
        date_of_birth=born,
        gender=person.gender,
        address=person.address,
        postcode=person.postcode,
        is_child=person.is_child,
    )


# Teams that hold cases; the front door's own desks (MASH, EDT, missing, domestic abuse) do not.
_CASE_TEAM_KINDS = {"duty_assessment", "locality", "dct", "early_help"}


def _team_for(service: str, teams: list[Team], rng: random.Random) -> Team | None:
    """A team that works `service`: early help cases with an early help team, the rest with
    a social work team (the routing rules read the team's kind: IN-6, SC-7, TS-10)."""
    early = service == Involvement.Service.EARLY_HELP
    fitting = [t for t in teams if t.kind in _CASE_TEAM_KINDS and (t.kind == "early_help") == early]
    return rng.choice(fitting) if fitting else None


def _add_involvements(people: list[Person], rng: random.Random, teams: list, fake: Faker) -> None:
    today = timezone.localdate()
    rows = []
    for person in people:
        if rng.random() > 0.35:
            continue
        started = today - timedelta(days=rng.randint(20, 900))
        ended = None if rng.random() < 0.4 else started + timedelta(days=rng.randint(10, 300))
        if ended and ended > today:
            ended = None
        service = rng.choice(Involvement.Service.values)
        rows.append(
            Involvement(
                person=person,
                service=service,
                team=_team_for(service, teams, rng),
                allocated_worker=fake.name() if ended is None else "",
                started_on=started,
                ended_on=ended,
                closure_reason="Case closed after review" if ended else "",
            )
        )
    Involvement.objects.bulk_create(rows)
