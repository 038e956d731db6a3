"""The auditor's pages: who looked at this child's record, and why (ADR 0010, CO-4).

Auditors, service managers and heads of service only; every page is itself audited.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from mash.audit import selectors
from mash.audit import services as audit
from mash.audit.actions import in_words
from mash.audit.permissions import can_read_audit_trail
from mash.contacts.models import Contact
from mash.contacts.views import govuk_pagination
from mash.people.models import Person

PAGE_SIZE = 50
PURPOSE = "Audit of who accessed a child's record (CO-4)"


def _auditor(request: HttpRequest) -> None:
    if not can_read_audit_trail(request.user):
        audit.record_refusal(actor=request.user, what="audit trail")
        raise PermissionDenied


@login_required
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    """Find the person (by name) or the contact (by reference) whose trail to read."""
    _auditor(request)
    query = request.GET.get("q", "").strip()[:200]
    people, contacts = selectors.find(query) if query else ([], [])
    if query:
        audit.record(
            actor=request.user,
            action="audit.searched",
            rule_ids=["CO-4"],
            purpose=PURPOSE,
            data={
                "query": query,
                "person_ids": [str(p.pk) for p in people],
                "contacts": [c.reference for c in contacts],
            },
        )
    return render(
        request,
        "audit/index.html",
        {"query": query, "people": people, "contacts": contacts, "limit": selectors.MAX_RESULTS},
    )


def _rows(events: Any) -> list[dict[str, Any]]:
    return [
        {
            "event": event,
            "what": in_words(event.action),
            "roles": selectors.role_words(event.roles),
            "why": event.purpose,
        }
        for event in events
    ]


def _trail_page(request: HttpRequest, events: Any, **context: Any) -> HttpResponse:
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "audit/trail.html",
        {
            "page": page,
            "rows": _rows(page.object_list),
            "pagination": govuk_pagination(request, page),
            "kinds": selectors.KINDS,
            **context,
        },
    )


def _record_trail_viewed(request: HttpRequest, found: Any, kind: str, **about: Any) -> None:
    """Reading the audit trail is itself audited (CO-4)."""
    audit.record(
        actor=request.user,
        action="audit.trail_viewed",
        subject=found,
        rule_ids=["CO-4"],
        purpose=PURPOSE,
        data={"kind": kind, "page": request.GET.get("page", "1")[:10]},
        **about,
    )


def _kind(request: HttpRequest) -> str:
    kind = request.GET.get("kind", "all")
    return kind if kind in selectors.KINDS else "all"


@login_required
@require_GET
def person(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    """Every event touching a person's record, newest first, 50 a page."""
    _auditor(request)
    found = get_object_or_404(Person, pk=pk)
    kind = _kind(request)
    _record_trail_viewed(request, found, kind, person_id=found.pk)
    return _trail_page(
        request,
        selectors.person_trail(found, kind),
        kind=kind,
        title=f"{found.full_name}: who looked at this record and why",
        record_link=("people:detail", found.pk, "Back to the person record"),
    )


@login_required
@require_GET
def contact(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    """Every event touching a contact, newest first, 50 a page."""
    _auditor(request)
    found = get_object_or_404(Contact, pk=pk)
    kind = _kind(request)
    _record_trail_viewed(request, found, kind, contact_id=found.pk)
    return _trail_page(
        request,
        selectors.contact_trail(found, kind),
        kind=kind,
        title=f"Contact {found.reference}: who looked at it and why",
        record_link=("contacts:detail", found.pk, "Back to the contact record"),
    )
