"""How long before a clock's due time its "due soon" alert is raised.

Lead time is counted in plain wall-clock minutes before the due time, for every clock,
including working-hour clocks (RULES.md "How clocks count"): a TS-2 RED check due 11am on
Monday with a 60-minute lead is flagged at 10am on Monday, never on the Friday before. The due
time already carries the office-hours arithmetic; the lead is only "how much warning".

Settings: MASH_ALERT_LEAD_MINUTES (default 60) and MASH_ALERT_LEAD_MINUTES_BY_RULE
("TS-2=60,TS-4=240"). A lead of 0 raises no "due soon" alert for that rule, only "overdue".
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

_RULE_ID = re.compile(r"^TS-\d{1,2}$")


@dataclass(frozen=True)
class LeadTimes:
    default: timedelta
    by_rule: dict[str, timedelta]

    def for_rule(self, rule_id: str) -> timedelta:
        return self.by_rule.get(rule_id, self.default)


def lead_times() -> LeadTimes:
    """The validated lead times; ImproperlyConfigured names the setting and the bad value."""
    default = _minutes("MASH_ALERT_LEAD_MINUTES", getattr(settings, "MASH_ALERT_LEAD_MINUTES", 60))
    raw = getattr(settings, "MASH_ALERT_LEAD_MINUTES_BY_RULE", {}) or {}
    by_rule = {}
    for rule_id, value in dict(raw).items():
        rule_id = str(rule_id).strip().upper()
        if not _RULE_ID.match(rule_id):
            raise ImproperlyConfigured(
                f"MASH_ALERT_LEAD_MINUTES_BY_RULE names {rule_id!r}: use clock rule ids such as "
                "TS-2=60,TS-4=240."
            )
        by_rule[rule_id] = _minutes(f"MASH_ALERT_LEAD_MINUTES_BY_RULE[{rule_id}]", value)
    return LeadTimes(default=default, by_rule=by_rule)


def _minutes(name: str, value: Any) -> timedelta:
    text = str(value).strip()
    if isinstance(value, bool) or not re.fullmatch(r"\d+", text):
        raise ImproperlyConfigured(
            f"{name} is {value!r}: it must be a whole number of minutes, 0 or more "
            "(for example 60)."
        )
    return timedelta(minutes=int(text))
