"""Issue 6 §6: Redis (the broker) down during intake. Intake keeps succeeding; after recovery
every notification is delivered exactly once (ADR 0017, ADR 0018). A real redis-server of the
test's own, killed with SIGKILL and restarted empty, and a real Celery worker on it; the full
60-second drill, with worker and beat processes, is faults/redis_down.py.

A Celery worker runs in a thread of the test, so it must see the test's rows: those tests
need a database server (PostgreSQL in CI); the drill script covers SQLite with processes.
"""

from __future__ import annotations

import json
import time
from collections import Counter

import pytest
from celery.contrib.testing.worker import start_worker
from django.core.management import call_command
from django.db import connection

from faults.redis_server import RedisServer
from mash.accounts.models import Agency
from mash.api.models import PartnerApiClient
from mash.contacts.models import Contact
from mash.notifications import services
from mash.notifications.broker import BrokerUnavailable, configured_broker
from mash.notifications.delivery import LogAdapter
from mash.notifications.models import Delivery, Notification

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(not RedisServer.available(), reason="needs redis-server installed"),
]


@pytest.fixture
def redis_server():
    server = RedisServer()
    server.start()
    yield server
    server.kill()


needs_threads = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="a worker thread needs a real database server"
)


@pytest.fixture
def broker(redis_server, settings):
    settings.MASH_BROKER_URL = redis_server.url  # the test's own Redis: the default queue
    settings.MASH_NOTIFY_ADAPTER = "log"
    return configured_broker()


def drain(broker, *, settle: float = 30.0) -> None:
    """Relay until idle, then run a real Celery worker on the test's Redis until nothing is
    left to send."""
    from config.celery import app

    call_command("notifications", "relay", "--until-idle", "--interval", "0")
    saved = app.conf.broker_url
    app.conf.broker_url = broker.url
    try:
        with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=5):
            end = time.monotonic() + settle
            while time.monotonic() < end:
                counts = services.counts()
                if not (counts.get("PENDING") or counts.get("QUEUED") or counts.get("SENDING")):
                    break
                time.sleep(0.1)
    finally:
        app.conf.broker_url = saved


@pytest.fixture
def submit(client, profile):
    agency = Agency.objects.filter(code__icontains="police").first()
    _, token = PartnerApiClient.issue(name="Police system", agency=agency, referrer_source="6")

    def post(n: int) -> int:
        body = {
            "purpose": "PROVISION_OF_INFORMATION",
            "referrer": {"name": "PC Jones", "role": "Officer", "email": f"pc{n}@police.example"},
            "children": [{"given_names": "Lily", "family_name": f"Brown{n}"}],
            "concern_summary": "Domestic incident attended; children present.",
        }
        return client.post(
            "/api/v1/contacts",
            json.dumps(body),
            content_type="application/json",
            headers={"Authorization": f"Bearer {token}", "Idempotency-Key": f"redis-down-{n}"},
        ).status_code

    return post


def deliveries_per_contact() -> Counter:
    by_notification = dict(Notification.objects.values_list("id", "contact_id"))
    return Counter(
        by_notification[d] for d in Delivery.objects.values_list("notification_id", flat=True)
    )


@needs_threads
@pytest.mark.django_db(transaction=True)
def test_intake_goes_on_while_redis_is_down_and_each_is_delivered_once(
    redis_server, broker, submit
):
    adapter = LogAdapter()
    statuses, relay_refused, n = [], 0, 0
    for phase, seconds in (("up", 1.0), ("down", 3.0), ("up", 1.0)):
        if phase == "down":
            redis_server.kill()
        elif n:
            redis_server.start()  # comes back empty
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            statuses.append(submit(n))
            n += 1
            try:
                services.relay_once(broker, adapter)  # ids in Redis when it dies are lost
            except BrokerUnavailable:
                relay_refused += 1
    assert relay_refused > 0, "the outage was not seen"
    assert Counter(statuses) == {201: n}, "intake must keep succeeding while Redis is down"
    drain(broker)
    per_contact = deliveries_per_contact()
    contacts = set(Contact.objects.values_list("pk", flat=True))
    assert len(contacts) == n
    assert set(per_contact) == contacts, "a notification was lost"
    assert set(per_contact.values()) == {1}, "a notification was delivered twice"
    assert set(services.counts()) and services.counts()["SENT"] == n


@needs_threads
@pytest.mark.django_db(transaction=True)
def test_ids_redis_lost_in_a_restart_are_pushed_again(redis_server, broker, submit):
    for n in range(3):
        submit(n)
    assert services.relay_once(broker, LogAdapter()).queued == 3
    assert broker.depth() == 3
    redis_server.kill()
    redis_server.start()  # empty: the three ids are gone, the rows still say QUEUED
    result = services.relay_once(broker, LogAdapter())
    assert result.broker_emptied and result.queued == 3
    drain(broker)
    assert Counter(deliveries_per_contact().values()) == {1: 3}


@needs_threads
@pytest.mark.django_db(transaction=True)
def test_a_taken_but_undelivered_task_is_queued_again_after_the_visibility_timeout(
    broker, submit, settings
):
    settings.MASH_NOTIFY_VISIBILITY_TIMEOUT = 1
    submit(1)
    services.relay_once(broker, LogAdapter())
    assert broker._redis.rpop(broker.key)  # a worker took the task and died before claiming
    assert services.relay_once(broker, LogAdapter()).queued == 0  # not yet: it may be in hand
    time.sleep(1.2)
    assert services.relay_once(broker, LogAdapter()).queued == 1
    drain(broker)
    assert Notification.objects.get().status == Notification.Status.SENT


@needs_threads
@pytest.mark.django_db(transaction=True)
def test_a_task_in_redis_twice_is_sent_once(broker, submit):
    submit(1)
    note = Notification.objects.get()
    broker.push([note.id, note.id])  # e.g. the relay died after pushing, before marking QUEUED
    assert broker.depth() == 2
    drain(broker)
    assert broker.depth() == 0
    assert Delivery.objects.filter(notification_id=note.id).count() == 1


def test_the_relay_command_says_plainly_when_the_broker_is_down(redis_server, broker, submit):
    submit(1)
    redis_server.kill()
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="Unavailable, try again"):
        call_command("notifications", "relay", "--once")
    assert Notification.objects.get().status == Notification.Status.PENDING


def test_the_drill_script_reduced_for_ci():
    """faults/redis_down.py with a Celery worker and beat as separate processes, Redis down
    3 s (the full drill is 60 s: docs/reliability.md)."""
    import subprocess
    import sys
    from pathlib import Path

    script = Path(__file__).resolve().parents[3] / "faults" / "redis_down.py"
    run = subprocess.run(  # noqa: S603
        [sys.executable, str(script), "--down", "3", "--before", "1", "--after", "1"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    figures = json.loads(run.stdout)
    assert run.returncode == 0, (figures, run.stderr[-2000:])
    assert figures["intake"]["down"] > 0 and figures["intake_failures"] == 0
    assert (figures["lost"], figures["doubled"]) == (0, 0)
    assert figures["delivered_once"] == figures["contacts"]
    assert figures["worker_survived"] and figures["relay_outage_log_lines"] == 1
