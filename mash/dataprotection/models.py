"""Data protection records: subject access requests and what was withheld (CO-6), retention
reviews (no silent deletion) and the register of every disclosure to a partner agency (CO-4).

ADR 0013 explains the choices.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from mash.core.models import BaseModel
from mash.sharing.models import InformationRequest

LegalBasis = InformationRequest.LegalBasis  # one code set for every share (CO-4)


class SubjectAccessRequest(BaseModel):
    """A request for a copy of what is held about a person (CO-6; UK GDPR Art. 15).

    Due one calendar month after it was received (UK GDPR Art. 12(3)); the export is produced
    from the live record each time, and what is withheld from it is kept in `WithheldItem`.
    """

    class Relationship(models.TextChoices):
        SUBJECT = "SUBJECT", "The person themselves"
        PARENT = "PARENT", "A parent or someone with parental responsibility for the child"
        REPRESENTATIVE = "REPRESENTATIVE", "Someone acting for them with written authority"

    person = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, related_name="subject_access_requests"
    )
    requester_name = models.CharField(max_length=200)
    requester_relationship = models.CharField(max_length=16, choices=Relationship)
    received_on = models.DateField()
    due_on = models.DateField()
    identity_checked = models.BooleanField(default=False)
    identity_check = models.TextField(help_text="How the requester's identity was checked.")
    notes = models.TextField(blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField()
    produced_at = models.DateTimeField(null=True, blank=True)
    produced_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-received_on", "-recorded_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(due_on__gte=models.F("received_on")), name="sar_due_after_received"
            ),
        ]

    def __str__(self) -> str:
        return f"Subject access request from {self.requester_name}, {self.received_on}"


class WithheldItem(BaseModel):
    """One thing left out of a subject access export, with the reason and the exemption.

    `key` names the item stably (e.g. ``contact:<id>:referrer``) so producing the export again
    finds the same rows. `description` says what it is without saying what it contains.
    """

    class Exemption(models.TextChoices):
        THIRD_PARTY = (
            "DPA_S2_P3_16",
            "Data Protection Act 2018, Schedule 2, Part 3, paragraph 16: information "
            "identifying another person, who has not consented",
        )
        CRIME = (
            "DPA_S2_P1_2",
            "Data Protection Act 2018, Schedule 2, Part 1, paragraph 2: crime and taxation "
            "(disclosure would be likely to prejudice the prevention or detection of crime)",
        )
        HEALTH = (
            "DPA_S3_P2_5",
            "Data Protection Act 2018, Schedule 3, Part 2, paragraph 5: health data whose "
            "disclosure would be likely to cause serious harm (the health professional is "
            "consulted)",
        )
        SOCIAL_WORK = (
            "DPA_S3_P3_7",
            "Data Protection Act 2018, Schedule 3, Part 3, paragraph 7: social work data "
            "whose disclosure would be likely to cause serious harm",
        )

    request = models.ForeignKey(
        SubjectAccessRequest, on_delete=models.PROTECT, related_name="withheld_items"
    )
    key = models.CharField(max_length=200)
    contact = models.ForeignKey(
        "contacts.Contact", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    description = models.CharField(max_length=300)
    reason = models.TextField()
    exemption = models.CharField(max_length=16, choices=Exemption)
    rule_ids = models.JSONField(default=list)
    released_at = models.DateTimeField(null=True, blank=True)
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    release_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["created_at", "key"]
        constraints = [
            models.UniqueConstraint(fields=["request", "key"], name="one_withheld_row_per_item"),
            models.CheckConstraint(
                condition=Q(released_at__isnull=True) | ~Q(release_reason=""),
                name="withheld_release_needs_reason",
            ),
        ]

    def __str__(self) -> str:
        return self.description

    @property
    def is_released(self) -> bool:
        return self.released_at is not None


class RetentionReview(BaseModel):
    """A record past its review date under a retention rule (retention.yaml). Nothing is
    deleted: a person decides to keep it until a date, or proposes disposal, which a second
    person approves; disposal anonymises the record and keeps this row as its tombstone."""

    class Status(models.TextChoices):
        DUE = "DUE", "Review due"
        KEPT = "KEPT", "Kept"
        DISPOSAL_PROPOSED = "DISPOSAL_PROPOSED", "Disposal proposed: waiting for approval"
        DISPOSED = "DISPOSED", "Disposed: personal details removed, reference and dates kept"

    OPEN_STATUSES = (Status.DUE, Status.DISPOSAL_PROPOSED)

    contact = models.ForeignKey(
        "contacts.Contact", on_delete=models.PROTECT, related_name="retention_reviews"
    )
    reference = models.CharField(max_length=20)  # kept as the tombstone's reference
    rule_id = models.CharField(max_length=16)
    rule_title = models.CharField(max_length=200)
    review_due_on = models.DateField()
    explanation = models.TextField()
    found_at = models.DateTimeField()
    status = models.CharField(max_length=20, choices=Status, default=Status.DUE)
    keep_until = models.DateField(null=True, blank=True)
    reason = models.TextField(blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    approval_note = models.TextField(blank=True)

    class Meta:
        ordering = ["review_due_on", "reference"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["DUE", "KEPT", "DISPOSAL_PROPOSED", "DISPOSED"]),
                name="retention_review_status_valid",
            ),
            models.UniqueConstraint(
                fields=["contact"],
                condition=Q(status__in=["DUE", "DISPOSAL_PROPOSED"]),
                name="one_open_retention_review_per_contact",
            ),
            models.CheckConstraint(
                condition=~Q(status="KEPT") | Q(keep_until__isnull=False),
                name="retention_kept_has_date",
            ),
            # Disposal needs a second person (ADR 0013).
            models.CheckConstraint(
                condition=~Q(status="DISPOSED") | ~Q(approved_by=models.F("decided_by")),
                name="retention_disposal_second_person",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference}: {self.get_status_display()}"

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES


class DisclosureRecord(BaseModel):
    """One disclosure to a partner agency, with its legal basis (CO-4): the share register.

    Written in the same transaction as the share itself. `object_type`/`object_id` name what
    was shared (an information request, a meeting copy, an export row).
    """

    class Kind(models.TextChoices):
        INFORMATION_REQUEST = "INFORMATION_REQUEST", "Request for checks (the concern and question)"
        MEETING_COPY = "MEETING_COPY", "Copy of a MASH meeting record (MA-7)"
        PARTNER_EXPORT = "PARTNER_EXPORT", "Partner agency export download (MA-8)"
        API_EXPORT = "API_EXPORT", "Partner agency export through the partner API (MA-8)"

    kind = models.CharField(max_length=24, choices=Kind)
    object_type = models.CharField(max_length=64)
    object_id = models.CharField(max_length=64)
    contact = models.ForeignKey(
        "contacts.Contact", on_delete=models.PROTECT, related_name="disclosures"
    )
    agency = models.ForeignKey("accounts.Agency", on_delete=models.PROTECT, related_name="+")
    shared_at = models.DateTimeField(db_index=True)
    shared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    shared_by_name = models.CharField(max_length=200)
    legal_basis = models.CharField(max_length=20, choices=LegalBasis)
    sharing_agreement = models.CharField(max_length=200, blank=True)
    summary = models.CharField(max_length=300)

    class Meta:
        ordering = ["-shared_at"]
        indexes = [models.Index(fields=["agency", "shared_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(legal_basis__in=[b.value for b in LegalBasis]),
                name="disclosure_legal_basis_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} to {self.agency} on {self.shared_at:%Y-%m-%d}"
