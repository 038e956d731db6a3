"""``manage.py retention review``: find records past their retention review date (ADR 0013).

Creates a retention review for each one (shown at /data-protection/retention/) and prints what
it found. Idempotent, and it never deletes anything: people decide what happens next.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from mash.dataprotection.retention import RetentionRulesError, load_rules
from mash.dataprotection.services import run_retention_review


class Command(BaseCommand):
    help = (
        "Retention: 'review' lists closed contacts past their review date under the retention "
        "rules and queues each for a person's decision. Nothing is deleted."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["review"], help="what to do: review")
        parser.add_argument(
            "--today", type=date.fromisoformat, help="review as of this date (YYYY-MM-DD)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            rules = load_rules()
        except RetentionRulesError as error:
            raise CommandError(f"The retention rules cannot be used:\n{error}") from error
        run = run_retention_review(today=options.get("today"), rules=rules)
        write = self.stdout.write
        write(f"Retention review: {len(run.created)} new records due for review.")
        for review in run.created:
            write(f"  {review.reference}: {review.rule_id}, due {review.review_due_on:%d/%m/%Y}")
        write(f"Already waiting for a decision: {run.already_open}.")
        write(f"Kept until a later date: {run.kept_until_later}.")
        write(f"Closed but not yet due: {run.not_yet_due}.")
        if run.audit_rule:
            write(
                f"Audit events older than the {run.audit_rule} period: "
                f"{run.audit_events_past_period} (never deleted by this service)."
            )
        write("Nothing was deleted. Decide each one at /data-protection/retention/.")
