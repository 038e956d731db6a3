"""`mash demo`: migrate, seed once, and serve on http://127.0.0.1:8000 (what `make demo` runs)."""

from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser

from mash.accounts.models import User


class Command(BaseCommand):
    help = "Set up the local database, seed synthetic data once and serve the app."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--no-serve", action="store_true", help="Set up only; do not serve.")
        parser.add_argument("--addrport", default="127.0.0.1:8000")

    def handle(self, *args: Any, **options: Any) -> None:
        call_command("migrate", interactive=False, verbosity=0)
        if not User.objects.exists():
            call_command("seed")
            # The nightly duplicate search, run once so the review queue has pairs (issue 3).
            call_command("find_duplicates")
        else:
            self.stdout.write(
                "Database already seeded; keeping it (delete db.sqlite3 to start again)."
            )
        if not options["no_serve"]:
            self._serve(options["addrport"])

    def _serve(self, addrport: str) -> None:
        """Serve, with the background work (sending, retries, deadline sweeps) in-process:
        the demo needs no broker (ADR 0018)."""
        from django.conf import settings

        from mash.notifications.inprocess import InProcessRunner

        runner = InProcessRunner().start()
        if settings.MASH_NOTIFY_ADAPTER == "outbox":
            self.stdout.write(f"Emails and letters are written to {settings.MASH_OUTBOX_DIR}/")
        self.stdout.write(f"Serving on http://{addrport}/")
        try:
            call_command("runserver", addrport, use_reloader=False)
        finally:
            runner.stop()
