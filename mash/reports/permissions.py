"""Who reads management information (DM-2): the MASH's managers, and the auditor.

The figures are about the service, not one child, but the overview names children and workers
and the returns are child-level lists, so only those who oversee the work see them (ADR 0020).
"""

from __future__ import annotations

from typing import Any

from mash.accounts.models import Role

MANAGERS = (
    Role.PRACTICE_MANAGER,
    Role.TEAM_MANAGER,
    Role.SERVICE_MANAGER,
    Role.HEAD_OF_SERVICE,
    Role.ASSISTANT_DIRECTOR,
)


def _signed_in(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False))


def can_read_management_information(user: Any) -> bool:
    """Managers (practice manager up to assistant director) and the auditor."""
    return _signed_in(user) and user.has_role(*MANAGERS, Role.AUDITOR)


def can_audit_cases(user: Any) -> bool:
    """Managers draw dip samples and record audit findings (DM-2); the auditor only reads."""
    return _signed_in(user) and user.has_role(*MANAGERS)
