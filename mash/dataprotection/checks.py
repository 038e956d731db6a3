"""System check: the retention rules in force load and are valid (dataprotection.E001)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.apps import AppConfig
from django.core.checks import CheckMessage, Error

from mash.dataprotection.retention import RetentionRulesError, load_rules, rules_path


def check_retention_rules(
    app_configs: Sequence[AppConfig] | None = None, **kwargs: Any
) -> list[CheckMessage]:
    """dataprotection.E001: the retention rules file cannot be read or is invalid."""
    try:
        load_rules()
    except RetentionRulesError as error:
        return [
            Error(
                f"The retention rules cannot be used: {error}",
                hint=f"Fix {rules_path()} or set MASH_RETENTION_RULES to a valid file (ADR 0013).",
                id="dataprotection.E001",
            )
        ]
    return []
