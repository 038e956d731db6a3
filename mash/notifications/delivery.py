"""Delivery adapters: how a claimed notification leaves the service (ADR 0017).

An adapter has two methods:

- `send(notification) -> str`: hand the message to the provider with `str(notification.id)` as
  its reference, returning the provider's id for it. Raises `TemporaryFailure` (try again
  later) or `PermanentFailure` (never will work: bad address, unknown template).
- `find(notification) -> str | None`: the provider's id of a message it already accepted with
  this reference, or None. Used after a worker died mid-send, so the message is not sent twice.

`log` (tests) records each send as a `Delivery` row; `outbox` (the demo and local use) does
the same and writes what would have gone as a file you can open (`.eml`, `.pdf`, `.txt`) under
MASH_OUTBOX_DIR; `notify` sends through GOV.UK Notify: emails through one generic template of
((subject)) and ((body)) (the service renders every email itself, ADR 0018) and letters as
precompiled PDFs laid out to Notify's specification (mash.letters).
"""

from __future__ import annotations

import io
from email.message import EmailMessage
from pathlib import Path
from typing import Any, Protocol

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from mash.notifications.kinds import document_for
from mash.notifications.models import Delivery, Notification


class TemporaryFailure(Exception):
    """The provider could not take it now (down, rate limited): try again later."""


class PermanentFailure(Exception):
    """The provider refused it for good (bad address, unknown template)."""


class Adapter(Protocol):
    name: str

    def send(self, notification: Notification) -> str: ...

    def find(self, notification: Notification) -> str | None: ...


class LogAdapter:
    """Records the message as a `Delivery` row instead of sending it (local, test and demo).

    The row is written in its own transaction, apart from the worker's "mark sent", like a
    real provider's acceptance: a crash between the two is the same window as with Notify.
    """

    name = "log"

    def send(self, notification: Notification) -> str:
        delivery = Delivery.objects.create(
            notification_id=notification.id,
            channel=notification.channel,
            recipient=notification.recipient,
            template=notification.template,
            personalisation=notification.personalisation,
            reference=str(notification.id),
        )
        return f"log-{delivery.pk}"

    def find(self, notification: Notification) -> str | None:
        delivery = Delivery.objects.filter(reference=str(notification.id)).first()
        return f"log-{delivery.pk}" if delivery else None


class OutboxAdapter(LogAdapter):
    """The demo's delivery: a `Delivery` row, as `log`, and the message as a file to open.

    Emails are `.eml` files (any mail program opens them), letters the PDF that would be
    posted, texts `.txt`; one folder per day under MASH_OUTBOX_DIR, named by the notification
    id, so a message sent again overwrites nothing and a reader can match it to the record."""

    name = "outbox"

    def __init__(self, directory: str | Path):
        self.directory = Path(directory)

    def send(self, notification: Notification) -> str:
        try:
            self._write(notification)
        except OSError as error:  # a full or read-only disk: try again later
            raise TemporaryFailure(f"Could not write to the outbox folder: {error}") from error
        return super().send(notification)

    def path_for(self, notification: Notification) -> Path:
        day = notification.created_at.strftime("%Y-%m-%d")
        suffix = {"email": "eml", "letter": "pdf"}.get(notification.channel, "txt")
        return self.directory / day / f"{notification.kind}-{notification.id}.{suffix}"

    def _write(self, notification: Notification) -> None:
        path = self.path_for(notification)
        path.parent.mkdir(parents=True, exist_ok=True)
        if notification.channel == Notification.Channel.LETTER:
            path.write_bytes(_document(notification))
        elif notification.channel == Notification.Channel.EMAIL:
            path.write_bytes(_as_email(notification).as_bytes())
        else:
            path.write_text(f"To: {notification.recipient}\n\n{notification.body}\n")


def _document(notification: Notification) -> bytes:
    """The letter's PDF; a letter without one can never be sent (a permanent failure)."""
    try:
        return document_for(notification)
    except (ValueError, LookupError) as error:
        raise PermanentFailure(f"The letter's PDF is missing: {error}") from error


def _as_email(notification: Notification) -> EmailMessage:
    message = EmailMessage()
    message["To"] = notification.recipient
    message["From"] = getattr(settings, "DEFAULT_FROM_EMAIL", "mash@localhost")
    message["Subject"] = notification.subject or notification.template
    message["X-Mash-Reference"] = str(notification.id)
    message.set_content(notification.body or _fallback_body(notification))
    return message


def _fallback_body(notification: Notification) -> str:
    """A message enqueued before bodies were rendered (ADR 0017 rows): its values, one a line."""
    return "\n".join(f"{key}: {value}" for key, value in notification.personalisation.items())


