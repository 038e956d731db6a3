"""The matcher over whole lists (batch.py), measured on a synthetic population.

The population is Faker en_GB households (a parent and one to four children sharing a surname,
address and postcode; some twins; some children named after a parent) with contemporary
children's first names mixed in. A sample of the children is copied with the slips real referrals
make (`KINDS`), one or two per copy, and the copies are shuffled back in. Every figure comes from
a fixed seed, so a change in recall or precision is a change in the matcher.

NHS numbers come from `synthetic_nhs_number` (the never-issued 999 range): never real ones.
"""

from __future__ import annotations

import dataclasses
import random
from collections import Counter
from collections.abc import Callable
from datetime import date, timedelta
from functools import cache

import pytest
from faker import Faker

from mash.demo.synthetic import synthetic_nhs_number
from mash.matching import names
from mash.matching.batch import LARGEST_BLOCK, BatchResult, dedupe_records, link_records
from mash.matching.engine import POSSIBLE_THRESHOLD, score_pair
from mash.matching.records import PersonRecord

SEED = 20240611
TODAY = date(2025, 6, 1)
HOUSEHOLD_PEOPLE = 3000
COPIES = 1000
MIN_RECALL = 0.95
MIN_PRECISION = 0.95

# Popular first names for children born 2008–2025 in England and Wales, alongside Faker's
# (which are mostly names of adults).
GIRLS = (
    "Olivia",
    "Amelia",
    "Isla",
    "Ava",
    "Ivy",
    "Freya",
    "Lily",
    "Florence",
    "Mia",
    "Willow",
    "Rosie",
    "Sophia",
    "Isabella",
    "Grace",
    "Daisy",
    "Sienna",
    "Poppy",
    "Elsie",
    "Emily",
    "Ella",
    "Evelyn",
    "Phoebe",
    "Sofia",
    "Evie",
    "Charlotte",
    "Harper",
    "Millie",
    "Matilda",
    "Ruby",
    "Aria",
    "Maisie",
    "Layla",
    "Chloe",
    "Jessica",
    "Eliza",
    "Bethany",
    "Megan",
    "Caitlin",
    "Niamh",
    "Aaliyah",
    "Kayleigh",
    "Courtney",
    "Leah",
    "Zara",
    "Imogen",
    "Ellie-Mae",
    "Lacey",
)
BOYS = (
    "Muhammad",
    "Noah",
    "Oliver",
    "George",
    "Leo",
    "Arthur",
    "Oscar",
    "Theodore",
    "Freddie",
    "Theo",
    "Archie",
    "Harry",
    "Jack",
    "Henry",
    "Charlie",
    "Finley",
    "Alfie",
    "Thomas",
    "William",
    "Jacob",
    "Teddy",
    "Edward",
    "Isaac",
    "Joshua",
    "Lucas",
    "Reggie",
    "Tommy",
    "Albie",
    "Max",
    "Jayden",
    "Callum",
    "Connor",
    "Kyle",
    "Bradley",
    "Liam",
    "Ethan",
    "Mason",
    "Riley",
    "Reece",
    "Dylan",
    "Tyler",
    "Kai",
    "Logan",
    "Harrison",
    "Lewis",
    "Tyler-James",
)


# The population -------------------------------------------------------------------------------


@dataclasses.dataclass
class Generator:
    """Faker en_GB and a random stream, both from one seed."""

    seed: int = SEED

    def __post_init__(self) -> None:
        self.fake = Faker("en_GB")
        self.fake.seed_instance(self.seed)
        self.rng = random.Random(self.seed)

    def record_id(self) -> str:
        return f"{self.rng.getrandbits(40):010x}"  # random, so pair order in dedupe is random

    def first_name(self, sex: str, *, child: bool) -> str:
        if child and self.rng.random() < 0.6:
            return self.rng.choice(GIRLS if sex == "F" else BOYS)
        return self.fake.first_name_female() if sex == "F" else self.fake.first_name_male()

    def surname(self) -> str:
        if self.rng.random() < 0.08:
            return f"{self.fake.last_name()}-{self.fake.last_name()}"
        return self.fake.last_name()

    def home(self) -> tuple[str, str]:
        street = self.fake.street_address().replace("\n", ", ")
        return f"{street}, {self.fake.city()}", self.fake.postcode()

    def nhs_number(self) -> str:
        return synthetic_nhs_number(self.rng)

    def days_ago(self, low_years: float, high_years: float) -> date:
        return TODAY - timedelta(days=self.rng.randint(int(low_years * 365), int(high_years * 365)))


