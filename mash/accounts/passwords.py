"""Password rules beyond Django's own, following NCSC password guidance (ADR 0011).

Length over complexity: no composition rules and no expiry. Long passphrases are welcome;
the cap only stops someone posting megabytes for the server to hash. Passwords made of the
service's own words (the service, the council, "safeguarding") are the first an attacker
tries against this service, so they are refused like Django's common-password list.
"""

from __future__ import annotations

import re
from typing import Any

from django.core.exceptions import ValidationError

SERVICE_WORDS = (
    "mash",
    "mast",
    "safeguarding",
    "safeguard",
    "children",
    "childrens",
    "social",
    "care",
    "council",
    "password",
    "front",
    "door",
    "welcome",
)
# Letters that must remain once the service's words, digits and symbols are taken out.
_MINIMUM_OWN_LETTERS = 6


class MaximumLengthValidator:
    """At most `max_length` characters (NCSC: allow at least 64)."""

    def __init__(self, max_length: int = 128) -> None:
        self.max_length = max_length

    def validate(self, password: str, user: Any = None) -> None:
        if len(password) > self.max_length:
            raise ValidationError(
                f"Your password must be {self.max_length} characters or fewer.",
                code="password_too_long",
            )

    def get_help_text(self) -> str:
        return f"Your password can be up to {self.max_length} characters long."


def _local_words() -> list[str]:
    """Words of the active authority and service name ("Rotherham", "Northamptonshire")."""
    from django.conf import settings

    from mash.policy.profiles import active_profile  # late: accounts is loaded before policy

    profile = active_profile()
    text = " ".join([profile.authority, profile.service_name, settings.MASH_SERVICE_NAME])
    return [word for word in re.findall(r"[a-z]+", text.lower()) if len(word) >= 4]


class ServiceWordsValidator:
    """Refuse passwords that are only this service's or council's words with digits and
    symbols, like "Safeguarding2026!" or "Northamptonshire123"."""

    def validate(self, password: str, user: Any = None) -> None:
        remaining = password.lower()
        for word in sorted({*SERVICE_WORDS, *_local_words()}, key=len, reverse=True):
            remaining = remaining.replace(word, "")
        if len(re.sub(r"[^a-z]", "", remaining)) < _MINIMUM_OWN_LETTERS:
            raise ValidationError(
                "Your password is too easy to guess: do not build it from the name of the "
                "service or the council. Try three random words instead.",
                code="password_service_words",
            )

    def get_help_text(self) -> str:
        return "Do not build your password from the name of the service or the council."