# Notify's statuses for a message it accepted and then failed to deliver.
_FAILED = frozenset(
    {
        "permanent-failure",
        "temporary-failure",
        "technical-failure",
        "validation-failed",
        "virus-scan-failed",
        "cancelled",
    }
)


class NotifyAdapter:
    """GOV.UK Notify (notifications-python-client).

    An email goes through MASH_NOTIFY_TEMPLATE_IDS[template] when the key is mapped (values
    as personalisation), otherwise through the generic MASH_NOTIFY_EMAIL_TEMPLATE_ID with the
    rendered subject and body. A letter that carries a PDF goes as a precompiled letter."""

    name = "notify"

    def __init__(
        self,
        api_key: str,
        base_url: str,
        template_ids: dict[str, str],
        *,
        email_template_id: str = "",
        postage: str = "second",
    ):
        from notifications_python_client.notifications import NotificationsAPIClient

        self.client: Any = NotificationsAPIClient(api_key, base_url=base_url)
        self.template_ids = template_ids
        self.email_template_id = email_template_id
        self.postage = postage

    def send(self, notification: Notification) -> str:
        from notifications_python_client.errors import APIError

        try:
            response = self._send(notification)
        except APIError as error:
            status = getattr(error, "status_code", 0) or 0
            if status == 429 or status >= 500:
                raise TemporaryFailure(f"Notify answered {status}") from error
            raise PermanentFailure(f"Notify answered {status}: {error.message}") from error
        except OSError as error:  # connection refused, timeout, DNS
            raise TemporaryFailure(str(error)) from error
        return str(response["id"])

    def _template_id(self, notification: Notification) -> tuple[str, dict[str, Any]]:
        """The Notify template and its personalisation for a templated message."""
        mapped = self.template_ids.get(notification.template)
        if mapped:
            return mapped, dict(notification.personalisation)
        if notification.body and self.email_template_id:
            return self.email_template_id, {
                "subject": notification.subject or "Message from the MASH",
                "body": notification.body,
            }
        raise PermanentFailure(f"No Notify template id for {notification.template!r}.")

    def _send(self, notification: Notification) -> dict[str, Any]:
        reference = str(notification.id)
        if notification.channel == Notification.Channel.LETTER and notification.letter_id:
            pdf = io.BytesIO(_document(notification))
            return self.client.send_precompiled_letter_notification(
                reference=reference, pdf_file=pdf, postage=self.postage
            )
        template_id, values = self._template_id(notification)
        if notification.channel == Notification.Channel.EMAIL:
            return self.client.send_email_notification(
                email_address=notification.recipient,
                template_id=template_id,
                personalisation=values,
                reference=reference,
            )
        if notification.channel == Notification.Channel.SMS:
            return self.client.send_sms_notification(
                phone_number=notification.recipient,
                template_id=template_id,
                personalisation=values,
                reference=reference,
            )
        return self.client.send_letter_notification(
            template_id=template_id, personalisation=values, reference=reference
        )

    def find(self, notification: Notification) -> str | None:
        from notifications_python_client.errors import APIError

        try:
            found = self.client.get_all_notifications(reference=str(notification.id))
        except (APIError, OSError) as error:
            raise TemporaryFailure(f"Could not ask Notify: {error}") from error
        # A message Notify took and then could not deliver (or a letter that failed its
        # checks) is not "already sent": send it again rather than mark it sent.
        items = [n for n in found.get("notifications") or [] if n.get("status") not in _FAILED]
        return str(items[0]["id"]) if items else None


def configured_adapter() -> Adapter:
    """The adapter named by MASH_NOTIFY_ADAPTER: `notify` in production, `outbox` elsewhere."""
    name = getattr(settings, "MASH_NOTIFY_ADAPTER", "log")
    if name == "log":
        return LogAdapter()
    if name == "outbox":
        return OutboxAdapter(settings.MASH_OUTBOX_DIR)
    if name == "notify":
        api_key = getattr(settings, "MASH_NOTIFY_API_KEY", "")
        if not api_key:
            raise ImproperlyConfigured("MASH_NOTIFY_ADAPTER=notify needs MASH_NOTIFY_API_KEY.")
        return NotifyAdapter(
            api_key,
            base_url=settings.MASH_NOTIFY_BASE_URL,
            template_ids=dict(settings.MASH_NOTIFY_TEMPLATE_IDS),
            email_template_id=settings.MASH_NOTIFY_EMAIL_TEMPLATE_ID,
            postage=settings.MASH_NOTIFY_POSTAGE,
        )
    raise ImproperlyConfigured(f"Unknown MASH_NOTIFY_ADAPTER {name!r}: use log, outbox or notify.")
