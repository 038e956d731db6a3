"""The partner API, version 1: submit a contact, read its status (OpenAPI at /api/v1/docs)."""

from __future__ import annotations

import hashlib
import json
from dataclasses import fields
from typing import Any

from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from ninja import Header, NinjaAPI, Status
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.openapi.docs import Swagger

from mash.api.auth import PartnerToken
from mash.api.models import IdempotentSubmission, PartnerApiClient
from mash.api.schemas import (
    COMMON_PROBLEMS,
    WRITE_PROBLEMS,
    ConcernCategoryOut,
    ContactIn,
    ContactReceipt,
    ProblemOut,
)
from mash.audit import services as audit
from mash.contacts import concerns, services
from mash.contacts.clocks import profile_of
from mash.contacts.models import Contact, ContactPerson
from mash.core.errors import ApplicationError, Conflict, InvalidInput, NotPermitted
from mash.policy import catalogue
from mash.policy.catalogue import sources_of
from mash.routing import services as routing
from mash.routing.models import PASSED_ON

api = NinjaAPI(
    title="MASH partner API",
    version="1",
    description=(
        "Partner systems (police, health, education…) send contacts to the MASH front door and "
        "read their status. Authenticate with `Authorization: Bearer <token>`. Send an "
        "`Idempotency-Key` header with every submission: a retry with the same key and body "
        "returns the same contact and never creates a duplicate. If the service cannot reach "
        'its database it answers 503 with `Retry-After` and `"retryable": true`: wait, then '
        "send the same request with the same key."
    ),
    auth=PartnerToken(),
    urls_namespace="api",
    # The bundled Swagger UI (no CDN, no inline script) under the strict CSP; no call-out to
    # the public validator, which the policy would block anyway.
    docs=Swagger(settings={"validatorUrl": None}),
)

_PERSON_FIELDS = {f.name for f in fields(services.PersonDetails)}


