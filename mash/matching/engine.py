"""Scoring a pair of person records, with the reasons in plain English (SC-4, IN-5).

Each field comparison gives a piece of `Evidence` with a weight: the log2 of how much more
often that finding is seen between records of the same person than between records of two
different people (the Fellegi–Sunter model that Splink also uses). Weights are set by hand from
what practitioners know of referral data, not fitted, so that each one can be explained and
reviewed; docs/adr/0007-person-matching.md gives the reasoning and docs/benchmarks.md the
figures.

Guards correct what a field-by-field sum gets wrong: inside one household (brothers, sisters and
twins share a surname, an address and often a date of birth; a parent and child can share a
whole name), and without dates of birth (a name and address alone cannot confirm a match).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from itertools import product

import jellyfish

from mash.matching import names
from mash.matching.identifiers import clean, nhs_number_is_valid, upn_is_valid
from mash.matching.records import PersonRecord

# Scores at or above these are "very likely" the same person, or "possibly" the same person.
MATCH_THRESHOLD = 12.0
POSSIBLE_THRESHOLD = 4.0


@dataclass(frozen=True)
class Evidence:
    """One finding about one field, and how much it counts (log2 of the likelihood ratio)."""

    field: str
    finding: str
    weight: float

    @property
    def direction(self) -> str:
        if self.weight > 0:
            return "for"
        return "against" if self.weight < 0 else "neutral"

    @property
    def strength(self) -> str:
        size = abs(self.weight)
        if size >= 7:
            return "strong"
        if size >= 3:
            return "moderate"
        return "weak" if size > 0 else "none"

    @property
    def summary(self) -> str:
        """E.g. "Given name: a known short form (Tom, Thomas). Moderate evidence for."."""
        if self.direction == "neutral":
            return f"{self.field}: {self.finding}."
        return (
            f"{self.field}: {self.finding}. {self.strength.capitalize()} evidence {self.direction}."
        )


BAND_LABELS = {
    "likely": "Very likely the same person",
    "possible": "Possibly the same person",
    "unlikely": "Probably a different person",
}


def band_for(score: float) -> str:
    """ "likely", "possible" or "unlikely", by the thresholds above."""
    if score >= MATCH_THRESHOLD:
        return "likely"
    return "possible" if score >= POSSIBLE_THRESHOLD else "unlikely"


@dataclass(frozen=True)
class Match:
    """The verdict on a pair of records and every piece of evidence behind it."""

    score: float
    evidence: tuple[Evidence, ...]

    @property
    def is_match(self) -> bool:
        return self.score >= MATCH_THRESHOLD

    @property
    def band(self) -> str:
        return band_for(self.score)

    @property
    def label(self) -> str:
        return BAND_LABELS[self.band]

    @property
    def probability(self) -> float:
        """The score as a probability (the weights include the prior odds of a match)."""
        return 1 / (1 + 2 ** (-self.score))

    @property
    def agreements(self) -> list[Evidence]:
        return [item for item in self.evidence if item.weight > 0]

    @property
    def disagreements(self) -> list[Evidence]:
        return [item for item in self.evidence if item.weight < 0]


def score_pair(left: PersonRecord, right: PersonRecord) -> Match:
    """Compare two records field by field and explain the verdict."""
    evidence = [
        *_compare_names(left, right),
        _compare_birth_dates(left, right),
        _compare_sex(left, right),
        _compare_nhs_numbers(left, right),
        _compare_upns(left, right),
        _compare_other_ids(left, right),
        _compare_addresses(left, right),
        _compare_postcodes(left, right),
    ]
    found = [item for item in evidence if item is not None]
    found.extend(_compare_households(left, right, found))
    found.extend(_household_guards(left, right, found))
    total = sum(item.weight for item in found)
    found.extend(_missing_birth_date_cap(left, right, found, total))
    return Match(round(sum(item.weight for item in found), 2), tuple(found))


# Names ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Name:
    given: tuple[str, ...]
    family: tuple[str, ...]
    display: str
    is_alias: bool


def _name_forms(record: PersonRecord) -> list[_Name]:
    return [
        _Name(
            tuple(names.parts(given)),
            tuple(names.parts(family)),
            f"{given} {family}".strip(),
            is_alias,
        )
        for given, family, is_alias in record.written_names()
    ]


def _given_level(left: tuple[str, ...], right: tuple[str, ...]) -> tuple[float, str]:
    if not left or not right:
        return 0.0, "not known on both records"
    first_left, first_right = left[0], right[0]
    if first_left == first_right:
        if len(left) > 1 and len(right) > 1 and not _alike(left[1], right[1]):
            # "Muhammad Ali" and "Muhammad Usman": the name that tells them apart differs.
            return 1.0, "the first name is the same but the middle names differ"
        return 5.5, "the same"
    if names.same_group(first_left, first_right):
        return 4.5, "a known short form or variant"
    if names.is_typo(first_left, first_right) or names.similarity(first_left, first_right) >= 0.93:
        return 4.0, "spelt slightly differently"
    if names.phonetic(first_left) == names.phonetic(first_right):
        return 3.5, "sound the same"
    if set(left[1:]) & set(right) or set(right[1:]) & set(left):
        return 3.5, "one record uses a middle name"
    if (len(first_left) == 1 or len(first_right) == 1) and first_left[0] == first_right[0]:
        return 1.5, "the initial agrees"
    if names.similarity(first_left, first_right) >= 0.85:
        return 1.0, "somewhat alike"
    return -4.5, "different"


def _alike(one: str, other: str) -> bool:
    return (
        one == other
        or names.same_group(one, other)
        or names.is_typo(one, other)
        or names.phonetic(one) == names.phonetic(other)
    )


def _family_level(left: tuple[str, ...], right: tuple[str, ...]) -> tuple[float, str]:
    if not left or not right:
        return 0.0, "not known on both records"
    joined_left, joined_right = "".join(left), "".join(right)
    if joined_left == joined_right:
        return 6.0, "the same"
    if set(left) & set(right):
        return 4.5, "share part of a double-barrelled or hyphenated surname"
    if (
        names.is_typo(joined_left, joined_right)
        or names.similarity(joined_left, joined_right) >= 0.93
    ):
        return 4.5, "spelt slightly differently"
    if names.phonetic(joined_left) == names.phonetic(joined_right):
        return 4.0, "sound the same"
    if names.similarity(joined_left, joined_right) >= 0.85:
        return 1.0, "somewhat alike"
    return -4.0, "different (surnames do change, for example when a parent re-partners)"


def _compare_names(left: PersonRecord, right: PersonRecord) -> list[Evidence]:
    """The best reading of the two records' names: as written, through any other name, or
    with first and last names the wrong way round on either side (so that the verdict does not
    depend on which record is passed first)."""
    best: tuple[float, list[Evidence]] | None = None
    for one, other in product(_name_forms(left), _name_forms(right)):
        readings = (
            (one.given, one.family, other.given, other.family, False),
            (one.given, one.family, other.family, other.given, True),
            (one.family, one.given, other.given, other.family, True),
        )
        for reading in readings:
            found = _compare_reading(*reading, alias=_alias_shown(one, other))
            if found is None:
                continue
            total = sum(item.weight for item in found)
            if best is None or total > best[0]:
                best = (total, found)
    return best[1] if best else []


def _alias_shown(one: _Name, other: _Name) -> str:
    if one.is_alias:
        return one.display
    return other.display if other.is_alias else ""


Parts = tuple[str, ...]


def _compare_reading(
    given: Parts,
    family: Parts,
    other_given: Parts,
    other_family: Parts,
    swapped: bool,
    *,
    alias: str,
) -> list[Evidence] | None:
    """The evidence from one reading of the names; None when swapping them explains nothing."""
    given_weight, given_finding = _given_level(given, other_given)
    family_weight, family_finding = _family_level(family, other_family)
    shown = f" ({_display(given)}, {_display(other_given)})" if given_weight else ""
    shown_family = f" ({_display(family)}, {_display(other_family)})" if family_weight else ""
    found = [
        Evidence("Given name", given_finding + shown, given_weight),
        Evidence("Family name", family_finding + shown_family, family_weight),
    ]
    if swapped:
        if given_weight <= 0 or family_weight <= 0:
            return None
        found.append(Evidence("Names", "first and last names appear the wrong way round", -1.0))
    if alias:
        found.append(Evidence("Names", f"agree through a recorded other name ({alias})", 0.0))
    return found


def _display(parts: tuple[str, ...]) -> str:
    return " ".join(part.capitalize() for part in parts)


# Dates of birth -------------------------------------------------------------------------------


def _birth_text(record: PersonRecord) -> str:
    day = f"{record.birth_day:02d}" if record.birth_day else "??"
    month = f"{record.birth_month:02d}" if record.birth_month else "??"
    return f"{day}/{month}/{record.birth_year}"


def _compare_birth_dates(left: PersonRecord, right: PersonRecord) -> Evidence:
    field = "Date of birth"
    if not left.birth_year and not right.birth_year:
        return Evidence(field, "not known on either record", 0.0)
    if not left.birth_year or not right.birth_year:
        return Evidence(field, "not known on one record", 0.0)
    shown = f"{_birth_text(left)}, {_birth_text(right)}"
    full_left, full_right = left.full_birth, right.full_birth
    if full_left and full_right:
        return _compare_full_dates(left, right, full_left, full_right, shown)
    if _known_parts_agree(left, right):
        if left.birth_month and right.birth_month:
            return Evidence(field, f"month and year agree; the day is not known ({shown})", 3.0)
        return Evidence(field, f"agrees as far as both are known ({shown})", 2.0)
    return Evidence(field, f"different ({shown})", -5.0)


def _known_parts_agree(left: PersonRecord, right: PersonRecord) -> bool:
    pairs = (
        (left.birth_year, right.birth_year),
        (left.birth_month, right.birth_month),
        (left.birth_day, right.birth_day),
    )
    return all(one == other for one, other in pairs if one and other)


def _compare_full_dates(
    left: PersonRecord, right: PersonRecord, full_left: str, full_right: str, shown: str
) -> Evidence:
    field = "Date of birth"
    if full_left == full_right:
        return Evidence(field, f"the same ({shown})", 9.0)
    if (
        left.birth_year == right.birth_year
        and left.birth_day == right.birth_month
        and left.birth_month == right.birth_day
    ):
        return Evidence(field, f"day and month swapped ({shown})", 5.0)
    if jellyfish.damerau_levenshtein_distance(full_left, full_right) == 1:
        return Evidence(field, f"one digit different or two digits swapped ({shown})", 4.0)
    return Evidence(field, f"different ({shown})", -5.0)


def _years_apart(left: PersonRecord, right: PersonRecord) -> int | None:
    if not left.birth_year or not right.birth_year:
        return None
    return abs(left.birth_year - right.birth_year)


# Other fields ---------------------------------------------------------------------------------


def _compare_sex(left: PersonRecord, right: PersonRecord) -> Evidence | None:
    known = {"F", "M"}
    if left.sex not in known or right.sex not in known:
        return None
    if left.sex == right.sex:
        return Evidence("Sex", "the same", 0.5)
    return Evidence("Sex", "different", -5.0)


def _compare_identifier(
    field: str,
    left: str,
    right: str,
    *,
    valid: Callable[[str], bool],
    same: float,
    against: float,
) -> Evidence | None:
    one, other = clean(left), clean(right)
    if not one or not other:
        return None
    both_valid = valid(one) and valid(other)
    if one == other:
        if valid(one):
            return Evidence(field, "the same, and it passes the check-digit test", same)
        return Evidence(field, "the same, though it fails the check-digit test", same / 2)
    if both_valid:
        return Evidence(field, f"two different valid numbers ({one}, {other})", against)
    if jellyfish.damerau_levenshtein_distance(one, other) == 1:
        return Evidence(
            field, f"one character different: a likely typing slip ({one}, {other})", 4.0
        )
    return Evidence(field, f"different ({one}, {other})", -3.0)


def _compare_nhs_numbers(left: PersonRecord, right: PersonRecord) -> Evidence | None:
    return _compare_identifier(
        "NHS number",
        left.nhs_number,
        right.nhs_number,
        valid=nhs_number_is_valid,
        same=14.0,
        against=-10.0,
    )


def _compare_upns(left: PersonRecord, right: PersonRecord) -> Evidence | None:
    return _compare_identifier(
        "Unique pupil number", left.upn, right.upn, valid=upn_is_valid, same=12.0, against=-8.0
    )


def _compare_other_ids(left: PersonRecord, right: PersonRecord) -> Evidence | None:
    one, other = clean(left.other_id), clean(right.other_id)
    if not one or not other:
        return None
    if one == other:
        return Evidence("Other reference number", "the same", 12.0)
    distance = jellyfish.damerau_levenshtein_distance(one, other)
    if distance == 1:
        return Evidence("Other reference number", "one character different", 5.0)
    if distance == 2 and min(len(one), len(other)) >= 6:
        return Evidence("Other reference number", "two characters different", 2.0)
    return Evidence("Other reference number", "different", -4.0)


def _address_words(address: str) -> set[str]:
    return set(names.normalise_name(address.replace(",", " ")).split()) | {
        word for word in address.replace(",", " ").split() if word.isdigit()
    }


def _compare_addresses(left: PersonRecord, right: PersonRecord) -> Evidence | None:
    one, other = _address_words(left.address), _address_words(right.address)
    if not one or not other:
        return None
    if one == other:
        return Evidence("Address", "the same", 3.5)
    shared = _fuzzy_overlap(one, other) / len(one | other)
    if shared >= 0.6:
        return Evidence("Address", "mostly the same", 2.5)
    if shared >= 0.3:
        return Evidence("Address", "partly the same", 0.5)
    return Evidence("Address", "different (people move)", -1.5)


def _fuzzy_overlap(one: set[str], other: set[str]) -> float:
    """Words in common, counting a word with one slip of the keyboard as shared."""
    exact = one & other
    rest = [word for word in one - exact if len(word) >= 4]
    near = sum(
        1 for word in rest if any(names.is_typo(word, candidate) for candidate in other - exact)
    )
    return len(exact) + near


def _compare_postcodes(left: PersonRecord, right: PersonRecord) -> Evidence | None:
    one, other = clean(left.postcode), clean(right.postcode)
    if not one or not other:
        return None
    if one == other:
        return Evidence("Postcode", "the same", 3.0)
    if jellyfish.damerau_levenshtein_distance(one, other) == 1:
        return Evidence("Postcode", f"one character different ({one}, {other})", 1.5)
    if len(one) > 3 and len(other) > 3 and one[:-3] == other[:-3]:
        return Evidence("Postcode", "same district, different street", 0.5)
    return Evidence("Postcode", "different", -1.0)


def _compare_households(
    left: PersonRecord, right: PersonRecord, found: list[Evidence]
) -> list[Evidence]:
    """People recorded with each: the same people support a match, but only when the first
    names agree (brothers and sisters are recorded with the same people too); and a record
    that names the other person as someone else in the household is strong evidence against."""
    named_apart = _named_as_someone_else(left, right) or _named_as_someone_else(right, left)
    if named_apart:
        return [
            Evidence(
                "Household",
                f"{named_apart} is recorded as another member of the household",
                -10.0,
            )
        ]
    one = {names.normalise_name(name) for name in left.household} - {""}
    other = {names.normalise_name(name) for name in right.household} - {""}
    shared = sorted(one & other)
    if not shared:
        return []
    listed = ", ".join(name.title() for name in shared[:3])
    if _weight(found, "Given name") <= 0:
        return [
            Evidence(
                "Household",
                f"recorded with the same people ({listed}); so are brothers and sisters",
                0.0,
            )
        ]
    weight = min(4.0, 2.0 * len(shared))
    return [Evidence("Household", f"recorded with the same people ({listed})", weight)]


def _named_as_someone_else(record: PersonRecord, other: PersonRecord) -> str:
    """`other`'s name, if `record`'s household lists it and it is not also `record`'s own."""
    own = names.normalise_name(f"{record.given_names} {record.family_name}")
    theirs = names.normalise_name(f"{other.given_names} {other.family_name}")
    household = {names.normalise_name(name) for name in record.household}
    if theirs and theirs != own and theirs in household:
        return f"{other.given_names} {other.family_name}".strip()
    return ""


