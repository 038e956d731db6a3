"""Splink on the same records as our matcher, so the benchmark compares them side by side.

The model follows Splink's own FEBRL4 and FEBRL3 examples (``docs/demos/examples/duckdb`` in the
Splink repository), mapped onto `PersonRecord`:

- comparisons: ``NameComparison`` on the first given name and on the surname (with term-frequency
  adjustments), ``DateOfBirthComparison`` on the full date of birth, Damerau-Levenshtein at 1
  and 2 on ``other_id`` (FEBRL's social security number) and on the NHS number, exact match on
  the street number (term frequencies), Damerau-Levenshtein at 1 and 2 on the postcode (term
  frequencies), and exact match on sex. A comparison is left out when its column is empty in
  every record (FEBRL has no NHS numbers or sex; our synthetic households have no ``other_id``).
- blocking rules for prediction: given name and surname; given name and surname swapped; date
  of birth; ``other_id``; NHS number; street number and street; postcode.
- training: the probability that two random records match is estimated from deterministic rules
  (same ``other_id``; same NHS number; same given name, surname and date of birth) at an
  assumed recall of 0.8 for linking and 0.9 for deduplication, as in the two examples; u by
  random sampling of 1,000,000 pairs with a fixed seed; m by expectation maximisation blocked
  on date of birth and then on postcode, without term frequencies.
- a pair is a match when Splink's match probability is at least `DEFAULT_THRESHOLD` (0.9, i.e.
  a match weight of about 3.2). Splink's examples explore thresholds from 0.2 to 0.99; 0.9 is
  a common operating point, and the benchmark can change it with ``--threshold``.

Splink logs to stderr at WARNING and above only; nothing is written to stdout, so the
benchmark's last line of output stays its JSON summary. ``backend="spark"`` runs the same model
on Splink's Spark backend, and needs ``pyspark`` (not a dependency of this project).
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import Any, Literal

from mash.matching.records import PersonRecord

DEFAULT_THRESHOLD = 0.9
DEFAULT_SEED = 42
U_SAMPLE_PAIRS = 1e6
DEFAULT_PRIOR = 0.0001  # Splink's own default probability that two random records match
Backend = Literal["duckdb", "spark"]
LinkType = Literal["link_only", "dedupe_only"]

_STREET_NUMBER = re.compile(r"^(\d+[a-z]?)\s+(.*)$", re.IGNORECASE)


class SplinkUnavailable(RuntimeError):
    """The Splink backend asked for cannot run here (e.g. Spark without pyspark)."""


@dataclass(frozen=True)
class SplinkMatch:
    """Splink's verdict on one pair: log2 odds (Splink's match weight) and probability."""

    score: float
    probability: float


@dataclass(frozen=True)
class SplinkPair:
    """A pair Splink judges to be the same person; left is from the first list when linking."""

    left_id: str
    right_id: str
    match: SplinkMatch


@dataclass
class SplinkResult:
    """Splink's matches, how many pairs it compared, and how long the whole run took."""

    pairs: list[SplinkPair]
    pairs_scored: int
    seconds: float
    threshold: float
    training_seconds: float = 0.0
    model: dict[str, Any] = field(default_factory=dict)


def splink_link(
    left: Sequence[PersonRecord],
    right: Sequence[PersonRecord],
    *,
    threshold: float = DEFAULT_THRESHOLD,
    seed: int = DEFAULT_SEED,
    backend: Backend = "duckdb",
) -> SplinkResult:
    """Link two lists with Splink (``link_only``); pairs are (left record, right record)."""
    return _run([list(left), list(right)], "link_only", threshold, seed, backend)


def splink_dedupe(
    records: Sequence[PersonRecord],
    *,
    threshold: float = DEFAULT_THRESHOLD,
    seed: int = DEFAULT_SEED,
    backend: Backend = "duckdb",
) -> SplinkResult:
    """Find duplicates within one list with Splink (``dedupe_only``)."""
    return _run([list(records)], "dedupe_only", threshold, seed, backend)


# The run ------------------------------------------------------------------------------------


def _run(
    tables: list[list[PersonRecord]],
    link_type: LinkType,
    threshold: float,
    seed: int,
    backend: Backend,
) -> SplinkResult:
    started = time.perf_counter()
    with contextlib.redirect_stdout(sys.stderr):
        db_api = _database_api(backend)
        rows = [splink_rows(records) for records in tables]
        present = _columns_with_data(rows)
        inputs = [
            db_api.register(table, dataset_display_name=name)
            for table, name in zip(rows, ("records_left", "records_right"), strict=False)
        ]
        linker, untrained = _trained_linker(inputs, link_type, present, seed, backend)
        trained = time.perf_counter()
        predictions = linker.inference.predict()
        pairs_scored = _count(predictions)
        pairs = _pairs_at(predictions, threshold, link_type)
    return SplinkResult(
        pairs=pairs,
        pairs_scored=pairs_scored,
        seconds=time.perf_counter() - started,
        threshold=threshold,
        training_seconds=trained - started,
        model={
            "columns": sorted(present),
            "seed": seed,
            "backend": backend,
            "untrained": untrained,
        },
    )


