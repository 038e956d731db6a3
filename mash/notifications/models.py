"""The notification outbox (ADR 0017).

A `Notification` row is written in the same database transaction as the event that causes it
(`services.enqueue`), so a notification exists if and only if its event committed. The relay
hands rows to the broker and the worker delivers them; the row's status is the truth, the
broker only a doorbell.
"""

from __future__ import annotations

import uuid

from django.db import models
from django.utils import timezone


class Notification(models.Model):
    """One message to one recipient, and what became of it."""

    class Status(models.TextChoices):
        PENDING = "PENDING", "Waiting to be queued"
        QUEUED = "QUEUED", "Handed to the broker"
        SENDING = "SENDING", "Claimed by a worker, being sent"
        SENT = "SENT", "Sent"
        FAILED = "FAILED", "Failed: not sent"
        CANCELLED = "CANCELLED", "Cancelled: no longer to be sent"

    class Channel(models.TextChoices):
        EMAIL = "email", "Email"
        SMS = "sms", "Text message"
        LETTER = "letter", "Letter"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(max_length=64, help_text="What it is for (see notifications.kinds).")
    channel = models.CharField(max_length=16, choices=Channel)
    recipient = models.CharField(max_length=320, help_text="Email address, phone number or name.")
    template = models.CharField(max_length=64, help_text="Template key; the provider maps it.")
    # Only what the message needs: references, dates, the addressee's own name, a link.
    # Never a child's or family member's details (ADR 0017).
    personalisation = models.JSONField(default=dict, blank=True)
    # The message as rendered by the service (issue 7): an email's subject and plain-text
    # body, sent through one generic Notify template unless the template key is mapped.
    subject = models.CharField(max_length=200, blank=True)
    body = models.TextField(blank=True)
    # A letter (mash.letters) this message carries: its PDF for the post, or its text by email.
    letter_id = models.UUIDField(null=True, blank=True, db_index=True)
    contact_id = models.UUIDField(null=True, blank=True, db_index=True)
    created_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(max_length=16, choices=Status, default=Status.PENDING)
    available_at = models.DateTimeField(
        default=timezone.now, help_text="Not sent before this (backoff after a failed attempt)."
    )
    queued_at = models.DateTimeField(null=True, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    sent_at = models.DateTimeField(null=True, blank=True)
    provider_reference = models.CharField(max_length=200, blank=True)
    last_error = models.TextField(blank=True)

    class Meta:
        ordering = ["created_at"]
        indexes = [models.Index(fields=["status", "available_at"], name="notification_due")]

    def __str__(self) -> str:
        return f"{self.kind} ({self.channel}) {self.get_status_display()}"


class Delivery(models.Model):
    """What the `log` delivery adapter "sent": one row per accepted send, never deduplicated,
    so a message delivered twice shows as two rows (the fault tests count them)."""

    notification_id = models.UUIDField(db_index=True)
    channel = models.CharField(max_length=16)
    recipient = models.CharField(max_length=320)
    template = models.CharField(max_length=64)
    personalisation = models.JSONField(default=dict, blank=True)
    reference = models.CharField(max_length=200, help_text="The idempotency reference sent.")
    delivered_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["delivered_at"]
        verbose_name_plural = "deliveries"

    def __str__(self) -> str:
        return f"{self.template} to {self.recipient}"
