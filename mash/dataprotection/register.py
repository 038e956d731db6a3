"""The share register (CO-4): every disclosure to a partner agency with its legal basis,
written by the sharing code in the same transaction as the share (ADR 0013)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from django.utils import timezone

from mash.dataprotection.models import DisclosureRecord
from mash.sharing.models import InformationRequest


def _by_name(by: Any, client: Any) -> str:
    if client is not None:
        return f"Partner API: {client.name}"
    return by.display_name() if getattr(by, "is_authenticated", False) else "System"


def record_request_disclosures(requests: Sequence[InformationRequest]) -> list[DisclosureRecord]:
    """Register each request for checks: the concern and question go to the agency (CO-4).
    Call inside the transaction that creates the requests."""
    return DisclosureRecord.objects.bulk_create(
        DisclosureRecord(
            kind=DisclosureRecord.Kind.INFORMATION_REQUEST,
            object_type="InformationRequest",
            object_id=str(request.pk),
            contact_id=request.contact_id,
            agency_id=request.agency_id,
            shared_at=request.requested_at,
            shared_by=request.requested_by,
            shared_by_name=request.requested_by.display_name(),
            legal_basis=request.legal_basis,
            sharing_agreement=request.sharing_agreement,
            summary="The concern and the question, asking what the agency holds (MA-2)",
        )
        for request in requests
    )


def _latest_request(contact_id: Any, agency_id: Any) -> InformationRequest | None:
    return (
        InformationRequest.objects.filter(contact_id=contact_id, agency_id=agency_id)
        .order_by("-requested_at")
        .first()
    )


def record_meeting_disclosures(meeting: Any, *, by: Any) -> list[DisclosureRecord]:
    """Register each case in an issued meeting's copies: an agency's copy holds the cases it
    was asked about (MA-7), shared under that request's legal basis (CO-4)."""
    made = []
    now = meeting.issued_at or timezone.now()
    for case in meeting.cases.all():
        agency_ids = set(case.contact.information_requests.values_list("agency_id", flat=True))
        for agency_id in sorted(agency_ids, key=str):
            request = _latest_request(case.contact_id, agency_id)
            if request is None:  # pragma: no cover - the agency was asked, so it has one
                continue
            made.append(
                DisclosureRecord(
                    kind=DisclosureRecord.Kind.MEETING_COPY,
                    object_type="MeetingCase",
                    object_id=str(case.pk),
                    contact_id=case.contact_id,
                    agency_id=agency_id,
                    shared_at=now,
                    shared_by=by,
                    shared_by_name=_by_name(by, None),
                    legal_basis=request.legal_basis,
                    sharing_agreement=request.sharing_agreement,
                    summary=f"The meeting's analysis and recommendation of "
                    f"{timezone.localtime(meeting.held_at):%d/%m/%Y}",
                )
            )
    return DisclosureRecord.objects.bulk_create(made)


def record_export_disclosures(
    *,
    agency_ids: Iterable[Any],
    start: datetime,
    end: datetime,
    references: Iterable[str],
    by: Any = None,
    client: Any = None,
) -> list[DisclosureRecord]:
    """Register an export (MA-8): one row per request it held, with that request's legal
    basis — the agency receives the decision and any challenge with its own answers."""
    requests = InformationRequest.objects.filter(
        agency_id__in=list(agency_ids),
        requested_at__gte=start,
        requested_at__lt=end,
        contact__reference__in=set(references),
    )
    now = timezone.now()
    kind = DisclosureRecord.Kind.API_EXPORT if client else DisclosureRecord.Kind.PARTNER_EXPORT
    return DisclosureRecord.objects.bulk_create(
        DisclosureRecord(
            kind=kind,
            object_type="InformationRequest",
            object_id=str(request.pk),
            contact_id=request.contact_id,
            agency_id=request.agency_id,
            shared_at=now,
            shared_by=by if getattr(by, "is_authenticated", False) else None,
            shared_by_name=_by_name(by, client),
            legal_basis=request.legal_basis,
            sharing_agreement=request.sharing_agreement,
            summary="What the agency provided, the decision and any challenge (MA-8)",
        )
        for request in requests
    )
