"""`mash bench matching`: both engines on the same records, one JSON summary on the last line."""

import csv
import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from mash.matching.households import PARENT_CHILD_SAME_NAME, SIBLINGS, TWINS, DistinctPair
from mash.matching.management.commands.bench import (
    EngineRun,
    Workload,
    found_pairs,
    household_merges,
    true_pairs,
)
from mash.matching.records import PersonRecord

SAMPLE = Path(__file__).parent / "data" / "household_sample.csv"
FIGURES = {"precision", "recall", "f1", "seconds", "pairs_scored"}


def bench(*args):
    out, err = StringIO(), StringIO()
    call_command("bench", "matching", *args, stdout=out, stderr=err)
    return out.getvalue().splitlines(), err.getvalue()


def test_households_with_both_engines_ends_with_one_json_summary():
    lines, err = bench("--dataset", "households", "--households", "50", "--examples", "2")
    ours, splink, summary = (json.loads(line) for line in lines)
    assert (ours["engine"], splink["engine"]) == ("ours", "splink")
    assert summary["dataset"] == "households" and summary["mode"] == "dedupe"
    assert summary["records"] == ours["records"] > 200
    assert summary.keys() >= FIGURES and summary["splink"].keys() >= FIGURES
    for figures in (summary, summary["splink"]):
        assert 0 <= figures["precision"] <= 1 and 0 <= figures["recall"] <= 1
        assert figures["pairs_scored"] >= figures["pairs_found"] > 0
        assert figures["seconds"] > 0
        merges = figures["false_household_merges"]
        assert merges == sum(figures["false_household_merges_by_kind"].values())
        assert set(figures["false_household_merges_by_kind"]) == {
            TWINS,
            SIBLINGS,
            PARENT_CHILD_SAME_NAME,
        }
    assert summary["must_stay_distinct"] > 0
    assert {k: summary[k] for k in FIGURES} == {k: ours[k] for k in FIGURES}
    assert summary["splink"]["threshold"] == 0.9
    assert "pairs missed" in err  # --examples go to stderr, never to stdout


def test_a_csv_with_truth_is_measured_like_febrl():
    lines, _ = bench("--dataset", f"csv:{SAMPLE}", "--engines", "ours")
    summary = json.loads(lines[-1])
    assert summary["records"] == 14 and summary["mode"] == "dedupe"
    assert summary["true_pairs"] == 6
    assert summary.keys() >= FIGURES
    assert "splink" not in summary


def test_two_csv_files_are_linked(tmp_path):
    left, right = _split(tmp_path, SAMPLE)
    lines, _ = bench("--dataset", f"csv:{left},{right}", "--engines", "ours")
    summary = json.loads(lines[-1])
    assert summary["mode"] == "link" and summary["records"] == 14
    assert summary["true_pairs"] == 6  # each of r09-r14 has its original in the first file


def test_two_csv_files_can_be_deduplicated_together(tmp_path):
    left, right = _split(tmp_path, SAMPLE)
    lines, _ = bench("--dataset", f"csv:{left},{right}", "--mode", "dedupe", "--engines", "ours")
    assert json.loads(lines[-1])["true_pairs"] == 6


def test_without_truth_the_candidate_pairs_are_printed_then_the_summary(tmp_path):
    path = _without_truth(tmp_path, SAMPLE)
    lines, _ = bench("--dataset", f"csv:{path}", "--engines", "ours")
    summary = json.loads(lines[-1])
    assert "precision" not in summary and "recall" not in summary
    assert {"seconds", "pairs_scored", "pairs_found", "records"} <= summary.keys()
    first_json = next(n for n, line in enumerate(lines) if line.startswith("{"))
    rows = list(csv.DictReader(lines[:first_json]))
    assert len(rows) == summary["pairs_found"] > 0
    assert set(rows[0]) == {"engine", "left_id", "right_id", "score", "probability"}


