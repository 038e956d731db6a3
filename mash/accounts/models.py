"""Who works in the MASH: agencies, teams, users and the roles they hold.

Agencies and teams come from the active policy profile (MA-1) and are synced into the database
so that memberships, audit events and later information requests can point at them.
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone

from mash.core.models import BaseModel


class Agency(BaseModel):
    """A partner agency or the local authority's children's social care (MA-1)."""

    code = models.SlugField(max_length=64, unique=True)
    kind = models.CharField(
        max_length=32, blank=True, help_text="What the agency is (MA-1): police, health, …"
    )
    name = models.CharField(max_length=200)
    co_located = models.BooleanField(
        default=False, help_text="Co-located in the MASH: electronic checks need no consent (CO-3)."
    )
    is_childrens_social_care = models.BooleanField(default=False)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "agencies"

    def __str__(self) -> str:
        return self.name


class Team(BaseModel):
    """A team of the authority a contact can be passed to (MASH, duty and assessment, …)."""

    code = models.SlugField(max_length=64, unique=True)
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=32)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    """A person signed in to the service. What they may do comes from their memberships."""

    def active_memberships(self) -> models.QuerySet[Membership]:
        """Memberships that have started and not ended (queries: a method, not a property)."""
        now = timezone.now()
        return self.memberships.filter(starts_at__lte=now).filter(
            Q(ends_at__isnull=True) | Q(ends_at__gt=now)
        )

    def active_roles(self) -> frozenset[str]:
        """The roles this user holds now. A MASH staff role counts only in a children's social
        care membership: a partner agency's own manager is not a MASH manager (CO-4)."""
        if not self.is_active:
            return frozenset()
        cached = getattr(self, "_active_roles", None)
        if cached is None:
            rows = self.active_memberships().values_list("role", "agency__is_childrens_social_care")
            cached = frozenset(
                role for role, csc in rows if csc or role not in Membership.CSC_ROLES
            )
            self._active_roles = cached
        return cached

    def has_role(self, *roles: str) -> bool:
        """True when the user holds any of `roles` now."""
        return bool(self.active_roles() & set(roles))

    def is_mash_staff(self) -> bool:
        """Children's social care staff working in the MASH (see every contact)."""
        return self.has_role(*Membership.MASH_STAFF_ROLES)

    def partner_agency_ids(self) -> frozenset[object]:
        """The agencies this user acts for as a partner-agency officer now (MA-2, CO-4)."""
        if not self.is_active:
            return frozenset()
        cached = getattr(self, "_partner_agency_ids", None)
        if cached is None:
            cached = frozenset(
                self.active_memberships()
                .filter(role=Role.PARTNER_OFFICER)
                .values_list("agency_id", flat=True)
            )
            self._partner_agency_ids = cached
        return cached

    def team_ids(self) -> frozenset[object]:
        """The teams of the user's current children's social care memberships: the user sees
        those teams' inboxes and the contacts they hold (ADR 0012)."""
        if not self.is_active:
            return frozenset()
        cached = getattr(self, "_team_ids", None)
        if cached is None:
            cached = frozenset(
                self.active_memberships()
                .filter(team__isnull=False, agency__is_childrens_social_care=True)
                .exclude(role__in=(Role.PARTNER_OFFICER, Role.SYSTEM_ADMINISTRATOR))
                .values_list("team_id", flat=True)
            )
            self._team_ids = cached
        return cached

    def sees_case_records(self) -> bool:
        """MASH staff see every contact; missing coordinators and the Disabled Children's
        Team see the contacts they have a part in (ADR 0012). Nobody else opens one."""
        return self.is_mash_staff() or self.has_role(*Membership.PATHWAY_ROLES)

    def is_system_administrator(self) -> bool:
        """Manages accounts, agencies, teams and API tokens; reads no child's record."""
        return self.has_role(Role.SYSTEM_ADMINISTRATOR)

    def is_partner(self) -> bool:
        """A partner-agency officer for at least one agency (sees only what it is asked)."""
        return bool(self.partner_agency_ids())

    def primary_agency(self) -> Agency | None:
        """The agency of the user's first active membership, for the audit trail."""
        membership = self.active_memberships().select_related("agency").first()
        return membership.agency if membership else None

    def display_name(self) -> str:
        """Full name, or the username when no name is recorded."""
        return self.get_full_name() or self.username


