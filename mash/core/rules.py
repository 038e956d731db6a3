"""Small guards every service uses: refuse in plain English, naming the rules applied."""

from __future__ import annotations

from mash.core.errors import ApplicationError, NotPermitted


def require(allowed: bool, message: str, *rule_ids: str) -> None:
    """Refuse with NotPermitted unless `allowed` (the caller's role or agency)."""
    if not allowed:
        raise NotPermitted(message, rule_ids=rule_ids)


def require_text(value: str, field: str, message: str, *rule_ids: str) -> str:
    """`value` stripped, or an ApplicationError on `field` when nothing was written."""
    text = (value or "").strip()
    if not text:
        raise ApplicationError(message, field=field, rule_ids=rule_ids)
    return text
