"""The Annex A page: choose the period and download the workbook (issue 8 §5, DM-2)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from mash.audit import services as audit
from mash.contacts.views import refuse_unless
from mash.core.forms import GovukDateField, GovukFormMixin
from mash.reports.permissions import can_read_management_information
from mash.returns.annex_a import annex_a_export, years_before

MAX_YEARS = 2
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def six_months_before(day: date) -> date:
    """The same day six months earlier (the last day of the month when it has fewer days)."""
    month, year = day.month - 6, day.year
    if month < 1:
        month, year = month + 12, year - 1
    for last in (day.day, 30, 29, 28):
        try:
            return date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise ValueError(day)  # pragma: no cover - 28 always exists


class AnnexAForm(GovukFormMixin, forms.Form):
    """The period of the lists: Ofsted asks for the 6 months before the inspection."""

    start = GovukDateField(label="Start date", help_text="For example, 1 6 2026")
    end = GovukDateField(label="End date", help_text="For example, 30 11 2026")

    def clean(self) -> dict[str, Any]:
        """The period must run forwards, end by today and cover no more than two years."""
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        today = timezone.localdate()
        if end is not None and end > today:
            self.add_error("end", "End date must be today or in the past")
        elif start is not None and end is not None:
            if start > end:
                self.add_error("start", "The start date must be on or before the end date")
            elif start < years_before(end, MAX_YEARS):
                self.add_error(
                    "start",
                    f"The period must be no more than {MAX_YEARS} years: choose a later start "
                    "date (Ofsted asks for the 6 months before the inspection)",
                )
        return data


@login_required
@require_http_methods(["GET", "POST"])
def annex_a(request: HttpRequest) -> HttpResponse:
    """Choose a period (the last 6 months by default) and download Ofsted's Annex A lists."""
    refuse_unless(request, can_read_management_information(request.user), "Annex A")
    today = timezone.localdate()
    if request.method == "GET":
        form = AnnexAForm(initial={"start": six_months_before(today), "end": today})
        return render(request, "returns/annex_a.html", {"form": form})
    form = AnnexAForm(request.POST)
    if not form.is_valid():
        return render(request, "returns/annex_a.html", {"form": form}, status=400)
    start, end = form.cleaned_data["start"], form.cleaned_data["end"]
    export = annex_a_export(start=start, end=end)
    audit.record(
        actor=request.user,
        action="returns.annex_a_exported",
        rule_ids=["DM-2"],
        purpose="Ofsted inspection data (Annex A)",
        data=export.audit_data(start, end),
    )
    response = HttpResponse(export.content, content_type=XLSX)
    name = f"annex-a-{start.isoformat()}-to-{end.isoformat()}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
