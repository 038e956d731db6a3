"""Multi-agency information sharing (MAIS): requests to partner agencies and their answers.

RULES.md MA-1 … MA-8 and CO-2 … CO-5. A MASH social worker asks chosen partner agencies
(`InformationRequest`); each agency answers in its own section (`Contribution`) with its
information and its analysis, a nil return, or "awaiting" with who it is waiting for (MA-3).
Confidential information (CO-5) is never written here: only that it exists and who holds it.
"""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q

from mash.core.models import BaseModel


class ConsentRecord(BaseModel):
    """A change to the consent position for partner checks after screening (CO-1, CO-2).

    The screening records the first position; each later record replaces it. An override is a
    Team or Practice Manager's authorisation to check without consent (CO-2).
    """

    class Position(models.TextChoices):
        GIVEN = "GIVEN", "Parents have consented to the checks"
        REFUSED = "REFUSED", "Parents have refused consent"
        OVERRIDDEN = "OVERRIDDEN", "Checks authorised without consent by a Team or Practice Manager"

    contact = models.ForeignKey(
        "contacts.Contact", on_delete=models.PROTECT, related_name="consent_records"
    )
    position = models.CharField(max_length=16, choices=Position)
    detail = models.TextField(help_text="Who consented and how, or why consent is overridden.")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(position__in=["GIVEN", "REFUSED", "OVERRIDDEN"]),
                name="consent_record_position_valid",
            ),
        ]


class InformationRequestQuerySet(models.QuerySet["InformationRequest"]):
    def visible_to(self, user: object) -> InformationRequestQuerySet:
        """MASH staff see every request; a partner officer only those addressed to the
        agencies it acts for (CO-4: need to know). Anyone else sees none."""
        if not getattr(user, "is_authenticated", False):
            return self.none()
        if user.is_mash_staff():  # type: ignore[attr-defined]
            return self
        return self.filter(agency_id__in=user.partner_agency_ids())  # type: ignore[attr-defined]

    def open(self) -> InformationRequestQuerySet:
        """Still waiting for the agency's answer (sent, or the agency is awaiting)."""
        return self.filter(status__in=InformationRequest.OPEN_STATUSES)

    def this_round(self) -> InformationRequestQuerySet:
        """The current round of checks: requests whose TS-2 / TS-3 clock is still running. A
        contact sent back for more checks starts a new round (SC-6)."""
        return self.filter(clock__met_at__isnull=True)


