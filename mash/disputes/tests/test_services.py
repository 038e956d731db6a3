"""Disputes about a MASH recommendation (DM-1): raised, escalated up the ladder within TS-8,
and the final outcome binding on the decision."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from conftest import _persona, screen_at_threshold, share_checks
from mash.accounts.models import Role
from mash.audit.models import AuditEvent
from mash.contacts import services as contacts
from mash.contacts.models import Contact
from mash.core.errors import (
    ApplicationError,
    Conflict,
    InvalidInput,
    NotPermitted,
    TransitionNotAllowed,
)
from mash.disputes import services as disputes
from mash.disputes.models import Dispute
from mash.disputes.selectors import binding_outcome

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")


@pytest.fixture
def hollie(csc):
    return _persona("hollie", Role.HEAD_OF_SERVICE, csc)


@pytest.fixture
def adrian(csc):
    return _persona("adrian", Role.ASSISTANT_DIRECTOR, csc)


@pytest.fixture
def awaiting_decision(received, sam, priya, polly):
    """Screened red, police asked and answered, S17 recommended: awaiting the decision."""
    screen_at_threshold(received, checked_by=sam, screened_by=priya)
    share_checks(received, asked_by=sam, partner=polly)
    contacts.recommend_outcome(received, by=sam, outcome="S17", rationale="r", analysis="a")
    received.refresh_from_db()
    return received


def _step(dispute, by, result="ESCALATED", **extra):
    values = {"note": "Discussed by phone.", "counterpart": "DI Rees, police"}
    values.update(extra)
    return disputes.record_dispute_step(dispute, by=by, result=result, **values)


def test_a_partner_that_was_asked_raises_a_dispute_with_a_ts8_clock(awaiting_decision, polly):
    dispute = disputes.raise_dispute(
        awaiting_decision, by=polly, reason="The risk is higher.", proposed_outcome="S47"
    )
    assert dispute.raised_by_agency == polly.primary_agency()
    assert dispute.about == Dispute.About.RECOMMENDATION and dispute.disputed_outcome == "S17"
    clock = awaiting_decision.clocks.get(rule_id="TS-8")
    assert dispute.clock == clock and dispute.due_at == clock.due_at
    assert dispute.level == Dispute.Level.TEAM_MANAGERS
    assert set(AuditEvent.objects.get(action="dispute.raised").rule_ids) == {"DM-1", "TS-8"}


def test_ts8_is_one_working_day_from_when_it_was_raised(awaiting_decision, polly):
    with time_machine.travel(datetime(2026, 12, 4, 15, 0, tzinfo=LONDON), tick=False):  # a Friday
        dispute = disputes.raise_dispute(awaiting_decision, by=polly, reason="Disagree.")
    assert dispute.due_at == datetime(2026, 12, 7, 15, 0, tzinfo=LONDON)  # Monday 3pm


def test_who_may_raise(awaiting_decision, make_contact, carys, sam, profile):
    from mash.accounts.models import Agency

    not_asked = Agency.objects.exclude(kind__in=["police", "childrens_social_care"]).first()
    other = _persona("hana", Role.PARTNER_OFFICER, not_asked)
    for user in (carys, other):
        with pytest.raises(NotPermitted):
            disputes.raise_dispute(awaiting_decision, by=user, reason="x")
    with pytest.raises(TransitionNotAllowed):  # nothing recommended yet: not a colleague's move
        disputes.raise_dispute(make_contact(), by=sam, reason="x")
    with pytest.raises(InvalidInput, match="why you disagree"):
        disputes.raise_dispute(awaiting_decision, by=sam, reason=" ")
    disputes.raise_dispute(awaiting_decision, by=sam, reason="Needs a strategy meeting.")
    with pytest.raises(Conflict, match="already open"):
        disputes.raise_dispute(awaiting_decision, by=sam, reason="Again.")


def test_the_ladder_is_climbed_in_order_and_the_final_decision_binds(
    awaiting_decision, polly, meera, sonia, hollie, adrian, priya
):
    dispute = disputes.raise_dispute(awaiting_decision, by=polly, reason="Higher risk.")
    with pytest.raises(NotPermitted, match="Team Managers"):
        _step(dispute, priya)
    _step(dispute, meera)
    dispute.refresh_from_db()
    assert dispute.level == Dispute.Level.SERVICE_MANAGERS
    with pytest.raises(NotPermitted):
        _step(dispute, meera)
    _step(dispute, sonia)
    dispute.refresh_from_db()
    _step(dispute, hollie)
    dispute.refresh_from_db()
    assert dispute.level == Dispute.Level.ASSISTANT_DIRECTOR
    with pytest.raises(InvalidInput, match="final"):
        _step(dispute, adrian, result="ESCALATED")
    _step(dispute, adrian, result="RESOLVED", outcome="S47", counterpart="")
    dispute.refresh_from_db()
    assert dispute.status == "RESOLVED" and dispute.resolved_outcome == "S47"
    assert [s.level for s in dispute.steps.order_by("recorded_at")] == [
        "TEAM_MANAGERS",
        "SERVICE_MANAGERS",
        "HEADS_OF_SERVICE",
        "ASSISTANT_DIRECTOR",
    ]
    assert awaiting_decision.clocks.get(rule_id="TS-8").met_at == dispute.resolved_at
    assert binding_outcome(awaiting_decision) == "S47"
    with pytest.raises(ApplicationError, match="binding"):
        contacts.decide(awaiting_decision, by=meera, agrees=True, outcome="S17", rationale="r")
    decision = contacts.decide(
        awaiting_decision,
        by=meera,
        agrees=False,
        outcome="S47",
        rationale="As the Assistant Director decided.",
        team=contacts.suggested_team(awaiting_decision, "S47"),
    )
    assert decision.outcome == "S47"


def test_nobody_decides_or_closes_while_a_dispute_is_open(awaiting_decision, polly, meera, sam):
    dispute = disputes.raise_dispute(awaiting_decision, by=polly, reason="Higher risk.")
    with pytest.raises(ApplicationError, match="must be resolved before"):
        contacts.decide(awaiting_decision, by=meera, agrees=True, outcome="S17", rationale="r")
    _step(dispute, meera, result="RESOLVED", outcome="S17")
    contacts.decide(
        awaiting_decision,
        by=meera,
        agrees=True,
        outcome="S17",
        rationale="r",
        team=contacts.suggested_team(awaiting_decision, "S17"),
    )
    second = disputes.raise_dispute(awaiting_decision, by=polly, reason="Still disagree.")
    assert second.about == Dispute.About.DECISION
    with pytest.raises(InvalidInput, match="still open"):
        contacts.close_contact(awaiting_decision, by=sam)


def test_resolving_a_dispute_about_a_decision_changes_it(awaiting_decision, polly, meera, sonia):
    contacts.decide(
        awaiting_decision,
        by=meera,
        agrees=True,
        outcome="S17",
        rationale="r",
        team=contacts.suggested_team(awaiting_decision, "S17"),
    )
    dispute = disputes.raise_dispute(awaiting_decision, by=polly, reason="Needs s47.")
    _step(dispute, meera)
    dispute.refresh_from_db()
    _step(dispute, sonia, result="RESOLVED", outcome="S47")
    awaiting_decision.refresh_from_db()
    decision = awaiting_decision.decision
    assert decision.outcome == "S47" and decision.revised_at is not None
    assert not decision.agrees_with_recommendation  # S17 was recommended
    assert decision.passed_to.code == contacts.suggested_team(awaiting_decision, "S17")  # kept
    event = AuditEvent.objects.get(action="contact.decision_revised")
    assert event.data["from"] == "S17" and event.data["to"] == "S47"
    assert awaiting_decision.status == Contact.Status.DECIDED


def test_a_resolved_step_needs_the_outcome_and_a_counterpart(awaiting_decision, polly, meera):
    dispute = disputes.raise_dispute(awaiting_decision, by=polly, reason="x")
    with pytest.raises(InvalidInput) as error:
        disputes.record_dispute_step(dispute, by=meera, result="RESOLVED", note=" ")
    assert {p.field for p in error.value.problems} == {"outcome", "counterpart", "note"}
    _step(dispute, meera, result="RESOLVED", outcome="S17")
    with pytest.raises(Conflict, match="resolved"):
        _step(dispute, meera, result="RESOLVED", outcome="S17")


def test_a_step_from_a_page_showing_an_older_level_is_a_conflict(
    awaiting_decision, polly, meera, profile
):
    """Two Team Managers escalate at once: the second must not record a step at the Service
    Managers' level they never saw, skipping it (DM-1)."""
    colleague = _persona("tom", Role.TEAM_MANAGER, meera.primary_agency())
    dispute = disputes.raise_dispute(awaiting_decision, by=polly, reason="Higher risk.")
    _step(dispute, meera, seen_level="TEAM_MANAGERS")
    with pytest.raises(Conflict, match="escalated to the Service Managers"):
        _step(dispute, colleague, seen_level="TEAM_MANAGERS")  # their page was stale
    dispute.refresh_from_db()
    assert dispute.level == Dispute.Level.SERVICE_MANAGERS and dispute.steps.count() == 1
    with pytest.raises(NotPermitted):  # the role is checked against the level as it is now
        _step(dispute, colleague, seen_level="SERVICE_MANAGERS")


