"""The ``mash`` console command (mash.cli:main)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from mash.cli import main

REPO = Path(__file__).resolve().parents[3]
MASH = Path(sys.executable).with_name("mash")


def _run(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 - our own console script, fixed arguments
        [str(MASH), *args],
        cwd=REPO,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.mark.parametrize("argv", [[], ["--help"], ["-h"]])
def test_no_command_prints_the_short_help(argv: list[str], capsys: Any) -> None:
    assert main(argv) == 0

    out = capsys.readouterr().out
    assert out.startswith("mash: case management for a Multi-Agency Safeguarding Hub (MASH).")
    for command in ("due", "migrate", "seed", "demo"):
        assert f"\n  {command} " in out


def test_runs_a_management_command(capsys: Any) -> None:
    main(["due", "--profile", "rotherham", "--rule", "TS-7", "--received", "2026-12-24T20:00"])

    assert capsys.readouterr().out.splitlines()[0] == "2026-12-29T17:00:00+00:00"


@pytest.mark.skipif(not MASH.exists(), reason=f"console script not installed at {MASH}")
def test_installed_script_without_arguments_needs_no_settings() -> None:
    result = _run(DJANGO_SETTINGS_MODULE="config.no_such_settings")

    assert result.returncode == 0
    assert "Main commands:" in result.stdout


@pytest.mark.skipif(not MASH.exists(), reason=f"console script not installed at {MASH}")
def test_unloadable_settings_are_explained() -> None:
    result = _run("due", "--rule", "TS-1", DJANGO_SETTINGS_MODULE="config.no_such_settings")

    assert result.returncode == 2
    assert result.stderr.startswith(
        "mash: cannot load the settings: the settings module 'config.no_such_settings' "
        "cannot be imported"
    )


@pytest.mark.skipif(not MASH.exists(), reason=f"console script not installed at {MASH}")
def test_bad_input_is_a_plain_error_not_a_traceback() -> None:
    result = _run(
        "due",
        "--profile",
        "atlantis",
        "--rule",
        "TS-1",
        "--received",
        "2026-11-27T16:00",
        DJANGO_SETTINGS_MODULE="config.settings_test",
    )

    assert result.returncode == 1
    assert "There is no policy profile called 'atlantis'." in result.stderr
    assert "Traceback" not in result.stderr
