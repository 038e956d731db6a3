"""Celery as production runs it (ADR 0018): a worker with its beat, as a separate process on a
real Redis, finds the outbox and the deadlines by itself. An acknowledgement recorded here is
delivered, and a clock inside its alert window gets its alerts, with nobody calling anything.

PostgreSQL only: the worker process must see the test's committed rows in the test database.
"""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection

from conftest import child, contact_details
from faults.redis_server import RedisServer
from mash.alerts.models import Alert
from mash.contacts import services as contacts
from mash.notifications.models import Delivery, Notification

ROOT = Path(__file__).resolve().parents[3]

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="the worker process needs the database server"
    ),
    pytest.mark.skipif(not RedisServer.available(), reason="needs redis-server installed"),
]


def _database_url() -> str:
    db = connection.settings_dict
    user = db["USER"] or "postgres"
    return f"postgres://{user}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.fixture
def worker_with_beat(tmp_path):
    redis = RedisServer()
    redis.start()
    env = os.environ | {
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DJANGO_READ_DOT_ENV": "false",
        "MASH_ENVIRONMENT": "local",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DATABASE_URL": _database_url(),
        "MASH_BROKER_URL": redis.url,
        "MASH_NOTIFY_ADAPTER": "log",
        "MASH_RELAY_SECONDS": "0.5",
        "MASH_SWEEP_SECONDS": "1",
        # Every open clock is inside its alert window, so the first sweep raises alerts.
        "MASH_ALERT_LEAD_MINUTES": str(60 * 24 * 30),
    }
    command = [sys.executable, "-m", "celery", "-A", "config", "worker", "-B", "--pool", "solo"]
    command += ["--loglevel", "WARNING", "-s", str(tmp_path / "beat-schedule")]
    log = (tmp_path / "worker.log").open("wb")
    process = subprocess.Popen(command, env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)  # noqa: S603
    yield process, tmp_path / "worker.log"
    process.terminate()
    process.wait(timeout=20)
    redis.kill()


def _wait_for(condition, seconds: float = 60.0) -> bool:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if condition():
            return True
        time.sleep(0.2)
    return False


def test_the_beat_relays_the_outbox_and_sweeps_the_deadlines(worker_with_beat, carys):
    process, log = worker_with_beat
    details = contact_details(referrer_email="teacher@school.example")
    contact = contacts.record_contact(by=carys, people=[child()], **details)
    acknowledgement = Notification.objects.get(contact_id=contact.pk)

    sent = _wait_for(lambda: Notification.objects.get(pk=acknowledgement.pk).status == "SENT")
    swept = _wait_for(lambda: Alert.objects.filter(contact=contact).exists())

    assert process.poll() is None, log.read_text()[-3000:]
    assert sent, log.read_text()[-3000:]
    assert Delivery.objects.filter(notification_id=acknowledgement.pk).count() == 1
    assert swept, log.read_text()[-3000:]
    assert contact.clocks.get(rule_id="TS-5").met_at is not None  # IN-8: met when sent
