"""Contacts and referrals: what arrives at the front door and what the MASH decides.

Vocabulary (RULES.md): a *contact* is anything received about a child; a *referral* is a
contact whose purpose is a request for services (IN-3). One `Contact` row holds either; its
`purpose` says which. `ContactTransition` is the timeline and the source of statutory dates.
"""

from __future__ import annotations

import secrets
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q

from mash.core.models import BaseModel

_REFERENCE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford base32: no I, L, O, U


def new_reference() -> str:
    """A reference a caller can read over the phone: 'MASH-7K2Q-9XWD' (no guessable sequence)."""
    chars = "".join(secrets.choice(_REFERENCE_ALPHABET) for _ in range(8))
    return f"MASH-{chars[:4]}-{chars[4:]}"


class YesNoUnknown(models.TextChoices):
    YES = "YES", "Yes"
    NO = "NO", "No"
    UNKNOWN = "UNKNOWN", "Not known"


# The pathway reviews and tasks that give a narrower role its part in a contact (ADR 0012).
_PATHWAY_PARTS = {
    "MISSING_COORDINATOR": (("missing",), ("MISSING_REVIEW",)),  # SP-2
    "DCT_WORKER": (  # SC-8
        ("dct_eligibility", "dct_decision"),
        ("DCT_ELIGIBILITY", "DCT_DISCUSSION"),
    ),
}


def _part_in(user: Any) -> Q:
    """The contacts a user who is not MASH staff has a part in: its pathway's contacts and
    those its teams hold. Nothing for anyone else (partners, system administrators)."""
    from mash.accounts.models import Membership

    if not user.has_role(*Membership.PATHWAY_ROLES):
        return Q(pk__in=[])
    part = Q(held_by_id__in=list(user.team_ids()))
    for role, (review_kinds, task_kinds) in _PATHWAY_PARTS.items():
        if user.has_role(role):
            part |= Q(pathway_reviews__kind__in=review_kinds) | Q(tasks__kind__in=task_kinds)
    return Q(pk__in=Contact.objects.filter(part).values("pk"))


class ContactQuerySet(models.QuerySet["Contact"]):
    def visible_to(self, user: object) -> ContactQuerySet:
        """Who sees which contact (CO-4, ADR 0012).

        MASH staff see every contact (the front door must find the history). A missing
        coordinator sees the contacts with a missing-child review (SP-2), a Disabled
        Children's Team worker those where SC-8 applies, and each sees the contacts its own
        team holds (allocated). Partner agencies never open the contact record: they see only
        the requests addressed to them (`InformationRequest.objects.visible_to`). A system
        administrator sees none."""
        if not getattr(user, "is_authenticated", False):
            return self.none()
        if user.is_mash_staff():  # type: ignore[attr-defined]
            return self
        return self.filter(_part_in(user))


class ContactStatus(models.TextChoices):
    RECEIVED = "RECEIVED", "Awaiting screening"
    PASSED_ON = "PASSED_ON", "Passed to another team"  # routed on arrival (IN-6, SC-7, TS-10)
    INFORMATION_SHARING = "INFORMATION_SHARING", "MASH checks"
    AWAITING_RECOMMENDATION = "AWAITING_RECOMMENDATION", "Awaiting recommendation"
    AWAITING_DECISION = "AWAITING_DECISION", "Awaiting manager decision"
    DECIDED = "DECIDED", "Decided"
    CLOSED = "CLOSED", "Closed"


class ContactChannel(models.TextChoices):  # IN-2
    TELEPHONE = "TELEPHONE", "Telephone"
    WRITTEN_REFERRAL = "WRITTEN_REFERRAL", "Written multi-agency referral form"
    ONLINE_FORM = "ONLINE_FORM", "Online Request for Help or Support form"
    EMAIL = "EMAIL", "Email"
    PARTNER_NOTIFICATION = "PARTNER_NOTIFICATION", "Notification from a partner system"
    IN_PERSON = "IN_PERSON", "In person"


class ContactPurpose(models.TextChoices):  # IN-3
    REQUEST_FOR_INFORMATION = "REQUEST_FOR_INFORMATION", "Request for information"
    PROVISION_OF_INFORMATION = "PROVISION_OF_INFORMATION", "Provision of information"
    REQUEST_FOR_SERVICES = "REQUEST_FOR_SERVICES", "Request for services (referral)"


