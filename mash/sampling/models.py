"""Dip samples (DM-2): a reproducible random draw of closed contacts, and the audit of each.

A `DipSample` keeps everything needed to draw it again: the period of closure, the filters,
the size, the seed and the size and fingerprint of the population it was drawn from. Its
`SampleItem`s are the contacts drawn, in draw order; each may have one `AuditFinding`, with
one `FindingAnswer` per checklist question (mash/sampling/checklist.py).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from mash.contacts.models import Outcome
from mash.core.models import BaseModel

MIN_SIZE = 1
MAX_SIZE = 50
MAX_SEED = 999_999_999  # nine digits: short enough to read out and type back in

# The outcome filter: the manager's decision (OU-1), or closed by the receiving team without
# a MASH decision (passed on at the front door: IN-6, SC-7, TS-10).
PASSED_ON = "PASSED_ON"
OUTCOME_FILTERS = [
    *((str(value), str(label)) for value, label in Outcome.choices),
    (PASSED_ON, "Passed on at the front door, no MASH decision"),
]


class Grade(models.TextChoices):
    """Ofsted's four-point scale (ILACS), so audit findings read in inspection language."""

    OUTSTANDING = "OUTSTANDING", "Outstanding"
    GOOD = "GOOD", "Good"
    REQUIRES_IMPROVEMENT = "REQUIRES_IMPROVEMENT", "Requires improvement to be good"
    INADEQUATE = "INADEQUATE", "Inadequate"


class Answer(models.TextChoices):
    YES = "YES", "Yes"
    NO = "NO", "No"
    NOT_APPLICABLE = "NA", "Not applicable"


class DipSample(BaseModel):
    """One draw of closed contacts for audit (DM-2)."""

    title = models.CharField(max_length=200)
    purpose = models.TextField(blank=True)
    drawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    drawn_at = models.DateTimeField()
    closed_from = models.DateField(help_text="First day of closure included (Europe/London).")
    closed_to = models.DateField(help_text="Last day of closure included (Europe/London).")
    team = models.ForeignKey(
        "accounts.Team", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    outcome = models.CharField(max_length=16, blank=True)
    requested_size = models.PositiveSmallIntegerField()
    population_size = models.PositiveIntegerField()
    seed = models.PositiveIntegerField()
    population_digest = models.CharField(
        max_length=64, help_text="SHA-256 of the population's references, in draw order."
    )

    class Meta:
        ordering = ["-drawn_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(closed_from__lte=F("closed_to")), name="dip_sample_period_ordered"
            ),
            models.CheckConstraint(
                condition=Q(requested_size__gte=MIN_SIZE, requested_size__lte=MAX_SIZE),
                name="dip_sample_size_in_range",
            ),
            models.CheckConstraint(
                condition=Q(requested_size__lte=F("population_size")),
                name="dip_sample_within_population",
            ),
            models.CheckConstraint(condition=Q(seed__lte=MAX_SEED), name="dip_sample_seed_range"),
            models.CheckConstraint(
                condition=Q(outcome="") | Q(outcome__in=[v for v, _ in OUTCOME_FILTERS]),
                name="dip_sample_outcome_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def outcome_label(self) -> str:
        return dict(OUTCOME_FILTERS).get(self.outcome, "Any outcome")


class SampleItem(BaseModel):
    """A contact drawn, at its place in the draw (1 = drawn first)."""

    sample = models.ForeignKey(DipSample, on_delete=models.PROTECT, related_name="items")
    contact = models.ForeignKey("contacts.Contact", on_delete=models.PROTECT, related_name="+")
    position = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["sample", "position"]
        constraints = [
            models.UniqueConstraint(fields=["sample", "position"], name="sample_item_position"),
            models.UniqueConstraint(fields=["sample", "contact"], name="sample_item_contact_once"),
            models.CheckConstraint(condition=Q(position__gte=1), name="sample_item_position_pos"),
        ]

    def __str__(self) -> str:
        return f"{self.sample} #{self.position}"


class AuditFinding(BaseModel):
    """The auditor's findings on one item: one per item, recorded once (DM-2)."""

    Grade = Grade

    item = models.OneToOneField(SampleItem, on_delete=models.PROTECT, related_name="finding")
    auditor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField()
    grade = models.CharField(max_length=24, choices=Grade)
    summary = models.TextField()
    learning_points = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(grade__in=[g.value for g in Grade]), name="audit_finding_grade_valid"
            ),
            models.CheckConstraint(condition=~Q(summary=""), name="audit_finding_has_summary"),
        ]


class FindingAnswer(BaseModel):
    """The answer to one checklist question; the question's words are kept as they were."""

    Answer = Answer

    finding = models.ForeignKey(AuditFinding, on_delete=models.PROTECT, related_name="answers")
    question_id = models.CharField(max_length=32)
    question_text = models.CharField(max_length=300)
    rule_ids = models.JSONField(default=list)
    answer = models.CharField(max_length=4, choices=Answer)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["finding", "question_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["finding", "question_id"], name="finding_answer_once_per_question"
            ),
            models.CheckConstraint(
                condition=Q(answer__in=[a.value for a in Answer]), name="finding_answer_valid"
            ),
            models.CheckConstraint(
                condition=~Q(answer=Answer.NO, note=""), name="finding_answer_no_has_note"
            ),
        ]
