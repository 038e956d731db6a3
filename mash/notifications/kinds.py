"""The kinds of notification the service sends, each with its audit action (ADR 0017).

A kind names the audit action recorded on the child's record when it is sent, anything the
send settles (an acknowledgement meets the TS-5 clock: IN-8) and, for a letter, where its PDF
comes from. Apps register their own kinds with `register()` (from their AppConfig.ready), so
this module need not know every app.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from mash.notifications.models import Notification

OnSent = Callable[[Notification], None]
Document = Callable[[Notification], bytes]


@dataclass(frozen=True)
class Kind:
    code: str
    sent_action: str
    rule_ids: tuple[str, ...] = ()
    on_sent: OnSent | None = field(default=None, compare=False)
    # Called when sending on_sent's counterpart fails for good (FAILED): e.g. alert a manager.
    on_failed: OnSent | None = field(default=None, compare=False)
    # The PDF a postal message carries (letters); None for emails and texts.
    document: Document | None = field(default=None, compare=False)
    label: str = ""  # what staff read on the messages page; the code when empty

    @property
    def title(self) -> str:
        return self.label or self.code.replace("_", " ").capitalize()


def _acknowledgement_sent(notification: Notification) -> None:
    """IN-8: the emailed acknowledgement is the acknowledgement, so TS-5 is met when sent."""
    from mash.contacts.clocks import meet_clock
    from mash.contacts.models import Contact

    if notification.contact_id is None or notification.sent_at is None:
        return
    contact = Contact.objects.filter(pk=notification.contact_id).first()
    if contact is not None:
        meet_clock(contact, "TS-5", at=notification.sent_at, note="Acknowledgement emailed")


REFERRAL_ACKNOWLEDGEMENT = Kind(
    "referral_acknowledgement",
    sent_action="notification.acknowledgement_sent",
    rule_ids=("IN-8", "TS-5"),
    on_sent=_acknowledgement_sent,
    label="Acknowledgement to the referrer",
)
INFORMATION_REQUEST = Kind(
    "information_request",
    sent_action="notification.information_request_sent",
    rule_ids=("MA-2",),
    label="Request for information to an agency's inbox",
)

KINDS: dict[str, Kind] = {k.code: k for k in (REFERRAL_ACKNOWLEDGEMENT, INFORMATION_REQUEST)}


def register(kind: Kind) -> Kind:
    """Add an app's kind (idempotent for the same kind; a different kind with a code already
    taken is a programming error)."""
    existing = KINDS.get(kind.code)
    if existing is not None and existing != kind:
        raise ValueError(f"notification kind {kind.code!r} is already registered differently")
    KINDS[kind.code] = kind
    return kind


def document_for(notification: Notification) -> bytes:
    """The PDF a letter notification carries; ValueError when its kind has none."""
    kind = KINDS.get(notification.kind)
    if kind is None or kind.document is None:
        raise ValueError(f"notification kind {notification.kind!r} carries no document")
    return kind.document(notification)
