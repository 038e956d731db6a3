"""The notifications this app sends (ADR 0017), registered from `AlertsConfig.ready`."""

from __future__ import annotations

from mash.notifications import kinds

DEADLINE_ALERT = kinds.Kind(
    "deadline_alert",
    sent_action="notification.deadline_alert_sent",
    rule_ids=("TS-1", "TS-2", "TS-3", "TS-4", "TS-5"),
)
WRITTEN_CONFIRMATION_CHASE = kinds.Kind(
    "written_confirmation_chase",
    sent_action="notification.written_confirmation_chase_sent",
    rule_ids=("IN-7", "TS-4"),
)


def register_all() -> None:
    kinds.register(DEADLINE_ALERT)
    kinds.register(WRITTEN_CONFIRMATION_CHASE)
