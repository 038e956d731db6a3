"""Routing and pathway pages: each is a form and one service call (contacts.views.Step), so
the same refusal, audit and "nothing typed is lost" behaviour applies as on every step."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET, require_http_methods

from mash.accounts.models import Team
from mash.audit import services as audit
from mash.contacts import permissions
from mash.contacts.clocks import profile_of
from mash.contacts.forms import NoteForm
from mash.contacts.models import Contact
from mash.contacts.views import Step, govuk_pagination, run_step, step_view
from mash.routing import pathways, selectors, services, tasks
from mash.routing.forms import (
    ChooseRouteForm,
    ConcernCategoriesForm,
    CrossBoundaryForm,
    DctDecisionForm,
    DctEligibilityForm,
    DomesticAbuseReviewForm,
    MissingReviewForm,
)
from mash.routing.models import Task, TaskKind
from mash.sharing import permissions as sharing_permissions

TEMPLATE = "routing/step.html"
INBOX_PAGE_SIZE = 50


def _note(label: str, hint: str, *, required: bool = True) -> Any:
    return lambda contact: {"label": label, "hint": hint, "required": required}


def _suggestion(contact: Contact) -> dict[str, Any]:
    return {"suggestion": services.current_suggestion(contact)}


def _teams(contact: Contact) -> dict[str, Any]:
    return {"teams": [(t.code, t.name) for t in profile_of(contact).teams]}


accept = step_view(
    Step(
        allowed=permissions.can_record_contact,
        form_class=NoteForm,
        form_kwargs=_note("Note for the receiving team (optional)", "", required=False),
        act=lambda c, user, d: services.accept_route(c, by=user, **d),
        done="{reference} passed on as the local procedures suggest.",
        title="Pass it on as suggested",
        rules="IN-6, SC-7, TS-10",
        button="Pass it on",
        template=TEMPLATE,
        page_context=_suggestion,
    )
)
choose = step_view(
    Step(
        allowed=permissions.can_screen,
        form_class=ChooseRouteForm,
        form_kwargs=_teams,
        act=lambda c, user, d: services.choose_route(c, by=user, **d),
        done="Route recorded on {reference}, with your reason.",
        title="Choose a different route",
        rules="IN-6, SC-7, TS-10",
        button="Record the route",
        template=TEMPLATE,
        page_context=_suggestion,
    )
)
receipt = step_view(
    Step(
        allowed=permissions.can_record_contact,
        form_class=NoteForm,
        form_kwargs=_note(
            "Who in the team has it, and what happens next?",
            "For example: Ann Worker, allocated social worker, will visit this week.",
        ),
        act=lambda c, user, d: services.confirm_receipt(c, by=user, **d),
        done="{reference}: the team has it. The MASH's part is closed.",
        title="Confirm the team has it",
        rules="IN-6, OU-3",
        button="Confirm",
        template=TEMPLATE,
    )
)
send_back = step_view(
    Step(
        allowed=permissions.can_record_contact,
        form_class=NoteForm,
        form_kwargs=_note("Why should the MASH screen it?", ""),
        act=lambda c, user, d: services.return_to_mash(c, by=user, reason=d["note"]),
        done="{reference} is back with the MASH for screening.",
        title="Send it back to the MASH",
        rules="IN-6",
        button="Send back",
        template=TEMPLATE,
    )
)
concern_categories = step_view(
    Step(
        allowed=permissions.can_record_contact,
        form_class=ConcernCategoriesForm,
        form_kwargs=lambda c: {"initial": {"concern_categories": c.concern_categories}},
        act=lambda c, user, d: services.set_concern_categories(
            c, by=user, categories=d["concern_categories"]
        ),
        done="Kinds of concern recorded on {reference}.",
        title="Kinds of concern",
        rules="IN-5, SP-1 … SP-4, SC-8",
        button="Save",
        template=TEMPLATE,
    )
)
domestic_abuse = step_view(
    Step(
        allowed=sharing_permissions.can_request_checks,
        form_class=DomesticAbuseReviewForm,
        act=lambda c, user, d: pathways.record_domestic_abuse_review(c, by=user, **d),
        done="Domestic abuse review recorded on {reference}.",
        title="Review the domestic abuse risk",
        rules="SP-1, TS-6, TS-7",
        button="Record the review",
        template=TEMPLATE,
    )
)
missing = step_view(
    Step(
        allowed=permissions.can_record_missing_review,
        form_class=MissingReviewForm,
        act=lambda c, user, d: pathways.record_missing_review(c, by=user, **d),
        done="Missing Coordinators' review recorded on {reference}.",
        title="The Missing Coordinators' review",
        rules="SP-2",
        button="Record the review",
        template=TEMPLATE,
    )
)


def _criteria(contact: Contact) -> dict[str, Any]:
    pathway = profile_of(contact).pathway("SC-8")
    dct = pathway.dct if pathway else None
    return {"criteria": list(dct.criteria) if dct else []}


dct_eligibility = step_view(
    Step(
        allowed=permissions.can_check_dct_criteria,
        form_class=DctEligibilityForm,
        form_kwargs=_criteria,
        act=lambda c, user, d: pathways.record_dct_eligibility(c, by=user, **d),
        done="Disabled Children's Team criteria recorded on {reference}.",
        title="The Disabled Children's Team's criteria",
        rules="SC-8",
        button="Record",
        template=TEMPLATE,
    )
)
dct_decision = step_view(
    Step(
        allowed=permissions.can_record_dct_decision,
        form_class=DctDecisionForm,
        act=lambda c, user, d: pathways.record_dct_decision(c, by=user, **d),
        done="The Disabled Children's Team's decision is recorded on {reference}.",
        title="The Disabled Children's Team's decision",
        rules="SC-8",
        button="Record the decision",
        template=TEMPLATE,
    )
)
cross_boundary = step_view(
    Step(
        allowed=sharing_permissions.can_request_checks,
        form_class=CrossBoundaryForm,
        act=lambda c, user, d: pathways.record_cross_boundary(c, by=user, **d),
        done="Cross-boundary agreement recorded on {reference}.",
        title="A child from another local authority",
        rules="OU-6, TS-9",
        button="Record",
        template=TEMPLATE,
    )
)


@login_required
@require_http_methods(["GET", "POST"])
def task(request: HttpRequest, pk: uuid.UUID, task_pk: uuid.UUID) -> HttpResponse:
    """Mark a required task done (IN-10, IN-12, SP-1, TS-7, TS-9 …), saying how and when."""
    found = get_object_or_404(Task, pk=task_pk, contact_id=pk)
    step = Step(
        allowed=lambda user: tasks.can_complete(user, found),
        form_class=NoteForm,
        form_kwargs=_note(
            "What was done, by whom and when?",
            "For example: PC 1234 Jones told by phone at 10:05.",
            required=found.kind != TaskKind.MANAGER_ATTENTION,
        ),
        act=lambda c, user, d: tasks.complete_task(found, by=user, **d),
        # `done` is a format string (for {reference}): the label's own braces are escaped.
        done="Done: " + found.label.replace("{", "{{").replace("}", "}}") + ".",
        title=found.label,
        rules=", ".join(found.rule_ids),
        button="Mark as done",
        template=TEMPLATE,
        page_context=lambda c: {"task": found},
    )
    return run_step(request, pk, step)


@login_required
@require_GET
def inboxes(request: HttpRequest) -> HttpResponse:
    """The teams whose inboxes the user may open, and how many contacts each holds."""
    _require_staff(request)
    teams = selectors.inbox_counts(request.user)
    return render(request, "routing/inboxes.html", {"teams": teams})


@login_required
@require_GET
def inbox(request: HttpRequest, code: str) -> HttpResponse:
    """One team's inbox: contacts passed to it on arrival, or awaiting its review (SP-2)."""
    _require_staff(request)
    team = get_object_or_404(Team, code=code)
    if not permissions.can_see_inbox(request.user, team):
        audit.record_refusal(actor=request.user, what="team inbox", subject=team)
        raise PermissionDenied
    page = Paginator(selectors.inbox(team), INBOX_PAGE_SIZE).get_page(request.GET.get("page"))
    audit.record(
        actor=request.user,
        action="team.inbox_viewed",
        subject=team,
        rule_ids=["CO-4"],
        data={"team": team.code, "contacts": [c.reference for c in page], "page": page.number},
    )
    return render(
        request,
        "routing/inbox.html",
        {"team": team, "page": page, "pagination": govuk_pagination(request, page)},
    )


def _require_staff(request: HttpRequest) -> None:
    if not request.user.sees_case_records():  # type: ignore[union-attr]
        audit.record_refusal(actor=request.user, what="team inbox")
        raise PermissionDenied
