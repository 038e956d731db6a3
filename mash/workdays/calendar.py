"""Office calendars and the clock arithmetic of RULES.md §2, "How clocks count".

Pure Python (no Django) so that it can be tested exhaustively. Every function takes and
returns timezone-aware datetimes; inputs may be in any timezone and results are in the
calendar's timezone (Europe/London for the shipped profiles).

Two kinds of arithmetic are used, deliberately:

* office-time clocks (working hours, working days, next working day, weeks, months) work on
  wall-clock readings, so a change to or from British Summer Time never moves a due time's
  reading ("Daylight-saving changes never shift a due time's wall-clock reading");
* elapsed clocks (N hours, N hours (working week)) count real elapsed time, done in UTC.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from decimal import Decimal
from zoneinfo import ZoneInfo

import holidays

__all__ = [
    "DEFAULT_CALENDAR",
    "LONDON",
    "Amount",
    "WorkingCalendar",
    "add_elapsed_hours",
    "add_months",
    "add_weeks",
    "add_working_days",
    "add_working_hours",
    "add_working_week_hours",
    "bank_holiday_names",
    "bank_holidays",
    "clock_start",
    "close_of_next_working_day",
    "england_and_wales_bank_holidays",
    "iter_office_segments",
    "iter_working_week_segments",
    "next_working_day",
    "working_week_start",
    "working_time_between",
]

LONDON = ZoneInfo("Europe/London")

#: An amount of time: a number of hours (int, float or Decimal) or a timedelta.
Amount = float | Decimal | timedelta

# gov.uk division names -> ISO 3166-2 subdivision codes used by the ``holidays`` package.
_REGION_SUBDIV = {
    "england-and-wales": "ENG",
    "scotland": "SCT",
    "northern-ireland": "NIR",
}
_OBSERVED = " (observed)"
_SUBSTITUTE = " (substitute day)"
# A calendar with working weekdays always has a working day within this many days, even
# with every bank holiday and a long local closure; beyond it the calendar is unusable.
_MAX_SEARCH_DAYS = 3660


# --------------------------------------------------------------------------- bank holidays


@functools.lru_cache(maxsize=512)
def bank_holiday_names(year: int, region: str = "england-and-wales") -> dict[date, str]:
    """Return the bank holidays that are days off in ``year``, by date, with their names.

    Computed offline with the ``holidays`` package, so any year works without a network.
    Only weekday dates are kept: when a holiday falls at a weekend the library lists both
    the weekend date and the substitute weekday "(observed)"; the substitute is the actual
    day off, and is named e.g. "Boxing Day (substitute day)". The result is cached per year
    and must not be mutated.
    """
    try:
        subdiv = _REGION_SUBDIV[region]
    except KeyError:
        known = ", ".join(sorted(_REGION_SUBDIV))
        raise ValueError(
            f"unknown bank holiday region {region!r}; expected one of {known}"
        ) from None
    listed = holidays.country_holidays("GB", subdiv=subdiv, years=year)
    return {
        day: _substitute_name(name)
        for day, name in sorted(listed.items())
        if day.weekday() < 5  # Monday-Friday: a weekend date is not itself a day off
    }


def _substitute_name(name: str) -> str:
    """Rename the library's "(observed)" suffix to the gov.uk wording "(substitute day)"."""
    # The library joins two holidays on one date with "; " - keep the first, most familiar.
    first = name.split("; ")[0]
    if first.endswith(_OBSERVED):
        return first.removesuffix(_OBSERVED) + _SUBSTITUTE
    return first


def bank_holidays(year: int, region: str = "england-and-wales") -> frozenset[date]:
    """Return the weekday bank holidays (days off) of ``year`` in a gov.uk ``region``."""
    return _bank_holiday_set(year, region)


@functools.lru_cache(maxsize=512)
def _bank_holiday_set(year: int, region: str) -> frozenset[date]:
    return frozenset(bank_holiday_names(year, region))


def england_and_wales_bank_holidays(year: int) -> frozenset[date]:
    """Return the England and Wales bank holidays of ``year`` that fall on weekdays.

    These close the office for every shipped profile ("Working time follows the
    authority's office hours and the England and Wales bank holidays").
    """
    return bank_holidays(year, "england-and-wales")


# --------------------------------------------------------------------------- the calendar