# Guards ---------------------------------------------------------------------------------------


def _weight(found: Iterable[Evidence], field: str) -> float:
    return sum(item.weight for item in found if item.field == field)


_IDENTIFIERS = {"NHS number", "Unique pupil number", "Other reference number"}
# A household shares a surname, an address and a postcode: together they count as one fact.
_HOUSEHOLD_CAP = 7.0
_SAME_NAME_WEIGHT = 4.5  # a first name at least this strong is the same name or a short form
_PARENT_CHILD_YEARS = 12  # born at least this many years apart, and at most
_PARENT_CHILD_MAX_YEARS = 55


def _identified(found: Iterable[Evidence]) -> bool:
    """Whether a unique identifier agrees or nearly agrees: brothers, sisters, twins and
    parents never share one."""
    return any(item.weight >= 4 and item.field in _IDENTIFIERS for item in found)


def _household_guards(
    left: PersonRecord, right: PersonRecord, found: list[Evidence]
) -> list[Evidence]:
    """Correct for what the field-by-field sum gets wrong inside one household.

    Brothers, sisters and twins share a surname, an address and a postcode, and twins a date of
    birth, so agreement on those says little once they live together; their first names are
    what tell them apart. A parent and child can share a whole name and an address.
    """
    if _identified(found):
        return []
    guards: list[Evidence] = []
    given, family = _weight(found, "Given name"), _weight(found, "Family name")
    home = _weight(found, "Address") + _weight(found, "Postcode")
    shares_people = any(
        item.field == "Household" and "same people" in item.finding for item in found
    )
    if family > 0 and (home >= 3 or shares_people) and _could_be_siblings(left, right, given):
        guards.extend(_same_household_guards(found, given, family, home))
    apart = _years_apart(left, right)
    if given > 0 and apart is not None and _PARENT_CHILD_YEARS <= apart <= _PARENT_CHILD_MAX_YEARS:
        guards.append(
            Evidence(
                "Household",
                f"born {apart} years apart: a parent and child can share a name and address",
                -6.0,
            )
        )
    return guards


