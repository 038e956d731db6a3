"""Every worked example in docs/domain/scenarios/clocks.yaml ("How clocks count")."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
import yaml

from mash.workdays.calendar import WorkingCalendar
from mash.workdays.clocks import ClockKind, ClockRule, due_time

# A copy of ../shared/domain/scenarios/clocks.yaml kept in the repo so CI needs nothing outside it;
# tests/test_domain_copies.py checks the copy still matches the shared original when present.
SCENARIOS = Path(__file__).resolve().parents[3] / "docs/domain/scenarios/clocks.yaml"
DEFAULT_PROFILE = "northamptonshire"

# RULES.md §2 by (rule id, profile); profile None = the same in every profile.
RULES: dict[tuple[str, str | None], ClockRule] = {
    ("TS-1", "northamptonshire"): ClockRule(
        "TS-1", ClockKind.WORKING_DAYS, 1, "Decision on the type of response", "004 §3"
    ),
    ("TS-1", "rotherham"): ClockRule(
        "TS-1", ClockKind.WORKING_DAYS, 1, "Decision on the type of response", "002"
    ),
    ("TS-1", "calderdale"): ClockRule(
        "TS-1", ClockKind.ELAPSED_HOURS, 24, "Decision on the type of response", "003 §1"
    ),
    ("TS-2", None): ClockRule(
        "TS-2", ClockKind.WORKING_HOURS, 4, "Partner-agency checks (RED)", "004 §4"
    ),
    ("TS-3", None): ClockRule(
        "TS-3", ClockKind.WORKING_HOURS, 8, "Partner-agency checks (AMBER)", "004 §4"
    ),
    ("TS-4", None): ClockRule(
        "TS-4",
        ClockKind.ELAPSED_HOURS,
        48,
        "Written confirmation of a telephone referral",
        "004 §3, 003 §3",
    ),
    ("TS-5", None): ClockRule(
        "TS-5", ClockKind.WORKING_HOURS, 24, "Acknowledgement to the referrer", "004 §3"
    ),
    ("TS-6", None): ClockRule(
        "TS-6", ClockKind.WORKING_WEEK_HOURS, 24, "Domestic-abuse contact reviewed", "002"
    ),
    ("TS-7", None): ClockRule("TS-7", ClockKind.NEXT_WORKING_DAY, None, "MADA meeting", "002"),
}


def _load() -> list[dict[str, Any]]:
    if not SCENARIOS.exists():
        return []
    loaded = yaml.safe_load(SCENARIOS.read_text(encoding="utf-8"))
    assert isinstance(loaded, list)
    return loaded


def _moment(value: object) -> datetime:
    moment = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    assert moment.tzinfo is not None, f"scenario time {value!r} has no UTC offset"
    return moment


def _rule(case: dict[str, Any]) -> ClockRule:
    profile = case.get("profile", DEFAULT_PROFILE)
    rule_id = case["rule"]
    return RULES.get((rule_id, profile)) or RULES[(rule_id, None)]


def _case_id(case: dict[str, Any]) -> str:
    profile = case.get("profile", DEFAULT_PROFILE)
    return f"{case['rule']}-{profile}-from-{_moment(case['received']).isoformat()}"


CASES = _load()


@pytest.mark.skipif(not SCENARIOS.exists(), reason=f"scenario file missing: {SCENARIOS}")
def test_scenario_file_is_not_empty() -> None:
    assert CASES, f"no scenarios in {SCENARIOS}"


@pytest.mark.skipif(not SCENARIOS.exists(), reason=f"scenario file missing: {SCENARIOS}")
@pytest.mark.parametrize("case", CASES, ids=[_case_id(c) for c in CASES])
def test_scenario(case: dict[str, Any]) -> None:
    rule = _rule(case)
    expected = _moment(case["due"])

    due = due_time(rule, _moment(case["received"]), WorkingCalendar())

    assert due.due_at == expected
    # the same wall-clock reading and offset as the worked example, not just the instant
    assert due.due_at.utcoffset() == expected.utcoffset()
    assert due.due_at.replace(tzinfo=None) == expected.replace(tzinfo=None)
    assert due.rule_id == case["rule"]
    assert any(case["rule"] in line for line in due.explanation)
    assert due.explanation[-1].startswith("Due ")
