"""`mash bench matching`: our matcher and Splink on the same records, side by side.

    mash bench matching --dataset febrl4            # link FEBRL4 A to B
    mash bench matching --dataset febrl3            # deduplicate FEBRL3
    mash bench matching --dataset households        # twins, siblings, namesakes (synthetic)
    mash bench matching --dataset csv:people.csv    # deduplicate your own file
    mash bench matching --dataset csv:a.csv,b.csv   # link two files

Each engine's figures are printed as one JSON line, and the LAST line of stdout is one JSON object
with ours at the top level and Splink's under ``splink``. Precision and recall are pairwise: a
pair of records found is right when both records have the same true cluster id. Without a true
cluster id (a CSV file with no cluster_id column) the candidate pairs are printed as CSV (or
written to ``--out``) and the summary has no precision or recall. Progress, Splink's warnings and
``--examples`` go to stderr. The column format for CSV files is in `mash.matching.datasets` and
docs/benchmarks.md.

``matching`` touches no database. ``search`` fills the configured database with a synthetic
population (``--people``, kept between runs) and times perturbed queries through the service the
pages use (`mash.matching.search_bench`); run it on PostgreSQL for a real figure:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/mash_bench mash migrate
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/mash_bench mash bench search --people 1000000
"""

from __future__ import annotations

import csv
import io
import json
import math
import random
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from mash.matching.batch import dedupe_records, link_records
from mash.matching.datasets import (
    DatasetError,
    csv_has_truth,
    load_csv,
    load_febrl3,
    load_febrl4,
)
from mash.matching.engine import POSSIBLE_THRESHOLD, score_pair
from mash.matching.households import DistinctPair, household_set
from mash.matching.records import PersonRecord
from mash.matching.splink_runner import (
    DEFAULT_THRESHOLD,
    Backend,
    SplinkUnavailable,
    splink_dedupe,
    splink_link,
)

ENGINES = ("ours", "splink", "pipeline")
LINK, DEDUPE = "link", "dedupe"


@dataclass
class Workload:
    """The records of one benchmark run, split into one list (dedupe) or two (link)."""

    dataset: str
    mode: str
    lists: list[list[PersonRecord]]
    has_truth: bool
    must_stay_distinct: list[DistinctPair] = field(default_factory=list)

    @property
    def records(self) -> list[PersonRecord]:
        return [record for records in self.lists for record in records]


@dataclass
class EngineRun:
    """What one engine found: pairs (left id, right id, score, probability) and its costs."""

    engine: str
    pairs: list[tuple[str, str, float, float]]
    pairs_scored: int
    seconds: float
    extra: dict[str, Any] = field(default_factory=dict)


