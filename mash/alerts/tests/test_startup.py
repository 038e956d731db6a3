"""A bad lead time stops the service at start-up, naming the setting (issue 7)."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[3]


@pytest.mark.parametrize(
    ("name", "value", "words"),
    [
        ("MASH_ALERT_LEAD_MINUTES", "-5", "MASH_ALERT_LEAD_MINUTES is '-5'"),
        ("MASH_ALERT_LEAD_MINUTES_BY_RULE", "TS-4=lots", "MASH_ALERT_LEAD_MINUTES_BY_RULE[TS-4]"),
    ],
)
def test_a_bad_lead_time_stops_start_up(name, value, words):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "MASH_"))}
    env.update({"DJANGO_SETTINGS_MODULE": "config.settings_test", name: value})
    result = subprocess.run(  # noqa: S603 (our own manage.py)
        [sys.executable, "manage.py", "check"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert result.returncode != 0
    assert words in result.stderr
    assert "whole number of minutes" in result.stderr
