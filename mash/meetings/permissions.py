"""Who may record meetings and emergency action (MA-7, OU-2, OU-5)."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from mash.accounts.models import Membership, User

Role = Membership.Role

_PRACTITIONERS = (Role.MASH_SOCIAL_WORKER, Role.PRACTICE_MANAGER, Role.TEAM_MANAGER)


def _has(user: Any, roles: tuple[str, ...]) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and user.has_role(*roles)


def can_record_meeting(user: Any) -> bool:
    """MASH social care staff minute meetings and record emergency action (MA-7, OU-2, OU-5).
    The chair is always a Team Manager, checked by the services."""
    return _has(user, _PRACTITIONERS)


def can_issue_meeting(user: Any) -> bool:
    """A Team Manager issues a MASH meeting's record to the agencies (MA-7)."""
    return _has(user, (Role.TEAM_MANAGER,))


def social_work_team_managers() -> QuerySet[User]:
    """Who can chair a MASH meeting or strategy discussion (MA-7, OU-2): a Team Manager of
    children's social care, with a membership that has started and not ended."""
    now = timezone.now()
    return (
        User.objects.filter(
            is_active=True,
            memberships__role=Role.TEAM_MANAGER,
            memberships__agency__is_childrens_social_care=True,
            memberships__starts_at__lte=now,
        )
        .filter(Q(memberships__ends_at__isnull=True) | Q(memberships__ends_at__gt=now))
        .distinct()
        .order_by("last_name", "first_name")
    )
