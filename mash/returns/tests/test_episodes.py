"""The one reading of children and their episodes (mash.returns.episodes, ADR 0020).

Every expected value below is worked out by hand from the fixture in the test.
"""

from __future__ import annotations

from datetime import date

import pytest

from conftest import child
from mash.people.models import Involvement
from mash.returns.episodes import (
    add_census_working_days,
    assessment_factors,
    category_of_abuse,
    children_in,
    primary_need,
)
from mash.returns.tests.front_door import involvement, person_of

pytestmark = pytest.mark.django_db

YEAR_2026 = (date(2025, 4, 1), date(2026, 3, 31))
ASSESSMENT = Involvement.Service.ASSESSMENT
CIN = Involvement.Service.CHILD_IN_NEED
CP = Involvement.Service.CHILD_PROTECTION


def _only(records):
    [record] = records
    return record


def test_working_days_skip_weekends_and_england_s_bank_holidays():
    # statutory-returns.md §4's worked examples, and Early May bank holiday 2025 (5 May).
    assert add_census_working_days(date(2025, 6, 3), 15) == date(2025, 6, 24)
    assert add_census_working_days(date(2025, 6, 2), 45) == date(2025, 8, 4)
    assert add_census_working_days(date(2025, 12, 24), 1) == date(2025, 12, 29)
    # 2 May (1), 6 May (2, the 5th is a holiday) … 23 May (15).
    assert add_census_working_days(date(2025, 5, 1), 15) == date(2025, 5, 23)


def test_primary_need_takes_abuse_first_then_the_order_written_down():
    assert primary_need(["parent_alcohol", "neglect"]) == "N1"
    assert primary_need(["young_carer", "parent_mental_health"]) == "N3"
    assert primary_need(["behaviour", "uasc"]) == "N8"
    assert primary_need(["other"]) == "N0"
    assert primary_need([]) == "N0"


def test_factors_pick_who_harmed_and_which_disability():
    concerns = ["physical_abuse", "domestic_abuse", "disability", "neglect", "neglect"]
    assert assessment_factors(concerns, child_perpetrator=False, disabilities=()) == (
        "18C",
        "3B",
        "6A",
        "16A",
    )
    assert assessment_factors(
        ["sexual_abuse", "disability"], child_perpetrator=True, disabilities=("LD",)
    ) == ("19B", "5A")


def test_category_of_abuse_is_one_category_or_multiple():
    assert category_of_abuse(["neglect", "parent_drugs"]) == "NEG"
    assert category_of_abuse(["neglect", "physical_abuse"]) == "MUL"
    assert category_of_abuse(["emotional_abuse", "domestic_abuse"]) == "EMO"


def test_an_s17_referral_with_its_assessment_and_plan_closes_when_the_plan_ends(door):
    contact = door.contact(date(2025, 6, 2), outcome="S17", concerns=("neglect", "parent_alcohol"))
    involvement(
        person_of(contact), ASSESSMENT, date(2025, 6, 2), date(2025, 7, 11), worker="Ali Khan"
    )
    involvement(person_of(contact), CIN, date(2025, 7, 14), date(2026, 1, 30), code="RC7")

    record = _only(children_in(*YEAR_2026))
    [episode] = record.episodes
    assert (episode.referral_date, episode.source, episode.nfa) == (date(2025, 6, 2), "2A", False)
    assert episode.primary_need == "N1"
    [assessment] = episode.assessments
    assert (assessment.start, assessment.authorised) == (date(2025, 6, 2), date(2025, 7, 11))
    assert assessment.factors == ("16A", "1B")
    assert [(p.start, p.end) for p in episode.cin_plans] == [(date(2025, 7, 14), date(2026, 1, 30))]
    assert (episode.closure_date, episode.closure_reason) == (date(2026, 1, 30), "RC7")
    assert episode.worker == "Ali Khan"
    assert record.child.child_id == contact.children()[0].person.child_id


def test_an_s17_decision_alone_is_an_open_assessment_from_the_decision_day(door):
    door.contact(date(2025, 9, 15), outcome="S17", concerns=())
    [episode] = _only(children_in(*YEAR_2026)).episodes
    assert episode.is_open and episode.primary_need == "N0"
    [assessment] = episode.assessments
    assert (assessment.start, assessment.authorised, assessment.factors) == (
        date(2025, 9, 15),
        None,
        (),
    )


