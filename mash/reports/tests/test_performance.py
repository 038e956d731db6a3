"""The performance report (issue 8 §2, DM-2): every figure against a hand-built fortnight.

The fortnight is Monday 16 to Sunday 29 November 2026 (GMT); the report is made on Monday
30 November at 10am, so that is also the default period. The figures expected are worked out
by hand in `world`'s docstring and in each test.
"""

from __future__ import annotations

import csv
import io
import shutil
import subprocess
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from mash.accounts.models import Agency
from mash.audit.models import AuditEvent
from mash.contacts.models import (
    Clock,
    Contact,
    ContactPerson,
    Decision,
    Recommendation,
    Screening,
)
from mash.people.models import Person
from mash.policy.profiles import active_profile
from mash.reports.measures import MEDIAN_WORDS, median, nearest_rank
from mash.reports.performance import exports
from mash.reports.performance.selectors import (
    build_report,
    default_period,
    months_before,
)
from mash.sharing.models import InformationRequest

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")
NOW = datetime(2026, 11, 30, 10, 0, tzinfo=LONDON)
START, END = date(2026, 11, 16), date(2026, 11, 29)


def at(year: int, month: int, day: int, hour: int = 10, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=LONDON)


def nov(day: int, hour: int = 10, minute: int = 0) -> datetime:
    return at(2026, 11, day, hour, minute)


def person(name: str) -> Person:
    return Person.objects.create(given_names=name, family_name="Testchild")


def contact(
    received_at: datetime,
    *,
    child: Person | None,
    source: str = "2A",
    channel: str = Contact.Channel.TELEPHONE,
    level: str | None = None,
    outcome: str | None = None,
    by=None,
) -> Contact:
    """A contact about one child (None: a child not yet matched to a record), screened at
    `level` and decided `outcome` when given."""
    made = Contact.objects.create(
        profile=active_profile().id,
        received_at=received_at,
        channel=channel,
        purpose=Contact.Purpose.REQUEST_FOR_SERVICES,
        referrer_source=source,
        concern_summary="A synthetic concern.",
    )
    ContactPerson.objects.create(contact=made, kind=ContactPerson.Kind.CHILD, person=child)
    later = received_at + timedelta(hours=2)
    if level is not None:
        found = active_profile().threshold_level(level)
        Screening.objects.create(
            contact=made,
            threshold_level=found.code,
            threshold_level_label=found.label,
            meets_social_care_threshold=found.meets_social_care_threshold,
            rag="AMBER" if found.meets_social_care_threshold else "GREEN",
            consent=Screening.Consent.NOT_NEEDED,
            rationale="Synthetic.",
            screened_by=by,
            screened_at=later,
        )
    if outcome is not None:
        recommendation = Recommendation.objects.create(
            contact=made,
            outcome=outcome,
            rationale="Synthetic.",
            recommended_by=by,
            recommended_at=later,
        )
        Decision.objects.create(
            contact=made,
            recommendation=recommendation,
            agrees_with_recommendation=True,
            outcome=outcome,
            rationale="Synthetic.",
            decided_by=by,
            decided_at=later,
        )
    return made


def clock(on: Contact, rule_id: str, due_at: datetime, met_at: datetime | None = None) -> Clock:
    return Clock.objects.create(
        contact=on,
        rule_id=rule_id,
        label=rule_id,
        started_at=due_at - timedelta(hours=8),
        due_at=due_at,
        met_at=met_at,
    )


def ask(on: Contact, agency: Agency, asked: datetime, due: datetime, answered=None, *, by):
    return InformationRequest.objects.create(
        contact=on,
        agency=agency,
        requested_by=by,
        requested_at=asked,
        concern_summary="Synthetic.",
        question="What do you hold?",
        rag="AMBER",
        rule_id="TS-3",
        due_at=due,
        consent_basis=InformationRequest.ConsentBasis.CONSENT,
        legal_basis=InformationRequest.LegalBasis.S17,
        sharing_agreement="Synthetic ISA",
        status="ANSWERED" if answered else "SENT",
        first_answered_at=answered,
    )


