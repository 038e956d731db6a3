"""Outcome letters to the referrer and the parents (OU-3, OU-4, DM-3, IN-9, CO-1, FA-1).

A `Letter` keeps exactly what was said to whom (its text and PDF): it is evidence and is never
changed or deleted, until the contact's retention period ends and disposal empties it with
the rest of the record (CO-6, `dataprotection.services`). A revised decision (DM-1) marks
the earlier letters SUPERSEDED and writes new ones. Whether a letter reached the post or
inbox is in its `Notification` rows (`Notification.letter_id`), not here.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from mash.core.models import BaseModel


class LetterQuerySet(models.QuerySet["Letter"]):
    def current(self) -> LetterQuerySet:
        """The letters of the decision as it stands (not superseded by a revision, DM-1)."""
        return self.exclude(status=Letter.Status.SUPERSEDED)


class Letter(BaseModel):
    """One outcome letter to one addressee."""

    class Audience(models.TextChoices):
        REFERRER = "REFERRER", "Referrer"
        PARENT = "PARENT", "Parent or carer"

    class Channel(models.TextChoices):
        LETTER = "LETTER", "Post"
        EMAIL = "EMAIL", "Email"

    class Status(models.TextChoices):
        HELD = "HELD", "Held"
        ISSUED = "ISSUED", "Issued"
        NO_ADDRESS = "NO_ADDRESS", "No address"
        SUPERSEDED = "SUPERSEDED", "Replaced by a later letter"

    contact = models.ForeignKey(
        "contacts.Contact", on_delete=models.PROTECT, related_name="letters"
    )
    decision = models.ForeignKey(
        "contacts.Decision", on_delete=models.PROTECT, related_name="letters"
    )
    outcome = models.CharField(max_length=16, help_text="The outcome the letter tells (OU-1).")
    audience = models.CharField(max_length=16, choices=Audience)
    addressee = models.ForeignKey(
        "contacts.ContactPerson",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="letters",
    )  # None for the referrer
    addressee_name = models.CharField(max_length=200)
    address_lines = models.JSONField(
        default=list, blank=True, help_text="3 to 7 lines, the name first, a UK postcode last."
    )
    email = models.EmailField(blank=True)
    channel = models.CharField(max_length=8, choices=Channel)
    language = models.CharField(max_length=16, default="en")
    translation_needed = models.BooleanField(default=False)
    template_key = models.CharField(max_length=200)
    subject = models.CharField(max_length=200)
    text = models.TextField(help_text="The letter as rendered, in plain text.")
    pdf = models.BinaryField()
    status = models.CharField(max_length=16, choices=Status)
    hold_reason = models.TextField(blank=True)
    held_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    held_at = models.DateTimeField(null=True, blank=True)
    release_reason = models.TextField(blank=True)
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    released_at = models.DateTimeField(null=True, blank=True)
    # Kept by the notification hooks for the list of letters; the Notification rows remain
    # the truth about delivery.
    sent_at = models.DateTimeField(null=True, blank=True)
    delivery_error = models.TextField(blank=True)
    superseded_by = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    objects = LetterQuerySet.as_manager()

    class Meta:
        ordering = ["created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["HELD", "ISSUED", "NO_ADDRESS", "SUPERSEDED"]),
                name="letter_status_valid",
            ),
            models.CheckConstraint(
                condition=~Q(status="HELD") | ~Q(hold_reason=""), name="letter_held_has_reason"
            ),
            models.CheckConstraint(
                condition=Q(audience="REFERRER", addressee__isnull=True)
                | Q(audience="PARENT", addressee__isnull=False),
                name="letter_addressee_matches_audience",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_audience_display()} letter ({self.get_status_display()})"

    @property
    def language_name(self) -> str:
        from mash.letters.languages import language_name

        return language_name(self.language)

    @property
    def wanted_language_name(self) -> str:
        """The language the addressee asked for (FA-1): what a translation is needed into."""
        from mash.letters.languages import language_name

        return language_name(self.addressee.preferred_language if self.addressee else "")
