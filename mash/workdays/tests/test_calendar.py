"""Table tests for the clock arithmetic of RULES.md §2 "How clocks count"."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from govuk_bank_holidays.bank_holidays import BankHolidays

from mash.workdays.calendar import (
    LONDON,
    WorkingCalendar,
    add_elapsed_hours,
    add_months,
    add_weeks,
    add_working_days,
    add_working_hours,
    add_working_week_hours,
    bank_holidays,
    close_of_next_working_day,
    england_and_wales_bank_holidays,
    working_time_between,
)
from mash.workdays.clocks import ClockKind, ClockRule, compute_due_at

CAL = WorkingCalendar()
H = timedelta(hours=1)


def at(y: int, mo: int, d: int, h: int = 0, mi: int = 0) -> datetime:
    """A Europe/London wall-clock reading (fold=0)."""
    return datetime(y, mo, d, h, mi, tzinfo=LONDON)


def assert_same_reading(actual: datetime, expected: datetime) -> None:
    """Same instant AND same wall-clock reading and offset in Europe/London."""
    assert actual == expected
    assert actual.tzinfo is LONDON
    assert (actual.replace(tzinfo=None), actual.utcoffset()) == (
        expected.astimezone(LONDON).replace(tzinfo=None),
        expected.astimezone(LONDON).utcoffset(),
    )


# --------------------------------------------------------------------------- calendar


def test_default_calendar_is_the_shipped_office_hours() -> None:
    assert (CAL.opens, CAL.closes) == (time(9), time(17))
    assert CAL.weekdays == frozenset({0, 1, 2, 3, 4})
    assert CAL.tz == ZoneInfo("Europe/London")
    assert CAL.hours_per_day == Decimal(8)
    assert CAL.working_day_length == 8 * H
    assert CAL.opening(date(2026, 6, 1)) == at(2026, 6, 1, 9)
    assert CAL.closing(date(2026, 12, 1)) == at(2026, 12, 1, 17)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"opens": time(17), "closes": time(9)}, "close after"),
        ({"weekdays": frozenset()}, "weekdays"),
        ({"weekdays": frozenset({7})}, "weekdays"),
        ({"bank_holiday_region": "narnia"}, "region"),
        ({"opens": time(9, tzinfo=UTC)}, "tzinfo"),
    ],
)
def test_calendar_rejects_unusable_settings(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        WorkingCalendar(**kwargs)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("day", "working", "holiday"),
    [
        (date(2026, 12, 4), True, None),  # Friday
        (date(2026, 12, 5), False, None),  # Saturday
        (date(2026, 12, 25), False, "Christmas Day"),
        (date(2026, 12, 26), False, None),  # Boxing Day is a Saturday: not itself a day off
        (date(2026, 12, 28), False, "Boxing Day (substitute day)"),
        (date(2026, 12, 29), True, None),
        (date(2026, 4, 3), False, "Good Friday"),
        (date(2026, 4, 6), False, "Easter Monday"),
        (date(2026, 8, 31), False, "Late Summer Bank Holiday"),
        (date(2027, 12, 27), False, "Christmas Day (substitute day)"),
        (date(2027, 12, 28), False, "Boxing Day (substitute day)"),
        (date(2022, 9, 19), False, "State Funeral of Queen Elizabeth II"),
    ],
)
def test_working_days_and_bank_holidays(day: date, working: bool, holiday: str | None) -> None:
    assert CAL.is_working_day(day) is working
    assert CAL.bank_holiday_name(day) == holiday
    assert CAL.is_bank_holiday(day) is (holiday is not None)


def test_bank_holidays_2026() -> None:
    assert england_and_wales_bank_holidays(2026) == {
        date(2026, 1, 1),
        date(2026, 4, 3),
        date(2026, 4, 6),
        date(2026, 5, 4),
        date(2026, 5, 25),
        date(2026, 8, 31),
        date(2026, 12, 25),
        date(2026, 12, 28),
    }


def test_bank_holidays_work_for_any_year_offline() -> None:
    assert date(2100, 12, 27) in england_and_wales_bank_holidays(2100)  # Boxing Day, Monday
    assert bank_holidays(2026, "scotland") >= {date(2026, 1, 2)}
    with pytest.raises(ValueError, match="region"):
        bank_holidays(2026, "atlantis")


@pytest.mark.parametrize("year", range(2012, 2029))
def test_bank_holidays_match_govuk(year: int) -> None:
    govuk = BankHolidays(use_cached_holidays=True).get_holidays(
        division=BankHolidays.ENGLAND_AND_WALES, year=year
    )
    expected = {h["date"] for h in govuk if h["date"].weekday() < 5}
    assert england_and_wales_bank_holidays(year) == expected


def test_local_closures_close_the_office() -> None:
    cal = WorkingCalendar(closures=frozenset({date(2026, 12, 7)}))
    assert not cal.is_working_day(date(2026, 12, 7))
    assert add_working_hours(at(2026, 12, 4, 15), 4, cal) == at(2026, 12, 8, 11)


# --------------------------------------------------------------------------- working hours


@pytest.mark.parametrize(
    ("received", "hours", "due"),
    [
        pytest.param(at(2026, 12, 4, 15), 4, at(2026, 12, 7, 11), id="friday-15:00-rules-example"),
        pytest.param(at(2026, 12, 4, 16, 59), 1, at(2026, 12, 7, 9, 59), id="friday-16:59"),
        pytest.param(
            at(2026, 12, 4, 16, 59), timedelta(minutes=1), at(2026, 12, 4, 17), id="to-closing"
        ),
        pytest.param(at(2026, 12, 1, 9), 8, at(2026, 12, 1, 17), id="8h-from-opening-same-day"),
        pytest.param(at(2026, 12, 1, 9), 16, at(2026, 12, 2, 17), id="16h-from-opening"),
        pytest.param(at(2026, 12, 1, 9), 0, at(2026, 12, 1, 9), id="zero-at-opening"),
        pytest.param(at(2026, 12, 1, 17), 0, at(2026, 12, 1, 17), id="zero-at-closing"),
        pytest.param(at(2026, 12, 1, 17), 1, at(2026, 12, 2, 10), id="at-closing"),
        pytest.param(at(2026, 12, 1, 8), 1, at(2026, 12, 1, 10), id="before-opening"),
        pytest.param(at(2026, 12, 1, 18), 1, at(2026, 12, 2, 10), id="after-closing"),
        pytest.param(at(2026, 12, 1, 18), 0, at(2026, 12, 2, 9), id="zero-after-closing"),
        pytest.param(at(2026, 12, 5, 11), 8, at(2026, 12, 7, 17), id="saturday"),
        pytest.param(at(2026, 8, 28, 15), 4, at(2026, 9, 1, 11), id="bank-holiday-monday"),
        pytest.param(at(2026, 8, 31, 10), 4, at(2026, 9, 1, 13), id="on-bank-holiday-monday"),
        pytest.param(at(2026, 12, 24, 14), 8, at(2026, 12, 29, 14), id="christmas-2026"),
        pytest.param(at(2026, 12, 24, 16), 2, at(2026, 12, 29, 10), id="christmas-eve-16:00"),
        pytest.param(at(2026, 4, 1, 10), 24, at(2026, 4, 8, 10), id="easter-2026"),
        pytest.param(at(2026, 4, 2, 16), 2, at(2026, 4, 7, 10), id="maundy-thursday"),
        pytest.param(at(2026, 3, 27, 16), 2, at(2026, 3, 30, 10), id="across-bst-start"),
        pytest.param(at(2026, 10, 23, 16), 2, at(2026, 10, 26, 10), id="across-bst-end"),
        pytest.param(at(2026, 3, 29, 3), 4, at(2026, 3, 30, 13), id="night-bst-starts"),
        pytest.param(
            datetime(2026, 6, 1, 8, tzinfo=UTC), 1, at(2026, 6, 1, 10), id="utc-input-in-bst"
        ),
        pytest.param(at(2026, 12, 1, 9), Decimal("1.5"), at(2026, 12, 1, 10, 30), id="decimal"),
        pytest.param(at(2026, 12, 1, 9), 0.25, at(2026, 12, 1, 9, 15), id="float"),
        # 2026: 261 weekdays - 8 bank holidays - Friday 2 January = 252 from Monday 5 January
        pytest.param(at(2026, 1, 5, 9), 8 * 252, at(2026, 12, 31, 17), id="a-whole-year"),
    ],
)
def test_add_working_hours(received: datetime, hours: int | timedelta, due: datetime) -> None:
    assert_same_reading(add_working_hours(received, hours, CAL), due)


def test_add_working_hours_large_amount_is_fast_and_consistent() -> None:
    start = at(2026, 3, 30, 10)
    due = add_working_hours(start, 8 * 2500 + 3, CAL)
    assert working_time_between(start, due, CAL) == (8 * 2500 + 3) * H


def test_naive_and_negative_inputs_are_rejected() -> None:
    with pytest.raises(ValueError, match="aware"):
        add_working_hours(datetime(2026, 1, 5, 9), 1, CAL)
    with pytest.raises(ValueError, match="aware"):
        add_elapsed_hours(datetime(2026, 1, 5, 9), 1)
    with pytest.raises(ValueError, match="negative"):
        add_working_hours(at(2026, 1, 5, 9), -1, CAL)
    with pytest.raises(ValueError, match="negative"):
        add_working_days(at(2026, 1, 5, 9), -1, CAL)
    with pytest.raises(ValueError, match="negative"):
        add_working_week_hours(at(2026, 1, 5, 9), -1, CAL)


@pytest.mark.parametrize(
    ("received", "days", "due"),
    [
        pytest.param(at(2026, 11, 24, 10, 30), 1, at(2026, 11, 25, 10, 30), id="tuesday"),
        pytest.param(at(2026, 11, 28, 11), 1, at(2026, 11, 30, 17), id="saturday"),
        pytest.param(at(2026, 11, 27, 16), 1, at(2026, 11, 30, 16), id="friday"),
        pytest.param(at(2026, 12, 24, 14), 1, at(2026, 12, 29, 14), id="christmas"),
        pytest.param(at(2026, 11, 24, 10, 30), 5, at(2026, 12, 1, 10, 30), id="a-week"),
        pytest.param(at(2026, 11, 24, 10, 30), 0, at(2026, 11, 24, 10, 30), id="zero"),
    ],
)
def test_add_working_days(received: datetime, days: int, due: datetime) -> None:
    assert_same_reading(add_working_days(received, days, CAL), due)


# --------------------------------------------------------------------------- elapsed


@pytest.mark.parametrize(
    ("received", "hours", "due"),
    [
        pytest.param(at(2026, 10, 24, 12), 48, at(2026, 10, 26, 11), id="48h-across-bst-end"),
        pytest.param(at(2026, 3, 28, 12), 24, at(2026, 3, 29, 13), id="24h-across-bst-start"),
        pytest.param(at(2026, 11, 27, 16), 24, at(2026, 11, 28, 16), id="calderdale-24h"),
        pytest.param(at(2026, 12, 24, 20), 48, at(2026, 12, 26, 20), id="christmas-counts"),
        pytest.param(datetime(2026, 7, 1, 23, tzinfo=UTC), 1, at(2026, 7, 2, 1), id="utc-input"),
    ],
)
def test_add_elapsed_hours(received: datetime, hours: int, due: datetime) -> None:
    assert_same_reading(add_elapsed_hours(received, hours), due)


# --------------------------------------------------------------------------- working week


@pytest.mark.parametrize(
    ("received", "hours", "due"),
    [
        pytest.param(at(2026, 11, 27, 18), 24, at(2026, 11, 30, 18), id="friday-18:00"),
        pytest.param(at(2026, 11, 25, 10), 24, at(2026, 11, 26, 10), id="midweek"),
        pytest.param(at(2026, 11, 28, 18), 24, at(2026, 12, 1), id="saturday-starts-monday"),
        pytest.param(at(2026, 11, 28, 18), 0, at(2026, 11, 30), id="zero-on-saturday"),
        pytest.param(at(2026, 11, 27), 24, at(2026, 11, 28), id="whole-friday"),
        pytest.param(at(2026, 12, 24, 18), 24, at(2026, 12, 29, 18), id="christmas"),
        pytest.param(at(2026, 4, 2, 12), 24, at(2026, 4, 7, 12), id="easter"),
        pytest.param(at(2026, 8, 28, 12), 24, at(2026, 9, 1, 12), id="bank-holiday-monday"),
        pytest.param(at(2026, 3, 27, 12), 24, at(2026, 3, 30, 12), id="across-bst-start"),
        pytest.param(at(2026, 10, 23, 12), 24, at(2026, 10, 26, 12), id="across-bst-end"),
        pytest.param(at(2026, 11, 27, 18), 72, at(2026, 12, 2, 18), id="72h"),
    ],
)
def test_add_working_week_hours(received: datetime, hours: int, due: datetime) -> None:
    assert_same_reading(add_working_week_hours(received, hours, CAL), due)


def test_working_week_hours_count_real_time_on_a_working_sunday() -> None:
    seven_days = WorkingCalendar(weekdays=frozenset(range(7)))
    # Sunday 29 March 2026 has 23 hours: 24 hours from its start end at 01:00 BST Monday
    assert_same_reading(add_working_week_hours(at(2026, 3, 29), 24, seven_days), at(2026, 3, 30, 1))


# --------------------------------------------------------------------------- day-based clocks


@pytest.mark.parametrize(
    ("received", "due"),
    [
        pytest.param(at(2026, 12, 24, 20), at(2026, 12, 29, 17), id="christmas-eve-evening"),
        pytest.param(at(2026, 11, 30, 8), at(2026, 12, 1, 17), id="monday-before-opening"),
        pytest.param(at(2026, 12, 4, 16, 59), at(2026, 12, 7, 17), id="friday-16:59"),
        pytest.param(at(2026, 11, 28, 11), at(2026, 11, 30, 17), id="saturday"),
        pytest.param(at(2026, 8, 28, 12), at(2026, 9, 1, 17), id="bank-holiday-monday"),
        pytest.param(at(2026, 4, 2, 12), at(2026, 4, 7, 17), id="easter"),
        pytest.param(at(2026, 3, 28, 12), at(2026, 3, 30, 17), id="bst-start-weekend"),
        pytest.param(at(2026, 10, 24, 12), at(2026, 10, 26, 17), id="bst-end-weekend"),
    ],
)
def test_close_of_next_working_day(received: datetime, due: datetime) -> None:
    assert_same_reading(close_of_next_working_day(received, CAL), due)


@pytest.mark.parametrize(
    ("received", "weeks", "due"),
    [
        pytest.param(at(2026, 6, 1, 10), 12, at(2026, 8, 24, 10), id="12-weeks"),
        pytest.param(at(2026, 3, 23, 10), 1, at(2026, 3, 30, 10), id="across-bst-start"),
        pytest.param(at(2026, 10, 19, 10), 1, at(2026, 10, 26, 10), id="across-bst-end"),
        pytest.param(at(2026, 12, 21, 10), 1, at(2026, 12, 28, 10), id="onto-bank-holiday"),
        pytest.param(at(2026, 8, 24, 10), -12, at(2026, 6, 1, 10), id="backwards"),
    ],
)
def test_add_weeks(received: datetime, weeks: int, due: datetime) -> None:
    assert_same_reading(add_weeks(received, weeks, CAL), due)


@pytest.mark.parametrize(
    ("received", "months", "due"),
    [
        pytest.param(at(2026, 1, 31, 10), 1, at(2026, 2, 28, 10), id="clamp-february"),
        pytest.param(at(2028, 1, 31, 10), 1, at(2028, 2, 29, 10), id="clamp-leap-february"),
        pytest.param(at(2026, 3, 31, 10), 1, at(2026, 4, 30, 10), id="clamp-april"),
        pytest.param(at(2026, 11, 30, 10), 3, at(2027, 2, 28, 10), id="3-months-over-new-year"),
        pytest.param(at(2026, 11, 15, 10), 14, at(2028, 1, 15, 10), id="14-months"),
        pytest.param(at(2026, 3, 1, 9), 1, at(2026, 4, 1, 9), id="across-bst-start"),
        pytest.param(at(2026, 8, 31, 10), -6, at(2026, 2, 28, 10), id="backwards-clamped"),
        pytest.param(at(2026, 5, 15, 10), 0, at(2026, 5, 15, 10), id="zero"),
    ],
)
def test_add_months(received: datetime, months: int, due: datetime) -> None:
    assert_same_reading(add_months(received, months, CAL), due)


# --------------------------------------------------------------------------- time left


@pytest.mark.parametrize(
    ("start", "end", "left"),
    [
        pytest.param(at(2026, 12, 4, 15), at(2026, 12, 7, 11), 4 * H, id="over-weekend"),
        pytest.param(at(2026, 12, 7, 11), at(2026, 12, 4, 15), -4 * H, id="negative"),
        pytest.param(at(2026, 12, 4, 15), at(2026, 12, 4, 15), timedelta(0), id="same-moment"),
        pytest.param(at(2026, 12, 4, 18), at(2026, 12, 6, 12), timedelta(0), id="out-of-hours"),
        pytest.param(at(2026, 12, 24, 14), at(2026, 12, 29, 14), 8 * H, id="christmas"),
        pytest.param(at(2026, 3, 27, 16), at(2026, 3, 30, 10), 2 * H, id="across-bst-start"),
        pytest.param(at(2026, 10, 23, 16), at(2026, 10, 26, 10), 2 * H, id="across-bst-end"),
        pytest.param(at(2026, 3, 30, 0), at(2026, 4, 13, 0), 64 * H, id="easter-fortnight"),
        pytest.param(at(2026, 12, 1, 8), at(2026, 12, 1, 9, 30), H / 2, id="before-opening"),
        pytest.param(
            datetime(2026, 6, 1, 8, tzinfo=UTC), at(2026, 6, 1, 12), 3 * H, id="mixed-zones"
        ),
    ],
)
def test_working_time_between(start: datetime, end: datetime, left: timedelta) -> None:
    assert working_time_between(start, end, CAL) == left


# --------------------------------------------------------------------------- every kind, DST


def _rule(kind: ClockKind, amount: int | None) -> ClockRule:
    return ClockRule("TS-x", kind, amount, "test", "test")


K = ClockKind
DST_TABLE = [
    # Saturday before each 2026 clock change: everything starts on a weekend
    (at(2026, 3, 28, 12), K.WORKING_HOURS, 4, at(2026, 3, 30, 13)),
    (at(2026, 3, 28, 12), K.WORKING_DAYS, 1, at(2026, 3, 30, 17)),
    (at(2026, 3, 28, 12), K.ELAPSED_HOURS, 24, at(2026, 3, 29, 13)),
    (at(2026, 3, 28, 12), K.WORKING_WEEK_HOURS, 24, at(2026, 3, 31)),
    (at(2026, 3, 28, 12), K.NEXT_WORKING_DAY, None, at(2026, 3, 30, 17)),
    (at(2026, 3, 28, 12), K.WEEKS, 1, at(2026, 4, 4, 12)),
    (at(2026, 3, 28, 12), K.MONTHS, 1, at(2026, 4, 28, 12)),
    (at(2026, 10, 24, 12), K.WORKING_HOURS, 4, at(2026, 10, 26, 13)),
    (at(2026, 10, 24, 12), K.WORKING_DAYS, 1, at(2026, 10, 26, 17)),
    (at(2026, 10, 24, 12), K.ELAPSED_HOURS, 24, at(2026, 10, 25, 11)),
    (at(2026, 10, 24, 12), K.WORKING_WEEK_HOURS, 24, at(2026, 10, 27)),
    (at(2026, 10, 24, 12), K.NEXT_WORKING_DAY, None, at(2026, 10, 26, 17)),
    (at(2026, 10, 24, 12), K.WEEKS, 1, at(2026, 10, 31, 12)),
    (at(2026, 10, 24, 12), K.MONTHS, 1, at(2026, 11, 24, 12)),
    # Friday 16:00 before each clock change: the clock runs across it
    (at(2026, 3, 27, 16), K.WORKING_HOURS, 4, at(2026, 3, 30, 12)),
    (at(2026, 3, 27, 16), K.WORKING_DAYS, 1, at(2026, 3, 30, 16)),
    (at(2026, 3, 27, 16), K.ELAPSED_HOURS, 72, at(2026, 3, 30, 17)),
    (at(2026, 3, 27, 16), K.WORKING_WEEK_HOURS, 24, at(2026, 3, 30, 16)),
    (at(2026, 3, 27, 16), K.NEXT_WORKING_DAY, None, at(2026, 3, 30, 17)),
    (at(2026, 3, 27, 16), K.WEEKS, 1, at(2026, 4, 3, 16)),
    (at(2026, 3, 27, 16), K.MONTHS, 1, at(2026, 4, 27, 16)),
    (at(2026, 10, 23, 16), K.WORKING_HOURS, 4, at(2026, 10, 26, 12)),
    (at(2026, 10, 23, 16), K.WORKING_DAYS, 1, at(2026, 10, 26, 16)),
    (at(2026, 10, 23, 16), K.ELAPSED_HOURS, 72, at(2026, 10, 26, 15)),
    (at(2026, 10, 23, 16), K.WORKING_WEEK_HOURS, 24, at(2026, 10, 26, 16)),
    (at(2026, 10, 23, 16), K.NEXT_WORKING_DAY, None, at(2026, 10, 26, 17)),
    (at(2026, 10, 23, 16), K.WEEKS, 1, at(2026, 10, 30, 16)),
    (at(2026, 10, 23, 16), K.MONTHS, 1, at(2026, 11, 23, 16)),
]


@pytest.mark.parametrize(
    ("received", "kind", "amount", "due"),
    DST_TABLE,
    ids=[f"{r:%a-%d-%b-%H%M}-{k}" for r, k, _, _ in DST_TABLE],
)
def test_every_kind_across_2026_clock_changes(
    received: datetime, kind: ClockKind, amount: int | None, due: datetime
) -> None:
    assert_same_reading(compute_due_at(_rule(kind, amount), received, CAL), due)
