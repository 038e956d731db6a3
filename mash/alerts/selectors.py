"""Reading alerts for the pages and the header count."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from mash.alerts import permissions
from mash.alerts.models import Alert


def _with_related(alerts: QuerySet[Alert]) -> QuerySet[Alert]:
    return alerts.select_related(
        "clock", "contact", "recipient", "acknowledged_by", "team"
    ).order_by("-stage", "clock__due_at", "raised_at")


def open_alerts(user: Any) -> QuerySet[Alert]:
    """The user's open alerts: overdue first, then due soon, soonest due first."""
    return _with_related(Alert.objects.filter(recipient=user).open())


def acknowledged_alerts(user: Any, limit: int = 200) -> list[Alert]:
    """The user's alerts they acknowledged, newest first (at most `limit`)."""
    alerts = Alert.objects.filter(recipient=user, acknowledged_at__isnull=False)
    return list(
        alerts.select_related("clock", "contact", "acknowledged_by").order_by("-acknowledged_at")[
            :limit
        ]
    )


def team_alerts(user: Any, limit: int = 200) -> list[Alert]:
    """Alerts of the teams a manager oversees (every team for service managers and heads of
    service), open ones and acknowledged ones, with who acknowledged them."""
    if not permissions.can_see_team_alerts(user):
        return []
    alerts = Alert.objects.filter(resolved_at__isnull=True, clock__met_at__isnull=True)
    if not permissions.sees_every_team(user):
        alerts = alerts.filter(team_id__in=list(user.team_ids()))
    return list(_with_related(alerts).exclude(recipient=user)[:limit])


def open_count(user: Any) -> int:
    """The number in the header: one COUNT query; none for anyone without alerts."""
    if not permissions.can_see_alerts(user):
        return 0
    return Alert.objects.filter(recipient=user).open_count()
