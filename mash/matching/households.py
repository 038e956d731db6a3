"""A synthetic set of households: the hard case for person matching. Never real data.

FEBRL has no families; real referrals do. Here households live at one address and postcode, with
one or two parents and one to four children, and among them the people a matcher must keep
apart:

- twins: same surname, address and date of birth, different given names;
- siblings with close dates of birth (some 10 to 14 months apart);
- a parent and child with the same name ("Jayden Smith" senior and junior, born ~25 years apart).

Some people are recorded more than once, each duplicate with realistic noise: a typo, a
nickname (Tom for Thomas, Beth for Elizabeth), day and month swapped, a new surname after
re-partnering, a hyphenated surname, given and family names transposed, the day of birth
missing, or a move to a new address. Every record carries its person's cluster id, and
`HouseholdSet.must_stay_distinct` lists the pairs of people (by cluster id) that a matcher
must not merge, so the benchmark can count ``false_household_merges``.

Names, streets and towns come from Faker's en_GB provider; NHS numbers from the never-issued
999 range (`mash.demo.synthetic.synthetic_nhs_number`). The same seed gives the same set.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field, replace
from datetime import date, timedelta

from faker import Faker

from mash.demo.synthetic import synthetic_nhs_number
from mash.matching.records import PersonRecord

REFERENCE_DATE = date(2026, 11, 27)  # ages are reckoned from this day, so the set never drifts
TWINS, SIBLINGS, PARENT_CHILD_SAME_NAME = "twins", "siblings", "parent_child_same_name"

NICKNAMES: dict[str, dict[str, tuple[str, ...]]] = {
    "M": {
        "Thomas": ("Tom", "Tommy"),
        "William": ("Will", "Bill", "Billy"),
        "Robert": ("Rob", "Bob", "Bobby"),
        "James": ("Jim", "Jamie"),
        "Alexander": ("Alex", "Xander"),
        "Daniel": ("Dan", "Danny"),
        "Samuel": ("Sam", "Sammy"),
        "Joseph": ("Joe", "Joey"),
        "Michael": ("Mike", "Mikey"),
        "Christopher": ("Chris",),
        "Matthew": ("Matt",),
        "Oliver": ("Ollie",),
        "Benjamin": ("Ben", "Benji"),
        "Edward": ("Ed", "Ted", "Eddie"),
        "Nicholas": ("Nick",),
        "Anthony": ("Tony",),
        "Jacob": ("Jake",),
        "Henry": ("Harry", "Hal"),
        "Zachary": ("Zac", "Zach"),
        "Frederick": ("Freddie", "Fred"),
    },
    "F": {
        "Elizabeth": ("Beth", "Liz", "Lizzie", "Betty"),
        "Margaret": ("Maggie", "Peggy", "Meg"),
        "Katherine": ("Kate", "Katie", "Kat"),
        "Rebecca": ("Becky", "Becca"),
        "Jennifer": ("Jenny", "Jen"),
        "Jessica": ("Jess", "Jessie"),
        "Victoria": ("Vicky", "Tori"),
        "Abigail": ("Abby", "Abi"),
        "Charlotte": ("Charlie", "Lottie"),
        "Samantha": ("Sam", "Sammy"),
        "Amelia": ("Millie", "Amy"),
        "Isabella": ("Bella", "Izzy"),
        "Olivia": ("Liv", "Livvy"),
        "Emily": ("Em", "Emmy"),
        "Alexandra": ("Alex", "Lexi"),
        "Eleanor": ("Ellie", "Nell"),
        "Natalie": ("Nat",),
        "Gabrielle": ("Gabby",),
    },
}


@dataclass(frozen=True)
class DistinctPair:
    """Two different people (cluster ids) whom a matcher must keep apart, and why."""

    first: str
    second: str
    kind: str  # TWINS, SIBLINGS or PARENT_CHILD_SAME_NAME


@dataclass
class HouseholdSet:
    """The records, the people that must stay distinct, and each record's household id."""

    records: list[PersonRecord]
    must_stay_distinct: list[DistinctPair]
    household_of: dict[str, str] = field(default_factory=dict)  # record id -> household id


@dataclass
class _Person:
    cluster_id: str
    household_id: str
    given: str
    family: str
    sex: str
    born: date
    address: str
    postcode: str
    nhs_number: str
    upn: str = ""
    is_child: bool = False


def household_set(households: int = 300, *, seed: int = 7) -> HouseholdSet:
    """A household-structured synthetic set; the same arguments always give the same set."""
    maker = _Maker(seed)
    people: list[_Person] = []
    distinct: list[DistinctPair] = []
    for number in range(households):
        members, pairs = maker.household(f"household-{number:04d}")
        people += members
        distinct += pairs
    return maker.records(people, distinct)