class Role(models.TextChoices):
    CUSTOMER_ADVISOR = "CUSTOMER_ADVISOR", "Customer advisor (business support)"
    MASH_SOCIAL_WORKER = "MASH_SOCIAL_WORKER", "MASH social worker"
    PRACTICE_MANAGER = "PRACTICE_MANAGER", "Practice manager"
    TEAM_MANAGER = "TEAM_MANAGER", "Team manager"
    SERVICE_MANAGER = "SERVICE_MANAGER", "Service manager"
    HEAD_OF_SERVICE = "HEAD_OF_SERVICE", "Head of service"
    ASSISTANT_DIRECTOR = "ASSISTANT_DIRECTOR", "Assistant director"
    PARTNER_OFFICER = "PARTNER_OFFICER", "Partner agency officer"
    AUDITOR = "AUDITOR", "Auditor (read only)"
    # Issue 6 (ADR 0012): narrower roles that see only the contacts they have a part in.
    MISSING_COORDINATOR = "MISSING_COORDINATOR", "Missing coordinator (SP-2)"
    DCT_WORKER = "DCT_WORKER", "Disabled Children's Team worker (SC-8)"
    SYSTEM_ADMINISTRATOR = "SYSTEM_ADMINISTRATOR", "System administrator (no case records)"


class Membership(BaseModel):
    """A user acting for an agency in a role. A user may hold several."""

    Role = Role

    MASH_STAFF_ROLES = (
        Role.CUSTOMER_ADVISOR,
        Role.MASH_SOCIAL_WORKER,
        Role.PRACTICE_MANAGER,
        Role.TEAM_MANAGER,
        Role.SERVICE_MANAGER,
        Role.HEAD_OF_SERVICE,
        Role.ASSISTANT_DIRECTOR,
        Role.AUDITOR,
    )
    # Children's social care roles that see only the contacts they have a part in (SP-2,
    # SC-8, ADR 0012): held in a children's social care membership, but not MASH staff.
    PATHWAY_ROLES = (Role.MISSING_COORDINATOR, Role.DCT_WORKER)
    CSC_ROLES = (*MASH_STAFF_ROLES, *PATHWAY_ROLES)

    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="memberships")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="memberships")
    team = models.ForeignKey(
        Team, null=True, blank=True, on_delete=models.PROTECT, related_name="memberships"
    )
    role = models.CharField(max_length=32, choices=Role)
    starts_at = models.DateTimeField(default=timezone.now)
    ends_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(role__in=[r.value for r in Role]), name="membership_role_valid"
            ),
            models.CheckConstraint(
                condition=Q(ends_at__isnull=True) | Q(ends_at__gt=models.F("starts_at")),
                name="membership_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()}, {self.agency}"

    def clean(self) -> None:
        """A MASH staff role belongs to children's social care: elsewhere it would grant
        nothing (`User.active_roles`), so the admin says so rather than saving it."""
        super().clean()
        agency = getattr(self, "agency", None)
        if (
            agency is not None
            and self.role in self.CSC_ROLES
            and not agency.is_childrens_social_care
        ):
            raise ValidationError(
                {
                    "role": "Only children's social care staff hold this role. Choose "
                    "'Partner agency officer' for someone from a partner agency."
                }
            )


class AccountSecurity(BaseModel):
    """How a user signs in safely: failed attempts and lockout, and their authenticator app.

    One row per user, made when first needed. The TOTP secret is stored encrypted
    (`mash.accounts.mfa`) and never shown again after enrolment; `totp_last_step` is the last
    30-second step accepted, so a code cannot be used twice (RFC 6238 section 5.2).
    """

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="security")
    failed_attempts = models.PositiveIntegerField(default=0)
    locked_at = models.DateTimeField(null=True, blank=True)
    locked_until = models.DateTimeField(
        null=True,
        blank=True,
        help_text="Empty while locked: locked until an administrator unlocks.",
    )
    totp_secret = models.TextField(blank=True, help_text="Encrypted; never displayed.")
    totp_confirmed_at = models.DateTimeField(null=True, blank=True)
    totp_last_step = models.BigIntegerField(null=True, blank=True)
    oidc_subject = models.CharField(
        max_length=255, blank=True, help_text="The identity provider's `sub` for this user."
    )

    class Meta:
        verbose_name_plural = "account security"
        constraints = [
            models.UniqueConstraint(
                fields=["oidc_subject"],
                condition=~Q(oidc_subject=""),
                name="account_security_oidc_subject_unique",
            )
        ]

    def __str__(self) -> str:
        return f"Sign-in security of {self.user}"

    @property
    def mfa_enrolled(self) -> bool:
        return self.totp_confirmed_at is not None and bool(self.totp_secret)

    def is_locked(self, now: object = None) -> bool:
        """Locked now: a lock that has not run out (no end: until an administrator unlocks)."""
        when = now or timezone.now()
        return self.locked_at is not None and (
            self.locked_until is None or self.locked_until > when  # type: ignore[operator]
        )


class RecoveryCode(BaseModel):
    """A single-use code to sign in without the authenticator app; only its hash is kept."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="recovery_codes")
    code_hash = models.CharField(max_length=128)
    used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Recovery code of {self.user}{' (used)' if self.used_at else ''}"
