"""Audit benchmark: the cost of `audit.record()` with the hash chain (ADR 0010).

    .venv/bin/python -m benchmarks.audit                 # SQLite in memory
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/mash_bench .venv/bin/python -m benchmarks.audit

Prints one JSON line per measurement: events a second written through `record()` (each in its
own transaction, and many inside one), the same rows inserted without the chain (the baseline:
no head read, no lock, no hash), and `audit verify` walking the chain. Also run by `make bench`.
"""

from __future__ import annotations

import json
import os
import sys
import time
import uuid
from collections.abc import Callable

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings_test")

import django  # noqa: E402

django.setup()

from django.db import connection, transaction  # noqa: E402

EVENTS = int(os.environ.get("BENCH_AUDIT_EVENTS", "3000"))


def rate(name: str, count: int, action: Callable[[], object], **context: object) -> None:
    """Time `action` (which writes or reads `count` events) and print events a second."""
    start = time.perf_counter()
    action()
    seconds = time.perf_counter() - start
    result = {
        "benchmark": name,
        "unit": "events/s",
        "events": count,
        "rate": round(count / seconds, 1),
        "per_event_ms": round(seconds * 1000 / count, 3),
        "database": connection.vendor,
        **context,
    }
    print(json.dumps(result), flush=True)


def bench_audit() -> None:
    from mash.accounts.models import User
    from mash.audit import chain
    from mash.audit.models import AuditEvent
    from mash.audit.services import record

    user = User.objects.filter(is_active=True).first()
    contact_id = uuid.uuid4()

    def one_by_one() -> None:
        for n in range(EVENTS):
            record(actor=user, action="contact.viewed", contact_id=contact_id, data={"n": n})

    def in_one_transaction() -> None:
        with transaction.atomic():
            for n in range(EVENTS):
                record(actor=user, action="contact.viewed", contact_id=contact_id, data={"n": n})

    def without_chain() -> None:
        base = 10**12  # out of the chain's way; these rows are not a valid chain
        for n in range(EVENTS):
            AuditEvent.objects.create(
                actor_name="Baseline",
                action="contact.viewed",
                contact_id=contact_id,
                data={"n": n},
                sequence=base + n,
                previous_hash="-",
                hash="-",
            )

    context = {"actor": "user" if user else "system"}
    rate("audit record(), own transaction each", EVENTS, one_by_one, **context)
    rate("audit record(), many in one transaction", EVENTS, in_one_transaction, **context)
    rate("audit verify (walk and re-hash the chain)", 2 * EVENTS, chain.verify)
    rate("plain insert without the chain (baseline)", EVENTS, without_chain)


def main() -> int:
    from benchmarks.harness import with_personas

    return with_personas(bench_audit)


if __name__ == "__main__":
    sys.path.insert(0, os.getcwd())
    raise SystemExit(main())
