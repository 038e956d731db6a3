"""Keeping agencies and teams in step with the active policy profile (MA-1)."""

from __future__ import annotations

from django.db import transaction

from mash.accounts.models import Agency, Team
from mash.policy.profiles import Profile


@transaction.atomic
def sync_profile(profile: Profile) -> tuple[int, int]:
    """Create or update the profile's agencies and teams; returns (agencies, teams) synced.

    Rows the profile no longer lists are kept: memberships and history point at them.
    """
    for agency in profile.agencies:
        Agency.objects.update_or_create(
            code=agency.code,
            defaults={
                "kind": agency.kind.value,
                "name": agency.name,
                "co_located": agency.co_located,
                "is_childrens_social_care": agency.childrens_social_care,
            },
        )
    for team in profile.teams:
        Team.objects.update_or_create(
            code=team.code, defaults={"name": team.name, "kind": team.kind}
        )
    return len(profile.agencies), len(profile.teams)
