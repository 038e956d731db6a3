"""Reading letters for staff: which a user may see, and what state each is in (OU-4)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

from mash.contacts import permissions
from mash.contacts.models import Contact
from mash.core.formatting import datetime_gb
from mash.letters.models import Letter
from mash.notifications.models import Notification


def letters_visible_to(user: Any, contact: Contact) -> QuerySet[Letter]:
    """A contact's letters for someone who may see the contact. A referrer's letter names the
    referrer, so only MASH staff see it (IN-9); partner agencies never see letters (they
    never see the contact)."""
    found = Letter.objects.filter(contact=contact).select_related("addressee").defer("pdf")
    found = found.order_by("created_at")
    if not user.is_mash_staff():
        found = found.exclude(audience=Letter.Audience.REFERRER)
    return found


@dataclass(frozen=True)
class LetterRow:
    letter: Letter
    state: str
    can_send_again: bool
    can_release: bool
    can_address: bool


def state_in_words(letter: Letter) -> str:
    """What became of the letter, in plain words (from its latest notification)."""
    if letter.status == Letter.Status.HELD:
        return f"Held: {letter.hold_reason}"
    if letter.status == Letter.Status.NO_ADDRESS:
        return "No address: add an address to send it"
    if letter.status == Letter.Status.SUPERSEDED:
        return "Replaced by a later letter (not to be sent)"
    latest = Notification.objects.filter(letter_id=letter.pk).order_by("-created_at").first()
    if latest is None or latest.status in ("PENDING", "QUEUED", "SENDING"):
        return "Waiting to be sent"
    if latest.status == Notification.Status.SENT:
        return f"Sent on {datetime_gb(latest.sent_at)}"
    return f"Failed: {latest.last_error or 'not sent'}"


def rows(user: Any, contact: Contact) -> list[LetterRow]:
    follow_up = permissions.can_record_follow_up(user)
    manager = permissions.can_decide(user)
    return [
        LetterRow(
            letter=x,
            state=state_in_words(x),
            can_send_again=follow_up and x.status == Letter.Status.ISSUED,
            can_release=manager and x.status == Letter.Status.HELD,
            can_address=follow_up and x.status == Letter.Status.NO_ADDRESS,
        )
        for x in letters_visible_to(user, contact)
    ]
