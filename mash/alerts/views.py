"""The alerts pages: your open alerts (acknowledge them), the acknowledged ones, your teams'."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from mash.alerts import permissions, selectors, services
from mash.alerts.forms import AcknowledgeForm
from mash.alerts.models import Alert
from mash.audit import services as audit
from mash.contacts.views import apply_error, refuse_unless
from mash.core.errors import ApplicationError


def _listed(request: HttpRequest, page: str, alerts: list[Alert]) -> None:
    """Alerts pages list contacts by reference: audited like the queue (ADR 0010)."""
    audit.record(
        actor=request.user,
        action="alerts.viewed",
        data={"page": page, "contacts": sorted({a.contact.reference for a in alerts})},
    )


@login_required
@require_http_methods(["GET", "POST"])
def your_alerts(request: HttpRequest) -> HttpResponse:
    """Your open alerts, overdue first; tick and acknowledge (a reason for more than one)."""
    refuse_unless(request, permissions.can_see_alerts(request.user), "alerts")
    alerts = list(selectors.open_alerts(request.user))
    choices = [(str(a.pk), a.contact.reference) for a in alerts]
    form = AcknowledgeForm(request.POST or None, choices=choices)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                done = services.acknowledge(
                    form.cleaned_data["alerts"], by=request.user, reason=form.cleaned_data["reason"]
                )
            except ApplicationError as error:
                apply_error(form, error)
            else:
                count = len(done)
                messages.success(request, f"{count} alert{'s' if count != 1 else ''} acknowledged.")
                return redirect("alerts:list")
    _listed(request, "open", alerts)
    return render(
        request,
        "alerts/list.html",
        _context(request, alerts, form, "open"),
        status=status,
    )


@login_required
@require_GET
def acknowledged(request: HttpRequest) -> HttpResponse:
    """Your alerts acknowledged: who acknowledged each, when and why."""
    refuse_unless(request, permissions.can_see_alerts(request.user), "alerts")
    alerts = selectors.acknowledged_alerts(request.user)
    _listed(request, "acknowledged", alerts)
    return render(request, "alerts/acknowledged.html", _context(request, alerts, None, "done"))


@login_required
@require_GET
def team(request: HttpRequest) -> HttpResponse:
    """Managers: the open alerts of the teams they oversee, acknowledged or not, with who."""
    refuse_unless(request, permissions.can_see_team_alerts(request.user), "team alerts")
    alerts = selectors.team_alerts(request.user)
    _listed(request, "team", alerts)
    return render(request, "alerts/team.html", _context(request, alerts, None, "team"))


def _context(request: HttpRequest, alerts: list[Alert], form: Any, tab: str) -> dict[str, Any]:
    now = timezone.now()
    return {
        "alerts": alerts,
        "form": form,
        "now": now,
        "tab": tab,
        "ticked": set(request.POST.getlist("alerts")) if request.method == "POST" else set(),
        "can_see_team": permissions.can_see_team_alerts(request.user),
    }