@pytest.fixture
def world(profile, meera):
    """Ten contacts received in the fortnight, and the history around them.

    | contact | received        | source | channel | child | level | outcome   |
    |---------|-----------------|--------|---------|-------|-------|-----------|
    | c1      | Mon 16 Nov      | 2A     | phone   | A     | 4     | S47       |
    | c2      | Tue 17 Nov      | 2A     | phone   | B     | 4     | S17       |
    | c3      | Wed 18 Nov      | 2A     | email   | C     | 4     | NFA       |
    | c4      | Thu 19 Nov      | 2A     | online  | D     | 2     | early help|
    | c5      | Fri 20 Nov      | 6      | phone   | E     | 4     | S17       |
    | c6      | Mon 23 Nov      | 6      | email   | F     | 1     | universal |
    | c7      | Tue 24 Nov      | 6      | phone   | A     | 4     | (none)    |
    | c8      | Wed 25 Nov      | 3A     | email   | G     | -     | (none)    |
    | c9      | Thu 26 Nov      | 3A     | phone   | (new) | -     | (none)    |
    | c10     | Sun 29 Nov 23:30| 9      | online  | H     | 3     | S47       |

    Referrals: c1, c2, c3 (threshold met, no further action), c5, c10 = 5; c7 is at the
    threshold but undecided, so not (yet) a referral.

    Before and after the period (never counted themselves):
    - A referred (S17) 20 Dec 2025, 11 months before c1: c1 is a re-referral.
    - B referred (S17) Sun 15 Nov 23:59, a minute before the period: c2 is a re-referral.
    - C referred (S47) 10 Oct 2025, 13 months before c3: not a re-referral, nor a repeat.
    - E had a contact on 1 Sep 2026 that was no referral (NFA, level 2): c5 is a repeat
      concern but not a re-referral.
    - F had a contact on 22 Nov 2025, a year and a day before c6: not a repeat.
    - G had a contact on 25 Nov 2025, exactly a year before c8: a repeat.
    - D has a contact at 00:10 on Mon 30 Nov, just after the period.
    """
    kids = {name: person(name) for name in "ABCDEFGH"}
    by = meera
    c = {
        1: contact(nov(16), child=kids["A"], level="4", outcome="S47", by=by),
        2: contact(nov(17), child=kids["B"], level="4", outcome="S17", by=by),
        3: contact(nov(18), child=kids["C"], channel="EMAIL", level="4", outcome="NFA", by=by),
        4: contact(
            nov(19), child=kids["D"], channel="ONLINE_FORM", level="2", outcome="EARLY_HELP", by=by
        ),
        5: contact(nov(20), child=kids["E"], source="6", level="4", outcome="S17", by=by),
        6: contact(
            nov(23),
            child=kids["F"],
            source="6",
            channel="EMAIL",
            level="1",
            outcome="UNIVERSAL",
            by=by,
        ),
        7: contact(nov(24), child=kids["A"], source="6", level="4", by=by),
        8: contact(nov(25), child=kids["G"], source="3A", channel="EMAIL", by=by),
        9: contact(nov(26), child=None, source="3A", by=by),
        10: contact(
            nov(29, 23, 30),
            child=kids["H"],
            source="9",
            channel="ONLINE_FORM",
            level="3",
            outcome="S47",
            by=by,
        ),
    }
    contact(at(2025, 12, 20), child=kids["A"], outcome="S17", by=by)
    contact(nov(15, 23, 59), child=kids["B"], outcome="S17", by=by)
    contact(at(2025, 10, 10), child=kids["C"], outcome="S47", by=by)
    contact(at(2026, 9, 1), child=kids["E"], level="2", outcome="NFA", by=by)
    contact(at(2025, 11, 22), child=kids["F"], by=by)
    contact(at(2025, 11, 25), child=kids["G"], by=by)
    contact(nov(30, 0, 10), child=kids["D"], by=by)
    return c


@pytest.fixture
def clocks(world):
    """TS-1: due 17 Nov met an hour early and due 18 Nov met on the minute (on time), due
    19 Nov met a minute late (late), due 27 Nov and 29 Nov 23:30 still open (overdue at
    30 Nov 10am); one due 30 Nov 9am and one due 15 Nov are outside the period.
    TS-2: one met early. TS-4: one met a day late."""
    c = world
    clock(c[1], "TS-1", nov(17), nov(17, 9))
    clock(c[2], "TS-1", nov(18), nov(18))
    clock(c[3], "TS-1", nov(19), nov(19, 10, 1))
    clock(c[4], "TS-1", nov(27, 12))
    clock(c[5], "TS-1", nov(29, 23, 30))
    clock(c[6], "TS-1", nov(30, 9))
    clock(c[7], "TS-1", nov(15, 12), nov(16))
    clock(c[1], "TS-2", nov(20, 14), nov(20, 13))
    clock(c[2], "TS-4", nov(24), nov(25))