@dataclass(frozen=True)
class WorkingCalendar:
    """An authority's office hours: when working-time clocks run (RULES.md "Office hours").

    The defaults are the shipped profiles' hours: Monday to Friday (``weekdays``, Monday = 0)
    09:00-17:00 Europe/London, closed on England and Wales bank holidays and on any extra
    local ``closures``. Office hours are wall-clock times and are assumed not to contain a
    daylight-saving transition (in the UK those happen at 01:00-02:00 on Sundays).
    """

    opens: time = time(9)
    closes: time = time(17)
    weekdays: frozenset[int] = frozenset(range(5))
    closures: frozenset[date] = field(default_factory=frozenset)
    tz: ZoneInfo = LONDON
    bank_holiday_region: str = "england-and-wales"

    def __post_init__(self) -> None:
        """Reject calendars on which no clock could ever run."""
        if self.opens.tzinfo is not None or self.closes.tzinfo is not None:
            raise ValueError("opens/closes are wall-clock times in tz; give them no tzinfo")
        if self.closes <= self.opens:
            raise ValueError("office hours must close after they open, on the same day")
        if not self.weekdays or not self.weekdays <= frozenset(range(7)):
            raise ValueError("weekdays must be a non-empty set of 0 (Monday) to 6 (Sunday)")
        if self.bank_holiday_region not in _REGION_SUBDIV:
            raise ValueError(f"unknown bank holiday region {self.bank_holiday_region!r}")

    @property
    def working_day_length(self) -> timedelta:
        """The office time in one working day (closes - opens), e.g. 8 hours."""
        return _wall(date.min, self.closes) - _wall(date.min, self.opens)

    @property
    def hours_per_day(self) -> Decimal:
        """The office hours in one working day as an exact Decimal, e.g. ``Decimal(8)``.

        "N working days" means N x this many working hours (RULES.md "How clocks count").
        """
        length = self.working_day_length
        micros = (length.days * 86_400 + length.seconds) * 1_000_000 + length.microseconds
        return Decimal(micros) / Decimal(3_600_000_000)

    def bank_holiday_name(self, day: date) -> str | None:
        """Return the name of the bank holiday on ``day``, or None if it is not one."""
        return bank_holiday_names(day.year, self.bank_holiday_region).get(day)

    def is_bank_holiday(self, day: date) -> bool:
        """Whether ``day`` is a bank holiday day off in this calendar's region."""
        return day in bank_holidays(day.year, self.bank_holiday_region)

    def is_working_day(self, day: date) -> bool:
        """Whether the office is open on ``day``: a working weekday, not a holiday or closure."""
        return (
            day.weekday() in self.weekdays
            and day not in self.closures
            and not self.is_bank_holiday(day)
        )

    def opening(self, day: date) -> datetime:
        """The aware moment the office opens on ``day`` (whether or not it is a working day)."""
        return _normalise(datetime.combine(day, self.opens, tzinfo=self.tz))

    def closing(self, day: date) -> datetime:
        """The aware moment the office closes on ``day`` (whether or not it is a working day)."""
        return _normalise(datetime.combine(day, self.closes, tzinfo=self.tz))

    def midnight(self, day: date) -> datetime:
        """The aware moment ``day`` starts in the calendar's timezone."""
        return _normalise(datetime.combine(day, time(0), tzinfo=self.tz))

    def local(self, moment: datetime) -> datetime:
        """Convert an aware ``moment`` to the calendar's timezone; reject naive datetimes."""
        if moment.tzinfo is None or moment.utcoffset() is None:
            raise ValueError(f"datetime must be timezone-aware, got naive {moment!r}")
        return moment.astimezone(self.tz)


DEFAULT_CALENDAR = WorkingCalendar()


def _wall(day: date, at: time) -> datetime:
    """A UTC-stamped wall-clock reading: subtraction of two gives the wall-clock difference."""
    return datetime.combine(day, at, tzinfo=UTC)


def _normalise(moment: datetime) -> datetime:
    """Map a wall-clock reading in a DST gap onto a real instant (round trip via UTC)."""
    return moment.astimezone(UTC).astimezone(moment.tzinfo)


def _wall_delta(later: datetime, earlier: datetime) -> timedelta:
    """Wall-clock difference of two local datetimes in one zone (ignores DST offsets)."""
    return later.replace(tzinfo=UTC) - earlier.replace(tzinfo=UTC)


def _as_timedelta(amount: Amount) -> timedelta:
    """Turn a number of hours, or a timedelta, into a timedelta (exact for Decimal)."""
    if isinstance(amount, timedelta):
        return amount
    if isinstance(amount, Decimal):
        return timedelta(microseconds=int(amount * 3_600_000_000))
    return timedelta(hours=amount)


def _non_negative(amount: Amount) -> timedelta:
    span = _as_timedelta(amount)
    if span < timedelta(0):
        raise ValueError(f"a clock cannot count a negative amount ({amount!r})")
    return span


# --------------------------------------------------------------------------- working days


