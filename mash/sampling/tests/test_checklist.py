"""The checklist (DM-2): every question cites rules that exist in RULES.md, and the facts the
product pre-fills beside each question come from the contact's record."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
import time_machine

from mash.policy import catalogue
from mash.sampling import checklist
from mash.sampling.tests.conftest import LONDON


def test_eight_to_ten_questions_each_citing_rules_of_the_catalogue():
    """The catalogue is RULES.md's rules (mash/policy/tests/test_catalogue.py checks that)."""
    assert 8 <= len(checklist.QUESTIONS) <= 10
    assert len(checklist.BY_ID) == len(checklist.QUESTIONS)
    for question in checklist.QUESTIONS:
        assert question.rule_ids, question.id
        for rule_id in question.rule_ids:
            assert catalogue.rule(rule_id).summary  # KeyError for an unknown id


@pytest.mark.django_db
def test_the_evidence_of_a_closed_nfa_contact(close_contact):
    # Received Monday 10:30 (30 minutes before), decided and closed at 11:00.
    contact = close_contact(datetime(2025, 1, 6, 11, 0, tzinfo=LONDON))
    evidence = checklist.evidence_for(contact)
    assert evidence["history"] == "History checked for 1 of 1 children."
    assert evidence["decision_time"] == (
        "Decision recorded Monday 6 January 2025 at 11am, 0.5 working hours after the clock "
        "started; due Tuesday 7 January 2025 at 10:30am. TS-1 met."
    )
    assert evidence["threshold"].endswith(
        "Green: below the social care threshold, with a rationale."
    )
    assert "At screening: Parents have consented." in evidence["consent"]
    assert evidence["partner_checks"] == "No partner agency was asked."
    assert evidence["rationale"].startswith("Recommended NFA, no analysis, with a rationale.")
    assert evidence["police"] == "No possible offence recorded."
    assert evidence["written_confirmation"].startswith("Written confirmation")  # a school's call


@pytest.mark.django_db
def test_the_evidence_of_partner_checks(close_contact):
    contact = close_contact(datetime(2025, 1, 7, 11, 0, tzinfo=LONDON), outcome="S17")
    evidence = checklist.evidence_for(contact)
    assert (
        evidence["partner_checks"]
        == "1 agency asked (TS-2): 1 answered, 1 of them by the deadline."
    )


@pytest.mark.django_db
def test_a_clock_not_yet_due_is_not_called_missed(close_contact):
    """Closed Monday 11am: TS-4 (48 hours) and TS-5 are still running, and are not missed."""
    closed = datetime(2025, 1, 6, 11, 0, tzinfo=LONDON)
    contact = close_contact(closed)
    with time_machine.travel(closed, tick=False):
        evidence = checklist.evidence_for(contact)
    assert evidence["written_confirmation"] == (
        "Written confirmation received: not yet; it is due Wednesday 8 January 2025 at "
        "10:30am. TS-4 not yet due."
    )
    assert evidence["acknowledgement"].endswith("TS-5 not yet due.")
    later = checklist.evidence_for(contact)  # today: long past due
    assert later["written_confirmation"].endswith("TS-4 not met.")


@pytest.mark.django_db
def test_ts4_counts_elapsed_hours_not_office_hours(close_contact):
    """TS-4 is 48 elapsed hours: confirmation a day after the clock started took 24 hours,
    not the 8 office hours of that day."""
    contact = close_contact(datetime(2025, 1, 6, 11, 0, tzinfo=LONDON))
    ts4 = contact.clocks.get(rule_id="TS-4")
    ts4.met_at = ts4.started_at + timedelta(days=1)
    ts4.save()
    assert checklist.evidence_for(contact)["written_confirmation"] == (
        "Written confirmation received Tuesday 7 January 2025 at 10:30am, 24 hours after the "
        "clock started; due Wednesday 8 January 2025 at 10:30am. TS-4 met."
    )


@pytest.mark.django_db
def test_an_agency_asked_twice_is_one_agency(close_contact, sam):
    contact = close_contact(datetime(2025, 1, 7, 11, 0, tzinfo=LONDON), outcome="S17")
    first = contact.information_requests.get()
    first.pk = None
    first.id = None
    first._state.adding = True
    first.save()
    assert checklist.evidence_for(contact)["partner_checks"] == (
        "1 agency asked 2 times (TS-2): 2 answered, 2 of them by the deadline."
    )
