"""``manage.py due``: output shape and plain-English errors for bad input."""

from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError


def _due(**options: str) -> list[str]:
    out = StringIO()
    call_command("due", stdout=out, **options)
    return out.getvalue().splitlines()


def _error(**options: str) -> str:
    with pytest.raises(CommandError) as caught:
        _due(**options)
    return str(caught.value)


def test_first_line_is_the_due_time_then_the_explanation() -> None:
    lines = _due(profile="northamptonshire", rule="TS-2", received="2026-12-04T15:00:00+00:00")

    assert lines == [
        "2026-12-07T11:00:00+00:00",
        "Rule TS-2, Partner-agency checks (RED): 4 working hours. Source: 004 §4.",
        "Received Friday 4 December 2026 at 3pm.",
        "Counting 4 working hours (office hours Monday to Friday 9am to 5pm, closed on bank "
        "holidays).",
        "2 working hours on Friday 4 December (3pm to 5pm); 2 working hours on Monday 7 "
        "December (9am to 11am).",
        "Skipped: Saturday 5 and Sunday 6 December (weekend).",
        "Due Monday 7 December 2026 at 11am.",
    ]


def test_profile_defaults_to_the_active_one(settings: Any) -> None:
    settings.MASH_PROFILE = "calderdale"

    lines = _due(rule="TS-1", received="2026-11-27T16:00")

    assert lines[0] == "2026-11-28T16:00:00+00:00"
    assert "Source: 003 §1." in lines[1]


@pytest.mark.parametrize("spelling", ["ts-6", "TS6", " TS-6 "])
def test_rule_ids_are_read_forgivingly(spelling: str) -> None:
    lines = _due(profile="rotherham", rule=spelling, received="2026-11-27T18:00")

    assert lines[0] == "2026-11-30T18:00:00+00:00"


def test_received_in_another_offset_is_converted_to_london() -> None:
    lines = _due(profile="calderdale", rule="TS-4", received="2026-07-01T09:00:00Z")

    assert lines[0] == "2026-07-03T10:00:00+01:00"


def test_unknown_profile_lists_the_profiles(settings: Any) -> None:
    settings.MASH_PROFILE_DIRS = []

    message = _error(profile="atlantis", rule="TS-1", received="2026-11-27T16:00")

    assert message == (
        "There is no policy profile called 'atlantis'. "
        "Choose one of: calderdale, northamptonshire, rotherham."
    )


def test_unknown_rule_lists_the_rules() -> None:
    message = _error(profile="calderdale", rule="TS-13", received="2026-11-27T16:00")

    assert message == (
        "Unknown rule 'TS-13'. Timescale rules are TS-1 to TS-12; the calderdale profile uses "
        "TS-1, TS-2, TS-3, TS-4, TS-5, TS-8, TS-9, TS-10."
    )


def test_rule_not_in_this_profile_says_where_it_is(settings: Any) -> None:
    settings.MASH_PROFILE_DIRS = []

    message = _error(profile="northamptonshire", rule="TS-6", received="2026-11-27T16:00")

    assert message == (
        "Rule TS-6 is not part of the northamptonshire profile (Northamptonshire MASH). "
        "Its rules are TS-1, TS-2, TS-3, TS-4, TS-5, TS-8, TS-9, TS-11, TS-12. "
        "TS-6 is used by: rotherham."
    )


@pytest.mark.parametrize("received", ["yesterday", "2026-13-01T10:00", "27/11/2026 16:00"])
def test_unreadable_time_gives_examples(received: str) -> None:
    message = _error(profile="rotherham", rule="TS-1", received=received)

    assert message == (
        f"Cannot read {received!r} as a date and time. Give ISO 8601, such as "
        "2026-12-04T15:00 (read as Europe/London time) or 2026-12-04T15:00:00+00:00."
    )


def test_invalid_profile_file_is_reported(write_profile: Any) -> None:
    def break_it(data: dict[str, Any]) -> None:
        data["timescales"]["TS-1"]["kind"] = "fortnights"

    write_profile("exampleshire", change=break_it)

    message = _error(profile="exampleshire", rule="TS-1", received="2026-11-27T16:00")

    assert message.startswith("exampleshire.yaml: timescales.TS-1.kind: 'fortnights' is not one of")