def next_working_day(day: date, cal: WorkingCalendar) -> date:
    """The first working day strictly after ``day``."""
    return _working_day_on_or_after(day + timedelta(days=1), cal)


def _working_day_on_or_after(day: date, cal: WorkingCalendar) -> date:
    for offset in range(_MAX_SEARCH_DAYS):
        candidate = day + timedelta(days=offset)
        if cal.is_working_day(candidate):
            return candidate
    raise ValueError(f"no working day within {_MAX_SEARCH_DAYS} days of {day}")


def _skip_working_days(day: date, count: int, cal: WorkingCalendar) -> date:
    """The ``count``-th working day after ``day`` (``day`` itself when count is 0)."""
    for _ in range(count):
        day = next_working_day(day, cal)
    return day


# --------------------------------------------------------------------------- working hours


def clock_start(received: datetime, cal: WorkingCalendar) -> datetime:
    """Where an office-time clock starts: the moment received if inside office hours,
    otherwise the next opening ("received outside office hours starts its clock at the
    next opening"). Exactly at closing counts as inside, so 0 hours more is still closing.
    """
    local = cal.local(received)
    today = local.date()
    if cal.is_working_day(today):
        if local.time() < cal.opens:
            return cal.opening(today)
        if local.time() <= cal.closes:
            return local
    return cal.opening(next_working_day(today, cal))


