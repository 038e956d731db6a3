"""Deadline alerts (issue 7): a contact's clock is about to break, or has (RULES.md §2).

One `Alert` per (clock, stage, recipient): the database refuses a second, so the sweep can run
twice at once (Celery may) and still raise each alert once. See `mash.alerts.sweep` for who
gets one and when.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q

from mash.core.models import BaseModel


class Stage(models.TextChoices):
    APPROACHING = "APPROACHING", "Due soon"
    BREACHED = "BREACHED", "Overdue"


class Why(models.TextChoices):
    RESPONSIBLE_WORKER = "RESPONSIBLE_WORKER", "You are the responsible worker"
    MANAGER = "MANAGER", "You manage the team that holds the contact"


class Resolution(models.TextChoices):
    MET = "MET", "The clock was met"
    SUPERSEDED = "SUPERSEDED", "Replaced by the overdue alert"


class AlertQuerySet(models.QuerySet["Alert"]):
    def open(self) -> AlertQuerySet:
        """Neither acknowledged nor resolved, and the clock still open (a clock met since the
        last sweep drops off at once, before the sweep resolves its alerts)."""
        return self.filter(
            acknowledged_at__isnull=True, resolved_at__isnull=True, clock__met_at__isnull=True
        )

    def open_count(self) -> int:
        """The header's number: one COUNT query."""
        return self.open().count()


class Alert(BaseModel):
    """One person told that one clock is due soon or overdue, and what they did about it."""

    Stage = Stage
    Why = Why
    Resolution = Resolution

    clock = models.ForeignKey("contacts.Clock", on_delete=models.CASCADE, related_name="alerts")
    contact = models.ForeignKey(
        "contacts.Contact", on_delete=models.CASCADE, related_name="deadline_alerts"
    )
    stage = models.CharField(max_length=16, choices=Stage)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="deadline_alerts"
    )
    # The team whose managers are told: the one holding the contact, or the MASH team.
    team = models.ForeignKey(
        "accounts.Team", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    why = models.CharField(max_length=24, choices=Why)
    explanation = models.TextField(help_text="Why this person got the alert, in plain English.")
    raised_at = models.DateTimeField()
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    acknowledgement_reason = models.TextField(blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolution = models.CharField(max_length=16, choices=Resolution, blank=True)
    notification_id = models.UUIDField(null=True, blank=True)

    objects = AlertQuerySet.as_manager()

    class Meta:
        ordering = ["raised_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["clock", "stage", "recipient"], name="one_alert_per_clock_stage_recipient"
            ),
            models.CheckConstraint(
                condition=Q(stage__in=[s.value for s in Stage]), name="alert_stage_valid"
            ),
            models.CheckConstraint(
                condition=Q(why__in=[w.value for w in Why]), name="alert_why_valid"
            ),
        ]
        indexes = [
            models.Index(fields=["recipient", "acknowledged_at", "resolved_at"]),
            models.Index(fields=["clock", "resolved_at"]),
            # The sweep's "met with alerts still open" reads only unresolved alerts.
            models.Index(
                fields=["clock"], condition=Q(resolved_at__isnull=True), name="alert_unresolved"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_stage_display()}: {self.clock} to {self.recipient}"

    def is_open(self) -> bool:
        return self.acknowledged_at is None and self.resolved_at is None

    def time_left(self, now: datetime) -> str:
        """'2 hours 5 minutes left' or '1 day 3 hours overdue'."""
        due: Any = self.clock.due_at
        seconds = int((due - now).total_seconds())
        words = duration_words(abs(seconds))
        return f"{words} left" if seconds > 0 else f"{words} overdue"


def duration_words(seconds: int) -> str:
    """A duration in at most two units: '1 day 3 hours', '45 minutes', 'less than a minute'."""
    units = (("day", 86400), ("hour", 3600), ("minute", 60))
    parts = []
    for name, size in units:
        amount, seconds = divmod(seconds, size)
        if amount:
            parts.append(f"{amount} {name}{'s' if amount != 1 else ''}")
    return " ".join(parts[:2]) or "less than a minute"
