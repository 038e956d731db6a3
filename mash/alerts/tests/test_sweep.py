"""The deadline sweep (issue 7, RULES.md §2): lead times, stages, idempotency, recipients."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.test import override_settings

from conftest import child, contact_details, screen_at_threshold
from mash.accounts.models import Team
from mash.alerts import lead, sweep
from mash.alerts.models import Alert
from mash.alerts.tests.conftest import LONDON, MONDAY_9AM
from mash.contacts import services
from mash.contacts.models import Contact

pytestmark = pytest.mark.django_db


def _record(by, **overrides) -> Contact:
    details = contact_details(received_at=MONDAY_9AM, **overrides)
    return services.record_contact(by=by, people=[child()], **details)


def _alerts(contact, rule_id, stage=None):
    found = Alert.objects.filter(contact=contact, clock__rule_id=rule_id)
    if stage:
        found = found.filter(stage=stage)
    return {(a.recipient.username, a.why) for a in found}


@pytest.fixture
def team(in_mash, carys, sam, priya, meera):
    in_mash(carys, sam, priya, meera)
    return {"carys": carys, "sam": sam, "priya": priya, "meera": meera}


# --------------------------------------------------------------------------- lead time


@override_settings(MASH_ALERT_LEAD_MINUTES="60", MASH_ALERT_LEAD_MINUTES_BY_RULE={"TS-4": "240"})
def test_lead_time_per_rule(monday, team):
    contact = _record(team["carys"])
    ts4 = contact.clocks.get(rule_id="TS-4")
    ts1 = contact.clocks.get(rule_id="TS-1")
    assert ts4.due_at == MONDAY_9AM + timedelta(hours=48)  # elapsed hours (IN-7)
    # TS-1 (due first) keeps the default hour: not flagged 61 minutes ahead, flagged at 60.
    sweep.sweep(now=ts1.due_at - timedelta(minutes=61))
    assert _alerts(contact, "TS-1") == set()
    sweep.sweep(now=ts1.due_at - timedelta(minutes=60))
    assert _alerts(contact, "TS-1", "APPROACHING")
    # TS-4 has its own four hours.
    sweep.sweep(now=ts4.due_at - timedelta(minutes=241))
    assert _alerts(contact, "TS-4") == set()
    sweep.sweep(now=ts4.due_at - timedelta(minutes=240))
    assert ("carys", "RESPONSIBLE_WORKER") in _alerts(contact, "TS-4", "APPROACHING")


@pytest.mark.parametrize(
    ("default", "by_rule", "words"),
    [
        ("-5", {}, "MASH_ALERT_LEAD_MINUTES is '-5'"),
        ("soon", {}, "whole number of minutes"),
        ("60", {"TS-4": "-1"}, "MASH_ALERT_LEAD_MINUTES_BY_RULE[TS-4]"),
        ("60", {"TS-4": "2.5"}, "whole number"),
        ("60", {"ACK": "30"}, "clock rule ids"),
    ],
)
def test_a_bad_lead_time_is_a_clear_error(default, by_rule, words):
    with (
        override_settings(MASH_ALERT_LEAD_MINUTES=default, MASH_ALERT_LEAD_MINUTES_BY_RULE=by_rule),
        pytest.raises(ImproperlyConfigured, match=words.replace("[", r"\[").replace("]", r"\]")),
    ):
        lead.lead_times()


# --------------------------------------------------------------------------- the stages


def test_approaching_then_breached_then_met_resolves(monday, team):
    contact = _record(team["carys"])
    ts4 = contact.clocks.get(rule_id="TS-4")
    sweep.sweep(now=ts4.due_at - timedelta(minutes=30))
    # carys (she recorded it), priya and meera (the MASH team's managers)
    assert _alerts(contact, "TS-4", "APPROACHING") == {
        ("carys", "RESPONSIBLE_WORKER"),
        ("priya", "MANAGER"),
        ("meera", "MANAGER"),
    }
    sweep.sweep(now=ts4.due_at + timedelta(minutes=1))
    assert Alert.objects.filter(clock=ts4, stage="BREACHED").count() == 3
    assert (
        Alert.objects.filter(clock=ts4, stage="APPROACHING", resolution="SUPERSEDED").count() == 3
    )
    carys_open = Alert.objects.filter(recipient=team["carys"], clock=ts4).open()
    assert list(carys_open.values_list("stage", flat=True)) == ["BREACHED"]
    monday.move_to(ts4.due_at + timedelta(hours=1))
    services.record_written_confirmation(contact, by=team["sam"], note="MARF by email")
    # Off the open list at once, before the sweep resolves it.
    assert not carys_open.exists()
    sweep.sweep(now=ts4.due_at + timedelta(hours=1, minutes=1))
    assert not Alert.objects.filter(clock=ts4, resolved_at__isnull=True).exists()
    assert set(
        Alert.objects.filter(clock=ts4, stage="BREACHED").values_list("resolution", flat=True)
    ) == {"MET"}


def test_a_clock_first_seen_overdue_raises_only_the_overdue_alert(monday, team):
    contact = _record(team["carys"])
    ts4 = contact.clocks.get(rule_id="TS-4")
    sweep.sweep(now=ts4.due_at + timedelta(hours=2))
    assert _alerts(contact, "TS-4", "APPROACHING") == set()
    assert _alerts(contact, "TS-4", "BREACHED")


# --------------------------------------------------------------------------- idempotency


def test_sweeping_twice_raises_each_alert_once(monday, team):
    contact = _record(team["carys"])
    at = contact.clocks.get(rule_id="TS-4").due_at + timedelta(minutes=5)
    first = sweep.sweep(now=at)
    count = Alert.objects.count()
    second = sweep.sweep(now=at)
    assert first.raised == count > 0
    assert second.raised == 0 and second.clocks == 0  # nothing left to do: not even read
    assert Alert.objects.count() == count


def test_a_concurrent_duplicate_is_refused_and_the_sweep_carries_on(monday, team):
    contact = _record(team["carys"])
    ts4 = contact.clocks.get(rule_id="TS-4")
    at = ts4.due_at + timedelta(minutes=5)
    ids = sweep.candidates(at)
    # Another sweep, started at the same moment, has already raised Carys's alert.
    Alert.objects.create(
        clock=ts4,
        contact=contact,
        stage="BREACHED",
        recipient=team["carys"],
        why="RESPONSIBLE_WORKER",
        explanation="by the other sweep",
        raised_at=at,
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        Alert.objects.create(
            clock=ts4,
            contact=contact,
            stage="BREACHED",
            recipient=team["carys"],
            why="RESPONSIBLE_WORKER",
            explanation="twice",
            raised_at=at,
        )
    result = sweep.sweep_clocks(ids, at)
    assert result.raised >= 2  # the managers' alerts, and every other clock's
    assert Alert.objects.filter(clock=ts4, stage="BREACHED", recipient=team["carys"]).count() == 1
    assert _alerts(contact, "TS-4", "BREACHED") >= {("priya", "MANAGER"), ("meera", "MANAGER")}


def test_the_sweep_reads_only_clocks_with_work_to_do(monday, team, django_assert_max_num_queries):
    for _ in range(3):
        _record(team["carys"])
    far = MONDAY_9AM + timedelta(minutes=5)  # nothing is due within an hour
    with django_assert_max_num_queries(2):
        assert sweep.sweep(now=far).clocks == 0


# --------------------------------------------------------------------------- who is told


def test_the_screener_then_the_requester_of_checks_is_responsible_for_ts2(monday, team, police):
    from mash.sharing import services as sharing

    contact = _record(team["carys"])
    screen_at_threshold(contact, checked_by=team["sam"], screened_by=team["priya"], rag="RED")
    ts2 = contact.clocks.get(rule_id="TS-2")
    sweep.sweep(now=ts2.due_at - timedelta(minutes=10))
    assert ("priya", "RESPONSIBLE_WORKER") in _alerts(contact, "TS-2", "APPROACHING")
    sharing.request_checks(
        contact,
        by=team["sam"],
        agency_codes=[police.code],
        concern_summary="c",
        question="q",
        legal_basis="CA1989_S47",
    )
    sweep.sweep(now=ts2.due_at + timedelta(minutes=1))
    assert _alerts(contact, "TS-2", "BREACHED") == {
        ("sam", "RESPONSIBLE_WORKER"),
        ("priya", "MANAGER"),
        ("meera", "MANAGER"),
    }
    sam_alert = Alert.objects.get(clock=ts2, stage="BREACHED", recipient=team["sam"])
    assert "You sent the requests for checks" in sam_alert.explanation


def test_nobody_worked_on_it_so_only_the_managers_are_told(monday, team):
    details = contact_details(
        received_at=MONDAY_9AM, channel=Contact.Channel.ONLINE_FORM, referrer_source="2A"
    )
    contact = services.record_contact(by=None, people=[child()], **details)
    ts1 = contact.clocks.get(rule_id="TS-1")
    sweep.sweep(now=ts1.due_at + timedelta(minutes=1))
    assert _alerts(contact, "TS-1", "BREACHED") == {("priya", "MANAGER"), ("meera", "MANAGER")}
    assert (
        "Nobody in the MASH has worked on it yet"
        in Alert.objects.filter(contact=contact).first().explanation
    )


def test_the_holding_team_s_managers_are_told(monday, team, csc, profile):
    from conftest import _persona
    from mash.accounts.models import Role

    other = Team.objects.get(code="childrens-team")
    tm = _persona("tomos", Role.TEAM_MANAGER, csc)
    tm.memberships.update(team=other, starts_at=datetime(2026, 1, 1, tzinfo=LONDON))
    contact = _record(team["carys"])
    Contact.objects.filter(pk=contact.pk).update(held_by=other)
    ts1 = contact.clocks.get(rule_id="TS-1")
    sweep.sweep(now=ts1.due_at + timedelta(minutes=1))
    assert _alerts(contact, "TS-1", "BREACHED") == {
        ("carys", "RESPONSIBLE_WORKER"),  # the last to move it on: she recorded it
        ("tomos", "MANAGER"),
    }
    assert Alert.objects.filter(contact=contact).first().team == other


# --------------------------------------------------------------------------- a working-hours clock


def test_ts2_red_over_christmas_is_flagged_an_hour_before_its_working_hours_due_time(team):
    """TS-2 RED, 4 working hours, screened Thursday 24 December 2026 at 3pm: two hours that
    day, then Christmas Day and the Boxing Day substitute bank holiday (Monday 28) pause it,
    so it is due Tuesday 29 December at 11am. The lead is plain wall-clock minutes: with an
    hour's lead the alert comes at 10am on the Tuesday, not on Christmas Eve."""
    import time_machine

    eve = datetime(2026, 12, 24, 15, 0, tzinfo=LONDON)
    with time_machine.travel(eve, tick=False):
        contact = services.record_contact(
            by=team["carys"], people=[child()], **contact_details(received_at=eve)
        )
        screen_at_threshold(contact, checked_by=team["sam"], screened_by=team["priya"], rag="RED")
    ts2 = contact.clocks.get(rule_id="TS-2")
    assert ts2.due_at == datetime(2026, 12, 29, 11, 0, tzinfo=LONDON)
    for quiet in (
        datetime(2026, 12, 24, 16, 30),
        datetime(2026, 12, 28, 12, 0),
        datetime(2026, 12, 29, 9, 59),
    ):
        sweep.sweep(now=quiet.replace(tzinfo=LONDON))
        assert _alerts(contact, "TS-2") == set(), quiet
    sweep.sweep(now=datetime(2026, 12, 29, 10, 0, tzinfo=LONDON))
    assert ("priya", "RESPONSIBLE_WORKER") in _alerts(contact, "TS-2", "APPROACHING")


