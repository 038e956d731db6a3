"""Events written before the chain existed are numbered and sealed by audit/0003 (ADR 0010),
and concurrent writers on PostgreSQL cannot fork the chain."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from mash.audit import chain
from mash.audit.models import AuditEvent


@pytest.mark.django_db(transaction=True)
def test_existing_events_are_sealed_by_the_migration():
    executor = MigrationExecutor(connection)
    executor.migrate([("audit", "0002_append_only")])
    old = executor.loader.project_state([("audit", "0002_append_only")]).apps
    old_event = old.get_model("audit", "AuditEvent")
    for n in range(3):
        old_event.objects.create(
            at=timezone.now(), actor_name=f"Before {n}", action="queue.viewed", data={"n": n}
        )
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes("audit"))
    assert list(AuditEvent.objects.order_by("sequence").values_list("actor_name", "sequence")) == [
        ("Before 0", 1),
        ("Before 1", 2),
        ("Before 2", 3),
    ]
    assert chain.verify().intact
    # and the triggers are back after it
    from django.db import DatabaseError, transaction

    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEvent.objects.update(actor_name="changed")


@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_extend_one_chain():
    if connection.vendor != "postgresql":
        pytest.skip("concurrent writers need PostgreSQL (in-memory SQLite is one connection)")
    from mash.audit.services import record

    def write() -> None:
        try:
            for _ in range(25):
                record(actor=None, action="queue.viewed")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=write) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert list(AuditEvent.objects.order_by("sequence").values_list("sequence", flat=True)) == list(
        range(1, 101)
    )
    assert chain.verify().intact
