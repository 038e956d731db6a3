"""Who sees deadline alerts: MASH staff their own; managers their teams' too (issue 7).

Partner officers, the system administrator and the pathway-only roles get no alerts page:
alerts are about the MASH's own clocks (CO-4).
"""

from __future__ import annotations

from typing import Any

from mash.accounts.models import Role

TEAM_MANAGERS = (Role.PRACTICE_MANAGER, Role.TEAM_MANAGER)
SERVICE_MANAGERS = (Role.SERVICE_MANAGER, Role.HEAD_OF_SERVICE)


def _signed_in(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False))


def can_see_alerts(user: Any) -> bool:
    """Any MASH staff member: the alerts addressed to them."""
    return _signed_in(user) and user.is_mash_staff()


def can_see_team_alerts(user: Any) -> bool:
    """Practice, team and service managers and heads of service: their teams' alerts."""
    return _signed_in(user) and user.has_role(*TEAM_MANAGERS, *SERVICE_MANAGERS)


def sees_every_team(user: Any) -> bool:
    """Service managers and heads of service oversee every team's alerts."""
    return _signed_in(user) and user.has_role(*SERVICE_MANAGERS)
