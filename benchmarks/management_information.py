"""Management information and returns at volume (issue 8; docs/benchmarks.md).

    .venv/bin/python -m benchmarks.management_information              # SQLite file, 20,000 a year
    BENCH_MI_PER_YEAR=100000 DATABASE_URL=postgres://postgres@127.0.0.1:5432/mash_bench_mi \\
        .venv/bin/python -m benchmarks.management_information

Seeds the demo with `BENCH_MI_PER_YEAR` closed contacts a year of synthetic history over
three census years (mash.demo.history), then times, as the median and 95th percentile of
repeated runs, one JSON line each: the managers' daily overview, the performance report for
a fortnight and for a year, the data quality findings, the CIN census for the last complete
year (built, not validated), the Annex A workbook for six months, and the overview and report
pages through the full Django stack (middleware, permission, audit, template). The number of
queries of each is printed beside its time: it must not grow with the volume.
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import timedelta

PER_YEAR = int(os.environ.get("BENCH_MI_PER_YEAR", "20000"))
REPEAT = int(os.environ.get("BENCH_MI_REPEAT", "5"))

if "DATABASE_URL" not in os.environ:
    # A file, not memory: the seed and the pages share one database across connections.
    os.environ["DATABASE_URL"] = f"sqlite:///{tempfile.mkdtemp()}/bench_mi.sqlite3"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings_test")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402
from django.utils import timezone  # noqa: E402


def measure(
    name: str, action: Callable[[], object], *, count_queries: bool = True, **context: object
) -> None:
    """Time `action` REPEAT times (after one warm-up run) and print one JSON line. Queries are
    counted on the warm-up (not through the test client: a request resets Django's log)."""
    with CaptureQueriesContext(connection) as queries:
        action()
    timings = []
    for _ in range(REPEAT):
        start = time.perf_counter()
        action()
        timings.append((time.perf_counter() - start) * 1000)
    timings.sort()
    print(
        json.dumps(
            {
                "benchmark": name,
                "unit": "ms",
                "runs": REPEAT,
                "median": round(statistics.median(timings), 1),
                "p95": round(timings[int(0.95 * (len(timings) - 1))], 1),
                "queries": len(queries.captured_queries) if count_queries else None,
                "database": connection.vendor,
                "history_contacts_per_year": PER_YEAR,
                **context,
            }
        ),
        flush=True,
    )


def seed() -> dict[str, int]:
    from mash.contacts.models import Contact
    from mash.people.models import Involvement, Person

    call_command("migrate", verbosity=0)
    if not Contact.objects.exists():
        start = time.perf_counter()
        call_command(
            "seed",
            people=300,
            contacts=24,
            history_per_year=PER_YEAR,
            history_years=3,
            stdout=sys.stderr,
        )
        print(
            json.dumps({"benchmark": "seed", "seconds": round(time.perf_counter() - start, 1)}),
            flush=True,
        )
    return {
        "contacts": Contact.objects.count(),
        "people": Person.objects.count(),
        "involvements": Involvement.objects.count(),
    }


def main() -> None:
    from mash.accounts.models import User
    from mash.reports.overview.selectors import build_overview
    from mash.reports.performance.selectors import build_report, default_period
    from mash.returns.annex_a import build_annex_a
    from mash.returns.cin_census import build_census, latest_complete_year
    from mash.returns.quality import findings

    sizes = seed()
    now = timezone.now()
    today = timezone.localdate()
    fortnight = default_period(today)
    year = (today - timedelta(days=365), today - timedelta(days=1))
    census_year = latest_complete_year(today)
    context = {**sizes}

    measure("overview (selector)", lambda: build_overview(now=now), **context)
    measure(
        "performance report, fortnight",
        lambda: build_report(start=fortnight[0], end=fortnight[1], now=now),
        **context,
    )
    measure(
        "performance report, 365 days",
        lambda: build_report(start=year[0], end=year[1], now=now),
        **context,
    )
    measure("data quality findings", lambda: findings(today=today), **context)
    measure(
        f"CIN census {census_year} (built)", lambda: build_census(census_year, now=now), **context
    )
    six_months = (today - timedelta(days=183), today)
    measure(
        "Annex A, six months",
        lambda: build_annex_a(start=six_months[0], end=six_months[1]),
        **context,
    )

    setup_test_environment()
    client = Client()
    client.force_login(User.objects.get(username="meera"))
    for path in ("/reports/overview/", "/reports/performance/", "/returns/data-quality/"):
        measure(
            f"GET {path}",
            lambda path=path: _ok(client.get(path), path),
            count_queries=False,
            **context,
        )


def _ok(response: object, path: str) -> None:
    status = getattr(response, "status_code", 0)
    if status != 200:
        raise SystemExit(f"{path} answered {status}")


if __name__ == "__main__":
    main()
