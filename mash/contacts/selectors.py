"""Reading contacts: audited access, the queue and the facts pages show."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce, Least
from django.http import Http404
from django.utils import timezone

from mash.audit import services as audit
from mash.audit.actions import READ_ACTIONS, describe
from mash.audit.models import AuditEvent
from mash.contacts.models import Clock, Contact, WrittenConfirmation, WrittenConfirmationChase
from mash.contacts.workflow import OPEN
from mash.routing.models import Task


def access_contact(user: Any, pk: uuid.UUID) -> Contact:
    """The only way views obtain a contact. Same 404 for missing and not-yours; every view is
    audited (special-category data), and so is every refused attempt."""
    contact = Contact.objects.visible_to(user).filter(pk=pk).first()
    if contact is None:
        if getattr(user, "is_authenticated", False) and Contact.objects.filter(pk=pk).exists():
            audit.record_refusal(actor=user, what="contact", contact_id=pk)
        raise Http404
    audit.record(
        actor=user,
        action="contact.viewed",
        contact_id=contact.pk,
        subject=contact,
        rule_ids=["CO-4", "CO-6"],
    )
    return contact


def queue(
    user: Any,
    *,
    status: str = "",
    rag: str = "",
    overdue_only: bool = False,
    child_protection_only: bool = False,
) -> QuerySet[Contact]:
    """Contacts still needing something — an open status or an open clock — soonest due first.

    Closed contacts stay while written confirmation (TS-4) or acknowledgement (TS-5) is owed.
    """
    # Subqueries, not a join: a join needs DISTINCT over every column, which is slow at scale.
    open_clocks = Clock.objects.filter(contact=OuterRef("pk"), met_at__isnull=True)
    # A task a rule requires now (tell the police, IN-12) counts as much as a clock.
    open_tasks = Task.objects.filter(
        contact=OuterRef("pk"), done_at__isnull=True, due_at__isnull=False
    )
    clock_due = Subquery(open_clocks.order_by("due_at").values("due_at")[:1])
    task_due = Subquery(open_tasks.order_by("due_at").values("due_at")[:1])
    contacts = (
        Contact.objects.visible_to(user)
        # Least of two that may be NULL, the same on SQLite and PostgreSQL.
        .annotate(next_due=Least(Coalesce(clock_due, task_due), Coalesce(task_due, clock_due)))
        .filter(Q(status__in=OPEN) | Exists(open_clocks) | Exists(open_tasks))
        .select_related("screening", "held_by")
        .prefetch_related("people", "clocks")
    )
    if status:
        contacts = contacts.filter(status=status)
    if rag:
        contacts = contacts.filter(screening__rag=rag)
    if child_protection_only:
        contacts = contacts.filter(child_protection_concern=True)
    if overdue_only:
        contacts = contacts.filter(next_due__lt=timezone.now())
    return contacts.order_by("next_due", "received_at")


@dataclass(frozen=True)
class ClockView:
    """A clock as the pages show it: due, met or overdue, and why."""

    clock: Clock
    now: datetime

    @property
    def is_overdue(self) -> bool:
        if self.clock.met_at is not None:
            return self.clock.met_at > self.clock.due_at
        return self.clock.due_at < self.now

    @property
    def state(self) -> str:
        """One of 'met', 'met-late', 'overdue', 'due'."""
        if self.clock.met_at is not None:
            return "met-late" if self.is_overdue else "met"
        return "overdue" if self.is_overdue else "due"


def child_protection_awaiting_screening(user: Any) -> int:
    """IN-10: contacts with a child protection concern not yet screened, for the managers."""
    return (
        Contact.objects.visible_to(user)
        .filter(status=Contact.Status.RECEIVED, child_protection_concern=True)
        .count()
    )


def clock_views(contact: Contact, now: datetime | None = None) -> list[ClockView]:
    """The contact's clocks, open ones first, each soonest due first."""
    moment = now or timezone.now()
    clocks = sorted(contact.clocks.all(), key=lambda c: (c.met_at is not None, c.due_at))
    return [ClockView(clock, moment) for clock in clocks]


def contact_activity(contact: Contact) -> list[dict[str, Any]]:
    """Everything done to the contact from the audit trail, oldest first, for the timeline
    macro. Views of the record are left out: they are in the audit trail for auditors."""
    events = AuditEvent.objects.filter(contact_id=contact.pk).exclude(action__in=READ_ACTIONS)
    return [
        {
            "what": describe(e.action),
            "who": e.actor_name,
            "when": e.at,
            "rule_ids": e.rule_ids,
            # A reason typed by a person (a route chosen over the suggestion, a return) is
            # part of the record; other data stays in the audit trail.
            "detail": (e.data or {}).get("reason", "") if e.actor_id else "",
        }
        for e in events
    ]


@dataclass(frozen=True)
class WrittenConfirmationPanel:
    """IN-7 on the contact page: what arrived, whether it is awaited, the chase if late."""

    confirmations: list[WrittenConfirmation]
    chase: WrittenConfirmationChase | None
    awaiting: bool
    may_download: bool  # MASH staff only (CO-4)


def written_confirmation_panel(contact: Contact, user: Any) -> WrittenConfirmationPanel:
    """The written-confirmation section: two queries (the list defers the file's bytes)."""
    confirmations = list(contact.written_confirmations.defer("data").select_related("recorded_by"))
    chase = contact.chases.select_related("asked_user").order_by("-chased_at").first()
    awaiting = any(c.rule_id == "TS-4" and c.met_at is None for c in contact.clocks.all())
    return WrittenConfirmationPanel(
        confirmations=confirmations,
        chase=chase,
        awaiting=awaiting,
        may_download=bool(user.is_mash_staff()),
    )