@pytest.fixture
def requests(world, meera):
    """Police: asked Mon 16 Nov 10:00, answered 12:00 (2 working hours, in time); asked Mon
    16:00, answered Tue 11:00 (1 + 2 = 3 working hours, in time, due Tue 12:00); asked Fri
    20 Nov 15:00, answered Mon 23 Nov 13:00 (2 + 4 = 6 working hours, due Mon 11:00: late);
    asked Thu 26 Nov, due 14:00 that day, never answered. Health: asked Wed 18 Nov 9:00,
    answered 10:30 (1.5 working hours, in time); asked Fri 27 Nov 16:30, due Mon 30 Nov
    12:30, not yet answered nor due. A police request of 13 Nov is outside the period."""
    police = Agency.objects.get(code="police")
    health = Agency.objects.get(code="health")
    c = world
    ask(c[1], police, nov(16), nov(16, 14), nov(16, 12), by=meera)
    ask(c[2], police, nov(16, 16), nov(17, 12), nov(17, 11), by=meera)
    ask(c[3], police, nov(20, 15), nov(23, 11), nov(23, 13), by=meera)
    ask(c[4], police, nov(26), nov(26, 14), by=meera)
    ask(c[5], health, nov(18, 9), nov(18, 17), nov(18, 10, 30), by=meera)
    ask(c[6], health, nov(27, 16, 30), nov(30, 12, 30), by=meera)
    ask(c[7], police, nov(13), nov(13, 14), nov(13, 11), by=meera)


def report():
    return build_report(start=START, end=END, now=NOW)


# --------------------------------------------------------------------------- the figures


def test_contacts_by_source_channel_and_outcome(world):
    r = report()
    assert [(row.code, row.label, row.count) for row in r.by_source] == [
        ("2A", "School", 4),
        ("6", "Police", 3),
        ("3A", "GP", 2),
        ("9", "Anonymous", 1),
    ]
    assert {row.code: row.count for row in r.by_channel} == {
        "TELEPHONE": 5,
        "WRITTEN_REFERRAL": 0,
        "ONLINE_FORM": 2,
        "EMAIL": 3,
        "PARTNER_NOTIFICATION": 0,
        "IN_PERSON": 0,
    }
    assert [(row.label, row.count) for row in r.by_outcome] == [
        ("No further action", 1),
        ("Universal services", 1),
        ("Early Help Assessment", 1),
        ("Child in Need single assessment (section 17)", 2),
        ("Strategy meeting and child protection enquiry (section 47)", 2),
        ("Passed on at the front door (no MASH decision)", 0),
        ("Not yet decided", 3),
    ]


def test_conversion_uses_the_one_definition_of_a_referral(world):
    c = report().conversion
    assert (c.contacts, c.referrals, c.s17, c.s47, c.referrals_nfa) == (10, 5, 2, 2, 1)
    assert (c.referral_rate, c.s17_rate, c.s47_rate, c.nfa_rate) == (50.0, 40.0, 40.0, 20.0)
    # A–H are eight children, A twice; the child on c9 is not matched yet and counts once.
    assert c.children_in_contacts == 9
    assert c.children_in_referrals == 5  # A, B, C, E, H


def test_timeliness_against_each_clock(clocks):
    by_rule = {k.rule_id: k for k in report().clocks}
    assert [k.rule_id for k in report().clocks] == [f"TS-{n}" for n in range(1, 9)]
    ts1 = by_rule["TS-1"]
    assert (ts1.on_time, ts1.late, ts1.overdue, ts1.not_yet_due) == (2, 1, 2, 0)
    assert ts1.on_time_rate == 40.0  # 2 of the 5 with a result
    assert ts1.words == "Decision on the type of response: 1 working day"
    assert (by_rule["TS-2"].on_time, by_rule["TS-2"].on_time_rate) == (1, 100.0)
    assert (by_rule["TS-4"].late, by_rule["TS-4"].on_time_rate) == (1, 0.0)
    assert by_rule["TS-3"].total == 0 and by_rule["TS-3"].on_time_rate is None
    # Northamptonshire runs no TS-6: RULES.md's words, no duration.
    assert by_rule["TS-6"].words == "Domestic-abuse contact reviewed"


