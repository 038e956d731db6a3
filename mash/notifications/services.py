"""The notification outbox: enqueue with the event, relay to the broker, deliver once.

ADR 0017. Every state change is a conditional UPDATE on the row, so two relays, two workers
or a message seen twice never send a notification twice; the broker may lose or repeat ids.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone

from mash.audit import services as audit
from mash.core.formatting import datetime_gb
from mash.notifications import emails
from mash.notifications.broker import RedisBroker
from mash.notifications.delivery import Adapter, PermanentFailure, TemporaryFailure
from mash.notifications.kinds import INFORMATION_REQUEST, KINDS, REFERRAL_ACKNOWLEDGEMENT
from mash.notifications.models import Notification

log = logging.getLogger("mash.notifications")
Status = Notification.Status
WORKER_NAME = "Notification worker"


def enqueue(
    *,
    kind: str,
    channel: str,
    recipient: str,
    template: str,
    personalisation: Mapping[str, Any] | None = None,
    contact_id: uuid.UUID | None = None,
    subject: str = "",
    body: str = "",
    letter_id: uuid.UUID | None = None,
    available_at: datetime | None = None,
) -> Notification:
    """Write a notification into the outbox, inside the caller's transaction.

    Must be called inside `transaction.atomic` with the event that causes it, so the
    notification exists if and only if the event committed. Raises RuntimeError otherwise.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("enqueue() must run inside the transaction of the event it reports.")
    if kind not in KINDS:
        raise KeyError(f"unknown notification kind {kind!r}; register it (notifications.kinds)")
    return Notification.objects.create(
        kind=kind,
        channel=channel,
        recipient=recipient,
        template=template,
        personalisation=dict(personalisation or {}),
        contact_id=contact_id,
        subject=subject[:200],
        body=body,
        letter_id=letter_id,
        available_at=available_at or timezone.now(),
    )


def acknowledge_referral(contact: Any) -> Notification | None:
    """IN-8: email the acknowledgement to a professional referrer who gave an email address.

    Not for the online form (its on-screen reference is the acknowledgement) nor for an
    anonymous referrer or a member of the public, whose inbox the family may read (IN-9):
    staff acknowledge them. The email carries the reference and the referrer's own name only,
    never the child's.
    """
    if not (contact.referrer_email and contact.referrer_is_professional):
        return None
    if contact.is_anonymous or contact.channel == contact.Channel.ONLINE_FORM:
        return None
    confirm = contact.clocks.filter(rule_id="TS-4", met_at__isnull=True).exists()
    email = emails.referral_acknowledgement(contact, confirm_in_writing=confirm)
    return enqueue(
        kind=REFERRAL_ACKNOWLEDGEMENT.code,
        channel=Notification.Channel.EMAIL,
        recipient=contact.referrer_email,
        template="referral_acknowledgement",
        personalisation={
            "reference": contact.reference,
            "referrer_name": contact.referrer_name or "Colleague",
            "received": datetime_gb(contact.received_at),
        },
        contact_id=contact.pk,
        subject=email.subject,
        body=email.body,
    )


def notify_agency_inboxes(requests: Iterable[Any]) -> list[Notification]:
    """MA-2: tell each asked agency's shared inbox (MASH_NOTIFY_AGENCY_INBOXES) that a request
    waits in its workspace: reference, deadline and link only; the details stay behind sign-in."""
    inboxes: Mapping[str, str] = getattr(settings, "MASH_NOTIFY_AGENCY_INBOXES", {}) or {}
    made = []
    for request in requests:
        address = inboxes.get(request.agency.code)
        if not address:
            continue
        link = settings.MASH_SERVICE_URL + reverse("partner:request", args=[request.pk])
        values = {
            "agency": request.agency.name,
            "reference": request.contact.reference,
            "due": datetime_gb(request.due_at),
            "link": link,
        }
        email = emails.information_request(**values)
        made.append(
            enqueue(
                kind=INFORMATION_REQUEST.code,
                channel=Notification.Channel.EMAIL,
                recipient=address,
                template="information_request",
                personalisation=values,
                contact_id=request.contact_id,
                subject=email.subject,
                body=email.body,
            )
        )
    return made


# The relay ---------------------------------------------------------------------------------


@dataclass
class RelayResult:
    queued: int = 0  # pushed to the broker for the first time or again
    broker_emptied: bool = False  # Redis had lost its list: every QUEUED row went again
    recovered: int = 0  # stuck mid-send: found at the provider (sent) or put back to send


