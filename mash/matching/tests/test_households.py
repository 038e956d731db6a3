"""The synthetic household set holds the hard cases, reproducibly, and nothing that looks real."""

from collections import Counter, defaultdict
from datetime import date

import pytest

from mash.demo.synthetic import nhs_check_digit
from mash.matching.households import (
    NICKNAMES,
    PARENT_CHILD_SAME_NAME,
    SIBLINGS,
    TWINS,
    household_set,
    upn_with_check_letter,
)


@pytest.fixture(scope="module")
def made():
    return household_set(120, seed=3)


def _originals(made):
    """Each person's first record with a full date of birth, by cluster id."""
    found = {}
    for record in made.records:
        if record.birth_day is not None and not record.aliases:
            found.setdefault(record.cluster_id, record)
    return found


def test_the_same_seed_gives_the_same_set_and_another_seed_another():
    assert household_set(20, seed=5).records == household_set(20, seed=5).records
    assert household_set(20, seed=5).records != household_set(20, seed=6).records


def test_it_has_every_kind_of_pair_that_must_stay_distinct(made):
    kinds = Counter(pair.kind for pair in made.must_stay_distinct)
    assert kinds[TWINS] >= 10 and kinds[SIBLINGS] >= 50 and kinds[PARENT_CHILD_SAME_NAME] >= 5
    clusters = {record.cluster_id for record in made.records}
    for pair in made.must_stay_distinct:
        assert pair.first != pair.second and {pair.first, pair.second} <= clusters


def test_twins_share_surname_address_and_birth_date_but_not_a_first_name(made):
    people = _originals(made)
    twins = [p for p in made.must_stay_distinct if p.kind == TWINS]
    checked = 0
    for pair in twins:
        one, other = people.get(pair.first), people.get(pair.second)
        if one is None or other is None or one.family_name != other.family_name:
            continue  # a record with noise stood first; the clean one is checked elsewhere
        checked += 1
        assert one.given_names != other.given_names
        assert one.address == other.address and one.postcode == other.postcode
        assert (one.birth_year, one.birth_month) == (other.birth_year, other.birth_month)
    assert checked >= len(twins) // 2


def test_a_parent_and_child_with_the_same_name_are_born_about_25_years_apart(made):
    by_cluster = defaultdict(list)
    for record in made.records:
        by_cluster[record.cluster_id].append(record)
    pairs = [p for p in made.must_stay_distinct if p.kind == PARENT_CHILD_SAME_NAME]
    for pair in pairs:
        names = {(r.given_names, r.family_name) for r in by_cluster[pair.first]}
        names &= {(r.given_names, r.family_name) for r in by_cluster[pair.second]}
        assert names, "parent and child are recorded under the same name at least once"
        parent_year = min(r.birth_year for r in by_cluster[pair.first])
        child_year = min(r.birth_year for r in by_cluster[pair.second])
        assert 22 <= child_year - parent_year <= 32


def test_some_people_are_recorded_again_with_realistic_noise(made):
    by_cluster = defaultdict(list)
    for record in made.records:
        by_cluster[record.cluster_id].append(record)
    duplicated = [records for records in by_cluster.values() if len(records) > 1]
    assert len(duplicated) >= 0.3 * len(by_cluster)
    short_forms = {
        short for names in NICKNAMES.values() for shorts in names.values() for short in shorts
    }
    seen = Counter()
    for records in duplicated:
        first = records[0]
        for other in records[1:]:
            seen["nickname"] += (
                other.given_names in short_forms and first.given_names not in short_forms
            )
            seen["missing day"] += (first.birth_day is None) != (other.birth_day is None)
            seen["hyphenated"] += "-" in other.family_name + first.family_name
            seen["alias"] += bool(other.aliases or first.aliases)
            seen["transposed"] += other.given_names == first.family_name
    assert all(seen[kind] > 0 for kind in ("nickname", "missing day", "hyphenated", "alias"))
    assert seen["transposed"] > 0


def test_identifiers_are_never_real(made):
    nhs_numbers = [r.nhs_number for r in made.records if r.nhs_number]
    assert len(nhs_numbers) > len(made.records) // 3
    for number in nhs_numbers:
        assert number.startswith("999") and nhs_check_digit(number[:9]) == int(number[9])
    upns = [r.upn for r in made.records if r.upn]
    assert upns
    for upn in upns:
        assert upn[1:4] == "000" and upn == upn_with_check_letter(upn[1:])


def test_only_children_of_school_age_have_a_upn(made):
    for record in made.records:
        if record.upn:
            assert 3 <= date(2026, 11, 27).year - record.birth_year <= 19


def test_household_lists_the_other_members_by_name(made):
    names_in = defaultdict(set)
    for record in made.records:
        names_in[made.household_of[record.record_id]].add(
            f"{record.given_names} {record.family_name}"
        )
    namesakes = {
        cluster
        for pair in made.must_stay_distinct
        if pair.kind == PARENT_CHILD_SAME_NAME
        for cluster in (pair.first, pair.second)
    }
    for record in made.records:
        assert set(record.household) <= names_in[made.household_of[record.record_id]]
        if record.cluster_id not in namesakes and not record.aliases:
            assert f"{record.given_names} {record.family_name}" not in record.household
    assert sum(bool(r.household) for r in made.records) > len(made.records) // 2


def test_record_ids_do_not_give_the_people_away(made):
    ids = [record.record_id for record in made.records]
    assert len(set(ids)) == len(ids)
    in_order = [record.cluster_id for record in made.records]
    assert in_order != sorted(in_order)
