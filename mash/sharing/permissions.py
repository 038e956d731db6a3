"""Who may do what in multi-agency information sharing (house style 6.6).

Visibility is `InformationRequest.objects.visible_to` and `Contribution.objects.visible_to`;
these predicates say who may act. Services and templates both ask them.
"""

from __future__ import annotations

from typing import Any

from mash.accounts.models import Membership

Role = Membership.Role

_PRACTITIONERS = (Role.MASH_SOCIAL_WORKER, Role.PRACTICE_MANAGER, Role.TEAM_MANAGER)
_OVERRIDERS = (Role.PRACTICE_MANAGER, Role.TEAM_MANAGER)  # CO-2


def _has(user: Any, roles: tuple[str, ...]) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and user.has_role(*roles)


def can_request_checks(user: Any) -> bool:
    """MASH social care staff decide which partners to ask (MA-2)."""
    return _has(user, _PRACTITIONERS)


def can_record_consent(user: Any) -> bool:
    """Record that parents consented or refused (CO-1): the MASH social care staff."""
    return _has(user, _PRACTITIONERS)


def can_authorise_override(user: Any) -> bool:
    """Authorise checks without consent: a Team or Practice Manager only (CO-2)."""
    return _has(user, _OVERRIDERS)


def can_chase(user: Any) -> bool:
    """Chase an agency whose answer is due or overdue: practitioners and business support."""
    return _has(user, (Role.CUSTOMER_ADVISOR, *_PRACTITIONERS))


def can_close_unanswered(user: Any) -> bool:
    """Go ahead without an agency's answer, with the reason (the child cannot wait)."""
    return _has(user, _PRACTITIONERS)


def can_complete_checks(user: Any) -> bool:
    """Finish the MASH checks and write the analysis (SC-6, MA-6)."""
    return _has(user, _PRACTITIONERS)


def can_contribute(user: Any, agency_id: Any) -> bool:
    """A partner officer answers for its own agency only (MA-2)."""
    return bool(getattr(user, "is_authenticated", False)) and agency_id in (
        user.partner_agency_ids()
    )


def can_use_partner_workspace(user: Any) -> bool:
    """The partner workspace is for partner-agency officers (MA-2, MA-8)."""
    return bool(getattr(user, "is_authenticated", False)) and user.is_partner()
