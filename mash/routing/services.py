"""Applying the local procedures to a contact: routes, required tasks and pathway reviews.

`refresh` gathers the facts, asks `engine.suggest` for the route, keeps a new suggestion when
it differs from the last, and has `tasks` create what the rules require (IN-10, IN-12,
SP-1 … SP-4, SC-8). People then pass the contact on as suggested (`accept_route`), or a
manager chooses otherwise with a reason (`choose_route`), unless a rule requires the route.
Every write is audited with its rule ids.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils import timezone

from mash.accounts.models import Team
from mash.audit import services as audit
from mash.contacts import permissions
from mash.contacts.clocks import meet_clock, profile_of
from mash.contacts.models import Contact
from mash.core import locking
from mash.core.errors import ApplicationError, Conflict, InvalidInput
from mash.core.rules import require, require_text
from mash.people.models import Involvement
from mash.policy.catalogue import Explanation, explain
from mash.policy.profiles import SOCIAL_WORK_TEAM_KINDS, TeamKind
from mash.routing import engine, tasks
from mash.routing.models import (
    PASSED_ON,
    Destination,
    PathwayKind,
    PathwayReview,
    RouteDecision,
    RouteSuggestion,
    TaskKind,
)

Status = Contact.Status

EARLY_HELP_SERVICES = frozenset({Involvement.Service.EARLY_HELP})


# --------------------------------------------------------------------------- facts and route


def facts_for(contact: Contact) -> engine.ContactFacts:
    """What routing needs to know about `contact`, read from the database."""
    profile = profile_of(contact)
    children = []
    for child in contact.children().select_related("person"):
        involvements: tuple[engine.Involved, ...] = ()
        if child.person_id is not None:
            involvements = tuple(
                engine.Involved(
                    service=inv.get_service_display(),
                    early_help=inv.service in EARLY_HELP_SERVICES,
                    team_code=inv.team.code if inv.team else "",
                    team_name=inv.team.name if inv.team else "",
                    team_kind=inv.team.kind if inv.team else "",
                    worker=inv.allocated_worker,
                    started_on=inv.started_on,
                    ended_on=inv.ended_on,
                )
                for inv in Involvement.objects.filter(person_id=child.person_id).select_related(
                    "team"
                )
            )
        children.append(
            engine.ChildFacts(child.full_name, child.person_id is not None, involvements)
        )
    return engine.ContactFacts(
        received_on=profile.calendar.local(contact.received_at).date(),
        children=tuple(children),
        concern_categories=tuple(contact.concern_categories),
        child_protection_concern=contact.child_protection_concern,
        immediate_protection=contact.immediate_protection_needed == "YES",
        missing_review=_latest_outcome(contact, PathwayKind.MISSING),
        dct_decision=_dct_decision(contact),
    )


def _latest_outcome(contact: Contact, kind: str) -> str:
    review = contact.pathway_reviews.filter(kind=kind).order_by("-recorded_at").first()
    return review.outcome if review else ""


def dct_check(contact: Contact) -> PathwayReview | None:
    """SC-8: the latest criteria check if it found the child eligible, else None."""
    checks = contact.pathway_reviews.filter(kind=PathwayKind.DCT_ELIGIBILITY)
    latest = checks.order_by("-recorded_at", "-created_at").first()
    return latest if latest is not None and latest.outcome == "ELIGIBLE" else None


def _dct_decision(contact: Contact) -> str:
    """The DCT's decision on the latest eligible check; "" if none (or the check is not)."""
    check = dct_check(contact)
    if check is None:
        return ""
    decisions = contact.pathway_reviews.filter(
        kind=PathwayKind.DCT_DECISION, recorded_at__gte=check.recorded_at
    )
    decision = decisions.order_by("-recorded_at", "-created_at").first()
    return decision.outcome if decision else ""


def current_suggestion(contact: Contact) -> RouteSuggestion | None:
    return contact.route_suggestions.order_by("-suggested_at", "-created_at").first()


