"""Synthetic closed history: years of contacts, decisions and what followed, for the demo and
for benchmarks of the management-information pages. Never real data.

`mash seed` walks a few dozen live contacts through the real services. Management information
and the statutory returns need years of *closed* work as well, in volume (issue 8: "the
synthetic demo data spans at least the last three collection years so every export has
content"). Walking a hundred thousand contacts through the services would take hours, so this
module writes the rows the services would have written, in batches (`bulk_create`), with the
same arithmetic: clocks from the profile's rules and calendar (`mash.workdays`), the
transitions, screening, recommendation and decision, checks with partner agencies and their
answers, strategy discussions, and the children's services record of what followed
(`Involvement`). No audit events, letters or notifications are written for it: it is history
the front door inherited, not work done in this system.

The data is built to fit the one reading of referrals and episodes
(`mash.returns.referrals`, `mash.returns.episodes`) and the CIN census rules
(../shared/domain/statutory-returns.md §1.5 and Appendix A):

- a referral is a decided contact that led to an s17 or s47 response, or whose screening met
  the social care threshold and was then decided NFA, universal or early help (ReferralNFA);
- s17 and s47 start a child and family assessment on the decision day, authorised 10 to 45
  working days later (a few later still: the breaches the timeliness pages count);
- an s47 has a strategy discussion (outcome S47) on the decision day or the next working day;
  many go to an initial conference about 15 working days later (a working day), which starts
  a child protection plan; a child in need plan starts only when no protection plan is open
  (4001, 4016, 4017); an s47 episode never closes RC8 or RC9 (2990);
- a child's next contact comes only after everything from the last one has ended, so
  episodes never overlap (8815, 8816, 8820), and nothing is open across a year end long
  enough to raise a query (8670Q, 8675Q) unless it is still open today.
"""

from __future__ import annotations

import random
import time as timer
import uuid
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from django.db import connection, models, transaction
from django.utils import timezone

from mash.accounts.models import Agency, Team, User
from mash.contacts.models import (
    Clock,
    Contact,
    ContactPerson,
    ContactTransition,
    Decision,
    Recommendation,
    Screening,
)
from mash.dataprotection.models import DisclosureRecord
from mash.demo.synthetic import make_faker, synthetic_nhs_number
from mash.matching.identifiers import make_upn
from mash.matching.keys import stored_keys
from mash.matching.models import MatchKey
from mash.matching.services import record_for_person
from mash.meetings.models import StrategyAttendee, StrategyDiscussion
from mash.people.census import Disability, Ethnicity
from mash.people.models import Involvement, Person
from mash.people.normalise import normalise_name
from mash.policy.profiles import Profile, active_profile
from mash.returns.episodes import add_census_working_days
from mash.workdays.calendar import add_working_hours
from mash.workdays.clocks import due_time

__all__ = [
    "LA_CODES",
    "census_year_end",
    "census_year_start",
    "give_census_codes",
    "history_window",
    "seed_history",
]

Status = Contact.Status
Service = Involvement.Service

# DfE LA numbers for the UPNs' characters 2-4 (rule 1530): West and North Northamptonshire,
# and now and then a child who started school in a neighbouring authority.
LA_CODES = ("941", "941", "941", "940", "940", "855", "873", "825")

OUTCOME_MIX = (("NFA", 35), ("UNIVERSAL", 10), ("EARLY_HELP", 25), ("S17", 22), ("S47", 8))

ETHNICITY_MIX = (
    ("WBRI", 640),
    ("WOTH", 60),
    ("WIRI", 5),
    ("WIRT", 3),
    ("WROM", 7),
    ("MWBC", 30),
    ("MWBA", 15),
    ("MWAS", 20),
    ("MOTH", 20),
    ("AIND", 20),
    ("APKN", 20),
    ("ABAN", 10),
    ("AOTH", 10),
    ("BCRB", 15),
    ("BAFR", 35),
    ("BOTH", 5),
    ("CHNE", 5),
    ("OOTH", 15),
    ("REFU", 8),
    ("NOBT", 15),
)
_OTHER_DISABILITIES = [code for code in Disability.values if code != Disability.NONE]

CHANNEL_MIX = (
    (Contact.Channel.TELEPHONE, 30),
    (Contact.Channel.WRITTEN_REFERRAL, 25),
    (Contact.Channel.EMAIL, 15),
    (Contact.Channel.ONLINE_FORM, 12),
    (Contact.Channel.PARTNER_NOTIFICATION, 15),
    (Contact.Channel.IN_PERSON, 3),
)
# Roughly the national pattern of referral sources (police, schools and health first).
SOURCE_MIX = (
    ("6", 28),
    ("2A", 18),
    ("3A", 4),
    ("3B", 3),
    ("3C", 1),
    ("3D", 2),
    ("3E", 3),
    ("3F", 3),
    ("2B", 2),
    ("1A", 6),
    ("1B", 1),
    ("1C", 1),
    ("1D", 1),
    ("4", 2),
    ("5A", 3),
    ("5B", 2),
    ("5C", 3),
    ("5D", 5),
    ("7", 3),
    ("8", 3),
    ("9", 2),
    ("10", 1),
)
_ROLE_BY_SOURCE = {
    "6": ("PC", "Police"),
    "2A": ("Designated safeguarding lead", "Primary school"),
    "2B": ("Education welfare officer", "Education services"),
    "3A": ("GP", "Surgery"),
    "3B": ("Health visitor", "Health visiting service"),
    "3C": ("School nurse", "School nursing service"),
    "3D": ("Midwife", "Community midwifery"),
    "3E": ("Nurse", "Emergency department"),
    "3F": ("Safeguarding nurse", "Hospital trust"),
    "4": ("Housing officer", "Housing"),
    "5A": ("Social worker", "Adult social care"),
    "5B": ("Youth justice worker", "Youth offending service"),
    "5C": ("Social worker", "Another local authority"),
    "5D": ("Family support worker", "Early help"),
    "7": ("Probation officer", "Probation service"),
    "8": ("Project worker", "Children's centre"),
}