def test_a_period_ending_today_has_clocks_not_yet_due(clocks, world):
    clock(world[8], "TS-1", nov(30, 15))
    [ts1, *_] = build_report(start=date(2026, 11, 30), end=date(2026, 11, 30), now=NOW).clocks
    assert (ts1.on_time, ts1.late, ts1.overdue, ts1.not_yet_due) == (0, 0, 1, 1)
    assert ts1.on_time_rate == 0.0  # the one due at 9am is overdue; 3pm is not judged yet


def test_re_referrals_and_repeat_concerns_look_back_12_months(world):
    r = report()
    assert (r.re_referrals.total, r.re_referrals.repeated, r.re_referrals.rate) == (5, 2, 40.0)
    # c1 (A, 11 months), c2 (B, the day before), c5 (E), c7 (A's c1), c8 (G, exactly a year).
    assert (r.repeat_concerns.total, r.repeat_concerns.repeated) == (10, 5)
    assert r.repeat_concerns.rate == 50.0


def test_outcomes_by_threshold_level(world):
    r = report()
    assert r.outcome_columns[-1] == "Not yet decided"
    # columns: NFA, universal, early help, s17, s47, passed on, not yet decided
    assert [(row.label, row.counts) for row in r.by_threshold] == [
        ("Level 1: universal", (0, 1, 0, 0, 0, 0, 0)),
        ("Level 2: early help", (0, 0, 1, 0, 0, 0, 0)),
        ("Level 3: additional needs", (0, 0, 0, 0, 1, 0, 0)),
        ("Level 4: social care intervention", (1, 0, 0, 2, 1, 0, 1)),
        ("Passed on at the front door (not screened by the MASH)", (0,) * 7),
        ("Not yet screened", (0, 0, 0, 0, 0, 0, 2)),
    ]


def test_partner_response_times_in_working_hours(requests):
    partners = {a.agency: a for a in report().partners}
    police = partners["Northamptonshire Police"]
    assert (police.asked, police.answered) == (4, 3)
    assert (police.median_hours, police.p90_hours) == (3.0, 6.0)  # of 2, 3 and 6
    assert (police.by_deadline, police.deadline_passed_or_answered) == (2, 4)
    assert police.by_deadline_rate == 50.0
    health = partners["NHS and health services"]
    assert (health.asked, health.answered, health.median_hours, health.p90_hours) == (
        2,
        1,
        1.5,
        1.5,
    )
    assert (health.by_deadline, health.deadline_passed_or_answered) == (1, 1)


def test_a_contact_about_two_children_is_one_referral(profile, meera):
    """Per contact: one referral about Amy and Ben, two children; Ben's referral six months
    before makes it one re-referral, not two."""
    amy, ben = person("Amy"), person("Ben")
    contact(at(2026, 5, 18), child=ben, outcome="S17", by=meera)
    both = contact(nov(18), child=amy, outcome="S47", by=meera)
    ContactPerson.objects.create(contact=both, kind=ContactPerson.Kind.CHILD, person=ben)
    r = report()
    assert (r.conversion.contacts, r.conversion.referrals, r.conversion.s47) == (1, 1, 1)
    assert r.conversion.children_in_referrals == 2
    assert (r.re_referrals.total, r.re_referrals.repeated) == (1, 1)
    assert (r.repeat_concerns.total, r.repeat_concerns.repeated) == (1, 1)


def test_an_empty_period_has_no_rates(profile):
    r = report()
    assert r.conversion.contacts == 0 and r.conversion.referral_rate is None
    assert r.re_referrals.rate is None and r.partners == ()
    assert all(k.on_time_rate is None for k in r.clocks)
    assert [row.count for row in r.by_outcome] == [0] * 7


def test_nearest_rank_percentiles():
    assert nearest_rank([4, 1, 3, 2], 50) == 2
    assert nearest_rank(list(range(1, 11)), 90) == 9
    assert nearest_rank([7], 90) == 7
    assert nearest_rank([], 50) is None


