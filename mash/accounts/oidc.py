"""Council single sign-on through OpenID Connect (docs/single-sign-on.md, ADR 0011).

`mozilla-django-oidc` does the protocol (authorisation code flow with PKCE, ID token
signature and nonce checks). This module decides who the verified claims are:

- the person must already have a staff account here (no accounts are made by sign-on);
  they are found by the identity provider's subject (`sub`, remembered after the first
  sign-on) or else by a verified email address matching exactly one account;
- the groups claim sets the roles: OIDC_GROUP_ROLES maps each group to an agency, a role and
  optionally a team. Memberships the mapping can grant follow the groups (added or ended);
  memberships outside the mapping are left as the system administrator set them;
- MFA is delegated to the identity provider: with OIDC_REQUIRE_MFA_CLAIM the ID token's
  `amr` claim must say MFA was done, or the sign-on is refused.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import SuspiciousOperation
from django.db import transaction
from django.utils import timezone

from mash.accounts import security
from mash.accounts.models import AccountSecurity, Agency, Membership, Role, Team, User
from mash.audit import services as audit


class ClaimsRefused(Exception):
    """The claims do not identify exactly one staff account allowed to sign in this way."""


@dataclass(frozen=True)
class Grant:
    """One group's meaning here: a role in an agency (and team)."""

    agency: str
    role: str
    team: str = ""


def parse_group_roles(text: str) -> dict[str, Grant]:
    """`"group-id=agency-code:ROLE[:team-code]; …"` → {group: Grant}. Unknown roles raise
    ValueError, so a typo in the configuration stops start-up instead of granting nothing."""
    mapping: dict[str, Grant] = {}
    for entry in filter(None, (part.strip() for part in text.split(";"))):
        group, _, target = entry.partition("=")
        parts = target.split(":")
        if not group or len(parts) not in (2, 3) or parts[1] not in Role.values:
            raise ValueError(f"OIDC_GROUP_ROLES entry {entry!r}: use group=agency:ROLE[:team]")
        mapping[group.strip()] = Grant(parts[0], parts[1], parts[2] if len(parts) == 3 else "")
    return mapping


def _mfa_done(claims: Mapping[str, Any]) -> bool:
    amr = claims.get("amr") or []
    return "mfa" in (amr if isinstance(amr, list) else [amr])


def find_user(claims: Mapping[str, Any]) -> User:
    """The one active staff account the claims belong to, or ClaimsRefused."""
    subject = str(claims.get("sub") or "")
    if not subject:
        raise ClaimsRefused("no subject")
    known = AccountSecurity.objects.filter(oidc_subject=subject).select_related("user").first()
    if known is not None:
        user = known.user
    else:
        # Only an address the provider says it verified: an unverified (or editable) email
        # claim would let another identity take over a staff account ("nOAuth").
        email = str(claims.get("email") or "")
        if not email or claims.get("email_verified") is not True:
            raise ClaimsRefused("no verified email address")
        matches = list(User.objects.filter(email__iexact=email)[:2])
        if len(matches) != 1:
            raise ClaimsRefused("the email address does not match exactly one account")
        user = matches[0]
        bound = security.security_of(user).oidc_subject
        if bound and bound != subject:
            raise ClaimsRefused("the account is already linked to another identity")
    if not user.is_active:
        raise ClaimsRefused("account switched off")
    return user


def _covers(grant: Grant, membership: Membership) -> bool:
    """A grant without a team covers the role in that agency in any team."""
    team = membership.team.code if membership.team else ""
    return (
        grant.agency == membership.agency.code
        and grant.role == membership.role
        and (not grant.team or grant.team == team)
    )


def _sync_memberships(user: User, groups: list[str], mapping: Mapping[str, Grant]) -> None:
    wanted = {mapping[group] for group in groups if group in mapping}
    now = timezone.now()
    memberships = list(user.active_memberships().select_related("agency", "team"))
    for membership in memberships:
        covered = any(_covers(grant, membership) for grant in mapping.values())
        if covered and not any(_covers(grant, membership) for grant in wanted):
            membership.ends_at = now
            membership.save(update_fields=["ends_at", "updated_at"])
    for grant in wanted:
        if not any(_covers(grant, membership) for membership in memberships):
            Membership.objects.create(
                user=user,
                agency=Agency.objects.get(code=grant.agency),
                team=Team.objects.filter(code=grant.team).first() if grant.team else None,
                role=grant.role,
                starts_at=now,
            )


@transaction.atomic
def user_for_claims(claims: Mapping[str, Any]) -> User:
    """Map verified ID token / userinfo claims to a staff account and its roles."""
    if getattr(settings, "OIDC_REQUIRE_MFA_CLAIM", True) and not _mfa_done(claims):
        raise ClaimsRefused("the identity provider did not report MFA (amr)")
    user = find_user(claims)
    row = security.security_of(user)
    if not row.oidc_subject:
        row.oidc_subject = str(claims["sub"])
        row.save(update_fields=["oidc_subject", "updated_at"])
    groups = claims.get(settings.OIDC_GROUPS_CLAIM) or []
    mapping = parse_group_roles(settings.OIDC_GROUP_ROLES)
    if mapping:
        _sync_memberships(user, [str(g) for g in groups], mapping)
    if hasattr(user, "_active_roles"):
        del user._active_roles
    return user


try:
    from mozilla_django_oidc.auth import OIDCAuthenticationBackend
except ImportError:  # pragma: no cover - the package is in requirements.txt
    OIDCAuthenticationBackend = object  # type: ignore[misc,assignment]


class MashOIDCBackend(OIDCAuthenticationBackend):  # type: ignore[misc,valid-type]
    """mozilla-django-oidc's backend with this service's mapping (settings: only listed in
    AUTHENTICATION_BACKENDS when OIDC_RP_CLIENT_ID is set)."""

    def verify_claims(self, claims: dict[str, Any]) -> bool:
        return bool(claims.get("sub"))

    def get_userinfo(self, access_token: str, id_token: str, payload: dict[str, Any]) -> Any:
        """The userinfo endpoint's claims with the verified ID token's over them: `amr` (was
        MFA done?) is an ID token claim that providers seldom repeat in userinfo."""
        userinfo = super().get_userinfo(access_token, id_token, payload) or {}
        if userinfo.get("sub") not in (None, payload.get("sub")):
            raise SuspiciousOperation("The userinfo claims are for another subject.")
        return {**userinfo, **payload}

    def filter_users_by_claims(self, claims: dict[str, Any]) -> Any:
        try:
            user = user_for_claims(claims)
        except ClaimsRefused as refusal:
            audit.record(
                actor=None,
                action="account.sign_in_failed",
                actor_name="Single sign-on",
                data={"method": "oidc", "reason": str(refusal)},
            )
            return User.objects.none()
        return User.objects.filter(pk=user.pk)

    def create_user(self, claims: dict[str, Any]) -> None:  # OIDC_CREATE_USER is False
        return None

    def update_user(self, user: User, claims: dict[str, Any]) -> User:
        security.record_success(user)
        audit.record(actor=user, action="account.signed_in", data={"second_factor": "oidc"})
        return user
