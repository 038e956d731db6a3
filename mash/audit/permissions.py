"""Who may read the audit trail (ADR 0010)."""

from __future__ import annotations

from typing import Any

from mash.accounts.models import Role

# The auditor, and the senior managers who answer complaints and data protection questions
# about the service (CO-4, CO-6). Nobody changes the trail.
AUDIT_READERS = (Role.AUDITOR, Role.SERVICE_MANAGER, Role.HEAD_OF_SERVICE)


def can_read_audit_trail(user: Any) -> bool:
    """True for a signed-in auditor, service manager or head of service."""
    return bool(getattr(user, "is_authenticated", False) and user.has_role(*AUDIT_READERS))
