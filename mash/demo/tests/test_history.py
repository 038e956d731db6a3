"""The synthetic history (mash.demo.history): consistent with the one reading of referrals and
episodes (mash.returns.episodes) and with the CIN census rules, reproducible, synthetic only.

Property-style checks over everything generated: each names the census rule it stands for
(../shared/domain/statutory-returns.md §1.5, Appendix A).
"""

from __future__ import annotations

import random
from collections import Counter
from datetime import date, timedelta

import pytest
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from mash.accounts.models import User
from mash.contacts.models import Clock, Contact, ContactPerson, Decision
from mash.demo.history import census_year_end, census_year_start, history_window, seed_history
from mash.demo.seeding import seed
from mash.demo.synthetic import nhs_check_digit
from mash.matching.identifiers import upn_is_valid
from mash.meetings.models import StrategyDiscussion
from mash.people.models import Involvement, Person
from mash.returns.episodes import add_census_working_days, children_in
from mash.returns.referrals import FURTHER_ACTION, local_date, referral_contacts
from mash.workdays.calendar import bank_holidays

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
YEARS = [census_year_end(TODAY) - 2, census_year_end(TODAY) - 1, census_year_end(TODAY)]


@pytest.fixture
def history():
    """Three census years at 200 contacts a year, through `mash seed`'s own path."""
    return seed(people=10, contacts=0, seed_value=7, history_per_year=200, history_years=3)


def _returns():
    """Each year's return, as the census sees it: (year, start, end, records)."""
    for year in YEARS:
        start, end = census_year_start(year), date(year, 3, 31)
        yield year, start, end, children_in(start, end)


def _working_day(day: date) -> bool:
    return day.weekday() < 5 and day not in bank_holidays(day.year)


def test_the_window_is_three_collection_years_to_today():
    assert history_window(3, date(2026, 12, 4)) == (date(2024, 4, 1), date(2026, 12, 4))
    assert history_window(1, date(2027, 3, 31)) == (date(2026, 4, 1), date(2027, 3, 31))
    assert census_year_end(date(2026, 4, 1)) == 2027
    assert census_year_end(date(2026, 3, 31)) == 2026


def test_every_collection_year_has_referrals_of_every_kind(history):
    assert history["history_contacts"] >= 500  # 200 a year from 1 April 2024 to today
    for year, start, end, records in _returns():
        referred = [e for r in records for e in r.episodes if start <= e.referral_date <= end]
        outcomes = Counter(e.outcome for e in referred)
        assert outcomes["S17"] and outcomes["S47"], (year, outcomes)
        assert any(e.nfa for e in referred), year  # ReferralNFA (N00112)
        assert any(e.protection_plans for r in records for e in r.episodes), year
        assert any(e.cin_plans for r in records for e in r.episodes), year
        assert any(e.closure_reason in ("RC8", "RC9") for r in records for e in r.episodes)


def test_the_outcomes_follow_a_real_mash_and_every_channel_is_used(history):
    outcomes = Counter(Decision.objects.values_list("outcome", flat=True))
    total = sum(outcomes.values())
    expected = {"NFA": 0.35, "UNIVERSAL": 0.10, "EARLY_HELP": 0.25, "S17": 0.22, "S47": 0.08}
    for outcome, share in expected.items():
        assert abs(outcomes[outcome] / total - share) < 0.07, outcomes
    assert set(Contact.objects.values_list("channel", flat=True)) == set(Contact.Channel.values)
    assert len(set(Contact.objects.values_list("referrer_source", flat=True))) >= 15
    received = [
        timezone.localtime(t) for t in Contact.objects.values_list("received_at", flat=True)
    ]
    out_of_hours = [t for t in received if t.weekday() >= 5 or not 9 <= t.hour < 17]
    assert 0.05 < len(out_of_hours) / len(received) < 0.3


def test_the_history_is_closed_and_its_clocks_are_met_mostly_on_time(history):
    history_contacts = Contact.objects.filter(decision__isnull=False)
    assert set(history_contacts.values_list("status", flat=True)) == {Contact.Status.CLOSED}
    clocks = Clock.objects.filter(contact__in=history_contacts)
    assert not clocks.filter(met_at__isnull=True).exists()  # nothing for the deadline sweep
    decisions = list(clocks.filter(rule_id="TS-1").values_list("met_at", "due_at"))
    late = sum(1 for met, due in decisions if met > due)
    assert len(decisions) == history_contacts.count()
    assert 0.02 < late / len(decisions) < 0.25  # TS-1: a few late, so timeliness has a story
    for contact in history_contacts.prefetch_related("transitions")[:50]:
        path = [t.to_status for t in contact.transitions.all()]
        assert path[0] == "RECEIVED" and path[-2:] == ["DECIDED", "CLOSED"]
        times = [t.at for t in contact.transitions.all()]
        assert times == sorted(times)