# --------------------------------------------------------------------------- the command


def test_the_command_prints_the_result_as_json(monday, team, capsys):
    import json

    contact = _record(team["carys"])
    due = contact.clocks.get(rule_id="TS-4").due_at
    call_command("alerts", "sweep", "--now", (due + timedelta(minutes=1)).isoformat())
    printed = json.loads(capsys.readouterr().out)
    assert printed["raised"] == Alert.objects.count() > 0
    assert set(printed) == {"raised", "resolved", "emailed", "chased", "clocks", "failed"}


def test_each_clock_costs_the_same_few_queries(monday, team):
    """No query grows with the number of clocks: a sweep over three overdue TS-1 clocks costs
    three times one clock's queries, plus the two that find them."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries_for(contacts: int) -> int:
        Alert.objects.all().delete()
        made = [_record(team["carys"]) for _ in range(contacts)]
        due = made[0].clocks.get(rule_id="TS-1").due_at
        with CaptureQueriesContext(connection) as captured:
            result = sweep.sweep(now=due + timedelta(minutes=1))
        assert result.clocks == contacts
        return len(captured.captured_queries) - 2  # the two that find them

    one = queries_for(1)
    from mash.contacts.models import Clock

    Clock.objects.update(met_at=MONDAY_9AM)  # nothing left over from the first run
    Alert.objects.all().delete()
    assert queries_for(3) == 3 * one
    assert one <= 25  # a few reads, and three inserts in savepoints, and the audit event


def test_the_command_explains_a_bad_time():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="--now must be a date and time"):
        call_command("alerts", "sweep", "--now", "next tuesday")


def test_a_clock_overdue_for_longer_than_the_max_age_is_history_not_news(monday, team, settings):
    """MASH_ALERT_MAX_AGE_DAYS: the first sweep after an upgrade does not alert (or chase)
    for every old contact; a clock overdue within the window still alerts."""
    settings.MASH_ALERT_MAX_AGE_DAYS = 30
    contact = _record(team["carys"])
    latest = max(contact.clocks.values_list("due_at", flat=True))
    assert sweep.sweep(now=latest + timedelta(days=31)).raised == 0
    assert not Alert.objects.exists()
    assert sweep.sweep(now=latest + timedelta(days=29)).raised > 0


def test_one_failing_clock_does_not_stop_the_others(monday, team, monkeypatch):
    """A clock whose alerts cannot be raised (here: the recipients lookup fails for it) is
    rolled back and counted; the sweep goes on to the next and tries it again next time."""
    first, second = _record(team["carys"]), _record(team["carys"])
    broken = first.clocks.get(rule_id="TS-1")
    real = sweep.recipients

    def failing(clock, team_):
        if clock.pk == broken.pk:
            raise RuntimeError("synthetic failure")
        return real(clock, team_)

    monkeypatch.setattr(sweep, "recipients", failing)
    result = sweep.sweep(now=broken.due_at + timedelta(minutes=1))
    assert result.failed == 1
    assert Alert.objects.filter(contact=second).exists()
    assert not Alert.objects.filter(clock=broken).exists()
    monkeypatch.setattr(sweep, "recipients", real)
    assert sweep.sweep(now=broken.due_at + timedelta(minutes=2)).failed == 0
    assert Alert.objects.filter(clock=broken).exists()
