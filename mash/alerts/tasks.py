"""The deadline sweep as a Celery task (ADR 0018): beat runs it every MASH_SWEEP_SECONDS; the
demo's in-process runner runs it locally. Idempotent: the alerts' unique constraint decides
what is raised, so a sweep Celery runs twice does no harm."""

from __future__ import annotations

from typing import Any

from celery import shared_task

from mash.alerts.sweep import sweep


@shared_task(name="mash.alerts.sweep")
def sweep_deadlines() -> dict[str, Any]:
    """Raise the deadline alerts due now and resolve those whose clock was met (TS-1 … TS-10)."""
    return sweep().as_dict()
