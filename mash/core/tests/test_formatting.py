import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from mash.core.formatting import date_gb, datetime_gb, rag_display, time_gb

LONDON = ZoneInfo("Europe/London")
UTC = dt.UTC


def test_date_gb() -> None:
    assert date_gb(dt.date(2026, 12, 4)) == "4 December 2026"
    assert date_gb(None) == ""


def test_date_gb_uses_the_london_date_of_a_datetime() -> None:
    # 23:30 UTC on 30 June is 00:30 on 1 July in London (BST).
    assert date_gb(dt.datetime(2026, 6, 30, 23, 30, tzinfo=UTC)) == "1 July 2026"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (dt.time(15), "3pm"),
        (dt.time(15, 30), "3:30pm"),
        (dt.time(9, 5), "9:05am"),
        (dt.time(12), "midday"),
        (dt.time(0), "midnight"),
        (dt.time(0, 15), "12:15am"),
        (dt.time(12, 45), "12:45pm"),
    ],
)
def test_time_gb(value: dt.time, expected: str) -> None:
    assert time_gb(value) == expected


def test_datetime_gb_is_in_london_time() -> None:
    assert datetime_gb(dt.datetime(2026, 12, 4, 15, tzinfo=UTC)) == "Friday 4 December 2026 at 3pm"
    summer = dt.datetime(2026, 7, 3, 14, 30, tzinfo=UTC)  # 15:30 BST
    assert datetime_gb(summer) == "Friday 3 July 2026 at 3:30pm"
    assert datetime_gb(None) == ""


@pytest.mark.parametrize(
    ("rag", "text", "classes"),
    [
        ("RED", "Red", "govuk-tag--red"),
        ("amber", "Amber", "govuk-tag--yellow"),
        ("GREEN", "Green", "govuk-tag--green"),
        (None, "Not rated", "govuk-tag--grey"),
    ],
)
def test_rag_display(rag: str | None, text: str, classes: str) -> None:
    assert rag_display(rag) == {"text": text, "classes": classes}
