"""The repo's copies of the shared domain scenarios must not drift from the originals."""

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared/domain/scenarios"


@pytest.mark.parametrize("name", ["clocks.yaml", "routing.yaml"])
def test_scenario_copy_matches_shared_original(name: str) -> None:
    copy = REPO / "docs/domain/scenarios" / name
    assert copy.exists(), f"{copy} is missing"
    original = SHARED / name
    if not original.exists():
        pytest.skip(f"shared original {original} not present on this machine")
    assert copy.read_text(encoding="utf-8") == original.read_text(encoding="utf-8")