def latest_decision(contact: Contact) -> RouteDecision | None:
    return contact.route_decisions.order_by("-decided_at", "-created_at").first()


def refresh(contact: Contact) -> RouteSuggestion | None:
    """Create the tasks the rules require from the facts now and, while the MASH holds the
    contact awaiting screening, suggest the route again.

    Tasks follow the facts for as long as the contact is open (a concern added after screening
    still starts its pathway); the route is settled once the contact is screened or passed on.
    """
    if contact.status == Status.CLOSED:
        return current_suggestion(contact)
    found = engine.suggest(facts_for(contact), profile_of(contact))
    tasks.sync_tasks(contact, found)
    if contact.status != Status.RECEIVED:
        return current_suggestion(contact)
    now = timezone.now()
    latest = current_suggestion(contact)
    team = Team.objects.filter(code=found.team_code).first() if found.team_code else None
    if latest is not None and _same(latest, found, team):
        return latest
    suggestion = RouteSuggestion.objects.create(
        contact=contact,
        destination=found.destination,
        team=team,
        worker=found.worker,
        required=found.required,
        pending=found.pending,
        explanations=[e.as_dict() for e in found.explanations],
        suggested_at=now,
    )
    _hold(
        contact,
        suggestion.team if suggestion.destination == Destination.MISSING_COORDINATORS else None,
    )
    audit.record(
        actor=None,
        actor_name="The product (local procedures)",
        action="routing.suggested",
        contact_id=contact.pk,
        subject=suggestion,
        rule_ids=found.rule_ids,
        data={
            "destination": found.destination,
            "team": found.team_code,
            "required": found.required,
        },
    )
    return suggestion


def _same(latest: RouteSuggestion, found: engine.Suggestion, team: Team | None) -> bool:
    return (
        latest.destination == found.destination
        and latest.team_id == (team.pk if team else None)
        and latest.worker == found.worker
        and latest.pending == found.pending
        and latest.explanations == [e.as_dict() for e in found.explanations]
    )


def _hold(contact: Contact, team: Team | None) -> None:
    if contact.held_by_id != (team.pk if team else None):
        contact.held_by = team
        contact.save(update_fields=["held_by", "updated_at"])


def _locked(contact: Contact) -> Contact:
    return locking.bump(contact)  # the row lock, and the version check (ADR 0016)


def screening_blocker(contact: Contact) -> ApplicationError | None:
    """Why screening must wait, or None: a routing decision (IN-6, SC-7, TS-10, SP-2) or the
    Disabled Children's Team's decision (SC-8: "if not met, the normal process")."""
    dct = contact.tasks.filter(
        kind__in=(TaskKind.DCT_ELIGIBILITY, TaskKind.DCT_DISCUSSION), done_at__isnull=True
    ).first()
    if dct is not None:
        return ApplicationError(
            f"{dct.label} first: the contact follows the normal process only if the "
            "Disabled Children's Team's criteria are not met (SC-8).",
            rule_ids=("SC-8",),
        )
    suggestion = current_suggestion(contact)
    if suggestion is None or suggestion.destination in (
        Destination.MASH_SCREENING,
        Destination.MASH_INFORMATION_SHARING,
    ):
        return None
    decision = latest_decision(contact)
    if (
        decision is not None
        and decision.decided_at >= suggestion.suggested_at
        and decision.destination
        in (Destination.MASH_SCREENING, Destination.MASH_INFORMATION_SHARING)
    ):
        return None
    where = suggestion.team.name if suggestion.team else suggestion.get_destination_display()
    if suggestion.required:
        return ApplicationError(
            f"This contact must go to {where} first ({', '.join(suggestion.rule_ids)}): "
            "the MASH screens it only if they send it back.",
            rule_ids=tuple(suggestion.rule_ids),
        )
    return ApplicationError(
        f"The local procedures route this contact to {where} "
        f"({', '.join(suggestion.rule_ids)}). Pass it on, or a manager can choose MASH "
        "screening instead and record why.",
        rule_ids=tuple(suggestion.rule_ids),
    )


