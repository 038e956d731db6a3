"""Plain-English wording for dates, times and durations in clock explanations.

Names are spelled out here rather than taken from strftime so the wording never depends on
the server's locale.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime, time, timedelta

__all__ = [
    "format_date",
    "format_day",
    "format_days",
    "format_duration",
    "format_moment",
    "format_time",
    "format_weekdays",
    "plural",
]

DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
MONTH_NAMES = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def plural(count: int | float, unit: str) -> str:
    """'1 working hour', '4 working hours', '1.5 hours' (the unit is given in the singular)."""
    number = f"{count:g}" if isinstance(count, float) else str(count)
    return f"{number} {unit}" if count == 1 else f"{number} {unit}s"


def format_time(moment: time | datetime) -> str:
    """'9am', '10:30am', '5pm', 'midday', 'midnight' (GOV.UK style; seconds not shown)."""
    if moment.hour == 0 and moment.minute == 0:
        return "midnight"
    if moment.hour == 12 and moment.minute == 0:
        return "midday"
    hour = moment.hour % 12 or 12
    suffix = "am" if moment.hour < 12 else "pm"
    minutes = f":{moment.minute:02d}" if moment.minute else ""
    return f"{hour}{minutes}{suffix}"


def format_day(day: date) -> str:
    """'Friday 4 December' (no year: used inside a sentence that already gave it)."""
    return f"{DAY_NAMES[day.weekday()]} {day.day} {MONTH_NAMES[day.month - 1]}"


def format_date(day: date) -> str:
    """'Friday 4 December 2026'."""
    return f"{format_day(day)} {day.year}"


def format_moment(moment: datetime) -> str:
    """'Friday 4 December 2026 at 3pm' (in the moment's own timezone)."""
    return f"{format_date(moment.date())} at {format_time(moment)}"


def format_days(days: Sequence[date]) -> str:
    """Name a run of days briefly: 'Saturday 5 and Sunday 6 December', 'Friday 25 December'.

    The month (and year) is given once at the end when the days share it.
    """
    if len(days) == 1:
        return format_day(days[0])
    same_month = len({(d.year, d.month) for d in days}) == 1
    names = [f"{DAY_NAMES[d.weekday()]} {d.day}" if same_month else format_day(d) for d in days]
    joined = ", ".join(names[:-1]) + " and " + names[-1]
    return f"{joined} {MONTH_NAMES[days[0].month - 1]}" if same_month else joined


def format_weekdays(weekdays: Iterable[int]) -> str:
    """'Monday to Friday' for a consecutive run, otherwise a list ('Monday, Wednesday')."""
    ordered = sorted(weekdays)
    if len(ordered) > 2 and ordered == list(range(ordered[0], ordered[-1] + 1)):
        return f"{DAY_NAMES[ordered[0]]} to {DAY_NAMES[ordered[-1]]}"
    names = [DAY_NAMES[d] for d in ordered]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def format_duration(span: timedelta, unit: str = "hour") -> str:
    """'2 working hours', '1 hour 30 minutes': ``unit`` names the hour ('working hour')."""
    minutes = round(span.total_seconds() / 60)
    hours, rest = divmod(minutes, 60)
    parts = []
    if hours or not rest:
        parts.append(plural(hours, unit))
    if rest:
        parts.append(plural(rest, "minute"))
    return " ".join(parts)