def relay_once(broker: RedisBroker, adapter: Adapter, *, limit: int = 500) -> RelayResult:
    """Push PENDING rows (and QUEUED rows older than the visibility timeout: a worker may
    have popped them and died) to the broker, then mark them QUEUED. Raises BrokerUnavailable
    and leaves the rows as they were when the broker is down.

    When Redis has lost its list (it restarted empty), every QUEUED row is pushed again
    whatever its age. Ids pushed twice are harmless: the worker's claim skips a sent row.
    """
    result = RelayResult(recovered=recover_stalled(adapter))
    result.broker_emptied = broker.lost_data()
    now = timezone.now()
    stale = now - timedelta(seconds=settings.MASH_NOTIFY_VISIBILITY_TIMEOUT)
    queued = Q(status=Status.QUEUED)
    if not result.broker_emptied:
        queued &= Q(queued_at__lt=stale)
    due = Q(status=Status.PENDING, available_at__lte=now) | queued
    # No transaction around the push: a read-then-write transaction cannot wait for SQLite's
    # lock, and two relays pushing the same id is harmless (the claim decides who sends).
    rows = Notification.objects.filter(due).order_by("created_at")
    ids = list(rows.values_list("id", flat=True)[:limit])
    if not ids:
        return result
    broker.push(ids)  # raises BrokerUnavailable: nothing changes, the rows wait
    Notification.objects.filter(id__in=ids, status__in=[Status.PENDING, Status.QUEUED]).update(
        status=Status.QUEUED, queued_at=now
    )
    result.queued = len(ids)
    return result


def recover_stalled(adapter: Adapter) -> int:
    """Rows left SENDING by a worker that died: if the provider has the message (same
    reference), mark it sent without sending again; otherwise put it back to send."""
    cutoff = timezone.now() - timedelta(seconds=settings.MASH_NOTIFY_SEND_TIMEOUT)
    recovered = 0
    for notification in Notification.objects.filter(status=Status.SENDING, claimed_at__lt=cutoff):
        try:
            found = adapter.find(notification)
        except TemporaryFailure:
            continue
        if found:
            _mark_sent(notification, found)
        else:
            Notification.objects.filter(id=notification.id, status=Status.SENDING).update(
                status=Status.PENDING, last_error="Worker stopped mid-send; sending again."
            )
        recovered += 1
    return recovered


# The worker --------------------------------------------------------------------------------


@dataclass
class WorkResult:
    sent: int = 0
    skipped: int = 0  # already sent or claimed elsewhere (a repeated id)
    retried: int = 0
    failed: int = 0

    def add(self, outcome: str) -> None:
        setattr(self, outcome, getattr(self, outcome) + 1)


def work_once(
    broker: RedisBroker | None, adapter: Adapter, *, limit: int = 50, wait: float = 1.0
) -> WorkResult:
    """Deliver one batch: ids popped from the broker, or with no broker the due PENDING rows
    themselves (each claimed by one conditional UPDATE, so workers share them out)."""
    result = WorkResult()
    if broker is None:
        recover_stalled(adapter)  # with a broker the relay does this
    ids = broker.pop(limit=limit, wait=wait) if broker else _due_pending(limit)
    for raw in ids:
        result.add(deliver(uuid.UUID(str(raw)), adapter))
    return result


def _due_pending(limit: int) -> list[uuid.UUID]:
    """Up to `limit` due PENDING rows, oldest first. Each is claimed only just before it is
    sent (`deliver`): a batch claimed at once would age while its first rows were sent, and
    another worker's stalled-row recovery could take its tail and send it a second time."""
    rows = Notification.objects.filter(status=Status.PENDING, available_at__lte=timezone.now())
    return list(rows.order_by("created_at").values_list("id", flat=True)[:limit])


def _claim(notification_id: uuid.UUID) -> bool:
    """Take the row for sending: only one claimant can move it out of PENDING/QUEUED."""
    now = timezone.now()
    # available_at too: a repeated task (the broker redelivers; the relay re-pushes after the
    # visibility timeout) must not cut a backoff short and spend the retry budget early.
    return bool(
        Notification.objects.filter(
            id=notification_id, status__in=[Status.PENDING, Status.QUEUED], available_at__lte=now
        ).update(status=Status.SENDING, claimed_at=now, attempts=F("attempts") + 1)
    )