def add_working_hours(start: datetime, hours: Amount, cal: WorkingCalendar) -> datetime:
    """Add ``hours`` of office time to ``start`` (RULES.md "N working hours"; TS-2, TS-3, TS-5).

    The clock starts at the moment received, or at the next opening if received out of
    hours. A result exactly at closing stays there: 8 working hours from 09:00 is 17:00
    the same day, not 09:00 the next working day. Whole working days are skipped in one
    step each, so large amounts are cheap. Arithmetic is on wall-clock readings, so a
    clock change never shifts the due time's reading.
    """
    remaining = _non_negative(hours)
    position = clock_start(start, cal)
    today = position.date()
    left_today = _wall_delta(cal.closing(today), position)
    if remaining <= left_today:
        return _normalise(position + remaining)
    remaining -= left_today
    day_length = cal.working_day_length
    # Skip whole days but keep the last (possibly full) day to count into, so that an exact
    # multiple of the day length ends at a closing time rather than the next opening.
    whole_days = -(-remaining // day_length) - 1
    remaining -= whole_days * day_length
    last_day = _skip_working_days(next_working_day(today, cal), whole_days, cal)
    return _normalise(cal.opening(last_day) + remaining)


def add_working_days(start: datetime, days: int, cal: WorkingCalendar) -> datetime:
    """Add ``days`` working days: ``days`` x hours_per_day working hours (TS-1 Northants, TS-8).

    RULES.md "N working days": received Tuesday 10:30, one working day is due Wednesday
    10:30; received Saturday, due Monday 17:00.
    """
    if days < 0:
        raise ValueError(f"a clock cannot count a negative amount ({days!r})")
    return add_working_hours(start, days * cal.working_day_length, cal)


def iter_office_segments(
    start: datetime, end: datetime, cal: WorkingCalendar
) -> Iterator[tuple[datetime, datetime]]:
    """Yield the (from, to) stretches of office time between ``start`` and ``end``, in order.

    One stretch per working day with some office time in the interval; empty if end <= start.
    Used by ``working_time_between`` and to explain a due time day by day.
    """
    first, last = cal.local(start), cal.local(end)
    day = first.date()
    while day <= last.date():
        if cal.is_working_day(day):
            begin = max(first, cal.opening(day), key=_instant)
            finish = min(last, cal.closing(day), key=_instant)
            if _instant(begin) < _instant(finish):
                yield begin, finish
        day += timedelta(days=1)


def working_time_between(start: datetime, end: datetime, cal: WorkingCalendar) -> timedelta:
    """The office time between two moments, negative if ``end`` is before ``start``.

    Used to show e.g. "3 working hours left" on a clock; the inverse of add_working_hours:
    ``working_time_between(s, add_working_hours(s, h, cal), cal) == h``.
    """
    if _instant(end) < _instant(start):
        return -working_time_between(end, start, cal)
    return sum(
        (_wall_delta(finish, begin) for begin, finish in iter_office_segments(start, end, cal)),
        timedelta(0),
    )


def _instant(moment: datetime) -> datetime:
    """Key for comparing aware datetimes as instants (same-zone comparison ignores fold)."""
    return moment.astimezone(UTC)


# --------------------------------------------------------------------------- elapsed time


def add_elapsed_hours(start: datetime, hours: Amount, tz: tzinfo = LONDON) -> datetime:
    """Add real elapsed time (RULES.md "N hours"; TS-1 Calderdale, TS-4, TS-9).

    Nights, weekends and holidays all count, and so does a clock change: 48 hours from
    Saturday 12:00 BST on the weekend summer time ends is Monday 11:00 GMT. The sum is done
    in UTC; the result is expressed in ``tz`` (the calendar's timezone).
    """
    if start.tzinfo is None or start.utcoffset() is None:
        raise ValueError(f"datetime must be timezone-aware, got naive {start!r}")
    return (start.astimezone(UTC) + _as_timedelta(hours)).astimezone(tz)


def working_week_start(received: datetime, cal: WorkingCalendar) -> datetime:
    """Where a working-week clock starts: the moment received on a working day, else the
    start (00:00) of the next working day.
    """
    local = cal.local(received)
    if cal.is_working_day(local.date()):
        return local
    return cal.midnight(next_working_day(local.date(), cal))


def add_working_week_hours(start: datetime, hours: Amount, cal: WorkingCalendar) -> datetime:
    """Add ``hours`` of elapsed time that falls on working days (TS-6, "N hours (working week)").

    Working days count whole (midnight to midnight, not just office hours); weekends, bank
    holidays and closures pause the clock. Received Friday 18:00, 24 hours: 6 hours on
    Friday and 18 on Monday, so due Monday 18:00. Received on a non-working day, the clock
    starts at 00:00 of the next working day. Time is real elapsed time within each working
    day (a 23- or 25-hour day counts as such); UK clock changes fall on Sundays, so for a
    Monday-Friday calendar this equals wall-clock hours.
    """
    remaining = _non_negative(hours)
    position = working_week_start(start, cal)
    while True:
        day_end = cal.midnight(position.date() + timedelta(days=1))
        left_today = _instant(day_end) - _instant(position)
        if remaining <= left_today:
            return (_instant(position) + remaining).astimezone(cal.tz)
        remaining -= left_today
        position = cal.midnight(next_working_day(position.date(), cal))


def iter_working_week_segments(
    start: datetime, end: datetime, cal: WorkingCalendar
) -> Iterator[tuple[datetime, datetime]]:
    """Yield the (from, to) stretches of working-day time between ``start`` and ``end``.

    One stretch per working day; a stretch reaching the end of its day ends at the next
    day's 00:00. The counterpart of ``add_working_week_hours``, used to explain a due time.
    """
    first, last = cal.local(start), cal.local(end)
    day = first.date()
    while day <= last.date():
        if cal.is_working_day(day):
            begin = max(first, cal.midnight(day), key=_instant)
            finish = min(last, cal.midnight(day + timedelta(days=1)), key=_instant)
            if _instant(begin) < _instant(finish):
                yield begin, finish
        day += timedelta(days=1)


# --------------------------------------------------------------------------- day-based clocks


def close_of_next_working_day(start: datetime, cal: WorkingCalendar) -> datetime:
    """The close of office hours on the first working day after the day received (TS-7).

    The time of receipt within the day does not matter: received Monday 08:00 is due
    Tuesday at closing; received Thursday 24 December 2026 20:00 is due Tuesday 29 December
    17:00 (Christmas Day, the weekend and the Boxing Day substitute are skipped).
    """
    return cal.closing(next_working_day(cal.local(start).date(), cal))


def add_weeks(start: datetime, weeks: int, cal: WorkingCalendar) -> datetime:
    """Add whole calendar weeks, keeping the wall-clock time (TS-10 Rotherham, TS-12).

    Weekends and holidays count; negative ``weeks`` go back (e.g. "within the last 12 weeks").
    """
    local = cal.local(start)
    return _on_day(local, local.date() + timedelta(weeks=weeks), cal)


def add_months(start: datetime, months: int, cal: WorkingCalendar) -> datetime:
    """Add calendar months, keeping the wall-clock time (TS-10 Calderdale).

    A day that does not exist in the target month is clamped to its last day:
    31 January + 1 month is 28 February (29 in a leap year). Negative ``months`` go back.
    """
    local = cal.local(start)
    year, month_index = divmod(local.year * 12 + local.month - 1 + months, 12)
    month = month_index + 1
    day = min(local.day, _days_in_month(year, month))
    return _on_day(local, date(year, month, day), cal)


def _days_in_month(year: int, month: int) -> int:
    following = date(year + month // 12, month % 12 + 1, 1)
    return (following - timedelta(days=1)).day


def _on_day(local: datetime, day: date, cal: WorkingCalendar) -> datetime:
    """The same wall-clock time as ``local`` on another ``day``."""
    return _normalise(datetime.combine(day, local.time(), tzinfo=cal.tz))