def _unlike(given: str, taken: list[str]) -> bool:
    """Parents do not give two children the same first name or two forms of one name."""
    first = names.parts(given)[0]
    return all(first != other and not names.same_group(first, other) for other in taken)


def make_household(gen: Generator) -> list[PersonRecord]:
    """A parent and one to four children at one address; 6% of later children are twins."""
    family = gen.surname()
    address, postcode = gen.home()
    rng = gen.rng
    children: list[tuple[str, str, date]] = []
    born = gen.days_ago(0.1, 17)
    taken: list[str] = []
    for number in range(rng.randint(1, 4)):
        sex = rng.choice("FM")
        given = gen.first_name(sex, child=True)
        while not _unlike(given, taken):
            given = gen.first_name(sex, child=True)
        if number and rng.random() >= 0.06:
            born -= timedelta(days=rng.randint(300, 3 * 365))
        taken.append(names.parts(given)[0])
        children.append((given, sex, born))
    eldest = min(born for _, _, born in children)
    parent_sex = rng.choice("FM")
    parent_given = gen.first_name(parent_sex, child=False)
    if rng.random() < 0.04:  # a child named after the parent
        parent_given, parent_sex, _ = children[-1]
    parent_born = eldest - timedelta(days=rng.randint(18 * 365, 40 * 365))
    people = [(parent_given, parent_sex, parent_born), *children]
    everyone = [f"{given} {family}" for given, _, _ in people]
    records = []
    for given, sex, born in people:
        listed = (
            () if rng.random() < 0.7 else tuple(n for n in everyone if n != f"{given} {family}")
        )
        record_id = gen.record_id()
        records.append(
            PersonRecord.with_birth_date(
                record_id,
                born,
                given_names=given,
                family_name=family,
                sex=sex,
                address=address,
                postcode=postcode,
                nhs_number=gen.nhs_number() if rng.random() < 0.4 else "",
                household=listed,
                cluster_id=record_id,
            )
        )
    return records


# Perturbations: the slips real referrals make -------------------------------------------------

Perturb = Callable[[PersonRecord, Generator], PersonRecord | None]

# Spellings clerks write for one another: doubled letters, y for i, ph for f, c for k...
RESPELLINGS = (
    ("ph", "f"),
    ("y", "i"),
    ("ie", "y"),
    ("ey", "y"),
    ("ck", "k"),
    ("c", "k"),
    ("k", "c"),
    ("mm", "m"),
    ("ll", "l"),
    ("nn", "n"),
    ("tt", "t"),
    ("rr", "r"),
    ("ss", "s"),
    ("th", "t"),
    ("ee", "ea"),
    ("ai", "ay"),
    ("son", "sen"),
    ("ow", "ou"),
)


def typo(word: str, rng: random.Random) -> str:
    """One keyboard slip inside a word: a letter dropped, doubled, changed or two swapped."""
    if len(word) < 5:
        return word[:-1] + word[-1] * 2
    at = rng.randrange(1, len(word) - 2)
    slip = rng.choice(["drop", "double", "swap", "change"])
    if slip == "drop":
        return word[:at] + word[at + 1 :]
    if slip == "double":
        return word[:at] + word[at] + word[at:]
    if slip == "swap":
        return word[:at] + word[at + 1] + word[at] + word[at + 2 :]
    changed = rng.choice([letter for letter in "aeiounrstl" if letter != word[at]])
    return word[:at] + changed + word[at + 1 :]


def respell(word: str, rng: random.Random) -> str | None:
    lower = word.lower()
    options = [(old, new) for old, new in RESPELLINGS if old in lower]
    if not options:
        return None
    old, new = rng.choice(options)
    at = lower.find(old)
    return (lower[:at] + new + lower[at + len(old) :]).capitalize()


