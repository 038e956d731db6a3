"""The managers' daily overview (issue 8 §1, DM-2): figures counted by hand on small worlds
built through the services, the time left on clocks, breaches and their reasons, partner
response times, ageing across Christmas, filters, permission, the audit event and the
number of queries."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from conftest import child, contact_details, screen_at_threshold, share_checks
from mash.accounts.models import Membership, Role, Team, User
from mash.alerts import services as alert_services
from mash.alerts import sweep
from mash.alerts.models import Alert
from mash.audit.models import AuditEvent
from mash.contacts import services
from mash.contacts.models import Contact
from mash.disputes import services as disputes
from mash.policy.profiles import active_profile
from mash.reports.overview.selectors import (
    NO_REASON,
    build_overview,
    time_left,
    working_time_back,
)
from mash.routing import services as routing
from mash.sharing import services as sharing
from mash.workdays.calendar import working_time_between

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")


def at(day: int, hour: int, minute: int = 0, month: int = 11) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=LONDON)


def counts(rows) -> dict[str, int]:
    return {row.label: row.count for row in rows}


def record(by, when: datetime, **overrides) -> Contact:
    """A contact received at `when` (time stands there while it is recorded)."""
    with time_machine.travel(when, tick=False):
        return services.record_contact(
            by=by, people=[child()], **contact_details(received_at=when, **overrides)
        )


# Written, so no TS-4 (IN-7); anonymous, so no TS-5 (IN-8, IN-9): TS-1 only.
QUIET = {
    "channel": Contact.Channel.WRITTEN_REFERRAL,
    "referrer_source": "9",
    "referrer_name": "",
    "referrer_phone": "",
}


@pytest.fixture(autouse=True)
def _staff_since_january(carys, sam, priya, meera, polly):
    """The personas' roles started this year, before any moment these tests travel to."""
    Membership.objects.update(starts_at=datetime(2026, 1, 1, tzinfo=LONDON))


@pytest.fixture
def partner_users(profile, polly):
    """Polly (police) and Hana (health), partner officers."""
    from mash.accounts.models import Agency

    hana = User.objects.create_user(username="hana", first_name="Hana", last_name="Tester")
    Membership.objects.create(
        user=hana,
        agency=Agency.objects.get(kind="health"),
        role=Role.PARTNER_OFFICER,
        starts_at=datetime(2026, 1, 1, tzinfo=LONDON),
    )
    return polly, hana


# --------------------------------------------------------------------------- workload


@pytest.fixture
def workload(carys, sam, priya, meera, polly):
    """Five contacts on Monday 30 November 2026, counted by hand:

    A  recorded by Carys                              RECEIVED          MASH   worker Carys
    B  screened RED by Priya                          MASH checks       MASH   worker Priya
    C  screened AMBER, checked, recommended by Sam    awaiting decision MASH   worker Sam
    D  passed by Meera to the Early Help Team          passed on         EHT    worker Meera
    E  decided by Meera and closed by Sam              closed: not counted

    So 4 open: 1 awaiting screening, 1 passed on, 1 MASH checks, 1 awaiting decision; the MASH
    holds 3 and the Early Help Team 1; one each for Carys, Priya, Sam and Meera.
    """
    made = {}
    # Time runs here: the route suggested after the history check must be the latest one.
    with time_machine.travel(at(30, 8, 30), tick=True):
        made["D"] = services.record_contact(by=carys, people=[child()], **contact_details())
        for person in made["D"].children():
            services.confirm_new_person(person, by=sam)
        routing.choose_route(
            made["D"],
            by=meera,
            destination="EARLY_HELP_WORKER",
            team="early-help",
            reason="The family asked for early help; nothing suggests harm.",
        )
    with time_machine.travel(at(30, 9), tick=False):
        made["A"] = services.record_contact(by=carys, people=[child()], **contact_details())
        made["B"] = services.record_contact(by=carys, people=[child()], **contact_details())
        screen_at_threshold(made["B"], checked_by=sam, screened_by=priya, rag="RED")
        for name in ("C", "E"):
            made[name] = services.record_contact(by=carys, people=[child()], **contact_details())
            screen_at_threshold(made[name], checked_by=sam, screened_by=priya, rag="AMBER")
            share_checks(made[name], asked_by=sam, partner=polly)
            services.recommend_outcome(
                made[name],
                by=sam,
                outcome="S17",
                rationale="Needs an assessment.",
                analysis="The police know the family.",
            )
        services.decide(
            made["E"],
            by=meera,
            agrees=True,
            outcome="S17",
            rationale="Agreed: child in need assessment.",
            team="childrens-team",
        )
        services.close_contact(made["E"], by=sam)
    for contact in made.values():
        contact.refresh_from_db()
    return made


