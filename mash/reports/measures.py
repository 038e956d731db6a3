"""Measures shared by the reports and the dip-sample checklist (DM-2): one definition each.

- **Time on a clock** (`clock_time_between`) is counted as the clock counts (RULES.md "How
  clocks count"): office time for working hours, working days and "next working day"; time on
  working days for TS-6-style working-week clocks; elapsed time otherwise (TS-4's 48 hours),
  on the working calendar of the contact's own profile.
- **The median** is the conventional one: the middle value, or the mean of the middle two.
  **Percentiles** (the 90th) are by nearest rank: the smallest value with at least that share
  of the values at or below it.
- **A partner agency's time to answer** is the working hours from asking to its first answer,
  in the office hours of the request's contact's own profile (as TS-2 and TS-3 count them).

`MEDIAN_WORDS` says so in the words both the daily overview and the performance report show.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TypeVar

from mash.policy.profiles import profile_named
from mash.workdays.calendar import (
    WorkingCalendar,
    iter_working_week_segments,
    working_time_between,
)
from mash.workdays.clocks import ClockKind

MEDIAN_WORDS = (
    "Times are working hours from asking to the agency's first answer, in the office hours "
    "of the contact's own authority, as the TS-2 and TS-3 deadlines count them. The median is "
    "the middle time, or halfway between the middle two."
)
PERCENTILE_WORDS = "The 90th percentile is the time nine in ten answers came within (nearest rank)."

OFFICE_KINDS = frozenset(
    {ClockKind.WORKING_HOURS, ClockKind.WORKING_DAYS, ClockKind.NEXT_WORKING_DAY}
)

T = TypeVar("T", float, timedelta)


@dataclass(frozen=True)
class Counted:
    """A span of time on a clock, and how the clock counts it."""

    span: timedelta  # negative when `end` is before `start`
    counts: str  # "office time", "working-week time" or "elapsed time"
    unit: str  # "working hour", "hour" or "" (elapsed: said in days and hours)


def clock_time_between(rule_id: str, start: datetime, end: datetime, profile_id: str) -> Counted:
    """The time from `start` to `end` as the clock `rule_id` of the profile counts it."""
    profile = profile_named(profile_id)
    rule = profile.clock(rule_id)
    kind = rule.kind if rule is not None else ClockKind.ELAPSED_HOURS
    calendar = profile.calendar
    if kind in OFFICE_KINDS:
        return Counted(working_time_between(start, end, calendar), "office time", "working hour")
    if kind is ClockKind.WORKING_WEEK_HOURS:
        return Counted(working_week_between(start, end, calendar), "working-week time", "hour")
    return Counted(end - start, "elapsed time", "")


def working_week_between(start: datetime, end: datetime, cal: WorkingCalendar) -> timedelta:
    """Elapsed time on working days between two moments (negative if `end` is earlier)."""
    if end < start:
        return -working_week_between(end, start, cal)
    return sum(
        (
            b.astimezone(UTC) - a.astimezone(UTC)
            for a, b in iter_working_week_segments(start, end, cal)
        ),
        timedelta(0),
    )


def median(values: Sequence[T]) -> T | None:
    """The middle value, or the mean of the middle two (of 1, 2, 3, 4: 2.5); None for none."""
    if not values:
        return None
    ordered, middle = sorted(values), len(values) // 2
    if len(ordered) % 2:
        return ordered[middle]
    return (ordered[middle - 1] + ordered[middle]) / 2


def nearest_rank(values: Sequence[T], percentile: float) -> T | None:
    """The nearest-rank percentile of `values` (the 90th of ten values is the ninth)."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(math.ceil(percentile / 100 * len(ordered)) - 1, 0)]


def answer_time(asked: datetime, answered: datetime, profile_id: str) -> timedelta:
    """A partner agency's time to answer: office time on the contact's profile's calendar."""
    return working_time_between(asked, answered, profile_named(profile_id).calendar)
