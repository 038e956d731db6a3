"""What the contact page and the team inboxes show about routing (no domain rules in
templates: every yes/no the page needs is worked out here)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, QuerySet
from django.utils import timezone

from mash.accounts.models import Team
from mash.contacts import concerns, permissions
from mash.contacts.clocks import profile_of
from mash.contacts.models import Contact
from mash.contacts.workflow import OPEN
from mash.routing import pathways, services, tasks
from mash.routing.models import PathwayKind, PathwayReview, RouteDecision, RouteSuggestion, Task
from mash.routing.models import TaskKind as Kind
from mash.sharing import permissions as sharing_permissions

Status = Contact.Status
# A team holds a contact passed to it, or one awaiting its review (SP-2) before screening.
HELD = (Status.PASSED_ON, Status.RECEIVED)


@dataclass(frozen=True)
class Link:
    text: str
    url_name: str
    rule_ids: str
    args: tuple[Any, ...] = ()


@dataclass(frozen=True)
class ReviewRow:
    """One pathway review in words: what was reviewed, the outcome and its particulars."""

    review: PathwayReview
    what: str
    outcome: str
    particulars: str


@dataclass
class RoutingPanel:
    """The 'Where it goes' section of the contact page."""

    concern_labels: list[str]
    suggestion: RouteSuggestion | None
    decision: RouteDecision | None
    tasks: list[Task]
    reviews: list[ReviewRow]
    held_by: Team | None
    can_accept: bool = False
    can_choose: bool = False
    # What passing it on waits for (tasks due now, IN-10, IN-12, OU-5), in words.
    accept_waits: list[str] = field(default_factory=list)
    actions: list[Link] = field(default_factory=list)
    # Each task with whether the user may mark it done here.
    task_rows: list[tuple[Task, bool]] = field(default_factory=list)
    now: Any = None


def panel(contact: Contact, user: Any) -> RoutingPanel:
    """Everything the contact page shows about the route, the tasks and the pathways."""
    suggestion = services.current_suggestion(contact)
    decision = services.latest_decision(contact)
    decided = (
        decision is not None
        and suggestion is not None
        and (decision.decided_at >= suggestion.suggested_at)
    )
    routable = (
        contact.status == Status.RECEIVED
        and suggestion is not None
        and not suggestion.pending
        and not decided
    )
    passes_on = suggestion is not None and suggestion.passes_on
    # The Missing Coordinators route it by their review (SP-2); SP-3 and SP-2 are required.
    required = suggestion is not None and suggestion.required
    on_contact = list(contact.tasks.select_related("done_by"))
    waits = (
        [task for task in on_contact if task.is_open and task.kind in tasks.NOW_KINDS]
        if routable and passes_on
        else []
    )
    result = RoutingPanel(
        concern_labels=concerns.labels(list(contact.concern_categories)),
        suggestion=suggestion,
        decision=decision,
        tasks=on_contact,
        reviews=review_rows(contact),
        held_by=contact.held_by,
        can_accept=routable and passes_on and not waits and permissions.can_record_contact(user),
        accept_waits=[f"{task.label} ({', '.join(task.rule_ids)})" for task in waits],
        can_choose=routable and not required and permissions.can_screen(user),
        task_rows=[(task, task.is_open and tasks.can_complete(user, task)) for task in on_contact],
        now=timezone.now(),
    )
    result.actions = _actions(contact, user, result)
    return result


_OUTCOMES: dict[str, dict[str, str]] = {
    PathwayKind.DOMESTIC_ABUSE: {c.value: f"{c.label} risk" for c in pathways.Risk},
    PathwayKind.MISSING: dict(pathways.MissingOutcome.choices),
    PathwayKind.DCT_ELIGIBILITY: {
        "ELIGIBLE": "Meets the criteria",
        "NOT_ELIGIBLE": "Does not meet the criteria",
    },
    PathwayKind.DCT_DECISION: dict(pathways.DctDecision.choices),
    PathwayKind.CROSS_BOUNDARY: dict(pathways.CrossBoundaryPosition.choices),
}


def review_rows(contact: Contact) -> list[ReviewRow]:
    """The contact's pathway reviews, oldest first, in words rather than codes."""
    pathway = profile_of(contact).pathway("SC-8")
    dct = pathway.dct if pathway else None
    rows = []
    for review in contact.pathway_reviews.select_related("recorded_by"):
        details = review.details or {}
        particulars = []
        if details.get("criteria"):
            labels = [dct.label(code) if dct else code for code in details["criteria"]]
            particulars.append("criteria met: " + "; ".join(labels))
        for key, words in (
            ("decided_by", "decided by"),
            ("other_authority", "with"),
            ("written_acceptance", "in writing"),
        ):
            if details.get(key):
                particulars.append(f"{words} {details[key]}")
        rows.append(
            ReviewRow(
                review=review,
                what=review.get_kind_display(),
                outcome=_OUTCOMES.get(review.kind, {}).get(review.outcome, review.outcome),
                particulars="; ".join(particulars),
            )
        )
    return rows