def test_without_truth_the_pairs_can_go_to_a_file(tmp_path):
    path = _without_truth(tmp_path, SAMPLE)
    out = tmp_path / "pairs.csv"
    lines, _ = bench("--dataset", f"csv:{path}", "--engines", "ours", "--out", str(out))
    assert all(line.startswith("{") for line in lines)
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert len(rows) == json.loads(lines[-1])["pairs_found"]


def test_a_threshold_is_a_probability_for_both_engines():
    lines, _ = bench("--dataset", f"csv:{SAMPLE}", "--engines", "ours", "--threshold", "0.5")
    loose = json.loads(lines[-1])
    lines, _ = bench("--dataset", f"csv:{SAMPLE}", "--engines", "ours", "--threshold", "0.9999999")
    strict = json.loads(lines[-1])
    assert strict["pairs_found"] <= loose["pairs_found"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--dataset", "households", "--households", "5", "--mode", "link"], "needs two lists"),
        (["--dataset", "febrl5"], "Unknown dataset 'febrl5'"),
        (["--dataset", "csv:a.csv,b.csv,c.csv"], "one file"),
        (["--dataset", "csv:/no/such/file.csv"], "there is no such file"),
        (["--engines", "ours,dedupe"], "--engines takes"),
        (["--threshold", "12"], "between 0 and 1"),
    ],
)
def test_bad_options_are_plain_errors(args, message):
    with pytest.raises(CommandError, match=message):
        bench(*args)


def test_truth_in_only_one_of_two_files_is_an_error(tmp_path):
    left, _ = _split(tmp_path, SAMPLE)
    with pytest.raises(CommandError, match="Only one of the two files"):
        bench("--dataset", f"csv:{left},{_without_truth(tmp_path, SAMPLE)}", "--engines", "ours")


# The measures themselves, on records small enough to count by hand ----------------------------


def _record(record_id, cluster_id):
    return PersonRecord(record_id, cluster_id=cluster_id)


def test_true_pairs_within_one_list_and_across_two():
    a1, a2, a3, b1 = _record("a1", "x"), _record("a2", "x"), _record("a3", "x"), _record("b1", "y")
    dedupe = Workload("t", "dedupe", [[a3, a1, b1, a2]], True)
    assert true_pairs(dedupe) == {("a1", "a2"), ("a1", "a3"), ("a2", "a3")}
    link = Workload("t", "link", [[a1, b1], [a2, a3]], True)
    assert true_pairs(link) == {("a1", "a2"), ("a1", "a3")}


def test_found_pairs_ignore_order_when_deduplicating():
    workload = Workload("t", "dedupe", [[_record("a", "x"), _record("b", "x")]], True)
    run = EngineRun("ours", [("b", "a", 20.0, 1.0), ("a", "b", 20.0, 1.0)], 1, 0.1)
    assert found_pairs(workload, run) == {("a", "b")}


def test_a_household_merge_counts_each_pair_of_people_once():
    records = [_record("t1", "twin-1"), _record("t1b", "twin-1"), _record("t2", "twin-2")]
    records.append(_record("s1", "sib"))
    distinct = [DistinctPair("twin-1", "twin-2", TWINS), DistinctPair("twin-1", "sib", SIBLINGS)]
    workload = Workload("households", "dedupe", [records], True, distinct)
    merged = household_merges(workload, {("t1", "t2"), ("t1b", "t2"), ("t1", "t1b")})
    assert merged["false_household_merges"] == 1
    assert merged["false_household_merges_by_kind"] == {SIBLINGS: 0, TWINS: 1}
    assert merged["must_stay_distinct"] == 2


def _split(folder, source):
    """The sample as two files: the first eight rows, and the duplicates r09-r14."""
    with source.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    paths = []
    for name, part in (("left.csv", rows[:8]), ("right.csv", rows[8:])):
        path = folder / name
        with path.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
            writer.writeheader()
            writer.writerows(part)
        paths.append(path)
    return paths


def _without_truth(folder, source):
    with source.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    path = folder / "no_truth.csv"
    fields = [name for name in rows[0] if name != "cluster_id"]
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=fields, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
    return path
