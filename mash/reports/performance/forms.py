"""The period of the performance report: two GOV.UK date inputs, `from` and `to`."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.utils import timezone

from mash.core.forms import GovukDateField, GovukFormMixin
from mash.reports.performance.selectors import LONGEST_PERIOD_DAYS, default_period

FROM_AFTER_TO = "The start of the period must be the same as or before the end"
TOO_LONG = f"The period must be {LONGEST_PERIOD_DAYS} days or shorter"
IN_FUTURE = "The end of the period must be today or in the past"


class PeriodForm(GovukFormMixin, forms.Form):
    """`from` and `to` are Python keywords, so the fields are added after the class."""

    def clean(self) -> dict[str, Any]:
        """The two dates make a period: in order, not longer than 400 days, not in the future."""
        data = super().clean() or {}
        start, end = data.get("from"), data.get("to")
        if start and end:
            if start > end:
                self.add_error("from", FROM_AFTER_TO)
            elif (end - start).days + 1 > LONGEST_PERIOD_DAYS:
                self.add_error("from", TOO_LONG)
        if end and end > timezone.localdate():
            self.add_error("to", IN_FUTURE)
        return data

    def period(self) -> tuple[date, date]:
        """The chosen period (call after `is_valid()`), or the default when nothing was asked."""
        if not self.is_bound:
            return default_period()
        return self.cleaned_data["from"], self.cleaned_data["to"]


PeriodForm.base_fields["from"] = GovukDateField(
    label="From", help_text="For example, 16 11 2026", error_name="the start of the period"
)
PeriodForm.base_fields["to"] = GovukDateField(
    label="To", help_text="For example, 29 11 2026", error_name="the end of the period"
)


def period_form(query: Any) -> PeriodForm:
    """Bound when the query asks for a period (any of its six boxes), else showing the default."""
    asked = any(key.startswith(("from_", "to_")) for key in query)
    if asked:
        return PeriodForm(query)
    start, end = default_period()
    return PeriodForm(initial={"from": start, "to": end})
