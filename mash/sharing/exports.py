"""MA-8: each partner agency can take, for its own records, what it provided on each case, the
decision made and any challenge it raised. One row per answer (a request with no answer yet
has one row), as CSV in the workspace and as JSON through the partner API."""

from __future__ import annotations

import csv
from collections.abc import Iterable
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db import transaction
from django.db.models import Prefetch
from django.http import HttpResponse
from django.utils import timezone

from mash.audit import services as audit
from mash.contacts.clocks import profile_of
from mash.contacts.models import ContactPerson
from mash.core.formatting import datetime_gb
from mash.dataprotection.register import record_export_disclosures
from mash.disputes.models import Dispute
from mash.sharing.models import Contribution, InformationRequest

MAX_EXPORT_DAYS = 366  # a year at a time keeps each download to a size a spreadsheet opens

COLUMNS = (
    ("reference", "Contact reference"),
    ("children", "Children"),
    ("agency", "Agency"),
    ("requested_at", "Requested"),
    ("due_at", "Due"),
    ("urgency", "Urgency"),
    ("repeat_concern", "Repeat concern (MA-5)"),
    ("question", "Question asked"),
    ("consent_basis", "Consent basis (CO-2, CO-3)"),
    ("legal_basis", "Legal basis (CO-4)"),
    ("sharing_agreement", "Information sharing agreement"),
    ("request_status", "Request status"),
    ("answered_at", "Answer recorded"),
    ("answer", "Answer"),
    ("information", "Information provided"),
    ("analysis", "Analysis"),
    ("heightens_concern", "Heightens the concern (MA-4)"),
    ("confidential_held_by", "Confidential information held by (CO-5)"),
    ("awaiting_from", "Awaiting information from (MA-3)"),
    ("recorded_by", "Recorded by"),
    ("decision", "Decision"),
    ("decided_at", "Decided"),
    ("passed_to", "Passed to"),
    ("challenge", "Challenge raised by the agency (DM-1)"),
)

# Spreadsheet programs run a cell that starts with one of these as a formula.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def export_rows(agency_ids: Iterable[Any], date_from: date, date_to: date) -> list[dict[str, str]]:
    """The rows for requests to `agency_ids` made between the two dates (inclusive)."""
    start = timezone.make_aware(datetime.combine(date_from, time.min))
    end = timezone.make_aware(datetime.combine(date_to + timedelta(days=1), time.min))
    ids = list(agency_ids)
    requests = (
        InformationRequest.objects.filter(
            agency_id__in=ids, requested_at__gte=start, requested_at__lt=end
        )
        .select_related("contact", "agency", "contact__decision", "contact__decision__passed_to")
        .prefetch_related(
            Prefetch("contributions", queryset=Contribution.objects.order_by("recorded_at")),
            Prefetch(
                "contact__people",
                queryset=ContactPerson.objects.filter(kind=ContactPerson.Kind.CHILD),
                to_attr="children_on_contact",
            ),
            Prefetch(
                "contact__disputes",
                queryset=Dispute.objects.filter(raised_by_agency_id__in=ids),
                to_attr="agency_disputes",
            ),
        )
        .order_by("requested_at")
    )
    rows: list[dict[str, str]] = []
    for request in requests:
        base = _request_columns(request)
        answers = list(request.contributions.all())
        rows += [base | _answer_columns(answer) for answer in answers] or [base]
    return rows


def _request_columns(request: InformationRequest) -> dict[str, str]:
    contact = request.contact
    decision = getattr(contact, "decision", None)
    profile = profile_of(contact)
    children = "; ".join(
        f"{child.full_name}" + (f" ({child.date_of_birth:%d/%m/%Y})" if child.date_of_birth else "")
        for child in contact.children_on_contact  # type: ignore[attr-defined]
    )
    return {
        "reference": contact.reference,
        "children": children,
        "agency": request.agency.name,
        "requested_at": datetime_gb(request.requested_at),
        "due_at": datetime_gb(request.due_at),
        "urgency": f"{request.rag} ({request.rule_id})",
        "repeat_concern": "Yes" if request.is_repeat else "No",
        "question": request.question,
        "consent_basis": request.get_consent_basis_display(),
        "legal_basis": request.get_legal_basis_display(),
        "sharing_agreement": request.sharing_agreement,
        "request_status": request.get_status_display(),
        "decision": profile.outcome(decision.outcome).label if decision else "Not decided yet",
        "decided_at": datetime_gb(decision.decided_at) if decision else "",
        "passed_to": decision.passed_to.name if decision and decision.passed_to else "",
        "challenge": " | ".join(
            _challenge(dispute, profile)
            for dispute in contact.agency_disputes  # type: ignore[attr-defined]
        ),
    }


