"""``mash find_duplicates``: the batch search for duplicate person records (issue 3).

Run it nightly (cron, or the task scheduler once background jobs land). It prints one JSON line.
"""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from mash.core.errors import ApplicationError
from mash.matching.services import ENGINES, find_duplicates


class Command(BaseCommand):
    help = "Search every person record for likely duplicates and queue them for review."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--engine", choices=ENGINES, default="both")
        parser.add_argument(
            "--backend",
            choices=("duckdb", "spark"),
            default="duckdb",
            help="Splink's backend: DuckDB on this machine, or Spark (needs pyspark) for a region.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            search = find_duplicates(
                engine=options["engine"], backend=options["backend"], started_by="find_duplicates"
            )
        except (ApplicationError, RuntimeError) as error:
            raise CommandError(str(error)) from error
        seconds = (search.finished_at - search.started_at).total_seconds()  # type: ignore[operator]
        self.stdout.write(
            json.dumps(
                {
                    "engine": search.engine,
                    "people": search.people,
                    "pairs_scored": search.pairs_scored,
                    "queued": search.queued,
                    "set_aside": search.set_aside,
                    "seconds": round(seconds, 3),
                }
            )
        )
