"""Reading information sharing: audited access, the partner workspace, the MAIS record.

Partners see only requests addressed to their agency and only their own agency's answers
(CO-4); every read is audited and so is every refused attempt.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import (
    Case,
    IntegerField,
    OuterRef,
    Prefetch,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.http import Http404
from django.utils import timezone

from mash.audit import services as audit
from mash.contacts.models import Contact, ContactPerson
from mash.contacts.workflow import OPEN
from mash.sharing.models import Contribution, InformationRequest


def access_request(user: Any, pk: uuid.UUID) -> InformationRequest:
    """The only way pages obtain a request: MASH staff and the agency asked. Anyone else gets
    the same 404 as for a request that does not exist, and the attempt is audited."""
    found = (
        InformationRequest.objects.visible_to(user)
        .select_related("contact", "agency", "requested_by")
        .filter(pk=pk)
        .first()
    )
    if found is None:
        other = InformationRequest.objects.filter(pk=pk).first()
        if other is not None and getattr(user, "is_authenticated", False):
            audit.record_refusal(
                actor=user, what="information request", contact_id=other.contact_id, subject=other
            )
        raise Http404
    audit.record(
        actor=user,
        action="sharing.request_viewed",
        contact_id=found.contact_id,
        subject=found,
        rule_ids=["MA-2", "CO-4"],
    )
    return found


def partner_requests(user: Any, *, show: str = "open") -> QuerySet[InformationRequest]:
    """The requests addressed to the user's agencies: open ones soonest due first, or the
    answered and closed ones most recent first (`show` is "open" or "done")."""
    found = InformationRequest.objects.visible_to(user).select_related("contact", "agency")
    if show == "done":
        return found.exclude(status__in=InformationRequest.OPEN_STATUSES).order_by("-requested_at")
    return found.open().order_by("due_at", "requested_at")


def people_for_partner(contact: Contact) -> list[ContactPerson]:
    """The children and adults a partner needs to search its own systems: as the referrer
    described them. The referrer's identity is never included (IN-9, CO-4)."""
    return list(contact.people.order_by("kind", "position"))


def agency_answers(request: InformationRequest) -> list[Contribution]:
    """This request's answers from its agency, newest first."""
    return list(request.contributions.order_by("-recorded_at"))


@dataclass(frozen=True)
class RequestRow:
    """One agency's section of the MAIS record: the request, its answers, its deadline."""

    request: InformationRequest
    answers: list[Contribution]
    now: datetime

    @property
    def latest(self) -> Contribution | None:
        return self.answers[0] if self.answers else None

    @property
    def state(self) -> str:
        """'overdue', 'due', 'answered', 'answered-late', 'awaiting' or 'closed'."""
        request = self.request
        if request.status == InformationRequest.Status.CLOSED_UNANSWERED:
            return "closed"
        if request.first_answered_at is not None:
            return "answered-late" if request.is_overdue(self.now) else "answered"
        if request.is_overdue(self.now):
            return "overdue"
        return "awaiting" if request.status == InformationRequest.Status.AWAITING else "due"

    @property
    def heightens_concern(self) -> bool:
        latest = self.latest
        return bool(latest and latest.heightens_concern)


def mais_rows(contact: Contact, now: datetime | None = None) -> list[RequestRow]:
    """Every agency asked on `contact`, side by side: open first, soonest due (MA-6)."""
    order = Case(
        When(status__in=InformationRequest.OPEN_STATUSES, then=Value(0)),
        default=Value(1),
        output_field=IntegerField(),
    )
    requests = (
        contact.information_requests.select_related("agency", "requested_by", "closed_by")
        .prefetch_related(
            Prefetch(
                "contributions",
                queryset=Contribution.objects.order_by("-recorded_at"),
                to_attr="answers",
            )
        )
        .order_by(order, "due_at", "agency__name")
    )
    moment = now or timezone.now()
    return [RequestRow(r, list(r.answers), moment) for r in requests]  # type: ignore[attr-defined]


def contacts_with_heightened_concern(user: Any) -> int:
    """Open contacts on which an agency flagged that its information heightens the concern
    (MA-4), for the managers' banner: it must become part of the partnership discussion."""
    latest = Contribution.objects.filter(request=OuterRef("pk")).order_by("-recorded_at")
    flagged = (
        InformationRequest.objects.annotate(
            heightens=Subquery(latest.values("heightens_concern")[:1])
        )
        .filter(heightens=True)
        .values("contact_id")
    )
    # An agency's latest answer counts: a flag it has since withdrawn does not.
    return Contact.objects.visible_to(user).filter(status__in=OPEN, pk__in=flagged).count()


def record_mais_view(user: Any, contact: Contact) -> None:
    """Audit a view of the whole MAIS record (every agency's answers)."""
    audit.record(
        actor=user,
        action="sharing.mais_viewed",
        contact_id=contact.pk,
        subject=contact,
        rule_ids=["MA-6", "CO-4"],
    )
