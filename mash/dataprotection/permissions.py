"""Who may do what in data protection (ADR 0013). Services and templates both ask these.

- Subject access (CO-6): managers who can judge what to withhold and answer for it — practice,
  team and service managers and heads of service. Not social workers or business support (the
  withholding needs a manager's judgement), not partner agencies (a request is answered by the
  council as controller; an agency answers requests for its own records). Auditors may read
  the request and its withheld schedule (to check the withholding), never the export itself.
- Retention: team and service managers and heads of service decide; disposal is approved by a
  service manager or head of service who did not propose it. Auditors read.
- The share register (CO-4): auditors and the managers.
"""

from __future__ import annotations

from typing import Any

from mash.accounts.models import Membership

Role = Membership.Role

SAR_ROLES = (Role.PRACTICE_MANAGER, Role.TEAM_MANAGER, Role.SERVICE_MANAGER, Role.HEAD_OF_SERVICE)
RETENTION_DECIDERS = (Role.TEAM_MANAGER, Role.SERVICE_MANAGER, Role.HEAD_OF_SERVICE)
DISPOSAL_APPROVERS = (Role.SERVICE_MANAGER, Role.HEAD_OF_SERVICE)
REGISTER_READERS = (*SAR_ROLES, Role.AUDITOR)


def _has(user: Any, roles: tuple[str, ...]) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and user.has_role(*roles)


def can_handle_subject_access(user: Any) -> bool:
    """Record a subject access request, produce the export, release a withheld item (CO-6)."""
    return _has(user, SAR_ROLES)


def can_read_subject_access(user: Any) -> bool:
    """See the requests and the withheld schedule: the handlers and auditors."""
    return _has(user, (*SAR_ROLES, Role.AUDITOR))


def can_decide_retention(user: Any) -> bool:
    """Keep a record past its review date, or propose its disposal."""
    return _has(user, RETENTION_DECIDERS)


def can_approve_disposal(user: Any) -> bool:
    """Approve a disposal someone else proposed (the second person)."""
    return _has(user, DISPOSAL_APPROVERS)


def can_read_retention(user: Any) -> bool:
    """See the retention reviews: the deciders and auditors."""
    return _has(user, (*RETENTION_DECIDERS, Role.AUDITOR))


def can_read_share_register(user: Any) -> bool:
    """See the register of disclosures to partner agencies (CO-4)."""
    return _has(user, REGISTER_READERS)
