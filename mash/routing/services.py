"""Applying the local procedures to a contact: routes, required tasks and pathway reviews.

`refresh` gathers the facts, asks `engine.suggest` for the route, keeps a new suggestion when
it differs from the last, and creates the tasks and clocks the rules require (IN-10, IN-12,
SP-1 … SP-4, SC-8). People then pass the contact on as suggested (`accept_route`), or a
manager chooses otherwise with a reason (`choose_route`), unless a rule requires the route.
Every write is audited with its rule ids.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from mash.accounts.models import Team
from mash.audit import services as audit
from mash.contacts import permissions
from mash.contacts.clocks import meet_clock, profile_of, start_clock
from mash.contacts.models import Contact
from mash.core.errors import ApplicationError, Conflict, InvalidInput, NotPermitted
from mash.core.rules import require, require_text
from mash.people.models import Involvement
from mash.policy.catalogue import Explanation, explain
from mash.policy.profiles import SOCIAL_WORK_TEAM_KINDS, TeamKind
from mash.routing import engine
from mash.routing.models import (
    PASSED_ON,
    Destination,
    PathwayKind,
    PathwayReview,
    RouteDecision,
    RouteSuggestion,
    Task,
    TaskKind,
)
from mash.sharing import permissions as sharing_permissions

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
    _sync_tasks(contact, found)
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
    return Contact.objects.select_for_update().get(pk=contact.pk)


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
            f"{decision.decided_by.display_name() if decision.decided_by else 'A manager'} "
            f"chose MASH information sharing: {decision.reason}",
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

    manager_has_seen(contact, by, "routing it")
    if destination in PASSED_ON:
        blockers = task_blockers(contact, NOW_KINDS)
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
    _follow_concerns(contact, by, removed=set(before) - set(codes), added=set(codes) - set(before))
    refresh(contact)
    return contact


# The review tasks each typed concern starts (see `_sync_tasks`), the first one first.
CONCERN_TASKS = {
    "domestic_abuse": (TaskKind.DOMESTIC_ABUSE_REVIEW,),
    "missing": (TaskKind.MISSING_REVIEW,),
    "mental_health_admission": (TaskKind.CONSIDER_REFERRAL,),
    "disability": (TaskKind.DCT_ELIGIBILITY, TaskKind.DCT_DISCUSSION),
}
NO_LONGER_APPLIES = "No longer applies: "


def _follow_concerns(contact: Contact, by: Any, *, removed: set[str], added: set[str]) -> None:
    """A concern taken off closes the reviews it started, saying so; put back, its first
    review opens again (the DCT's discussion follows a new criteria check, SC-8)."""
    from mash.contacts import concerns

    for code in removed:
        for kind in CONCERN_TASKS.get(code, ()):
            task = open_task(contact, kind)
            if task is not None:
                label = concerns.labels([code])[0]
                note = f"{NO_LONGER_APPLIES}{by.display_name()} took '{label}' off the concern."
                finish_task(task, by, note)
    for code in added:
        kinds = CONCERN_TASKS.get(code, ())[:1]
        closed = contact.tasks.select_for_update().filter(
            kind__in=kinds, done_at__isnull=False, note__startswith=NO_LONGER_APPLIES
        )
        for task in closed:
            reopen_task(task, by, "The concern was put back.")


# --------------------------------------------------------------------------- tasks


def _sync_tasks(contact: Contact, found: engine.Suggestion) -> None:
    """Create the tasks the rules require now; a task once created is never removed."""
    profile = profile_of(contact)
    cats = set(contact.concern_categories)
    received = contact.received_at
    wanted: list[tuple[str, str, datetime | None, str, Explanation]] = []
    if contact.child_protection_concern:
        wanted.append(
            (
                TaskKind.MANAGER_ATTENTION,
                "Draw it to a Team or Practice Manager's attention now",
                received,
                "",
                explain(
                    "IN-10",
                    "A child protection concern is recorded: a manager must see it immediately.",
                    profile.quote("IN-10"),
                ),
            )
        )
    if contact.immediate_protection_needed == "YES":
        wanted.append(
            (
                TaskKind.IMMEDIATE_PROTECTION,
                "Decide now whether the child needs immediate protection (a social worker or "
                "the police act; a strategy discussion follows)",
                received,
                "",
                explain(
                    "OU-5",
                    "The referrer says the child needs protecting immediately: a social worker "
                    "or the police act at once, and other children in the household are "
                    "considered.",
                    profile.quote("OU-5"),
                ),
            )
        )
    if (
        contact.possible_offence
        and not contact.police_informed
        and contact.referrer_source != Contact.ReferrerSource.POLICE
    ):
        wanted.append(
            (
                TaskKind.POLICE_INFORMED,
                "Tell the police now: this may be a criminal offence against a child",
                received,
                "",
                explain(
                    "IN-12",
                    "It may be a criminal offence against a child: the police "
                    "are told at the earliest opportunity.",
                    profile.quote("IN-12"),
                ),
            )
        )
    if "domestic_abuse" in cats and profile.has_pathway("SP-1"):
        clock = contact.clocks.filter(rule_id="TS-6").first() or start_clock(
            contact, "TS-6", received
        )
        wanted.append(
            (
                TaskKind.DOMESTIC_ABUSE_REVIEW,
                "Review the domestic abuse risk and, if high, the safety plan",
                clock.due_at if clock else None,
                "TS-6",
                explain(
                    "SP-1",
                    "Every domestic abuse contact is reviewed within 24 hours (working week).",
                    profile.quote("SP-1"),
                ),
            )
        )
    if "missing" in cats and profile.has_pathway("SP-2"):
        wanted.append(
            (
                TaskKind.MISSING_REVIEW,
                "The Missing Coordinators review it",
                None,
                "",
                explain(
                    "SP-2",
                    "Every missing-child contact is reviewed by the Missing Coordinators.",
                    profile.quote("SP-2"),
                ),
            )
        )
    if "mental_health_admission" in cats and profile.has_pathway("SP-4"):
        wanted.append(
            (
                TaskKind.CONSIDER_REFERRAL,
                "Consider whether the admission needs a referral to children's social care",
                None,
                "",
                explain(
                    "SP-4",
                    "A child admitted to a mental health facility prompts "
                    "consideration of a referral.",
                    profile.quote("SP-4"),
                ),
            )
        )
    if "disability" in cats and profile.has_pathway("SC-8"):
        wanted.append(
            (
                TaskKind.DCT_ELIGIBILITY,
                "Check the Disabled Children's Team criteria",
                None,
                "",
                explain(
                    "SC-8",
                    "A disabled child: check whether the Disabled "
                    "Children's Team's criteria are met.",
                    profile.quote("SC-8"),
                ),
            )
        )
    if found.tell_allocated:
        wanted.append(
            (
                TaskKind.TELL_ALLOCATED_WORKER,
                "Tell the allocated social worker of " + ", ".join(found.tell_allocated),
                None,
                "",
                explain(
                    profile.routing.open_to_social_care_rule,
                    "A child on the contact is open to social care: the allocated social worker "
                    "is told of the new information.",
                    profile.routing.open_to_social_care_quote,
                ),
            )
        )
    if found.consult_early_help:
        wanted.append(
            (
                TaskKind.CONSULT_EARLY_HELP,
                "Speak with the early help worker or manager ("
                + ", ".join(found.consult_early_help)
                + ")",
                None,
                "",
                explain(
                    profile.routing.open_to_early_help_rule,
                    "A child is open to early help: the MASH considers the new information "
                    "with the early help worker or manager.",
                    profile.routing.open_to_early_help_quote,
                ),
            )
        )
    for kind, label, due, clock_rule, why in wanted:
        ensure_task(contact, kind, label, due, why, clock_rule)


def ensure_task(
    contact: Contact,
    kind: str,
    label: str,
    due_at: datetime | None,
    why: Explanation,
    clock_rule: str = "",
) -> Task:
    """The task of `kind` on `contact`, created (and audited) the first time a rule asks for
    it; `clock_rule` names the clock that doing it meets. For pathway modules as well."""
    limit = Task._meta.get_field("label").max_length or 300
    if len(label) > limit:
        label = label[: limit - 1].rstrip() + "…"
    task, created = Task.objects.get_or_create(
        contact=contact,
        kind=kind,
        defaults={
            "label": label,
            "due_at": due_at,
            "clock_rule": clock_rule,
            "explanations": [why.as_dict()],
        },
    )
    if created:
        audit.record(
            actor=None,
            actor_name="The product (local procedures)",
            action="routing.task_created",
            contact_id=contact.pk,
            subject=task,
            rule_ids=[why.rule_id],
            data={"kind": kind},
        )
    return task


# Task kinds done by recording a pathway review rather than the task form.
REVIEWED_KINDS = frozenset(
    {
        TaskKind.DOMESTIC_ABUSE_REVIEW,
        TaskKind.MISSING_REVIEW,
        TaskKind.DCT_ELIGIBILITY,
        TaskKind.DCT_DISCUSSION,
    }
)


def can_complete(user: Any, task: Task) -> bool:
    """Who may mark a task done: a manager's attention only a manager (IN-10); telling the
    police anyone at the front door (IN-12); the rest the MASH's practitioners."""
    if task.kind in REVIEWED_KINDS:
        return False
    if task.kind == TaskKind.MANAGER_ATTENTION:
        return permissions.can_screen(user)
    if task.kind == TaskKind.POLICE_INFORMED:
        return permissions.can_record_follow_up(user)
    return sharing_permissions.can_request_checks(user)


@transaction.atomic
def complete_task(task: Task, *, by: Any, note: str) -> Task:
    """Mark a required task done, with how and when; meets its clock (TS-7, TS-9)."""
    if not can_complete(by, task):
        raise NotPermitted("Your role cannot mark this done.", rule_ids=tuple(task.rule_ids))
    contact = _locked(task.contact)  # the contact first, as every other write locks it
    task = Task.objects.select_for_update().get(pk=task.pk)
    if not task.is_open:
        who = task.done_by.display_name() if task.done_by else "someone"
        raise Conflict(f"{who} already marked '{task.label}' done. Nothing was saved.")
    if task.kind == TaskKind.MANAGER_ATTENTION and not note.strip():
        note = "Seen"
    note = require_text(note, "note", "Enter what was done, by whom and when.", *task.rule_ids)
    if task.kind == TaskKind.POLICE_INFORMED:
        police_told(contact, by, note)
    else:
        finish_task(task, by, note)
    return task


def finish_task(task: Task, by: Any, note: str) -> None:
    """Mark `task` done now by `by` and meet its clock; the caller holds the contact's lock."""
    now = timezone.now()
    task.done_at, task.done_by, task.note = now, by, note
    task.save(update_fields=["done_at", "done_by", "note", "updated_at"])
    if task.clock_rule:
        meet_clock(task.contact, task.clock_rule, at=now, by=by, note=note)
    audit.record(
        actor=by,
        action="routing.task_done",
        contact_id=task.contact_id,
        subject=task,
        rule_ids=task.rule_ids,
        data={"kind": task.kind, "note": note},
    )


def reopen_task(task: Task, by: Any, why: str) -> None:
    """Open a done task again because a rule asks for it again (the old note is audited)."""
    before = {"done_at": task.done_at.isoformat() if task.done_at else "", "note": task.note}
    task.done_at, task.done_by, task.note = None, None, ""
    task.save(update_fields=["done_at", "done_by", "note", "updated_at"])
    audit.record(
        actor=by,
        action="routing.task_reopened",
        contact_id=task.contact_id,
        subject=task,
        rule_ids=task.rule_ids,
        data={"kind": task.kind, "why": why, "before": before},
    )


def open_task(contact: Contact, kind: str) -> Task | None:
    """The open task of `kind`, locked: call it inside the transaction that will finish it."""
    return contact.tasks.select_for_update().filter(kind=kind, done_at__isnull=True).first()


# Tasks due the moment the contact arrives: done before the front door lets the contact go.
NOW_KINDS = frozenset(
    {TaskKind.MANAGER_ATTENTION, TaskKind.IMMEDIATE_PROTECTION, TaskKind.POLICE_INFORMED}
)


def task_blockers(contact: Contact, kinds: Iterable[str] | None = None) -> list[ApplicationError]:
    """The open tasks (of `kinds`, or all) as reasons the contact cannot move on yet."""
    tasks = contact.tasks.filter(done_at__isnull=True)
    if kinds is not None:
        tasks = tasks.filter(kind__in=list(kinds))
    return [
        ApplicationError(
            f"Still to do: {task.label} ({', '.join(task.rule_ids)}).",
            rule_ids=tuple(task.rule_ids),
        )
        for task in tasks.order_by("created_at")
    ]


def manager_has_seen(contact: Contact, by: Any, what: str) -> None:
    """IN-10: a Team or Practice Manager acting on the contact has seen it."""
    if not permissions.can_screen(by):
        return
    task = open_task(contact, TaskKind.MANAGER_ATTENTION)
    if task is not None:
        finish_task(task, by, f"Seen by {by.display_name()} when {what}")


def police_told(contact: Contact, by: Any, note: str) -> None:
    """IN-12: the police know (for example, they attended the strategy discussion)."""
    task = open_task(contact, TaskKind.POLICE_INFORMED)
    if task is not None:
        finish_task(task, by, note)
    if contact.possible_offence and not contact.police_informed:
        contact.police_informed = True
        contact.save(update_fields=["police_informed", "updated_at"])


__all__ = [
    "NOW_KINDS",
    "REVIEWED_KINDS",
    "accept_route",
    "apply_route",
    "can_complete",
    "choose_route",
    "complete_task",
    "confirm_receipt",
    "current_suggestion",
    "dct_check",
    "ensure_task",
    "facts_for",
    "finish_task",
    "information_sharing_required",
    "latest_decision",
    "manager_has_seen",
    "open_task",
    "police_told",
    "refresh",
    "reopen_task",
    "return_to_mash",
    "screening_blocker",
    "set_concern_categories",
    "task_blockers",
]
