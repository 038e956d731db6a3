"""Who may raise, see and settle a dispute about a MASH recommendation (DM-1)."""

from __future__ import annotations

from typing import Any

from mash.accounts.models import Membership
from mash.disputes.models import LADDER, Level

Role = Membership.Role

# Each level of the ladder and the role that sits there (DM-1).
LEVEL_ROLES: dict[str, str] = {
    Level.TEAM_MANAGERS: Role.TEAM_MANAGER,
    Level.SERVICE_MANAGERS: Role.SERVICE_MANAGER,
    Level.HEADS_OF_SERVICE: Role.HEAD_OF_SERVICE,
    Level.ASSISTANT_DIRECTOR: Role.ASSISTANT_DIRECTOR,
}
_RAISERS = (Role.MASH_SOCIAL_WORKER, Role.PRACTICE_MANAGER, Role.TEAM_MANAGER)


def _signed_in(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False))


def can_raise_dispute(user: Any, asked_agency_ids: set[Any]) -> bool:
    """MASH social care staff, or an officer of an agency asked on the contact (DM-1)."""
    if not _signed_in(user):
        return False
    return user.has_role(*_RAISERS) or bool(set(user.partner_agency_ids()) & asked_agency_ids)


def can_act_at_level(user: Any, level: str) -> bool:
    """Record a step at `level`: a manager of that level or above (DM-1's ladder)."""
    if not _signed_in(user):
        return False
    index = LADDER.index(Level(level))
    return user.has_role(*(LEVEL_ROLES[step] for step in LADDER[index:]))


def can_see_dispute(user: Any, dispute: Any) -> bool:
    """MASH staff see every dispute; a partner sees those its own agency raised."""
    if not _signed_in(user):
        return False
    return user.is_mash_staff() or dispute.raised_by_agency_id in user.partner_agency_ids()
