"""The special pathways' reviews (SP-1, SP-2, SC-8, OU-6) and what each outcome starts.

Each review is a `PathwayReview` row with its outcome; the outcome then creates the tasks and
clocks the rule requires and, where it changes the route, asks `services.refresh` again.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import models, transaction
from django.utils import timezone

from mash.audit import services as audit
from mash.contacts import permissions
from mash.contacts.clocks import meet_clock, profile_of, start_clock
from mash.contacts.models import Contact
from mash.core import locking
from mash.core.errors import ApplicationError, InvalidInput
from mash.core.rules import require, require_text
from mash.policy.catalogue import explain
from mash.policy.profiles import Pathway
from mash.routing import services, tasks
from mash.routing.models import PASSED_ON, PathwayKind, PathwayReview, TaskKind
from mash.sharing import permissions as sharing_permissions


class Risk(models.TextChoices):  # SP-1
    STANDARD = "STANDARD", "Standard"
    MEDIUM = "MEDIUM", "Medium"
    HIGH = "HIGH", "High"


class MissingOutcome(models.TextChoices):  # SP-2
    OPEN_CASE = "OPEN_CASE", "Open to social care: forward to the allocated social worker"
    VULNERABILITY = "VULNERABILITY", "Additional vulnerability: MASH screening"
    SIGNIFICANT_HARM = "SIGNIFICANT_HARM", "Significant harm threshold met: strategy meeting"
    NONE = "NONE", "No additional vulnerability: the Missing Coordinators keep it"


class DctDecision(models.TextChoices):  # SC-8
    MET = "MET", "Criteria met: the Disabled Children's Team takes the case"
    NOT_MET = "NOT_MET", "Criteria not met: the normal process"


class CrossBoundaryPosition(models.TextChoices):  # OU-6
    HOST_ACTS = "HOST_ACTS", "We are the host authority: we act and convene the strategy discussion"
    ACCEPTED = "ACCEPTED", "The responsible authority accepts responsibility in writing"
    DISAGREED = "DISAGREED", "The two authorities disagree who acts"
    REGION_ORIGINATING = "REGION_ORIGINATING", "Within the region: the originating authority leads"


def _review(
    contact: Contact, kind: str, rule_id: str, outcome: str, by: Any, note: str, **details: Any
) -> PathwayReview:
    review = PathwayReview.objects.create(
        contact=contact,
        kind=kind,
        rule_id=rule_id,
        outcome=outcome,
        details=details,
        note=note,
        recorded_by=by,
        recorded_at=timezone.now(),
    )
    audit.record(
        actor=by,
        action=f"routing.{kind}_recorded",
        contact_id=contact.pk,
        subject=review,
        rule_ids=[rule_id],
        data={"outcome": outcome, "details": details, "reason": note},
    )
    return review


def _locked_open(contact: Contact, rule_id: str) -> Contact:
    contact = locking.bump(contact)  # the row lock, and the version check (ADR 0016)
    if contact.status == Contact.Status.CLOSED:
        raise ApplicationError(f"{contact.reference} is closed.", rule_ids=(rule_id,))
    if not profile_of(contact).has_pathway(rule_id):
        raise ApplicationError(
            f"The {profile_of(contact).service_name} profile does not use {rule_id}.",
            rule_ids=(rule_id,),
        )
    return contact


def _pathway(contact: Contact, rule_id: str) -> Pathway:
    pathway = profile_of(contact).pathway(rule_id)
    if pathway is None:  # _locked_open has refused already
        raise ApplicationError(f"This profile does not use {rule_id}.", rule_ids=(rule_id,))
    return pathway


def _complete(contact: Contact, kind: str, by: Any, note: str) -> None:
    task = tasks.open_task(contact, kind)
    if task is not None:
        tasks.finish_task(task, by, note)


def _practitioner(by: Any, rule_id: str) -> None:
    require(
        sharing_permissions.can_request_checks(by),
        "Only a MASH social worker or manager can record this.",
        rule_id,
    )


# --------------------------------------------------------------------------- SP-1


@transaction.atomic
def record_domestic_abuse_review(
    contact: Contact, *, by: Any, risk: str, plan: str
) -> PathwayReview:
    """SP-1: the 24-hour (working week) review meets TS-6. High risk needs the safety plan and
    starts the MARAC referral, the MADA meeting the next working day (TS-7, counted from the
    notification) and alerts to the school and health practitioners."""
    _practitioner(by, "SP-1")
    contact = _locked_open(contact, "SP-1")
    if risk not in Risk.values:
        raise ApplicationError("Choose the risk level.", field="risk", rule_ids=("SP-1",))
    if risk == Risk.HIGH:
        plan = require_text(
            plan, "plan", "Enter the safety and protection plan: the risk is high (SP-1).", "SP-1"
        )
    review = _review(contact, PathwayKind.DOMESTIC_ABUSE, "SP-1", risk, by, plan.strip())
    meet_clock(contact, "TS-6", at=review.recorded_at, by=by, note=f"Risk: {Risk(risk).label}")
    _complete(contact, TaskKind.DOMESTIC_ABUSE_REVIEW, by, f"Risk {Risk(risk).label.lower()}")
    if risk == Risk.HIGH:
        _high_risk(contact)
    return review


def _high_risk(contact: Contact) -> None:
    profile = profile_of(contact)
    quote = profile.quote("SP-1")
    schools = sorted({c.school_or_nursery for c in contact.children() if c.school_or_nursery})
    clock = contact.clocks.filter(rule_id="TS-7").first() or start_clock(
        contact, "TS-7", contact.received_at
    )
    wanted = [
        (
            TaskKind.MARAC_REFERRAL,
            "Refer to MARAC",
            None,
            "",
            "High risk: the case is referred to MARAC for review.",
        ),
        (
            TaskKind.MADA_MEETING,
            "Hold the multi-agency domestic abuse (MADA) meeting",
            clock.due_at if clock else None,
            "TS-7",
            "High risk: a MADA meeting is held the next working day after the notification.",
        ),
        (
            TaskKind.ALERT_SCHOOL,
            "Alert the school"
            + (f" ({', '.join(schools)})" if schools else " (school not recorded)"),
            None,
            "",
            "High risk: the school is alerted to support and watch the child.",
        ),
        (
            TaskKind.ALERT_HEALTH,
            "Alert the health practitioners involved (GP, health visitor, school nurse, CAMHS)",
            None,
            "",
            "High risk: the health practitioners involved with the family are alerted.",
        ),
    ]
    for kind, label, due, clock_rule, reason in wanted:
        rule_id = "TS-7" if kind == TaskKind.MADA_MEETING else "SP-1"
        tasks.ensure_task(
            contact,
            kind,
            label,
            due,
            explain(rule_id, reason, profile.quote(rule_id) or quote),
            clock_rule,
        )


# --------------------------------------------------------------------------- SP-2


@transaction.atomic
def record_missing_review(contact: Contact, *, by: Any, outcome: str, note: str) -> PathwayReview:
    """SP-2: the Missing Coordinators' review. Its outcome routes a contact awaiting screening;
    after that (a missing concern learnt later) it is recorded, with any strategy meeting."""
    require(
        permissions.can_record_missing_review(by),
        "Only a missing coordinator, a MASH social worker or a manager can record this.",
        "SP-2",
    )
    contact = _locked_open(contact, "SP-2")
    if outcome not in MissingOutcome.values:
        raise ApplicationError(
            "Choose the outcome of the review.", field="outcome", rule_ids=("SP-2",)
        )
    note = require_text(note, "note", "Enter what the review found.", "SP-2")
    review = _review(contact, PathwayKind.MISSING, "SP-2", outcome, by, note)
    _complete(contact, TaskKind.MISSING_REVIEW, by, MissingOutcome(outcome).label)
    if outcome == MissingOutcome.SIGNIFICANT_HARM:
        tasks.ensure_task(
            contact,
            TaskKind.STRATEGY_MEETING,
            "Hold a strategy meeting to decide on section 47 enquiries",
            timezone.now(),
            explain(
                "SP-2",
                "The significant harm threshold is met: a strategy meeting decides "
                "whether section 47 enquiries are needed (OU-2).",
                profile_of(contact).quote("SP-2"),
            ),
        )
    tasks.manager_has_seen(contact, by, "reviewing it")  # IN-10
    suggestion = services.refresh(contact)
    if contact.status != Contact.Status.RECEIVED:
        return review  # recorded after screening or passing on: the route is settled
    if (
        suggestion is not None
        and suggestion.destination in PASSED_ON
        and not tasks.task_blockers(contact, tasks.NOW_KINDS)
    ):
        # The coordinators decide the route themselves: no second person needs to accept it.
        # With a task due now still open (IN-10, IN-12, OU-5) it waits, suggested, until done.
        services.apply_route(
            contact,
            suggestion,
            by=by,
            destination=suggestion.destination,
            team=suggestion.team,
            worker=suggestion.worker,
            overridden=False,
            reason=note,
        )
    return review


# --------------------------------------------------------------------------- SC-8


@transaction.atomic
def record_dct_eligibility(
    contact: Contact, *, by: Any, criteria: Iterable[str], note: str = ""
) -> PathwayReview:
    """SC-8: which of the DCT's criteria the child meets (the criteria are profile data).

    Eligible → a discussion with the DCT (a task) before its decision; not eligible → the
    normal process, recorded."""
    require(
        permissions.can_check_dct_criteria(by),
        "Only the Disabled Children's Team, a MASH social worker or a manager can record this.",
        "SC-8",
    )
    contact = _locked_open(contact, "SC-8")
    dct = _pathway(contact, "SC-8").dct
    if dct is None:  # the schema requires criteria for SC-8
        raise ApplicationError("The profile lists no criteria for SC-8.", rule_ids=("SC-8",))
    met = list(dict.fromkeys(criteria))
    known = {code for code, _ in dct.criteria}
    if any(code not in known for code in met):
        raise ApplicationError(
            "Choose criteria from the list.", field="criteria", rule_ids=("SC-8",)
        )
    eligible = dct.is_eligible(met)
    review = _review(
        contact,
        PathwayKind.DCT_ELIGIBILITY,
        "SC-8",
        "ELIGIBLE" if eligible else "NOT_ELIGIBLE",
        by,
        note.strip(),
        criteria=met,
    )
    words = "; ".join(dct.label(code) for code in met) or "none of the criteria"
    _complete(
        contact,
        TaskKind.DCT_ELIGIBILITY,
        by,
        ("Eligible: " if eligible else "Not eligible: ") + words,
    )
    if not eligible:
        # A corrected check: nothing is left for the DCT to discuss, and an earlier decision
        # no longer routes the contact (the latest check counts).
        _complete(contact, TaskKind.DCT_DISCUSSION, by, "Not eligible on a later check: " + words)
    else:
        # Eligible (again): the DCT decides on this check, even if it decided on an earlier one.
        task = tasks.ensure_task(
            contact,
            TaskKind.DCT_DISCUSSION,
            "Discuss the child with the Disabled Children's Team and record its decision",
            None,
            explain(
                "SC-8",
                f"The child meets the criteria ({words}): the contact is discussed "
                "with the Disabled Children's Team.",
                profile_of(contact).quote("SC-8"),
            ),
        )
        if not task.is_open:
            tasks.reopen_task(task, by, "Eligible again on a later check: " + words)
    services.refresh(contact)
    return review


@transaction.atomic
def record_dct_decision(
    contact: Contact, *, by: Any, decision: str, decided_by: str, note: str
) -> PathwayReview:
    """SC-8: the DCT Team or Practice Manager's decision. Met → suggested route to the DCT;
    not met → recorded, and the contact follows the normal process."""
    require(
        permissions.can_record_dct_decision(by),
        "Only the Disabled Children's Team or a Practice or Team Manager can record the "
        "Disabled Children's Team's decision.",
        "SC-8",
    )
    contact = _locked_open(contact, "SC-8")
    problems = []
    if decision not in DctDecision.values:
        problems.append(
            ApplicationError("Choose the decision.", field="decision", rule_ids=("SC-8",))
        )
    if not decided_by.strip():
        problems.append(
            ApplicationError(
                "Enter who in the Disabled Children's Team decided.",
                field="decided_by",
                rule_ids=("SC-8",),
            )
        )
    if not note.strip():
        problems.append(
            ApplicationError(
                "Enter the reasons for the decision.", field="note", rule_ids=("SC-8",)
            )
        )
    if problems:
        raise InvalidInput(problems)
    if not dct_applies(contact):
        raise ApplicationError(
            "Check the criteria first: the Disabled Children's Team decides "
            "on children who meet them (SC-8).",
            rule_ids=("SC-8",),
        )
    review = _review(
        contact,
        PathwayKind.DCT_DECISION,
        "SC-8",
        decision,
        by,
        note.strip(),
        decided_by=decided_by.strip(),
    )
    _complete(
        contact,
        TaskKind.DCT_DISCUSSION,
        by,
        f"{DctDecision(decision).label} ({decided_by.strip()})",
    )
    services.refresh(contact)
    return review


def dct_applies(contact: Contact) -> bool:
    """SC-8: the latest criteria check found the child eligible, so the DCT decides on the
    contact and is invited to its strategy meetings."""
    return services.dct_check(contact) is not None


# --------------------------------------------------------------------------- OU-6


@transaction.atomic
def record_cross_boundary(
    contact: Contact,
    *,
    by: Any,
    other_authority: str,
    position: str,
    note: str,
    written_acceptance: str = "",
) -> PathwayReview:
    """OU-6: a child normally resident elsewhere. The host acts unless the responsible
    authority accepts in writing; a disagreement goes to senior managers within 24 hours of
    the initial referral (TS-9); within the profile's region the originating authority leads
    the section 47 enquiry. Every agreement is recorded."""
    _practitioner(by, "OU-6")
    contact = _locked_open(contact, "OU-6")
    pathway = _pathway(contact, "OU-6")
    problems = []
    if not other_authority.strip():
        problems.append(
            ApplicationError(
                "Enter the other local authority.", field="other_authority", rule_ids=("OU-6",)
            )
        )
    if position not in CrossBoundaryPosition.values:
        problems.append(
            ApplicationError("Choose what has been agreed.", field="position", rule_ids=("OU-6",))
        )
    if position == CrossBoundaryPosition.ACCEPTED and not written_acceptance.strip():
        problems.append(
            ApplicationError(
                "Enter the written acceptance (who, when, the letter or email): only a written "
                "acceptance relieves the host authority (OU-6).",
                field="written_acceptance",
                rule_ids=("OU-6",),
            )
        )
    if position == CrossBoundaryPosition.REGION_ORIGINATING and not (
        pathway.region and other_authority.strip() in pathway.region_authorities
    ):
        region = pathway.region or "a region the profile names"
        where = f" ({', '.join(pathway.region_authorities)})" if pathway.region else ""
        problems.append(
            ApplicationError(
                f"The originating authority leads only within {region}{where}.",
                field="position",
                rule_ids=("OU-6",),
            )
        )
    if not note.strip():
        problems.append(
            ApplicationError("Enter what was agreed, with whom.", field="note", rule_ids=("OU-6",))
        )
    if problems:
        raise InvalidInput(problems)
    review = _review(
        contact,
        PathwayKind.CROSS_BOUNDARY,
        "OU-6",
        position,
        by,
        note.strip(),
        other_authority=other_authority.strip(),
        written_acceptance=written_acceptance.strip(),
    )
    if position == CrossBoundaryPosition.DISAGREED:
        clock = contact.clocks.filter(rule_id="TS-9").first() or start_clock(
            contact, "TS-9", contact.received_at
        )
        tasks.ensure_task(
            contact,
            TaskKind.CROSS_BOUNDARY_ESCALATION,
            f"Refer the disagreement with {other_authority.strip()} to senior managers",
            clock.due_at if clock else None,
            explain(
                "TS-9",
                "The two authorities disagree who acts: senior managers are told "
                "within 24 hours of the initial referral.",
                profile_of(contact).quote("TS-9"),
            ),
            "TS-9",
        )
    else:
        escalation = tasks.open_task(contact, TaskKind.CROSS_BOUNDARY_ESCALATION)
        if escalation is not None:
            tasks.finish_task(escalation, by, "Agreed: " + CrossBoundaryPosition(position).label)
    return review