def test_workload_by_stage_team_and_worker(workload, carys, sam, priya, meera):
    assert workload["D"].status == Contact.Status.PASSED_ON  # the setting-up worked
    assert workload["E"].status == Contact.Status.CLOSED
    found = build_overview(now=at(30, 15))
    assert found.open_total == 4
    assert [(row.key, row.count) for row in found.by_stage] == [
        ("RECEIVED", 1),
        ("PASSED_ON", 1),
        ("INFORMATION_SHARING", 1),
        ("AWAITING_RECOMMENDATION", 0),
        ("AWAITING_DECISION", 1),
        ("DECIDED", 0),
    ]
    assert found.by_stage[0].label == "Awaiting screening"  # the status words
    assert [(row.label, row.count) for row in found.by_team] == [
        ("MASH", 3),
        ("Early Help Team", 1),
    ]
    assert counts(found.by_worker) == {
        "Carys Tester": 1,
        "Priya Tester": 1,
        "Sam Tester": 1,
        "Meera Tester": 1,
    }


def test_the_filters_narrow_every_figure(workload):
    red = build_overview(now=at(30, 15), rag="RED")
    assert red.open_total == 1 and counts(red.by_worker) == {"Priya Tester": 1}
    assert {c.reference for c in red.clocks.object_list} == {workload["B"].reference}
    early_help = build_overview(now=at(30, 15), team="early-help")
    assert early_help.open_total == 1
    assert [(row.label, row.count) for row in early_help.by_team] == [("Early Help Team", 1)]
    mash = build_overview(now=at(30, 15), team="mash")  # the MASH holds what is not passed on
    assert mash.open_total == 3
    assert counts(mash.ageing)["Under 1 working day"] == 3


# --------------------------------------------------------------------------- clocks


def test_open_clocks_soonest_first_with_working_time_left_and_overdue(carys, sam, priya):
    """Received by telephone and screened RED on Monday 30 November at 9am; at 3:30pm:

    TS-2 RED checks, 4 working hours: due 1pm, 2 working hours 30 minutes overdue
    TS-1 decision, 1 working day: due Tuesday 9am, 1h30 of office time left (3:30 to 5pm)
    TS-4 written confirmation, 48 hours (elapsed): due Wednesday 9am, 1 day 17 hours left
    TS-5 acknowledgement, 24 working hours: due Thursday 9am, 1.5 + 8 + 8 = 17h30 left
    """
    contact = record(carys, at(30, 9))
    with time_machine.travel(at(30, 9), tick=False):
        screen_at_threshold(contact, checked_by=sam, screened_by=priya, rag="RED")
    found = build_overview(now=at(30, 15, 30))
    rows = [(c.rule_id, c.left.words, c.left.overdue) for c in found.clocks.object_list]
    assert rows == [
        ("TS-2", "2 working hours 30 minutes overdue", True),
        ("TS-1", "1 working hour 30 minutes left", False),
        ("TS-4", "1 day 17 hours left", False),
        ("TS-5", "17 working hours 30 minutes left", False),
    ]
    assert found.clocks.object_list[2].left.counts == "elapsed time"
    assert {c.reference for c in found.clocks.object_list} == {contact.reference}


