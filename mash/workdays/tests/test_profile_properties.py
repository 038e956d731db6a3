"""Property tests (hypothesis) of every shipped profile's clocks, and of the calendar around
bank holidays and the clock changes (issue 6 §6). test_properties.py holds the properties of
the arithmetic on the default calendar; these add each profile's own timescales, other
office hours, and moments chosen near the dates where mistakes hide.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from mash.policy.profiles import available_profiles, load_profile
from mash.workdays.calendar import (
    LONDON,
    WorkingCalendar,
    add_elapsed_hours,
    add_working_hours,
    bank_holidays,
    clock_start,
    iter_office_segments,
    working_time_between,
)
from mash.workdays.clocks import ClockKind, ClockRule, compute_due_at, due_time

bounded = settings(max_examples=100, deadline=None)

PROFILES = [load_profile(name) for name in available_profiles()]
RULES = [(p.id, p.calendar, rule) for p in PROFILES for rule in p.timescales]
# The profiles' own calendars, and two others so that nothing leans on 09:00-17:00 Mon-Fri.
CALENDARS = [
    *{profile.calendar for profile in PROFILES},
    WorkingCalendar(opens=time(8, 30), closes=time(16, 45)),
    WorkingCalendar(
        opens=time(7),
        closes=time(19),
        weekdays=frozenset({0, 1, 2, 3, 5}),  # a Saturday service, no Friday
        closures=frozenset({date(2026, 12, 24), date(2027, 12, 24)}),
    ),
]
COUNTED_KINDS = {ClockKind.WORKING_HOURS, ClockKind.WORKING_DAYS}
OFFICE_KINDS = COUNTED_KINDS | {ClockKind.NEXT_WORKING_DAY}


def _localise(naive: datetime) -> datetime:
    """A London reading (fold=0); one in the spring-forward gap moves on by an hour."""
    return naive.replace(tzinfo=LONDON).astimezone(UTC).astimezone(LONDON)


def instant(moment: datetime) -> datetime:
    return moment.astimezone(UTC)


moments = st.datetimes(min_value=datetime(2020, 1, 1), max_value=datetime(2030, 1, 1)).map(
    _localise
)


def _clock_changes() -> list[datetime]:
    """The UK clock changes 2020-2030: 01:00 UTC on the last Sundays of March and October."""
    changes = []
    for year in range(2020, 2031):
        for month in (3, 10):
            last = date(year, month, 31)
            sunday = last - timedelta(days=(last.weekday() + 1) % 7)
            changes.append(datetime.combine(sunday, time(1), tzinfo=UTC))
    return changes


CLOCK_CHANGES = _clock_changes()
near_clock_changes = st.builds(
    lambda change, minutes: (change + timedelta(minutes=minutes)).astimezone(LONDON),
    st.sampled_from(CLOCK_CHANGES),
    st.integers(min_value=-4 * 24 * 60, max_value=4 * 24 * 60),
)
HOLIDAYS = sorted(day for year in range(2020, 2030) for day in bank_holidays(year))
near_bank_holidays = st.builds(
    lambda day, minutes: _localise(datetime.combine(day, time(0)) + timedelta(minutes=minutes)),
    st.sampled_from(HOLIDAYS),
    st.integers(min_value=-4 * 24 * 60, max_value=2 * 24 * 60),
)
any_moment = st.one_of(moments, near_clock_changes, near_bank_holidays)
spans = st.integers(min_value=0, max_value=20 * 8 * 60).map(lambda m: timedelta(minutes=m))
rules = st.sampled_from(RULES)
calendars = st.sampled_from(CALENDARS)


# --------------------------------------------------------------------------- every profile


@bounded
@given(a=any_moment, b=any_moment, rule=rules)
def test_each_profile_clock_is_monotonic(a, b, rule):
    """A later arrival is never due earlier, for every timescale of every profile."""
    _, cal, clock = rule
    early, late = sorted((a, b), key=instant)
    assert instant(compute_due_at(clock, early, cal)) <= instant(compute_due_at(clock, late, cal))


@bounded
@given(received=any_moment, rule=rules)
def test_each_profile_clock_is_due_after_arrival_and_explained(received, rule):
    _, cal, clock = rule
    due = due_time(clock, received, cal)
    assert instant(due.due_at) >= instant(received)
    assert due.due_at == compute_due_at(clock, received, cal)
    assert due.explanation and all(line.strip() for line in due.explanation)


@bounded
@given(received=any_moment, rule=rules.filter(lambda r: r[2].kind in OFFICE_KINDS))
def test_office_time_clocks_fall_due_inside_office_hours_on_working_days(received, rule):
    _, cal, clock = rule
    due = compute_due_at(clock, received, cal)
    assert cal.is_working_day(due.date()), f"{clock.rule_id} due on {due.date()}"
    assert cal.opening(due.date()) < due <= cal.closing(due.date())


@bounded
@given(received=any_moment, rule=rules.filter(lambda r: r[2].kind in COUNTED_KINDS))
def test_office_time_clocks_count_exactly_their_amount_of_office_time(received, rule):
    """Round trip: the office time between arrival and due is the rule's amount, so no
    weekend, bank holiday or clock change is counted."""
    _, cal, clock = rule
    due = compute_due_at(clock, received, cal)
    if clock.kind is ClockKind.WORKING_HOURS:
        expected = timedelta(hours=clock.count)
    else:
        expected = clock.count * cal.working_day_length
    assert working_time_between(received, due, cal) == expected


@bounded
@given(received=any_moment, rule=rules.filter(lambda r: r[2].kind is ClockKind.ELAPSED_HOURS))
def test_elapsed_clocks_are_real_hours_across_the_clock_changes(received, rule):
    _, cal, clock = rule
    due = compute_due_at(clock, received, cal)
    assert instant(due) - instant(received) == timedelta(hours=clock.count)


# --------------------------------------------------------------------------- any calendar


@bounded
@given(start=any_moment, x=spans, y=spans, cal=calendars)
def test_working_hours_in_two_steps_equal_one_step(start, x, y, cal):
    assert add_working_hours(add_working_hours(start, x, cal), y, cal) == add_working_hours(
        start, x + y, cal
    )


@bounded
@given(start=any_moment, span=spans.filter(bool), cal=calendars)
def test_working_hours_land_inside_office_hours_and_round_trip(start, span, cal):
    due = add_working_hours(start, span, cal)
    assert cal.is_working_day(due.date())
    assert cal.opening(due.date()) < due <= cal.closing(due.date())
    assert working_time_between(start, due, cal) == span
    assert working_time_between(clock_start(start, cal), due, cal) == span


def reference_add(start: datetime, span: timedelta, cal: WorkingCalendar) -> datetime:
    """An independent oracle for add_working_hours: walk the days one by one on the wall
    clock, counting office time only on days the calendar opens."""
    position = cal.local(start).replace(tzinfo=None)
    day, remaining = position.date(), span
    while True:
        if cal.is_working_day(day):
            opens, closes = datetime.combine(day, cal.opens), datetime.combine(day, cal.closes)
            begin = max(position, opens)
            if begin <= closes:
                if remaining <= closes - begin:
                    return _localise(begin + remaining)
                remaining -= closes - begin
        day += timedelta(days=1)
        position = datetime.combine(day, time(0))


@bounded
@given(start=st.one_of(near_bank_holidays, near_clock_changes), span=spans, cal=calendars)
def test_bank_holidays_closures_and_clock_changes_are_never_counted(start, span, cal):
    due = add_working_hours(start, span, cal)
    assert instant(due) == instant(reference_add(start, span, cal))
    for begin, _finish in iter_office_segments(start, due, cal):
        assert not cal.is_bank_holiday(begin.date()) and begin.date() not in cal.closures


@bounded
@given(start=near_clock_changes, span=spans, cal=calendars)
def test_a_clock_change_never_moves_a_due_times_reading(start, span, cal):
    """Office-time arithmetic is on wall-clock readings: over a clock change the due time is
    the same reading it would be on any other weekend, and the office time counted is the
    same; only the real hours between differ."""
    due = add_working_hours(start, span, cal)
    assert due.tzinfo is LONDON
    assert working_time_between(start, due, cal) == span
    assert due.utcoffset() in (timedelta(0), timedelta(hours=1))
    assert cal.opening(due.date()).time() == cal.opens
    assert cal.opens <= due.time() <= cal.closes


def test_four_working_hours_over_the_autumn_clock_change_keep_the_reading():
    """Friday 15:00 + 4 working hours is Monday 11:00 on the wall, though the weekend had an
    hour more (and 11:00 GMT is an hour later in UTC than 11:00 BST would have been)."""
    cal = PROFILES[0].calendar
    friday = datetime(2026, 10, 23, 15, 0, tzinfo=LONDON)
    due = add_working_hours(friday, timedelta(hours=4), cal)
    assert (due.date(), due.time()) == (date(2026, 10, 26), time(11, 0))
    assert due.utcoffset() == timedelta(0) and friday.utcoffset() == timedelta(hours=1)
    assert add_elapsed_hours(friday, 72).time() == time(14, 0)  # real hours: the reading moves


def test_every_profile_has_timescales_to_test():
    assert {profile.id for profile in PROFILES} >= {"calderdale", "northamptonshire", "rotherham"}
    assert all(profile.timescales for profile in PROFILES)
    assert all(isinstance(rule, ClockRule) for _, _, rule in RULES)
