"""What each role may do with a contact. Templates and services both ask these (house style 6.6).

Visibility (who may *see* a contact) is `Contact.objects.visible_to(user)`; these predicates
say who may *act*. An auditor sees everything and may do nothing.
"""

from __future__ import annotations

from typing import Any

from mash.accounts.models import Membership

Role = Membership.Role

_RECORDERS = (
    Role.CUSTOMER_ADVISOR,
    Role.MASH_SOCIAL_WORKER,
    Role.PRACTICE_MANAGER,
    Role.TEAM_MANAGER,
    Role.SERVICE_MANAGER,
)
_PRACTITIONERS = (Role.MASH_SOCIAL_WORKER, Role.PRACTICE_MANAGER, Role.TEAM_MANAGER)
_SCREENERS = (Role.PRACTICE_MANAGER, Role.TEAM_MANAGER)  # SC-4, TS-1: usually a Practice Manager
_DECIDERS = (Role.PRACTICE_MANAGER, Role.TEAM_MANAGER, Role.SERVICE_MANAGER)  # MA-6, DM-1


def _has(user: Any, roles: tuple[str, ...]) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and user.has_role(*roles)


def can_record_contact(user: Any) -> bool:
    """Customer advisors take calls; MASH practitioners and managers record contacts too."""
    return _has(user, _RECORDERS)


def can_check_history(user: Any) -> bool:
    """Link each person to the social-care database or confirm them new (SC-4)."""
    return _has(user, (Role.CUSTOMER_ADVISOR, *_PRACTITIONERS))


def can_screen(user: Any) -> bool:
    """Apply the threshold model and set RAG urgency: Practice or Team Manager (SC-2, SC-6)."""
    return _has(user, _SCREENERS)


def can_recommend(user: Any) -> bool:
    """Record the recommended outcome and rationale (MA-6)."""
    return _has(user, _PRACTITIONERS)


def can_decide(user: Any) -> bool:
    """Agree or disagree with the recommendation and set the outcome (MA-6, OU-1)."""
    return _has(user, _DECIDERS)


def can_close(user: Any) -> bool:
    """Close a decided contact."""
    return _has(user, _PRACTITIONERS)


def can_record_follow_up(user: Any) -> bool:
    """Record the acknowledgement (TS-5) and written confirmation (TS-4)."""
    return _has(user, (Role.CUSTOMER_ADVISOR, *_PRACTITIONERS))