def born_on(record: PersonRecord, born: date | None) -> PersonRecord:
    if born is None:
        return dataclasses.replace(record, birth_year=None, birth_month=None, birth_day=None)
    return dataclasses.replace(
        record, birth_year=born.year, birth_month=born.month, birth_day=born.day
    )


def nickname(record: PersonRecord, gen: Generator) -> PersonRecord | None:
    others = names.variants(names.parts(record.given_names)[0])
    if not others:
        return None
    return dataclasses.replace(record, given_names=gen.rng.choice(others).capitalize())


def typo_given(record: PersonRecord, gen: Generator) -> PersonRecord:
    return dataclasses.replace(record, given_names=typo(record.given_names, gen.rng))


def typo_family(record: PersonRecord, gen: Generator) -> PersonRecord:
    return dataclasses.replace(record, family_name=typo(record.family_name, gen.rng))


def spelling_given(record: PersonRecord, gen: Generator) -> PersonRecord | None:
    respelt = respell(record.given_names, gen.rng)
    return dataclasses.replace(record, given_names=respelt) if respelt else None


def spelling_family(record: PersonRecord, gen: Generator) -> PersonRecord | None:
    respelt = respell(record.family_name, gen.rng)
    return dataclasses.replace(record, family_name=respelt) if respelt else None


def double_barrelled(record: PersonRecord, gen: Generator) -> PersonRecord:
    """A double-barrelled surname written with one half, or a space; or a second half added."""
    if "-" in record.family_name:
        first, second = record.family_name.split("-", 1)
        written = gen.rng.choice([first, second, f"{first} {second}"])
    else:
        other = gen.fake.last_name()
        written = gen.rng.choice([f"{record.family_name}-{other}", f"{other}-{record.family_name}"])
    return dataclasses.replace(record, family_name=written)


def previous_name(record: PersonRecord, gen: Generator) -> PersonRecord:
    """A new surname (a parent re-partnered), the old one recorded as a previous name."""
    return dataclasses.replace(
        record,
        family_name=gen.fake.last_name(),
        aliases=(f"{record.given_names} {record.family_name}",),
    )


def transposed(record: PersonRecord, gen: Generator) -> PersonRecord:
    return dataclasses.replace(
        record, given_names=record.family_name, family_name=record.given_names
    )


def day_month_swapped(record: PersonRecord, gen: Generator) -> PersonRecord | None:
    if not record.birth_day or record.birth_day > 12 or record.birth_day == record.birth_month:
        return None
    return dataclasses.replace(record, birth_day=record.birth_month, birth_month=record.birth_day)


def digit_off_by_one(record: PersonRecord, gen: Generator) -> PersonRecord | None:
    """One digit of the date (year's last two, month or day) one more or one less."""
    written = f"{record.birth_year:04d}{record.birth_month:02d}{record.birth_day:02d}"
    for _ in range(30):
        at = gen.rng.choice([2, 3, 4, 5, 6, 7])
        digit = int(written[at]) + gen.rng.choice([-1, 1])
        if not 0 <= digit <= 9:
            continue
        text = written[:at] + str(digit) + written[at + 1 :]
        try:
            born = date(int(text[:4]), int(text[4:6]), int(text[6:]))
        except ValueError:
            continue
        return born_on(record, born)
    return None


def day_unknown(record: PersonRecord, gen: Generator) -> PersonRecord:
    return dataclasses.replace(record, birth_day=None)


def no_birth_date_but_nhs_number(record: PersonRecord, gen: Generator) -> PersonRecord | None:
    """A health referral: the NHS number, and no date of birth."""
    if not record.nhs_number:
        return None
    return born_on(record, None)


def moved_house(record: PersonRecord, gen: Generator) -> PersonRecord:
    address, postcode = gen.home()
    return dataclasses.replace(record, address=address, postcode=postcode)


