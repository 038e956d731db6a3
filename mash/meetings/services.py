"""Every write about meetings: MASH meetings (MA-7), strategy discussions (OU-2) and emergency
action (OU-5). Each verb checks the role, applies the rule, writes and audits in one
transaction; refusals are plain English with the rule ids."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, cast

from django.db import transaction
from django.utils import timezone

from mash.accounts.models import Agency, User
from mash.audit import services as audit
from mash.contacts.clocks import profile_of
from mash.contacts.models import Contact
from mash.contacts.workflow import OPEN
from mash.core import locking
from mash.core.errors import ApplicationError, Conflict, InvalidInput
from mash.core.formatting import datetime_gb
from mash.core.rules import require
from mash.dataprotection.register import record_meeting_disclosures
from mash.meetings import permissions
from mash.meetings.models import (
    EmergencyAction,
    MashMeeting,
    MeetingAttendee,
    MeetingCase,
    StrategyAction,
    StrategyAttendee,
    StrategyDiscussion,
)
from mash.meetings.selectors import emergency_actions_awaiting_strategy
from mash.policy.profiles import AgencyKind, TeamKind
from mash.routing.models import TaskKind
from mash.routing.pathways import dct_applies
from mash.routing.tasks import finish_task, open_task, police_told

Status = Contact.Status
# A meeting about a contact needs it screened and still open.
MEETABLE = (
    Status.INFORMATION_SHARING,
    Status.AWAITING_RECOMMENDATION,
    Status.AWAITING_DECISION,
    Status.DECIDED,
)


@dataclass(frozen=True)
class Attendee:
    """Someone present for an agency, as the minutes record them."""

    agency_code: str
    name: str
    role: str = ""


@dataclass(frozen=True)
class ActionItem:
    """An action agreed at a strategy discussion, with its owner and date (OU-2)."""

    action: str
    owner_name: str
    owner_agency_code: str
    due_on: date | None


def _problem(message: str, field: str, *rules: str) -> ApplicationError:
    return ApplicationError(message, field=field, rule_ids=rules)


def _not_in_future(moment: datetime | None, field: str, what: str) -> list[ApplicationError]:
    if moment is None:
        return [_problem(f"Enter when {what}.", field)]
    if moment > timezone.now() + timedelta(minutes=5):
        return [_problem(f"The time {what} must not be in the future.", field)]
    return []


def _team_manager(chair: Any, field: str, rule: str) -> list[ApplicationError]:
    chairs = permissions.social_work_team_managers()
    if chair is None or not isinstance(chair, User) or not chairs.filter(pk=chair.pk).exists():
        return [_problem("Choose the social work Team Manager who chaired it.", field, rule)]
    return []


def _agencies(attendees: Sequence[Attendee], field: str) -> tuple[list[Agency], list[Any]]:
    """The agency of each attendee, with a problem for any unknown agency or missing name."""
    found = {a.code: a for a in Agency.objects.filter(code__in=[x.agency_code for x in attendees])}
    problems = []
    for attendee in attendees:
        if attendee.agency_code not in found:
            problems.append(_problem("Choose each attendee's agency from the list.", field))
        if not attendee.name.strip():
            problems.append(_problem("Enter each attendee's name.", field))
    return [found[a.agency_code] for a in attendees if a.agency_code in found], problems


def _add_attendees(model: Any, owner: dict[str, Any], attendees: Sequence[Attendee]) -> None:
    agencies = {
        a.code: a for a in Agency.objects.filter(code__in=[x.agency_code for x in attendees])
    }
    for position, attendee in enumerate(attendees):
        model.objects.create(
            agency=agencies[attendee.agency_code],
            name=attendee.name.strip(),
            role=attendee.role.strip(),
            position=position,
            **owner,
        )


def _locked_open(contact: Contact, doing: str, statuses: Collection[str] = MEETABLE) -> Contact:
    contact = locking.bump(contact)  # the row lock, and the version check (ADR 0016)
    if contact.status not in statuses:
        raise Conflict(
            f"{contact.reference} is {contact.get_status_display().lower()}, so a {doing} "
            "cannot be recorded on it."
        )
    return contact


# --------------------------------------------------------------------------- MASH meetings (MA-7)


@transaction.atomic
def record_mash_meeting(
    *, by: Any, held_at: datetime | None, chair: Any, attendees: Sequence[Attendee], notes: str = ""
) -> MashMeeting:
    """Record a multi-agency MASH meeting: who chaired (a Social Work Team Manager) and who
    attended for each agency (MA-7). Cases are added to it one by one."""
    require(permissions.can_record_meeting(by), "Your role cannot record MASH meetings.", "MA-7")
    agencies, problems = _agencies(attendees, "attendees")
    problems += _not_in_future(held_at, "held_date", "the meeting was held")
    problems += _team_manager(chair, "chair", "MA-7")
    if not any(not agency.is_childrens_social_care for agency in agencies):
        problems.append(
            _problem(
                "A MASH meeting is multi-agency: record at least one partner agency's attendee.",
                "attendees",
                "MA-7",
            )
        )
    if problems:
        raise InvalidInput(problems)
    meeting = MashMeeting.objects.create(
        held_at=cast(datetime, held_at),  # checked by _not_in_future
        chair=chair,
        notes=notes.strip(),
        recorded_by=by,
        recorded_at=timezone.now(),
    )
    _add_attendees(MeetingAttendee, {"meeting": meeting}, attendees)
    audit.record(
        actor=by,
        action="meeting.recorded",
        subject=meeting,
        rule_ids=["MA-7"],
        data={"agencies": sorted({a.code for a in agencies})},
    )
    return meeting


@transaction.atomic
def discuss_case(
    meeting: MashMeeting,
    *,
    by: Any,
    contact: Contact,
    analysis: str,
    recommendation: str,
    actions: str = "",
) -> MeetingCase:
    """Record the meeting's analysis and recommendation for one case; they appear on that
    case's MAIS record (MA-7)."""
    require(permissions.can_record_meeting(by), "Your role cannot record MASH meetings.", "MA-7")
    meeting = MashMeeting.objects.select_for_update().get(pk=meeting.pk)
    if meeting.is_issued:
        raise Conflict(
            "This meeting's record has been issued to the agencies, so it cannot change. Record "
            "the case at a new meeting.",
            rule_ids=("MA-7",),
        )
    contact = _locked_open(contact, "MASH meeting discussion")
    problems = []
    if meeting.cases.filter(contact=contact).exists():
        problems.append(_problem(f"{contact.reference} is already on this meeting.", "reference"))
    if not analysis.strip():
        problems.append(_problem("Enter the meeting's analysis.", "analysis", "MA-7"))
    try:
        profile_of(contact).outcome(recommendation)
    except KeyError:
        problems.append(_problem("Choose the meeting's recommendation.", "recommendation", "OU-1"))
    if problems:
        raise InvalidInput(problems)
    case = MeetingCase.objects.create(
        meeting=meeting,
        contact=contact,
        analysis=analysis.strip(),
        recommendation=recommendation,
        actions=actions.strip(),
        recorded_by=by,
        recorded_at=timezone.now(),
    )
    audit.record(
        actor=by,
        action="meeting.case_discussed",
        contact_id=contact.pk,
        subject=case,
        rule_ids=["MA-7", "MA-6"],
        data={"meeting": str(meeting.pk), "recommendation": recommendation},
    )
    return case