def test_months_before_keeps_to_real_dates():
    assert months_before(date(2026, 11, 16), 12) == date(2025, 11, 16)
    assert months_before(date(2028, 2, 29), 12) == date(2027, 2, 28)
    assert months_before(date(2026, 3, 31), 1) == date(2026, 2, 28)


# --------------------------------------------------------------------------- the period


def test_the_period_is_whole_days_in_england_across_bst(profile, meera):
    """1–14 June 2026 is BST (UTC+1): 00:30 on 1 June and 23:30 on 14 June count; 23:30 on
    31 May and 00:10 on 15 June do not."""
    kid = person("Z")
    for moment in (
        at(2026, 5, 31, 23, 30),
        at(2026, 6, 1, 0, 30),
        at(2026, 6, 14, 23, 30),
        at(2026, 6, 15, 0, 10),
    ):
        contact(moment, child=kid, by=meera)
    r = build_report(start=date(2026, 6, 1), end=date(2026, 6, 14), now=NOW)
    assert r.conversion.contacts == 2
    # Each had another contact within 12 months before it: the evening before, for both.
    assert r.repeat_concerns.repeated == 2


def test_the_default_period_is_the_fortnight_ending_yesterday():
    assert default_period(date(2026, 11, 30)) == (START, END)


def test_query_count_does_not_grow_with_the_data(
    clocks, requests, meera, django_assert_max_num_queries
):
    with django_assert_max_num_queries(12) as few:
        report()
    police = Agency.objects.get(code="police")
    for n in range(30):
        kid = person(f"More{n}")
        more = contact(nov(16 + n % 13, 11), child=kid, level="4", outcome="S17", by=meera)
        contact(at(2026, 6, 1), child=kid, outcome="S17", by=meera)
        clock(more, "TS-1", nov(17 + n % 12, 12), nov(17 + n % 12, 11))
        ask(more, police, nov(17), nov(17, 14), nov(17, 15), by=meera)
    with django_assert_max_num_queries(len(few.captured_queries)):
        bigger = report()
    assert bigger.conversion.contacts == 40
    assert bigger.re_referrals.repeated == 32


# --------------------------------------------------------------------------- the pages


@pytest.fixture
def at_report_time():
    with time_machine.travel(NOW, tick=False):
        yield


def _period(start: date, end: date) -> dict[str, str]:
    query = {}
    for name, day in (("from", start), ("to", end)):
        query |= {
            f"{name}_day": str(day.day),
            f"{name}_month": str(day.month),
            f"{name}_year": str(day.year),
        }
    return query


