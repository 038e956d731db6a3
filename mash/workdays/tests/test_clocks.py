"""Clock rules, durations and the plain-English explanation of a due time."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from mash.workdays.calendar import LONDON, WorkingCalendar
from mash.workdays.clocks import ClockKind, ClockRule, describe_duration, due_time

CAL = WorkingCalendar()
K = ClockKind


def at(y: int, mo: int, d: int, h: int = 0, mi: int = 0) -> datetime:
    return datetime(y, mo, d, h, mi, tzinfo=LONDON)


def rule(kind: ClockKind, amount: int | None, rule_id: str = "TS-2") -> ClockRule:
    return ClockRule(rule_id, kind, amount, "Partner-agency checks (RED)", "004 §4")


@pytest.mark.parametrize(
    ("kind", "amount", "text"),
    [
        (K.WORKING_HOURS, 4, "4 working hours"),
        (K.WORKING_HOURS, 1, "1 working hour"),
        (K.WORKING_DAYS, 1, "1 working day"),
        (K.WORKING_DAYS, 2, "2 working days"),
        (K.ELAPSED_HOURS, 24, "24 hours"),
        (K.WORKING_WEEK_HOURS, 24, "24 hours (working week)"),
        (K.NEXT_WORKING_DAY, None, "next working day"),
        (K.WEEKS, 12, "12 weeks"),
        (K.MONTHS, 3, "3 months"),
        (K.MONTHS, 1, "1 month"),
    ],
)
def test_describe_duration(kind: ClockKind, amount: int | None, text: str) -> None:
    assert describe_duration(rule(kind, amount)) == text


@pytest.mark.parametrize(
    ("kind", "amount"),
    [(K.NEXT_WORKING_DAY, 1), (K.WORKING_HOURS, None), (K.WEEKS, 0), (K.MONTHS, -1)],
)
def test_rule_amount_must_fit_kind(kind: ClockKind, amount: int | None) -> None:
    with pytest.raises(ValueError, match="TS-2"):
        rule(kind, amount)


def test_kind_values_are_stable_strings() -> None:
    assert K("working_week_hours") is K.WORKING_WEEK_HOURS
    assert {k.value for k in K} == {
        "working_hours",
        "working_days",
        "elapsed_hours",
        "working_week_hours",
        "next_working_day",
        "weeks",
        "months",
    }


def test_explanation_of_the_rules_example() -> None:
    due = due_time(rule(K.WORKING_HOURS, 4), at(2026, 12, 4, 15), CAL)
    assert due.due_at == at(2026, 12, 7, 11)
    assert due.rule_id == "TS-2"
    assert due.explanation == (
        "Rule TS-2, Partner-agency checks (RED): 4 working hours. Source: 004 §4.",
        "Received Friday 4 December 2026 at 3pm.",
        "Counting 4 working hours (office hours Monday to Friday 9am to 5pm, "
        "closed on bank holidays).",
        "2 working hours on Friday 4 December (3pm to 5pm); "
        "2 working hours on Monday 7 December (9am to 11am).",
        "Skipped: Saturday 5 and Sunday 6 December (weekend).",
        "Due Monday 7 December 2026 at 11am.",
    )


def test_explanation_names_bank_holidays() -> None:
    lines = due_time(rule(K.WORKING_HOURS, 8, "TS-3"), at(2026, 12, 24, 14), CAL).explanation
    assert (
        "Skipped: Friday 25 December (bank holiday: Christmas Day); Saturday 26 and Sunday 27 "
        "December (weekend); Monday 28 December (bank holiday: Boxing Day, substitute day)."
    ) in lines


def test_explanation_says_when_the_clock_starts_out_of_hours() -> None:
    lines = due_time(rule(K.WORKING_DAYS, 1, "TS-1"), at(2026, 11, 28, 11), CAL).explanation
    assert "Counting 1 working day, that is 8 working hours" in lines[2]
    assert lines[3] == (
        "Received outside office hours, so the clock starts when the office next opens: "
        "Monday 30 November at 9am."
    )
    assert lines[-1] == "Due Monday 30 November 2026 at 5pm."


def test_explanation_of_elapsed_hours_across_a_clock_change() -> None:
    lines = due_time(rule(K.ELAPSED_HOURS, 48, "TS-4"), at(2026, 10, 24, 12), CAL).explanation
    assert (
        "The clocks went back on Sunday 25 October; this clock counts real elapsed time, "
        "so the due time reads 11am rather than midday."
    ) in lines


def test_explanation_of_working_hours_across_a_clock_change() -> None:
    lines = due_time(rule(K.WORKING_HOURS, 4), at(2026, 3, 27, 16), CAL).explanation
    assert any("clocks went forward on Sunday 29 March" in line for line in lines)
    assert any("does not move the due time" in line for line in lines)


def test_explanation_of_working_week_hours() -> None:
    due = due_time(rule(K.WORKING_WEEK_HOURS, 24, "TS-6"), at(2026, 11, 27, 18), CAL)
    assert (
        "6 hours on Friday 27 November (6pm to midnight); "
        "18 hours on Monday 30 November (midnight to 6pm)."
    ) in due.explanation


def test_midnight_due_time_is_named_as_the_end_of_a_day() -> None:
    due = due_time(rule(K.WORKING_WEEK_HOURS, 24, "TS-6"), at(2026, 11, 28, 18), CAL)
    assert due.explanation[-1] == "Due at midnight at the end of Monday 30 November 2026."


def test_explanation_of_next_working_day() -> None:
    due = due_time(rule(K.NEXT_WORKING_DAY, None, "TS-7"), at(2026, 12, 24, 20), CAL)
    assert due.due_at == at(2026, 12, 29, 17)
    assert any("next working day after Thursday 24 December" in line for line in due.explanation)


def test_explanation_of_month_end_clamping() -> None:
    due = due_time(rule(K.MONTHS, 1, "TS-10"), at(2026, 1, 31, 10), CAL)
    assert due.due_at == at(2026, 2, 28, 10)
    assert "February 2026 has no day 31, so the last day of that month is used." in (
        due.explanation
    )


def test_long_spans_are_summarised() -> None:
    due = due_time(rule(K.WORKING_HOURS, 400), at(2026, 11, 30, 10), CAL)
    assert len(due.explanation) <= 7
    assert all(len(line) < 300 for line in due.explanation)
    assert any("over 49 further working days" in line for line in due.explanation)
    assert any("Christmas Day" in line and "New Year" in line for line in due.explanation)


def test_local_closure_is_explained() -> None:
    cal = WorkingCalendar(closures=frozenset({date(2026, 12, 7)}))
    lines = due_time(rule(K.WORKING_HOURS, 4), at(2026, 12, 4, 15), cal).explanation
    assert "closed on bank holidays and local closure days" in lines[2]
    assert any("Monday 7 December (local closure day)" in line for line in lines)
