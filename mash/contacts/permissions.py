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


def can_record_missing_review(user: Any) -> bool:
    """The Missing Coordinators' review (SP-2): a missing coordinator, or the MASH's
    practitioners on the coordinators' behalf (as before issue 6)."""
    return _has(user, (Role.MISSING_COORDINATOR, *_PRACTITIONERS))


def can_check_dct_criteria(user: Any) -> bool:
    """Check the Disabled Children's Team's criteria (SC-8): the DCT or MASH practitioners."""
    return _has(user, (Role.DCT_WORKER, *_PRACTITIONERS))


def can_record_dct_decision(user: Any) -> bool:
    """Record the DCT's decision after the discussion (SC-8): a DCT worker records its own
    team's decision; a Practice or Team Manager may record it for them."""
    return _has(user, (Role.DCT_WORKER, *_SCREENERS))


_ALL_INBOXES = (
    Role.PRACTICE_MANAGER,
    Role.TEAM_MANAGER,
    Role.SERVICE_MANAGER,
    Role.HEAD_OF_SERVICE,
    Role.ASSISTANT_DIRECTOR,
    Role.AUDITOR,
)


def can_see_every_inbox(user: Any) -> bool:
    """MASH managers and the auditor see every team's inbox; everyone else with case records
    sees the inboxes of the teams they belong to (`User.team_ids`, ADR 0012)."""
    return _has(user, _ALL_INBOXES)


def can_see_inbox(user: Any, team: Any) -> bool:
    """May `user` open `team`'s inbox?"""
    if not (getattr(user, "is_authenticated", False) and user.sees_case_records()):
        return False
    return can_see_every_inbox(user) or team.pk in user.team_ids()
