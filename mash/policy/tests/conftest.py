"""Fixtures for writing profile files into a temporary folder listed in MASH_PROFILE_DIRS."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from mash.policy.profiles import SHIPPED_PROFILES_DIR, clear_profile_cache
from mash.policy.validation import read_profile_data

WriteProfile = Callable[..., Path]


@pytest.fixture(autouse=True)
def _fresh_active_profile() -> Iterator[None]:
    clear_profile_cache()
    yield
    clear_profile_cache()


def shipped_data(name: str) -> dict[str, Any]:
    """A shipped profile's data, to change one thing in."""
    data = read_profile_data(SHIPPED_PROFILES_DIR / f"{name}.yaml")
    assert isinstance(data, dict)
    return data


@pytest.fixture
def profile_dir(tmp_path: Path, settings: Any) -> Path:
    """An extra profile folder, already listed in MASH_PROFILE_DIRS."""
    folder = tmp_path / "profiles"
    folder.mkdir()
    settings.MASH_PROFILE_DIRS = [str(folder)]
    return folder


@pytest.fixture
def write_profile(profile_dir: Path) -> WriteProfile:
    """Write ``name``.yaml from a shipped profile's data (or given text) into profile_dir."""

    def write(
        name: str,
        *,
        base: str = "northamptonshire",
        change: Callable[[dict[str, Any]], None] | None = None,
        text: str | None = None,
    ) -> Path:
        path = profile_dir / f"{name}.yaml"
        if text is None:
            data = shipped_data(base)
            data["id"] = name
            if change is not None:
                change(data)
            text = yaml.safe_dump(data, sort_keys=False, allow_unicode=True)
        path.write_text(text, encoding="utf-8")
        return path

    return write