class Contact(BaseModel):
    """Anything received about one or more children (IN-1 … IN-12)."""

    Status = ContactStatus
    Channel = ContactChannel
    Purpose = ContactPurpose

    class CscStatus(models.TextChoices):  # IN-4
        NOT_CHECKED = "NOT_CHECKED", "Not yet checked"
        NEW = "NEW", "New: not previously known"
        OPEN = "OPEN", "Additional information on an open case"
        CLOSED = "CLOSED", "About a closed case"

    class ReferrerSource(models.TextChoices):  # IN-9; CIN census ReferralSource (N00152)
        FAMILY = "1A", "Family member, relative or carer"
        ACQUAINTANCE = "1B", "Acquaintance (including neighbours and child minders)"
        SELF = "1C", "The child or young person"
        INDIVIDUAL_OTHER = "1D", "Other individual (including strangers or MPs)"
        SCHOOL = "2A", "School"
        EDUCATION_SERVICES = "2B", "Education services"
        GP = "3A", "GP"
        HEALTH_VISITOR = "3B", "Health visitor"
        SCHOOL_NURSE = "3C", "School nurse"
        PRIMARY_HEALTH_OTHER = "3D", "Other primary health services"
        A_AND_E = "3E", "Accident and emergency"
        HEALTH_OTHER = "3F", "Other health services"
        HOUSING = "4", "Housing"
        LA_SOCIAL_CARE = "5A", "Local authority social care (e.g. adult social care)"
        LA_OTHER_INTERNAL = "5B", "Other local authority service (e.g. youth offending)"
        LA_EXTERNAL = "5C", "Another local authority"
        EARLY_HELP = "5D", "Early help"
        POLICE = "6", "Police"
        LEGAL_AGENCY = "7", "Other legal agency (courts, probation, CAFCASS, prison)"
        OTHER = "8", "Other (children's centres, voluntary organisations)"
        ANONYMOUS = "9", "Anonymous"
        UNKNOWN = "10", "Not known"

    NON_PROFESSIONAL_SOURCES = frozenset({"1A", "1B", "1C", "1D", "9", "10"})

    reference = models.CharField(max_length=20, unique=True, default=new_reference, editable=False)
    profile = models.CharField(max_length=64, help_text="Policy profile in force when received.")
    status = models.CharField(max_length=32, choices=Status, default=Status.RECEIVED)
    received_at = models.DateTimeField()
    channel = models.CharField(max_length=32, choices=Channel)
    purpose = models.CharField(max_length=32, choices=Purpose)
    csc_status = models.CharField(max_length=16, choices=CscStatus, default=CscStatus.NOT_CHECKED)

    # The referrer (IN-1, IN-9)
    referrer_source = models.CharField(max_length=2, choices=ReferrerSource)
    referrer_name = models.CharField(max_length=200, blank=True)
    referrer_role = models.CharField(max_length=200, blank=True)
    referrer_organisation = models.CharField(max_length=200, blank=True)
    referrer_phone = models.CharField(max_length=40, blank=True)
    referrer_email = models.EmailField(blank=True)
    referrer_address = models.TextField(blank=True)
    referrer_relationship = models.TextField(
        blank=True, help_text="Relationship to and knowledge of the family (IN-5)."
    )
    referrer_consents_to_disclosure = models.BooleanField(
        default=False,
        help_text="A non-professional referrer agrees their details may be shared (IN-9).",
    )

    # The concern (IN-5)
    concern_summary = models.TextField(help_text="Cause for concern, including any allegations.")
    # Typed concerns (mash.contacts.concerns), aligned with the CIN census factors; they start
    # the special pathways (SP-1 to SP-4, SC-8).
    concern_categories = models.JSONField(default=list, blank=True)
    concern_source_and_timing = models.TextField(blank=True)
    significant_events = models.TextField(blank=True)
    child_location_and_condition = models.TextField(blank=True)
    immediate_protection_needed = models.CharField(
        max_length=8, choices=YesNoUnknown, default=YesNoUnknown.UNKNOWN
    )
    child_protection_concern = models.BooleanField(default=False)  # IN-10
    possible_offence = models.BooleanField(default=False)  # IN-12
    police_informed = models.BooleanField(default=False)
    other_agencies_involved = models.TextField(blank=True)
    existing_assessment = models.TextField(blank=True)
    child_views = models.TextField(blank=True)

    # Consent (CO-1)
    parents_aware = models.CharField(
        max_length=8, choices=YesNoUnknown, default=YesNoUnknown.UNKNOWN
    )
    parents_consent = models.CharField(
        max_length=8, choices=YesNoUnknown, default=YesNoUnknown.UNKNOWN
    )
    parents_not_informed_reason = models.TextField(blank=True)

    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )  # None for the public form and the partner API
    submitted_by_client = models.ForeignKey(
        "api.PartnerApiClient", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # The team whose inbox holds the contact now (mash.routing); None while the MASH holds it.
    held_by = models.ForeignKey(
        "accounts.Team", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # Optimistic locking (ADR 0016): every write through the services counts one more, so a
    # form rendered before a colleague's change is refused instead of overwriting it.
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = ContactQuerySet.as_manager()

    class Meta:
        ordering = ["received_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=[s.value for s in ContactStatus]),
                name="contact_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(channel__in=[c.value for c in ContactChannel]),
                name="contact_channel_valid",
            ),
            models.CheckConstraint(
                condition=Q(purpose__in=[p.value for p in ContactPurpose]),
                name="contact_purpose_valid",
            ),
            models.CheckConstraint(condition=Q(version__gte=1), name="contact_version_positive"),
        ]
        indexes = [models.Index(fields=["status", "received_at"])]

    def __str__(self) -> str:
        return self.reference

    @property
    def is_anonymous(self) -> bool:
        return self.referrer_source == self.ReferrerSource.ANONYMOUS

    @property
    def referrer_is_professional(self) -> bool:
        return self.referrer_source not in self.NON_PROFESSIONAL_SOURCES

    @property
    def referrer_details_disclosable(self) -> bool:
        """IN-9: a non-professional referrer's details are never shared with parents or other
        agencies without their consent; an anonymous referrer has none to share."""
        if self.is_anonymous:
            return False
        return self.referrer_is_professional or self.referrer_consents_to_disclosure

    def children(self) -> models.QuerySet[ContactPerson]:
        return self.people.filter(kind=ContactPerson.Kind.CHILD)

    def adults(self) -> models.QuerySet[ContactPerson]:
        return self.people.filter(kind=ContactPerson.Kind.ADULT)


class ContactPerson(BaseModel):
    """A child or adult as the referrer described them, and the person record they matched.

    The details are kept as given (what the referrer said is evidence); `person` links to the
    social-care record once the history check is done (SC-4).
    """

    class Kind(models.TextChoices):
        CHILD = "CHILD", "Child"
        ADULT = "ADULT", "Adult"

    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="people")
    kind = models.CharField(max_length=8, choices=Kind)
    position = models.PositiveSmallIntegerField(default=0)
    given_names = models.CharField(max_length=200, blank=True)
    family_name = models.CharField(max_length=200, blank=True)
    other_names = models.TextField(blank=True)
    date_of_birth = models.DateField(null=True, blank=True)
    gender = models.CharField(max_length=1, blank=True)
    nhs_number = models.CharField(max_length=10, blank=True)
    upn = models.CharField(max_length=13, blank=True)
    address = models.TextField(blank=True)
    postcode = models.CharField(max_length=10, blank=True)
    school_or_nursery = models.CharField(max_length=200, blank=True)
    ethnicity = models.CharField(max_length=100, blank=True)
    first_language = models.CharField(max_length=100, blank=True)
    # FA-1: the language letters are written in (a code from settings.LANGUAGES; blank is
    # English) and whether an interpreter is needed to talk with them.
    preferred_language = models.CharField(max_length=16, blank=True)
    interpreter_needed = models.BooleanField(default=False)
    religion = models.CharField(max_length=100, blank=True)
    special_needs = models.TextField(blank=True)
    relationship_to_child = models.CharField(max_length=200, blank=True)
    has_parental_responsibility = models.BooleanField(default=False)
    is_significant_adult = models.BooleanField(default=False)
    is_alleged_perpetrator = models.BooleanField(default=False)
    lives_in_household = models.BooleanField(default=True)

    person = models.ForeignKey(
        "people.Person",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="contact_links",
    )
    # True when no existing record matched and a new one was created from these details.
    confirmed_new = models.BooleanField(default=False)
    # What the matcher found when the contact arrived (IN-5, SC-4); None until it has run.
    likely_matches = models.PositiveSmallIntegerField(null=True, blank=True)
    possible_matches = models.PositiveSmallIntegerField(null=True, blank=True)
    history_checked_at = models.DateTimeField(null=True, blank=True)
    history_checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["kind", "position"]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        name = f"{self.given_names} {self.family_name}".strip()
        return name or "Name not given"

    @property
    def history_checked(self) -> bool:
        return self.person_id is not None

    def roles(self) -> list[str]:
        """Plain words for this adult's place around the child(ren)."""
        words = []
        if self.has_parental_responsibility:
            words.append("Parental responsibility")
        if self.is_significant_adult:
            words.append("Significant adult")
        if self.is_alleged_perpetrator:
            words.append("Alleged perpetrator")
        if self.lives_in_household:
            words.append("Lives in the household")
        return words


