"""The shipped policy profiles, lookups, choosing a profile, and a fourth authority."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from mash.policy.profiles import (
    SHIPPED_PROFILES_DIR,
    Outcome,
    OutcomeCode,
    Profile,
    TeamKind,
    UnknownCodeError,
    UnknownProfileError,
    WrittenConfirmation,
    active_profile,
    available_profiles,
    load_profile,
)
from mash.policy.tests.conftest import WriteProfile
from mash.policy.validation import SCHEMA_PATH
from mash.workdays.clocks import ClockKind

SHIPPED = ("calderdale", "northamptonshire", "rotherham")
SEEDS = Path(__file__).resolve().parents[4] / "shared" / "seeds"
PHONE = re.compile(r"\b0\d{3,4} ?\d{3} ?\d{3,4}\b")


def _digits(text: str) -> str:
    return re.sub(r"\D", "", text)


def test_schema_is_valid_draft_2020_12() -> None:
    Draft202012Validator.check_schema(json.loads(SCHEMA_PATH.read_text(encoding="utf-8")))


def test_the_three_authorities_are_shipped(settings: Any) -> None:
    settings.MASH_PROFILE_DIRS = []

    assert tuple(available_profiles()) == SHIPPED
    assert all(path.parent == SHIPPED_PROFILES_DIR for path in available_profiles().values())


@pytest.mark.parametrize("name", SHIPPED)
def test_every_shipped_profile_validates(name: str) -> None:
    profile = load_profile(name)

    assert profile.id == name
    assert [outcome.code for outcome in profile.outcomes] == list(OutcomeCode)
    assert {"TS-1", "TS-2", "TS-3", "TS-5"} <= {rule.rule_id for rule in profile.timescales}
    assert profile.teams_of_kind(TeamKind.MASH)
    assert profile.calendar.hours_per_day == 8


@pytest.mark.parametrize("name", SHIPPED)
def test_partner_checks_are_four_and_eight_working_hours_everywhere(name: str) -> None:
    profile = load_profile(name)

    red, amber = profile.clock("TS-2"), profile.clock("TS-3")

    assert red is not None
    assert amber is not None
    assert (red.kind, red.amount) == (ClockKind.WORKING_HOURS, 4)
    assert (amber.kind, amber.amount) == (ClockKind.WORKING_HOURS, 8)


@pytest.mark.parametrize(
    ("name", "kind", "amount"),
    [
        ("northamptonshire", ClockKind.WORKING_DAYS, 1),
        ("rotherham", ClockKind.WORKING_DAYS, 1),
        ("calderdale", ClockKind.ELAPSED_HOURS, 24),
    ],
)
def test_decision_clock_ts1_by_profile(name: str, kind: ClockKind, amount: int) -> None:
    rule = load_profile(name).clock("TS-1")

    assert rule is not None
    assert (rule.kind, rule.amount) == (kind, amount)


@pytest.mark.parametrize(
    ("name", "window", "measured_from", "kinds"),
    [
        ("rotherham", (ClockKind.WEEKS, 12), "allocation", {TeamKind.DUTY_ASSESSMENT}),
        ("calderdale", (ClockKind.MONTHS, 3), "closure", {TeamKind.LOCALITY, TeamKind.DCT}),
    ],
)
def test_recent_closure_window_ts10(
    name: str, window: tuple[ClockKind, int], measured_from: str, kinds: set[TeamKind]
) -> None:
    profile = load_profile(name)
    rule = profile.clock("TS-10")

    assert rule is not None
    assert (rule.kind, rule.amount) == window
    assert profile.recent_closure is not None
    assert profile.recent_closure.measured_from == measured_from
    assert profile.recent_closure.team_kinds == kinds


def test_northamptonshire_has_no_recent_closure_window() -> None:
    profile = load_profile("northamptonshire")

    assert profile.recent_closure is None
    assert profile.clock("TS-10") is None


def test_rotherham_only_rules_and_pathways() -> None:
    rotherham, others = load_profile("rotherham"), [load_profile("northamptonshire")]
    others.append(load_profile("calderdale"))

    for rule_id in ("TS-6", "TS-7"):
        assert rotherham.clock(rule_id) is not None
        assert all(profile.clock(rule_id) is None for profile in others)
    # TS-8 comes from 002 too, but every profile resolves disputes by DM-1's ladder (ADR 0008).
    assert all(profile.clock("TS-8") == rotherham.clock("TS-8") for profile in others)
    assert rotherham.special_pathways == {"SP-1", "SP-2", "SP-3", "SP-4", "OU-6"}
    assert rotherham.clock("TS-4") is None  # no written confirmation in Rotherham


def test_calderdale_calls_its_front_door_mast() -> None:
    profile = load_profile("calderdale")

    assert profile.service_name == "Calderdale MAST"
    assert "Early Intervention" in profile.outcome("EARLY_HELP").label


@pytest.mark.parametrize(
    ("name", "level", "meets"),
    [
        ("northamptonshire", "4", True),
        ("northamptonshire", "3", False),
        ("rotherham", "duty-assessment", True),
        ("rotherham", "mash-information-sharing", False),
        ("calderdale", "child-in-need", True),
        ("calderdale", "early-intervention", False),
    ],
)
def test_threshold_levels(name: str, level: str, meets: bool) -> None:
    assert load_profile(name).threshold_level(level).meets_social_care_threshold is meets


def test_lookups_by_code() -> None:
    profile = load_profile("calderdale")

    assert profile.agency("police").co_located is True
    assert profile.agency("housing").co_located is False
    assert profile.team("dct").kind is TeamKind.DCT
    assert isinstance(profile.outcome(OutcomeCode.S47), Outcome)


def test_unknown_code_lists_the_known_ones() -> None:
    profile = load_profile("rotherham")

    with pytest.raises(UnknownCodeError) as caught:
        profile.agency("mi5")

    assert str(caught.value) == (
        "The rotherham profile has no agency 'mi5'; it has: "
        + ", ".join(a.code for a in profile.agencies)
        + "."
    )


@pytest.mark.parametrize("name", SHIPPED)
def test_exactly_one_childrens_social_care_agency(name: str) -> None:
    assert sum(agency.childrens_social_care for agency in load_profile(name).agencies) == 1


def _contact_values(profile: Profile) -> list[tuple[str, Any]]:
    return [(key, getattr(profile.contact, key)) for key in vars(profile.contact)]


@pytest.mark.skipif(not SEEDS.is_dir(), reason="seed documents not on this machine")
@pytest.mark.parametrize("name", SHIPPED)
def test_real_phone_numbers_come_from_the_seeds(name: str) -> None:
    seed_numbers = {
        _digits(number)
        for path in SEEDS.glob("*.txt")
        for number in PHONE.findall(path.read_text(encoding="utf-8"))
    }
    for key, detail in _contact_values(load_profile(name)):
        numbers = {_digits(n) for n in PHONE.findall(detail.value + " " + detail.note)}
        if detail.placeholder:
            assert all(n.startswith("01632960") for n in numbers), f"{key}: not a drama number"
        else:
            assert detail.source, f"{key} has no source"
            assert numbers <= seed_numbers, f"{key}: {numbers - seed_numbers} not in the seeds"


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("northamptonshire", WrittenConfirmation.PROFESSIONAL_TELEPHONE),
        ("calderdale", WrittenConfirmation.CHILD_PROTECTION_TELEPHONE),
        ("rotherham", WrittenConfirmation.NONE),
    ],
)
def test_written_confirmation_setting(name: str, expected: WrittenConfirmation) -> None:
    assert load_profile(name).written_confirmation is expected


# (profile, channel, referrer is a professional, child protection concern) -> must confirm (IN-7)
WRITTEN_CONFIRMATION_CASES = [
    ("northamptonshire", "telephone", True, False, True),
    ("northamptonshire", "telephone", True, True, True),
    ("northamptonshire", "TELEPHONE", True, False, True),
    ("northamptonshire", "telephone", False, True, False),
    ("northamptonshire", "written", True, True, False),
    ("northamptonshire", "online", True, True, False),
    ("calderdale", "telephone", True, True, True),
    ("calderdale", "telephone", True, False, False),
    ("calderdale", "telephone", False, True, False),
    ("calderdale", "written", True, True, False),
    ("rotherham", "telephone", True, True, False),
    ("rotherham", "telephone", True, False, False),
    ("rotherham", "written", True, True, False),
]


@pytest.mark.parametrize(
    ("name", "channel", "professional", "child_protection", "expected"),
    WRITTEN_CONFIRMATION_CASES,
)
def test_written_confirmation_applies(
    name: str, channel: str, professional: bool, child_protection: bool, expected: bool
) -> None:
    profile = load_profile(name)

    assert profile.written_confirmation_applies(channel, professional, child_protection) is expected


def test_unknown_profile_names_the_choices(settings: Any) -> None:
    settings.MASH_PROFILE_DIRS = []

    with pytest.raises(UnknownProfileError) as caught:
        load_profile("atlantis")

    assert str(caught.value) == (
        "There is no policy profile called 'atlantis'. "
        "Choose one of: calderdale, northamptonshire, rotherham."
    )


def test_active_profile_follows_the_setting(settings: Any) -> None:
    settings.MASH_PROFILE = "northamptonshire"
    assert active_profile().id == "northamptonshire"

    settings.MASH_PROFILE = "calderdale"

    assert active_profile().id == "calderdale"
    assert active_profile() is active_profile()


def test_a_fourth_authority_is_a_file(write_profile: WriteProfile, settings: Any) -> None:
    def rename(data: dict[str, Any]) -> None:
        data["authority"] = "Exampleshire Council (fictional)"
        data["service_name"] = "Exampleshire MASH"
        data["office_hours"]["opens"] = "08:30"

    path = write_profile("exampleshire", change=rename)

    assert available_profiles() == {
        "calderdale": SHIPPED_PROFILES_DIR / "calderdale.yaml",
        "exampleshire": path,
        "northamptonshire": SHIPPED_PROFILES_DIR / "northamptonshire.yaml",
        "rotherham": SHIPPED_PROFILES_DIR / "rotherham.yaml",
    }
    settings.MASH_PROFILE = "exampleshire"
    profile = active_profile()
    assert (profile.id, profile.service_name, profile.path) == (
        "exampleshire",
        "Exampleshire MASH",
        path,
    )
    assert profile.calendar.hours_per_day == 8.5


def test_a_later_folder_may_replace_a_shipped_profile(write_profile: WriteProfile) -> None:
    def shorten(data: dict[str, Any]) -> None:
        data["office_hours"]["closes"] = "16:00"

    path = write_profile("rotherham", base="rotherham", change=shorten)

    profile = load_profile("rotherham")

    assert profile.path == path
    assert profile.calendar.hours_per_day == 7


def test_a_missing_extra_folder_is_skipped(settings: Any, tmp_path: Path) -> None:
    settings.MASH_PROFILE_DIRS = [str(tmp_path / "nowhere")]

    assert tuple(available_profiles()) == SHIPPED
