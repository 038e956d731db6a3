"""Raising and settling disputes about a MASH recommendation (DM-1, TS-8).

A dispute is raised by a partner agency that was asked, or by MASH social care staff. The
relevant Team Managers try to resolve it first; each level either resolves it or escalates to
the next, and the Assistant Director's decision is final. The outcome it is resolved with
binds the decision: one recorded later must follow it, and one already recorded is changed.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from mash.audit import services as audit
from mash.contacts import services as contact_services
from mash.contacts.clocks import meet, profile_of, start_clock
from mash.contacts.models import Contact
from mash.core import locking
from mash.core.errors import ApplicationError, Conflict, InvalidInput
from mash.core.rules import require
from mash.disputes import permissions
from mash.disputes.models import LADDER, Dispute, DisputeStep, Level

Status = Contact.Status
DISPUTABLE = (Status.AWAITING_DECISION, Status.DECIDED)


def _locked(contact: Contact) -> Contact:
    return locking.bump(contact)  # the row lock, and the version check (ADR 0016)


@transaction.atomic
def raise_dispute(contact: Contact, *, by: Any, reason: str, proposed_outcome: str = "") -> Dispute:
    """Record a disagreement with the recommendation (or the decision) and start TS-8."""
    asked = set(contact.information_requests.values_list("agency_id", flat=True))
    require(
        permissions.can_raise_dispute(by, asked),
        "Only MASH social care staff, or an agency asked on this contact, can raise a dispute.",
        "DM-1",
    )
    contact = _locked(contact)
    contact_services.require_status(contact, DISPUTABLE, "disagreement")
    if contact.disputes.filter(status=Dispute.Status.OPEN).exists():
        raise Conflict(
            f"A dispute about {contact.reference} is already open: add to it through the "
            "managers resolving it (DM-1).",
            rule_ids=("DM-1",),
        )
    recommendation = contact.recommendations.order_by("-recommended_at").first()
    decided = contact.status == Status.DECIDED
    disputed = contact.decision.outcome if decided else recommendation.outcome  # type: ignore[union-attr]
    problems = _raise_problems(contact, reason, proposed_outcome, decided)
    if problems:
        raise InvalidInput(problems)
    now = timezone.now()
    clock = start_clock(contact, "TS-8", now)
    dispute = Dispute.objects.create(
        contact=contact,
        about=Dispute.About.DECISION if decided else Dispute.About.RECOMMENDATION,
        disputed_outcome=disputed,
        proposed_outcome=proposed_outcome,
        reason=reason.strip(),
        raised_by=by,
        raised_by_agency=_raising_agency(by, asked),
        raised_at=now,
        clock=clock,
        due_at=clock.due_at if clock else None,
    )
    audit.record(
        actor=by,
        action="dispute.raised",
        contact_id=contact.pk,
        subject=dispute,
        rule_ids=["DM-1", "TS-8"],
        data={"disputed": disputed, "proposed": proposed_outcome},
    )
    return dispute


def _raise_problems(
    contact: Contact, reason: str, proposed: str, decided: bool
) -> list[ApplicationError]:
    problems = []
    if not reason.strip():
        problems.append(
            ApplicationError(
                f"Enter why you disagree with the {'decision' if decided else 'recommendation'}.",
                field="reason",
                rule_ids=("DM-1",),
            )
        )
    if proposed:
        try:
            profile_of(contact).outcome(proposed)
        except KeyError:
            problems.append(
                ApplicationError(
                    "Choose the outcome you think is right from the list.",
                    field="proposed_outcome",
                    rule_ids=("OU-1",),
                )
            )
    return problems


def _raising_agency(by: Any, asked: set[Any]) -> Any:
    """The agency the dispute is raised for: the partner's asked agency, else the user's."""
    from mash.accounts.models import Agency

    partner = sorted(set(by.partner_agency_ids()) & asked, key=str)
    if partner:
        return Agency.objects.get(pk=partner[0])
    return by.primary_agency()


@transaction.atomic
def record_dispute_step(
    dispute: Dispute,
    *,
    by: Any,
    result: str,
    note: str,
    counterpart: str = "",
    outcome: str = "",
    seen_level: str = "",
) -> DisputeStep:
    """The managers at the dispute's level resolve it (with the outcome, binding) or escalate
    it to the next level (DM-1). The Assistant Director can only resolve: their decision is
    final. Meets TS-8 on resolution.

    `seen_level` is the level the manager had in front of them: if a colleague escalated the
    dispute since, nothing is saved and the Conflict says so, so that no level is skipped.
    """
    contact = _locked(dispute.contact)
    dispute = Dispute.objects.select_for_update().get(pk=dispute.pk)
    if not dispute.is_open:
        raise Conflict(
            f"This dispute was resolved on {dispute.resolved_at:%d %B %Y}; nothing was saved.",
            rule_ids=("DM-1",),
        )
    if seen_level and seen_level != dispute.level:
        raise Conflict(
            f"The dispute was escalated to the {dispute.get_level_display()} while you were "
            "working on it; nothing was saved. Read their step before recording yours.",
            rule_ids=("DM-1",),
        )
    require(
        permissions.can_act_at_level(by, dispute.level),
        f"Only the {dispute.get_level_display()} (or more senior managers) can record this "
        "step (DM-1).",
        "DM-1",
    )
    problems = _step_problems(contact, dispute, result, note, counterpart, outcome)
    if problems:
        raise InvalidInput(problems)
    now = timezone.now()
    previous = dispute.steps.order_by("-recorded_at").first()
    step = DisputeStep.objects.create(
        dispute=dispute,
        level=dispute.level,
        started_at=previous.recorded_at if previous else dispute.raised_at,
        result=result,
        outcome=outcome if result == DisputeStep.Result.RESOLVED else "",
        counterpart=counterpart.strip(),
        note=note.strip(),
        recorded_by=by,
        recorded_at=now,
    )
    if result == DisputeStep.Result.ESCALATED:
        _escalate(dispute, by, step)
    else:
        _resolve(contact, dispute, by, step)
    return step


def _step_problems(
    contact: Contact, dispute: Dispute, result: str, note: str, counterpart: str, outcome: str
) -> list[ApplicationError]:
    problems = []

    def add(message: str, field: str) -> None:
        problems.append(ApplicationError(message, field=field, rule_ids=("DM-1",)))

    final = dispute.level == Level.ASSISTANT_DIRECTOR
    if result not in DisputeStep.Result.values:
        add("Choose whether it was resolved or escalated.", "result")
    elif final and result == DisputeStep.Result.ESCALATED:
        add("The Assistant Director's decision is final: record the outcome.", "result")
    if result == DisputeStep.Result.RESOLVED:
        try:
            profile_of(contact).outcome(outcome)
        except KeyError:
            add("Choose the outcome agreed.", "outcome")
    if not final and not counterpart.strip():
        add("Enter who you discussed it with: their name, role and agency.", "counterpart")
    if not note.strip():
        add("Enter what was discussed and why.", "note")
    return problems


def _escalate(dispute: Dispute, by: Any, step: DisputeStep) -> None:
    dispute.level = LADDER[LADDER.index(Level(dispute.level)) + 1]
    dispute.save(update_fields=["level", "updated_at"])
    audit.record(
        actor=by,
        action="dispute.escalated",
        contact_id=dispute.contact_id,
        subject=dispute,
        rule_ids=["DM-1", "TS-8"],
        data={"from": step.level, "to": dispute.level},
    )


def _resolve(contact: Contact, dispute: Dispute, by: Any, step: DisputeStep) -> None:
    now = step.recorded_at
    dispute.status = Dispute.Status.RESOLVED
    dispute.resolved_outcome, dispute.resolved_at, dispute.resolved_by = step.outcome, now, by
    dispute.save(
        update_fields=["status", "resolved_outcome", "resolved_at", "resolved_by", "updated_at"]
    )
    if dispute.clock is not None:
        meet(dispute.clock, at=now, by=by, note=f"Resolved by the {step.get_level_display()}")
    if contact.status == Status.DECIDED:
        contact_services.revise_decision(
            contact,
            outcome=step.outcome,
            by=by,
            reason=f"Dispute resolved by the {step.get_level_display()}: {step.note}",
        )
    audit.record(
        actor=by,
        action="dispute.resolved",
        contact_id=contact.pk,
        subject=dispute,
        rule_ids=["DM-1", "TS-8"],
        data={"level": step.level, "outcome": step.outcome},
    )