def information_sharing_required(contact: Contact) -> Explanation | None:
    """MASH information sharing (red or amber) is required: SP-3 for an FGM concern, or a
    manager chose it as the route with a reason."""
    suggestion = current_suggestion(contact)
    if suggestion is None:
        return None
    decision = latest_decision(contact)
    if decision is not None and decision.decided_at >= suggestion.suggested_at:
        if decision.destination != Destination.MASH_INFORMATION_SHARING:
            return None
        if not decision.overridden:
            return suggestion.explained()[0]
        return explain(
            "IN-6",
            f"{decision.decided_by.display_name()} chose MASH information sharing: "
            f"{decision.reason}",
        )
    if suggestion.destination != Destination.MASH_INFORMATION_SHARING:
        return None
    return suggestion.explained()[0]


# --------------------------------------------------------------------------- decisions


@transaction.atomic
def accept_route(contact: Contact, *, by: Any, note: str = "") -> RouteDecision:
    """Pass the contact on as the product suggests (anyone who records contacts)."""
    require(permissions.can_record_contact(by), "Your role cannot route contacts.", "IN-6")
    contact = _locked(contact)
    suggestion = _open_suggestion(contact)
    if not suggestion.passes_on:
        raise ApplicationError(
            f"The procedures keep this contact with {suggestion.get_destination_display()}: "
            "there is no team to pass it to.",
            rule_ids=tuple(suggestion.rule_ids),
        )
    return apply_route(
        contact,
        suggestion,
        by=by,
        destination=suggestion.destination,
        team=suggestion.team,
        worker=suggestion.worker,
        overridden=False,
        reason=note.strip(),
    )


@transaction.atomic
def choose_route(
    contact: Contact, *, by: Any, destination: str, team: str, reason: str, worker: str = ""
) -> RouteDecision:
    """A manager routes the contact differently from the suggestion, with the reason.

    Refused where a rule requires the suggested route (SP-2, SP-3).
    """
    require(
        permissions.can_screen(by),
        "Only a Practice or Team Manager can choose a different route.",
        "IN-6",
    )
    contact = _locked(contact)
    suggestion = _open_suggestion(contact)
    if suggestion.required:
        rules = ", ".join(suggestion.rule_ids)
        raise ApplicationError(
            f"{rules} requires this route ({suggestion.get_destination_display()}): it cannot "
            "be changed. " + suggestion.explained()[0].reason,
            field="destination",
            rule_ids=tuple(suggestion.rule_ids),
        )
    problems = []
    if destination not in Destination.values or destination in (
        Destination.MISSING_COORDINATORS,
        Destination.MISSING_CLOSED,
    ):
        problems.append(ApplicationError("Choose where the contact goes.", field="destination"))
    chosen_team = None
    if destination in PASSED_ON:
        chosen_team = _team(contact, team)
        if chosen_team is None:
            problems.append(
                ApplicationError("Choose the team it passes to.", field="team", rule_ids=("IN-6",))
            )
        elif not _team_fits(destination, chosen_team):
            problems.append(
                ApplicationError(
                    f"{chosen_team.name} is not a team for "
                    f"{Destination(destination).label.lower()}: choose another team or route.",
                    field="team",
                    rule_ids=("IN-6",),
                )
            )
    elif team.strip():
        problems.append(
            ApplicationError(
                "The MASH keeps the contact on that route: leave the team empty.",
                field="team",
                rule_ids=("IN-6",),
            )
        )
    if not reason.strip():
        problems.append(
            ApplicationError(
                "Enter why the contact should not go where the procedures suggest.",
                field="reason",
                rule_ids=tuple(suggestion.rule_ids),
            )
        )
    if problems:
        raise InvalidInput(problems)
    if destination == suggestion.destination and chosen_team == suggestion.team:
        raise ApplicationError(
            "That is the suggested route: pass it on as suggested instead.", field="destination"
        )
    return apply_route(
        contact,
        suggestion,
        by=by,
        destination=destination,
        team=chosen_team,
        worker=worker.strip(),
        overridden=True,
        reason=reason.strip(),
    )