class ContactTransition(BaseModel):
    """One move of a contact through the workflow: who, when, why and under which rules."""

    contact = models.ForeignKey(Contact, on_delete=models.PROTECT, related_name="transitions")
    from_status = models.CharField(max_length=32, blank=True)
    to_status = models.CharField(max_length=32)
    at = models.DateTimeField()
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reason = models.TextField(blank=True)
    rule_ids = models.JSONField(default=list)

    class Meta:
        ordering = ["at", "created_at"]


class Screening(BaseModel):
    """A manager's screening against the profile's threshold model (SC-2, SC-6, CO-1, CO-2)."""

    class Rag(models.TextChoices):  # SC-6
        RED = "RED", "Red: immediate risk of significant harm"
        AMBER = "AMBER", "Amber: at the social care threshold, not immediate risk"
        GREEN = "GREEN", "Green: below the social care threshold"

    class Consent(models.TextChoices):  # CO-1, CO-2
        GIVEN = "GIVEN", "Parents have consented"
        TO_BE_SOUGHT = "TO_BE_SOUGHT", "Consent to be sought by the social worker"
        OVERRIDDEN = "OVERRIDDEN", "Checks authorised without consent: seeking it would risk harm"
        NOT_NEEDED = "NOT_NEEDED", "Not needed: no checks with partner agencies"

    contact = models.OneToOneField(Contact, on_delete=models.PROTECT, related_name="screening")
    threshold_level = models.CharField(max_length=64)
    threshold_level_label = models.CharField(max_length=200)
    meets_social_care_threshold = models.BooleanField()
    rag = models.CharField(max_length=8, choices=Rag)
    consent = models.CharField(max_length=16, choices=Consent)
    consent_override_reason = models.TextField(blank=True)
    rationale = models.TextField()
    screened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    screened_at = models.DateTimeField()