def test_clocks_that_run_on_after_closing_are_shown(carys, sam, priya, meera):
    """A school's telephone call on Monday 30 November at 9am, decided NFA and closed at
    9am: the decision clock (TS-1) is met, but written confirmation (TS-4, 48 hours: due
    Wednesday 9am) and the acknowledgement (TS-5) still run, and are listed at 3:30pm."""
    contact = record(carys, at(30, 9))
    below = next(
        lvl.code
        for lvl in active_profile().threshold_model.levels
        if not lvl.leads_to_checks and not lvl.information_sharing
    )
    with time_machine.travel(at(30, 9), tick=False):
        for person in contact.children():
            services.confirm_new_person(person, by=sam)
        services.screen_contact(
            contact, by=priya, threshold_level=below, rag="GREEN", consent="GIVEN", rationale="Low."
        )
        services.recommend_outcome(contact, by=sam, outcome="NFA", rationale="Advice.")
        services.decide(contact, by=meera, agrees=True, outcome="NFA", rationale="Agreed.")
        services.close_contact(contact, by=meera)
    found = build_overview(now=at(30, 15, 30))
    rows = [(c.rule_id, c.left.words, c.contact_closed) for c in found.clocks.object_list]
    assert rows == [
        ("TS-4", "1 day 17 hours left", True),
        ("TS-5", "17 working hours 30 minutes left", True),
    ]
    assert found.open_total == 0  # the contact itself is closed


def test_time_left_pauses_where_the_clock_pauses():
    # Rotherham's TS-6, 24 hours (working week): from Friday 6pm the weekend does not count.
    review = time_left("TS-6", at(30, 18), at(27, 18), "rotherham")
    assert (review.words, review.counts) == ("24 hours left", "working-week time")
    # Due at 5pm, now 7pm: overdue, but no office time has passed since.
    late = time_left("TS-1", at(30, 17), at(30, 19), "northamptonshire")
    assert late.overdue and late.words == "overdue (no office time has passed since it fell due)"
    soon = time_left("TS-1", at(30, 17), at(30, 16, 59) + timedelta(seconds=30), "northamptonshire")
    assert soon.words == "less than a minute left"


def test_open_clocks_are_paginated(carys):
    for hour in range(9, 12):
        for minute in range(0, 60, 3):
            record(carys, at(30, hour, minute), **QUIET)  # 60 contacts, one TS-1 each
    first = build_overview(now=at(30, 13))
    assert first.clocks.paginator.count == 60 and len(first.clocks.object_list) == 50
    second = build_overview(now=at(30, 13), clocks_page="2")
    assert len(second.clocks.object_list) == 10
    assert build_overview(now=at(30, 13), clocks_page="nonsense").clocks.number == 1


# --------------------------------------------------------------------------- breaches


@pytest.fixture
def breaches(carys, sam, priya, meera, partner_users):
    """Now is Monday 30 November 2026 3:30pm; the period starts Monday 23 November, midnight.

    P  received Mon 23 9am (written, anonymous: TS-1 only). TS-1 due Tue 24 9am, still open.
       Carys acknowledged the overdue alert: "Waiting for the school to call back."
    Q  received Tue 24 9am, screened RED: TS-2 due 1pm. Police awaiting information from
       DC Rhys Jones, Domestic abuse officer (MA-3); the MASH went ahead without health.
       TS-1 due Wed 25 9am, still open, nothing recorded.
    R  received Wed 25 9am by email from a school (TS-1 and TS-5). TS-1 due Thu 26 9am, still
       open. TS-5 due Fri 27 5pm, acknowledged on Mon 30 at 10am ("Letter posted"): late,
       no reason recorded.
    S  received Mon 16 9am (written, anonymous): TS-1 due Tue 17, before the period.
    So 5 breaches: P TS-1, Q TS-1, Q TS-2, R TS-1, R TS-5.
    """
    polly, hana = partner_users
    for user in (carys, sam, priya, meera):
        user.memberships.update(team=Team.objects.get(kind="mash"), starts_at=at(1, 9))
    made = {"P": record(carys, at(23, 9), **QUIET), "S": record(carys, at(16, 9), **QUIET)}
    sweep.sweep(now=at(24, 9, 5))
    alert = Alert.objects.get(contact=made["P"], recipient=carys, stage="BREACHED")
    alert_services.acknowledge(
        [alert.pk], by=carys, reason="Waiting for the school to call back.", now=at(24, 9, 30)
    )
    made["Q"] = record(carys, at(24, 9), **QUIET)
    with time_machine.travel(at(24, 9), tick=False):
        screen_at_threshold(made["Q"], checked_by=sam, screened_by=priya, rag="RED")
        police, health = sharing.request_checks(
            made["Q"],
            by=sam,
            agency_codes=["police", "health"],
            concern_summary="Bruising seen at school.",
            question="What do you hold?",
            legal_basis="CA1989_S47",
        )
    with time_machine.travel(at(24, 10), tick=False):
        sharing.record_contribution(
            police,
            by=polly,
            answer=sharing.Answer(
                kind="AWAITING",
                awaiting_asked_at=at(24, 9, 45),
                awaiting_method="EMAIL",
                awaiting_from_name="DC Rhys Jones",
                awaiting_from_designation="Domestic abuse officer",
            ),
        )
    with time_machine.travel(at(24, 14), tick=False):
        sharing.close_unanswered(
            health, by=sam, reason="The GP surgery is closed today; the child cannot wait."
        )
    made["R"] = record(
        carys, at(25, 9), channel=Contact.Channel.EMAIL, referrer_email="head@school.example.org"
    )
    with time_machine.travel(at(30, 10), tick=False):
        services.record_acknowledgement(made["R"], by=carys, note="Letter posted")
    return made