def _database_api(backend: Backend) -> Any:
    if backend == "duckdb":
        import duckdb
        from splink import DuckDBAPI

        connection = duckdb.connect()
        connection.execute("SET enable_progress_bar = false")
        return DuckDBAPI(connection=connection)
    if backend == "spark":
        return _spark_api()
    raise SplinkUnavailable(f"Unknown Splink backend {backend!r}: use 'duckdb' or 'spark'.")


def _spark_api() -> Any:
    try:
        from pyspark.sql import SparkSession
    except ImportError as exc:
        raise SplinkUnavailable(
            "Splink's Spark backend needs pyspark, which is not installed here. Install pyspark "
            "(and a Java runtime) to use backend='spark', or use backend='duckdb'."
        ) from exc
    from splink import SparkAPI
    from splink.backends.spark import similarity_jar_location

    # Splink's string similarity functions (Jaro-Winkler and others) are a Scala jar it ships.
    session = (
        SparkSession.builder.appName("mash-matching")
        .config("spark.jars", similarity_jar_location())
        .getOrCreate()
    )
    # Splink breaks Spark's query lineage with checkpoints, which need a directory: on a
    # cluster, point MASH_SPARK_CHECKPOINT_DIR at shared storage (HDFS, S3).
    checkpoints = os.environ.get("MASH_SPARK_CHECKPOINT_DIR") or tempfile.mkdtemp(
        prefix="mash-splink-"
    )
    session.sparkContext.setCheckpointDir(checkpoints)
    return SparkAPI(spark_session=session)


def _trained_linker(
    inputs: list[Any], link_type: LinkType, present: set[str], seed: int, backend: Backend
) -> tuple[Any, list[str]]:
    """A Splink linker trained as in Splink's FEBRL examples, and the steps it could not train."""
    from splink import Linker, SettingsCreator

    settings = SettingsCreator(
        unique_id_column_name="record_id",
        link_type=link_type,
        blocking_rules_to_generate_predictions=_prediction_rules(present),
        comparisons=_comparisons(present, backend),
        retain_intermediate_calculation_columns=False,
        retain_matching_columns=False,
    )
    linker = Linker(inputs if len(inputs) > 1 else inputs[0], settings, log_level=logging.WARNING)
    untrained = []
    for step, train in _training_steps(linker.training, link_type, present, seed):
        trained = _trained(step, train)
        if not (_prior_usable(linker) and trained):
            untrained.append(step)
    return linker, untrained


def _training_steps(
    training: Any, link_type: LinkType, present: set[str], seed: int
) -> list[tuple[str, Callable[[], object]]]:
    from splink import block_on

    recall = 0.8 if link_type == "link_only" else 0.9
    steps: list[tuple[str, Callable[[], object]]] = [
        (
            "probability two random records match",
            partial(
                training.estimate_probability_two_random_records_match,
                _deterministic_rules(present),
                recall=recall,
            ),
        ),
        (
            "u by random sampling",
            partial(training.estimate_u_using_random_sampling, max_pairs=U_SAMPLE_PAIRS, seed=seed),
        ),
    ]
    for column in ("dob", "postcode"):
        if column in present:
            em = partial(
                training.estimate_parameters_using_expectation_maximisation,
                block_on(column),
                estimate_without_term_frequencies=True,
            )
            steps.append((f"m by expectation maximisation blocked on {column}", em))
    return steps


def _trained(step: str, train: Callable[[], object]) -> bool:
    """Run one training step; on data too small to train it, say so and carry on.

    Splink cannot estimate a level's m value when no pair in the training block reaches it (it
    raises on the zero), which happens on small files; predictions then use Splink's defaults.
    """
    from splink.internals.exceptions import SplinkException

    try:
        train()
    except (ValueError, SplinkException) as exc:
        logging.getLogger("splink").warning("Splink could not train %s: %s", step, exc)
        return False
    return True


def _prior_usable(linker: Any) -> bool:
    """Whether the prior is usable; if not, it is put back to Splink's default.

    When no pair meets a deterministic rule (a small file) Splink estimates a prior of zero, and
    every later step would then fail. Splink keeps the prior only on its settings object.
    """
    settings = linker._settings_obj
    if 0 < settings._probability_two_random_records_match < 1:
        return True
    settings._probability_two_random_records_match = DEFAULT_PRIOR
    return False


# The model ----------------------------------------------------------------------------------


# Dates of birth are ISO strings; each engine spells the pattern its own way.
_DATE_FORMAT = {"duckdb": "%Y-%m-%d", "spark": "yyyy-MM-dd"}


