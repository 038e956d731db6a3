"""IN-7 / TS-4: when the written confirmation is late, the referrer is chased once.

A professional referrer with an email address is emailed (kind `written_confirmation_chase`);
otherwise the responsible worker's alert asks them to phone. Either way the chase is recorded
(`WrittenConfirmationChase`, one per clock) and shown on the contact page, and the managers'
overdue alert says what was done.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import IntegrityError, transaction

from mash.alerts import emails
from mash.alerts.kinds import WRITTEN_CONFIRMATION_CHASE
from mash.audit import services as audit
from mash.contacts.models import Clock, WrittenConfirmationChase
from mash.core.formatting import datetime_gb
from mash.notifications import services as notifications
from mash.notifications.models import Notification

SWEEP_NAME = "Deadline sweep"


def chase_referrer(clock: Clock, now: datetime, worker: Any) -> WrittenConfirmationChase | None:
    """Record the chase of `clock`'s referrer (and email them if we can); None when it was
    chased already (by this sweep earlier, or by another sweep running at the same time)."""
    contact = clock.contact
    email = contact.referrer_email if contact.referrer_is_professional else ""
    try:
        with transaction.atomic():  # a savepoint: a concurrent sweep's chase wins
            chase = WrittenConfirmationChase.objects.create(
                clock=clock,
                contact=contact,
                chased_at=now,
                how=WrittenConfirmationChase.How.EMAIL
                if email
                else WrittenConfirmationChase.How.PHONE,
                recipient=email,
                asked_user=None if email else worker,
            )
    except IntegrityError:
        return None
    if email:
        message = emails.written_confirmation_chase(contact)
        sent = notifications.enqueue(
            kind=WRITTEN_CONFIRMATION_CHASE.code,
            channel=Notification.Channel.EMAIL,
            recipient=email,
            template="written_confirmation_chase",
            personalisation={"reference": contact.reference},
            contact_id=contact.pk,
            subject=message.subject,
            body=message.body,
        )
        chase.notification_id = sent.id
        chase.save(update_fields=["notification_id", "updated_at"])
    audit.record(
        actor=None,
        actor_name=SWEEP_NAME,
        action="contact.written_confirmation_chased",
        contact_id=contact.pk,
        subject=chase,
        rule_ids=["IN-7", "TS-4"],
        data={"how": chase.how, "worker": worker.display_name() if worker else ""},
    )
    return chase


def chase_words(chase: WrittenConfirmationChase | None, worker: Any) -> str:
    """What the overdue alerts say was done about the late confirmation."""
    if chase is None:
        return ""
    if chase.how == WrittenConfirmationChase.How.EMAIL:
        return f" The referrer was chased by email on {datetime_gb(chase.chased_at)}."
    who = worker.display_name() if worker is not None else "The responsible worker"
    return f" The referrer has no email address: {who} should phone them."