def test_breaches_in_the_period_with_the_reasons_recorded(breaches):
    found = build_overview(now=at(30, 15, 30))
    assert found.breaches_since == at(23, 0)
    listed = {(b.reference, b.rule_id): b for b in found.breaches}
    assert found.breaches_total == 5
    assert set(listed) == {
        (breaches["P"].reference, "TS-1"),
        (breaches["Q"].reference, "TS-1"),
        (breaches["Q"].reference, "TS-2"),
        (breaches["R"].reference, "TS-1"),
        (breaches["R"].reference, "TS-5"),
    }
    assert [(b.due_at) for b in found.breaches] == sorted(
        (b.due_at for b in found.breaches), reverse=True
    )
    p = listed[(breaches["P"].reference, "TS-1")]
    assert p.reasons == (
        "Alert acknowledged by Carys Tester, Tuesday 24 November 2026 at 9:30am: "
        "Waiting for the school to call back.",
    )
    q = listed[(breaches["Q"].reference, "TS-2")]
    assert q.reasons == (  # by agency name
        "Went ahead without an answer from NHS and health services (Sam Tester): The GP "
        "surgery is closed today; the child cannot wait.",
        "Northamptonshire Police is awaiting information from DC Rhys Jones, Domestic abuse "
        "officer (asked Tuesday 24 November 2026 at 9:45am, by email) (MA-3)",
    )
    assert q.late_words == "Still open: 34 working hours 30 minutes overdue"
    r = listed[(breaches["R"].reference, "TS-5")]
    assert r.reasons == (NO_REASON,)
    assert r.met_note == "Letter posted"
    assert r.late_words == "Met Monday 30 November 2026 at 10am, 1 working hour late"
    assert listed[(breaches["Q"].reference, "TS-1")].reasons == (NO_REASON,)


def test_a_dispute_explains_the_decision_clock(carys, sam, priya, meera, polly):
    """A dispute raised before the decision was due holds the decision (DM-1)."""
    contact = record(carys, at(24, 9), **QUIET)
    with time_machine.travel(at(24, 9, 30), tick=False):
        screen_at_threshold(contact, checked_by=sam, screened_by=priya, rag="AMBER")
        share_checks(contact, asked_by=sam, partner=polly)
        services.recommend_outcome(
            contact, by=sam, outcome="NFA", rationale="No role.", analysis="Nothing known."
        )
        dispute = disputes.raise_dispute(
            contact, by=priya, reason="The police's answer suggests harm.", proposed_outcome="S17"
        )
    found = build_overview(now=at(30, 15))
    reasons = {(b.rule_id): b.reasons for b in found.breaches}
    assert reasons["TS-1"] == (
        "A dispute about the recommendation was open from Tuesday 24 November 2026 at 9:30am, "
        "so no decision could be made (DM-1)",
    )
    assert reasons["TS-8"] == ("Dispute still open with the Team Managers (DM-1)",)
    assert dispute.is_open


# --------------------------------------------------------------------------- partners


