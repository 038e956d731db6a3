"""Clock rules (RULES.md §2, TS-1 to TS-12) and explained due times.

A ``ClockRule`` says what a timescale counts ("4 working hours", "next working day");
``due_time`` applies it to the moment something was received and returns the due time with
plain-English lines a social worker can read: which rule, its source, and the arithmetic
actually done. Pure Python (no Django).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum

from mash.workdays.calendar import (
    WorkingCalendar,
    add_elapsed_hours,
    add_months,
    add_weeks,
    add_working_days,
    add_working_hours,
    add_working_week_hours,
    clock_start,
    close_of_next_working_day,
    iter_office_segments,
    iter_working_week_segments,
    working_week_start,
)
from mash.workdays.text import (
    MONTH_NAMES,
    format_date,
    format_day,
    format_days,
    format_duration,
    format_moment,
    format_time,
    format_weekdays,
    plural,
)

__all__ = ["ClockKind", "ClockRule", "Due", "compute_due_at", "describe_duration", "due_time"]

# Beyond this many days a day-by-day account stops being readable; it is summarised.
_MAX_LISTED = 6


class ClockKind(StrEnum):
    """How a timescale counts (RULES.md "How clocks count")."""

    WORKING_HOURS = "working_hours"
    WORKING_DAYS = "working_days"
    ELAPSED_HOURS = "elapsed_hours"
    WORKING_WEEK_HOURS = "working_week_hours"
    NEXT_WORKING_DAY = "next_working_day"
    WEEKS = "weeks"
    MONTHS = "months"


@dataclass(frozen=True)
class ClockRule:
    """One timescale of a policy profile, e.g. TS-2 "4 working hours" (Northamptonshire).

    ``amount`` is a positive whole number of the kind's unit, and None only for
    NEXT_WORKING_DAY, which has no amount.
    """

    rule_id: str
    kind: ClockKind
    amount: int | None
    label: str
    source: str

    def __post_init__(self) -> None:
        """Reject a rule whose amount does not fit its kind."""
        if self.kind is ClockKind.NEXT_WORKING_DAY:
            if self.amount is not None:
                raise ValueError(f"{self.rule_id}: 'next working day' takes no amount")
        elif self.amount is None or self.amount <= 0:
            raise ValueError(f"{self.rule_id}: {self.kind} needs a positive amount")

    @property
    def count(self) -> int:
        """The amount, for kinds that have one (all but NEXT_WORKING_DAY)."""
        if self.amount is None:
            raise ValueError(f"{self.rule_id}: {self.kind} has no amount")
        return self.amount


@dataclass(frozen=True)
class Due:
    """When a clock falls due, which rule set it, and why (one readable line per step)."""

    due_at: datetime
    rule_id: str
    explanation: tuple[str, ...]


def describe_duration(rule: ClockRule) -> str:
    """The rule's duration as RULES.md words it: '4 working hours', '24 hours (working week)'."""
    if rule.kind is ClockKind.NEXT_WORKING_DAY:
        return "next working day"
    unit = {
        ClockKind.WORKING_HOURS: "working hour",
        ClockKind.WORKING_DAYS: "working day",
        ClockKind.ELAPSED_HOURS: "hour",
        ClockKind.WORKING_WEEK_HOURS: "hour",
        ClockKind.WEEKS: "week",
        ClockKind.MONTHS: "month",
    }[rule.kind]
    text = plural(rule.count, unit)
    return f"{text} (working week)" if rule.kind is ClockKind.WORKING_WEEK_HOURS else text


def compute_due_at(rule: ClockRule, received_at: datetime, cal: WorkingCalendar) -> datetime:
    """The due time alone (as ``due_time(...).due_at``) when no explanation is needed."""
    kind = rule.kind
    if kind is ClockKind.NEXT_WORKING_DAY:
        return close_of_next_working_day(received_at, cal)
    if kind is ClockKind.ELAPSED_HOURS:
        return add_elapsed_hours(received_at, rule.count, cal.tz)
    adders: dict[ClockKind, Callable[[datetime, int, WorkingCalendar], datetime]] = {
        ClockKind.WORKING_HOURS: add_working_hours,
        ClockKind.WORKING_DAYS: add_working_days,
        ClockKind.WORKING_WEEK_HOURS: add_working_week_hours,
        ClockKind.WEEKS: add_weeks,
        ClockKind.MONTHS: add_months,
    }
    return adders[kind](received_at, rule.count, cal)


def due_time(rule: ClockRule, received_at: datetime, cal: WorkingCalendar) -> Due:
    """Apply ``rule`` to the moment received and explain the result in plain English.

    The lines say which rule and source applies, when it was received, how the clock
    counts, the office time used day by day, the days skipped (weekends, bank holidays by
    name, closures), any clock change, and the due time. Long spans are summarised.
    """
    received = cal.local(received_at)
    due_at = compute_due_at(rule, received, cal)
    lines = [
        f"Rule {rule.rule_id}, {rule.label}: {describe_duration(rule)}. Source: {rule.source}.",
        f"Received {format_moment(received)}.",
        *_EXPLAINERS[rule.kind](rule, received, due_at, cal),
        _due_line(due_at),
    ]
    return Due(due_at=due_at, rule_id=rule.rule_id, explanation=tuple(lines))