@transaction.atomic
def issue_meeting(meeting: MashMeeting, *, by: Any) -> MashMeeting:
    """Issue the record: every agency receives its copy (MA-7) and it no longer changes."""
    require(
        permissions.can_issue_meeting(by),
        "Only a Team Manager can issue a MASH meeting's record.",
        "MA-7",
    )
    meeting = MashMeeting.objects.select_for_update().get(pk=meeting.pk)
    if meeting.is_issued:
        raise Conflict("This meeting's record has already been issued.", rule_ids=("MA-7",))
    if not meeting.cases.exists():
        raise ApplicationError(
            "Record at least one case discussed before issuing the record.", rule_ids=("MA-7",)
        )
    meeting.issued_at, meeting.issued_by = timezone.now(), by
    meeting.save(update_fields=["issued_at", "issued_by", "updated_at"])
    record_meeting_disclosures(meeting, by=by)  # the share register (CO-4)
    audit.record(actor=by, action="meeting.issued", subject=meeting, rule_ids=["MA-7"])
    return meeting


# --------------------------------------------------------------------------- strategy (OU-2)


def is_quorate(agencies: Sequence[Agency]) -> bool:
    """OU-2: quorate only with the police and health present."""
    kinds = {agency.kind for agency in agencies}
    return AgencyKind.POLICE in kinds and AgencyKind.HEALTH in kinds


def dct_applies_in(contact: Contact) -> bool:
    """Whether the contact's profile has a Disabled Children's Team to invite (SC-8)."""
    return bool(profile_of(contact).teams_of_kind(TeamKind.DCT))


