"""`manage.py alerts sweep [--now ISO]`: raise and resolve deadline alerts once, print JSON.

manage.py alerts sweep                              # at the current time
manage.py alerts sweep --now 2026-12-07T10:00+00:00 # as if it were then (demo, tests)
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from mash.alerts.sweep import sweep


def _moment(value: str) -> datetime:
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise CommandError(
            f"--now must be a date and time such as 2026-12-07T10:00, not {value!r}"
        ) from None
    return moment if timezone.is_aware(moment) else timezone.make_aware(moment)


class Command(BaseCommand):
    help = "Deadline alerts: run the sweep once."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True)
        run = sub.add_parser("sweep", help="Raise due-soon and overdue alerts; resolve met ones.")
        run.add_argument("--now", default="", help="ISO date and time (default: now).")

    def handle(self, *args: Any, **options: Any) -> None:
        moment = _moment(options["now"]) if options["now"] else None
        result = sweep(now=moment)
        self.stdout.write(json.dumps(result.as_dict(), sort_keys=True))