# The kinds of team each passed-on route may go to (a previous team may be any but the MASH).
_TEAM_KINDS = {
    Destination.ALLOCATED_WORKER: SOCIAL_WORK_TEAM_KINDS,
    Destination.EARLY_HELP_WORKER: {TeamKind.EARLY_HELP},
    Destination.DCT: {TeamKind.DCT},
    Destination.MISSING_CLOSED: {TeamKind.MISSING},
}


def _team_fits(destination: str, team: Team) -> bool:
    kinds = _TEAM_KINDS.get(Destination(destination))
    if kinds is None:
        return team.kind != TeamKind.MASH
    return team.kind in kinds


def _team(contact: Contact, code: str) -> Team | None:
    try:
        profile_of(contact).team(code)
    except KeyError:
        return None
    return Team.objects.filter(code=code).first()


def _open_suggestion(contact: Contact) -> RouteSuggestion:
    if contact.status != Status.RECEIVED:
        raise Conflict(
            f"{contact.reference} is '{contact.get_status_display().lower()}': its route is "
            "already settled. Nothing was saved."
        )
    suggestion = current_suggestion(contact)
    if suggestion is None:
        raise ApplicationError(f"{contact.reference} has no route suggested yet.")
    if suggestion.pending:
        raise ApplicationError(
            f"The route is not known yet: {suggestion.pending.lower()} is still to do (SC-4).",
            rule_ids=("SC-4",),
        )
    return suggestion


def apply_route(
    contact: Contact,
    suggestion: RouteSuggestion,
    *,
    by: Any,
    destination: str,
    team: Team | None,
    worker: str,
    overridden: bool,
    reason: str,
) -> RouteDecision:
    """Record the route taken and, for a passed-on route, hand the contact to `team`.

    For `accept_route`, `choose_route` and pathway reviews whose outcome is the route (SP-2);
    the caller holds the contact's lock and has checked who may decide.
    """
    from mash.contacts.services import move_contact  # contacts.services calls refresh

    tasks.manager_has_seen(contact, by, "routing it")
    if destination in PASSED_ON:
        blockers = tasks.task_blockers(contact, tasks.NOW_KINDS)
        if blockers:
            raise InvalidInput(blockers)
    now = timezone.now()
    decision = RouteDecision.objects.create(
        contact=contact,
        suggestion=suggestion,
        destination=destination,
        team=team,
        worker=worker,
        overridden=overridden,
        reason=reason,
        decided_by=by,
        decided_at=now,
    )
    rules = suggestion.rule_ids
    label = decision.get_destination_display()
    where = f"{label} ({team.name})" if team else label
    if destination in PASSED_ON:
        _hold(contact, team)
        why = (
            (
                f"Route chosen by a manager instead of {suggestion.get_destination_display()}: "
                f"{reason}"
            )
            if overridden
            else (reason or f"Passed to {where} as the procedures suggest")
        )
        move_contact(contact, to=Status.PASSED_ON, by=by, reason=why, rule_ids=rules, at=now)
        # Passing it on is the decision on the type of response (TS-1).
        meet_clock(contact, "TS-1", at=now, by=by, note=f"Passed to {where}")
    else:
        _hold(contact, None)
    audit.record(
        actor=by,
        action="routing.overridden" if overridden else "routing.accepted",
        contact_id=contact.pk,
        subject=decision,
        rule_ids=rules,
        data={
            "destination": destination,
            "team": team.code if team else "",
            "suggested": suggestion.destination,
            "reason": reason,
        },
    )
    return decision