def test_partner_response_times_by_agency(carys, sam, priya, partner_users):
    """Now Monday 30 November 2026 3:30pm; the last 28 days start Monday 2 November 3:30pm.

    K1, K2, K3 screened RED on Monday 16 November at 9am; police and health asked at 9am
    (deadline TS-2, 4 working hours: 1pm).
    Police: K1 answered 10am (1 working hour), K2 noon (3), K3 Tuesday 9am (8, late).
      Median 3 working hours; 2 of 3 by the deadline.
    Health: K1 answered 11am (2 working hours); K2 awaiting (MA-3), still outstanding.
      Median 2 working hours; 1 of 2 due by now answered in time.
    K0 screened on Monday 26 October: police asked, never answered: outside the 28 days, but
      outstanding (and overdue).
    """
    polly, hana = partner_users
    nil = sharing.Answer(kind="NIL_RETURN")

    def asked(when, codes):
        contact = record(carys, when, **QUIET)
        with time_machine.travel(when, tick=False):
            screen_at_threshold(contact, checked_by=sam, screened_by=priya, rag="RED")
            return sharing.request_checks(
                contact,
                by=sam,
                agency_codes=codes,
                concern_summary="Bruising.",
                question="What do you hold?",
                legal_basis="CA1989_S47",
            )

    asked(at(26, 9, month=10), ["police"])
    k1 = asked(at(16, 9), ["police", "health"])
    k2 = asked(at(16, 9), ["police", "health"])
    [k3] = asked(at(16, 9), ["police"])
    for request, by, when in (
        (k1[0], polly, at(16, 10)),
        (k2[0], polly, at(16, 12)),
        (k3, polly, at(17, 9)),
        (k1[1], hana, at(16, 11)),
    ):
        with time_machine.travel(when, tick=False):
            sharing.record_contribution(request, by=by, answer=nil)
    with time_machine.travel(at(16, 12), tick=False):
        sharing.record_contribution(
            k2[1],
            by=hana,
            answer=sharing.Answer(
                kind="AWAITING",
                awaiting_asked_at=at(16, 11),
                awaiting_method="TELEPHONE",
                awaiting_from_name="Dr Amir Khan",
                awaiting_from_designation="GP",
            ),
        )
    found = {a.name: a for a in build_overview(now=at(30, 15, 30)).partners}
    police, health = found["Northamptonshire Police"], found["NHS and health services"]
    assert (police.asked, police.answered, police.median_words) == (3, 3, "3 working hours")
    assert (police.on_time, police.due_by_now, police.on_time_percent) == (2, 3, 67)
    assert (police.outstanding, police.awaiting, police.overdue) == (1, 0, 1)
    assert (health.asked, health.answered, health.median_words) == (2, 1, "2 working hours")
    assert (health.on_time, health.due_by_now, health.on_time_percent) == (1, 2, 50)
    assert (health.outstanding, health.awaiting, health.overdue) == (1, 1, 1)


# --------------------------------------------------------------------------- ageing


def test_ageing_counts_working_days_across_christmas(carys):
    """Now Tuesday 29 December 2026 10am. Christmas Day is Friday 25 December and the Boxing
    Day holiday is moved to Monday 28 (Saturday 26 is Boxing Day), so Thursday 24 December is
    the working day before today. Office time since received:

    Tue 29 Dec 9:30am   0h30                          under 1 working day
    Thu 24 Dec 11am     6h (Thu) + 1h (Tue) = 7h      under 1, though five days ago
    Thu 24 Dec 10am     7h + 1h = 8h = 1 day          1 to under 3
    Wed 23 Dec 10am     7h + 8h + 1h = 16h = 2 days   1 to under 3
    Fri 11 Dec 11am     6 + 40 + 32 + 1 = 79h         3 to under 10
    Fri 11 Dec 10am     7 + 40 + 32 + 1 = 80h = 10    10 working days or more
    """
    now = at(29, 10, month=12)
    received = [
        at(29, 9, 30, month=12),
        at(24, 11, month=12),
        at(24, 10, month=12),
        at(23, 10, month=12),
        at(11, 11, month=12),
        at(11, 10, month=12),
    ]
    calendar = active_profile().calendar
    hours = [working_time_between(r, now, calendar) / timedelta(hours=1) for r in received]
    assert hours == [0.5, 7, 8, 16, 79, 80]  # the arithmetic above, by the product's calendar
    for when in received:
        record(carys, when, **QUIET)
    found = build_overview(now=now)
    assert counts(found.ageing) == {
        "Under 1 working day": 2,
        "1 to under 3 working days": 2,
        "3 to under 10 working days": 1,
        "10 working days or more": 1,
    }