# The typed concerns (mash.contacts.concerns) a contact carries, by how serious the response
# was; the first is the main one, and the words of the concern follow it.
_SERIOUS = (
    ("physical_abuse", 18),
    ("sexual_abuse", 8),
    ("neglect", 20),
    ("domestic_abuse", 22),
    ("emotional_abuse", 10),
    ("sexual_exploitation", 5),
    ("criminal_exploitation", 5),
    ("fgm", 1),
    ("trafficking", 1),
    ("faith_abuse", 1),
)
_NEEDS = (
    ("domestic_abuse", 15),
    ("neglect", 12),
    ("parent_mental_health", 12),
    ("parent_alcohol", 5),
    ("parent_drugs", 6),
    ("behaviour", 10),
    ("child_mental_health", 8),
    ("self_harm", 4),
    ("missing", 5),
    ("disability", 4),
    ("young_carer", 2),
    ("private_fostering", 1),
    ("uasc", 1),
    ("gangs", 2),
    ("child_substance", 2),
    ("mental_health_admission", 1),
    ("emotional_abuse", 5),
)
_CONCERN_WORDS = {
    "physical_abuse": "The child has unexplained bruising and says an adult at home hurt them.",
    "sexual_abuse": "The child made a disclosure at school about an adult touching them.",
    "neglect": "The child often arrives hungry and unkempt; the home conditions are poor.",
    "domestic_abuse": "Police attended a domestic incident at the home; the children were there.",
    "emotional_abuse": "Neighbours hear the child shouted at and belittled most evenings.",
    "sexual_exploitation": "The young person is seen getting into cars with older men.",
    "criminal_exploitation": "The young person is carrying large sums of cash and a new phone.",
    "fgm": "The school nurse is worried a planned trip abroad is for FGM.",
    "trafficking": "The young person arrived recently with an adult who is not a relative.",
    "faith_abuse": "The child says they were told they are possessed and kept from school.",
    "parent_mental_health": "A parent's mental health has deteriorated and the baby's care "
    "is affected.",
    "parent_alcohol": "A parent is drinking heavily and collecting the children from school drunk.",
    "parent_drugs": "Drug paraphernalia was found within the children's reach.",
    "behaviour": "The parent asks for help with the teenager's violent behaviour at home.",
    "child_mental_health": "The child is withdrawn, low in mood and not sleeping.",
    "self_harm": "The young person has been cutting and has told a friend.",
    "missing": "The young person has been reported missing overnight twice this month.",
    "disability": "The parents of a disabled child with complex needs are exhausted.",
    "young_carer": "The child is caring for a parent and missing school.",
    "private_fostering": "The child is living with a family friend while the parents are abroad.",
    "uasc": "An unaccompanied young person arrived asking for asylum.",
    "gangs": "The young person is associating with a local gang.",
    "child_substance": "The young person was found drunk and using cannabis.",
    "mental_health_admission": "The young person was admitted to an adolescent mental health unit.",
    "other": "The referrer is worried about the family's circumstances.",
}

# How long each kind of partner takes to answer a round of checks, in working hours: a
# typical answer, and the odd slow one (the checks timeliness page shows the difference).
_ANSWER_HOURS = {
    "police": (0.5, 2.5),
    "health": (1.0, 5.0),
    "education": (1.5, 7.0),
    "probation": (1.0, 6.0),
    "youth_offending": (1.0, 6.0),
    "housing": (2.0, 9.0),
    "adult_social_care": (2.0, 9.0),
    "substance_misuse": (1.5, 8.0),
    "domestic_abuse": (0.5, 4.0),
}
_DEFAULT_ANSWER_HOURS = (2.0, 8.0)
_INFORMATION = (
    "Two domestic incidents at the address this year; no arrests.",
    "Known to the service: attended the emergency department twice in six months.",
    "Attendance 78% this term; staff have noticed the child is often hungry.",
    "The father is subject to licence conditions for a violent offence.",
    "Open to the service last year for support with housing arrears.",
)
_ANALYSIS = "Read with the family's history, this shows a pattern the children are exposed to."

BATCH_SIZE = 2000


# ------------------------------------------------------------------------------ the calendar


def census_year_end(day: date) -> int:
    """The census year a day falls in, named by its end year (1 April – 31 March)."""
    return day.year + 1 if day.month >= 4 else day.year


def census_year_start(year_end: int) -> date:
    """The first day (1 April) of the census year ending 31 March `year_end`."""
    return date(year_end - 1, 4, 1)


def history_window(years: int, today: date) -> tuple[date, date]:
    """From 1 April of the earliest of `years` census years (the current one last) to today."""
    return census_year_start(census_year_end(today) - years + 1), today


# ----------------------------------------------------------------------------------- helpers


def _weighted(rng: random.Random, pairs: Sequence[tuple[Any, int]]) -> Any:
    return rng.choices([value for value, _ in pairs], weights=[w for _, w in pairs])[0]


def _uuid(rng: random.Random) -> uuid.UUID:
    return uuid.UUID(int=rng.getrandbits(128), version=4)


_REFERENCE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def _reference(rng: random.Random) -> str:
    chars = "".join(rng.choice(_REFERENCE_ALPHABET) for _ in range(8))
    return f"MASH-{chars[:4]}-{chars[4:]}"


def _child_id(rng: random.Random) -> str:
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    return "P" + "".join(rng.choice(alphabet) for _ in range(11))


def _working_day(day: date, profile: Profile) -> date:
    """`day`, or the next day the office is open."""
    while not profile.calendar.is_working_day(day):
        day += timedelta(days=1)
    return day


def _working_days_before(day: date, count: int, profile: Profile) -> date:
    current, left = day, count
    while left > 0:
        current -= timedelta(days=1)
        if profile.calendar.is_working_day(current):
            left -= 1
    return current


# ------------------------------------------------------------------------------ what is made


@dataclass
class _Rows:
    """The rows waiting for the next batch, in the order they must be inserted."""

    people: list[Person] = field(default_factory=list)
    contacts: list[Contact] = field(default_factory=list)
    contact_people: list[ContactPerson] = field(default_factory=list)
    transitions: list[ContactTransition] = field(default_factory=list)
    screenings: list[Screening] = field(default_factory=list)
    recommendations: list[Recommendation] = field(default_factory=list)
    decisions: list[Decision] = field(default_factory=list)
    clocks: list[Clock] = field(default_factory=list)
    requests: list[models.Model] = field(default_factory=list)
    contributions: list[models.Model] = field(default_factory=list)
    disclosures: list[DisclosureRecord] = field(default_factory=list)
    discussions: list[StrategyDiscussion] = field(default_factory=list)
    attendees: list[StrategyAttendee] = field(default_factory=list)
    involvements: list[Involvement] = field(default_factory=list)

    def size(self) -> int:
        return sum(len(rows) for rows in vars(self).values())


@dataclass
class _Child:
    person: Person
    school_age: bool
    action: bool = False  # a referral that led to s17 or s47
    referral_nfa: bool = False


@dataclass
class _Step:
    """One contact's part in a child's story: when the next contact may come, if ever."""

    free_from: date | None  # None: something is still open today