class Command(BaseCommand):
    help = (
        "Benchmark the product against a public tool. `bench matching` runs our person matcher "
        "and Splink on the same records and prints precision, recall, F1, time and pairs scored."
    )
    requires_system_checks: list[str] = []  # the bench needs no database or settings checks

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("target", choices=["matching", "search"], help="what to benchmark")
        parser.add_argument(
            "--dataset",
            default="febrl4",
            help="febrl4, febrl3, households, csv:PATH or csv:A,B (default febrl4)",
        )
        parser.add_argument(
            "--mode",
            choices=[LINK, DEDUPE],
            help="link two lists or dedupe one (default: link for febrl4 and two CSV files)",
        )
        parser.add_argument(
            "--engines", default="ours,splink", help="comma-separated: ours, splink (default both)"
        )
        parser.add_argument(
            "--threshold",
            type=float,
            help=f"match probability a pair needs (Splink default {DEFAULT_THRESHOLD}; "
            "ours default: the matcher's own threshold)",
        )
        parser.add_argument(
            "--households", type=int, default=300, help="households in the synthetic set"
        )
        parser.add_argument("--seed", type=int, default=7, help="seed of the synthetic set")
        parser.add_argument(
            "--splink-backend", choices=["duckdb", "spark"], default="duckdb", help="Splink backend"
        )
        parser.add_argument("--out", help="without truth: write the candidate pairs to this CSV")
        parser.add_argument(
            "--people",
            type=int,
            default=1_000_000,
            help="search: synthetic people in the database (loaded once, kept between runs)",
        )
        parser.add_argument(
            "--queries", type=int, default=500, help="search: perturbed queries to time"
        )
        parser.add_argument(
            "--examples",
            type=int,
            default=0,
            help="print this many missed pairs and false matches per engine to stderr",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        targets: dict[str, Callable[[dict[str, Any]], None]] = {
            "matching": self.bench_matching,
            "search": self.bench_search,
        }
        targets[options["target"]](options)

    # matching --------------------------------------------------------------------------------

    def bench_matching(self, options: dict[str, Any]) -> None:
        """Run each engine on the same workload and print its figures, then the summary."""
        engines = _engines(options["engines"])
        threshold = options["threshold"]
        if threshold is not None and not 0 < threshold < 1:
            raise CommandError("--threshold is a match probability, between 0 and 1.")
        workload = self.load(options)
        self.stderr.write(
            f"{workload.dataset}: {workload.mode} over {len(workload.records)} records "
            f"in {len(workload.lists)} list(s)"
        )
        runs: list[EngineRun] = []
        for engine in engines:
            runs.append(self.run_engine(engine, workload, options, runs))
        if not workload.has_truth:
            self.write_pairs(runs, options["out"])
        figures = {}
        for run in runs:
            figures[run.engine] = _figures(workload, run)
            self.stdout.write(json.dumps({"engine": run.engine, **figures[run.engine]}))
            if options["examples"] and workload.has_truth:
                self.stderr.write(_examples(workload, run, options["examples"]))
        self.stdout.write(json.dumps(_summary(workload, figures)))

    def bench_search(self, options: dict[str, Any]) -> None:
        """Online matching at scale: latency and recall of `candidates_for` on the database."""
        from django.db import connection

        from mash.matching import search_bench

        population = search_bench.ensure_population(
            options["people"], log=lambda line: self.stderr.write(line)
        )
        figures = search_bench.run_queries(options["queries"], seed=options["seed"])
        self.stdout.write(
            json.dumps(
                {
                    "benchmark": "online person search",
                    "database": connection.vendor,
                    "people": population.people,
                    "load_seconds": round(population.seconds_to_load, 1),
                    "keys_loaded": population.keys,
                    **asdict(figures),
                }
            )
        )

    def load(self, options: dict[str, Any]) -> Workload:
        try:
            return load_workload(
                options["dataset"],
                options["mode"],
                households=options["households"],
                seed=options["seed"],
            )
        except DatasetError as exc:
            raise CommandError(str(exc)) from exc

    def run_engine(
        self, engine: str, workload: Workload, options: dict[str, Any], done: list[EngineRun]
    ) -> EngineRun:
        self.stderr.write(f"Running {engine}…")
        if engine == "ours":
            return run_ours(workload, options["threshold"])
        if engine == "pipeline":
            earlier = {run.engine: run for run in done}
            ours = earlier.get("ours") or run_ours(workload, options["threshold"])
            splink = earlier.get("splink") or self.run_engine("splink", workload, options, done)
            return run_pipeline(workload, ours, splink)
        try:
            return run_splink(
                workload, options["threshold"] or DEFAULT_THRESHOLD, options["splink_backend"]
            )
        except SplinkUnavailable as exc:
            raise CommandError(str(exc)) from exc

    def write_pairs(self, runs: list[EngineRun], out: str | None) -> None:
        """The candidate pairs as CSV: to --out if given, else to stdout before the figures."""
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(["engine", "left_id", "right_id", "score", "probability"])
        for run in runs:
            for left, right, score, probability in run.pairs:
                writer.writerow([run.engine, left, right, round(score, 3), round(probability, 6)])
        if out:
            Path(out).write_text(buffer.getvalue(), encoding="utf-8")
            self.stderr.write(f"Wrote the candidate pairs to {out}")
        else:
            self.stdout.write(buffer.getvalue(), ending="")


# Loading ------------------------------------------------------------------------------------


def load_workload(
    dataset: str, mode: str | None, *, households: int = 300, seed: int = 7
) -> Workload:
    """The named data set as lists of records, in the mode asked for (or its natural one)."""
    distinct: list[DistinctPair] = []
    if dataset == "febrl4":
        lists, has_truth = list(load_febrl4()), True
    elif dataset == "febrl3":
        lists, has_truth = [load_febrl3()], True
    elif dataset == "households":
        made = household_set(households, seed=seed)
        lists, has_truth, distinct = [made.records], True, made.must_stay_distinct
    elif dataset.startswith("csv:"):
        lists, has_truth = _csv_lists(dataset.removeprefix("csv:"))
    else:
        raise DatasetError(
            f"Unknown dataset {dataset!r}: use febrl4, febrl3, households, csv:PATH or csv:A,B."
        )
    mode = mode or (LINK if len(lists) == 2 else DEDUPE)
    return Workload(dataset, mode, _in_mode(lists, mode, dataset), has_truth, distinct)


def _csv_lists(paths: str) -> tuple[list[list[PersonRecord]], bool]:
    files = [path.strip() for path in paths.split(",") if path.strip()]
    if not 1 <= len(files) <= 2:
        raise DatasetError("csv: takes one file (csv:PATH) or two separated by a comma (csv:A,B).")
    lists = [load_csv(path) for path in files]
    truths = [csv_has_truth(path) for path in files]
    if len(set(truths)) > 1:
        raise DatasetError(
            "Only one of the two files has a cluster_id column: give both files one "
            "(to measure precision and recall) or neither (to list the candidate pairs)."
        )
    return lists, truths[0]


def _in_mode(lists: list[list[PersonRecord]], mode: str, dataset: str) -> list[list[PersonRecord]]:
    if mode == LINK and len(lists) != 2:
        raise DatasetError(
            f"--mode link needs two lists, and {dataset} has one: use --mode dedupe, "
            "or give two CSV files as csv:A,B."
        )
    if mode == DEDUPE and len(lists) == 2:
        together = lists[0] + lists[1]
        repeated = [rid for rid, n in Counter(r.record_id for r in together).items() if n > 1]
        if repeated:
            raise DatasetError(
                f"--mode dedupe puts both lists together, but record id {repeated[0]!r} is in "
                "both: record ids must be unique across the two files."
            )
        return [together]
    return lists


def _engines(text: str) -> list[str]:
    engines = [name.strip() for name in text.split(",") if name.strip()]
    unknown = [name for name in engines if name not in ENGINES]
    if unknown or not engines:
        raise CommandError(f"--engines takes a comma-separated list of: {', '.join(ENGINES)}.")
    return list(dict.fromkeys(engines))


# Engines ------------------------------------------------------------------------------------


def run_ours(workload: Workload, threshold: float | None) -> EngineRun:
    """Our batch matcher; a probability threshold becomes the log2 odds the matcher scores in."""
    cut = None if threshold is None else math.log2(threshold / (1 - threshold))
    started = time.perf_counter()
    if workload.mode == LINK:
        result = link_records(workload.lists[0], workload.lists[1], threshold=cut)
    else:
        result = dedupe_records(workload.lists[0], threshold=cut)
    seconds = time.perf_counter() - started
    pairs = [
        (pair.left_id, pair.right_id, pair.match.score, pair.match.probability)
        for pair in result.pairs
    ]
    return EngineRun("ours", pairs, result.pairs_scored, seconds)


def run_splink(workload: Workload, threshold: float, backend: Backend) -> EngineRun:
    """Splink (model in `mash.matching.splink_runner`) on the same lists."""
    if workload.mode == LINK:
        left, right = workload.lists
        result = splink_link(left, right, threshold=threshold, backend=backend)
    else:
        result = splink_dedupe(workload.lists[0], threshold=threshold, backend=backend)
    pairs = [
        (pair.left_id, pair.right_id, pair.match.score, pair.match.probability)
        for pair in result.pairs
    ]
    extra: dict[str, Any] = {
        "threshold": threshold,
        "training_seconds": round(result.training_seconds, 3),
    }
    if result.model.get("untrained"):
        extra["untrained"] = result.model["untrained"]  # too little data for these steps
    return EngineRun("splink", pairs, result.pairs_scored, result.seconds, extra)


def run_pipeline(workload: Workload, ours: EngineRun, splink: EngineRun) -> EngineRun:
    """The product's duplicate search (`services.find_duplicates`): our matches, plus each
    pair Splink proposes that our matcher rates at least "possibly the same person" (so the
    household guards can still refuse brothers, sisters and twins). Time is both runs plus the
    re-scoring."""
    started = time.perf_counter()
    by_id = {record.record_id: record for record in workload.records}
    pairs = {(left, right): (score, probability) for left, right, score, probability in ours.pairs}
    for left, right, _, probability in splink.pairs:
        if (left, right) in pairs or (right, left) in pairs:
            continue
        match = score_pair(by_id[left], by_id[right])
        if match.score >= POSSIBLE_THRESHOLD:
            pairs[(left, right)] = (match.score, probability)
    seconds = ours.seconds + splink.seconds + time.perf_counter() - started
    found = [
        (left, right, score, probability) for (left, right), (score, probability) in pairs.items()
    ]
    return EngineRun("pipeline", found, ours.pairs_scored + splink.pairs_scored, seconds)


# Figures ------------------------------------------------------------------------------------


def true_pairs(workload: Workload) -> set[tuple[str, str]]:
    """Every pair of records of the same person: across the lists when linking, within when
    deduplicating (ids in sorted order)."""
    if workload.mode == LINK:
        right_by_cluster = _by_cluster(workload.lists[1])
        return {
            (left.record_id, right)
            for left in workload.lists[0]
            if left.cluster_id
            for right in right_by_cluster.get(left.cluster_id, [])
        }
    pairs: set[tuple[str, str]] = set()
    for ids in _by_cluster(workload.lists[0]).values():
        ordered = sorted(ids)
        pairs.update(
            (first, second) for i, first in enumerate(ordered) for second in ordered[i + 1 :]
        )
    return pairs


def found_pairs(workload: Workload, run: EngineRun) -> set[tuple[str, str]]:
    if workload.mode == LINK:
        return {(left, right) for left, right, _, _ in run.pairs}
    return {(min(left, right), max(left, right)) for left, right, _, _ in run.pairs}


def _by_cluster(records: Iterable[PersonRecord]) -> dict[str, list[str]]:
    clusters: dict[str, list[str]] = defaultdict(list)
    for record in records:
        if record.cluster_id:
            clusters[record.cluster_id].append(record.record_id)
    return clusters


def _figures(workload: Workload, run: EngineRun) -> dict[str, Any]:
    figures: dict[str, Any] = {
        "dataset": workload.dataset,
        "mode": workload.mode,
        "records": len(workload.records),
    }
    found = found_pairs(workload, run)
    if workload.has_truth:
        figures.update(_accuracy(true_pairs(workload), found))
    figures.update(
        {
            "seconds": round(run.seconds, 3),
            "pairs_scored": run.pairs_scored,
            "pairs_found": len(found),
            **run.extra,
        }
    )
    if workload.must_stay_distinct:
        figures.update(household_merges(workload, found))
    return figures


def _accuracy(truth: set[tuple[str, str]], found: set[tuple[str, str]]) -> dict[str, Any]:
    right = len(truth & found)
    precision = right / len(found) if found else None
    recall = right / len(truth) if truth else None
    f1 = (
        2 * precision * recall / (precision + recall)
        if precision is not None and recall is not None and precision + recall
        else None
    )
    return {
        "precision": _round(precision),
        "recall": _round(recall),
        "f1": _round(f1),
        "true_pairs": len(truth),
        "true_positives": right,
        "false_positives": len(found) - right,
        "false_negatives": len(truth) - right,
    }


def household_merges(workload: Workload, found: set[tuple[str, str]]) -> dict[str, Any]:
    """How many of the people who must stay distinct (twins, siblings, a parent and a child of
    the same name) were wrongly merged: a pair of people counts once, however many of their
    records were paired."""
    cluster = {record.record_id: record.cluster_id for record in workload.records}
    kind_of = {frozenset((p.first, p.second)): p.kind for p in workload.must_stay_distinct}
    merged = {
        people: kind_of[people]
        for left, right in found
        if (people := frozenset((cluster[left], cluster[right]))) in kind_of
    }
    by_kind = Counter(merged.values())
    return {
        "false_household_merges": len(merged),
        "false_household_merges_by_kind": {
            kind: by_kind.get(kind, 0) for kind in sorted(set(kind_of.values()))
        },
        "must_stay_distinct": len(kind_of),
    }


def _summary(workload: Workload, figures: dict[str, dict[str, Any]]) -> dict[str, Any]:
    summary: dict[str, Any] = {
        "dataset": workload.dataset,
        "mode": workload.mode,
        "records": len(workload.records),
    }
    if "ours" in figures:
        summary.update(figures["ours"])
    for engine, values in figures.items():
        if engine != "ours":
            summary[engine] = {k: v for k, v in values.items() if k not in summary or k in _OWN}
    return summary


_OWN = {  # figures that belong to each engine (the rest describe the workload, said once)
    "precision",
    "recall",
    "f1",
    "true_positives",
    "false_positives",
    "false_negatives",
    "seconds",
    "pairs_scored",
    "pairs_found",
    "false_household_merges",
    "false_household_merges_by_kind",
}


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


# Examples, for diagnosis ------------------------------------------------------------------------


def _examples(workload: Workload, run: EngineRun, count: int) -> str:
    """A seeded sample of the pairs an engine missed and of those it wrongly found."""
    by_id = {record.record_id: record for record in workload.records}
    found = found_pairs(workload, run)
    scores = {(left, right): score for left, right, score, _ in run.pairs}
    scores.update({(right, left): score for left, right, score, _ in run.pairs})
    truth = true_pairs(workload)
    rng = random.Random(0)  # noqa: S311 - sampling for display, not security  # nosec B311
    lines = []
    for title, pairs in (("missed", truth - found), ("wrongly found", found - truth)):
        chosen = sorted(pairs)
        chosen = rng.sample(chosen, min(count, len(chosen)))
        lines.append(f"--- {run.engine}: {len(pairs)} pairs {title}; {len(chosen)} of them:")
        for left, right in sorted(chosen):
            score = scores.get((left, right))
            lines.append(f"  score {score:.1f}" if score is not None else "  (not found)")
            lines += [f"    {_describe(by_id[left])}", f"    {_describe(by_id[right])}"]
    return "\n".join(lines)


def _describe(record: PersonRecord) -> str:
    born = "-".join(
        "??" if part is None else str(part)
        for part in (record.birth_year, record.birth_month, record.birth_day)
    )
    parts = [
        record.record_id,
        f"{record.given_names} {record.family_name}".strip(),
        f"aka {'; '.join(record.aliases)}" if record.aliases else "",
        record.sex,
        born,
        record.address,
        record.postcode,
        f"nhs {record.nhs_number}" if record.nhs_number else "",
        f"id {record.other_id}" if record.other_id else "",
        f"with {', '.join(record.household)}" if record.household else "",
        f"[{record.cluster_id}]",
    ]
    return " | ".join(part for part in parts if part)
