"""Delivery adapters: how a claimed notification leaves the service (ADR 0017).

An adapter has two methods:

- `send(notification) -> str`: hand the message to the provider with `str(notification.id)` as
  its reference, returning the provider's id for it. Raises `TemporaryFailure` (try again
  later) or `PermanentFailure` (never will work: bad address, unknown template).
- `find(notification) -> str | None`: the provider's id of a message it already accepted with
  this reference, or None. Used after a worker died mid-send, so the message is not sent twice.

`log` (the default) records each send as a `Delivery` row; `notify` sends through
GOV.UK Notify. Issue 7's letters add templates, not adapters.
"""

from __future__ import annotations

from typing import Any, Protocol

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

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


class NotifyAdapter:
    """GOV.UK Notify (notifications-python-client). Template ids come from
    MASH_NOTIFY_TEMPLATE_IDS (template key → Notify template id)."""

    name = "notify"

    def __init__(self, api_key: str, base_url: str, template_ids: dict[str, str]):
        from notifications_python_client.notifications import NotificationsAPIClient

        self.client: Any = NotificationsAPIClient(api_key, base_url=base_url)
        self.template_ids = template_ids

    def send(self, notification: Notification) -> str:
        from notifications_python_client.errors import APIError

        template_id = self.template_ids.get(notification.template)
        if not template_id:
            raise PermanentFailure(f"No Notify template id for {notification.template!r}.")
        try:
            response = self._send(notification, template_id)
        except APIError as error:
            status = getattr(error, "status_code", 0) or 0
            if status == 429 or status >= 500:
                raise TemporaryFailure(f"Notify answered {status}") from error
            raise PermanentFailure(f"Notify answered {status}: {error.message}") from error
        except OSError as error:  # connection refused, timeout, DNS
            raise TemporaryFailure(str(error)) from error
        return str(response["id"])

    def _send(self, notification: Notification, template_id: str) -> dict[str, Any]:
        reference = str(notification.id)
        values = notification.personalisation
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
        items = found.get("notifications") or []
        return str(items[0]["id"]) if items else None


def configured_adapter() -> Adapter:
    """The adapter named by MASH_NOTIFY_ADAPTER (`log` unless set)."""
    name = getattr(settings, "MASH_NOTIFY_ADAPTER", "log")
    if name == "log":
        return LogAdapter()
    if name == "notify":
        api_key = getattr(settings, "MASH_NOTIFY_API_KEY", "")
        if not api_key:
            raise ImproperlyConfigured("MASH_NOTIFY_ADAPTER=notify needs MASH_NOTIFY_API_KEY.")
        return NotifyAdapter(
            api_key,
            base_url=settings.MASH_NOTIFY_BASE_URL,
            template_ids=dict(settings.MASH_NOTIFY_TEMPLATE_IDS),
        )
    raise ImproperlyConfigured(f"Unknown MASH_NOTIFY_ADAPTER {name!r}: use log or notify.")
