"""MASH meetings (MA-7), strategy discussions (OU-2) and emergency action (OU-5)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from conftest import _persona, screen_at_threshold, share_checks
from mash.accounts.models import Agency, Role
from mash.audit.models import AuditEvent
from mash.contacts import services as contacts
from mash.core.errors import ApplicationError, Conflict, InvalidInput, NotPermitted
from mash.meetings import selectors
from mash.meetings import services as meetings
from mash.meetings.models import StrategyDiscussion
from mash.meetings.services import ActionItem, Attendee

pytestmark = pytest.mark.django_db


def _code(kind: str) -> str:
    return Agency.objects.filter(kind=kind).order_by("code").first().code


@pytest.fixture
def screened(received, sam, priya):
    return screen_at_threshold(received, checked_by=sam, screened_by=priya)


POLICE_AND_HEALTH = (
    lambda: Attendee(_code("police"), "DS Hughes", "Detective sergeant"),
    lambda: Attendee(_code("health"), "Nurse Patel", "Safeguarding nurse"),
)


def _strategy(contact, by, chair, attendees, **overrides):
    values = {
        "kind": StrategyDiscussion.Kind.MEETING,
        "held_at": timezone.now() - timedelta(minutes=10),
        "chair": chair,
        "attendees": attendees,
        "outcome": StrategyDiscussion.Outcome.S47,
        "rationale": "Injury and disclosure.",
    }
    values.update(overrides)
    return meetings.record_strategy_discussion(contact, by=by, **values)


# --------------------------------------------------------------------------- strategy (OU-2)


def test_a_strategy_decision_needs_police_and_health(screened, sam, meera):
    police_only = [POLICE_AND_HEALTH[0]()]
    with pytest.raises(InvalidInput) as error:
        _strategy(screened, sam, meera, police_only)
    assert "quorate only with the police and health present (OU-2)" in error.value.message
    assert not StrategyDiscussion.objects.exists()
    inquorate = _strategy(screened, sam, meera, police_only, outcome="NOT_QUORATE")
    assert not inquorate.quorate
    quorate = _strategy(screened, sam, meera, [f() for f in POLICE_AND_HEALTH])
    assert quorate.quorate and quorate.outcome == "S47"
    assert quorate.attendees.count() == 2


def test_a_quorate_discussion_cannot_be_recorded_as_inquorate(screened, sam, meera):
    with pytest.raises(InvalidInput, match="it was quorate"):
        _strategy(screened, sam, meera, [f() for f in POLICE_AND_HEALTH], outcome="NOT_QUORATE")


def test_the_chair_must_be_a_team_manager(screened, sam, priya):
    with pytest.raises(InvalidInput) as error:
        _strategy(screened, sam, priya, [f() for f in POLICE_AND_HEALTH])
    assert error.value.problems[0].field == "chair"


def test_dct_must_be_invited_where_sc8_applies(screened, sam, meera):
    with pytest.raises(InvalidInput, match="invite the Disabled Children's Team"):
        _strategy(screened, sam, meera, [f() for f in POLICE_AND_HEALTH], sc8_applies=True)
    found = _strategy(
        screened, sam, meera, [f() for f in POLICE_AND_HEALTH], sc8_applies=True, dct_invited=True
    )
    assert (
        found.dct_invited and "SC-8" in AuditEvent.objects.get(action="strategy.recorded").rule_ids
    )


def test_actions_have_owners_and_dates_and_can_be_completed(screened, sam, meera, carys):
    with pytest.raises(InvalidInput, match="owner"):
        _strategy(
            screened,
            sam,
            meera,
            [f() for f in POLICE_AND_HEALTH],
            actions=[ActionItem("Visit the child", "", _code("police"), None)],
        )
    discussion = _strategy(
        screened,
        sam,
        meera,
        [f() for f in POLICE_AND_HEALTH],
        actions=[
            ActionItem(
                "Visit the child today", "Sam", _code("childrens_social_care"), timezone.localdate()
            )
        ],
    )
    action = discussion.actions.get()
    with pytest.raises(NotPermitted):
        meetings.complete_strategy_action(action, by=carys)
    meetings.complete_strategy_action(action, by=sam)
    with pytest.raises(Conflict):
        meetings.complete_strategy_action(action, by=sam)


def test_a_strategy_discussion_cannot_be_dated_in_the_future(screened, sam, meera):
    with pytest.raises(InvalidInput, match="must not be in the future"):
        _strategy(
            screened,
            sam,
            meera,
            [f() for f in POLICE_AND_HEALTH],
            held_at=timezone.now() + timedelta(hours=2),
        )


# --------------------------------------------------------------------------- emergency (OU-5)


def _emergency(contact, by, **overrides):
    values = {
        "kind": "EPO",
        "taken_at": timezone.now() - timedelta(hours=1),
        "agency_code": _code("childrens_social_care"),
        "taken_by": "Sam, social worker",
        "children_protected": "Jayden, now with his grandmother.",
        "other_children_considered": "No other children in either household.",
    }
    values.update(overrides)
    return meetings.record_emergency_action(contact, by=by, **values)


def test_police_protection_needs_the_reason_there_was_no_time_for_an_epo(screened, sam):
    with pytest.raises(InvalidInput, match="no time to seek an Emergency Protection Order"):
        _emergency(screened, sam, kind="PPO")
    with pytest.raises(InvalidInput, match="other children"):
        _emergency(screened, sam, other_children_considered=" ")
    action = _emergency(screened, sam, kind="PPO", why_no_epo="Court closed; child at risk now.")
    assert action.kind == "PPO"


def test_the_strategy_discussion_after_emergency_action_need_not_wait_for_screening(
    received, sam, meera
):
    action = _emergency(received, sam)  # before anyone has screened the contact (OU-5)
    discussion = _strategy(received, sam, meera, [f() for f in POLICE_AND_HEALTH])
    assert discussion.follows_emergency_action == action


def test_emergency_action_requires_the_strategy_discussion_before_closing(
    screened, sam, meera, polly
):
    action = _emergency(screened, sam)
    assert selectors.emergency_actions_awaiting_strategy(screened) == [action]
    share_checks(screened, asked_by=sam, partner=polly)
    contacts.recommend_outcome(screened, by=sam, outcome="S47", rationale="r", analysis="a")
    contacts.decide(
        screened,
        by=meera,
        agrees=True,
        outcome="S47",
        rationale="r",
        team=contacts.suggested_team(screened, "S47"),
    )
    with pytest.raises(InvalidInput, match="record the strategy discussion"):
        contacts.close_contact(screened, by=sam)
    # An inquorate meeting does not count as the follow-up.
    _strategy(screened, sam, meera, [POLICE_AND_HEALTH[0]()], outcome="NOT_QUORATE")
    assert selectors.emergency_actions_awaiting_strategy(screened) == [action]
    discussion = _strategy(screened, sam, meera, [f() for f in POLICE_AND_HEALTH])
    assert discussion.follows_emergency_action == action
    assert selectors.emergency_actions_awaiting_strategy(screened) == []
    contacts.close_contact(screened, by=sam)


# --------------------------------------------------------------------------- MASH meetings (MA-7)


def test_a_mash_meeting_is_multi_agency_chaired_by_a_team_manager(sam, meera, priya, profile):
    csc_only = [Attendee(_code("childrens_social_care"), "Sam")]
    with pytest.raises(InvalidInput) as error:
        meetings.record_mash_meeting(
            by=sam, held_at=timezone.now(), chair=priya, attendees=csc_only
        )
    assert {p.field for p in error.value.problems} == {"chair", "attendees"}
    meeting = meetings.record_mash_meeting(
        by=sam, held_at=timezone.now(), chair=meera, attendees=[POLICE_AND_HEALTH[0]()]
    )
    assert meeting.attendees.count() == 1


def test_cases_are_discussed_then_the_record_is_issued_and_fixed(screened, sam, meera, priya):
    meeting = meetings.record_mash_meeting(
        by=sam, held_at=timezone.now(), chair=meera, attendees=[POLICE_AND_HEALTH[0]()]
    )
    with pytest.raises(ApplicationError, match="at least one case"):
        meetings.issue_meeting(meeting, by=meera)
    case = meetings.discuss_case(
        meeting, by=sam, contact=screened, analysis="Escalating.", recommendation="S47"
    )
    assert list(screened.meeting_discussions.all()) == [case]
    with pytest.raises(InvalidInput, match="already on this meeting"):
        meetings.discuss_case(meeting, by=sam, contact=screened, analysis="x", recommendation="S47")
    with pytest.raises(NotPermitted):
        meetings.issue_meeting(meeting, by=priya)
    meetings.issue_meeting(meeting, by=meera)
    with pytest.raises(Conflict, match="issued"):
        meetings.discuss_case(meeting, by=sam, contact=screened, analysis="x", recommendation="NFA")


def test_each_agency_s_copy_shows_only_the_cases_it_was_asked_about(
    make_contact, sam, priya, meera, polly
):
    asked, not_asked = make_contact(), make_contact()
    for contact in (asked, not_asked):
        screen_at_threshold(contact, checked_by=sam, screened_by=priya, rag="AMBER")
    from mash.sharing import services as sharing

    sharing.request_checks(
        asked,
        by=sam,
        agency_codes=[polly.primary_agency().code],
        concern_summary="c",
        question="q",
        legal_basis="CA1989_S17",
    )
    health = _persona("hana", Role.PARTNER_OFFICER, Agency.objects.get(code=_code("health")))
    meeting = meetings.record_mash_meeting(
        by=sam, held_at=timezone.now(), chair=meera, attendees=[POLICE_AND_HEALTH[1]()]
    )
    for contact in (asked, not_asked):
        meetings.discuss_case(meeting, by=sam, contact=contact, analysis="a", recommendation="S17")
    assert not selectors.meetings_for_partner(polly).exists()  # not issued yet
    meetings.issue_meeting(meeting, by=meera)
    assert list(selectors.meetings_for_partner(polly)) == [meeting]
    assert [c.contact for c in selectors.cases_for(polly, meeting)] == [asked]
    assert list(selectors.meetings_for_partner(health)) == [meeting]  # attended
    assert selectors.cases_for(health, meeting) == []
    assert len(selectors.cases_for(sam, meeting)) == 2


def test_only_a_social_work_team_manager_with_a_current_role_chairs(screened, sam, meera):
    police_manager = _persona("pete", Role.TEAM_MANAGER, Agency.objects.get(code=_code("police")))
    with pytest.raises(InvalidInput, match="social work Team Manager"):
        _strategy(screened, sam, police_manager, [f() for f in POLICE_AND_HEALTH])
    membership = meera.memberships.get()
    membership.starts_at = timezone.now() - timedelta(days=30)
    membership.ends_at = timezone.now() - timedelta(days=1)  # moved to another team
    membership.save()
    with pytest.raises(InvalidInput, match="social work Team Manager"):
        _strategy(screened, sam, meera, [f() for f in POLICE_AND_HEALTH])


def test_every_case_read_from_a_meeting_is_audited_on_its_contact(screened, sam, meera):
    meeting = meetings.record_mash_meeting(
        by=sam, held_at=timezone.now(), chair=meera, attendees=[POLICE_AND_HEALTH[0]()]
    )
    meetings.discuss_case(meeting, by=sam, contact=screened, analysis="a", recommendation="S47")
    selectors.cases_for(meera, meeting)
    event = AuditEvent.objects.get(action="meeting.case_viewed", actor=meera)
    assert event.contact_id == screened.pk and event.data["meeting"] == str(meeting.pk)
