"""System check: the deployment's policy profile (settings.MASH_PROFILE) exists and is valid.

Without a valid profile no clock, threshold or letter can be produced, so the service must not
start; the error names the file and the path of the bad value (see ProfileError).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.apps import AppConfig
from django.conf import settings
from django.core.checks import CheckMessage, Error, Warning

from mash.policy.profiles import (
    ProfileError,
    UnknownProfileError,
    available_profiles,
    load_profile,
    profile_dirs,
)

__all__ = ["check_active_profile"]


def check_active_profile(
    app_configs: Sequence[AppConfig] | None = None, **kwargs: Any
) -> list[CheckMessage]:
    """policy.E001/E002: the active profile is missing or invalid; W001: a profile folder is
    missing; W002: another available profile is invalid (it could not be chosen).
    """
    name = settings.MASH_PROFILE
    return [*_missing_folders(), *_active_problems(name), *_other_problems(name)]


def _missing_folders() -> list[CheckMessage]:
    return [
        Warning(
            f"The policy profile folder {str(folder)!r} in MASH_PROFILE_DIRS does not exist.",
            hint="Create it, or remove it from MASH_PROFILE_DIRS.",
            id="policy.W001",
        )
        for folder in profile_dirs()[1:]
        if not folder.is_dir()
    ]


def _active_problems(name: str) -> list[CheckMessage]:
    try:
        load_profile(name)
    except UnknownProfileError as exc:
        return [
            Error(
                f"MASH_PROFILE is {name!r}, but there is no policy profile of that name.",
                hint=f"Choose one of: {', '.join(exc.available)}; or add {name}.yaml to a "
                "folder listed in MASH_PROFILE_DIRS.",
                id="policy.E001",
            )
        ]
    except ProfileError as exc:
        return [
            Error(
                f"The active policy profile {name!r} is not valid:\n{exc}",
                hint="Correct the value at each path named above (see profile.schema.json).",
                id="policy.E002",
            )
        ]
    return []


def _other_problems(active: str) -> list[CheckMessage]:
    messages: list[CheckMessage] = []
    for name in available_profiles():
        if name == active:
            continue
        try:
            load_profile(name)
        except ProfileError as exc:
            messages.append(
                Warning(
                    f"The policy profile {name!r} is not valid and cannot be chosen:\n{exc}",
                    id="policy.W002",
                )
            )
    return messages
