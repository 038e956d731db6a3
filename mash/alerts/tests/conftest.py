"""Alerts fixtures: the MASH personas in the MASH team, and a fixed Monday morning."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from mash.accounts.models import Team

LONDON = ZoneInfo("Europe/London")
MONDAY_9AM = datetime(2026, 11, 30, 9, 0, tzinfo=LONDON)


@pytest.fixture
def mash_team(profile) -> Team:
    return Team.objects.get(kind="mash")


@pytest.fixture
def in_mash(mash_team):
    """Put personas in the MASH team (the conftest gives them the first team by name)."""

    def put(*users):
        for user in users:
            user.memberships.update(team=mash_team, starts_at=datetime(2026, 1, 1, tzinfo=LONDON))
            user.email = f"{user.username}@council.example.org"
            user.save(update_fields=["email"])
        return users

    return put


@pytest.fixture
def monday():
    """Time stands at Monday 30 November 2026, 9am, while the contact is recorded."""
    with time_machine.travel(MONDAY_9AM, tick=False) as traveller:
        yield traveller