class Recommendation(BaseModel):
    """The social worker's recommended outcome and rationale (MA-6). The latest one counts."""

    contact = models.ForeignKey(Contact, on_delete=models.PROTECT, related_name="recommendations")
    outcome = models.CharField(max_length=16)
    analysis = models.TextField(
        blank=True, help_text="What the partners shared means, against the history (MA-6)."
    )
    rationale = models.TextField()
    recommended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recommended_at = models.DateTimeField()

    class Meta:
        ordering = ["recommended_at"]


class Outcome(models.TextChoices):  # OU-1
    NFA = "NFA", "No further action (with information, advice or signposting)"
    UNIVERSAL = "UNIVERSAL", "Universal services"
    EARLY_HELP = "EARLY_HELP", "Early help"
    S17 = "S17", "Child in need assessment (section 17)"
    S47 = "S47", "Strategy discussion and child protection enquiry (section 47)"


class Decision(BaseModel):
    """The manager's decision on the type of response (TS-1, OU-1, MA-6)."""

    Outcome = Outcome

    contact = models.OneToOneField(Contact, on_delete=models.PROTECT, related_name="decision")
    recommendation = models.ForeignKey(Recommendation, on_delete=models.PROTECT, related_name="+")
    agrees_with_recommendation = models.BooleanField()
    outcome = models.CharField(max_length=16, choices=Outcome)
    rationale = models.TextField()
    signposting = models.TextField(blank=True)
    passed_to = models.ForeignKey(
        "accounts.Team", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )  # MA-6: the team that acts; none when the MASH closes it
    revised_at = models.DateTimeField(
        null=True, blank=True, help_text="When a dispute's binding outcome replaced it (DM-1)."
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(outcome__in=[o.value for o in Outcome]), name="decision_outcome_valid"
            ),
        ]


