"""Every worked example in docs/domain/scenarios/clocks.yaml, through the loaded profiles.

Each example is checked three ways: ``due_time`` with the profile's own rule and calendar, the
``due`` management command, and (once) the installed ``mash`` console script.
"""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import datetime
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
import yaml
from django.core.management import call_command

from mash.policy.profiles import SHIPPED_PROFILES_DIR, load_profile, load_profile_file
from mash.workdays.clocks import due_time

REPO = Path(__file__).resolve().parents[3]
SCENARIOS = REPO / "docs/domain/scenarios/clocks.yaml"
DEFAULT_PROFILE = "northamptonshire"
MASH = Path(sys.executable).with_name("mash")


def _cases() -> list[dict[str, Any]]:
    loaded = yaml.safe_load(SCENARIOS.read_text(encoding="utf-8")) if SCENARIOS.exists() else []
    assert isinstance(loaded, list)
    return loaded


def _moment(value: object) -> datetime:
    moment = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    assert moment.tzinfo is not None, f"scenario time {value!r} has no UTC offset"
    return moment


def _profile_name(case: dict[str, Any]) -> str:
    """The case's profile; without one, Northamptonshire, or the shipped profile that has the
    rule when Northamptonshire has not (TS-6, TS-7 and TS-8 are Rotherham's).
    """
    if "profile" in case:
        return str(case["profile"])
    if load_profile(DEFAULT_PROFILE).clock(case["rule"]) is not None:
        return DEFAULT_PROFILE
    shipped = sorted(SHIPPED_PROFILES_DIR.glob("*.yaml"))
    return next(p.stem for p in shipped if load_profile_file(p).clock(case["rule"]) is not None)


CASES = _cases()
IDS = [f"{c['rule']}-{_profile_name(c)}-{_moment(c['received']).isoformat()}" for c in CASES]


def _due_command(profile: str, rule: str, received: str) -> list[str]:
    out = StringIO()
    call_command("due", profile=profile, rule=rule, received=received, stdout=out)
    return out.getvalue().splitlines()


@pytest.mark.skipif(not SCENARIOS.exists(), reason=f"scenario file missing: {SCENARIOS}")
def test_there_are_scenarios() -> None:
    assert CASES


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_scenario_through_the_profile(case: dict[str, Any]) -> None:
    profile = load_profile(_profile_name(case))
    rule = profile.clock(case["rule"])
    assert rule is not None, f"{profile.id} has no {case['rule']}"
    expected = _moment(case["due"])

    due = due_time(rule, _moment(case["received"]), profile.calendar)

    assert due.due_at == expected
    assert due.due_at.isoformat() == expected.isoformat()  # same wall-clock reading and offset


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_scenario_through_the_due_command(case: dict[str, Any]) -> None:
    received = _moment(case["received"])

    lines = _due_command(_profile_name(case), case["rule"], received.isoformat())

    assert lines[0] == _moment(case["due"]).isoformat()
    assert lines[1].startswith(f"Rule {case['rule']}, ")
    assert lines[-1].startswith("Due ")


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_a_time_without_offset_is_london_wall_clock(case: dict[str, Any]) -> None:
    wall_clock = _moment(case["received"]).replace(tzinfo=None).isoformat()

    lines = _due_command(_profile_name(case), case["rule"], wall_clock)

    assert lines[0] == _moment(case["due"]).isoformat()


@pytest.mark.skipif(not MASH.exists(), reason=f"console script not installed at {MASH}")
def test_scenario_through_the_installed_mash_script() -> None:
    case = next(c for c in CASES if c["rule"] == "TS-6")
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings_test"}
    command = [str(MASH), "due", "--profile", _profile_name(case), "--rule", case["rule"]]
    command += ["--received", _moment(case["received"]).isoformat()]

    result = subprocess.run(  # noqa: S603 - our own console script, fixed arguments
        command, cwd=REPO, env=env, capture_output=True, text=True, timeout=120, check=False
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[0] == _moment(case["due"]).isoformat()
    assert "Source: 002." in result.stdout
