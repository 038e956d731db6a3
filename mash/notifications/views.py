"""The messages page: every email and letter the service sends, and what became of it.

Failed deliveries are retried automatically (ADR 0017); what failed for good is listed first,
and a person may send it again after fixing the cause. MASH staff only: the rows name who was
written to about which contact.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from mash.audit import services as audit
from mash.contacts.models import Contact
from mash.contacts.permissions import can_record_follow_up
from mash.contacts.views import govuk_pagination, refuse_unless
from mash.notifications import services
from mash.notifications.kinds import KINDS
from mash.notifications.models import Notification

Status = Notification.Status


def can_read_messages(user: Any) -> bool:
    """MASH staff (the auditor included) read what was sent to whom about which contact."""
    return bool(user.is_mash_staff())


class MessageFilterForm(forms.Form):
    status = forms.ChoiceField(
        label="Show",
        required=False,
        choices=[("", "Everything waiting or failed"), *Status.choices, ("ALL", "All messages")],
    )


class SendAgainForm(forms.Form):
    reason = forms.CharField(
        label="Why it can be sent now (optional)",
        required=False,
        max_length=500,
        help_text="For example: Notify's outage is over, or its template was fixed.",
        error_messages={"max_length": "Why it can be sent now must be 500 characters or fewer"},
    )


@login_required
def messages(request: HttpRequest) -> HttpResponse:
    """The outbox in plain words, failed first (ADR 0017)."""
    refuse_unless(request, can_read_messages(request.user), "emails and letters")
    form = MessageFilterForm(request.GET or None)
    rows = Notification.objects.all()
    status = 200
    chosen = ""
    if form.is_bound and not form.is_valid():
        status, rows = 400, rows.none()
    elif form.is_bound:
        chosen = form.cleaned_data["status"]
    if chosen == "ALL":
        pass
    elif chosen:
        rows = rows.filter(status=chosen)
    else:
        rows = rows.exclude(status__in=[Status.SENT, Status.CANCELLED])
    page = Paginator(rows.order_by("-created_at"), 50).get_page(request.GET.get("page"))
    references = dict(
        Contact.objects.filter(pk__in={r.contact_id for r in page.object_list}).values_list(
            "pk", "reference"
        )
    )
    counts = dict(Notification.objects.values_list("status").annotate(n=Count("id")))
    audit.record(
        actor=request.user,
        action="notification.listed",
        data={"status": chosen, "page": page.number},
    )
    return render(
        request,
        "notifications/messages.html",
        {
            "form": form,
            "page": page,
            "pagination": govuk_pagination(request, page),
            "references": references,
            "kinds": KINDS,
            "counts": [(s, label, counts.get(s, 0)) for s, label in Status.choices],
            "send_again_form": SendAgainForm(),
        },
        status=status,
    )


@login_required
@require_POST
def send_again(request: HttpRequest, pk: object) -> HttpResponse:
    """Send a failed message again (the same row: its reference stops a double send)."""
    refuse_unless(request, can_record_follow_up(request.user), "sending a message again")
    notification = get_object_or_404(Notification, pk=pk)
    form = SendAgainForm(request.POST)
    valid = form.is_valid()
    if valid and notification.status != Status.FAILED:
        form.add_error(None, "This message has not failed, so there is nothing to send again.")
    if form.errors:
        return render(
            request,
            "notifications/send_again.html",
            {"notification": notification, "form": form, "kinds": KINDS},
            status=409 if valid else 400,
        )
    services.send_again(notification, by=request.user, reason=form.cleaned_data["reason"])
    return redirect(reverse("notifications:messages") + "?status=PENDING")
