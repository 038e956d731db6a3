"""Blocking keys (keys.py): a record with any realistic slip is still found as a candidate.

A candidate is found when the keys looked up for the new record (`query_keys`) meet the keys
the record on file is stored under (`stored_keys`). The cases are the engine's (test_engine.py),
the same pairs the verdicts are tested on, plus every slip of the synthetic population applied
to Faker en_GB children.
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date

import pytest

from mash.matching.keys import query_keys, stored_keys
from mash.matching.names import phonetic
from mash.matching.records import PersonRecord
from mash.matching.tests.test_batch import KINDS, NAME_KINDS, SEED
from mash.matching.tests.test_engine import (
    DIFFERENT_PEOPLE,
    NHS_A,
    NO_HOME,
    SAME_PERSON,
    UPN_A,
    Case,
    person,
    referral,
    slips_of_kind,
)


def shared(query: PersonRecord, on_file: PersonRecord) -> set[str]:
    return query_keys(query) & stored_keys(on_file)


def dates(keys: set[str], prefix: str) -> set[str]:
    return {key.rsplit(":", 1)[1] for key in keys if key.startswith(prefix)}


# Every engine case is found --------------------------------------------------------------------


def params(cases: list[Case], fails: dict[str, str]) -> list:
    return [
        pytest.param(
            case,
            id=case.id,
            marks=[pytest.mark.xfail(strict=True, reason=fails[case.id])]
            if case.id in fails
            else [],
        )
        for case in cases
    ]


REFERRAL_FAILS: dict[str, str] = {}


@pytest.mark.parametrize("case", params(SAME_PERSON, REFERRAL_FAILS))
def test_the_referral_finds_the_record_on_file(case: Case):
    assert shared(case.new, case.on_file)


# The same pair the other way round: the record on file searched for again (dedupe_records and
# link_records look up from both records of a pair).
@pytest.mark.parametrize("case", params(SAME_PERSON, {}))
def test_the_record_on_file_finds_the_referral(case: Case):
    assert shared(case.on_file, case.new)


@pytest.mark.parametrize(
    "case", params([c for c in DIFFERENT_PEOPLE if c.kind in {"twins", "parent and child"}], {})
)
def test_twins_and_parents_are_still_candidates(case: Case):
    """Blocking does not judge: the engine must see these pairs to reject them with reasons."""
    assert shared(case.new, case.on_file)


# Each slip applied to Faker en_GB children ---------------------------------------------------


SLIP_FAILS: dict[str, str] = {}


@pytest.mark.parametrize(
    "kind",
    [
        pytest.param(
            kind,
            id=kind,
            marks=[pytest.mark.xfail(strict=True, reason=SLIP_FAILS[kind])]
            if kind in SLIP_FAILS
            else [],
        )
        for kind in KINDS
    ],
)
def test_faker_children_with_each_slip_are_found_both_ways(kind: str):
    lost = [
        f"{original.given_names} {original.family_name} {original.birth_day}/"
        f"{original.birth_month}/{original.birth_year} ~ {copy.given_names} {copy.family_name} "
        f"{copy.birth_day}/{copy.birth_month}/{copy.birth_year}: {direction}"
        for original, copy in slips_of_kind(kind, count=100, seed=SEED + 2)
        for direction, found in (
            ("copy looking", shared(copy, original)),
            ("original looking", shared(original, copy)),
        )
        if not found
    ]
    assert not lost, "\n".join(lost)


NAME_SLIP_WITH_DAY_UNKNOWN_ON_FILE_FAILS: dict[str, str] = {}


@pytest.mark.parametrize(
    "kind",
    [
        pytest.param(
            kind,
            id=kind,
            marks=[
                pytest.mark.xfail(
                    strict=True, reason=NAME_SLIP_WITH_DAY_UNKNOWN_ON_FILE_FAILS[kind]
                )
            ]
            if kind in NAME_SLIP_WITH_DAY_UNKNOWN_ON_FILE_FAILS
            else [],
        )
        for kind in NAME_KINDS
    ],
)
def test_a_name_slip_finds_a_record_on_file_without_a_day_of_birth(kind: str):
    """Two slips at once: the old record lacks the day, the new one has a name slip."""
    lost = []
    for original, copy in slips_of_kind(kind, count=60, seed=SEED + 3):
        on_file = replace(original, birth_day=None)
        if not shared(copy, on_file):
            lost.append(
                f"{on_file.given_names} {on_file.family_name} ~ {copy.given_names} "
                f"{copy.family_name}"
            )
    assert not lost, f"{len(lost)} of 60 not found:\n" + "\n".join(lost)


# What the keys are ----------------------------------------------------------------------------

RUBY = person("Ruby", "Collins", date(2016, 4, 11), sex="F", nhs_number=NHS_A, upn=UPN_A)


def test_a_record_is_stored_under_names_dates_home_and_identifiers():
    keys = stored_keys(RUBY)
    assert {key.split(":")[0] for key in keys} == {
        "n",  # name codes
        "fd",  # surname and date of birth
        "gd",  # first name and date of birth
        "id",  # initials and date of birth
        "pg",  # postcode and first name
        "fm",  # surname and month and year of birth (finds a record without a day of birth)
        "gm",  # first name and month and year of birth
        "dp",  # date of birth and postcode
        "di",  # date of birth and first initial
        "f",  # surname alone (looked up only when the query has no first name)
        "d",  # date alone (looked up only when the query has no name)
        "nhs",
        "upn",
    }
    assert f"nhs:{NHS_A}" in keys
    assert f"upn:{UPN_A}" in keys
    assert "id:rc:20160411" in keys
    assert "d:20160411" in keys
    assert f"fm:{phonetic('collins')}:201604" in keys
    assert f"gm:{phonetic('ruby')}:201604" in keys
    assert "dp:20160411:IG14PU" in keys
    assert "di:20160411:r" in keys
    assert f"pg:IG14PU:{phonetic('ruby')}" in keys  # the postcode cleaned


def test_identifiers_are_filed_cleaned():
    spaced = replace(RUBY, nhs_number=f"{NHS_A[:3]} {NHS_A[3:6]} {NHS_A[6:]}", upn=UPN_A.lower())
    assert {f"nhs:{NHS_A}", f"upn:{UPN_A}"} <= stored_keys(spaced)


def test_an_identifier_alone_finds_a_record_with_a_different_name_and_date():
    on_file = person("Ruby", "Collins", nhs_number=NHS_A, **NO_HOME)
    new = referral("Rubi", "Kowalczyk", date(2001, 1, 1), nhs_number=NHS_A, postcode="")
    assert shared(new, on_file) == {f"nhs:{NHS_A}"}


def test_a_query_with_a_name_does_not_use_the_broad_keys():
    keys = query_keys(RUBY)
    assert not any(key.startswith(("f:", "d:")) for key in keys)


def test_a_query_without_a_first_name_uses_the_surname_alone():
    query = referral("", "Collins", None, postcode="")
    assert shared(query, RUBY) == {f"f:{phonetic('collins')}"}


def test_a_query_with_no_name_uses_the_date_alone():
    query = referral("", "", date(2016, 4, 11), postcode="")
    assert "d:20160411" in shared(query, RUBY)


def test_a_record_without_a_date_is_stored_without_dated_keys():
    keys = stored_keys(replace(RUBY, birth_year=None, birth_month=None, birth_day=None))
    assert not any(
        key.startswith(("fd:", "gd:", "id:", "d:", "di:", "dp:", "fm:", "gm:")) for key in keys
    )
    assert any(key.startswith("n:") for key in keys)


@pytest.mark.parametrize(
    ("written", "expected", "why"),
    [
        ((2016, 4, 11), "20161104", "day and month swapped"),
        ((2016, 4, 11), "20150411", "year one less"),
        ((2016, 4, 11), "20170411", "year one more"),
        ((2016, 4, 11), "20160412", "day one more"),
        ((2016, 4, 11), "20160401", "day one less in the tens"),
        ((2016, 4, 11), "20160311", "month one less"),
        ((2016, 3, 12), "20160321", "day digits swapped"),
        ((2016, 1, 5), "20161105", "month 01 written 11"),
        ((2016, 12, 31), "20161231", "as written"),
    ],
    ids=lambda value: value if isinstance(value, str) and not value.isdigit() else "",
)
def test_query_looks_up_likely_mistakes_in_the_date(
    written: tuple[int, int, int], expected: str, why: str
):
    query = person("Ruby", "Collins", date(*written))
    assert expected in dates(query_keys(query), "fd:"), why


def test_query_dates_are_all_real_dates():
    """31/12 swapped or nudged gives 12/31 and 32/12: no such days are looked up."""
    query = person("Ruby", "Collins", date(2016, 12, 31))
    looked_up = dates(query_keys(query), "fd:")
    for text in looked_up:
        date(int(text[:4]), int(text[4:6]), int(text[6:]))  # raises if not a date
    assert "20163112" not in looked_up


@pytest.mark.parametrize(
    ("year", "month", "days"),
    [(2016, 4, 30), (2016, 2, 29), (2017, 2, 28), (2016, 12, 31)],
    ids=["April", "February 2016", "February 2017", "December"],
)
def test_day_unknown_looks_up_every_day_of_the_month(year: int, month: int, days: int):
    query = PersonRecord("q", "Ruby", "Collins", birth_year=year, birth_month=month)
    looked_up = dates(query_keys(query), "fd:")
    assert looked_up == {f"{year:04d}{month:02d}{day:02d}" for day in range(1, days + 1)}


def test_double_barrelled_surname_is_filed_under_each_part():
    codes = {
        key.split(":")[1] for key in stored_keys(person("Poppy", "Smith-Jones")) if "n:" in key
    }
    assert {phonetic("smith"), phonetic("jones"), phonetic("smithjones")} <= codes


def test_names_are_looked_up_the_wrong_way_round_but_not_stored_that_way():
    khan = person("Ahmed", "Khan", postcode="")
    stored_family_codes = {key.split(":")[1] for key in stored_keys(khan) if key.startswith("n:")}
    query_family_codes = {key.split(":")[1] for key in query_keys(khan) if key.startswith("n:")}
    assert stored_family_codes == {phonetic("khan")}
    assert query_family_codes == {phonetic("khan"), phonetic("ahmed")}


def test_short_forms_share_a_group_key():
    thomas, tom = person("Thomas", "Wright"), referral("Tom", "Wright")
    group_keys = {key for key in shared(tom, thomas) if re.match(r"n:\w+:g\d+$", key)}
    assert group_keys


def test_aliases_are_filed():
    kyle = person("Kyle", "Walsh", aliases=("Kyle Robinson",), postcode="")
    robinson_codes = {
        key for key in stored_keys(kyle) if key.startswith(f"n:{phonetic('robinson')}:")
    }
    assert robinson_codes


def test_a_year_before_1000_gives_eight_digit_keys():
    """Found by fuzzing the partner API (tests/security/test_api_fuzz.py): a date of birth
    sent as 0065-11-01 crashed the search for candidates (its day/month swap was "650111")."""
    record = PersonRecord.with_birth_date(
        "r1", date(65, 11, 1), given_names="Ann", family_name="Lee"
    )
    assert record.full_birth == "00651101"
    assert query_keys(record)
    assert stored_keys(record)