# --------------------------------------------------------------------------- explainers

_Explainer = Callable[[ClockRule, datetime, datetime, WorkingCalendar], Iterator[str]]


def _explain_office_time(
    rule: ClockRule, received: datetime, due_at: datetime, cal: WorkingCalendar
) -> Iterator[str]:
    """Working hours / working days: office hours, start, day-by-day use, skips, DST."""
    counted = describe_duration(rule)
    if rule.kind is ClockKind.WORKING_DAYS:
        hours = format_duration(rule.count * cal.working_day_length, "working hour")
        counted = f"{counted}, that is {hours}"
    yield f"Counting {counted} ({_office_hours(cal)})."
    start = clock_start(received, cal)
    if start != received:
        yield (
            "Received outside office hours, so the clock starts when the office next opens: "
            f"{format_day(start.date())} at {format_time(start)}."
        )
    segments = list(iter_office_segments(start, due_at, cal))
    yield from _segments_line(segments, "working hour", "working day")
    yield from _skipped_line(received.date(), due_at.date(), cal)
    yield from _clock_change_line(received, due_at, cal, real_time=False)


def _explain_working_week(
    rule: ClockRule, received: datetime, due_at: datetime, cal: WorkingCalendar
) -> Iterator[str]:
    """Working-week hours (TS-6): whole working days count, other days pause the clock."""
    yield (
        f"Counting {plural(rule.count, 'hour')} on working days only (whole days, "
        f"{format_weekdays(cal.weekdays)}, not bank holidays); other days pause the clock."
    )
    start = working_week_start(received, cal)
    if start != received:
        yield (
            "Received on a day that is not a working day, so the clock starts at the "
            f"beginning of {format_day(start.date())}."
        )
    segments = list(iter_working_week_segments(start, due_at, cal))
    yield from _segments_line(segments, "hour", "working day")
    yield from _skipped_line(received.date(), due_at.date(), cal)


def _explain_elapsed(
    rule: ClockRule, received: datetime, due_at: datetime, cal: WorkingCalendar
) -> Iterator[str]:
    """Elapsed hours: everything counts, including a clock change."""
    yield (
        f"Counting {plural(rule.count, 'hour')} of elapsed time: nights, weekends and bank "
        "holidays all count."
    )
    yield from _clock_change_line(received, due_at, cal, real_time=True)


def _explain_next_working_day(
    rule: ClockRule, received: datetime, due_at: datetime, cal: WorkingCalendar
) -> Iterator[str]:
    """Next working day (TS-7): the close of office hours on the next working day."""
    yield (
        f"Due at the close of office hours ({format_time(cal.closes)}) on the next working day "
        f"after {format_day(received.date())}: {format_day(due_at.date())} "
        f"({_office_hours(cal)})."
    )
    yield from _skipped_line(received.date() + timedelta(days=1), due_at.date(), cal)


def _explain_calendar(
    rule: ClockRule, received: datetime, due_at: datetime, cal: WorkingCalendar
) -> Iterator[str]:
    """Weeks / months (TS-10, TS-12): calendar arithmetic, the time of day is kept."""
    yield (
        f"Counting {describe_duration(rule)} on the calendar (weekends and bank holidays "
        "count), keeping the time of day."
    )
    if rule.kind is ClockKind.MONTHS and due_at.day != received.day:
        yield (
            f"{MONTH_NAMES[due_at.month - 1]} {due_at.year} has no day {received.day}, "
            "so the last day of that month is used."
        )


_EXPLAINERS: dict[ClockKind, _Explainer] = {
    ClockKind.WORKING_HOURS: _explain_office_time,
    ClockKind.WORKING_DAYS: _explain_office_time,
    ClockKind.WORKING_WEEK_HOURS: _explain_working_week,
    ClockKind.ELAPSED_HOURS: _explain_elapsed,
    ClockKind.NEXT_WORKING_DAY: _explain_next_working_day,
    ClockKind.WEEKS: _explain_calendar,
    ClockKind.MONTHS: _explain_calendar,
}


# --------------------------------------------------------------------------- explanation parts


def _due_line(due_at: datetime) -> str:
    """'Due Monday 7 December 2026 at 11am.'; a midnight is named as the end of a day."""
    if due_at.time() == time(0):
        return f"Due at midnight at the end of {format_date(due_at.date() - timedelta(days=1))}."
    return f"Due {format_moment(due_at)}."


