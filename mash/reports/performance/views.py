"""The performance report (issue 8 §2, DM-2): the page, its CSV and its PDF.

Managers and the auditor only (`can_read_management_information`); each view and each
download is audited with its period. The figures are about the service: no child or worker
is named, so the events carry no contact.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from mash.audit import services as audit
from mash.contacts.views import refuse_unless
from mash.reports.performance import exports
from mash.reports.performance.figures import charts_for
from mash.reports.performance.forms import PeriodForm, period_form
from mash.reports.performance.selectors import build_report
from mash.reports.permissions import can_read_management_information

WHAT = "performance report"
# The period's six date boxes: the only part of a refused query the audit keeps.
PERIOD_KEYS = tuple(f"{end}_{part}" for end in ("from", "to") for part in ("day", "month", "year"))
TYPED_LIMIT = 20  # characters kept of each box: enough to see what was typed


def _query(start: date, end: date) -> str:
    """The period as the six date boxes, for the download links and a shared address."""
    parts: dict[str, int] = {}
    for name, day in (("from", start), ("to", end)):
        parts |= {f"{name}_day": day.day, f"{name}_month": day.month, f"{name}_year": day.year}
    return urlencode(parts)


def _period(request: HttpRequest) -> tuple[PeriodForm, tuple[date, date] | None]:
    refuse_unless(request, can_read_management_information(request.user), WHAT)
    form = period_form(request.GET)
    if form.is_bound and not form.is_valid():
        return form, None
    return form, form.period()


def _typed(request: HttpRequest) -> dict[str, str]:
    """What was typed in the date boxes, each cut short: the audit log is append-only, so
    other parameters and long values are never written to it."""
    return {key: request.GET[key][:TYPED_LIMIT] for key in PERIOD_KEYS if key in request.GET}


def _refused(request: HttpRequest, form: PeriodForm) -> HttpResponse:
    """A period that cannot be reported: the page again, with what was typed and why."""
    audit.record(
        actor=request.user,
        action="reports.performance_viewed",
        rule_ids=["DM-2"],
        data={"period": "not valid", "query": _typed(request)},
    )
    return render(request, "reports/performance.html", {"form": form, "report": None}, status=400)


def _audit(request: HttpRequest, action: str, start: date, end: date, **extra: Any) -> None:
    audit.record(
        actor=request.user,
        action=action,
        rule_ids=["DM-2"],
        data={"from": start.isoformat(), "to": end.isoformat(), **extra},
    )


@login_required
@require_GET
def report(request: HttpRequest) -> HttpResponse:
    """The report for the chosen period (default: the fortnight ending yesterday)."""
    form, period = _period(request)
    if period is None:
        return _refused(request, form)
    start, end = period
    figures = build_report(start=start, end=end)
    _audit(request, "reports.performance_viewed", start, end)
    return render(
        request,
        "reports/performance.html",
        {
            "form": form,
            "report": figures,
            "charts": charts_for(figures),
            "query": _query(start, end),
        },
    )


def _download(content: bytes | str, content_type: str, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
@require_GET
def report_csv(request: HttpRequest) -> HttpResponse:
    """Every figure as one long-format CSV (`section, label, measure, value`), audited."""
    return _export(request, "csv", exports.csv_text, "text/csv; charset=utf-8")


@login_required
@require_GET
def report_pdf(request: HttpRequest) -> HttpResponse:
    """The report as an A4 PDF with the same tables and charts, audited."""
    return _export(request, "pdf", exports.pdf_bytes, "application/pdf")


def _export(
    request: HttpRequest,
    kind: str,
    render_figures: Callable[[Any], bytes | str],
    content_type: str,
) -> HttpResponse:
    """The report for the period asked, in one format, audited; a bad period is refused."""
    form, period = _period(request)
    if period is None:
        return _refused(request, form)
    start, end = period
    figures = build_report(start=start, end=end)
    _audit(request, "reports.performance_exported", start, end, format=kind)
    return _download(
        render_figures(figures),
        content_type,
        f"mash-performance-{start:%Y-%m-%d}-to-{end:%Y-%m-%d}.{kind}",
    )
