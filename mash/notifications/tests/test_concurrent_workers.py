"""Workers racing for the same notifications send each once (ADR 0017): the conditional claim
decides, and on PostgreSQL `select_for_update(skip_locked=True)` shares the rows out."""

from __future__ import annotations

import threading
from collections import Counter

import pytest
from django.db import connection, connections
from django.db import transaction as db_transaction

from mash.notifications import services
from mash.notifications.delivery import LogAdapter
from mash.notifications.models import Delivery, Notification

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="threads need a real database server"
    ),
]


def enqueue_many(n: int) -> list:
    with db_transaction.atomic():
        return [
            services.enqueue(
                kind="referral_acknowledgement",
                channel="email",
                recipient=f"r{i}@example.org",
                template="referral_acknowledgement",
            ).id
            for i in range(n)
        ]


def race(target, threads: int = 4) -> None:
    barrier = threading.Barrier(threads)

    def run():
        try:
            barrier.wait()
            target()
        finally:
            connections.close_all()

    workers = [threading.Thread(target=run) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()


def test_four_workers_without_a_broker_send_each_once():
    ids = enqueue_many(40)

    def drain():
        while services.work_once(None, LogAdapter(), limit=5).sent:
            pass

    race(drain)
    assert Counter(Delivery.objects.values_list("notification_id", flat=True)) == Counter(ids)
    assert Notification.objects.filter(status="SENT").count() == 40


def test_the_same_id_delivered_by_four_workers_at_once_is_sent_once():
    [only] = enqueue_many(1)
    outcomes: list[str] = []
    race(lambda: outcomes.append(services.deliver(only, LogAdapter())))
    assert sorted(outcomes) == ["sent", "skipped", "skipped", "skipped"]
    assert Delivery.objects.filter(notification_id=only).count() == 1
