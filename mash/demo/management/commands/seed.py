"""`mash seed`: synthetic demo data. Refuses to run against a production setting."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from mash.demo.seeding import DEMO_PASSWORD, PERSONAS, SeedRefused, seed


class Command(BaseCommand):
    help = "Seed synthetic staff, people and contacts (never in production)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--people", type=int, default=300)
        parser.add_argument("--contacts", type=int, default=24)
        parser.add_argument(
            "--history-per-year",
            type=int,
            default=600,
            help="Closed contacts a year in the synthetic history (0 for none).",
        )
        parser.add_argument(
            "--history-years",
            type=int,
            default=3,
            help="Census years of history, the current one so far included.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            counts = seed(
                people=options["people"],
                contacts=options["contacts"],
                history_per_year=options["history_per_year"],
                history_years=options["history_years"],
            )
        except SeedRefused as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            self.style.SUCCESS(
                f"Seeded {counts['users']} users, {counts['people']} people, "
                f"{counts['contacts']} contacts."
            )
        )
        if counts["history_contacts"]:
            seconds = counts["history_seconds"] or 1
            self.stdout.write(
                f"History: {counts['history_contacts']} closed contacts, "
                f"{counts['history_rows']} rows in {counts['history_seconds']} s "
                f"({round(counts['history_rows'] / seconds)} rows/s)."
            )
        names = ", ".join(p.username for p in PERSONAS)
        self.stdout.write(f"Sign in as any of: {names} — password {DEMO_PASSWORD}")
