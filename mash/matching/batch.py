"""The product's matcher over whole lists of records: linking two lists, or finding duplicates.

Candidate pairs come from the blocking keys (`keys`), exactly as the online search finds them,
so the benchmark measures the same matcher a practitioner uses. Very common keys (thousands of
"Jack Smith"s with no date of birth) are skipped as a block: they would add pairs without adding
information, and the dated keys still find the real matches.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from mash.matching.engine import MATCH_THRESHOLD, Match, score_pair
from mash.matching.keys import query_keys, stored_keys
from mash.matching.records import PersonRecord

LARGEST_BLOCK = 500


@dataclass(frozen=True)
class ScoredPair:
    """Two records the matcher compared, and its verdict."""

    left_id: str
    right_id: str
    match: Match


@dataclass(frozen=True)
class BatchResult:
    """The pairs judged to be the same person, and how much work it took to find them."""

    pairs: list[ScoredPair]
    pairs_scored: int


def link_records(
    left: list[PersonRecord], right: list[PersonRecord], *, threshold: float | None = None
) -> BatchResult:
    """Pairs of one record from each list that are likely the same person."""
    index = _index(right)
    by_id = {record.record_id: record for record in right}
    pairs = ((record, by_id[other]) for record in left for other in _candidates(record, index))
    return _score(pairs, threshold)


def dedupe_records(records: list[PersonRecord], *, threshold: float | None = None) -> BatchResult:
    """Pairs within one list that are likely the same person (each pair once)."""
    index = _index(records)
    by_id = {record.record_id: record for record in records}
    # Looked up from both sides: a query tries mistakes in its own details only, so a pair may
    # be found from one record and not the other.
    found = {
        tuple(sorted((record.record_id, other)))
        for record in records
        for other in _candidates(record, index)
    }
    pairs = ((by_id[one], by_id[other]) for one, other in sorted(found))
    return _score(pairs, threshold)


def _index(records: Iterable[PersonRecord]) -> dict[str, list[str]]:
    index: dict[str, list[str]] = defaultdict(list)
    for record in records:
        for key in stored_keys(record):
            index[key].append(record.record_id)
    return index


def _candidates(record: PersonRecord, index: dict[str, list[str]]) -> set[str]:
    found: set[str] = set()
    for key in query_keys(record):
        block = index.get(key)
        if block and len(block) <= LARGEST_BLOCK:
            found.update(block)
    found.discard(record.record_id)
    return found


def _score(
    pairs: Iterable[tuple[PersonRecord, PersonRecord]], threshold: float | None
) -> BatchResult:
    cut = MATCH_THRESHOLD if threshold is None else threshold
    scored = 0
    kept: list[ScoredPair] = []
    for left, right in pairs:
        scored += 1
        match = score_pair(left, right)
        if match.score >= cut:
            kept.append(ScoredPair(left.record_id, right.record_id, match))
    return BatchResult(pairs=kept, pairs_scored=scored)