class InformationRequest(BaseModel):
    """One partner agency asked for what it knows about the children on a contact (MA-2).

    Carries the RAG deadline (TS-2 RED / TS-3 AMBER) of the round of checks, the consent basis
    (CO-2, CO-3) and the legal basis against the information sharing agreement (CO-4).
    """

    class Status(models.TextChoices):
        SENT = "SENT", "Waiting for the agency"
        AWAITING = "AWAITING", "The agency is awaiting information (MA-3)"
        ANSWERED = "ANSWERED", "Answered"
        CLOSED_UNANSWERED = "CLOSED_UNANSWERED", "Went ahead without an answer"

    class ConsentBasis(models.TextChoices):  # CO-2, CO-3
        CO_LOCATED = "CO_LOCATED", "Co-located agency: its electronic checks need no consent (CO-3)"
        CONSENT = "CONSENT", "The parents have consented (CO-1)"
        CHILD_PROTECTION = (
            "CHILD_PROTECTION",
            "Child protection concern: consent is not needed (CO-3)",
        )
        OVERRIDE = "OVERRIDE", "A manager authorised checks without consent (CO-2)"

    class LegalBasis(models.TextChoices):  # CO-4
        S47 = (
            "CA1989_S47",
            "Children Act 1989, section 47: enquiries where a child may be suffering, or likely "
            "to suffer, significant harm",
        )
        S17 = "CA1989_S17", "Children Act 1989, section 17: assessing a child in need"
        CA2004 = (
            "CA2004_S10_S11",
            "Children Act 2004, sections 10 and 11: co-operating to safeguard and promote the "
            "welfare of children",
        )
        CONSENT = "CONSENT", "Consent of the parents, or of the child if of sufficient age"

    OPEN_STATUSES = (Status.SENT, Status.AWAITING)

    contact = models.ForeignKey(
        "contacts.Contact", on_delete=models.PROTECT, related_name="information_requests"
    )
    agency = models.ForeignKey(
        "accounts.Agency", on_delete=models.PROTECT, related_name="information_requests"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField()
    concern_summary = models.TextField(help_text="What the partners are told about the concern.")
    question = models.TextField()
    rag = models.CharField(max_length=8)
    rule_id = models.CharField(max_length=8, help_text="TS-2 (RED) or TS-3 (AMBER).")
    clock = models.ForeignKey(
        "contacts.Clock", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    due_at = models.DateTimeField()
    consent_basis = models.CharField(max_length=20, choices=ConsentBasis)
    consent_note = models.TextField(blank=True)
    legal_basis = models.CharField(max_length=20, choices=LegalBasis)
    sharing_agreement = models.CharField(max_length=200)
    is_repeat = models.BooleanField(default=False, help_text="A repeat concern (MA-5).")
    previous_contribution = models.ForeignKey(
        "Contribution", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(max_length=20, choices=Status, default=Status.SENT)
    first_answered_at = models.DateTimeField(null=True, blank=True)
    last_chased_at = models.DateTimeField(null=True, blank=True)
    times_chased = models.PositiveSmallIntegerField(default=0)
    closed_reason = models.TextField(blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    closed_at = models.DateTimeField(null=True, blank=True)
    # Optimistic locking (ADR 0016): every answer, chase or close counts one more; a partner
    # system may send it back as `If-Match` so that an answer crossing another is refused.
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = InformationRequestQuerySet.as_manager()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["SENT", "AWAITING", "ANSWERED", "CLOSED_UNANSWERED"]),
                name="information_request_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(rag__in=["RED", "AMBER"]), name="information_request_rag_valid"
            ),
            models.UniqueConstraint(
                fields=["contact", "agency"],
                condition=Q(status__in=["SENT", "AWAITING"]),
                name="one_open_request_per_agency",
            ),
            models.CheckConstraint(
                condition=Q(version__gte=1), name="information_request_version_positive"
            ),
        ]
        indexes = [models.Index(fields=["agency", "status", "due_at"])]

    def __str__(self) -> str:
        return f"{self.agency} on {self.contact}"

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES

    def is_overdue(self, at: datetime) -> bool:
        """Open past its deadline, or first answered after it."""
        if self.first_answered_at is not None:
            return self.first_answered_at > self.due_at
        return self.is_open and self.due_at < at


class ContributionQuerySet(models.QuerySet["Contribution"]):
    def visible_to(self, user: object) -> ContributionQuerySet:
        """MASH staff see every agency's answers; a partner officer only its own agency's
        (a partner never sees another agency's contribution, CO-4)."""
        if not getattr(user, "is_authenticated", False):
            return self.none()
        if user.is_mash_staff():  # type: ignore[attr-defined]
            return self
        return self.filter(
            request__agency_id__in=user.partner_agency_ids()  # type: ignore[attr-defined]
        )


class Contribution(BaseModel):
    """One answer from a partner agency to a request: its section of the MAIS form (MA-2).

    Never edited: an update is a new contribution that names the one it `updates` (MA-5), so
    what an agency said, and when, is always there. The latest one counts.
    """

    class Kind(models.TextChoices):
        INFORMATION = "INFORMATION", "We hold information"
        NIL_RETURN = "NIL_RETURN", "Nil return: we hold no relevant information"
        AWAITING = "AWAITING", "Awaiting information from within our organisation"

    class Method(models.TextChoices):  # MA-3: "using what method"
        EMAIL = "EMAIL", "Email"
        TELEPHONE = "TELEPHONE", "Telephone"
        CASE_SYSTEM = "CASE_SYSTEM", "A request on our case system"
        IN_PERSON = "IN_PERSON", "In person"
        LETTER = "LETTER", "Letter"
        OTHER = "OTHER", "Another way"

    ANSWER_KINDS = (Kind.INFORMATION, Kind.NIL_RETURN)

    request = models.ForeignKey(
        InformationRequest, on_delete=models.PROTECT, related_name="contributions"
    )
    kind = models.CharField(max_length=16, choices=Kind)
    information = models.TextField(blank=True)
    analysis = models.TextField(blank=True, help_text="What it means for this child (MA-2).")
    heightens_concern = models.BooleanField(default=False)  # MA-4
    heightens_concern_reason = models.TextField(blank=True)
    has_confidential_information = models.BooleanField(default=False)  # CO-5
    confidential_holder = models.TextField(
        blank=True, help_text="Who holds the confidential information and how to ask (CO-5)."
    )
    awaiting_asked_at = models.DateTimeField(null=True, blank=True)  # MA-3
    awaiting_method = models.CharField(max_length=16, choices=Method, blank=True)
    awaiting_from_name = models.CharField(max_length=200, blank=True)
    awaiting_from_designation = models.CharField(max_length=200, blank=True)
    updates = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_by_name = models.CharField(max_length=200)
    submitted_by_client = models.ForeignKey(
        "api.PartnerApiClient", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField()
    after_analysis = models.BooleanField(
        default=False, help_text="Arrived after the social worker finished the MASH checks."
    )

    objects = ContributionQuerySet.as_manager()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=["INFORMATION", "NIL_RETURN", "AWAITING"]),
                name="contribution_kind_valid",
            ),
        ]
        indexes = [models.Index(fields=["request", "recorded_at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} from {self.recorded_by_name}"

    @property
    def is_answer(self) -> bool:
        return self.kind in self.ANSWER_KINDS
