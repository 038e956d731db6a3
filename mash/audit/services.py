"""The one way to write to the audit trail."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from typing import Any

from django.db import transaction
from django.utils import timezone

from mash.audit import chain
from mash.audit.actions import ACTIONS
from mash.audit.models import AuditEvent
from mash.core.request_context import current_request_id, note_refusal_recorded

PARTNER_SYSTEM = "PARTNER_SYSTEM"  # the role of a partner's case system (ADR 0006)


def record(
    *,
    actor: Any,
    action: str,
    contact_id: uuid.UUID | None = None,
    person_id: uuid.UUID | None = None,
    subject: Any = None,
    rule_ids: Iterable[str] = (),
    data: Mapping[str, Any] | None = None,
    actor_name: str = "",
    agency: Any = None,
    purpose: str = "",
) -> AuditEvent:
    """Append one event. `actor` is a user, or None for the public, a partner system or a job.

    `agency` is the agency acted for; it defaults to the user's (a partner system passes its
    own, so "who looked" always has an agency). The acting roles come from the user (or
    "partner system"); `purpose` defaults to `data["purpose"]`, else to the legal basis of a
    subject that has one (an information request, CO-4).

    Raises KeyError for an unregistered action so a typo cannot create a new kind of event,
    and lets every database error through: a read whose audit cannot be written fails (ADR 0010).
    """
    if action not in ACTIONS:
        raise KeyError(f"unregistered audit action {action!r}; add it to mash/audit/actions.py")
    user = actor if getattr(actor, "is_authenticated", False) else None
    name = actor_name or (user.display_name() if user else "System or public")
    payload = chain.as_stored(dict(data or {}))
    event = AuditEvent(
        actor=user,
        actor_name=name,
        agency=agency if agency is not None else _agency_of(user),
        action=action,
        contact_id=contact_id,
        person_id=person_id,
        subject_type=type(subject).__name__ if subject is not None else "",
        subject_id=str(subject.pk) if subject is not None else "",
        rule_ids=list(rule_ids),
        data=payload,
        request_id=current_request_id(),
        roles=_roles(user, name),
        purpose=(purpose or _purpose(payload, subject))[:300],
    )
    # No savepoint of its own: inside a caller's transaction a failed audit write dooms that
    # transaction (the change must not commit without its event); outside, it is one commit.
    with transaction.atomic(savepoint=False):
        chain.lock()
        event.at = timezone.now()  # under the lock, so time order is chain order
        chain.seal(event)
        event.save(force_insert=True)
    return event


def _agency_of(user: Any) -> Any:
    """The user's agency, looked up once per user object (a request's user: many events)."""
    if user is None:
        return None
    if not hasattr(user, "_audit_agency"):
        user._audit_agency = user.primary_agency()
    return user._audit_agency


def _roles(user: Any, name: str) -> list[str]:
    if user is not None:
        return sorted(user.active_roles())
    return [PARTNER_SYSTEM] if name.startswith("Partner API") else []


def _purpose(data: Mapping[str, Any], subject: Any) -> str:
    stated = data.get("purpose")
    if isinstance(stated, str) and stated:
        return stated
    legal_basis = getattr(subject, "get_legal_basis_display", None)
    return f"Legal basis: {legal_basis()}" if callable(legal_basis) else ""


def record_refusal(
    *,
    actor: Any,
    what: str,
    contact_id: uuid.UUID | None = None,
    subject: Any = None,
    actor_name: str = "",
    agency: Any = None,
) -> AuditEvent:
    """Append an `access.refused` event: someone asked for a record not shared with them.

    The caller then answers 404, the same as for a record that does not exist (CO-4).
    """
    event = record(
        actor=actor,
        actor_name=actor_name,
        agency=agency,
        action="access.refused",
        contact_id=contact_id,
        subject=subject,
        rule_ids=["CO-4"],
        data={"what": what},
    )
    note_refusal_recorded()
    return event
