"""The notification kind that carries an outcome letter (ADR 0017, OU-4)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils import timezone

from mash.notifications import kinds
from mash.notifications.delivery import PermanentFailure
from mash.notifications.models import Notification

if TYPE_CHECKING:
    from mash.letters.models import Letter


def _letter(notification: Notification) -> Letter | None:
    from mash.letters.models import Letter

    if notification.letter_id is None:
        return None
    return Letter.objects.filter(pk=notification.letter_id).first()


def document(notification: Notification) -> bytes:
    """The stored PDF of the letter, exactly as it was written (never re-rendered).

    A letter replaced by a later one (a revised decision, DM-1) is never posted, even if its
    notification is sent again: PermanentFailure, which the worker records as failed."""
    from mash.letters.models import Letter

    letter = _letter(notification)
    if letter is None:
        raise PermanentFailure(f"notification {notification.pk} carries no letter")
    if letter.status == Letter.Status.SUPERSEDED:
        raise PermanentFailure("Not sent: this letter was replaced by a later one (DM-1).")
    return bytes(letter.pdf)


def on_sent(notification: Notification) -> None:
    """Keep on the letter when it first went (the notification row stays the truth)."""
    letter = _letter(notification)
    if letter is not None and letter.sent_at is None:
        letter.sent_at = notification.sent_at or timezone.now()
        letter.delivery_error = ""
        letter.save(update_fields=["sent_at", "delivery_error", "updated_at"])


def on_failed(notification: Notification) -> None:
    """Keep the provider's reason on the letter and put it on the child's timeline."""
    from mash.audit import services as audit

    letter = _letter(notification)
    if letter is None:
        return
    letter.delivery_error = notification.last_error[:1000]
    letter.save(update_fields=["delivery_error", "updated_at"])
    audit.record(
        actor=None,
        actor_name="Notification worker",
        action="letter.failed",
        contact_id=letter.contact_id,
        subject=letter,
        rule_ids=["OU-4"],
        data={"audience": letter.audience, "error": notification.last_error[:200]},
    )


OUTCOME_LETTER = kinds.Kind(
    "outcome_letter",
    sent_action="letter.sent",
    rule_ids=("OU-3", "OU-4"),
    on_sent=on_sent,
    on_failed=on_failed,
    document=document,
)


def register_kinds() -> None:
    kinds.register(OUTCOME_LETTER)
