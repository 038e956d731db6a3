"""Celery tasks: the background work of notifications (ADR 0018); the deadline sweep's task
is mash.alerts.tasks.

Each task is a thin call into the services, so the same code runs under a Celery worker on
Redis (production), in the demo's in-process runner (`Task.apply()`, no broker) and in tests.
Tasks are idempotent: the outbox row's conditional UPDATEs decide what is sent, so a task Celery
delivers twice does no harm.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import asdict
from typing import Any

from celery import shared_task

from mash.notifications import services
from mash.notifications.broker import configured_broker
from mash.notifications.delivery import configured_adapter

log = logging.getLogger("mash.notifications")


@shared_task(name="mash.notifications.deliver")
def deliver_notification(notification_id: str) -> str:
    """Send one outbox row: "sent", "skipped" (done already or elsewhere), "retried", "failed"."""
    return services.deliver(uuid.UUID(notification_id), configured_adapter())


@shared_task(name="mash.notifications.relay")
def relay_outbox() -> dict[str, Any]:
    """Hand due rows (new, backed off after a failure, or lost by the broker) to the workers.

    With no broker (the demo) there is nobody to hand them to: deliver them here instead."""
    broker = configured_broker()
    adapter = configured_adapter()
    if broker is None:
        return asdict(services.work_once(None, adapter))
    result = services.relay_once(broker, adapter)
    if result.broker_emptied:
        log.warning("relay: the broker had lost its queue: queued rows pushed again")
    return asdict(result)
