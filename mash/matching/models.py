"""What matching stores: the blocking keys, the duplicate review queue and merge provenance."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from mash.core.models import BaseModel
from mash.matching.engine import BAND_LABELS, band_for


class MatchKey(models.Model):
    """One blocking key a person is filed under (`mash.matching.keys`): an index, not evidence.

    Rebuilt from the person's details whenever they change (`services.index_people`); a merged
    record has none, so it is never offered as a candidate.
    """

    id = models.BigAutoField(primary_key=True)
    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=120)

    class Meta:
        # Key then person: the candidate lookup is answered from the index alone (PostgreSQL
        # index-only scan), without visiting the table's scattered rows.
        indexes = [models.Index(fields=["key", "person"], name="matching_key_person")]

    def __str__(self) -> str:
        return self.key


class DuplicateSearch(BaseModel):
    """One run of the batch duplicate search over the whole database."""

    engine = models.CharField(max_length=20)
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    people = models.PositiveIntegerField(default=0)
    pairs_scored = models.PositiveBigIntegerField(default=0)
    queued = models.PositiveIntegerField(default=0)
    # Pairs an engine proposed that the product's matcher scores as probably different people
    # (brothers, sisters, twins, a parent and child): counted, not queued.
    set_aside = models.PositiveIntegerField(default=0)
    started_by = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"{self.engine} duplicate search at {self.started_at:%Y-%m-%d %H:%M}"


class PossibleDuplicate(BaseModel):
    """Two person records the batch search thinks may be one person, awaiting a reviewer."""

    class Status(models.TextChoices):
        WAITING = "WAITING", "Waiting for review"
        MERGED = "MERGED", "Merged"
        NOT_DUPLICATE = "NOT_DUPLICATE", "Not the same person"

    first = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    second = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    score = models.FloatField()
    engine_probability = models.FloatField(null=True, blank=True)
    evidence = models.JSONField(default=list)  # [{field, finding, weight}] from engine.score_pair
    found_by = models.ForeignKey(DuplicateSearch, on_delete=models.PROTECT, related_name="pairs")
    status = models.CharField(max_length=16, choices=Status, default=Status.WAITING)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-score"]
        constraints = [
            # One row per unordered pair: the service stores the smaller id first.
            models.UniqueConstraint(fields=["first", "second"], name="one_row_per_pair"),
            models.CheckConstraint(condition=Q(first__lt=models.F("second")), name="pair_ordered"),
        ]

    def __str__(self) -> str:
        return f"{self.first} / {self.second} ({self.get_status_display()})"

    @property
    def band(self) -> str:
        return band_for(self.score)

    @property
    def label(self) -> str:
        """The matcher's verdict when the pair was queued, in words."""
        return BAND_LABELS[self.band]


class PersonMerge(BaseModel):
    """Provenance of one merge: who, why, and exactly which rows moved, so it can be undone.

    `moved` lists the ids of every row re-pointed from the merged record to the kept one, by
    table; un-merging moves exactly those rows back, so later work on the kept record stays put.
    """

    kept = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    merged = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    merged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    merged_at = models.DateTimeField()
    reason = models.TextField()
    moved = models.JSONField(default=dict)
    kept_before = models.JSONField(default=dict)  # the kept record's details before the merge
    from_duplicate = models.ForeignKey(
        PossibleDuplicate, null=True, blank=True, on_delete=models.PROTECT, related_name="merges"
    )
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    undone_at = models.DateTimeField(null=True, blank=True)
    undo_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-merged_at"]
        constraints = [
            # A record can be merged away only once at a time.
            models.UniqueConstraint(
                fields=["merged"], condition=Q(undone_at__isnull=True), name="one_live_merge"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.merged} merged into {self.kept}"

    @property
    def is_undone(self) -> bool:
        return self.undone_at is not None
