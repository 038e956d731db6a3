"""Multi-agency meetings about children on a contact: daily MASH meetings (MA-7), strategy
discussions and meetings (OU-2) and the emergency action that must be followed by one (OU-5).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from mash.core.models import BaseModel


class Attendance(BaseModel):
    """Someone at a meeting for an agency: their name and role, as the minutes record them."""

    agency = models.ForeignKey("accounts.Agency", on_delete=models.PROTECT, related_name="+")
    name = models.CharField(max_length=200)
    role = models.CharField(max_length=200, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.name} ({self.agency})"


class MashMeeting(BaseModel):
    """A multi-agency MASH meeting (MA-7): held daily where needed, chaired by a Social Work
    Team Manager; the analysis and recommendation for each case discussed go on that case's
    MAIS record, and every agency receives a copy once the record is issued."""

    held_at = models.DateTimeField()
    chair = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    notes = models.TextField(blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField()
    issued_at = models.DateTimeField(null=True, blank=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    def __str__(self) -> str:
        return f"MASH meeting {self.held_at:%Y-%m-%d %H:%M}"

    @property
    def is_issued(self) -> bool:
        return self.issued_at is not None


class MeetingAttendee(Attendance):
    """An agency's representative at a MASH meeting (MA-7)."""

    meeting = models.ForeignKey(MashMeeting, on_delete=models.CASCADE, related_name="attendees")


class MeetingCase(BaseModel):
    """One case discussed at a MASH meeting, with the meeting's analysis and recommendation
    (MA-7: recorded onto the MAIS form)."""

    meeting = models.ForeignKey(MashMeeting, on_delete=models.PROTECT, related_name="cases")
    contact = models.ForeignKey(
        "contacts.Contact", on_delete=models.PROTECT, related_name="meeting_discussions"
    )
    analysis = models.TextField()
    recommendation = models.CharField(max_length=16, help_text="An OU-1 outcome code.")
    actions = models.TextField(blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["meeting", "contact"], name="one_discussion_per_case"),
        ]


class EmergencyAction(BaseModel):
    """Immediate protection taken at once where there is a risk to life or of serious
    immediate harm (OU-5). A strategy discussion must follow as soon as possible."""

    class Kind(models.TextChoices):
        EPO = "EPO", "Emergency Protection Order, made by the court"
        PPO = "PPO", "Police protection (only when there is no time to seek an EPO)"
        EMERGENCY_CALL = "EMERGENCY_CALL", "999 call to the emergency services"
        OTHER = "OTHER", "Other immediate action to secure the child's safety"

    contact = models.ForeignKey(
        "contacts.Contact", on_delete=models.PROTECT, related_name="emergency_actions"
    )
    kind = models.CharField(max_length=16, choices=Kind)
    taken_at = models.DateTimeField()
    agency = models.ForeignKey(
        "accounts.Agency", on_delete=models.PROTECT, related_name="+", help_text="Who acted."
    )
    taken_by = models.CharField(max_length=200, help_text="The practitioner who acted.")
    children_protected = models.TextField()
    other_children_considered = models.TextField(
        help_text="Other children in the household or the alleged perpetrator's household."
    )
    why_no_epo = models.TextField(blank=True, help_text="For police protection (OU-5).")
    note = models.TextField(blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=["EPO", "PPO", "EMERGENCY_CALL", "OTHER"]),
                name="emergency_action_kind_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} at {self.taken_at:%Y-%m-%d %H:%M}"


class StrategyDiscussion(BaseModel):
    """A strategy discussion or meeting (OU-2): chaired by a Team Manager, quorate only with
    the police and health present, DCT invited where SC-8 applies; decides whether a section
    47 enquiry starts, with actions, owners and dates."""

    class Kind(models.TextChoices):
        DISCUSSION = "DISCUSSION", "Strategy discussion (for example by phone or video)"
        MEETING = "MEETING", "Strategy meeting"

    class Outcome(models.TextChoices):
        S47 = "S47", "A section 47 child protection enquiry starts"
        NO_S47 = "NO_S47", "No section 47 enquiry: the child's needs are met another way"
        NOT_QUORATE = "NOT_QUORATE", "Not quorate: to be reconvened with police and health"

    contact = models.ForeignKey(
        "contacts.Contact", on_delete=models.PROTECT, related_name="strategy_discussions"
    )
    kind = models.CharField(max_length=16, choices=Kind)
    held_at = models.DateTimeField()
    chair = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    quorate = models.BooleanField()
    sc8_applies = models.BooleanField(default=False)
    dct_invited = models.BooleanField(default=False)
    outcome = models.CharField(max_length=16, choices=Outcome)
    rationale = models.TextField()
    follows_emergency_action = models.ForeignKey(
        EmergencyAction, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(outcome__in=["S47", "NO_S47", "NOT_QUORATE"]),
                name="strategy_outcome_valid",
            ),
            # OU-2: a decision about section 47 needs a quorate discussion.
            models.CheckConstraint(
                condition=Q(quorate=True) | Q(outcome="NOT_QUORATE"),
                name="strategy_decision_needs_quorum",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.held_at:%Y-%m-%d %H:%M}"


class StrategyAttendee(Attendance):
    """An agency's representative at a strategy discussion or meeting (OU-2)."""

    discussion = models.ForeignKey(
        StrategyDiscussion, on_delete=models.CASCADE, related_name="attendees"
    )


class StrategyAction(BaseModel):
    """An action agreed at a strategy discussion, with its owner and date (OU-2, OU-3)."""

    discussion = models.ForeignKey(
        StrategyDiscussion, on_delete=models.PROTECT, related_name="actions"
    )
    action = models.TextField()
    owner_name = models.CharField(max_length=200)
    owner_agency = models.ForeignKey("accounts.Agency", on_delete=models.PROTECT, related_name="+")
    due_on = models.DateField()
    position = models.PositiveSmallIntegerField(default=0)
    completed_at = models.DateTimeField(null=True, blank=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    def __str__(self) -> str:
        return f"{self.action[:40]} ({self.owner_name}, by {self.due_on})"
