"""The partner API for information sharing (MA-2 … MA-8): a partner system reads the requests
addressed to its own agency, answers them and takes its export. The same rules as the partner
workspace: another agency's request is 404, and the attempt is audited (CO-4)."""

from __future__ import annotations

import hashlib
import json
import uuid
from datetime import date
from typing import Any

from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse
from ninja import Header, Query, Router, Status

from mash.api.models import IdempotentSubmission, PartnerApiClient
from mash.api.schemas import (
    COMMON_PROBLEMS,
    WRITE_PROBLEMS,
    AnswerIn,
    AnswerOut,
    ExportOut,
    InformationRequestOut,
    ProblemOut,
    RequestSummaryOut,
)
from mash.audit import services as audit
from mash.contacts.models import Contact
from mash.core import locking
from mash.sharing import exports, selectors, services
from mash.sharing.models import Contribution, InformationRequest

router = Router(tags=["Information sharing"])


def _client(request: HttpRequest) -> PartnerApiClient:
    return request.auth  # type: ignore[attr-defined,no-any-return]


def _audit(client: PartnerApiClient, action: str, **kwargs: Any) -> None:
    audit.record(
        actor=None,
        actor_name=f"Partner API: {client.name}",
        agency=client.agency,
        action=action,
        **kwargs,
    )


def _for_client(client: PartnerApiClient, pk: uuid.UUID) -> InformationRequest | None:
    """The request if it is addressed to the client's agency; otherwise None, audited."""
    found = InformationRequest.objects.filter(pk=pk).select_related("contact", "agency").first()
    if found is not None and found.agency_id != client.agency_id:
        audit.record_refusal(
            actor=None,
            actor_name=f"Partner API: {client.name}",
            agency=client.agency,
            what="information request",
            contact_id=found.contact_id,
            subject=found,
        )
        return None
    return found


def _not_found(pk: uuid.UUID, client: PartnerApiClient) -> Status:
    return Status(404, {"message": f"No information request {pk} is addressed to {client.agency}."})


def _answer(contribution: Contribution) -> dict[str, Any]:
    return {
        "id": str(contribution.pk),
        "kind": contribution.kind,
        "kind_text": contribution.get_kind_display(),
        "information": contribution.information,
        "analysis": contribution.analysis,
        "heightens_concern": contribution.heightens_concern,
        "heightens_concern_reason": contribution.heightens_concern_reason,
        "has_confidential_information": contribution.has_confidential_information,
        "confidential_holder": contribution.confidential_holder,
        "awaiting_asked_at": contribution.awaiting_asked_at,
        "awaiting_method": contribution.awaiting_method,
        "awaiting_from_name": contribution.awaiting_from_name,
        "awaiting_from_designation": contribution.awaiting_from_designation,
        "recorded_by": contribution.recorded_by_name,
        "recorded_at": contribution.recorded_at,
    }


def _summary(request: InformationRequest) -> dict[str, Any]:
    return {
        "id": str(request.pk),
        "contact_reference": request.contact.reference,
        "agency": request.agency.code,
        "rag": request.rag,
        "rule_id": request.rule_id,
        "requested_at": request.requested_at,
        "due_at": request.due_at,
        "status": request.status,
        "status_text": request.get_status_display(),
        "is_repeat": request.is_repeat,
    }


def _detail(request: InformationRequest) -> dict[str, Any]:
    people = [
        {
            "kind": person.kind,
            "given_names": person.given_names,
            "family_name": person.family_name,
            "other_names": person.other_names,
            "date_of_birth": person.date_of_birth,
            "gender": person.gender,
            "nhs_number": person.nhs_number,
            "upn": person.upn,
            "address": person.address,
            "postcode": person.postcode,
            "school_or_nursery": person.school_or_nursery,
            "relationship_to_child": person.relationship_to_child,
            "roles": person.roles() if person.kind == "ADULT" else [],
        }
        for person in selectors.people_for_partner(request.contact)
    ]
    previous = request.previous_contribution
    return _summary(request) | {
        "concern_summary": request.concern_summary,
        "question": request.question,
        "consent_basis": request.consent_basis,
        "legal_basis": request.legal_basis,
        "legal_basis_text": request.get_legal_basis_display(),
        "sharing_agreement": request.sharing_agreement,
        "contact_open": request.contact.status != Contact.Status.CLOSED,
        "people": people,
        "answers": [_answer(c) for c in selectors.agency_answers(request)],
        "previous_answer": _answer(previous) if previous else None,
        "version": request.version,
    }