@transaction.atomic
def record_strategy_discussion(
    contact: Contact,
    *,
    by: Any,
    kind: str,
    held_at: datetime | None,
    chair: Any,
    attendees: Sequence[Attendee],
    outcome: str,
    rationale: str,
    actions: Sequence[ActionItem] = (),
    sc8_applies: bool = False,
    dct_invited: bool = False,
) -> StrategyDiscussion:
    """Record a strategy discussion or meeting (OU-2): chaired by a Team Manager; a decision
    about a section 47 enquiry only when police and health were present; the Disabled
    Children's Team invited where SC-8 applies; actions with owners and dates.

    It follows any emergency action taken before it (OU-5).
    """
    require(
        permissions.can_record_meeting(by),
        "Your role cannot record strategy discussions.",
        "OU-2",
    )
    # Any open contact: after emergency action (OU-5) it cannot wait for screening.
    contact = _locked_open(contact, "strategy discussion", OPEN)
    agencies, problems = _agencies(attendees, "attendees")
    quorate = is_quorate(agencies)
    # SC-8 applies when the child met the DCT's criteria (the check recorded on the contact).
    sc8_applies = sc8_applies or dct_applies(contact)
    problems += _strategy_problems(contact, kind, held_at, chair, outcome, rationale, quorate)
    problems += _action_problems(actions)
    if sc8_applies and not dct_invited:
        problems.append(
            _problem(
                "SC-8 applies (a disabled child who meets the Disabled Children's Team's "
                "criteria): invite the Disabled Children's Team.",
                "dct_invited",
                "SC-8",
                "OU-2",
            )
        )
    if problems:
        raise InvalidInput(problems)
    held_at = cast(datetime, held_at)  # checked by _strategy_problems
    awaiting = [a for a in emergency_actions_awaiting_strategy(contact) if a.taken_at <= held_at]
    discussion = StrategyDiscussion.objects.create(
        contact=contact,
        kind=kind,
        held_at=held_at,
        chair=chair,
        quorate=quorate,
        sc8_applies=sc8_applies,
        dct_invited=dct_invited,
        outcome=outcome,
        rationale=rationale.strip(),
        follows_emergency_action=awaiting[-1] if awaiting and quorate else None,
        recorded_by=by,
        recorded_at=timezone.now(),
    )
    _add_attendees(StrategyAttendee, {"discussion": discussion}, attendees)
    _add_actions(discussion, actions)
    task = open_task(contact, TaskKind.STRATEGY_MEETING)
    held = f"{discussion.get_kind_display()} held on {datetime_gb(held_at)}"
    if task is not None and quorate:
        finish_task(task, by, held)
    if any(a.kind == AgencyKind.POLICE for a in agencies):
        police_told(contact, by, f"The police attended the {held[0].lower()}{held[1:]}")  # IN-12
    rules = ["OU-2", *(["SC-8"] if sc8_applies else []), *(["OU-5"] if awaiting else [])]
    audit.record(
        actor=by,
        action="strategy.recorded",
        contact_id=contact.pk,
        subject=discussion,
        rule_ids=rules,
        data={
            "outcome": outcome,
            "quorate": quorate,
            "agencies": sorted({a.code for a in agencies}),
        },
    )
    return discussion


def _strategy_problems(
    contact: Contact,
    kind: str,
    held_at: datetime | None,
    chair: Any,
    outcome: str,
    rationale: str,
    quorate: bool,
) -> list[ApplicationError]:
    problems = []
    if kind not in StrategyDiscussion.Kind.values:
        problems.append(_problem("Choose a strategy discussion or a strategy meeting.", "kind"))
    problems += _not_in_future(held_at, "held_date", "it was held")
    problems += _team_manager(chair, "chair", "OU-2")
    if outcome not in StrategyDiscussion.Outcome.values:
        problems.append(_problem("Choose the outcome.", "outcome", "OU-2"))
    elif not quorate and outcome != StrategyDiscussion.Outcome.NOT_QUORATE:
        problems.append(
            _problem(
                "A strategy discussion is quorate only with the police and health present "
                "(OU-2). Add their attendees, or record it as not quorate, to be reconvened.",
                "outcome",
                "OU-2",
            )
        )
    elif quorate and outcome == StrategyDiscussion.Outcome.NOT_QUORATE:
        problems.append(
            _problem(
                "The police and health were present, so it was quorate: record its outcome.",
                "outcome",
                "OU-2",
            )
        )
    if not rationale.strip():
        problems.append(_problem("Enter the reasons for the outcome.", "rationale", "OU-2"))
    return problems


def _action_problems(actions: Sequence[ActionItem]) -> list[ApplicationError]:
    codes = set(Agency.objects.values_list("code", flat=True))
    problems = []
    for item in actions:
        complete = item.action.strip() and item.owner_name.strip() and item.due_on
        if not complete or item.owner_agency_code not in codes:
            problems.append(
                _problem(
                    "Give every action its owner, the owner's agency and the date it is due by.",
                    "actions",
                    "OU-2",
                )
            )
    return problems[:1]