def test_the_page_shows_the_default_fortnight_and_is_audited(
    at_report_time, client, meera, clocks, requests
):
    client.force_login(meera)
    response = client.get(reverse("reports:performance"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "16 November 2026 to 29 November 2026 (14 days)" in html
    assert 'role="img"' in html and "Contacts by referrer source" in html
    assert "TS-1 Decision on the type of response: 1 working day" in html
    assert "report.csv?from_day=16&amp;from_month=11&amp;from_year=2026" in html
    event = AuditEvent.objects.get(action="reports.performance_viewed")
    assert event.data["from"] == "2026-11-16" and event.data["to"] == "2026-11-29"
    assert event.actor_id == meera.pk


@pytest.mark.parametrize(
    ("query", "message"),
    [
        (
            _period(START, END) | {"from_day": "31", "from_month": "2"},
            "The start of the period must be a real date",
        ),
        (_period(END, START), "The start of the period must be the same as or before the end"),
        (_period(date(2025, 10, 1), END), "The period must be 400 days or shorter"),
        (_period(START, date(2026, 12, 1)), "The end of the period must be today or in the past"),
        (_period(START, END) | {"to_day": ""}, "The end of the period must include a day"),
        (_period(START, END) | {"from_year": "26"}, "Year must include 4 numbers"),
    ],
)
def test_a_bad_period_is_explained_and_keeps_what_was_typed(
    at_report_time, client, meera, query, message
):
    client.force_login(meera)
    response = client.get(reverse("reports:performance"), query)
    assert response.status_code == 400
    html = response.content.decode()
    assert "There is a problem" in html and message in html
    assert f'value="{query["from_day"]}"' in html
    assert "Download the figures" not in html


def test_400_days_is_allowed(at_report_time, client, meera):
    client.force_login(meera)
    start = END - timedelta(days=399)
    assert client.get(reverse("reports:performance"), _period(start, END)).status_code == 200


def test_who_may_not_read_it_is_refused_and_audited(client, sam):
    client.force_login(sam)
    assert client.get(reverse("reports:performance-csv")).status_code == 403
    assert AuditEvent.objects.filter(action="access.refused").exists()
    assert not AuditEvent.objects.filter(action="reports.performance_exported").exists()


def test_the_csv_is_long_format_with_every_figure(at_report_time, client, meera, clocks, requests):
    client.force_login(meera)
    response = client.get(reverse("reports:performance-csv"), _period(START, END))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "mash-performance-2026-11-16-to-2026-11-29.csv" in response["Content-Disposition"]
    text = response.content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == ["section", "label", "measure", "value"]
    figures = {(s, label, m): v for s, label, m, v in rows[1:]}
    assert figures[("Period", "From", "Date")] == "2026-11-16"
    assert figures[("Contacts by referrer source", "2A School", "Contacts")] == "4"
    assert figures[("Contacts by channel", "Email", "Contacts")] == "3"
    assert figures[("Contacts by outcome", "Not yet decided", "Contacts")] == "3"
    conv = "Conversion (per contact)"
    assert figures[(conv, "Referrals", "Count")] == "5"
    assert figures[(conv, "Referrals", "Share of contacts (%)")] == "50.0"
    assert figures[(conv, "Child protection enquiry (s47)", "Count")] == "2"
    ts1 = (
        "Timeliness (clocks due in the period)",
        "TS-1 Decision on the type of response: 1 working day",
    )
    assert figures[(*ts1, "Met late")] == "1"
    assert figures[(*ts1, "Met on time (%)")] == "40.0"
    rr = "Re-referrals within 12 months"
    assert figures[(rr, "Referrals with an earlier one in 12 months", "Rate (%)")] == "40.0"
    level4 = ("Outcomes by threshold level", "Level 4: social care intervention")
    assert figures[(*level4, "Child in Need single assessment (section 17)")] == "2"
    pr = ("Partner response times (working hours)", "Northamptonshire Police")
    assert figures[(*pr, "90th percentile working hours to answer")] == "6.0"
    assert figures[(*pr, "Answered by the deadline (%)")] == "50.0"
    # Every line has four cells.
    assert {len(row) for row in rows} == {4}
    event = AuditEvent.objects.get(action="reports.performance_exported")
    assert event.data == {"from": "2026-11-16", "to": "2026-11-29", "format": "csv"}


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs poppler-utils")
def test_the_pdf_has_the_same_tables(at_report_time, client, meera, clocks, requests, tmp_path):
    client.force_login(meera)
    response = client.get(reverse("reports:performance-pdf"), _period(START, END))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(response.content)
    text = subprocess.run(  # noqa: S603 - a fixed tool on our own file
        ["pdftotext", str(pdf), "-"],  # noqa: S607 - poppler-utils, on the PATH
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    text = " ".join(text.split())  # a table cell's words wrap onto lines of their own
    assert "Performance report" in text
    assert "16 November 2026 to 29 November 2026" in text
    assert "TS-1 Decision on the type of response: 1 working day" in text
    assert "Re-referrals: referrals about a child referred in the 12 months" in text
    assert "6 Police" in text and "2 of 4 (50.0%)" in text  # a source; the police's answers
    assert "40.0%" in text  # TS-1 on time, and the s17 and s47 shares of referrals
    assert "Contacts by referrer source" in text  # the chart's and the table's words
    event = AuditEvent.objects.get(action="reports.performance_exported")
    assert event.data["format"] == "pdf"


def test_the_csv_quotes_a_cell_that_looks_like_a_formula(world, meera):
    police = Agency.objects.get(code="police")
    police.name = "=HYPERLINK(x)"
    police.save()
    ask(world[1], police, nov(16), nov(16, 14), nov(16, 12), by=meera)
    assert "'=HYPERLINK(x)" in exports.csv_text(report())


def test_a_refused_period_audits_only_the_date_boxes_cut_short(at_report_time, client, meera):
    """The audit log is append-only: a refused query keeps the six date boxes, 20 characters
    each, and nothing else that was sent."""
    client.force_login(meera)
    query = _period(START, END) | {"from_day": "3" * 500, "junk": "x" * 5000}
    assert client.get(reverse("reports:performance"), query).status_code == 400
    event = AuditEvent.objects.get(action="reports.performance_viewed", data__period="not valid")
    typed = event.data["query"]
    assert set(typed) == {f"{e}_{p}" for e in ("from", "to") for p in ("day", "month", "year")}
    assert typed["from_day"] == "3" * 20 and typed["to_year"] == "2026"


def test_the_overview_and_the_report_give_the_same_median(at_report_time, client, world, meera):
    """Four police answers on Mon 23 Nov, asked at 9am and answered at 10am, 11am, midday and
    4pm: 1, 2, 3 and 7 working hours. The median is halfway between the middle two, 2.5
    working hours, on both pages (nearest rank would say 2); the 90th percentile is 7."""
    from mash.reports.overview.selectors import build_overview

    police = Agency.objects.get(code="police")
    for n, hour in enumerate((10, 11, 12, 16), start=1):
        ask(world[n], police, nov(23, 9), nov(23, 17), nov(23, hour), by=meera)
    [agency] = report().partners
    assert (agency.median_hours, agency.p90_hours) == (2.5, 7.0)
    [times] = build_overview(now=NOW).partners
    assert times.median_words == "2 working hours 30 minutes"
    client.force_login(meera)
    for page in ("reports:overview", "reports:performance"):
        html = client.get(reverse(page)).content.decode()
        assert MEDIAN_WORDS.replace("'", "&#39;") in html, page


def test_the_median_is_the_mean_of_the_middle_two():
    assert median([4, 1, 3, 2]) == 2.5
    assert median([3, 1, 2]) == 2
    assert median([timedelta(hours=1), timedelta(hours=2)]) == timedelta(hours=1, minutes=30)
    assert median([]) is None


def test_a_contact_passed_on_at_the_front_door_is_not_undecided(
    client, profile, make_contact, carys, sam, meera
):
    """Three open cases routed on arrival to the allocated worker (IN-6) on Wed 18 Nov: one
    received by the team (closed), one still waiting for receipt, one sent back to the MASH
    (open, undecided). Passing on is the TS-1 decision: two are "passed on at the front
    door", the returned one "not yet decided", in the figures, the CSV and the page's chart."""
    from mash.accounts.models import Membership
    from mash.routing import services as routing
    from mash.routing.tests.conftest import known_child, link_children

    Membership.objects.update(starts_at=datetime(2026, 1, 1, tzinfo=LONDON))
    routed = []
    with time_machine.travel(nov(18)):  # ticking: each route suggestion later than the last
        person = known_child(team="childrens-team", worker="Ann Worker", started=date(2026, 3, 2))
        for _ in range(3):
            made = make_contact()
            link_children(made, person, by=sam)
            routing.accept_route(made, by=carys)
            routed.append(made)
        routing.confirm_receipt(routed[0], by=carys, note="Ann Worker has it.")
        routing.return_to_mash(routed[2], by=carys, reason="Not ours: screen it, please.")
    r = report()
    outcome = {row.label: row.count for row in r.by_outcome}
    assert outcome["Passed on at the front door (no MASH decision)"] == 2
    assert outcome["Not yet decided"] == 1
    rows = {row.label: row.counts for row in r.by_threshold}
    assert r.outcome_columns[-2:] == (
        "Passed on at the front door (no MASH decision)",
        "Not yet decided",
    )
    assert rows["Passed on at the front door (not screened by the MASH)"] == (0,) * 5 + (2, 0)
    assert rows["Not yet screened"] == (0,) * 6 + (1,)
    lines = {(s, label, m): v for s, label, m, v in exports.csv_lines(r)}
    assert (
        lines[("Contacts by outcome", "Passed on at the front door (no MASH decision)", "Contacts")]
        == "2"
    )
    client.force_login(meera)
    with time_machine.travel(NOW, tick=False):
        html = client.get(reverse("reports:performance")).content.decode()
    assert "Passed on at the front door (no MASH decision): 2" in html  # the chart's words
