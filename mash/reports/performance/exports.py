"""The performance report as a CSV (long format) and as an A4 PDF.

The CSV is one table of four columns, `section, label, measure, value`, one figure a line
(long or "tidy" format). A council analyst loads it straight into a spreadsheet's pivot
table or Power BI and can append fortnight after fortnight to follow a trend; a file of
several tables with their own heading rows would have to be cut apart by hand first.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

from django.template.loader import render_to_string

from mash.letters.rendering import html_to_pdf
from mash.reports.performance.figures import charts_for
from mash.reports.performance.selectors import PerformanceReport
from mash.sharing.exports import safe_cell

HEADER = ("section", "label", "measure", "value")
Line = tuple[str, str, str, str]


def _value(value: float | int | None) -> str:
    return "" if value is None else str(value)


def csv_lines(report: PerformanceReport) -> Iterator[Line]:
    """Every figure of the report, one line each (see the module docstring)."""
    yield "Period", "From", "Date", report.start.isoformat()
    yield "Period", "To", "Date", report.end.isoformat()
    yield "Period", "Days", "Count", str(report.days)
    for section, rows in (
        ("Contacts by referrer source", report.by_source),
        ("Contacts by channel", report.by_channel),
        ("Contacts by outcome", report.by_outcome),
    ):
        for row in rows:
            label = f"{row.code} {row.label}" if section.endswith("source") else row.label
            yield section, label, "Contacts", str(row.count)
    c = report.conversion
    conv = "Conversion (per contact)"
    yield conv, "Contacts", "Count", str(c.contacts)
    yield conv, "Referrals", "Count", str(c.referrals)
    yield conv, "Referrals", "Share of contacts (%)", _value(c.referral_rate)
    yield conv, "Referrals with no further action", "Count", str(c.referrals_nfa)
    yield conv, "Referrals with no further action", "Share of referrals (%)", _value(c.nfa_rate)
    yield conv, "Child in need assessment (s17)", "Count", str(c.s17)
    yield conv, "Child in need assessment (s17)", "Share of referrals (%)", _value(c.s17_rate)
    yield conv, "Child protection enquiry (s47)", "Count", str(c.s47)
    yield conv, "Child protection enquiry (s47)", "Share of referrals (%)", _value(c.s47_rate)
    yield conv, "Children in the contacts", "Count", str(c.children_in_contacts)
    yield conv, "Children in the referrals", "Count", str(c.children_in_referrals)
    for clock in report.clocks:
        label = f"{clock.rule_id} {clock.words}"
        yield "Timeliness (clocks due in the period)", label, "Met on time", str(clock.on_time)
        yield "Timeliness (clocks due in the period)", label, "Met late", str(clock.late)
        yield "Timeliness (clocks due in the period)", label, "Open and overdue", str(clock.overdue)
        yield (
            "Timeliness (clocks due in the period)",
            label,
            "Open and not yet due",
            str(clock.not_yet_due),
        )
        yield (
            "Timeliness (clocks due in the period)",
            label,
            "Met on time (%)",
            _value(clock.on_time_rate),
        )
    for section, look, what in (
        ("Re-referrals within 12 months", report.re_referrals, "Referrals"),
        ("Repeat concerns within 12 months", report.repeat_concerns, "Contacts"),
    ):
        yield section, what, "Count", str(look.total)
        yield section, f"{what} with an earlier one in 12 months", "Count", str(look.repeated)
        yield section, f"{what} with an earlier one in 12 months", "Rate (%)", _value(look.rate)
    for level in report.by_threshold:
        for column, count in zip(report.outcome_columns, level.counts, strict=True):
            yield "Outcomes by threshold level", level.label, column, str(count)
    for a in report.partners:
        section = "Partner response times (working hours)"
        yield section, a.agency, "Requests asked", str(a.asked)
        yield section, a.agency, "Answered", str(a.answered)
        yield section, a.agency, "Median working hours to answer", _value(a.median_hours)
        yield section, a.agency, "90th percentile working hours to answer", _value(a.p90_hours)
        yield section, a.agency, "Answered by the deadline", str(a.by_deadline)
        yield section, a.agency, "Answered by the deadline (%)", _value(a.by_deadline_rate)


def csv_text(report: PerformanceReport) -> str:
    """The CSV file's text, a byte-order mark first so spreadsheets read it as UTF-8."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)
    writer.writerow(HEADER)
    for line in csv_lines(report):
        writer.writerow([safe_cell(cell) for cell in line])
    return out.getvalue()


def pdf_bytes(report: PerformanceReport) -> bytes:
    """The report on A4: the same tables and charts as the page, for printing and filing."""
    html = render_to_string(
        "reports/performance_pdf.html", {"report": report, "charts": charts_for(report)}
    )
    return html_to_pdf(html)