def _office_hours(cal: WorkingCalendar) -> str:
    """'office hours Monday to Friday 9am to 5pm, closed on bank holidays'."""
    closed = "closed on bank holidays"
    if cal.closures:
        closed += " and local closure days"
    return (
        f"office hours {format_weekdays(cal.weekdays)} {format_time(cal.opens)} to "
        f"{format_time(cal.closes)}, {closed}"
    )


def _segments_line(
    segments: Sequence[tuple[datetime, datetime]], unit: str, day_unit: str
) -> Iterator[str]:
    """'2 working hours on Friday 4 December (3pm to 5pm); 2 working hours on Monday ...'."""
    if not segments:
        return
    parts = [_segment_text(begin, finish, unit) for begin, finish in segments]
    if len(parts) > _MAX_LISTED:
        middle = segments[1:-1]
        total = sum((_length(begin, finish) for begin, finish in middle), timedelta(0))
        summary = f"{format_duration(total, unit)} over {len(middle)} further {day_unit}s"
        parts = [parts[0], summary, parts[-1]]
    yield "; ".join(parts) + "."


def _segment_text(begin: datetime, finish: datetime, unit: str) -> str:
    span = format_duration(_length(begin, finish), unit)
    return f"{span} on {format_day(begin.date())} ({format_time(begin)} to {format_time(finish)})"


def _length(begin: datetime, finish: datetime) -> timedelta:
    """Real length of a stretch (equal to its wall-clock length within office hours)."""
    return finish.astimezone(UTC) - begin.astimezone(UTC)


def _skipped_line(first: date, last: date, cal: WorkingCalendar) -> Iterator[str]:
    """'Skipped: Friday 25 December (bank holiday: Christmas Day); Saturday 26 and ...'."""
    groups = list(_closed_day_groups(first, last, cal))
    if not groups:
        return
    if len(groups) <= _MAX_LISTED:
        yield "Skipped: " + "; ".join(f"{format_days(d)} ({why})" for d, why in groups) + "."
        return
    days = sum(len(d) for d, _ in groups)
    holidays = [name for d, _ in groups for day in d if (name := cal.bank_holiday_name(day))]
    named = f", including the bank holidays {_join(holidays)}" if holidays else ""
    yield f"Skipped {plural(days, 'day')} when the office was closed{named}."


def _join(names: Sequence[str]) -> str:
    """'A, B and C', cut short as 'A, B, ... and 3 more' when long."""
    if len(names) > _MAX_LISTED:
        shown = list(names[: _MAX_LISTED - 1])
        return ", ".join(shown) + f" and {len(names) - len(shown)} more"
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _closed_day_groups(
    first: date, last: date, cal: WorkingCalendar
) -> Iterator[tuple[list[date], str]]:
    """Runs of consecutive non-working days between two dates, with the reason for each."""
    run: list[date] = []
    run_reason = ""
    day = first
    while day <= last:
        reason = None if cal.is_working_day(day) else _closed_reason(day, cal)
        if run and reason != run_reason:
            yield run, run_reason
            run = []
        if reason is not None:
            run.append(day)
            run_reason = reason
        day += timedelta(days=1)
    if run:
        yield run, run_reason


def _closed_reason(day: date, cal: WorkingCalendar) -> str:
    holiday = cal.bank_holiday_name(day)
    if holiday is not None and day.weekday() in cal.weekdays:
        return "bank holiday: " + holiday.replace(" (substitute day)", ", substitute day")
    if day.weekday() not in cal.weekdays:
        return "weekend" if day.weekday() >= 5 else "not an office day"
    return "local closure day"


def _clock_change_line(
    received: datetime, due_at: datetime, cal: WorkingCalendar, *, real_time: bool
) -> Iterator[str]:
    """Say how a change to or from summer time between receipt and due was handled."""
    if received.utcoffset() == due_at.utcoffset():
        return  # no change in between (or two that cancel out): nothing to explain
    changes = list(_clock_changes(received.date(), due_at.date(), cal))
    when = (
        f"The clocks {changes[0][1]} on {format_day(changes[0][0])}"
        if len(changes) == 1
        else f"The clocks changed {len(changes)} times in this period"
    )
    if not real_time:
        yield f"{when}; office hours are local clock times, so this does not move the due time."
        return
    # Same-zone addition is wall-clock addition: the reading a naive count would give.
    wall_clock = received + _length(received, due_at)
    if format_time(wall_clock) != format_time(due_at):
        yield (
            f"{when}; this clock counts real elapsed time, so the due time reads "
            f"{format_time(due_at)} rather than {format_time(wall_clock)}."
        )
    else:
        yield f"{when}; this clock counts real elapsed time."


def _clock_changes(first: date, last: date, cal: WorkingCalendar) -> Iterator[tuple[date, str]]:
    """Days between two dates on which the clocks went forward or back."""
    day = first
    while day <= last:
        before = cal.midnight(day).utcoffset()
        after = cal.midnight(day + timedelta(days=1)).utcoffset()
        if before is not None and after is not None and before != after:
            yield day, "went forward" if after > before else "went back"
        day += timedelta(days=1)
