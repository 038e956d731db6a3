"""Disputes about a MASH recommendation (DM-1), escalated step by step within TS-8.

The relevant Team Managers try first; failing that the Service Managers, then the Heads of
Service and, if necessary, the Assistant Director, whose decision is final. The whole process
should be resolved within one working day (TS-8, 002).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from mash.core.models import BaseModel


class Level(models.TextChoices):
    """DM-1's ladder, lowest first."""

    TEAM_MANAGERS = "TEAM_MANAGERS", "Team Managers"
    SERVICE_MANAGERS = "SERVICE_MANAGERS", "Service Managers"
    HEADS_OF_SERVICE = "HEADS_OF_SERVICE", "Heads of Service"
    ASSISTANT_DIRECTOR = "ASSISTANT_DIRECTOR", "Assistant Director"


LADDER = tuple(Level)


class Dispute(BaseModel):
    """A disagreement with a MASH recommendation or decision (DM-1), with its TS-8 clock."""

    Level = Level

    class Status(models.TextChoices):
        OPEN = "OPEN", "Open"
        RESOLVED = "RESOLVED", "Resolved"

    class About(models.TextChoices):
        RECOMMENDATION = "RECOMMENDATION", "The social worker's recommendation"
        DECISION = "DECISION", "The manager's decision"

    contact = models.ForeignKey(
        "contacts.Contact", on_delete=models.PROTECT, related_name="disputes"
    )
    about = models.CharField(max_length=16, choices=About)
    disputed_outcome = models.CharField(max_length=16)
    proposed_outcome = models.CharField(max_length=16, blank=True)
    reason = models.TextField()
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    raised_by_agency = models.ForeignKey(
        "accounts.Agency", on_delete=models.PROTECT, related_name="+"
    )
    raised_at = models.DateTimeField()
    clock = models.ForeignKey(
        "contacts.Clock", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    due_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=16, choices=Status, default=Status.OPEN)
    level = models.CharField(max_length=24, choices=Level, default=Level.TEAM_MANAGERS)
    resolved_outcome = models.CharField(max_length=16, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["OPEN", "RESOLVED"]), name="dispute_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(level__in=[level.value for level in Level]), name="dispute_level_valid"
            ),
            models.UniqueConstraint(
                fields=["contact"], condition=Q(status="OPEN"), name="one_open_dispute_per_contact"
            ),
        ]

    def __str__(self) -> str:
        return f"Dispute on {self.contact} ({self.get_status_display()})"

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN


class DisputeStep(BaseModel):
    """One level of the ladder: who tried to resolve it, with whom, and what happened."""

    class Result(models.TextChoices):
        RESOLVED = "RESOLVED", "Resolved at this level"
        ESCALATED = "ESCALATED", "Not resolved: escalated to the next level"

    dispute = models.ForeignKey(Dispute, on_delete=models.PROTECT, related_name="steps")
    level = models.CharField(max_length=24, choices=Level)
    started_at = models.DateTimeField()
    result = models.CharField(max_length=16, choices=Result)
    outcome = models.CharField(max_length=16, blank=True)
    counterpart = models.CharField(
        max_length=300, help_text="The other party's manager at this level: name, role, agency."
    )
    note = models.TextField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["dispute", "level"], name="one_step_per_level"),
            models.CheckConstraint(
                condition=~Q(result="RESOLVED") | ~Q(outcome=""),
                name="resolved_step_has_outcome",
            ),
        ]
