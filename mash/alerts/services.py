"""Acknowledging alerts: individually without a reason, in bulk with one (issue 7)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from mash.alerts import permissions
from mash.alerts.models import Alert
from mash.audit import services as audit
from mash.core.errors import ApplicationError, InvalidInput, NotPermitted


@transaction.atomic
def acknowledge(
    alert_ids: Sequence[Any], *, by: Any, reason: str = "", now: datetime | None = None
) -> list[Alert]:
    """Acknowledge the user's own open alerts `alert_ids`, recording who, when and why.

    A reason is required for more than one at once (bulk); optional for one. Alerts that
    closed meanwhile (the clock was met) are left alone; none left is an error.
    """
    if not permissions.can_see_alerts(by):
        raise NotPermitted("Your role has no deadline alerts.")
    reason = reason.strip()
    problems = _problems(alert_ids, reason)
    if problems:
        raise InvalidInput(problems)
    alerts = list(
        Alert.objects.select_for_update(of=("self",))
        .filter(pk__in=list(alert_ids), recipient=by)
        .open()
        .select_related("clock")
    )
    if not alerts:
        raise ApplicationError(
            "These alerts are no longer open: their clocks were met or they were acknowledged "
            "already.",
            field="alerts",
        )
    moment = now or timezone.now()
    for alert in alerts:
        _acknowledge_one(alert, by, reason, moment, bulk=len(alerts) > 1)
    return alerts


def _problems(alert_ids: Sequence[Any], reason: str) -> list[ApplicationError]:
    if not alert_ids:
        return [ApplicationError("Select the alerts you want to acknowledge.", field="alerts")]
    if len(alert_ids) > 1 and not reason:
        return [
            ApplicationError(
                "Enter why you are acknowledging these alerts together: a reason is needed "
                "when you acknowledge more than one.",
                field="reason",
            )
        ]
    return []


def _acknowledge_one(alert: Alert, by: Any, reason: str, at: datetime, *, bulk: bool) -> None:
    alert.acknowledged_at = at
    alert.acknowledged_by = by
    alert.acknowledgement_reason = reason
    alert.save(
        update_fields=["acknowledged_at", "acknowledged_by", "acknowledgement_reason", "updated_at"]
    )
    audit.record(
        actor=by,
        action="alert.acknowledged",
        contact_id=alert.contact_id,
        subject=alert,
        rule_ids=[alert.clock.rule_id],
        data={"stage": alert.stage, "reason": reason, "bulk": bulk},
    )
