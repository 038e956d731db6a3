"""`mash seed`: synthetic demo data. Refuses to run against a production setting."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from mash.demo.seeding import DEMO_PASSWORD, PERSONAS, SeedRefused, seed


class Command(BaseCommand):
    help = "Seed synthetic staff, people and contacts (never in production)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--people", type=int, default=300)
        parser.add_argument("--contacts", type=int, default=24)

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            counts = seed(people=options["people"], contacts=options["contacts"])
        except SeedRefused as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            self.style.SUCCESS(
                f"Seeded {counts['users']} users, {counts['people']} people, "
                f"{counts['contacts']} contacts."
            )
        )
        names = ", ".join(p.username for p in PERSONAS)
        self.stdout.write(f"Sign in as any of: {names} — password {DEMO_PASSWORD}")