def test_an_s47_enquiry_s_conference_is_the_start_of_the_plan_that_followed(door):
    contact = door.contact(
        date(2025, 5, 1), outcome="S47", concerns=("physical_abuse",), strategy=True
    )
    involvement(person_of(contact), ASSESSMENT, date(2025, 5, 1), date(2025, 6, 13), code="RC7")
    involvement(person_of(contact), CP, date(2025, 5, 20), None)

    [episode] = _only(children_in(*YEAR_2026)).episodes
    [enquiry] = episode.section47s
    assert (enquiry.start, enquiry.icpc_target) == (date(2025, 5, 1), date(2025, 5, 23))
    assert (enquiry.icpc, enquiry.icpc_not_required) == (date(2025, 5, 20), False)
    [plan] = episode.protection_plans
    assert (plan.start, plan.end, plan.initial_category, plan.previous_plans) == (
        date(2025, 5, 20),
        None,
        "PHY",
        0,
    )
    assert episode.is_open and episode.initial_cpc is None


def test_an_enquiry_with_no_conference_needed_once_the_episode_closed(door):
    contact = door.contact(date(2025, 6, 3), outcome="S47", concerns=("neglect",), strategy=True)
    involvement(person_of(contact), ASSESSMENT, date(2025, 6, 3), date(2025, 7, 1), code="RC8")
    [episode] = _only(children_in(*YEAR_2026)).episodes
    [enquiry] = episode.section47s
    assert enquiry.icpc is None and enquiry.icpc_not_required
    # Recorded as RC8, but an enquiry followed the assessment: RC7, and said (rule 2990).
    assert (episode.closure_date, episode.closure_reason) == (date(2025, 7, 1), "RC7")
    assert [rule for rule, _ in episode.corrections] == ["2990"]


def test_a_referral_with_no_further_action_is_in_its_own_year_only(door):
    # Screened as meeting the social care threshold, then decided NFA: ReferralNFA.
    door.contact(date(2025, 9, 15), outcome="NFA", concerns=("neglect",))
    [episode] = _only(children_in(*YEAR_2026)).episodes
    assert episode.nfa and not episode.is_open and episode.assessments == []
    assert children_in(date(2026, 4, 1), date(2027, 3, 31)) == []


def test_a_contact_below_the_threshold_decided_nfa_is_not_a_referral(door):
    door.contact(date(2025, 9, 15), outcome="NFA", concerns=("neglect",), referral=False)
    assert children_in(*YEAR_2026) == []


def test_the_period_cut_keeps_what_was_open_on_1_april_and_drops_what_ended_before(door):
    # Referred in February 2025: the assessment ended in March 2025 (the 2025 return held it);
    # the plan ran on past 1 April 2025 and ended in May 2025.
    contact = door.contact(date(2025, 2, 3), outcome="S17", concerns=("neglect",))
    involvement(person_of(contact), ASSESSMENT, date(2025, 2, 3), date(2025, 3, 14))
    involvement(person_of(contact), CIN, date(2025, 3, 17), date(2025, 5, 30), code="RC7")
    [episode] = _only(children_in(*YEAR_2026)).episodes
    assert episode.assessments == []
    assert [(p.start, p.end) for p in episode.cin_plans] == [(date(2025, 3, 17), date(2025, 5, 30))]
    assert episode.closure_date == date(2025, 5, 30)
    # In the 2025 return the assessment is there and the episode is still open at 31 March.
    [earlier] = _only(children_in(date(2024, 4, 1), date(2025, 3, 31))).episodes
    assert [a.authorised for a in earlier.assessments] == [date(2025, 3, 14)]
    assert earlier.closure_date is None and earlier.cin_plans[0].end is None
    # Closed before the 2027 return begins: not in it.
    assert children_in(date(2026, 4, 1), date(2027, 3, 31)) == []


def test_each_referral_owns_what_started_after_it(door):
    first = door.contact(date(2025, 4, 7), outcome="S17", concerns=("neglect",))
    involvement(person_of(first), ASSESSMENT, date(2025, 4, 7), date(2025, 5, 2), code="RC8")
    person = first.children()[0].person
    second = door.contact(date(2025, 10, 6), outcome="S17", concerns=("neglect",), person=person)
    involvement(person_of(second), ASSESSMENT, date(2025, 10, 6), None)
    record = _only(children_in(*YEAR_2026))
    assert [e.reference for e in record.episodes] == [first.reference, second.reference]
    assert [e.closure_date for e in record.episodes] == [date(2025, 5, 2), None]
    assert [len(e.assessments) for e in record.episodes] == [1, 1]


def test_an_unborn_child_is_sex_u(door):
    contact = door.contact(
        date(2025, 9, 15), outcome="S17", concerns=("neglect",), child=child(date_of_birth=None)
    )
    person = contact.children()[0].person
    person.expected_date_of_birth = date(2026, 1, 20)
    person.gender = "F"
    person.save()
    assert _only(children_in(*YEAR_2026)).child.sex == "U"


