"""History benchmark: how fast the synthetic closed history is written (mash.demo.history).

    .venv/bin/python -m benchmarks.history                       # SQLite test database
    BENCH_HISTORY_CONTACTS=50000 DATABASE_URL=postgres://postgres@127.0.0.1:5432/mash_bench \\
        .venv/bin/python -m benchmarks.history

Writes about BENCH_HISTORY_CONTACTS closed contacts over three census years into a fresh test
database, with everything that goes with them, and prints one JSON line: contacts and rows
written, seconds, rows a second.
"""

from __future__ import annotations

import json
import os
import random
import sys
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings_test")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402

CONTACTS = int(os.environ.get("BENCH_HISTORY_CONTACTS", "5000"))


def bench_history() -> None:
    from django.utils import timezone

    from mash.accounts.models import User
    from mash.demo.history import history_window, seed_history

    users = {user.username: user for user in User.objects.all()}
    start, end = history_window(3, timezone.localdate())
    per_year = round(CONTACTS * 365.25 / (end - start).days)
    began = time.perf_counter()
    # Seeded synthetic data, not security (bandit B311).
    counts = seed_history(
        start=start,
        end=end,
        contacts_per_year=per_year,
        rng=random.Random(2026),  # noqa: S311  # nosec B311
        users=users,
    )
    seconds = time.perf_counter() - began
    print(
        json.dumps(
            {
                "benchmark": "synthetic history (mash.demo.history)",
                "unit": "rows/s",
                "contacts": counts["contacts"],
                "rows": counts["rows"],
                "seconds": round(seconds, 2),
                "rate": round(counts["rows"] / seconds),
                "contacts_per_second": round(counts["contacts"] / seconds),
                "database": connection.vendor,
            }
        ),
        flush=True,
    )


def main() -> int:
    from benchmarks.harness import with_personas

    return with_personas(bench_history)


if __name__ == "__main__":
    sys.path.insert(0, os.getcwd())
    raise SystemExit(main())
