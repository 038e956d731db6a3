"""Data protection pages: subject access on the person record (CO-6), retention reviews, and
the register of disclosures to partner agencies (CO-4). Who may use them: permissions.py."""

from __future__ import annotations

import json
import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from mash.accounts.models import Agency
from mash.audit import services as audit
from mash.contacts.views import apply_error, govuk_pagination
from mash.core.errors import ApplicationError, Conflict, NotPermitted
from mash.dataprotection import permissions, services
from mash.dataprotection.forms import (
    ApproveDisposalForm,
    ReleaseForm,
    RetentionDecisionForm,
    ShareFilterForm,
    SubjectAccessRequestForm,
)
from mash.dataprotection.models import (
    DisclosureRecord,
    RetentionReview,
    SubjectAccessRequest,
    WithheldItem,
)
from mash.dataprotection.subject_access import WITHHOLDING_STATEMENT
from mash.people.selectors import access_person


def _refuse_unless(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


def _status_for(error: ApplicationError) -> int:
    return 409 if isinstance(error, Conflict) else 400


# --------------------------------------------------------------------- subject access (CO-6)


@login_required
@require_http_methods(["GET", "POST"])
def subject_access(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    """A person's subject access requests, and the form to record a new one."""
    person = access_person(request.user, pk)
    _refuse_unless(permissions.can_read_subject_access(request.user))
    can_handle = permissions.can_handle_subject_access(request.user)
    form = SubjectAccessRequestForm(request.POST or None)
    status = 200
    if request.method == "POST":
        _refuse_unless(can_handle)
        status = 400
        if form.is_valid():
            try:
                sar = services.record_subject_access_request(
                    person, by=request.user, details=services.RequestDetails(**form.cleaned_data)
                )
            except NotPermitted as error:
                raise PermissionDenied(error.message) from error
            except ApplicationError as error:
                status = _status_for(error)
                apply_error(form, error)
            else:
                messages.success(
                    request, f"Request recorded. The reply is due by {sar.due_on:%d/%m/%Y}."
                )
                return redirect("subject_access:detail", pk=person.pk, sar=sar.pk)
    return render(
        request,
        "dataprotection/subject_access.html",
        {
            "person": person,
            "requests": list(person.subject_access_requests.select_related("recorded_by")),
            "form": form,
            "can_handle": can_handle,
        },
        status=status,
    )


def _sar(request: HttpRequest, pk: uuid.UUID, sar: uuid.UUID) -> SubjectAccessRequest:
    person = access_person(request.user, pk)
    _refuse_unless(permissions.can_read_subject_access(request.user))
    return get_object_or_404(
        SubjectAccessRequest.objects.select_related("person", "recorded_by", "produced_by"),
        pk=sar,
        person=person,
    )


@login_required
def subject_access_detail(request: HttpRequest, pk: uuid.UUID, sar: uuid.UUID) -> HttpResponse:
    """One request: its dates, the export and the withheld schedule."""
    found = _sar(request, pk, sar)
    audit.record(
        actor=request.user,
        action="sar.viewed",
        person_id=found.person_id,
        subject=found,
        rule_ids=["CO-6"],
    )
    return render(
        request,
        "dataprotection/subject_access_detail.html",
        {
            "sar": found,
            "person": found.person,
            "withheld": list(found.withheld_items.select_related("released_by", "contact")),
            "can_handle": permissions.can_handle_subject_access(request.user),
        },
    )


@login_required
@require_POST
def produce(request: HttpRequest, pk: uuid.UUID, sar: uuid.UUID) -> HttpResponse:
    """Produce the export: build it and record what is withheld."""
    found = _sar(request, pk, sar)
    _refuse_unless(permissions.can_handle_subject_access(request.user))
    export = services.produce_export(found, by=request.user)
    messages.success(
        request,
        f"Export produced: {len(export.contacts)} contacts, {len(export.withheld)} items "
        "withheld. Check the withheld schedule, then download the export.",
    )
    return redirect("subject_access:detail", pk=pk, sar=sar)


def _download(request: HttpRequest, pk: uuid.UUID, sar: uuid.UUID, form: str) -> dict[str, Any]:
    found = _sar(request, pk, sar)
    _refuse_unless(permissions.can_handle_subject_access(request.user))
    try:
        return services.export_for_download(found, by=request.user, form=form) | {"sar": found}
    except ApplicationError as error:
        raise Http404(error.message) from error


@login_required
def document(request: HttpRequest, pk: uuid.UUID, sar: uuid.UUID) -> HttpResponse:
    """The export as a print-friendly page (print it, or save it as PDF from the browser)."""
    made = _download(request, pk, sar, "html")
    export = made["export"]
    return render(
        request,
        "dataprotection/document.html",
        {
            "sar": made["sar"],
            "export": export,
            "withholding_statement": WITHHOLDING_STATEMENT,
            "sha256": made["sha256"],
        },
    )


@login_required
def document_json(request: HttpRequest, pk: uuid.UUID, sar: uuid.UUID) -> HttpResponse:
    """The export as a JSON bundle, for the council's own records or a portal."""
    made = _download(request, pk, sar, "json")
    response = HttpResponse(
        json.dumps(made["data"], indent=2, ensure_ascii=False),
        content_type="application/json; charset=utf-8",
    )
    name = f"subject-access-{made['sar'].received_on:%Y-%m-%d}-{str(sar)[:8]}.json"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def release(request: HttpRequest, pk: uuid.UUID, sar: uuid.UUID, item: uuid.UUID) -> HttpResponse:
    """Release a withheld item into the export, with the reason (recorded and audited)."""
    found = _sar(request, pk, sar)
    _refuse_unless(permissions.can_handle_subject_access(request.user))
    withheld = get_object_or_404(WithheldItem, pk=item, request=found)
    form = ReleaseForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                services.release_item(withheld, by=request.user, reason=form.cleaned_data["reason"])
            except ApplicationError as error:
                status = _status_for(error)
                apply_error(form, error)
            else:
                messages.success(request, "Item released: the export now includes it.")
                return redirect("subject_access:detail", pk=pk, sar=sar)
    return render(
        request,
        "dataprotection/release.html",
        {"sar": found, "person": found.person, "item": withheld, "form": form},
        status=status,
    )


# --------------------------------------------------------------------------- retention


@login_required
def retention(request: HttpRequest) -> HttpResponse:
    """Records due for a retention review, disposals waiting for approval, recent decisions."""
    _refuse_unless(permissions.can_read_retention(request.user))
    reviews = RetentionReview.objects.select_related("decided_by", "approved_by")
    open_reviews = list(reviews.filter(status__in=RetentionReview.OPEN_STATUSES))
    decided = list(
        reviews.exclude(status__in=RetentionReview.OPEN_STATUSES).order_by("-decided_at")[:50]
    )
    audit.record(
        actor=request.user,
        action="retention.listed",
        rule_ids=["CO-6"],
        data={"open": len(open_reviews)},
    )
    return render(
        request,
        "dataprotection/retention.html",
        {
            "due": [r for r in open_reviews if r.status == RetentionReview.Status.DUE],
            "proposed": [r for r in open_reviews if r.status != RetentionReview.Status.DUE],
            "decided": decided,
            "can_decide": permissions.can_decide_retention(request.user),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def retention_review(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    """Decide on one review: keep until a date, or propose disposal; or approve a proposal."""
    _refuse_unless(permissions.can_read_retention(request.user))
    review = get_object_or_404(RetentionReview.objects.select_related("contact"), pk=pk)
    approving = review.status == RetentionReview.Status.DISPOSAL_PROPOSED
    form: Any = (ApproveDisposalForm if approving else RetentionDecisionForm)(request.POST or None)
    status = 200
    if request.method == "POST":
        _refuse_unless(
            permissions.can_approve_disposal(request.user)
            if approving
            else permissions.can_decide_retention(request.user)
        )
        status = 400
        if form.is_valid():
            try:
                done = _decide(review, request.user, form.cleaned_data, approving)
            except NotPermitted as error:
                raise PermissionDenied(error.message) from error
            except ApplicationError as error:
                status = _status_for(error)
                apply_error(form, error)
            else:
                messages.success(request, done)
                return redirect("dataprotection:retention")
    return render(
        request,
        "dataprotection/retention_review.html",
        {"review": review, "form": form, "approving": approving},
        status=status,
    )


def _decide(review: RetentionReview, user: Any, data: dict[str, Any], approving: bool) -> str:
    if approving:
        services.approve_disposal(review, by=user, note=data["note"])
        return f"{review.reference} disposed of: personal details removed, reference kept."
    if data["decision"] == RetentionDecisionForm.KEEP:
        services.keep_record(review, by=user, keep_until=data["keep_until"], reason=data["reason"])
        return f"{review.reference} kept until {data['keep_until']:%d/%m/%Y}."
    services.propose_disposal(review, by=user, reason=data["reason"])
    return f"Disposal of {review.reference} proposed: a second person must approve it."


# ------------------------------------------------------------------ share register (CO-4)


@login_required
def shares(request: HttpRequest) -> HttpResponse:
    """Every disclosure to a partner agency, newest first, with its legal basis (CO-4)."""
    _refuse_unless(permissions.can_read_share_register(request.user))
    agencies = [(str(a.pk), a.name) for a in Agency.objects.filter(is_childrens_social_care=False)]
    form = ShareFilterForm(request.GET or None, agencies=agencies)
    records = DisclosureRecord.objects.select_related("agency", "contact", "shared_by")
    status = 200
    if request.GET and not form.is_valid():
        status, records = 400, records.none()
    elif request.GET:
        chosen = form.cleaned_data
        if chosen["agency"]:
            records = records.filter(agency_id=chosen["agency"])
        if chosen["reference"]:
            records = records.filter(contact__reference__iexact=chosen["reference"].strip())
        if chosen["person"]:
            records = records.filter(contact__people__person_id=chosen["person"]).distinct()
    page = Paginator(records.order_by("-shared_at"), 50).get_page(request.GET.get("page"))
    audit.record(
        actor=request.user,
        action="disclosure.register_viewed",
        person_id=form.cleaned_data.get("person") if form.is_bound and form.is_valid() else None,
        rule_ids=["CO-4"],
        data={"filters": {k: v for k, v in request.GET.items() if k != "page"}},
    )
    return render(
        request,
        "dataprotection/shares.html",
        {"form": form, "page": page, "pagination": govuk_pagination(request, page)},
        status=status,
    )