def test_no_sending_back_while_a_dispute_is_open(awaiting_decision, polly, meera):
    disputes.raise_dispute(awaiting_decision, by=polly, reason="Higher risk.")
    with pytest.raises(Conflict, match="dispute"):
        contacts.return_contact(
            awaiting_decision, by=meera, to="INFORMATION_SHARING", reason="More checks."
        )


def test_an_earlier_rounds_dispute_does_not_bind_a_new_recommendation(
    awaiting_decision, polly, meera, sam
):
    dispute = disputes.raise_dispute(awaiting_decision, by=polly, reason="Higher risk.")
    _step(dispute, meera, result="RESOLVED", outcome="NFA")
    assert binding_outcome(awaiting_decision) == "NFA"
    contacts.return_contact(
        awaiting_decision, by=meera, to="AWAITING_RECOMMENDATION", reason="New information."
    )
    contacts.recommend_outcome(
        awaiting_decision, by=sam, outcome="S47", rationale="New disclosure.", analysis="a"
    )
    assert binding_outcome(awaiting_decision) is None
    decision = contacts.decide(
        awaiting_decision,
        by=meera,
        agrees=True,
        outcome="S47",
        rationale="The disclosure changes it.",
        team=contacts.suggested_team(awaiting_decision, "S47"),
    )
    assert decision.outcome == "S47"