class _Pools:
    """Faker en_GB's names and addresses, drawn once into pools and picked from with the
    seeded random: asking Faker for each of a million rows costs more than writing them."""

    def __init__(self, fake: Any, rng: random.Random, size: int = 1000) -> None:
        self.rng = rng
        self.last_names = [fake.last_name() for _ in range(size)]
        self.female = [fake.first_name_female() for _ in range(size)]
        self.male = [fake.first_name_male() for _ in range(size)]
        self.streets = [fake.street_address() for _ in range(size)]
        self.cities = [fake.city() for _ in range(size // 10)]
        self.postcodes = [fake.postcode() for _ in range(size)]

    def last_name(self) -> str:
        return self.rng.choice(self.last_names)

    def first_name_female(self) -> str:
        return self.rng.choice(self.female)

    def first_name_male(self) -> str:
        return self.rng.choice(self.male)

    def name(self) -> str:
        first = self.first_name_female() if self.rng.random() < 0.5 else self.first_name_male()
        return f"{first} {self.last_name()}"

    def street_address(self) -> str:
        return self.rng.choice(self.streets)

    def city(self) -> str:
        return self.rng.choice(self.cities)

    def postcode(self) -> str:
        return self.rng.choice(self.postcodes)


class _History:
    def __init__(
        self,
        *,
        start: date,
        end: date,
        rng: random.Random,
        users: dict[str, User],
        profile: Profile,
        now: datetime,
        batch_size: int,
        index_people: bool,
    ) -> None:
        self.start, self.end, self.rng, self.users = start, end, rng, users
        self.profile, self.now, self.batch_size = profile, now, batch_size
        self.index_people = index_people
        self.cal = profile.calendar
        self.today = timezone.localtime(now).date()
        self.fake = _Pools(make_faker(rng.randrange(1_000_000)), rng)
        # Ids come from their own stream: siblings share a story but never an id.
        self.ids = random.Random(rng.random())  # nosec B311  # seeded synthetic data
        self.rows = _Rows()
        self.counts: dict[str, int] = defaultdict(int)
        self.upns: set[str] = set()
        self.teams = {kind: list(Team.objects.filter(kind=kind)) for kind in _TEAM_KINDS}
        self.agencies = list(Agency.objects.exclude(is_childrens_social_care=True))
        self.csc_agency = Agency.objects.filter(is_childrens_social_care=True).first()
        levels = profile.threshold_model.levels
        self.levels_met = [level for level in levels if level.meets_social_care_threshold]
        self.levels_below = [level for level in levels if not level.meets_social_care_threshold]
        self.clock_rules = {rule.rule_id: rule for rule in profile.timescales}
        self.year_ends = [
            date(year, 3, 31) for year in range(census_year_end(start), census_year_end(end) + 1)
        ]
        self.boundaries = [*self.year_ends, self.today]
        # A school-age child needs a UPN in the latest return they can be in (8770Q).
        self.school_age_born_by = date(census_year_end(end) - 6, 8, 31)
        self.partner_users: dict[str, User] = {}
        for username in ("polly", "hana"):  # the demo's police and health officers
            user = users.get(username)
            agency = user.primary_agency() if user is not None else None
            if user is not None and agency is not None:
                self.partner_users[agency.code] = user
        self.flushed = False

    def _id(self) -> uuid.UUID:
        return _uuid(self.ids)

    # ------------------------------------------------------------------------- families

    def run(self, target: int) -> None:
        last_received = self.end - timedelta(days=3)  # closed by now: decided and closed
        made = 0
        while made < target:
            made += self._family(last_received, target - made)
            if len(self.rows.contacts) >= self.batch_size:
                self.flush()
        self.flush()

    def _family(self, last_received: date, budget: int) -> int:
        rng, fake = self.rng, self.fake
        family_name = fake.last_name()
        address, postcode = f"{fake.street_address()}\n{fake.city()}", fake.postcode()
        ethnicity = _weighted(rng, ETHNICITY_MIX)
        span = max((last_received - self.start).days, 1)
        # Later contacts about the same child fill the later years, so first contacts lean a
        # little early: each census year ends up with about the same number of contacts.
        offset = rng.triangular(0, span, 0) if rng.random() < 0.3 else rng.uniform(0, span)
        first = self.start + timedelta(days=int(offset))
        unborn = (
            first > self.today - timedelta(days=100)
            and census_year_end(first) == census_year_end(self.today)
            and rng.random() < 0.08
        )
        siblings = 1 if unborn or rng.random() < 0.75 else 2
        children = [
            self._child(family_name, address, postcode, ethnicity, first, unborn=unborn)
            for _ in range(siblings)
        ]
        parent = self._adult(family_name, address, postcode, ethnicity, children[0].person)
        day, contacts = first, 0
        while contacts < budget:
            step = self._contact(day, children, parent, first_contact=contacts == 0)
            contacts += 1
            if unborn or step.free_from is None or rng.random() > 0.3:
                break
            day = step.free_from + timedelta(days=rng.randint(14, 400))
            if day > last_received:
                break
        for child in children:
            self._finish_child(child)
        return contacts

    def _child(
        self,
        family_name: str,
        address: str,
        postcode: str,
        ethnicity: str,
        first: date,
        *,
        unborn: bool,
    ) -> _Child:
        rng, fake = self.rng, self.fake
        gender = rng.choice(["F", "M"])
        given = fake.first_name_female() if gender == "F" else fake.first_name_male()
        person = Person(
            id=self._id(),
            child_id=_child_id(self.ids),
            given_names=given,
            family_name=family_name,
            gender=gender,
            nhs_number=synthetic_nhs_number(rng),
            address=address,
            postcode=postcode,
            ethnicity=Ethnicity(ethnicity).label,
            ethnicity_code=ethnicity,
            is_child=True,
        )
        if unborn:
            # Due after today, within 40 weeks of the referral (8606) and in March to
            # December of the census year end (8530Q).
            year_end = census_year_end(first)
            earliest = max(self.today + timedelta(days=14), date(year_end, 3, 1))
            latest = min(first + timedelta(days=270), date(year_end, 12, 31))
            days = max((latest - earliest).days, 0)
            person.expected_date_of_birth = earliest + timedelta(days=rng.randint(0, days))
            person.gender, person.given_names, person.ethnicity_code = "U", "Baby", "NOBT"
            person.ethnicity = ""
            person.nhs_number = ""
            person.upn_unknown = "UN1"
            return _Child(person, school_age=False)
        age_days = rng.choice([rng.randint(14, 5 * 365), rng.randint(5 * 365, 17 * 365)])
        person.date_of_birth = first - timedelta(days=age_days)
        return _Child(person, school_age=person.date_of_birth <= self.school_age_born_by)

    def _adult(
        self, family_name: str, address: str, postcode: str, ethnicity: str, child: Person
    ) -> Person:
        rng, fake = self.rng, self.fake
        born_by = child.date_of_birth or child.expected_date_of_birth or self.today
        gender = rng.choice(["F", "F", "M"])
        adult = Person(
            id=self._id(),
            child_id=_child_id(self.ids),
            given_names=fake.first_name_female() if gender == "F" else fake.first_name_male(),
            family_name=family_name,
            gender=gender,
            date_of_birth=born_by - timedelta(days=rng.randint(18 * 365, 40 * 365)),
            nhs_number=synthetic_nhs_number(rng),
            address=address,
            postcode=postcode,
            ethnicity=Ethnicity(ethnicity).label,
            ethnicity_code=ethnicity,
            is_child=False,
        )
        self._add_person(adult)
        return adult

    def _finish_child(self, child: _Child) -> None:
        """The census codes the child's story calls for, then the row."""
        person, rng = child.person, self.rng
        if person.expected_date_of_birth is None:
            if child.school_age or rng.random() < 0.15:
                person.upn = self._upn(person.date_of_birth)  # type: ignore[arg-type]
            elif rng.random() < 0.7:
                person.upn_unknown = "UN1"
            if not child.action and child.referral_nfa and rng.random() < 0.4:
                person.upn, person.upn_unknown = "", "UN7"  # every episode NFA (8772)
        if child.action or person.expected_date_of_birth is not None or rng.random() < 0.5:
            person.disabilities = (
                ["NONE"]
                if person.expected_date_of_birth is not None or rng.random() < 0.85
                else rng.sample(_OTHER_DISABILITIES, rng.choice([1, 1, 1, 2]))
            )
        self._add_person(person)

    def _upn(self, born: date) -> str:
        rng = self.rng
        while True:
            allocated = (born.year + 4) % 100
            last_twelve = (
                f"{rng.choice(LA_CODES)}{rng.randint(2000, 4999)}{allocated:02d}"
                f"{rng.randint(0, 999):03d}"
            )
            upn = make_upn(last_twelve)
            if upn not in self.upns:
                self.upns.add(upn)
                return upn

    def _add_person(self, person: Person) -> None:
        person.search_name = normalise_name(f"{person.family_name} {person.given_names}")
        self.rows.people.append(person)
        self.counts["people"] += 1

    # -------------------------------------------------------------------------- contacts

    def _contact(
        self, day: date, children: list[_Child], parent: Person, *, first_contact: bool
    ) -> _Step:
        rng = self.rng
        outcome = _weighted(rng, OUTCOME_MIX)
        received = self._received_at(day)
        source = _weighted(rng, SOURCE_MIX)
        concerns = self._concerns(outcome)
        contact = self._contact_row(received, source, outcome, concerns, first_contact)
        for position, child in enumerate(children):
            self._contact_person(contact, child.person, position, received)
        self._contact_person(contact, parent, 0, received, kind=ContactPerson.Kind.ADULT)
        decided = self._front_door(contact, outcome, received)
        decided_on = timezone.localtime(decided).date()
        screening = self.rows.screenings[-1]
        if outcome in ("S17", "S47"):
            for child in children:
                child.action = True
        elif screening.meets_social_care_threshold:
            for child in children:
                child.referral_nfa = True
        free = decided_on
        s47_day = None
        if outcome == "S47":
            s47_day = self._strategy_discussion(contact, decided, children)
        story_rng_state = rng.getstate()
        frees: list[date | None] = []
        for child in children:
            rng.setstate(story_rng_state)  # siblings share the story, each with their own rows
            if outcome in ("S17", "S47"):
                frees.append(self._what_followed(child, contact, decided_on, s47_day))
            elif outcome == "EARLY_HELP":
                frees.append(self._early_help(child.person, decided_on))
            else:
                frees.append(free)
        if any(f is None for f in frees):
            return _Step(None)
        return _Step(max(f for f in frees if f is not None))

    def _received_at(self, day: date) -> datetime:
        rng = self.rng
        if rng.random() < 0.85:  # office hours, most of them
            day = _working_day(day, self.profile)
            minute = rng.randint(9 * 60, 17 * 60 - 1)
        else:  # the evening, the night or the weekend (the out-of-hours service passes it on)
            minute = rng.choice([rng.randint(17 * 60, 23 * 60 + 59), rng.randint(0, 9 * 60 - 1)])
        naive = datetime.combine(day, time(minute // 60, minute % 60, rng.randint(0, 59)))
        return timezone.make_aware(naive, self.cal.tz)

    def _concerns(self, outcome: str) -> list[str]:
        rng = self.rng
        pool = _SERIOUS if outcome == "S47" else _NEEDS
        main = _weighted(rng, pool)
        extra = [_weighted(rng, _NEEDS) for _ in range(rng.choice([0, 0, 1, 1, 2]))]
        if rng.random() < 0.05:  # "something else" only ever beside a concern with a need
            extra.append("other")
        return list(dict.fromkeys([main, *extra]))

    def _contact_row(
        self,
        received: datetime,
        source: str,
        outcome: str,
        concerns: list[str],
        first_contact: bool,
    ) -> Contact:
        rng, fake = self.rng, self.fake
        anonymous = source == "9"
        professional = source not in Contact.NON_PROFESSIONAL_SOURCES
        role, organisation = _ROLE_BY_SOURCE.get(source, ("", ""))
        channel = _weighted(rng, CHANNEL_MIX)
        if source == "6" and rng.random() < 0.7:
            channel = Contact.Channel.PARTNER_NOTIFICATION
        contact = Contact(
            id=self._id(),
            reference=_reference(rng),
            profile=self.profile.id,
            status=Status.CLOSED,
            received_at=received,
            channel=channel,
            purpose=Contact.Purpose.REQUEST_FOR_SERVICES
            if rng.random() < 0.8
            else rng.choice(
                [
                    Contact.Purpose.PROVISION_OF_INFORMATION,
                    Contact.Purpose.REQUEST_FOR_INFORMATION,
                ]
            ),
            csc_status=Contact.CscStatus.NEW if first_contact else Contact.CscStatus.CLOSED,
            referrer_source=source,
            referrer_name="" if anonymous else fake.name(),
            referrer_role=role if professional else ("" if anonymous else "Relative"),
            referrer_organisation=organisation,
            referrer_phone="" if anonymous else f"01632 960{rng.randint(100, 999)}",
            referrer_email=f"referrer{rng.randint(100, 999)}@example.org" if professional else "",
            referrer_address=f"{fake.street_address()}\n{fake.city()}\n{fake.postcode()}"
            if source == "1A"
            else "",
            concern_summary=_CONCERN_WORDS[concerns[0]],
            concern_categories=concerns,
            child_protection_concern=outcome == "S47" or rng.random() < 0.1,
            possible_offence=outcome == "S47" and rng.random() < 0.4,
            parents_aware=rng.choice(["YES", "YES", "UNKNOWN", "NO"]),
            recorded_by=self.users["carys"],
        )
        if contact.parents_aware == "NO":
            contact.parents_not_informed_reason = "Telling the parents could put the child at risk."
        self.rows.contacts.append(contact)
        self.counts["contacts"] += 1
        return contact

    def _contact_person(
        self,
        contact: Contact,
        person: Person,
        position: int,
        received: datetime,
        kind: str = ContactPerson.Kind.CHILD,
    ) -> None:
        adult = kind == ContactPerson.Kind.ADULT
        self.rows.contact_people.append(
            ContactPerson(
                id=self._id(),
                contact_id=contact.id,
                kind=kind,
                position=position,
                given_names=person.given_names,
                family_name=person.family_name,
                date_of_birth=person.date_of_birth,
                gender=person.gender,
                nhs_number=person.nhs_number,
                upn=person.upn,
                address=person.address,
                postcode=person.postcode,
                ethnicity=person.ethnicity,
                relationship_to_child="Parent" if adult else "",
                has_parental_responsibility=adult,
                person_id=person.id,
                confirmed_new=contact.csc_status == Contact.CscStatus.NEW,
                likely_matches=0 if contact.csc_status == Contact.CscStatus.NEW else 1,
                possible_matches=0,
                history_checked_at=received + timedelta(minutes=self.rng.randint(5, 40)),
                history_checked_by=self.users["sam"],
            )
        )

    # ------------------------------------------------------------------- the front door

    def _front_door(self, contact: Contact, outcome: str, received: datetime) -> datetime:
        """Screening, checks, recommendation, decision and closure, with their clocks and
        transitions; returns when the manager decided."""
        rng, rows, users = self.rng, self.rows, self.users
        meets = outcome in ("S17", "S47") or (
            outcome in ("NFA", "EARLY_HELP", "UNIVERSAL")
            and rng.random() < {"NFA": 0.25, "EARLY_HELP": 0.3, "UNIVERSAL": 0.05}[outcome]
        )
        level = rng.choice(self.levels_met if meets or not self.levels_below else self.levels_below)
        if meets:
            rag = "RED" if rng.random() < (0.75 if outcome == "S47" else 0.25) else "AMBER"
        else:
            rag = "AMBER" if level.leads_to_checks and rng.random() < 0.5 else "GREEN"
        checks = rag in ("RED", "AMBER") and level.leads_to_checks
        consent = "NOT_NEEDED" if not checks else rng.choice(["GIVEN", "GIVEN", "OVERRIDDEN"])
        self._transition(
            contact,
            "",
            Status.RECEIVED,
            received,
            users["carys"],
            f"Received by {contact.get_channel_display().lower()}",
            ["IN-2", "IN-3"],
        )
        self._intake_clocks(contact, received)
        screened = add_working_hours(received, rng.uniform(0.2, 1.5), self.cal)
        rows.screenings.append(
            Screening(
                id=self._id(),
                contact_id=contact.id,
                threshold_level=level.code,
                threshold_level_label=level.label,
                meets_social_care_threshold=level.meets_social_care_threshold,
                rag=rag,
                consent=consent,
                consent_override_reason="Seeking consent would put the child at risk."
                if consent == "OVERRIDDEN"
                else "",
                rationale="Screened against the threshold guidance.",
                screened_by=users["priya"],
                screened_at=screened,
            )
        )
        ready = screened
        if checks:
            self._transition(
                contact,
                Status.RECEIVED,
                Status.INFORMATION_SHARING,
                screened,
                users["priya"],
                "Screened: MASH checks needed.",
                ["SC-2", "SC-6", "CO-1", "CO-2", "TS-2" if rag == "RED" else "TS-3"],
            )
            ready = self._checks(contact, rag, screened, consent)
            self._transition(
                contact,
                Status.INFORMATION_SHARING,
                Status.AWAITING_RECOMMENDATION,
                ready,
                users["sam"],
                "MASH checks complete.",
                ["SC-6", "TS-2", "TS-3"],
            )
        else:
            self._transition(
                contact,
                Status.RECEIVED,
                Status.AWAITING_RECOMMENDATION,
                screened,
                users["priya"],
                "Screened: no MASH checks needed.",
                ["SC-2", "SC-6", "CO-1", "CO-2", "SC-7" if rag != "GREEN" else "SC-5"],
            )
        # TS-1: most are decided within the working day, a few late (the timeliness pages).
        planned = rng.uniform(2.0, 7.8) if rng.random() < 0.9 else rng.uniform(8.5, 20.0)
        decided = max(
            add_working_hours(received, planned, self.cal),
            add_working_hours(ready, 0.5, self.cal),
        )
        recommended = ready + (decided - ready) / 2
        agrees = rng.random() < 0.92
        recommended_outcome = outcome if agrees else _disagreed(outcome, rng)
        recommendation = Recommendation(
            id=self._id(),
            contact_id=contact.id,
            outcome=recommended_outcome,
            analysis=_ANALYSIS if checks else "",
            rationale="The needs identified are best met by this response.",
            recommended_by=users["sam"],
            recommended_at=recommended,
        )
        rows.recommendations.append(recommendation)
        self._transition(
            contact,
            Status.AWAITING_RECOMMENDATION,
            Status.AWAITING_DECISION,
            recommended,
            users["sam"],
            recommendation.rationale,
            ["MA-6", "OU-1"],
        )
        rows.decisions.append(
            Decision(
                id=self._id(),
                contact_id=contact.id,
                recommendation_id=recommendation.id,
                agrees_with_recommendation=agrees,
                outcome=outcome,
                rationale="Agree with the analysis."
                if agrees
                else "The history shows a different response is needed.",
                passed_to=self._team_for_outcome(outcome),
                decided_by=rng.choice([users["meera"], users["meera"], users["sonia"]]),
                decided_at=decided,
            )
        )
        self._clock(contact, "TS-1", received, decided, users["meera"])
        self._transition(
            contact,
            Status.AWAITING_DECISION,
            Status.DECIDED,
            decided,
            users["meera"],
            "Decided.",
            ["MA-6", "OU-1", "TS-1"],
        )
        closed = decided + timedelta(minutes=rng.randint(5, 90))
        self._transition(
            contact,
            Status.DECIDED,
            Status.CLOSED,
            closed,
            users["sam"],
            "Closed after decision",
            ["OU-1", "OU-3"],
        )
        return decided

    def _team_for_outcome(self, outcome: str) -> Team | None:
        kinds = {"S17": "duty_assessment", "S47": "duty_assessment", "EARLY_HELP": "early_help"}
        teams = self.teams.get(kinds.get(outcome, ""), [])
        return self.rng.choice(teams) if teams else None

    def _intake_clocks(self, contact: Contact, received: datetime) -> None:
        rng = self.rng
        if not contact.is_anonymous:
            met = (
                received
                if contact.channel == Contact.Channel.ONLINE_FORM
                else add_working_hours(received, rng.uniform(0.1, 1.0), self.cal)
            )
            self._clock(contact, "TS-5", received, met, self.users["carys"])
        if self.profile.written_confirmation_applies(
            channel=contact.channel,
            referrer_is_professional=contact.referrer_is_professional,
            child_protection_concern=contact.child_protection_concern,
        ):
            hours = rng.uniform(2, 40) if rng.random() < 0.85 else rng.uniform(49, 120)
            self._clock(contact, "TS-4", received, received + timedelta(hours=hours), None)

    def _clock(
        self, contact: Contact, rule_id: str, started: datetime, met: datetime, by: User | None
    ) -> Clock | None:
        rule = self.clock_rules.get(rule_id)
        if rule is None:
            return None
        due = due_time(rule, started, self.cal)
        clock = Clock(
            id=self._id(),
            contact_id=contact.id,
            rule_id=rule_id,
            label=rule.label,
            started_at=started,
            due_at=due.due_at,
            explanation=list(due.explanation),
            met_at=met,
            met_by_id=by.id if by is not None else None,
        )
        self.rows.clocks.append(clock)
        return clock

    def _transition(
        self,
        contact: Contact,
        from_status: str,
        to_status: str,
        at: datetime,
        by: User | None,
        reason: str,
        rule_ids: list[str],
    ) -> None:
        self.rows.transitions.append(
            ContactTransition(
                id=self._id(),
                contact_id=contact.id,
                from_status=from_status,
                to_status=to_status,
                at=at,
                by_id=by.id if by is not None else None,
                reason=reason,
                rule_ids=rule_ids,
            )
        )

    def _checks(self, contact: Contact, rag: str, started: datetime, consent: str) -> datetime:
        """A round of checks with partner agencies (MA-2) and their answers; returns when the
        social worker finished them (TS-2 / TS-3 met)."""
        from mash.sharing.models import Contribution, InformationRequest

        rng, users = self.rng, self.users
        rule_id = "TS-2" if rag == "RED" else "TS-3"
        by_kind = {a.kind: a for a in self.agencies}
        asked = [by_kind[k] for k in ("police", "health") if k in by_kind]
        others = [a for a in self.agencies if a not in asked]
        asked += rng.sample(others, min(len(others), rng.choice([0, 1, 1, 2])))
        rule = self.clock_rules[rule_id]
        due = due_time(rule, started, self.cal).due_at
        answers: list[datetime] = []
        requests = []
        for agency in asked:
            typical, slow = _ANSWER_HOURS.get(agency.kind, _DEFAULT_ANSWER_HOURS)
            limit = 4 if rag == "RED" else 8
            hours = (
                rng.uniform(0.2, min(typical * 1.5, limit))
                if rng.random() < 0.85
                else (rng.uniform(min(slow, limit) * 0.8, slow * 1.6))
            )
            answered = add_working_hours(started, hours, self.cal)
            unanswered = rng.random() < 0.04
            request = InformationRequest(
                id=self._id(),
                contact_id=contact.id,
                agency_id=agency.id,
                requested_by=users["sam"],
                requested_at=started,
                concern_summary=contact.concern_summary,
                question="Please check your records for these children and adults and tell us "
                "what it means for the children's safety.",
                rag=rag,
                rule_id=rule_id,
                due_at=due,
                consent_basis=InformationRequest.ConsentBasis.CO_LOCATED
                if agency.co_located
                else (
                    InformationRequest.ConsentBasis.OVERRIDE
                    if consent == "OVERRIDDEN"
                    else InformationRequest.ConsentBasis.CONSENT
                ),
                legal_basis=InformationRequest.LegalBasis.S47
                if rag == "RED"
                else InformationRequest.LegalBasis.S17,
                sharing_agreement=self.profile.information_sharing_agreement.value,
                status=InformationRequest.Status.CLOSED_UNANSWERED
                if unanswered
                else InformationRequest.Status.ANSWERED,
                first_answered_at=None if unanswered else answered,
            )
            if unanswered:
                request.closed_reason = (
                    "Went ahead without the answer: the decision could not wait."
                )
                request.closed_by = users["sam"]
                request.closed_at = answered
            else:
                partner = self.partner_users.get(agency.code)
                self.rows.contributions.append(
                    Contribution(
                        id=self._id(),
                        request_id=request.id,
                        kind="INFORMATION" if rng.random() < 0.6 else "NIL_RETURN",
                        information=rng.choice(_INFORMATION),
                        analysis=_ANALYSIS,
                        recorded_by=partner,
                        recorded_by_name=partner.display_name() if partner else self.fake.name(),
                        recorded_at=answered,
                    )
                )
            answers.append(answered)
            requests.append(request)
            self.rows.disclosures.append(
                DisclosureRecord(
                    id=self._id(),
                    kind=DisclosureRecord.Kind.INFORMATION_REQUEST,
                    object_type="InformationRequest",
                    object_id=str(request.id),
                    contact_id=contact.id,
                    agency_id=agency.id,
                    shared_at=started,
                    shared_by=users["sam"],
                    shared_by_name=users["sam"].display_name(),
                    legal_basis=request.legal_basis,
                    sharing_agreement=request.sharing_agreement,
                    summary="The concern and the question, asking what the agency holds (MA-2)",
                )
            )
        done = add_working_hours(max(answers), rng.uniform(0.1, 0.8), self.cal)
        clock = self._clock(contact, rule_id, started, done, users["sam"])
        for request in requests:
            request.clock_id = clock.id if clock is not None else None
        self.rows.requests.extend(requests)
        return done

    def _strategy_discussion(
        self, contact: Contact, decided: datetime, children: list[_Child]
    ) -> date:
        """OU-2: held the day of the decision or the next working day; starts the s47."""
        rng = self.rng
        local = timezone.localtime(decided, self.cal.tz)
        if rng.random() < 0.6 and local.hour < 16:
            held = local + timedelta(minutes=rng.randint(30, 90))
        else:
            day = _working_day(local.date() + timedelta(days=1), self.profile)
            held = datetime.combine(day, time(rng.randint(9, 15), rng.choice([0, 15, 30, 45])))
            held = timezone.make_aware(held, self.cal.tz)
        discussion = StrategyDiscussion(
            id=self._id(),
            contact_id=contact.id,
            kind=rng.choice(list(StrategyDiscussion.Kind.values)),
            held_at=held,
            chair=self.users["meera"],
            quorate=True,
            outcome=StrategyDiscussion.Outcome.S47,
            rationale="The police and health agree the threshold for a section 47 enquiry is met.",
            recorded_by=self.users["sam"],
            recorded_at=held + timedelta(hours=1),
        )
        self.rows.discussions.append(discussion)
        for position, kind in enumerate(("childrens_social_care", "police", "health")):
            agency = (
                self.csc_agency
                if kind == "childrens_social_care"
                else next((a for a in self.agencies if a.kind == kind), None)
            )
            if agency is not None:
                self.rows.attendees.append(
                    StrategyAttendee(
                        id=self._id(),
                        discussion_id=discussion.id,
                        agency_id=agency.id,
                        name=self.fake.name(),
                        role={"police": "DS", "health": "Named nurse"}.get(kind, "Team manager"),
                        position=position,
                    )
                )
        return timezone.localtime(held, self.cal.tz).date()

    # ------------------------------------------------------------------- what followed

    def _what_followed(
        self, child: _Child, contact: Contact, decided_on: date, s47_day: date | None
    ) -> date | None:
        """The assessment, any protection or child in need plan, and the closure, as the story
        would run, then cut at today; returns the day everything ended, or None when
        something is still open today."""
        rng = self.rng
        story: list[tuple[str, date, date | None, str]] = []  # service, start, end, code
        start = decided_on
        length = rng.randint(10, 45) if rng.random() < 0.88 else rng.randint(46, 70)
        authorised = self._clear_year_end(start, add_census_working_days(start, length), 45)
        cp_start = None
        if s47_day is not None and rng.random() < 0.6:
            late = rng.random() < 0.15
            cp_start = add_census_working_days(
                s47_day, rng.randint(16, 22) if late else rng.randint(8, 15)
            )
            cp_start = self._clear_year_end(s47_day, cp_start, 15)
        elif s47_day is not None:
            # No conference: the enquiry concludes when the assessment does (a plan follows or
            # the episode closes), so that too must not run open past a year end (8675Q).
            authorised = self._clear_year_end(s47_day, authorised, 15)
        if cp_start is not None:
            if any(authorised <= boundary < cp_start for boundary in self.boundaries):
                # episodes.py closes an episode when its last involvement ends, and the
                # enquiry itself is not one: an assessment that ended before a year end (or
                # today) with the conference after it would read as closed RC8 with
                # ICPCnotRequired (2990), or leave the enquiry without its assessment in the
                # next year's return (2991Q). The assessment stays open until the conference.
                authorised = cp_start + timedelta(days=1)
            cp_end = cp_start + timedelta(days=rng.randint(90, 600))
            story.append((Service.ASSESSMENT, start, authorised, ""))
            if rng.random() < 0.4:  # stepped down to a child in need plan (4016: same day)
                story.append((Service.CHILD_PROTECTION, cp_start, cp_end, ""))
                cin_end = cp_end + timedelta(days=rng.randint(60, 300))
                story.append((Service.CHILD_IN_NEED, cp_end, cin_end, _closure_code(rng)))
            else:
                story.append((Service.CHILD_PROTECTION, cp_start, cp_end, _closure_code(rng)))
        elif rng.random() < (0.55 if s47_day is None else 0.5):
            cin_end = authorised + timedelta(days=rng.randint(60, 365))
            story.append((Service.ASSESSMENT, start, authorised, ""))
            story.append((Service.CHILD_IN_NEED, authorised, cin_end, _closure_code(rng)))
        else:
            # Closed after assessment: an s47 episode is never RC8 or RC9 (2990).
            code = "RC7" if s47_day is not None else ("RC9" if rng.random() < 0.4 else "RC8")
            story.append((Service.ASSESSMENT, start, authorised, code))
            if code == "RC9" and authorised <= self.today:
                self._early_help(child.person, authorised, follows_assessment=True)
        return self._record_story(child.person, story)

    def _record_story(
        self, person: Person, story: list[tuple[str, date, date | None, str]]
    ) -> date | None:
        """Write what has happened by today: later starts left out, later ends not known."""
        worker, case_team = self.fake.name(), self._case_team()
        free: date | None = self.start
        for service, began, ended, code in story:
            if began > self.today:
                break
            open_now = ended is None or ended > self.today
            team = self._case_team() if service == Service.CHILD_IN_NEED else case_team
            self._involvement(
                person,
                service,
                began,
                None if open_now else ended,
                team,
                worker if open_now else "",
                "" if open_now else code,
            )
            if open_now:
                free = None
            elif free is not None and ended is not None:
                free = max(free, ended)
        return free

    def _clear_year_end(self, start: date, day: date, limit: int) -> date:
        """Move `day` before a year end it would cross more than `limit` working days after
        `start`, so no return shows it open past its timescale (8670Q, 8675Q)."""
        for year_end in self.year_ends:
            if start <= year_end < day and start <= _working_days_before(
                year_end, limit, self.profile
            ):
                latest = add_census_working_days(start, limit)
                return min(latest, _working_days_before(year_end, 1, self.profile))
        return day

    def _early_help(
        self, person: Person, day: date, *, follows_assessment: bool = False
    ) -> date | None:
        """An early help involvement (Annex A list 2): months, then closed; None if open."""
        rng = self.rng
        begins = day if follows_assessment else day + timedelta(days=rng.randint(0, 10))
        ends = begins + timedelta(days=rng.randint(40, 270))
        open_now = ends > self.today
        teams = self.teams.get("early_help", [])
        self._involvement(
            person,
            Service.EARLY_HELP,
            min(begins, self.today),
            None if open_now else ends,
            rng.choice(teams) if teams else None,
            self.fake.name() if open_now else "",
        )
        return None if open_now else ends

    def _case_team(self) -> Team | None:
        teams = self.teams.get("duty_assessment", []) + self.teams.get("locality", [])
        return self.rng.choice(teams) if teams else None

    def _involvement(
        self,
        person: Person,
        service: str,
        started: date,
        ended: date | None,
        team: Team | None,
        worker: str,
        code: str = "",
    ) -> None:
        words = {
            "RC7": "Services ceased: the child is no longer in need",
            "RC8": "Case closed after assessment, no further action",
            "RC9": "Case closed after assessment, referred to early help",
            "RC5": "Moved to another local authority",
            "RC3": "Child arrangements order made",
            "RC6": "Transferred to adult social care",
        }
        self.rows.involvements.append(
            Involvement(
                id=self._id(),
                person_id=person.id,
                service=service,
                team_id=team.id if team is not None else None,
                allocated_worker=worker,
                started_on=started,
                ended_on=ended,
                closure_reason=words.get(code, "Work ended" if ended else ""),
                closure_reason_code=code,
            )
        )

    # ---------------------------------------------------------------------------- writing

    def flush(self) -> None:
        from mash.sharing.models import Contribution, InformationRequest

        rows, size = self.rows, self.batch_size
        if not rows.contacts:
            return
        if not self.flushed and Contact.objects.filter(pk=rows.contacts[0].pk).exists():
            raise _AlreadySeeded  # the same seed wrote this history before
        self.flushed = True
        with transaction.atomic():
            _insert(Person, rows.people, size)
            if self.index_people:  # the matcher's keys, as Person.save() would file them
                keys = [
                    MatchKey(person_id=person.pk, key=key)
                    for person in rows.people
                    for key in sorted(stored_keys(record_for_person(person)))
                ]
                _insert(MatchKey, keys, size)
                self.counts["match_keys"] += len(keys)
                self.counts["rows"] += len(keys)
            _insert(Contact, rows.contacts, size)
            batches: tuple[tuple[Any, list[Any]], ...] = (
                (ContactPerson, rows.contact_people),
                (ContactTransition, rows.transitions),
                (Screening, rows.screenings),
                (Recommendation, rows.recommendations),
                (Decision, rows.decisions),
                (Clock, rows.clocks),
                (InformationRequest, rows.requests),
                (Contribution, rows.contributions),
                (DisclosureRecord, rows.disclosures),
                (StrategyDiscussion, rows.discussions),
                (StrategyAttendee, rows.attendees),
                (Involvement, rows.involvements),
            )
            for model, objects in batches:
                _insert(model, objects, size)
        for name, objects in vars(rows).items():
            if name not in ("people", "contacts"):
                self.counts[name] += len(objects)
        self.counts["rows"] += rows.size()
        self.rows = _Rows()


_TEAM_KINDS = ("duty_assessment", "locality", "early_help")


def _insert(model: type[models.Model], objects: Sequence[models.Model], batch_size: int) -> None:
    """`bulk_create` without its per-value query compiling: COPY on PostgreSQL, one prepared
    INSERT run with `executemany` per batch elsewhere, the values converted once per column
    kind as Django's fields would. Timestamps Django fills itself (auto_now) are set here;
    there are no signals, as with bulk_create."""
    if not objects:
        return
    fields = [
        field_
        for field_ in model._meta.concrete_fields
        if not (field_.primary_key and isinstance(field_, models.AutoField | models.BigAutoField))
    ]
    moment = timezone.now()
    for field_ in fields:
        if getattr(field_, "auto_now", False) or getattr(field_, "auto_now_add", False):
            for obj in objects:
                setattr(obj, field_.attname, moment)
    converters = [_converter(field_) for field_ in fields]
    attnames = [field_.attname for field_ in fields]
    quote = connection.ops.quote_name
    rows = (
        tuple(
            convert(value) if convert is not None and value is not None else value
            for convert, value in zip(
                converters, (getattr(obj, name) for name in attnames), strict=True
            )
        )
        for obj in objects
    )
    columns = ", ".join(quote(str(field_.column)) for field_ in fields)
    table = quote(model._meta.db_table)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":  # COPY: the fastest way in, one stream a table
            with cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            return
        # Names from the model's own metadata, quoted; the values go as parameters.
        sql = f"INSERT INTO {table} ({columns}) VALUES ({', '.join(['%s'] * len(fields))})"  # noqa: S608  # nosec B608
        batch: list[tuple[Any, ...]] = []
        for row in rows:
            batch.append(row)
            if len(batch) == batch_size:
                cursor.executemany(sql, batch)
                batch = []
        if batch:
            cursor.executemany(sql, batch)


def _converter(field_: models.Field[Any, Any]) -> Any:
    """How a column's Python value becomes the database's, as Django's own field would."""
    target = field_.target_field if field_.is_relation else field_  # type: ignore[attr-defined]
    kind = target.get_internal_type()
    ops = connection.ops
    if kind == "UUIDField":
        return None if connection.features.has_native_uuid_field else (lambda v: v.hex)
    if kind == "DateTimeField":
        if connection.vendor == "sqlite":  # naive UTC text, as Django's SQLite backend writes
            return lambda v: v.astimezone(UTC).replace(tzinfo=None).isoformat(" ")
        return ops.adapt_datetimefield_value
    if kind == "DateField":
        return ops.adapt_datefield_value
    if kind == "JSONField":
        return lambda v: field_.get_db_prep_save(v, connection)
    return None


class _AlreadySeeded(Exception):
    """The first contact this seed would write is there already."""


def _closure_code(rng: random.Random) -> str:
    """The census reason a plan's end closes the episode with (N00103): mostly RC7."""
    return str(_weighted(rng, (("RC7", 90), ("RC5", 5), ("RC3", 3), ("RC6", 2))))


def _disagreed(outcome: str, rng: random.Random) -> str:
    """What the social worker recommended when the manager decided otherwise (MA-6)."""
    neighbours = {
        "NFA": ["UNIVERSAL", "EARLY_HELP"],
        "UNIVERSAL": ["NFA", "EARLY_HELP"],
        "EARLY_HELP": ["NFA", "S17"],
        "S17": ["EARLY_HELP", "S47"],
        "S47": ["S17"],
    }
    return rng.choice(neighbours[outcome])


def seed_history(
    *,
    start: date,
    end: date,
    contacts_per_year: int,
    rng: random.Random,
    users: dict[str, User],
    now: datetime | None = None,
    batch_size: int = BATCH_SIZE,
    index_people: bool = True,
) -> dict[str, Any]:
    """Write about `contacts_per_year` closed contacts a year received from `start` to `end`
    (three days before, so each is decided and closed), the children and parents on them, and
    what followed; see the module docstring. `users` are the demo personas by username.

    Reproducible: the same `rng` seed writes the same rows (ids and references included).
    Safe to run twice: a second run with the same seed writes nothing. Returns the counts of
    rows written, the seconds taken and the rows per second.
    """
    now = now or timezone.now()
    target = round(contacts_per_year * max((end - start).days, 1) / 365.25)
    history = _History(
        start=start,
        end=end,
        rng=rng,
        users=users,
        profile=active_profile(),
        now=now,
        batch_size=batch_size,
        index_people=index_people,
    )
    began = timer.perf_counter()
    try:
        history.run(target)
    except _AlreadySeeded:
        return {"contacts": 0, "rows": 0, "skipped": True}
    with connection.cursor() as cursor:
        # Fresh statistics for the planner: without them PostgreSQL reads a table filled by
        # COPY as empty and the returns' joins over it take minutes instead of seconds.
        cursor.execute("ANALYZE")
    seconds = timer.perf_counter() - began
    counts: dict[str, Any] = dict(history.counts)
    counts["seconds"] = round(seconds, 2)
    counts["rows_per_second"] = round(counts["rows"] / seconds) if seconds else 0
    return counts


def give_census_codes(people: Iterable[Person], rng: random.Random) -> int:
    """Fill the census codes a child's record lacks (ethnicity, disability, UPN), for the
    demo's other synthetic children, so a return about them has no gaps."""
    today = timezone.localdate()
    school_age_born_by = date(census_year_end(today) - 6, 8, 31)
    existing = set(Person.objects.exclude(upn="").values_list("upn", flat=True))
    changed = []
    for person in people:
        if not person.is_child or person.ethnicity_code:
            continue
        person.ethnicity_code = _weighted(rng, ETHNICITY_MIX)
        person.disabilities = (
            ["NONE"] if rng.random() < 0.88 else rng.sample(_OTHER_DISABILITIES, 1)
        )
        born = person.date_of_birth
        if born is not None and born <= school_age_born_by and not person.upn:
            while True:
                upn = make_upn(
                    f"{rng.choice(LA_CODES)}{rng.randint(2000, 4999)}{(born.year + 4) % 100:02d}"
                    f"{rng.randint(0, 999):03d}"
                )
                if upn not in existing:
                    existing.add(upn)
                    person.upn = upn
                    break
        elif not person.upn:
            person.upn_unknown = "UN1"
        changed.append(person)
    Person.objects.bulk_update(
        changed, ["ethnicity_code", "disabilities", "upn", "upn_unknown"], batch_size=1000
    )
    return len(changed)