@router.get(
    "/information-requests",
    response={200: list[RequestSummaryOut], **COMMON_PROBLEMS},
    summary="List the information requests addressed to this partner's agency",
)
def list_requests(request: HttpRequest, show: str = Query("open", pattern="^(open|done)$")) -> Any:
    """Open requests soonest due first (`show=open`), or answered and closed ones most recent
    first (`show=done`), at most 200 (MA-2)."""
    client = _client(request)
    found = InformationRequest.objects.filter(agency=client.agency).select_related(
        "contact", "agency"
    )
    if show == "done":
        found = found.exclude(status__in=InformationRequest.OPEN_STATUSES).order_by("-requested_at")
    else:
        found = found.open().order_by("due_at")
    rows = list(found[:200])
    _audit(
        client,
        "api.requests_listed",
        rule_ids=["MA-2", "CO-4"],
        data={"show": show, "requests": [str(r.pk) for r in rows]},
    )
    return [_summary(r) for r in rows]


@router.get(
    "/information-requests/{request_id}",
    response={200: InformationRequestOut, 404: ProblemOut, **COMMON_PROBLEMS},
    summary="Read one information request: who to search for and what is asked",
)
def read_request(request: HttpRequest, request_id: uuid.UUID, response: HttpResponse) -> Any:
    """The request, the people as the referrer described them (never the referrer, IN-9),
    this agency's answers and its previous answer on a repeat concern (MA-5). The `ETag`
    header carries its `version`, for `If-Match` when answering."""
    client = _client(request)
    found = _for_client(client, request_id)
    if found is None:
        return _not_found(request_id, client)
    _audit(
        client,
        "api.request_viewed",
        contact_id=found.contact_id,
        subject=found,
        rule_ids=["MA-2", "CO-4"],
    )
    response["ETag"] = f'"{found.version}"'
    return Status(200, _detail(found))


@router.post(
    "/information-requests/{request_id}/answers",
    response={201: AnswerOut, 200: AnswerOut, 404: ProblemOut, **WRITE_PROBLEMS},
    summary="Answer an information request: information and analysis, nil return or awaiting",
)
def answer_request(
    request: HttpRequest,
    request_id: uuid.UUID,
    payload: AnswerIn,
    idempotency_key: str = Header(..., alias="Idempotency-Key", min_length=8, max_length=200),
    if_match: str | None = Header(None, alias="If-Match", max_length=40),
) -> Any:
    """Record the agency's answer (MA-2 … MA-4, CO-5). Send `updates_answer_id` with the id
    of the latest answer you have seen: if another answer arrived since, nothing is saved
    and the reply is 409. Optionally send `If-Match` with the request's `version` (its
    `ETag`): if the request changed at all since you read it, the reply is 409 and nothing is
    saved (ADR 0016). The same `Idempotency-Key` and body replays the first answer."""
    client = _client(request)
    found = _for_client(client, request_id)
    if found is None:
        return _not_found(request_id, client)
    data = payload.dict()
    body_hash = hashlib.sha256(
        json.dumps({"request": str(request_id), **data}, sort_keys=True, default=str).encode()
    ).hexdigest()
    replay = _replay(client, idempotency_key, body_hash)
    if replay is not None:
        return replay
    seen = data.pop("updates_answer_id")
    try:
        with transaction.atomic(), locking.expecting(found, locking.parse_version(if_match)):
            contribution = services.record_contribution(
                found,
                client=client,
                answer=services.Answer(**data),
                seen_latest=None if seen is None else str(seen),
            )
            IdempotentSubmission.objects.create(
                client=client,
                key=idempotency_key,
                request_hash=body_hash,
                contribution=contribution,
            )
    except IntegrityError:
        replay = _replay(client, idempotency_key, body_hash)
        if replay is None:
            raise
        return replay
    return Status(201, _answer(contribution))


def _replay(client: PartnerApiClient, key: str, body_hash: str) -> Status | None:
    earlier = IdempotentSubmission.objects.filter(client=client, key=key).first()
    if earlier is None:
        return None
    if earlier.request_hash != body_hash or earlier.contribution is None:
        return Status(
            409,
            {
                "message": "This Idempotency-Key was already used for something else. Use a new "
                "key for a new answer; nothing was recorded."
            },
        )
    return Status(200, _answer(earlier.contribution))


@router.get(
    "/exports/information-shared",
    response={200: ExportOut, **COMMON_PROBLEMS},
    summary="What this agency provided on each case, the decision and any challenge (MA-8)",
)
def export(request: HttpRequest, date_from: date, date_to: date) -> Any:
    """One row per answer for requests made between the two dates, inclusive."""
    client = _client(request)
    if date_to < date_from:
        return Status(422, {"message": "date_to must be the same as or after date_from."})
    if (date_to - date_from).days > exports.MAX_EXPORT_DAYS:
        return Status(422, {"message": "Ask for at most a year at a time."})
    rows = exports.export_rows([client.agency_id], date_from, date_to)
    exports.record_export(
        agency_ids=[client.agency_id],
        date_from=date_from,
        date_to=date_to,
        rows=rows,
        client=client,
    )
    columns = [{"key": key, "title": title} for key, title in exports.COLUMNS]
    return Status(200, {"columns": columns, "rows": rows})