def deliver(notification_id: uuid.UUID, adapter: Adapter) -> str:
    """Claim, send, mark sent. Returns "sent", "skipped", "retried" or "failed"."""
    if not _claim(notification_id):
        return "skipped"  # sent already, or another worker has it
    notification = Notification.objects.get(id=notification_id)
    try:
        # A failed attempt may have reached the provider (a timeout after it accepted): ask
        # it by our reference before sending again.
        earlier = adapter.find(notification) if notification.attempts > 1 else None
        provider_reference = earlier or adapter.send(notification)
    except TemporaryFailure as error:
        return _retry_later(notification, str(error))
    except PermanentFailure as error:
        _mark_failed(notification, str(error))
        return "failed"
    except Exception as error:  # noqa: BLE001 - a bug must still count against the attempts
        # Unforeseen (a bad header, an odd provider answer): left SENDING it would be put back
        # for ever by the stalled-send recovery and never show as failed.
        log.exception("notification %s: unexpected error while sending", notification.id)
        return _retry_later(notification, f"Unexpected error: {error.__class__.__name__}: {error}")
    _mark_sent(notification, provider_reference)
    return "sent"


def _retry_later(notification: Notification, error: str) -> str:
    if notification.attempts >= settings.MASH_NOTIFY_MAX_ATTEMPTS:
        _mark_failed(notification, error)
        return "failed"
    delay = min(2**notification.attempts * 30, 3600)  # 1, 2, 4 … minutes, at most an hour
    Notification.objects.filter(id=notification.id, status=Status.SENDING).update(
        status=Status.PENDING,
        available_at=timezone.now() + timedelta(seconds=delay),
        last_error=error[:1000],
    )
    return "retried"


@transaction.atomic
def _mark_sent(notification: Notification, provider_reference: str) -> None:
    sent_at = timezone.now()
    changed = Notification.objects.filter(id=notification.id, status=Status.SENDING).update(
        status=Status.SENT, sent_at=sent_at, provider_reference=provider_reference, last_error=""
    )
    if not changed:
        return
    notification.refresh_from_db()
    kind = KINDS[notification.kind]
    if kind.on_sent is not None:
        kind.on_sent(notification)
    _audit(notification, kind.sent_action, list(kind.rule_ids))


@transaction.atomic
def _mark_failed(notification: Notification, error: str) -> None:
    changed = Notification.objects.filter(id=notification.id, status=Status.SENDING).update(
        status=Status.FAILED, last_error=error[:1000]
    )
    if not changed:
        return
    notification.refresh_from_db()
    kind = KINDS[notification.kind]
    if kind.on_failed is not None:
        kind.on_failed(notification)
    _audit(notification, "notification.failed", list(kind.rule_ids))


def cancel_unsent(*, letter_ids: Iterable[uuid.UUID], reason: str) -> int:
    """Stop messages not yet handed to a worker (e.g. a letter a revised decision replaced:
    DM-1). A message already being sent cannot be called back; it is left as it is. Must run
    in the transaction of the event that makes them unwanted."""
    return Notification.objects.filter(
        letter_id__in=list(letter_ids), status__in=[Status.PENDING, Status.QUEUED]
    ).update(status=Status.CANCELLED, last_error=reason[:1000])


@transaction.atomic
def send_again(notification: Notification, *, by: Any, reason: str = "") -> Notification:
    """Put a FAILED notification back to send now (a person chose to, after fixing the cause).

    The same row goes again, so its reference stays the idempotency key: Notify is asked by
    that reference before a second send (`deliver`)."""
    # attempts=1, not 0: the next claim makes it 2, so `deliver` first asks the provider
    # whether an earlier attempt got through, and the retry budget starts again.
    changed = Notification.objects.filter(id=notification.id, status=Status.FAILED).update(
        status=Status.PENDING, available_at=timezone.now(), attempts=1
    )
    if not changed:
        raise ValueError("Only a notification that failed can be sent again.")
    notification.refresh_from_db()
    if notification.contact_id is not None:
        audit.record(
            actor=by,
            action="notification.sent_again",
            contact_id=notification.contact_id,
            subject=notification,
            rule_ids=list(KINDS[notification.kind].rule_ids),
            data={"channel": notification.channel, "kind": notification.kind, "reason": reason},
        )
    return notification


def _audit(notification: Notification, action: str, rule_ids: list[str]) -> None:
    if notification.contact_id is None:
        return
    audit.record(
        actor=None,
        actor_name=WORKER_NAME,
        action=action,
        contact_id=notification.contact_id,
        subject=notification,
        rule_ids=rule_ids,
        data={"channel": notification.channel, "kind": notification.kind},
    )


def counts() -> dict[str, int]:
    """How many notifications are in each state (for the status command and fault scripts)."""
    found = {s.value: 0 for s in Status}
    for status in Notification.objects.values_list("status", flat=True):
        found[status] += 1
    return found


def oldest_waiting() -> datetime | None:
    row = Notification.objects.filter(status__in=[Status.PENDING, Status.QUEUED]).first()
    return row.created_at if row else None