def _challenge(dispute: Dispute, profile: Any) -> str:
    said = f"{datetime_gb(dispute.raised_at)}: {dispute.reason}"
    if dispute.is_open:
        return f"{said} (open, with the {dispute.get_level_display()})"
    outcome = profile.outcome(dispute.resolved_outcome).label
    return f"{said} (resolved by the {dispute.get_level_display()}: {outcome})"


def _answer_columns(answer: Contribution) -> dict[str, str]:
    awaiting = ""
    if answer.kind == Contribution.Kind.AWAITING:
        awaiting = (
            f"{answer.awaiting_from_name}, {answer.awaiting_from_designation}; asked "
            f"{datetime_gb(answer.awaiting_asked_at)} by {answer.get_awaiting_method_display()}"
        )
    heightens = f"Yes: {answer.heightens_concern_reason}" if answer.heightens_concern else "No"
    return {
        "answered_at": datetime_gb(answer.recorded_at),
        "answer": answer.get_kind_display(),
        "information": answer.information,
        "analysis": answer.analysis,
        "heightens_concern": heightens,
        "confidential_held_by": answer.confidential_holder,
        "awaiting_from": awaiting,
        "recorded_by": answer.recorded_by_name,
    }


def safe_cell(value: str) -> str:
    """A cell a spreadsheet shows as text: a leading formula character is quoted."""
    return f"'{value}" if value.startswith(_FORMULA_STARTS) else value


def contributions_csv(
    user: Any, *, agency_ids: Iterable[Any], date_from: date, date_to: date
) -> HttpResponse:
    """The export as a CSV download, audited with its period and size (MA-8)."""
    ids = list(agency_ids)
    rows = export_rows(ids, date_from, date_to)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    name = f"mash-information-shared-{date_from:%Y-%m-%d}-to-{date_to:%Y-%m-%d}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response.write("\ufeff")  # so spreadsheet programs read the file as UTF-8
    writer = csv.writer(response)
    writer.writerow([title for _, title in COLUMNS])
    for row in rows:
        writer.writerow([safe_cell(row.get(key, "")) for key, _ in COLUMNS])
    record_export(user=user, agency_ids=ids, date_from=date_from, date_to=date_to, rows=rows)
    return response


def record_export(
    *,
    user: Any = None,
    agency_ids: Iterable[Any],
    date_from: date,
    date_to: date,
    rows: list[dict[str, str]],
    client: Any = None,
) -> None:
    """Audit an export: who, for which agencies, which period, and which contacts it held, so
    that a bulk read of children's records can be traced from each contact (CO-4); and put
    each request it held on the share register with its legal basis, in one transaction."""
    ids = list(agency_ids)
    start = timezone.make_aware(datetime.combine(date_from, time.min))
    end = timezone.make_aware(datetime.combine(date_to + timedelta(days=1), time.min))
    with transaction.atomic():
        record_export_disclosures(
            agency_ids=ids,
            start=start,
            end=end,
            references=[row["reference"] for row in rows],
            by=user,
            client=client,
        )
        _audit_export(
            user=user, client=client, ids=ids, date_from=date_from, date_to=date_to, rows=rows
        )


def _audit_export(
    *, user: Any, client: Any, ids: list[Any], date_from: date, date_to: date, rows: list[Any]
) -> None:
    audit.record(
        actor=user,
        actor_name=f"Partner API: {client.name}" if client else "",
        agency=client.agency if client else None,
        action="api.exported" if client else "sharing.exported",
        rule_ids=["MA-8", "CO-4"],
        data={
            "agencies": [str(i) for i in ids],
            "from": date_from.isoformat(),
            "to": date_to.isoformat(),
            "rows": len(rows),
            "contacts": sorted({row["reference"] for row in rows}),
        },
    )