def address_written_differently(record: PersonRecord, gen: Generator) -> PersonRecord:
    address = record.address.replace(",", "")
    for whole, short in (("Street", "St"), ("Road", "Rd"), ("Avenue", "Ave"), ("Lane", "Ln")):
        address = address.replace(whole, short)
    return dataclasses.replace(
        record, address=address, postcode=record.postcode.replace(" ", "").lower()
    )


def no_address(record: PersonRecord, gen: Generator) -> PersonRecord:
    return dataclasses.replace(record, address="", postcode="")


NAME_KINDS: dict[str, Perturb] = {
    "nickname": nickname,
    "typo in given name": typo_given,
    "typo in family name": typo_family,
    "respelt given name": spelling_given,
    "respelt family name": spelling_family,
    "double-barrelled surname": double_barrelled,
    "previous name": previous_name,
    "names transposed": transposed,
}
DATE_KINDS: dict[str, Perturb] = {
    "day and month swapped": day_month_swapped,
    "date digit off by one": digit_off_by_one,
    "day of birth unknown": day_unknown,
    "no date, NHS number": no_birth_date_but_nhs_number,
}
KINDS: dict[str, Perturb] = {**NAME_KINDS, **DATE_KINDS}
HOME_KINDS: dict[str, Callable[[PersonRecord, Generator], PersonRecord]] = {
    "moved house": moved_house,
    "address written differently": address_written_differently,
    "no address": no_address,
}


def perturbed_copy(record: PersonRecord, kind: str, gen: Generator) -> PersonRecord | None:
    """A second record of the same child with the slip `kind` (None if it does not apply)."""
    copy = KINDS[kind](record, gen)
    if copy is None:
        return None
    return dataclasses.replace(copy, record_id=gen.record_id(), cluster_id=record.cluster_id)


@dataclasses.dataclass(frozen=True)
class Population:
    originals: list[PersonRecord]  # the households
    copies: list[PersonRecord]  # second records of some children; cluster_id names the original
    kinds: dict[str, str]  # copy id → the slips it was written with
    everyone: list[PersonRecord]  # originals and copies, shuffled

    @property
    def true_pairs(self) -> set[frozenset[str]]:
        return {frozenset((copy.record_id, copy.cluster_id)) for copy in self.copies}


@cache
def population() -> Population:
    """HOUSEHOLD_PEOPLE people in households and COPIES perturbed copies of children.

    Each copy has one slip from `KINDS` (taken in turn), a second one of the other sort
    (name or date) for a quarter of them, and for half a change of home (moved, written
    differently, or no address). Most copies lack the NHS number and household list.
    """
    gen = Generator()
    originals: list[PersonRecord] = []
    while len(originals) < HOUSEHOLD_PEOPLE:
        originals.extend(make_household(gen))
    children = [r for r in originals if r.birth_year and r.birth_year >= TODAY.year - 17]
    copies: list[PersonRecord] = []
    kinds: dict[str, str] = {}
    order = list(KINDS)
    for record in gen.rng.sample(children, COPIES):
        kind = order[len(copies) % len(order)]
        copy = perturbed_copy(record, kind, gen)
        if copy is None:
            kind = "typo in given name"
            copy = perturbed_copy(record, kind, gen)
        assert copy is not None
        slips = [kind]
        if gen.rng.random() < 0.25:
            others = DATE_KINDS if kind in NAME_KINDS else NAME_KINDS
            second = gen.rng.choice([k for k in others if k != "no date, NHS number"])
            twice = others[second](copy, gen)
            if twice is not None:
                copy, slips = twice, [*slips, second]
        if gen.rng.random() < 0.5:
            home = gen.rng.choice(list(HOME_KINDS))
            copy, slips = HOME_KINDS[home](copy, gen), [*slips, home]
        if "no date, NHS number" not in slips and gen.rng.random() < 0.6:
            copy = dataclasses.replace(copy, nhs_number="")
        if gen.rng.random() < 0.7:
            copy = dataclasses.replace(copy, household=())
        if gen.rng.random() < 0.2:
            copy = dataclasses.replace(copy, sex="")
        copies.append(copy)
        kinds[copy.record_id] = " + ".join(slips)
    everyone = originals + copies
    gen.rng.shuffle(everyone)
    return Population(originals, copies, kinds, everyone)


