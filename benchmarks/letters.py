"""Letters and notifications benchmark (issue 7, ADR 0018).

    .venv/bin/python -m benchmarks.letters                 # SQLite in memory
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/mash_bench \
        .venv/bin/python -m benchmarks.letters

Prints one JSON line per measurement:
- a manager's decision, end to end, with its outcome letters (a teacher's email and a parent's
  PDF are composed, guarded, rendered and put in the outbox in the decision's transaction);
- one letter's PDF rendered by WeasyPrint on its own;
- the outbox delivered by the worker's code path (claim, send, mark sent, audit), with the
  `log` adapter and with the demo's file `outbox`;
- the deadline sweep over every open clock of BENCH_SWEEP_CONTACTS contacts: the first sweep
  (raising alerts) and the one a minute later with nothing new (what runs every minute).
Also run by `make bench`.
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings_test")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402

DECISIONS = int(os.environ.get("BENCH_DECISIONS", "20"))
SWEEP_CONTACTS = int(os.environ.get("BENCH_SWEEP_CONTACTS", "300"))


def emit(name: str, **figures: object) -> None:
    print(json.dumps({"benchmark": name, "database": connection.vendor, **figures}), flush=True)


def timings(action: Callable[[], object], repeat: int) -> list[float]:
    seconds = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        seconds.append(time.perf_counter() - start)
    return seconds


def summary(seconds: list[float]) -> dict[str, float]:
    ordered = sorted(seconds)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return {
        "median_ms": round(statistics.median(ordered) * 1000, 1),
        "p95_ms": round(p95 * 1000, 1),
    }


def _users() -> dict:
    from mash.accounts.models import User

    return {u.username: u for u in User.objects.all()}


def _recommended(users: dict):
    """A contact recommended for s17 after the police answered, with a teacher referrer and one
    parent: built through the real services, as the tests do (conftest)."""
    from conftest import child, contact_details, screen_at_threshold, share_checks
    from mash.contacts import services
    from mash.letters.tests.conftest import PARENT

    details = contact_details(
        referrer_source="2A",
        referrer_name="Ms Teacher",
        referrer_organisation="Brook Primary School",
        referrer_email="teacher@brook.example.org",
    )
    contact = services.record_contact(by=users["carys"], people=[child(), PARENT], **details)
    screen_at_threshold(contact, checked_by=users["sam"], screened_by=users["priya"])
    share_checks(contact, asked_by=users["sam"], partner=users["polly"])
    services.recommend_outcome(
        contact,
        by=users["sam"],
        outcome="S17",
        rationale="Assess.",
        analysis="The police call-outs and the bruise together worry us.",
    )
    contact.refresh_from_db()
    return contact


def bench_decisions(users: dict) -> None:
    from mash.contacts import services
    from mash.letters.models import Letter

    queue = iter([_recommended(users) for _ in range(DECISIONS)])

    def decide() -> None:
        contact = next(queue)
        services.decide(
            contact,
            by=users["meera"],
            agrees=True,
            outcome="S17",
            rationale="Meets the threshold for an assessment.",
            team=services.suggested_team(contact, "S17"),
        )

    seconds = timings(decide, DECISIONS)
    emit(
        "decision with its outcome letters",
        decisions=DECISIONS,
        letters=Letter.objects.count(),
        **summary(seconds),
    )


def bench_render(users: dict) -> None:
    """One parent's letter composed, guarded and rendered to PDF (not saved)."""
    from mash.letters.models import Letter
    from mash.letters.services import compose

    letter = Letter.objects.filter(audience=Letter.Audience.PARENT).select_related(
        "contact", "decision", "addressee"
    )[0]
    lines = tuple(letter.address_lines)

    def render() -> None:
        compose(letter.contact, letter.decision, letter.addressee, lines, users["meera"])

    emit("one parent's letter composed and rendered to PDF", **summary(timings(render, 20)))


def bench_delivery() -> None:
    from mash.notifications import services
    from mash.notifications.delivery import LogAdapter, OutboxAdapter
    from mash.notifications.models import Notification

    for adapter in (LogAdapter(), OutboxAdapter(tempfile.mkdtemp(prefix="mash-bench-outbox-"))):
        Notification.objects.update(status=Notification.Status.PENDING, attempts=0)
        count = Notification.objects.count()
        start = time.perf_counter()
        while services.work_once(None, adapter, limit=200).sent:
            pass
        seconds = time.perf_counter() - start
        emit(
            f"outbox delivered ({adapter.name} adapter)",
            unit="messages/s",
            messages=count,
            rate=round(count / seconds, 1),
        )


def bench_sweep(users: dict) -> None:
    from conftest import child, contact_details
    from mash.alerts.sweep import sweep
    from mash.contacts import services
    from mash.contacts.models import Clock

    for _ in range(SWEEP_CONTACTS):
        services.record_contact(by=users["carys"], people=[child()], **contact_details())
    open_clocks = Clock.objects.filter(met_at__isnull=True).count()
    settings.MASH_ALERT_LEAD_MINUTES = str(60 * 24 * 30)  # every open clock is in its window
    for run in ("first sweep (raises the alerts)", "next sweep (nothing new)"):
        start = time.perf_counter()
        result = sweep()
        seconds = time.perf_counter() - start
        emit(
            f"deadline {run}",
            open_clocks=open_clocks,
            seconds=round(seconds, 3),
            **result.as_dict(),
        )


def bench_letters() -> None:
    """Every measurement above, on the personas already in the database."""
    users = _users()
    bench_decisions(users)
    bench_render(users)
    bench_delivery()
    bench_sweep(users)


def main() -> int:
    from benchmarks.harness import with_personas

    return with_personas(bench_letters)


if __name__ == "__main__":
    sys.path.insert(0, os.getcwd())
    raise SystemExit(main())
