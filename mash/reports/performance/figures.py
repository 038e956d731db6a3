"""The report's charts (inline SVG, `mash.reports.charts`), made once for the page and the PDF."""

from __future__ import annotations

from markupsafe import Markup

from mash.reports.charts import Series, bar_chart, stacked_bar_chart
from mash.reports.performance.selectors import PerformanceReport

TIMELINESS = (
    Series("Met on time", "#00703c", "solid"),
    Series("Met late", "#b58840", "hatch"),
    Series("Open and overdue", "#d4351c", "cross"),
    Series("Open and not yet due", "#505a5f", "dots"),
)


def charts_for(report: PerformanceReport) -> dict[str, Markup]:
    """Each chart by name; the page and the PDF put each beside its table."""
    c = report.conversion
    return {
        "source": bar_chart(
            chart_id="chart-source",
            title="Contacts by referrer source",
            bars=[(f"{r.code} {r.label}", r.count) for r in report.by_source],
        ),
        "channel": bar_chart(
            chart_id="chart-channel",
            title="Contacts by channel",
            bars=[(r.label, r.count) for r in report.by_channel],
        ),
        "outcome": bar_chart(
            chart_id="chart-outcome",
            title="Contacts by outcome",
            bars=[(r.label, r.count) for r in report.by_outcome],
        ),
        "conversion": bar_chart(
            chart_id="chart-conversion",
            title="From contact to referral to assessment or enquiry",
            bars=[
                ("Contacts", c.contacts),
                ("Referrals", c.referrals),
                ("Child in need assessment (s17)", c.s17),
                ("Child protection enquiry (s47)", c.s47),
            ],
        ),
        "timeliness": stacked_bar_chart(
            chart_id="chart-timeliness",
            title="Clocks due in the period, by result",
            series=TIMELINESS,
            rows=[
                (
                    f"{k.rule_id} {k.label}",
                    (k.on_time, k.late, k.overdue, k.not_yet_due),
                )
                for k in report.clocks
                if k.total
            ],
        ),
    }