# Measuring ------------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Measure:
    recall: float
    precision: float
    found: int
    true: int
    scored: int
    missed: list[frozenset[str]]
    wrong: list[frozenset[str]]


def measure(result: BatchResult, people: Population) -> Measure:
    found = {frozenset((pair.left_id, pair.right_id)) for pair in result.pairs}
    true = people.true_pairs
    right = found & true
    return Measure(
        recall=len(right) / len(true),
        precision=len(right) / len(found) if found else 0.0,
        found=len(found),
        true=len(true),
        scored=result.pairs_scored,
        missed=sorted(true - found, key=sorted),
        wrong=sorted(found - true, key=sorted),
    )


def describe(pair: frozenset[str], people: Population) -> str:
    """A missed or wrong pair: who, the slips, the score and the evidence, for the report."""
    by_id = {record.record_id: record for record in people.everyone}
    left, right = sorted((by_id[i] for i in pair), key=lambda r: r.record_id in people.kinds)
    match = score_pair(left, right)

    def who(record: PersonRecord) -> str:
        born = f"{record.birth_day or '??'}/{record.birth_month}/{record.birth_year}"
        return f"{record.given_names} {record.family_name} ({born})"

    slips = people.kinds.get(right.record_id, "original")
    evidence = " ".join(item.summary for item in match.evidence)
    return f"{who(left)} ~ {who(right)} [{slips}] score {match.score}: {evidence}"


def recall_by_kind(missed: list[frozenset[str]], people: Population) -> dict[str, float]:
    totals: Counter[str] = Counter()
    misses: Counter[str] = Counter()
    for copy in people.copies:
        for kind in people.kinds[copy.record_id].split(" + "):
            totals[kind] += 1
    for pair in missed:
        copy_id = next(i for i in pair if i in people.kinds)
        for kind in people.kinds[copy_id].split(" + "):
            misses[kind] += 1
    return {kind: round(1 - misses[kind] / totals[kind], 3) for kind in sorted(totals)}


def report(name: str, result: Measure, people: Population) -> str:
    lines = [
        f"{name}: recall {result.recall:.4f} ({result.true - len(result.missed)}/{result.true}), "
        f"precision {result.precision:.4f} ({result.found - len(result.wrong)}/{result.found}), "
        f"{result.scored} pairs scored",
        f"recall by slip: {recall_by_kind(result.missed, people)}",
        *(f"missed: {describe(pair, people)}" for pair in result.missed),
        *(f"wrong: {describe(pair, people)}" for pair in result.wrong),
    ]
    return "\n".join(lines)


# Tests ----------------------------------------------------------------------------------------


def test_the_population_is_realistic_and_fixed():
    """A few thousand records, every kind of slip represented, the same every run."""
    people = population()
    assert len(people.originals) >= HOUSEHOLD_PEOPLE
    assert len(people.copies) == COPIES
    counts = Counter(kind for slips in people.kinds.values() for kind in slips.split(" + "))
    for kind in [*KINDS, *HOME_KINDS]:
        assert counts[kind] >= 30, (kind, counts)
    twins = Counter(
        (r.family_name, r.address, r.birth_year, r.birth_month, r.birth_day)
        for r in people.originals
    )
    assert sum(1 for count in twins.values() if count > 1) >= 20  # twins are in the population
    again = Generator()
    assert make_household(again) == make_household(Generator())
    assert all(r.nhs_number.startswith("999") for r in people.everyone if r.nhs_number)


def test_dedupe_finds_the_copies(record_property):
    people = population()
    result = measure(dedupe_records(people.everyone), people)
    text = report("dedupe_records", result, people)
    record_property("recall", result.recall)  # in the JUnit XML, for the report
    record_property("precision", result.precision)
    assert result.recall >= MIN_RECALL, text
    assert result.precision >= MIN_PRECISION, text


