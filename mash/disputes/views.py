"""Dispute pages (DM-1): raise one, see the ladder and its TS-8 clock, record each level."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from mash.audit import services as audit
from mash.contacts.clocks import profile_of
from mash.contacts.models import Contact
from mash.contacts.views import Step, apply_error, step_view
from mash.core.errors import ApplicationError, Conflict, NotPermitted
from mash.disputes import permissions, selectors, services
from mash.disputes.forms import DisputeStepForm, RaiseDisputeForm
from mash.disputes.models import Dispute, Level
from mash.sharing import selectors as sharing_selectors


def _outcomes(contact: Contact) -> list[tuple[str, str]]:
    return [(o.code, o.label) for o in profile_of(contact).outcomes]


def _can_raise_as_staff(user: Any) -> bool:
    return permissions.can_raise_dispute(user, set())


raise_for_contact = step_view(
    Step(
        allowed=_can_raise_as_staff,
        form_class=RaiseDisputeForm,
        form_kwargs=lambda c: {"outcomes": _outcomes(c)},
        act=lambda c, user, d: services.raise_dispute(c, by=user, **d),
        done="Dispute raised on {reference}. The Team Managers resolve it first (DM-1, TS-8).",
        title="Disagree with the recommendation",
        rules="DM-1, TS-8",
        button="Raise the dispute",
    )
)


@login_required
@require_http_methods(["GET", "POST"])
def raise_for_partner(request: HttpRequest, request_pk: uuid.UUID) -> HttpResponse:
    """A partner agency asked on the contact disagrees with the recommendation (DM-1)."""
    info_request = sharing_selectors.access_request(request.user, request_pk)
    if not request.user.is_partner():  # type: ignore[union-attr]
        raise PermissionDenied
    contact = info_request.contact
    form = RaiseDisputeForm(request.POST or None, outcomes=_outcomes(contact))
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                dispute = services.raise_dispute(contact, by=request.user, **form.cleaned_data)
            except NotPermitted as error:
                raise PermissionDenied(error.message) from error
            except ApplicationError as error:
                status = 409 if isinstance(error, Conflict) else 400
                apply_error(form, error)
            else:
                messages.success(request, "Your disagreement was sent to the MASH Team Managers.")
                return redirect("disputes:detail", pk=dispute.pk)
    return render(
        request,
        "disputes/raise_partner.html",
        {"form": form, "info_request": info_request, "contact": contact},
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def detail(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    """The dispute: what is disputed, each level's step and the TS-8 clock; the next step."""
    dispute = selectors.access_dispute(request.user, pk)
    contact = dispute.contact
    final = dispute.level == Level.ASSISTANT_DIRECTOR
    can_act = dispute.is_open and permissions.can_act_at_level(request.user, dispute.level)
    form = DisputeStepForm(
        request.POST if request.method == "POST" else None,
        initial={"seen_level": dispute.level},
        outcomes=_outcomes(contact),
        final=final,
    )
    status = 200
    if request.method == "POST":
        # Only the role is checked here: a dispute resolved or escalated meanwhile is the
        # service's Conflict, shown with what was typed.
        if not permissions.can_act_at_level(request.user, Level.TEAM_MANAGERS):
            raise PermissionDenied
        can_act = True
        status = 400
        if form.is_valid():
            try:
                services.record_dispute_step(dispute, by=request.user, **form.cleaned_data)
            except NotPermitted as error:
                raise PermissionDenied(error.message) from error
            except Conflict as error:
                # Show the dispute as it is now; a resend is about that level, text kept.
                status = 409
                dispute.refresh_from_db()
                data = request.POST.copy()
                data["seen_level"] = dispute.level
                final = dispute.level == Level.ASSISTANT_DIRECTOR
                form = DisputeStepForm(data, outcomes=_outcomes(contact), final=final)
                form.is_valid()
                apply_error(form, error)
            except ApplicationError as error:
                apply_error(form, error)
            else:
                messages.success(request, "Step recorded.")
                return redirect("disputes:detail", pk=dispute.pk)
    return render(
        request,
        "disputes/detail.html",
        {
            "dispute": dispute,
            "contact": contact,
            "profile": profile_of(contact),
            "steps": list(dispute.steps.select_related("recorded_by").order_by("recorded_at")),
            "form": form,
            "can_act": can_act,
            "is_staff": request.user.is_mash_staff(),  # type: ignore[union-attr]
            "now": timezone.now(),
        },
        status=status,
    )


@login_required
def open_disputes(request: HttpRequest) -> HttpResponse:
    """Every open dispute, soonest due first, for the managers on the ladder (DM-1)."""
    if not request.user.is_mash_staff():  # type: ignore[union-attr]
        raise PermissionDenied
    found = list(
        Dispute.objects.filter(status=Dispute.Status.OPEN)
        .select_related("contact", "raised_by_agency")
        .order_by("due_at")
    )
    audit.record(
        actor=request.user,
        action="dispute.listed",
        rule_ids=["DM-1"],
        data={"listed": [str(d.pk) for d in found]},
    )
    return render(request, "disputes/list.html", {"disputes": found, "now": timezone.now()})
