"""Dates, times and statuses in GOV.UK style, for templates ("4 December 2026", "3:30pm")."""

import datetime as dt

from django.utils import timezone

from mash.workdays.text import MONTH_NAMES, format_moment, format_time

RAG_TAGS = {
    "RED": ("Red", "govuk-tag--red"),
    "AMBER": ("Amber", "govuk-tag--yellow"),
    "GREEN": ("Green", "govuk-tag--green"),
}


def _local(value: dt.datetime) -> dt.datetime:
    """An aware datetime in the service's time zone (Europe/London); naive values as they are."""
    return timezone.localtime(value) if timezone.is_aware(value) else value


def _local_date(value: dt.date) -> dt.date:
    return _local(value).date() if isinstance(value, dt.datetime) else value


def date_gb(value: dt.date | None) -> str:
    """'4 December 2026'. A datetime is shown as its date in Europe/London."""
    if value is None:
        return ""
    day = _local_date(value)
    return f"{day.day} {MONTH_NAMES[day.month - 1]} {day.year}"


def time_gb(value: dt.time | dt.datetime | None) -> str:
    """'3pm', '3:30pm', 'midday' or 'midnight' (GOV.UK style avoids the ambiguous 12am/12pm)."""
    if value is None:
        return ""
    return format_time(_local(value) if isinstance(value, dt.datetime) else value)


def datetime_gb(value: dt.datetime | None) -> str:
    """'Friday 4 December 2026 at 3pm', in Europe/London (the clocks' explanations' wording)."""
    if value is None:
        return ""
    return format_moment(_local(value))


def rag_display(rag: object) -> dict[str, str]:
    """The tag text and colour class for a RAG rating; the word carries the meaning, not colour."""
    key = str(getattr(rag, "value", rag) or "").upper()
    text, classes = RAG_TAGS.get(key, ("Not rated", "govuk-tag--grey"))
    return {"text": text, "classes": classes}
