"""Reading disputes: the open one on a contact, the binding outcome, audited access."""

from __future__ import annotations

import uuid
from typing import Any

from django.http import Http404

from mash.audit import services as audit
from mash.disputes.models import Dispute
from mash.disputes.permissions import can_see_dispute


def open_dispute(contact: Any) -> Dispute | None:
    """The contact's open dispute (there is at most one), or None."""
    return contact.disputes.filter(status=Dispute.Status.OPEN).first()


def binding_outcome(contact: Any) -> str | None:
    """The outcome a resolved dispute made binding on the current recommendation (DM-1), or
    None. A dispute about an earlier round's recommendation (before the contact was sent back
    and recommended again) does not bind the new one."""
    latest = contact.recommendations.order_by("-recommended_at").first()
    resolved = contact.disputes.filter(status=Dispute.Status.RESOLVED)
    if latest is not None:
        resolved = resolved.filter(raised_at__gte=latest.recommended_at)
    found = resolved.order_by("-resolved_at").first()
    return found.resolved_outcome if found else None


def access_dispute(user: Any, pk: uuid.UUID) -> Dispute:
    """A dispute for MASH staff or the agency that raised it; 404 (audited) for anyone else."""
    dispute = (
        Dispute.objects.select_related("contact", "raised_by", "raised_by_agency")
        .filter(pk=pk)
        .first()
    )
    if dispute is None or not can_see_dispute(user, dispute):
        if dispute is not None:
            audit.record_refusal(
                actor=user, what="dispute", contact_id=dispute.contact_id, subject=dispute
            )
        raise Http404
    audit.record(
        actor=user,
        action="dispute.viewed",
        contact_id=dispute.contact_id,
        subject=dispute,
        rule_ids=["DM-1", "CO-4"],
    )
    return dispute