def test_link_finds_the_copies(record_property):
    people = population()
    linked = link_records(people.copies, people.originals)
    result = measure(linked, people)
    text = report("link_records", result, people)
    record_property("recall", result.recall)
    record_property("precision", result.precision)
    assert result.recall >= MIN_RECALL, text
    assert result.precision >= MIN_PRECISION, text
    copy_ids = {copy.record_id for copy in people.copies}
    assert all(pair.left_id in copy_ids and pair.right_id not in copy_ids for pair in linked.pairs)


# How the batch functions behave -----------------------------------------------------------------


def kirsty(record_id: str, **fields) -> PersonRecord:
    values = {
        "given_names": "Kirsty",
        "family_name": "Carr",
        "sex": "F",
        "address": "9 Oak Road, Hull",
        "postcode": "HU5 2QE",
        **fields,
    }
    return PersonRecord.with_birth_date(record_id, date(2013, 5, 17), **values)


@pytest.mark.parametrize(
    ("full_date_id", "day_unknown_id"),
    [
        pytest.param("b", "a", id="undated record has the smaller id"),
        pytest.param("a", "b", id="dated record has the smaller id"),
    ],
)
def test_dedupe_finds_a_pair_whichever_record_has_the_smaller_id(
    full_date_id: str, day_unknown_id: str
):
    dated = kirsty(full_date_id)
    undated = dataclasses.replace(kirsty(day_unknown_id, given_names="Kisty"), birth_day=None)
    assert score_pair(dated, undated).is_match
    found = dedupe_records([dated, undated]).pairs
    assert [(pair.left_id, pair.right_id) for pair in found] == [("a", "b")]


@pytest.mark.parametrize(
    "undated_on_file",
    [
        pytest.param(False, id="undated record linked to a dated list"),
        pytest.param(True, id="dated record linked to an undated list"),
    ],
)
def test_link_finds_the_pair_whichever_list_holds_the_undated_record(undated_on_file: bool):
    dated = kirsty("a")
    undated = dataclasses.replace(kirsty("b", given_names="Kisty"), birth_day=None)
    left, right = ([dated], [undated]) if undated_on_file else ([undated], [dated])
    assert len(link_records(left, right).pairs) == 1


def test_dedupe_scores_each_pair_once_and_never_a_record_with_itself():
    people = population().everyone[:600]
    result = dedupe_records(people, threshold=-100.0)  # keep every pair scored
    pairs = [frozenset((pair.left_id, pair.right_id)) for pair in result.pairs]
    assert len(pairs) == len(set(pairs)) == result.pairs_scored
    assert all(len(pair) == 2 for pair in pairs)


def test_a_lower_threshold_keeps_the_possible_matches_too():
    people = population().everyone[:1500]
    likely = {(p.left_id, p.right_id) for p in dedupe_records(people).pairs}
    possible = dedupe_records(people, threshold=POSSIBLE_THRESHOLD)
    assert likely < {(p.left_id, p.right_id) for p in possible.pairs}
    assert all(p.match.score >= POSSIBLE_THRESHOLD for p in possible.pairs)


def test_very_common_keys_are_skipped_but_dated_keys_still_find_the_match():
    """600 undated Jack Smiths at different homes: their shared name key is one block of 602,
    too big to compare; the two dated records of one Jack still find each other."""
    gen = Generator(seed=SEED + 9)
    undated = [
        PersonRecord(
            f"u{number:03d}",
            "Jack",
            "Smith",
            address=gen.home()[0],
            postcode=gen.home()[1],
        )
        for number in range(LARGEST_BLOCK + 100)
    ]
    one = PersonRecord.with_birth_date(
        "jack-1", date(2015, 2, 3), given_names="Jack", family_name="Smith"
    )
    same = PersonRecord.with_birth_date(
        "jack-2", date(2015, 3, 2), given_names="Jack", family_name="Smith", sex="M"
    )
    result = dedupe_records([*undated, one, same])
    assert [(p.left_id, p.right_id) for p in result.pairs] == [("jack-1", "jack-2")]
    assert result.pairs_scored < 50


def test_link_with_nothing_on_file_finds_nothing():
    result = link_records(population().copies[:20], [])
    assert result.pairs == []
    assert result.pairs_scored == 0