class _Maker:
    """One seeded source of randomness for the whole set, so it is reproducible."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)  # noqa: S311 - synthetic data, not security  # nosec B311
        self.fake = Faker("en_GB")
        self.fake.seed_instance(seed)
        self.people_made = 0

    # Households ------------------------------------------------------------------------------

    def household(self, household_id: str) -> tuple[list[_Person], list[DistinctPair]]:
        """One household: parents, children, and the pairs among them that must stay apart."""
        family = self.fake.last_name()
        address, postcode = self.address()
        births = self.child_births()
        namesake = self.rng.random() < 0.15
        parents = self.parents(household_id, family, address, postcode, births[0], namesake)
        children: list[_Person] = []
        taken = {parent.given for parent in parents}
        for index, born in enumerate(births):
            child = self.person(household_id, family, address, postcode, born, taken, child=True)
            if index == 0 and namesake:
                child.given, child.sex = parents[0].given, parents[0].sex
            taken.add(child.given)
            children.append(child)
        return parents + children, _distinct_pairs(parents, children)

    def parents(
        self,
        household_id: str,
        family: str,
        address: str,
        postcode: str,
        eldest: date,
        namesake: bool,
    ) -> list[_Person]:
        """One or two parents; with a namesake child, the first parent is born ~25 years before."""
        count = 2 if namesake or self.rng.random() < 0.6 else 1
        taken: set[str] = set()
        parents = []
        for _ in range(count):
            years = self.rng.randint(23, 30) if namesake else self.rng.randint(19, 38)
            born = _years_before(eldest, years) - timedelta(days=self.rng.randint(0, 364))
            parent = self.person(household_id, family, address, postcode, born, taken)
            taken.add(parent.given)
            parents.append(parent)
        if count == 2 and parents[0].sex == parents[1].sex and self.rng.random() < 0.8:
            other_sex = "F" if parents[0].sex == "M" else "M"
            parents[1] = self.person(
                household_id, family, address, postcode, parents[1].born, taken, sex=other_sex
            )
        return parents

    def child_births(self) -> list[date]:
        """Dates of birth of one to four children: some twins, some born close together."""
        born = REFERENCE_DATE - timedelta(days=self.rng.randint(200, 17 * 365))
        births = [born]
        for _ in range(self.rng.choice([0, 1, 1, 2, 2, 3])):
            roll = self.rng.random()
            if roll < 0.2:
                gap = 0  # twins
            elif roll < 0.45:
                gap = self.rng.randint(300, 430)  # close siblings
            else:
                gap = self.rng.randint(540, 2200)
            born = born + timedelta(days=gap)
            if born >= REFERENCE_DATE:
                break
            births.append(born)
        return births

    def person(
        self,
        household_id: str,
        family: str,
        address: str,
        postcode: str,
        born: date,
        taken: set[str],
        *,
        child: bool = False,
        sex: str = "",
    ) -> _Person:
        sex = sex or self.rng.choice("FM")
        self.people_made += 1
        age = (REFERENCE_DATE - born).days // 365
        return _Person(
            cluster_id=f"person-{self.people_made:05d}",
            household_id=household_id,
            given=self.given_name(sex, taken),
            family=family,
            sex=sex,
            born=born,
            address=address,
            postcode=postcode,
            nhs_number=synthetic_nhs_number(self.rng),
            upn=self.upn() if child and 4 <= age <= 18 else "",
            is_child=child,
        )

    def given_name(self, sex: str, taken: set[str]) -> str:
        """A first name new to the household; a third have a common nickname."""
        while True:
            if self.rng.random() < 0.35:
                name = self.rng.choice(sorted(NICKNAMES[sex]))
            elif sex == "F":
                name = self.fake.first_name_female()
            else:
                name = self.fake.first_name_male()
            if name not in taken:
                return name

    def address(self) -> tuple[str, str]:
        street = f"{self.rng.randint(1, 220)} {self.fake.street_name()}, {self.fake.city()}"
        return street, self.fake.postcode()

    def upn(self) -> str:
        """A unique-pupil-number shape with local authority code 000 (no real authority)."""
        return upn_with_check_letter("000" + "".join(str(self.rng.randrange(10)) for _ in range(9)))

    # Records -------------------------------------------------------------------------------

    def records(self, people: list[_Person], distinct: list[DistinctPair]) -> HouseholdSet:
        """One record for each person, some duplicated with noise; shuffled, then numbered."""
        household_names: dict[str, list[str]] = {}
        for person in people:
            household_names.setdefault(person.household_id, []).append(
                f"{person.given} {person.family}"
            )
        drafts: list[tuple[PersonRecord, str]] = []
        for person in people:
            others = _others(household_names[person.household_id], person)
            drafts.append((self.record(person, others), person.household_id))
            for _ in range(self.duplicate_count()):
                drafts.append((self.duplicate(person, others), person.household_id))
        self.rng.shuffle(drafts)
        records, household_of = [], {}
        for number, (draft, household_id) in enumerate(drafts, start=1):
            record = replace(draft, record_id=f"hh-{number:05d}")
            records.append(record)
            household_of[record.record_id] = household_id
        return HouseholdSet(records, distinct, household_of)

    def duplicate_count(self) -> int:
        roll = self.rng.random()
        return 2 if roll < 0.1 else 1 if roll < 0.45 else 0

    def record(self, person: _Person, household: tuple[str, ...]) -> PersonRecord:
        """How a person is first recorded: identifiers are often missing from a referral."""
        return PersonRecord.with_birth_date(
            "",
            person.born,
            given_names=person.given,
            family_name=person.family,
            sex=person.sex,
            address=person.address,
            postcode=person.postcode,
            nhs_number=person.nhs_number if self.rng.random() < 0.6 else "",
            upn=person.upn if self.rng.random() < 0.5 else "",
            household=household,
            cluster_id=person.cluster_id,
        )

    def duplicate(self, person: _Person, household: tuple[str, ...]) -> PersonRecord:
        """Another record of the same person, with one or two kinds of noise."""
        record = replace(
            self.record(person, household),
            nhs_number=person.nhs_number if self.rng.random() < 0.35 else "",
            household=tuple(name for name in household if self.rng.random() < 0.7),
        )
        for noise in self.rng.sample(NOISES, self.rng.choice([1, 1, 2])):
            record = noise(self, record)
        return record

    # Noise ---------------------------------------------------------------------------------

    def typo(self, record: PersonRecord) -> PersonRecord:
        if self.rng.random() < 0.5:
            return replace(record, given_names=_typo(self.rng, record.given_names))
        return replace(record, family_name=_typo(self.rng, record.family_name))

    def nickname(self, record: PersonRecord) -> PersonRecord:
        options = NICKNAMES.get(record.sex, {}).get(record.given_names)
        if not options:
            return self.typo(record)
        return replace(record, given_names=self.rng.choice(options))

    def swapped_day_month(self, record: PersonRecord) -> PersonRecord:
        day, month = record.birth_day, record.birth_month
        if day is None or month is None or day > 12 or day == month:
            return self.missing_day(record)
        return replace(record, birth_day=month, birth_month=day)

    def new_surname(self, record: PersonRecord) -> PersonRecord:
        """Re-partnering: a new surname, the old one sometimes kept as an alias."""
        old = f"{record.given_names} {record.family_name}"
        aliases = (old,) if self.rng.random() < 0.5 else ()
        return replace(record, family_name=self.fake.last_name(), aliases=aliases)

    def hyphenated(self, record: PersonRecord) -> PersonRecord:
        other = self.fake.last_name()
        parts = [record.family_name, other]
        self.rng.shuffle(parts)
        return replace(record, family_name="-".join(parts))

    def transposed(self, record: PersonRecord) -> PersonRecord:
        return replace(record, given_names=record.family_name, family_name=record.given_names)

    def missing_day(self, record: PersonRecord) -> PersonRecord:
        return replace(record, birth_day=None)

    def moved(self, record: PersonRecord) -> PersonRecord:
        address, postcode = self.address()
        return replace(record, address=address, postcode=postcode, household=())


NOISES = (
    _Maker.typo,
    _Maker.nickname,
    _Maker.swapped_day_month,
    _Maker.new_surname,
    _Maker.hyphenated,
    _Maker.transposed,
    _Maker.missing_day,
    _Maker.moved,
)


def upn_with_check_letter(twelve_digits: str) -> str:
    """A UPN: the DfE check letter (weights 2-13 over the 12 digits, modulo 23) then the digits."""
    total = sum(
        int(digit) * weight for digit, weight in zip(twelve_digits, range(2, 14), strict=True)
    )
    return "ABCDEFGHJKLMNPQRTUVWXYZ"[total % 23] + twelve_digits


def _distinct_pairs(parents: list[_Person], children: list[_Person]) -> list[DistinctPair]:
    pairs = []
    for index, child in enumerate(children):
        for sibling in children[index + 1 :]:
            kind = TWINS if child.born == sibling.born else SIBLINGS
            pairs.append(DistinctPair(child.cluster_id, sibling.cluster_id, kind))
        for parent in parents:
            if (parent.given, parent.family) == (child.given, child.family):
                pairs.append(
                    DistinctPair(parent.cluster_id, child.cluster_id, PARENT_CHILD_SAME_NAME)
                )
    return pairs


def _others(names: list[str], person: _Person) -> tuple[str, ...]:
    """The household's other members' names (a namesake parent's name appears, rightly)."""
    own = f"{person.given} {person.family}"
    others = list(names)
    others.remove(own)
    return tuple(others)


def _typo(rng: random.Random, text: str) -> str:
    """One keyboard slip: a letter dropped, doubled, swapped with the next, or replaced."""
    if len(text) < 3:
        return text + text[-1:]
    at = rng.randrange(1, len(text) - 1)
    kind = rng.choice(("drop", "double", "swap", "replace"))
    if kind == "drop":
        return text[:at] + text[at + 1 :]
    if kind == "double":
        return text[:at] + text[at] + text[at:]
    if kind == "swap":
        return text[:at] + text[at + 1] + text[at] + text[at + 2 :]
    letter = rng.choice("abcdefghijklmnopqrstuvwxyz".replace(text[at].lower(), ""))
    return text[:at] + letter + text[at + 1 :]


def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February in a year that has none
        return day.replace(year=day.year - years, day=28)
