"""People known to children's services and their involvement with the authority's teams."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q

from mash.core.models import BaseModel
from mash.people.census import ClosureReason, Ethnicity, UpnUnknown
from mash.people.normalise import lines_of, normalise_name


def new_child_id() -> str:
    """A random identifier for the returns: "P" and 11 capital letters or digits."""
    return "P" + "".join(secrets.choice(_ID_ALPHABET) for _ in range(11))


_ID_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no I, O, 0 or 1: read aloud without doubt


class Person(BaseModel):
    """A child or adult on the social-care database (IN-11: contacts go on the child's record)."""

    class Gender(models.TextChoices):
        FEMALE = "F", "Female"
        MALE = "M", "Male"
        OTHER = "O", "Other or not stated"
        UNKNOWN = "U", "Not known"

    given_names = models.CharField(max_length=200)
    family_name = models.CharField(max_length=200)
    other_names = models.TextField(
        blank=True, help_text="Aliases, previous names and spelling variations, one per line."
    )
    date_of_birth = models.DateField(null=True, blank=True)
    gender = models.CharField(max_length=1, choices=Gender, default=Gender.UNKNOWN)
    nhs_number = models.CharField(max_length=10, blank=True)
    upn = models.CharField("Unique pupil number", max_length=13, blank=True)
    address = models.TextField(blank=True)
    postcode = models.CharField(max_length=10, blank=True)
    ethnicity = models.CharField(max_length=100, blank=True)
    # The census codes (mash.people.census): what the CIN census and Annex A report.
    ethnicity_code = models.CharField(
        "Ethnicity (census code)", max_length=4, choices=Ethnicity, blank=True
    )
    disabilities = models.JSONField(
        default=list, blank=True, help_text="Census disability codes; ['NONE'] for none."
    )
    upn_unknown = models.CharField(
        "Why there is no UPN", max_length=3, choices=UpnUnknown, blank=True
    )
    expected_date_of_birth = models.DateField(null=True, blank=True, help_text="Unborn children.")
    # The LA child identifier in the returns (LAchildID, N00097: at most 20 letters and digits).
    child_id = models.CharField(max_length=20, unique=True, default=new_child_id, editable=False)
    first_language = models.CharField(max_length=100, blank=True)
    religion = models.CharField(max_length=100, blank=True)
    is_child = models.BooleanField(default=True)
    # Set when a reviewer merged this record into another (mash.matching); cleared by un-merge.
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="merged_records"
    )
    # "family given" and "given family" forms, normalised, for the exact/normalised search.
    search_name = models.CharField(max_length=400, db_index=True, editable=False)

    class Meta:
        ordering = ["family_name", "given_names"]
        verbose_name_plural = "people"
        indexes = [models.Index(fields=["search_name", "date_of_birth"])]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return f"{self.given_names} {self.family_name}".strip() or "Name not given"

    def save(self, *args: object, **kwargs: object) -> None:
        self.search_name = normalise_name(f"{self.family_name} {self.given_names}")
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = {*update_fields, "search_name"}  # type: ignore[misc]
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    def alias_names(self) -> list[str]:
        """The recorded aliases, previous names and spellings."""
        return lines_of(self.other_names)


class Involvement(BaseModel):
    """A period of a service's work with a person: open while `ended_on` is empty."""

    class Service(models.TextChoices):
        CHILD_IN_NEED = "CIN", "Child in need (social care)"
        CHILD_PROTECTION = "CP", "Child protection plan"
        LOOKED_AFTER = "CLA", "Looked after child"
        ASSESSMENT = "ASSESSMENT", "Child and family assessment"
        EARLY_HELP = "EARLY_HELP", "Early help"
        DISABLED_CHILDREN = "DCT", "Disabled children's team"

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="involvements")
    service = models.CharField(max_length=16, choices=Service)
    team = models.ForeignKey(
        "accounts.Team", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    allocated_worker = models.CharField(max_length=200, blank=True)
    started_on = models.DateField()
    ended_on = models.DateField(null=True, blank=True)
    closure_reason = models.CharField(max_length=200, blank=True)
    # The census reason for closure (N00103) when the work ended; the returns report it.
    closure_reason_code = models.CharField(max_length=3, choices=ClosureReason, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-started_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("started_on")),
                name="involvement_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_service_display()} from {self.started_on}"

    @property
    def is_open(self) -> bool:
        return self.ended_on is None
