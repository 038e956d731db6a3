"""`manage.py notifications relay|work|status` (ADR 0017).

relay: push waiting outbox rows to Celery (MASH_BROKER_URL), requeue what the broker may
       have lost, and put back rows a dead worker left mid-send. Survives a broker outage:
       logs once when it starts and once when it ends, retrying with backoff. Celery beat runs
       the same relay as a periodic task (ADR 0018); this command is for running it apart.
work:  with no broker, take PENDING rows from the table and deliver them (a broker's tasks
       are run by `celery -A config worker`).
status: counts per state, as JSON.
"""

from __future__ import annotations

import json
import logging
import time
from typing import Any

from django import db
from django.core.management.base import BaseCommand, CommandError

from mash.notifications import services
from mash.notifications.broker import BrokerUnavailable, configured_broker
from mash.notifications.delivery import configured_adapter

log = logging.getLogger("mash.notifications")


class Outage:
    """Backoff while the broker or the database is down, logging once per outage (not once
    per try), and once when it ends."""

    def __init__(self, who: str, longest: float = 5.0):
        self.who = who
        self.longest = longest
        self.delay = 0.0
        self.down: str | None = None
        self.down_since = 0.0

    def failed(self, error: Exception) -> float:
        what = "broker" if isinstance(error, BrokerUnavailable) else "database"
        if self.down != what:
            self.down, self.down_since = what, time.monotonic()
            log.warning("%s: %s unavailable (%s); retrying with backoff", self.who, what, error)
        if what == "database":
            db.close_old_connections()
            db.connection.close()  # reconnect on the next try
        self.delay = min(max(self.delay * 2, 0.5), self.longest)
        return self.delay

    def succeeded(self) -> None:
        if self.down is not None:
            took = time.monotonic() - self.down_since
            log.warning("%s: %s back after %.1f s", self.who, self.down, took)
            self.down, self.delay = None, 0.0


class Command(BaseCommand):
    help = "Relay outbox notifications to the broker, deliver them, or show their counts."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("action", choices=["relay", "work", "status"])
        parser.add_argument("--once", action="store_true", help="One pass, then stop.")
        parser.add_argument(
            "--interval", type=float, default=1.0, help="Seconds between passes when idle."
        )
        parser.add_argument(
            "--until-idle",
            action="store_true",
            help="Stop after a pass that found nothing to do (for scripts and tests).",
        )

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        if action == "status":
            self.stdout.write(json.dumps(services.counts()))
            return
        runner = self._relay if action == "relay" else self._work
        runner(once=options["once"], idle_stop=options["until_idle"], interval=options["interval"])

    def _relay(self, *, once: bool, idle_stop: bool, interval: float) -> None:
        broker = configured_broker()
        if broker is None:
            raise CommandError("No MASH_BROKER_URL: workers read the outbox directly, no relay.")
        adapter = configured_adapter()
        outage = Outage("relay")
        while True:
            try:
                result = services.relay_once(broker, adapter)
                outage.succeeded()
            except (BrokerUnavailable, db.Error) as error:
                if once:
                    raise CommandError(f"Unavailable, try again: {error}") from error
                time.sleep(outage.failed(error))
                continue
            if result.broker_emptied:
                log.warning("relay: the broker had lost its list: queued rows pushed again")
            if result.queued or result.recovered:
                log.info("relay: queued %s, recovered %s", result.queued, result.recovered)
            if once or (idle_stop and not result.queued and not result.recovered):
                return
            if not result.queued:
                time.sleep(interval)

    def _work(self, *, once: bool, idle_stop: bool, interval: float) -> None:
        broker = configured_broker()
        if broker is not None:
            raise CommandError(
                "MASH_BROKER_URL is set, so Celery workers deliver: run `celery -A config worker`."
            )
        adapter = configured_adapter()
        outage = Outage("worker")
        while True:
            try:
                result = services.work_once(None, adapter)
                outage.succeeded()
            except (BrokerUnavailable, db.Error) as error:
                if once:
                    raise CommandError(f"Unavailable, try again: {error}") from error
                time.sleep(outage.failed(error))
                continue
            done = result.sent + result.skipped + result.retried + result.failed
            if done:
                log.info(
                    "worker: sent %s, skipped %s, retried %s, failed %s",
                    result.sent,
                    result.skipped,
                    result.retried,
                    result.failed,
                )
            if once or (idle_stop and not done):
                return
            if not done:
                time.sleep(interval)