def test_every_s47_decision_has_a_strategy_discussion_that_day_or_the_next(history):
    s47 = Decision.objects.filter(outcome="S47").select_related("contact")
    assert s47.count() >= 20
    for decision in s47:
        discussions = StrategyDiscussion.objects.filter(contact=decision.contact, outcome="S47")
        assert discussions.count() == 1  # one enquiry per episode (8839, 8890)
        held = local_date(discussions.get().held_at)
        decided = local_date(decision.decided_at)
        assert held >= decided and (held - decided).days <= 4
        assert discussions.get().quorate and discussions.get().attendees.count() == 3


def test_checks_with_partner_agencies_are_answered_at_their_own_pace(history):
    from mash.sharing.models import InformationRequest

    answered = InformationRequest.objects.filter(status="ANSWERED")
    assert answered.count() >= 100
    assert not InformationRequest.objects.filter(
        status__in=InformationRequest.OPEN_STATUSES, contact__decision__isnull=False
    ).exists()
    minutes: dict[str, list[float]] = {}
    for agency, asked, first in answered.values_list(
        "agency__kind", "requested_at", "first_answered_at"
    ):
        minutes.setdefault(agency, []).append((first - asked).total_seconds() / 60)
    assert {"police", "health"} <= set(minutes)
    police = sorted(minutes["police"])[len(minutes["police"]) // 2]
    health = sorted(minutes["health"])[len(minutes["health"]) // 2]
    assert police < health  # the police desk answers first
    assert answered.filter(first_answered_at__gt=F("due_at")).exists()  # some answer late


def test_the_episodes_fit_the_census_rules(history):
    """What episodes.py reads from the history passes the census's own rules."""
    for year, start, end, records in _returns():
        assert records, year
        for record in records:
            episodes = record.episodes
            open_episodes = [e for e in episodes if e.is_open]
            assert len(open_episodes) <= 1, record.child  # 8815
            if open_episodes:
                assert open_episodes[0] is max(
                    (e for e in episodes if not e.nfa), key=lambda e: e.referral_date
                )  # 8816
            for first, second in zip(episodes, episodes[1:], strict=False):
                assert first.referral_date < second.referral_date
                if not first.nfa:  # 8820: no episode starts inside another
                    assert (
                        first.closure_date is not None and first.closure_date < second.referral_date
                    )
            for episode in episodes:
                _check_episode(episode, start, end, record)


def _check_episode(episode, start, end, record):
    child = record.child
    if episode.nfa:  # 8831, 8832, 4000: nothing follows a referral with no further action
        assert not (episode.section47s or episode.cin_plans or episode.protection_plans)
        return
    assert episode.primary_need not in (None, "N0"), episode.reference  # 8610
    assert (episode.closure_date is None) == (episode.closure_reason == "")  # 8805, 8810
    if episode.closure_reason in ("RC8", "RC9"):  # 2990
        assert not (episode.section47s or episode.cin_plans or episode.protection_plans)
    for assessment in episode.assessments:
        assert assessment.start >= episode.referral_date  # 1103
        if assessment.authorised is not None:
            assert assessment.factors, episode.reference  # 8897Q
    if episode.closure_date is not None:
        assert all(a.authorised for a in episode.assessments)  # 8867
        assert all(s.icpc or s.icpc_not_required for s in episode.section47s)  # 8868
    if episode.section47s:
        assert episode.assessments, episode.reference  # 2991Q
    for enquiry in episode.section47s:
        assert enquiry.start >= episode.referral_date  # 2889
        assert enquiry.icpc_target == add_census_working_days(enquiry.start, 15)
        if enquiry.icpc is not None:
            assert _working_day(enquiry.icpc) and enquiry.icpc >= enquiry.start  # 8875, 8615
    conferences = [s.icpc for s in episode.section47s if s.icpc]
    for plan in episode.protection_plans:
        if plan.start >= start:  # 2885: the plan starts at the conference (this year's)
            assert plan.start in conferences
        assert plan.end is None or plan.end > plan.start  # 8840
    for cin in episode.cin_plans:  # 4001, 4016, 4017: no CIN plan alongside a CP plan
        for cp in episode.protection_plans:
            cp_end = cp.end or end
            cin_end = cin.end or end
            assert not (cp.start <= cin.start < cp_end) or cin.start == cp.end
            assert not (cin.start < cp.start < cin_end)
    assert child.disabilities, child  # 8540: recorded for every child with further action
    assert "NONE" not in child.disabilities or child.disabilities == ("NONE",)  # 8790
    assert child.ethnicity_code  # 4220


def test_children_have_census_codes_and_valid_upns(history):
    children = Person.objects.filter(is_child=True, contact_links__contact__decision__isnull=False)
    children = list(children.distinct())
    assert len(children) >= 300
    upns = [c.upn for c in children if c.upn]
    assert len(upns) == len(set(upns))  # 1520
    assert all(upn_is_valid(upn) for upn in upns)  # 1510-1550
    assert {upn[1:4] for upn in upns} >= {"940", "941"}  # 1530: the authority's DfE numbers
    ethnicities = Counter(c.ethnicity_code for c in children)
    assert len(ethnicities) >= 10 and ethnicities["WBRI"] > len(children) / 2
    disabilities = {code for c in children for code in c.disabilities if code != "NONE"}
    assert len(disabilities) >= 8  # 2887Q: at least 8 codes across a return
    school_age_by = date(census_year_end(TODAY) - 6, 8, 31)
    further = set(
        ContactPerson.objects.filter(
            kind="CHILD", contact__decision__outcome__in=FURTHER_ACTION
        ).values_list("person_id", flat=True)
    )
    for child in children:
        if child.pk in further:
            assert child.disabilities
            assert child.upn_unknown != "UN7"  # 8772
            if child.date_of_birth and child.date_of_birth <= school_age_by:
                assert child.upn  # 8770Q
        if child.upn_unknown == "UN7":
            assert not child.upn
    unborn = [c for c in children if c.expected_date_of_birth]
    for child in unborn:  # 8525Q, 8530Q, 8750
        assert child.date_of_birth is None and child.gender == "U"
        year_end = census_year_end(TODAY)
        assert date(year_end, 3, 1) <= child.expected_date_of_birth <= date(year_end, 12, 31)


def test_every_referral_child_has_a_parent_with_parental_responsibility(history):
    for contact in referral_contacts().prefetch_related("people")[:100]:
        people = list(contact.people.all())
        assert any(p.kind == "CHILD" and p.person_id for p in people)
        assert any(
            p.kind == "ADULT" and p.has_parental_responsibility and p.person_id for p in people
        )


def test_early_help_decisions_have_an_early_help_involvement(history):
    early_help = ContactPerson.objects.filter(kind="CHILD", contact__decision__outcome="EARLY_HELP")
    for link in early_help.select_related("contact__decision")[:60]:
        decided = local_date(link.contact.decision.decided_at)
        assert Involvement.objects.filter(
            person_id=link.person_id,
            service="EARLY_HELP",
            started_on__gte=decided,
            started_on__lte=decided + timedelta(days=10),
        ).exists()


def test_synthetic_only_nhs_numbers_from_the_test_range(history):
    numbers = [n for n in Person.objects.values_list("nhs_number", flat=True) if n]
    assert len(numbers) >= 500
    for number in numbers:
        assert number.startswith("999") and nhs_check_digit(number[:9]) == int(number[9])
    emails = set(
        Contact.objects.exclude(referrer_email="").values_list("referrer_email", flat=True)
    )
    assert all(email.endswith("@example.org") for email in emails)


def test_the_same_seed_writes_the_same_history_and_a_second_run_writes_nothing():
    seed(people=5, contacts=0, seed_value=3, history_per_year=0)
    users = {user.username: user for user in User.objects.all()}
    start, end = date(2025, 4, 1), date(2025, 9, 30)

    def run(value: int):
        seed_history(
            start=start, end=end, contacts_per_year=80, rng=random.Random(value), users=users
        )
        return sorted(
            Contact.objects.values_list("reference", "received_at", "decision__outcome")
        ), sorted(Person.objects.values_list("nhs_number", "upn", "disabilities"))

    with transaction.atomic():
        first = run(11)
        transaction.set_rollback(True)
    with transaction.atomic():
        assert run(11) == first
        again = seed_history(
            start=start, end=end, contacts_per_year=80, rng=random.Random(11), users=users
        )
        assert again["skipped"] and again["contacts"] == 0
        transaction.set_rollback(True)
    with transaction.atomic():
        assert run(12) != first
        transaction.set_rollback(True)
