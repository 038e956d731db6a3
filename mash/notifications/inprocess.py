"""The in-process runner: Celery's periodic tasks without a broker (`make demo`; ADR 0018).

Runs the same Celery tasks as a worker would (`Task.apply()` executes a task locally, through
Celery's own machinery), on the beat's schedule, in a daemon thread beside the web server or
in the foreground (`manage.py background`). One machine, no Redis: the outbox rows are
delivered straight from the table and deadlines are swept every MASH_SWEEP_SECONDS.
"""

from __future__ import annotations

import logging
import threading
import time
from typing import Any

from django import db
from django.conf import settings

log = logging.getLogger("mash.notifications")


class InProcessRunner:
    """Relay/deliver every `relay_seconds`, sweep every `sweep_seconds`, until stopped."""

    def __init__(self, relay_seconds: float | None = None, sweep_seconds: float | None = None):
        self.relay_seconds = relay_seconds or settings.MASH_RELAY_SECONDS
        self.sweep_seconds = sweep_seconds or settings.MASH_SWEEP_SECONDS
        self.stopping = threading.Event()
        self.thread: threading.Thread | None = None

    def start(self) -> InProcessRunner:
        self.thread = threading.Thread(target=self.run, name="mash-background", daemon=True)
        self.thread.start()
        return self

    def stop(self, timeout: float = 10.0) -> None:
        self.stopping.set()
        if self.thread is not None:
            self.thread.join(timeout)

    def run(self) -> None:
        next_sweep = 0.0
        while not self.stopping.is_set():
            due = time.monotonic() >= next_sweep  # decided once: a slow pass skips no sweep
            self.tick(sweep=due)
            if due:
                next_sweep = time.monotonic() + self.sweep_seconds
            self.stopping.wait(self.relay_seconds)
        db.connections.close_all()

    def tick(self, *, sweep: bool = True) -> dict[str, Any]:
        """One pass: deliver what is due and, when asked, sweep the deadlines. An error is
        logged and the next pass tries again (the work is idempotent)."""
        from mash.alerts.tasks import sweep_deadlines
        from mash.notifications.tasks import relay_outbox

        done: dict[str, Any] = {}
        for name, task, wanted in (
            ("relay", relay_outbox, True),
            ("sweep", sweep_deadlines, sweep),
        ):
            if not wanted:
                continue
            try:
                done[name] = task.apply(throw=True).get()
            except Exception:  # noqa: BLE001 - keep the runner alive; the next pass retries
                log.exception("background %s failed; trying again next pass", name)
                db.connections.close_all()
        return done