def _comparisons(present: set[str], backend: Backend = "duckdb") -> list[Any]:
    import splink.comparison_library as cl

    makers: dict[str, Callable[[], Any]] = {
        "given_name": lambda: cl.NameComparison("given_name").configure(
            term_frequency_adjustments=True
        ),
        "surname": lambda: cl.NameComparison("surname").configure(term_frequency_adjustments=True),
        "dob": lambda: cl.DateOfBirthComparison(
            "dob",
            input_is_string=True,
            datetime_format=_DATE_FORMAT[backend],
            invalid_dates_as_null=True,
        ),
        "other_id": lambda: cl.DamerauLevenshteinAtThresholds("other_id", [1, 2]),
        "nhs_number": lambda: cl.DamerauLevenshteinAtThresholds("nhs_number", [1, 2]),
        "street_number": lambda: cl.ExactMatch("street_number").configure(
            term_frequency_adjustments=True
        ),
        "postcode": lambda: cl.DamerauLevenshteinAtThresholds("postcode", [1, 2]).configure(
            term_frequency_adjustments=True
        ),
        "sex": lambda: cl.ExactMatch("sex"),
    }
    return [make() for column, make in makers.items() if column in present]


def _prediction_rules(present: set[str]) -> list[Any]:
    from splink import block_on

    rules: list[Any] = []
    if {"given_name", "surname"} <= present:
        rules.append(block_on("given_name", "surname"))
        rules.append("l.given_name = r.surname and l.surname = r.given_name")
    rules += [block_on(column) for column in ("dob", "other_id", "nhs_number") if column in present]
    if {"street_number", "street"} <= present:
        rules.append(block_on("street_number", "street"))
    if "postcode" in present:
        rules.append(block_on("postcode"))
    return rules


def _deterministic_rules(present: set[str]) -> list[Any]:
    from splink import block_on

    rules = [block_on(column) for column in ("other_id", "nhs_number") if column in present]
    if {"given_name", "surname", "dob"} <= present:
        rules.append(block_on("given_name", "surname", "dob"))
    return rules


# Records as Splink rows -----------------------------------------------------------------------

_COLUMNS = (
    "given_name",
    "surname",
    "dob",
    "sex",
    "street_number",
    "street",
    "postcode",
    "other_id",
    "nhs_number",
)


def splink_rows(records: Sequence[PersonRecord]) -> dict[str, list[str | None]]:
    """Records as Splink's input columns, lightly cleaned as a Splink user would (lower case,
    postcode without spaces, empty as null); a date of birth is used only when complete."""
    rows: dict[str, list[str | None]] = {name: [] for name in ("record_id", *_COLUMNS)}
    for record in records:
        number, street = _street(record.address)
        values = {
            "record_id": record.record_id,
            "given_name": _first_word(record.given_names),
            "surname": record.family_name.strip().lower(),
            "dob": _iso_birth(record),
            "sex": record.sex,
            "street_number": number,
            "street": street,
            "postcode": re.sub(r"\s+", "", record.postcode).upper(),
            "other_id": record.other_id.strip(),
            "nhs_number": record.nhs_number.strip(),
        }
        for name, value in values.items():
            rows[name].append(value or None)
    return rows


def _columns_with_data(tables: list[dict[str, list[str | None]]]) -> set[str]:
    return {
        name
        for name in _COLUMNS
        if any(value is not None for table in tables for value in table[name])
    }


def _first_word(text: str) -> str:
    words = text.strip().lower().split()
    return words[0] if words else ""


def _iso_birth(record: PersonRecord) -> str:
    if None in (record.birth_year, record.birth_month, record.birth_day):
        return ""
    return f"{record.birth_year:04d}-{record.birth_month:02d}-{record.birth_day:02d}"


def _street(address: str) -> tuple[str, str]:
    """Street number and street name from the first part of a one-line address."""
    first = address.split(",", 1)[0].strip().lower()
    found = _STREET_NUMBER.match(first)
    if not found:
        return "", first
    return found.group(1), found.group(2).strip()


# Reading the predictions ------------------------------------------------------------------------


def _count(predictions: Any) -> int:
    return int(predictions.query_sql("select count(*) as n from {this}").as_record_list()[0]["n"])


def _pairs_at(predictions: Any, threshold: float, link_type: str) -> list[SplinkPair]:
    source = "source_dataset_l, " if link_type == "link_only" else ""
    # The only value put into the SQL is a float, so nothing can be injected.
    chosen = predictions.query_sql(
        f"select {source}record_id_l, record_id_r, match_weight, match_probability "  # noqa: S608  # nosec B608
        f"from {{this}} where match_probability >= {float(threshold)!r}"
    )
    pairs = []
    for row in chosen.as_record_list():
        left, right = str(row["record_id_l"]), str(row["record_id_r"])
        if row.get("source_dataset_l") == "records_right":
            left, right = right, left
        match = SplinkMatch(float(row["match_weight"]), float(row["match_probability"]))
        pairs.append(SplinkPair(left, right, match))
    pairs.sort(key=lambda pair: (pair.left_id, pair.right_id))
    return pairs