class Clock(BaseModel):
    """A due time set when an event happened, with the rule and the arithmetic (RULES.md §2).

    Stored, never recomputed: a later change to the profile does not move a due time already
    promised. `met_at` is set when the thing that was due happens.
    """

    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="clocks")
    rule_id = models.CharField(max_length=8)
    label = models.CharField(max_length=200)
    started_at = models.DateTimeField()
    due_at = models.DateTimeField(db_index=True)
    explanation = models.JSONField(default=list)
    met_at = models.DateTimeField(null=True, blank=True)
    met_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    met_note = models.TextField(blank=True)

    class Meta:
        ordering = ["due_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["contact", "rule_id"],
                condition=Q(met_at__isnull=True),
                name="one_open_clock_per_rule",
            ),
        ]
        # The deadline sweep reads open clocks by due time every minute (mash.alerts).
        indexes = [
            models.Index(fields=["due_at"], condition=Q(met_at__isnull=True), name="clock_open_due")
        ]

    def __str__(self) -> str:
        return f"{self.rule_id} due {self.due_at:%Y-%m-%d %H:%M}"

    @property
    def is_open(self) -> bool:
        return self.met_at is None


class WrittenConfirmation(BaseModel):
    """What a referrer sent to confirm a telephone referral in writing (IN-7, TS-4).

    The file is kept in the database (no media server), with its SHA-256 so a copy can be
    proved to be the one received; the pasted text of an email may stand with or instead of
    a file.
    """

    class How(models.TextChoices):
        SECURE_EMAIL = "SECURE_EMAIL", "Secure email"
        EMAIL = "EMAIL", "Email"
        POST = "POST", "Post"
        BY_HAND = "BY_HAND", "By hand"
        OTHER = "OTHER", "Another way"

    contact = models.ForeignKey(
        Contact, on_delete=models.PROTECT, related_name="written_confirmations"
    )
    clock = models.ForeignKey(
        Clock, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    arrived_at = models.DateTimeField()
    how = models.CharField(max_length=16, choices=How)
    note = models.TextField(blank=True)
    text = models.TextField(blank=True, help_text="The pasted text of the email, if any.")
    file_name = models.CharField(max_length=255, blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    size = models.PositiveIntegerField(default=0)
    data = models.BinaryField(blank=True, default=b"", editable=False)
    sha256 = models.CharField(max_length=64, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["arrived_at"]

    def __str__(self) -> str:
        return f"Written confirmation of {self.contact_id}, {self.arrived_at:%Y-%m-%d %H:%M}"

    @property
    def has_file(self) -> bool:
        return bool(self.file_name)


class WrittenConfirmationChase(BaseModel):
    """The referrer chased once when TS-4 broke (IN-7: "the system tracks and chases").

    One per clock: a second sweep cannot chase twice. `how` is EMAIL when the referrer was
    emailed, PHONE when there was no address and the responsible worker was asked to phone.
    """

    class How(models.TextChoices):
        EMAIL = "EMAIL", "by email"
        PHONE = "PHONE", "by phone (the responsible worker was asked to call)"

    clock = models.OneToOneField(Clock, on_delete=models.CASCADE, related_name="chase")
    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="chases")
    chased_at = models.DateTimeField()
    how = models.CharField(max_length=8, choices=How)
    recipient = models.CharField(max_length=320, blank=True, help_text="The address emailed.")
    asked_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    notification_id = models.UUIDField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Chase {self.get_how_display()} at {self.chased_at:%Y-%m-%d %H:%M}"