def test_an_episode_does_not_close_while_its_assessment_has_no_recorded_end(door):
    # An s47 decision, then a plan that started and ended, but no assessment end recorded.
    contact = door.contact(date(2025, 9, 10), outcome="S47", concerns=("neglect",), strategy=True)
    involvement(person_of(contact), CP, date(2025, 9, 30), date(2025, 12, 1), code="RC7")
    [episode] = _only(children_in(*YEAR_2026)).episodes
    assert episode.is_open and episode.closure_reason == ""
    assert [(a.start, a.authorised) for a in episode.assessments] == [(date(2025, 9, 10), None)]


def test_a_referral_while_the_episode_is_open_joins_it(door):
    # s17 on 1 May with a plan from 10 June to 1 December; a second s17 on 1 September and an
    # NFA referral on 1 October arrive while it is open; the assessment after the second is
    # part of the same episode (no overlapping episodes: rules 8815, 8816, 8820).
    first = door.contact(date(2025, 5, 1), outcome="S17", concerns=("neglect",))
    involvement(person_of(first), ASSESSMENT, date(2025, 5, 1), date(2025, 6, 6))
    involvement(person_of(first), CIN, date(2025, 6, 10), date(2025, 12, 1), code="RC7")
    person = first.children()[0].person
    second = door.contact(date(2025, 9, 1), outcome="S17", concerns=("neglect",), person=person)
    involvement(person_of(second), ASSESSMENT, date(2025, 9, 1), date(2025, 10, 10))
    third = door.contact(date(2025, 10, 1), outcome="NFA", concerns=("neglect",), person=person)
    # After it closed, a new referral is a new episode.
    fourth = door.contact(date(2026, 1, 12), outcome="S17", concerns=("neglect",), person=person)
    [one, two] = _only(children_in(*YEAR_2026)).episodes
    assert one.reference == first.reference
    assert one.later_referrals == [second.reference, third.reference]
    assert [(a.start, a.authorised) for a in one.assessments] == [
        (date(2025, 5, 1), date(2025, 6, 6)),
        (date(2025, 9, 1), date(2025, 10, 10)),
    ]
    assert (one.closure_date, one.closure_reason) == (date(2025, 12, 1), "RC7")
    assert two.reference == fourth.reference and two.is_open


def test_a_child_in_need_plan_open_when_a_protection_plan_starts_ends_the_day_before(door):
    contact = door.contact(date(2025, 5, 1), outcome="S17", concerns=("neglect",))
    involvement(person_of(contact), ASSESSMENT, date(2025, 5, 1), date(2025, 6, 6))
    involvement(person_of(contact), CIN, date(2025, 6, 10), None)
    involvement(person_of(contact), CP, date(2025, 9, 3), None)
    [episode] = _only(children_in(*YEAR_2026)).episodes
    assert [(p.start, p.end) for p in episode.cin_plans] == [(date(2025, 6, 10), date(2025, 9, 2))]
    assert [rule for rule, _ in episode.corrections] == ["4001"]
    assert "ending 02/09/2025" in episode.corrections[0][1]


def test_what_followed_after_the_year_end_still_shapes_the_episode_before_it(door):
    # s47 on 12 March 2026, assessment authorised 27 March, a protection plan from 7 April: the
    # 2025-26 return sees an episode still open with its enquiry awaiting a conference, not
    # one closed after assessment.
    contact = door.contact(date(2026, 3, 12), outcome="S47", concerns=("neglect",), strategy=True)
    involvement(person_of(contact), ASSESSMENT, date(2026, 3, 12), date(2026, 3, 27))
    involvement(person_of(contact), CP, date(2026, 4, 7), None)
    [episode] = _only(children_in(*YEAR_2026)).episodes
    assert episode.is_open and episode.corrections == []
    [enquiry] = episode.section47s
    assert (enquiry.icpc, enquiry.icpc_not_required) == (None, False)
    assert episode.protection_plans == []
    [later] = _only(children_in(date(2026, 4, 1), date(2027, 3, 31))).episodes
    assert [p.start for p in later.protection_plans] == [date(2026, 4, 7)]


def test_what_followed_a_later_referral_is_not_read_into_an_earlier_episode(door):
    # Referred in December 2024 and closed in January 2025; referred again in August 2025 with
    # an assessment after it. The 2024-25 return sees the first episode closed in January.
    first = door.contact(date(2024, 12, 12), outcome="S17", concerns=("neglect",))
    involvement(person_of(first), ASSESSMENT, date(2024, 12, 13), date(2025, 1, 8), code="RC9")
    again = door.contact(
        date(2025, 8, 21), outcome="S17", concerns=("neglect",), person=first.children()[0].person
    )
    involvement(person_of(again), ASSESSMENT, date(2025, 8, 21), None)
    [episode] = _only(children_in(date(2024, 4, 1), date(2025, 3, 31))).episodes
    assert (episode.closure_date, episode.closure_reason) == (date(2025, 1, 8), "RC9")
