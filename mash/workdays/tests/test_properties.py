"""Property tests for the clock arithmetic (hypothesis), 2020-2030 in Europe/London."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from mash.workdays.calendar import (
    LONDON,
    WorkingCalendar,
    add_elapsed_hours,
    add_working_days,
    add_working_hours,
    add_working_week_hours,
    close_of_next_working_day,
    working_time_between,
)
from mash.workdays.clocks import ClockKind, ClockRule, compute_due_at

CAL = WorkingCalendar()
modest = settings(max_examples=200, deadline=None)


def _localise(naive: datetime) -> datetime:
    """A London reading, fold=0; one in the spring-forward gap moves on by an hour."""
    return naive.replace(tzinfo=LONDON).astimezone(UTC).astimezone(LONDON)


moments = st.datetimes(min_value=datetime(2020, 1, 1), max_value=datetime(2030, 1, 1)).map(
    _localise
)
office_moments = moments.filter(
    lambda m: CAL.is_working_day(m.date()) and CAL.opening(m.date()) <= m <= CAL.closing(m.date())
)
# whole minutes, up to 30 working days of 8 hours
spans = st.integers(min_value=0, max_value=30 * 8 * 60).map(lambda m: timedelta(minutes=m))
positive_spans = spans.filter(lambda s: s > timedelta(0))
day_counts = st.integers(min_value=0, max_value=30)

Clock = Callable[[datetime, timedelta], datetime]
clocks: st.SearchStrategy[Clock] = st.sampled_from(
    [
        lambda s, h: add_working_hours(s, h, CAL),
        lambda s, h: add_working_week_hours(s, h, CAL),
    ]
)


def instant(moment: datetime) -> datetime:
    return moment.astimezone(UTC)


@modest
@given(a=moments, b=moments, span=spans, clock=clocks)
def test_monotonic_in_start(a: datetime, b: datetime, span: timedelta, clock: Clock) -> None:
    early, late = sorted((a, b), key=instant)
    assert instant(clock(early, span)) <= instant(clock(late, span))


@modest
@given(a=moments, b=moments, days=day_counts)
def test_day_clocks_monotonic_in_start(a: datetime, b: datetime, days: int) -> None:
    early, late = sorted((a, b), key=instant)
    assert instant(add_working_days(early, days, CAL)) <= instant(add_working_days(late, days, CAL))
    assert instant(close_of_next_working_day(early, CAL)) <= instant(
        close_of_next_working_day(late, CAL)
    )


@modest
@given(start=moments, x=spans, y=spans, clock=clocks)
def test_monotonic_in_amount(start: datetime, x: timedelta, y: timedelta, clock: Clock) -> None:
    small, large = sorted((x, y))
    assert instant(clock(start, small)) <= instant(clock(start, large))


@modest
@given(start=moments, span=positive_spans)
def test_working_hours_land_inside_office_hours(start: datetime, span: timedelta) -> None:
    due = add_working_hours(start, span, CAL)
    assert due.tzinfo is LONDON
    assert CAL.is_working_day(due.date())
    assert CAL.opening(due.date()) < due <= CAL.closing(due.date())


@modest
@given(start=moments, days=st.integers(min_value=1, max_value=30))
def test_working_days_land_at_the_same_reading_or_closing(start: datetime, days: int) -> None:
    due = add_working_days(start, days, CAL)
    assert CAL.is_working_day(due.date())
    assert CAL.opening(due.date()) < due <= CAL.closing(due.date())


@modest
@given(start=moments, x=spans, y=spans)
def test_working_hours_are_additive(start: datetime, x: timedelta, y: timedelta) -> None:
    in_one = add_working_hours(start, x + y, CAL)
    in_two = add_working_hours(add_working_hours(start, x, CAL), y, CAL)
    assert in_one == in_two


@modest
@given(start=moments, x=spans, y=spans)
def test_working_week_hours_are_additive(start: datetime, x: timedelta, y: timedelta) -> None:
    in_one = add_working_week_hours(start, x + y, CAL)
    in_two = add_working_week_hours(add_working_week_hours(start, x, CAL), y, CAL)
    assert instant(in_one) == instant(in_two)


@modest
@given(start=office_moments, span=spans)
def test_time_between_inverts_working_hours(start: datetime, span: timedelta) -> None:
    due = add_working_hours(start, span, CAL)
    assert working_time_between(start, due, CAL) == span
    assert working_time_between(due, start, CAL) == -span


@modest
@given(start=moments, span=spans)
def test_time_between_inverts_working_hours_from_any_start(
    start: datetime, span: timedelta
) -> None:
    assert working_time_between(start, add_working_hours(start, span, CAL), CAL) == span


@modest
@given(start=moments, hours=st.integers(min_value=-1000, max_value=1000))
def test_elapsed_hours_are_utc_arithmetic(start: datetime, hours: int) -> None:
    due = add_elapsed_hours(start, hours)
    assert due.tzinfo is LONDON
    assert instant(due) == instant(start) + timedelta(hours=hours)


rules = st.one_of(
    st.builds(
        ClockRule,
        rule_id=st.just("TS-x"),
        kind=st.sampled_from([k for k in ClockKind if k is not ClockKind.NEXT_WORKING_DAY]),
        amount=st.integers(min_value=1, max_value=400),
        label=st.just("test"),
        source=st.just("test"),
    ),
    st.just(ClockRule("TS-7", ClockKind.NEXT_WORKING_DAY, None, "test", "test")),
)


@modest
@given(start=moments, rule=rules)
def test_due_is_never_before_received(start: datetime, rule: ClockRule) -> None:
    due = compute_due_at(rule, start, CAL)
    assert instant(due) >= instant(start)
    assert due.tzinfo is LONDON