def _could_be_siblings(left: PersonRecord, right: PersonRecord, given: float) -> bool:
    """Whether the first names leave room for two children of one household.

    Different names do; the same name or a short form does not (twins are not given one name).
    Names one letter apart do when they start differently (Jayden, Kayden) or are both names
    in their own right (Oliver, Olivia), unless they sound the same; otherwise the difference
    is taken as a typing slip or a respelling.
    """
    if given < 0:
        return True
    if given >= _SAME_NAME_WEIGHT:
        return False
    one, other = names.parts(left.given_names), names.parts(right.given_names)
    if not one or not other or names.phonetic(one[0]) == names.phonetic(other[0]):
        return False  # the same name spelt another way (Philip, Filip), not a second child
    return one[0][0] != other[0][0] or (
        bool(names.name_groups(one[0])) and bool(names.name_groups(other[0]))
    )


def _same_household_guards(
    found: list[Evidence], given: float, family: float, home: float
) -> list[Evidence]:
    guards = []
    shared = family + max(home, 0.0)
    if shared > _HOUSEHOLD_CAP:
        guards.append(
            Evidence(
                "Household",
                "same surname and home: in one household these are one fact, counted once",
                _HOUSEHOLD_CAP - shared,
            )
        )
    if given < 0:
        guards.append(
            Evidence(
                "Household",
                "same surname and home but a different first name: "
                "could be a brother, sister or twin",
                -4.0,
            )
        )
    elif given < _SAME_NAME_WEIGHT:
        guards.append(
            Evidence(
                "Household",
                "first names alike but not the same: in one household, "
                "could be brothers or sisters with similar names",
                -given,
            )
        )
    if _weight(found, "Date of birth") >= 9:
        guards.append(
            Evidence(
                "Household", "born on the same day in the same household: could be twins", -5.0
            )
        )
    return guards


def _missing_birth_date_cap(
    left: PersonRecord, right: PersonRecord, found: list[Evidence], total: float
) -> list[Evidence]:
    """Without dates of birth, a name and address cannot confirm a match on their own."""
    if left.birth_year and right.birth_year:
        return []
    if _identified(found) or total < MATCH_THRESHOLD:
        return []
    capped = MATCH_THRESHOLD - 0.5
    return [
        Evidence(
            "Date of birth",
            "missing, so a name and address cannot confirm a match "
            "(a parent and child can share both)",
            round(capped - total, 2),
        )
    ]
