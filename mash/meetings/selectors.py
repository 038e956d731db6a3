"""Reading meetings: what a contact still needs (OU-5), and what an agency may see (MA-7)."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404

from mash.audit import services as audit
from mash.meetings.models import EmergencyAction, MashMeeting, StrategyDiscussion


def emergency_actions_awaiting_strategy(contact: Any) -> list[EmergencyAction]:
    """Emergency action not yet followed by a quorate strategy discussion (OU-5)."""
    actions = list(contact.emergency_actions.order_by("taken_at"))
    if not actions:
        return []
    held = list(contact.strategy_discussions.filter(quorate=True).values_list("held_at", flat=True))
    return [action for action in actions if not any(at >= action.taken_at for at in held)]


def strategy_discussions(contact: Any) -> list[StrategyDiscussion]:
    """The contact's strategy discussions, oldest first, with attendees and actions."""
    return list(
        contact.strategy_discussions.select_related("chair")
        .prefetch_related("attendees__agency", "actions__owner_agency")
        .order_by("held_at")
    )


def meetings_for_partner(user: Any) -> QuerySet[MashMeeting]:
    """Issued MASH meeting records an officer's agency receives a copy of (MA-7): those it
    attended or where it was asked about a case discussed."""
    ids = user.partner_agency_ids()
    return (
        MashMeeting.objects.filter(issued_at__isnull=False)
        .filter(
            Q(attendees__agency_id__in=ids)
            | Q(cases__contact__information_requests__agency_id__in=ids)
        )
        .distinct()
    )


def access_meeting(user: Any, pk: Any, *, reading: bool = True) -> MashMeeting:
    """A MASH meeting for MASH staff, or its copy for an agency that receives one; the same
    404 (audited) for anyone else. `reading=False` for an action on it that audits itself."""
    found = MashMeeting.objects.select_related("chair").filter(pk=pk).first()
    if found is None:
        raise Http404
    allowed = user.is_mash_staff() or (
        user.is_partner() and meetings_for_partner(user).filter(pk=pk).exists()
    )
    if not allowed:
        audit.record_refusal(actor=user, what="MASH meeting", subject=found)
        raise Http404
    if reading:
        audit.record(actor=user, action="meeting.viewed", subject=found, rule_ids=["MA-7", "CO-4"])
    return found


def cases_for(user: Any, meeting: MashMeeting) -> list[Any]:
    """The cases discussed that `user` may read: all for MASH staff; for a partner, those its
    agency was asked about (CO-4: a copy never shows a case the agency was not asked about).
    Each is audited on its contact, so a child's record shows who read the discussion."""
    cases = meeting.cases.select_related("contact", "recorded_by").order_by("recorded_at")
    if not user.is_mash_staff():
        cases = cases.filter(
            contact__information_requests__agency_id__in=user.partner_agency_ids()
        ).distinct()
    found = list(cases)
    for case in found:
        audit.record(
            actor=user,
            action="meeting.case_viewed",
            contact_id=case.contact_id,
            subject=case,
            rule_ids=["MA-7", "CO-4"],
            data={"meeting": str(meeting.pk)},
        )
    return found
