"""The reports' SVG charts: read back as XML, named for assistive technology, bars to scale."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from mash.reports.charts import BAR_AREA, Series, bar_chart, stacked_bar_chart

SVG = "{http://www.w3.org/2000/svg}"


def parse(markup: str) -> ET.Element:
    return ET.fromstring(str(markup))  # noqa: S314 - our own SVG, in a test


def texts(svg: ET.Element) -> list[str]:
    return [t.text or "" for t in svg.iter(f"{SVG}text")]


def test_a_bar_chart_is_a_named_image():
    svg = parse(bar_chart(chart_id="c", title="Contacts by channel", bars=[("Email", 3)]))
    assert svg.get("role") == "img"
    assert svg.get("aria-labelledby") == "c-title c-desc"
    assert svg.find(f"{SVG}title").get("id") == "c-title"
    assert svg.find(f"{SVG}title").text == "Contacts by channel"
    assert svg.find(f"{SVG}desc").get("id") == "c-desc"
    assert svg.find(f"{SVG}desc").text == "Email: 3"


def test_bars_are_proportional_to_their_values_and_labelled_in_words():
    svg = parse(
        bar_chart(
            chart_id="s",
            title="Contacts by referrer source",
            bars=[("2A School", 4), ("6 Police", 2), ("3A GP", 1), ("1C The child", 0)],
        )
    )
    widths = [float(r.get("width")) for r in svg.iter(f"{SVG}rect")]
    assert widths == [BAR_AREA, BAR_AREA / 2, BAR_AREA / 4, 0.0]  # 4 : 2 : 1 : 0
    assert [r.get("data-value") for r in svg.iter(f"{SVG}rect")] == ["4", "2", "1", "0"]
    words = texts(svg)
    for label, figure in (("2A School", "4"), ("6 Police", "2"), ("3A GP", "1")):
        assert label in words and figure in words
    assert svg.find(f"{SVG}desc").text == "2A School: 4; 6 Police: 2; 3A GP: 1; 1C The child: 0"


def test_a_unit_follows_each_figure():
    svg = parse(bar_chart(chart_id="p", title="On time", bars=[("TS-1", 40.5)], unit="%"))
    assert "40.5%" in texts(svg)


def test_labels_are_escaped():
    svg = parse(bar_chart(chart_id="x", title="A <b> & C", bars=[("<script>", 1)]))
    assert svg.find(f"{SVG}title").text == "A <b> & C"
    assert "<script>" in texts(svg)
    assert svg.find(f".//{SVG}script") is None


def test_no_bars_says_so():
    svg = parse(bar_chart(chart_id="e", title="Nothing", bars=[]))
    assert "No data for this period" in texts(svg)
    assert svg.find(f"{SVG}desc").text == "No data"
    assert list(svg.iter(f"{SVG}rect")) == []


def test_all_zero_bars_have_no_length():
    svg = parse(bar_chart(chart_id="z", title="Zero", bars=[("a", 0), ("b", 0)]))
    assert [float(r.get("width")) for r in svg.iter(f"{SVG}rect")] == [0.0, 0.0]


SERIES = (
    Series("Met on time", "#00703c", "solid"),
    Series("Met late", "#b58840", "hatch"),
    Series("Open and overdue", "#d4351c", "cross"),
)


def test_a_stacked_bar_shares_one_scale_and_writes_out_its_figures():
    svg = parse(
        stacked_bar_chart(
            chart_id="t",
            title="Clocks due",
            series=SERIES,
            rows=[("TS-1 Decision", (2, 1, 1)), ("TS-2 Checks", (1, 0, 1))],
        )
    )
    assert svg.get("role") == "img" and svg.get("aria-labelledby") == "t-title t-desc"
    parts = [r for r in svg.iter(f"{SVG}rect") if r.get("class") == "mash-chart__part"]
    # TS-1 (total 4) fills the area: 2, 1 and 1 are a half and two quarters of it; TS-2's
    # 1 and 1 (no zero-length part drawn) are a quarter each, on the same scale.
    assert [(p.get("data-series"), float(p.get("width"))) for p in parts] == [
        ("Met on time", BAR_AREA / 2),
        ("Met late", BAR_AREA / 4),
        ("Open and overdue", BAR_AREA / 4),
        ("Met on time", BAR_AREA / 4),
        ("Open and overdue", BAR_AREA / 4),
    ]
    # Each part starts where the one before it ends.
    assert [float(p.get("x")) for p in parts[:3]] == [0, BAR_AREA / 2, 3 * BAR_AREA / 4]
    words = texts(svg)
    assert "2 met on time, 1 met late, 1 open and overdue" in words
    assert "1 met on time, 0 met late, 1 open and overdue" in words
    assert {"Met on time", "Met late", "Open and overdue"} <= set(words)  # the legend


def test_each_part_has_its_own_pattern_not_only_a_colour():
    svg = parse(
        stacked_bar_chart(chart_id="q", title="Clocks", series=SERIES, rows=[("a", (1, 1, 1))])
    )
    patterns = {p.get("id"): p for p in svg.iter(f"{SVG}pattern")}
    assert set(patterns) == {"q-p1", "q-p2"}  # the solid series is its colour alone
    assert patterns["q-p1"].find(f"{SVG}path") is not None  # hatched
    assert patterns["q-p2"].find(f"{SVG}path").get("d").count("M") == 2  # cross-hatched
    keys = [r for r in svg.iter(f"{SVG}rect") if r.get("class") == "mash-chart__key"]
    assert [k.get("fill") for k in keys] == ["#00703c", "url(#q-p1)", "url(#q-p2)"]


def test_an_empty_stacked_chart_says_so():
    svg = parse(stacked_bar_chart(chart_id="n", title="None", series=SERIES, rows=[]))
    assert "No data for this period" in texts(svg)