@api.exception_handler(ValidationError)
def validation_problem(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    """Schema errors in plain English, one per field, with the field's path."""
    errors = [_plain_error(error) for error in exc.errors]
    what = "answer" if "/information-requests/" in request.path else "contact"
    message = f"The {what} was not accepted. " + " ".join(e["message"] for e in errors)
    return api.create_response(request, {"message": message, "errors": errors}, status=422)


@api.exception_handler(ApplicationError)
def domain_problem(request: HttpRequest, exc: ApplicationError) -> HttpResponse:
    """A domain rule refused the contact: say which and why."""
    problems = exc.problems if isinstance(exc, InvalidInput) else [exc]
    errors = [
        {
            "field": p.field or "",
            "message": p.message,
            "rules": ", ".join(p.rule_ids),
            "explanations": sources_of(p.rule_ids),
        }
        for p in problems
    ]
    message = " ".join(p.message for p in problems)
    status = 409 if isinstance(exc, Conflict) else 403 if isinstance(exc, NotPermitted) else 422
    return api.create_response(request, {"message": message, "errors": errors}, status=status)


@api.exception_handler(AuthenticationError)
def auth_problem(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return api.create_response(
        request,
        {"message": "Send a valid partner token as 'Authorization: Bearer <token>'."},
        status=401,
    )


@api.exception_handler(HttpError)
def http_problem(request: HttpRequest, exc: HttpError) -> HttpResponse:
    """Ninja's own refusals (a body that is not JSON is 400) in the API's problem shape."""
    message = (
        "The request body is not valid JSON. Send one JSON object as the API documentation "
        "shows; nothing was recorded."
        if exc.status_code == 400
        else exc.message
    )
    return api.create_response(request, {"message": message}, status=exc.status_code)


def _plain_error(error: dict[str, Any]) -> dict[str, str]:
    path = [str(part) for part in error.get("loc", ()) if part not in ("body", "payload")]
    field = ".".join(path)
    readable = " ".join(path).replace("_", " ") or "the request"
    if path and path[0] == "header":
        readable = f"the {path[-1]} header"
    if error.get("type") == "missing":
        message = f"Enter {readable}."
    else:
        message = f"{readable[:1].upper()}{readable[1:]}: {error.get('msg', 'is not valid')}."
    return {"field": field, "message": message}


@api.post(
    "/contacts",
    response={201: ContactReceipt, 200: ContactReceipt, **WRITE_PROBLEMS},
    summary="Submit a contact about one or more children",
)
def submit_contact(
    request: HttpRequest,
    payload: ContactIn,
    idempotency_key: str = Header(..., alias="Idempotency-Key", min_length=8, max_length=200),
) -> Any:
    """Record a contact from a partner system (IN-2) and start its clocks.

    Same `Idempotency-Key` and same body → the original contact (HTTP 200); same key with a
    different body → HTTP 409, nothing recorded.
    """
    client: PartnerApiClient = request.auth  # type: ignore[attr-defined]
    body_hash = hashlib.sha256(
        json.dumps(payload.dict(), sort_keys=True, default=str).encode()
    ).hexdigest()
    replay = _replay(client, idempotency_key, body_hash)
    if replay is not None:
        return replay
    try:
        # One transaction: the contact, its idempotency record and its audit event are all
        # committed or none is, so a crash at any point leaves nothing half-written.
        with transaction.atomic():
            contact = _record(client, payload)
            IdempotentSubmission.objects.create(
                client=client, key=idempotency_key, request_hash=body_hash, contact=contact
            )
            audit.record(
                actor=None,
                actor_name=f"Partner API: {client.name}",
                action="api.contact_submitted",
                contact_id=contact.pk,
                subject=contact,
                rule_ids=["IN-2"],
                data={"client": str(client.pk)},
            )
    except IntegrityError:
        # Another request with the same key won the race: answer as its retry.
        replay = _replay(client, idempotency_key, body_hash)
        if replay is None:
            raise
        return replay
    return Status(201, _receipt(contact))


def _replay(client: PartnerApiClient, key: str, body_hash: str) -> Status | None:
    earlier = IdempotentSubmission.objects.filter(client=client, key=key).first()
    if earlier is None:
        return None
    if earlier.request_hash != body_hash or earlier.contact is None:
        return Status(
            409,
            {
                "message": "This Idempotency-Key was already used for a different contact. Use a "
                "new key for a new contact; nothing was recorded.",
            },
        )
    return Status(200, _receipt(earlier.contact))


def _record(client: PartnerApiClient, payload: ContactIn) -> Contact:
    data = payload.dict()
    referrer = data.pop("referrer")
    children = data.pop("children")
    adults = data.pop("adults")
    people = [
        *(_details(ContactPerson.Kind.CHILD, child) for child in children),
        *(_details(ContactPerson.Kind.ADULT, adult) for adult in adults),
    ]
    received_at = data.pop("received_at") or timezone.now()
    return services.record_contact(
        by=None,
        client=client,
        actor_name=f"Partner API: {client.name}",
        people=people,
        received_at=received_at,
        channel=Contact.Channel.PARTNER_NOTIFICATION,
        referrer_source=client.referrer_source,
        referrer_name=referrer["name"],
        referrer_role=referrer["role"],
        referrer_organisation=client.agency.name,
        referrer_phone=referrer["phone"],
        referrer_email=referrer["email"],
        referrer_relationship=referrer["relationship"],
        **data,
    )


def _details(kind: str, person: dict[str, Any]) -> services.PersonDetails:
    return services.PersonDetails(
        kind=kind, **{k: v for k, v in person.items() if k in _PERSON_FIELDS}
    )


def _receipt(contact: Contact) -> dict[str, Any]:
    return {
        "id": str(contact.pk),
        "reference": contact.reference,
        "status": contact.status,
        "status_text": contact.get_status_display(),
        "received_at": contact.received_at,
        "clocks": [
            {
                "rule_id": c.rule_id,
                "label": c.label,
                "due_at": c.due_at,
                "met_at": c.met_at,
                "source": _clock_source(contact, c.rule_id),
                "explanation": list(c.explanation),
            }
            for c in contact.clocks.order_by("due_at")
        ],
        "route": _route(contact),
    }


def _clock_source(contact: Contact, rule_id: str) -> str:
    rule = profile_of(contact).clock(rule_id)
    return rule.source if rule else catalogue.rule(rule_id).source


def _route(contact: Contact) -> dict[str, Any] | None:
    """Who has the contact now (OU-3), in general terms only: the MASH, or the team that acts.

    None while the MASH decides. The destination and its reasons are not the partner's: "the
    allocated social worker" would tell them the child has an open case (CO-4).
    """
    if contact.status == Contact.Status.RECEIVED:
        return None
    routed = routing.latest_decision(contact)
    decision = getattr(contact, "decision", None)
    if (routed is not None and routed.destination in PASSED_ON) or (
        decision is not None and decision.passed_to_id is not None
    ):
        return {
            "destination": "TEAM",
            "destination_text": "Passed to the team that will act on it",
            "rules": sources_of(["OU-3"]),
        }
    if decision is not None:
        return {
            "destination": "MASH",
            "destination_text": "The MASH has decided what happens next",
            "rules": sources_of(["OU-1", "OU-3"]),
        }
    return {
        "destination": "MASH",
        "destination_text": "The MASH has it",
        "rules": sources_of(["SC-2", "OU-3"]),
    }


@api.get(
    "/concern-categories",
    response={200: list[ConcernCategoryOut], **COMMON_PROBLEMS},
    summary="The typed concern codes a contact may carry",
)
def concern_categories(request: HttpRequest) -> Any:
    """The national list, aligned with the CIN census factors (statutory-returns.md §1.4)."""
    return [
        {"code": c.code, "label": c.label, "cin_factors": list(c.cin_factors), "pathway": c.pathway}
        for c in concerns.CATEGORIES
    ]


@api.get(
    "/contacts/{reference}",
    response={200: ContactReceipt, 404: ProblemOut, **COMMON_PROBLEMS},
    summary="Read the status of a contact this partner submitted",
)
def contact_status(request: HttpRequest, reference: str) -> Any:
    """A partner sees only the contacts it submitted (CO-4); anything else is 404."""
    client: PartnerApiClient = request.auth  # type: ignore[attr-defined]
    contact = Contact.objects.filter(reference=reference, submitted_by_client=client).first()
    if contact is None:
        return Status(404, {"message": f"No contact {reference} was submitted by {client.name}."})
    audit.record(
        actor=None,
        actor_name=f"Partner API: {client.name}",
        action="api.contact_status_viewed",
        contact_id=contact.pk,
        subject=contact,
        rule_ids=["CO-4"],
    )
    return Status(200, _receipt(contact))


def _add_routers() -> None:
    """Information sharing lives in its own module; registered after `api` exists."""
    from mash.api.sharing import router

    api.add_router("", router)


_add_routers()
