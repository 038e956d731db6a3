"""``manage.py due``: when a timescale falls due under a policy profile, and why."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from mash.policy.profiles import Profile, ProfileError, available_profiles, load_profile
from mash.workdays.calendar import LONDON
from mash.workdays.clocks import ClockRule, due_time

RULE_IDS = tuple(f"TS-{number}" for number in range(1, 13))
_RULE_ID = re.compile(r"ts-?(\d{1,2})", re.IGNORECASE)


class Command(BaseCommand):
    """Print the due time (ISO 8601, Europe/London) on the first line, then the explanation.

    Example: ``manage.py due --profile rotherham --rule TS-6 --received 2026-11-27T18:00``.
    """

    help = (
        "Show when a timescale (RULES.md TS-1 to TS-12) falls due under a policy profile: the "
        "due time in ISO 8601 on the first line, then how it was worked out."
    )
    # Pure arithmetic on a profile file: needs no database and must not depend on the URL
    # configuration or other apps passing their checks; --profile may differ from MASH_PROFILE.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--profile",
            help="policy profile name, e.g. northamptonshire (default: settings.MASH_PROFILE)",
        )
        parser.add_argument("--rule", required=True, help="timescale rule id, TS-1 to TS-12")
        parser.add_argument(
            "--received",
            required=True,
            help="when it was received, ISO 8601, e.g. 2026-12-04T15:00 (no offset = "
            "Europe/London wall-clock time) or 2026-12-04T15:00:00+00:00",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        profile = _profile(options["profile"] or settings.MASH_PROFILE)
        rule = _rule(profile, options["rule"])
        due = due_time(rule, _received(options["received"]), profile.calendar)
        self.stdout.write(due.due_at.isoformat())
        for line in due.explanation:
            self.stdout.write(line)


def _profile(name: str) -> Profile:
    try:
        return load_profile(name)
    except ProfileError as exc:
        raise CommandError(str(exc)) from exc


def _rule(profile: Profile, text: str) -> ClockRule:
    match = _RULE_ID.fullmatch(text.strip())
    rule_id = f"TS-{int(match.group(1))}" if match else text
    rule = profile.clock(rule_id)
    if rule is not None:
        return rule
    own = ", ".join(rule.rule_id for rule in profile.timescales)
    if rule_id not in RULE_IDS:
        raise CommandError(
            f"Unknown rule {text!r}. Timescale rules are TS-1 to TS-12; "
            f"the {profile.id} profile uses {own}."
        )
    elsewhere = ", ".join(_profiles_with(rule_id)) or "none of the available profiles"
    raise CommandError(
        f"Rule {rule_id} is not part of the {profile.id} profile ({profile.service_name}). "
        f"Its rules are {own}. {rule_id} is used by: {elsewhere}."
    )


def _profiles_with(rule_id: str) -> list[str]:
    names = []
    for name in available_profiles():
        try:
            if load_profile(name).clock(rule_id) is not None:
                names.append(name)
        except ProfileError:
            continue  # an invalid profile is reported when it is chosen, not here
    return names


def _received(text: str) -> datetime:
    """An ISO 8601 moment; without an offset it is a Europe/London wall-clock reading."""
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        raise CommandError(
            f"Cannot read {text!r} as a date and time. Give ISO 8601, such as "
            "2026-12-04T15:00 (read as Europe/London time) or 2026-12-04T15:00:00+00:00."
        ) from None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=LONDON)