def test_working_time_back_is_the_inverse_of_working_time_between():
    calendar = active_profile().calendar
    now = at(29, 10, month=12)
    assert working_time_back(now, timedelta(hours=8), calendar) == at(24, 10, month=12)
    assert working_time_back(now, timedelta(hours=1), calendar) == at(29, 9, month=12)
    # Exactly a day's office time back from an opening lands on the previous opening.
    assert working_time_back(at(29, 9, month=12), timedelta(hours=8), calendar) == at(
        24, 9, month=12
    )
    # Out of hours (Saturday), the last office time was Friday's.
    assert working_time_back(at(5, 12, month=12), timedelta(hours=2), calendar) == at(
        4, 15, month=12
    )


# --------------------------------------------------------------------------- queries


def _world(size: int, carys, sam, priya, polly) -> None:
    """`size` contacts of each kind: received, RED with a police request, recommended."""
    for _ in range(size):
        record(carys, at(30, 9))
        with time_machine.travel(at(30, 9, 30), tick=False):
            red = services.record_contact(by=carys, people=[child()], **contact_details())
            screen_at_threshold(red, checked_by=sam, screened_by=priya, rag="RED")
            sharing.request_checks(
                red,
                by=sam,
                agency_codes=["police"],
                concern_summary="Bruising.",
                question="What do you hold?",
                legal_basis="CA1989_S47",
            )
            amber = services.record_contact(by=carys, people=[child()], **contact_details())
            screen_at_threshold(amber, checked_by=sam, screened_by=priya, rag="AMBER")
            share_checks(amber, asked_by=sam, partner=polly)


def test_the_number_of_queries_does_not_grow_with_the_contacts(
    carys, sam, priya, polly, django_assert_max_num_queries
):
    _world(2, carys, sam, priya, polly)
    with CaptureQueriesContext(connection) as small:
        build_overview(now=at(2, 15, month=12))
    assert len(small.captured_queries) <= 20
    _world(6, carys, sam, priya, polly)
    with django_assert_max_num_queries(len(small.captured_queries)):
        found = build_overview(now=at(2, 15, month=12))
    assert found.open_total == 24 and found.breaches_total > 6
    with django_assert_max_num_queries(25):
        build_overview(now=at(2, 15, month=12), team="mash", rag="RED")


# --------------------------------------------------------------------------- the page


@pytest.fixture
def monday_3pm():
    with time_machine.travel(at(30, 15), tick=False):
        yield


def test_managers_and_the_auditor_read_it_and_each_view_is_audited(
    client, workload, meera, monday_3pm
):
    client.force_login(meera)
    response = client.get("/reports/overview/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Daily overview" in page and workload["A"].reference in page
    assert 'href="/static/reports/overview.css"' in page
    assert "govuk-table__cell--numeric" in page and "<caption" in page
    event = AuditEvent.objects.get(action="reports.overview_viewed")
    assert event.actor == meera and event.rule_ids == ["DM-2"]
    assert workload["A"].reference in event.data["contacts"]
    # E is closed but a clock runs on after closing (TS-4 or TS-5): listed, so audited.
    assert workload["E"].reference in page and "(contact closed)" in page
    assert workload["E"].reference in event.data["contacts"]


def test_others_are_refused_and_the_refusal_is_audited(client, carys, sam):
    client.force_login(sam)
    assert client.get("/reports/overview/").status_code == 403
    assert AuditEvent.objects.filter(action="access.refused", actor=sam).exists()
    assert not AuditEvent.objects.filter(action="reports.overview_viewed").exists()


def test_a_bad_filter_is_explained_and_the_other_choice_is_kept(
    client, workload, meera, monday_3pm
):
    client.force_login(meera)
    response = client.get("/reports/overview/?team=nonsense&rag=RED")
    assert response.status_code == 400
    page = response.content.decode()
    assert "There is a problem" in page and "Select a team from the list" in page
    assert '<option value="RED" selected' in page
    assert "every team&#39;s contacts, rated Red" in page
    event = AuditEvent.objects.get(action="reports.overview_viewed")
    assert event.data["rag"] == "RED" and event.data["team"] == ""
    assert event.data["contacts"] == [workload["B"].reference]
    bad_rag = client.get("/reports/overview/?rag=PURPLE&team=early-help")
    assert bad_rag.status_code == 400
    assert "Select a RAG rating from the list" in bad_rag.content.decode()
    assert '<option value="early-help" selected' in bad_rag.content.decode()