@transaction.atomic
def confirm_receipt(contact: Contact, *, by: Any, note: str) -> Contact:
    """The receiving team has the contact: the front door's part ends (IN-6, OU-3)."""
    from mash.contacts.services import close_blockers, move_contact, require_status

    require(permissions.can_record_contact(by), "Your role cannot confirm receipt.", "IN-6")
    contact = _locked(contact)
    require_status(contact, [Status.PASSED_ON], "receipt")
    blockers = close_blockers(contact)
    if blockers:
        raise InvalidInput(blockers)
    note = require_text(
        note, "note", "Enter who in the team has it and what they will do.", "IN-6", "OU-3"
    )
    team = contact.held_by.name if contact.held_by else "the team"
    move_contact(
        contact,
        to=Status.CLOSED,
        by=by,
        reason=f"Received by {team}: {note}",
        rule_ids=["IN-6", "OU-3"],
    )
    audit.record(
        actor=by,
        action="routing.receipt_confirmed",
        contact_id=contact.pk,
        subject=contact,
        rule_ids=["IN-6", "OU-3"],
        data={"note": note},
    )
    return contact


@transaction.atomic
def return_to_mash(contact: Contact, *, by: Any, reason: str) -> Contact:
    """The receiving team sends the contact back to the MASH for screening, with the reason."""
    from mash.contacts.services import move_contact, require_status

    require(permissions.can_record_contact(by), "Your role cannot send contacts back.", "IN-6")
    contact = _locked(contact)
    require_status(contact, [Status.PASSED_ON], "return to the MASH")
    reason = require_text(reason, "reason", "Enter why the MASH should screen it.", "IN-6")
    suggestion = current_suggestion(contact)
    _hold(contact, None)
    move_contact(contact, to=Status.RECEIVED, by=by, reason=reason, rule_ids=["IN-6"])
    if suggestion is not None:
        RouteDecision.objects.create(
            contact=contact,
            suggestion=suggestion,
            destination=Destination.MASH_SCREENING,
            overridden=True,
            reason=reason,
            decided_by=by,
            decided_at=timezone.now(),
        )
    audit.record(
        actor=by,
        action="routing.returned",
        contact_id=contact.pk,
        subject=contact,
        rule_ids=["IN-6"],
        data={"reason": reason},
    )
    refresh(contact)  # a fact learnt while it was away still starts its tasks
    return contact


# --------------------------------------------------------------------------- typed concerns


@transaction.atomic
def set_concern_categories(contact: Contact, *, by: Any, categories: Iterable[str]) -> Contact:
    """Record the typed concerns (after intake, e.g. for the public form or the API)."""
    from mash.contacts import concerns

    require(permissions.can_record_contact(by), "Your role cannot change the concern.")
    contact = _locked(contact)
    if contact.status == Status.CLOSED:
        raise Conflict(f"{contact.reference} is closed and cannot be changed.")
    codes = list(dict.fromkeys(categories))
    unknown = [code for code in codes if code not in {c.code for c in concerns.CATEGORIES}]
    if unknown:
        raise ApplicationError("Choose concerns from the list.", field="concern_categories")
    before = list(contact.concern_categories)
    contact.concern_categories = codes
    contact.save(update_fields=["concern_categories", "updated_at"])
    audit.record(
        actor=by,
        action="contact.concerns_changed",
        contact_id=contact.pk,
        subject=contact,
        rule_ids=["IN-5"],
        data={"from": before, "to": codes},
    )
    tasks.follow_concerns(
        contact, by, removed=set(before) - set(codes), added=set(codes) - set(before)
    )
    refresh(contact)
    return contact


__all__ = [
    "accept_route",
    "apply_route",
    "choose_route",
    "confirm_receipt",
    "current_suggestion",
    "dct_check",
    "facts_for",
    "information_sharing_required",
    "latest_decision",
    "refresh",
    "return_to_mash",
    "screening_blocker",
    "set_concern_categories",
]
