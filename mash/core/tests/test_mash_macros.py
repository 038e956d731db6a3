import datetime as dt
from zoneinfo import ZoneInfo

from bs4 import BeautifulSoup
from django.template import engines

LONDON = ZoneInfo("Europe/London")
NOW = dt.datetime(2026, 12, 4, 10, tzinfo=LONDON)


def render(call: str, **context: object) -> BeautifulSoup:
    source = '{% from "macros/mash.html" import rag_tag, timeline %}' + call
    return BeautifulSoup(engines["jinja2"].from_string(source).render(context), "html.parser")


def tag(page: BeautifulSoup) -> tuple[str, list[str]]:
    element = page.select_one(".govuk-tag")
    return element.get_text(strip=True), element["class"]


def test_rag_tag_says_the_rating_in_words() -> None:
    assert tag(render("{{ rag_tag('RED') }}")) == ("Red", ["govuk-tag", "govuk-tag--red"])
    assert tag(render("{{ rag_tag('AMBER') }}"))[0] == "Amber"
    assert tag(render("{{ rag_tag(none) }}"))[0] == "Not rated"


def test_timeline_lists_who_when_what_and_rules() -> None:
    items = [
        {
            "who": "Sam Patel (MASH social worker)",
            "when": dt.datetime(2026, 12, 4, 15, tzinfo=LONDON),
            "what": "Rated Red",
            "rule_ids": ["RAG-1", "CL-2"],
        },
        {"who": "System", "when": NOW, "what": "Contact recorded", "detail": "By phone"},
    ]
    page = render("{{ timeline(items) }}", items=items)
    entries = page.select("ol.app-timeline > li")
    assert [e.select_one("h3").get_text() for e in entries] == ["Rated Red", "Contact recorded"]
    first = entries[0]
    assert first.select_one("time")["datetime"] == "2026-12-04T15:00:00+00:00"
    assert "Sam Patel (MASH social worker), Friday 4 December 2026 at 3pm" in " ".join(
        first.select_one(".app-timeline__meta").get_text().split()
    )
    assert first.select_one(".app-timeline__rules").get_text() == "Rules applied: RAG-1, CL-2"
    assert entries[1].select_one(".govuk-body").get_text() == "By phone"


def test_empty_timeline_says_so() -> None:
    assert render("{{ timeline([]) }}").get_text(strip=True) == "Nothing has happened yet."