def _add_actions(discussion: StrategyDiscussion, actions: Sequence[ActionItem]) -> None:
    agencies = {a.code: a for a in Agency.objects.all()}
    for position, item in enumerate(actions):
        StrategyAction.objects.create(
            discussion=discussion,
            action=item.action.strip(),
            owner_name=item.owner_name.strip(),
            owner_agency=agencies[item.owner_agency_code],
            due_on=item.due_on,  # type: ignore[misc]  # checked by _action_problems
            position=position,
        )


@transaction.atomic
def complete_strategy_action(action: StrategyAction, *, by: Any) -> StrategyAction:
    """Record that an agreed action has been done (OU-3: who, what, by when)."""
    require(permissions.can_record_meeting(by), "Your role cannot update strategy actions.")
    action = StrategyAction.objects.select_for_update().get(pk=action.pk)
    if action.completed_at is not None:
        raise Conflict("This action was already recorded as done.")
    action.completed_at, action.completed_by = timezone.now(), by
    action.save(update_fields=["completed_at", "completed_by", "updated_at"])
    audit.record(
        actor=by,
        action="strategy.action_completed",
        contact_id=action.discussion.contact_id,
        subject=action,
        rule_ids=["OU-2", "OU-3"],
    )
    return action


# --------------------------------------------------------------------------- emergency (OU-5)


@transaction.atomic
def record_emergency_action(
    contact: Contact,
    *,
    by: Any,
    kind: str,
    taken_at: datetime | None,
    agency_code: str,
    taken_by: str,
    children_protected: str,
    other_children_considered: str,
    why_no_epo: str = "",
    note: str = "",
) -> EmergencyAction:
    """Record immediate protection (OU-5): an EPO, police protection or a 999 call. The
    strategy discussion that must follow becomes the contact's first next step, and the
    contact cannot close without it."""
    require(permissions.can_record_meeting(by), "Your role cannot record emergency action.", "OU-5")
    contact = locking.bump(contact)  # the row lock, and the version check (ADR 0016)
    if contact.status == Status.CLOSED:
        raise Conflict(f"{contact.reference} is closed: record the action on a new contact.")
    problems = _emergency_problems(
        kind, taken_at, agency_code, taken_by, children_protected, other_children_considered
    )
    if kind == EmergencyAction.Kind.PPO and not why_no_epo.strip():
        problems.append(
            _problem(
                "Police protection is only for when there is no time to seek an Emergency "
                "Protection Order: enter why there was no time (OU-5).",
                "why_no_epo",
                "OU-5",
            )
        )
    if problems:
        raise InvalidInput(problems)
    action = EmergencyAction.objects.create(
        contact=contact,
        kind=kind,
        taken_at=cast(datetime, taken_at),  # checked by _emergency_problems
        agency=Agency.objects.get(code=agency_code),
        taken_by=taken_by.strip(),
        children_protected=children_protected.strip(),
        other_children_considered=other_children_considered.strip(),
        why_no_epo=why_no_epo.strip(),
        note=note.strip(),
        recorded_by=by,
        recorded_at=timezone.now(),
    )
    audit.record(
        actor=by,
        action="emergency_action.recorded",
        contact_id=contact.pk,
        subject=action,
        rule_ids=["OU-5"],
        data={"kind": kind, "agency": agency_code},
    )
    task = open_task(contact, TaskKind.IMMEDIATE_PROTECTION)
    if task is not None:
        finish_task(task, by, f"{action.get_kind_display()} by {action.taken_by}")
    return action


def _emergency_problems(
    kind: str,
    taken_at: datetime | None,
    agency_code: str,
    taken_by: str,
    children_protected: str,
    other_children: str,
) -> list[ApplicationError]:
    problems = []
    if kind not in EmergencyAction.Kind.values:
        problems.append(_problem("Choose what action was taken.", "kind", "OU-5"))
    problems += _not_in_future(taken_at, "taken_date", "the action was taken")
    if not Agency.objects.filter(code=agency_code).exists():
        problems.append(_problem("Choose the agency that acted.", "agency_code"))
    for value, field, message in (
        (taken_by, "taken_by", "Enter who acted."),
        (children_protected, "children_protected", "Enter which children were protected."),
        (
            other_children,
            "other_children_considered",
            "Enter how the other children in the household, or in the alleged perpetrator's "
            "household, were considered (OU-5).",
        ),
    ):
        if not value.strip():
            problems.append(_problem(message, field, "OU-5"))
    return problems
