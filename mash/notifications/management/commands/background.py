"""`manage.py background`: the background work in the foreground, with no broker (ADR 0018).

For one machine without Redis: delivers the outbox and sweeps deadlines on the beat's
schedule, running the Celery tasks in-process. With MASH_BROKER_URL set, run
`celery -A config worker -B` (or a worker and a beat) instead.
"""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from mash.notifications.inprocess import InProcessRunner


class Command(BaseCommand):
    help = "Deliver notifications and sweep deadlines in this process (no broker)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--once", action="store_true", help="One pass, print it, stop.")

    def handle(self, *args: Any, once: bool, **options: Any) -> None:
        if settings.MASH_BROKER_URL:
            raise CommandError(
                "MASH_BROKER_URL is set: run `celery -A config worker -B` to do this work."
            )
        runner = InProcessRunner()
        if once:
            self.stdout.write(json.dumps(runner.tick(), default=str))
            return
        self.stdout.write("Delivering notifications and sweeping deadlines; Ctrl-C to stop.")
        try:
            runner.run()
        except KeyboardInterrupt:
            runner.stop()
