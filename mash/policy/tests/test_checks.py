"""The system check stops the service without a valid active profile."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.checks import Error, run_checks
from django.core.checks import Warning as CheckWarning

from mash.policy.checks import check_active_profile
from mash.policy.tests.conftest import WriteProfile


def _policy_messages() -> list[Any]:
    return list(run_checks(tags=["policy"]))


def test_shipped_setup_passes(settings: Any) -> None:
    settings.MASH_PROFILE_DIRS = []

    for name in ("northamptonshire", "rotherham", "calderdale"):
        settings.MASH_PROFILE = name
        assert _policy_messages() == []


def test_unknown_profile_fails(settings: Any) -> None:
    settings.MASH_PROFILE_DIRS = []
    settings.MASH_PROFILE = "atlantis"

    messages = _policy_messages()

    assert messages == [
        Error(
            "MASH_PROFILE is 'atlantis', but there is no policy profile of that name.",
            hint="Choose one of: calderdale, northamptonshire, rotherham; or add atlantis.yaml "
            "to a folder listed in MASH_PROFILE_DIRS.",
            id="policy.E001",
        )
    ]
    assert messages[0].is_serious()


def test_invalid_active_profile_fails_with_the_path(
    write_profile: WriteProfile, settings: Any
) -> None:
    def break_it(data: dict[str, Any]) -> None:
        data["office_hours"]["closes"] = "08:00"

    write_profile("exampleshire", change=break_it)
    settings.MASH_PROFILE = "exampleshire"

    (message,) = check_active_profile()

    assert message.id == "policy.E002"
    assert message.is_serious()
    assert "exampleshire.yaml: office_hours.closes: '08:00' is not after opens" in message.msg


def test_an_invalid_profile_that_is_not_active_is_a_warning(
    write_profile: WriteProfile, settings: Any
) -> None:
    write_profile("exampleshire", text="id: exampleshire\n")
    settings.MASH_PROFILE = "northamptonshire"

    (message,) = check_active_profile()

    assert isinstance(message, CheckWarning)
    assert message.id == "policy.W002"
    assert "exampleshire.yaml: authority: is missing" in message.msg


def test_missing_profile_folder_is_a_warning(settings: Any, tmp_path: Path) -> None:
    settings.MASH_PROFILE = "rotherham"
    settings.MASH_PROFILE_DIRS = [str(tmp_path / "nowhere")]

    (message,) = check_active_profile()

    assert message.id == "policy.W001"
    assert not message.is_serious()