def _actions(contact: Contact, user: Any, shown: RoutingPanel) -> list[Link]:
    """The routing and pathway pages open to `user` now, each with its rule ids."""
    pk = contact.pk
    links: list[Link] = []
    profile = profile_of(contact)
    is_open = contact.status in OPEN
    # Confirming receipt and sending it back are the contact's next steps (next_steps.py).
    if is_open and permissions.can_record_contact(user):
        links.append(Link("Change the kinds of concern", "routing:concerns", "IN-5", (pk,)))
    practitioner = sharing_permissions.can_request_checks(user)
    open_kinds = {task.kind for task in shown.tasks if task.is_open}
    if practitioner and Kind.DOMESTIC_ABUSE_REVIEW in open_kinds:
        links.append(
            Link("Review the domestic abuse risk", "routing:domestic-abuse", "SP-1, TS-6", (pk,))
        )
    if permissions.can_record_missing_review(user) and Kind.MISSING_REVIEW in open_kinds:
        links.append(
            Link("Record the Missing Coordinators' review", "routing:missing", "SP-2", (pk,))
        )
    if permissions.can_check_dct_criteria(user) and Kind.DCT_ELIGIBILITY in open_kinds:
        links.append(
            Link(
                "Check the Disabled Children's Team criteria",
                "routing:dct-eligibility",
                "SC-8",
                (pk,),
            )
        )
    if permissions.can_record_dct_decision(user) and Kind.DCT_DISCUSSION in open_kinds:
        links.append(
            Link(
                "Record the Disabled Children's Team's decision",
                "routing:dct-decision",
                "SC-8",
                (pk,),
            )
        )
    if practitioner and is_open and profile.has_pathway("OU-6"):
        links.append(
            Link("Record a cross-boundary agreement", "routing:cross-boundary", "OU-6, TS-9", (pk,))
        )
    return links


def inbox(team: Team) -> QuerySet[Contact]:
    """The contacts a team holds: passed to it on arrival, or awaiting its review (SP-2)."""
    return (
        Contact.objects.filter(held_by=team, status__in=HELD)
        .order_by("received_at")
        .prefetch_related("people")
    )


def inbox_counts(user: Any) -> list[tuple[Team, int]]:
    """The teams whose inboxes `user` may open, and how many contacts each holds (two queries,
    whatever the size). Counts only what the user may see (ADR 0012)."""
    teams = Team.objects.order_by("name")
    if not permissions.can_see_every_inbox(user):
        teams = teams.filter(pk__in=list(user.team_ids()))
    held = dict(
        Contact.objects.visible_to(user)
        .filter(held_by__isnull=False, status__in=HELD)
        .values_list("held_by")
        .annotate(n=Count("id"))
        .values_list("held_by", "n")
    )
    return [(team, held.get(team.pk, 0)) for team in teams]
