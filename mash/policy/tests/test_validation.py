"""Bad profile files give plain-English errors naming the file and the path of the bad value."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from mash.policy.profiles import SHIPPED_PROFILES_DIR, ProfileError, load_profile
from mash.policy.tests.conftest import WriteProfile
from mash.policy.validation import Problem, format_path


def _error(path: Path) -> ProfileError:
    with pytest.raises(ProfileError) as caught:
        load_profile(path.stem)
    return caught.value


def test_unknown_clock_kind_names_file_path_and_choices(write_profile: WriteProfile) -> None:
    shipped = (SHIPPED_PROFILES_DIR / "calderdale.yaml").read_text(encoding="utf-8")
    text = shipped.replace("TS-2: {kind: working_hours", "TS-2: {kind: workinghours")
    assert text != shipped

    error = _error(write_profile("calderdale", text=text))

    assert str(error) == (
        "calderdale.yaml: timescales.TS-2.kind: 'workinghours' is not one of: working_hours, "
        "working_days, elapsed_hours, working_week_hours, next_working_day, weeks, months"
    )
    assert error.filename == "calderdale.yaml"
    assert error.problems == (Problem("timescales.TS-2.kind", error.problems[0].message),)


def _drop_service_name(data: dict[str, Any]) -> None:
    del data["service_name"]


def _drop_rule_label(data: dict[str, Any]) -> None:
    del data["timescales"]["TS-1"]["label"]


def _co_located_as_text(data: dict[str, Any]) -> None:
    data["agencies"][2]["co_located"] = "yes"


def _amount_as_text(data: dict[str, Any]) -> None:
    data["timescales"]["TS-3"]["amount"] = "eight"


def _duplicate_agency(data: dict[str, Any]) -> None:
    data["agencies"][3]["code"] = "police"


def _closes_before_opens(data: dict[str, Any]) -> None:
    data["office_hours"]["closes"] = "08:00"


def _unknown_key(data: dict[str, Any]) -> None:
    data["teams"][0]["colour"] = "red"


def _bad_rule_id(data: dict[str, Any]) -> None:
    data["timescales"]["TS-13"] = dict(data["timescales"]["TS-1"])


def _bad_weekday(data: dict[str, Any]) -> None:
    data["office_hours"]["weekdays"] = ["monday", "funday"]


def _impossible_closure(data: dict[str, Any]) -> None:
    data["office_hours"]["closures"] = ["2026-02-30"]


def _code_with_spaces(data: dict[str, Any]) -> None:
    data["teams"][1]["code"] = "Early Help"


def _next_working_day_with_amount(data: dict[str, Any]) -> None:
    data["timescales"]["TS-7"]["amount"] = 1


def _pathway_without_clocks(data: dict[str, Any]) -> None:
    data["pathways"]["SP-1"] = {"team": "mash", "quote": {"ref": "002"}}


def _confirmation_without_clock(data: dict[str, Any]) -> None:
    del data["timescales"]["TS-4"]


def _closure_without_team(data: dict[str, Any]) -> None:
    data["recent_closure"]["team_kinds"] = ["dct"]


def _no_threshold_level_meets(data: dict[str, Any]) -> None:
    for level in data["threshold_model"]["levels"]:
        level["meets_social_care_threshold"] = False


def _uncited_real_contact(data: dict[str, Any]) -> None:
    data["contact"]["email"]["placeholder"] = False


def _two_social_care_agencies(data: dict[str, Any]) -> None:
    data["agencies"][1]["childrens_social_care"] = True


def _no_health_agency(data: dict[str, Any]) -> None:
    data["agencies"] = [a for a in data["agencies"] if a["kind"] != "health"]


def _probation_marked_as_social_care(data: dict[str, Any]) -> None:
    data["agencies"][3]["kind"] = "childrens_social_care"


BAD_CHANGES = [
    ("northamptonshire", _drop_service_name, "service_name: is missing; this key is required"),
    (
        "northamptonshire",
        _drop_rule_label,
        "timescales.TS-1.label: is missing; this key is required",
    ),
    (
        "northamptonshire",
        _co_located_as_text,
        "agencies[2].co_located: expected true or false, found 'yes'",
    ),
    (
        "northamptonshire",
        _amount_as_text,
        "timescales.TS-3.amount: expected a whole number or null (nothing), found 'eight'",
    ),
    (
        "northamptonshire",
        _duplicate_agency,
        "agencies[3].code: 'police' is used twice (also at agencies[1]); codes must be unique",
    ),
    (
        "northamptonshire",
        _closes_before_opens,
        "office_hours.closes: '08:00' is not after opens '09:00'; "
        "office hours must close after they open, on the same day",
    ),
    (
        "northamptonshire",
        _unknown_key,
        "teams[0]: unknown key 'colour'; the keys allowed here are: code, name, kind",
    ),
    (
        "northamptonshire",
        _bad_rule_id,
        "timescales: 'TS-13' is not a timescale rule id from TS-1 to TS-12",
    ),
    (
        "northamptonshire",
        _bad_weekday,
        "office_hours.weekdays[1]: 'funday' is not one of: monday, tuesday, wednesday, "
        "thursday, friday, saturday, sunday",
    ),
    (
        "northamptonshire",
        _impossible_closure,
        "office_hours.closures[0]: '2026-02-30' is not a real date",
    ),
    (
        "northamptonshire",
        _code_with_spaces,
        "teams[1].code: 'Early Help' is not a code of lower-case letters, digits and single "
        "hyphens or underscores, such as 'duty-assessment'",
    ),
    (
        "rotherham",
        _next_working_day_with_amount,
        "timescales.TS-7.amount: 'next_working_day' takes no amount",
    ),
    (
        "northamptonshire",
        _pathway_without_clocks,
        "pathways.SP-1: needs the timescales TS-6 and TS-7; missing: TS-6, TS-7",
    ),
    (
        "northamptonshire",
        _confirmation_without_clock,
        "timescales: TS-4 is missing; written_confirmation needs its clock",
    ),
    ("rotherham", _closure_without_team, "recent_closure.team_kinds[0]: no team has kind 'dct'"),
    (
        "calderdale",
        _no_threshold_level_meets,
        "threshold_model.levels: needs levels both below and at the social care threshold "
        "(meets_social_care_threshold false and true), to tell SC-5 from SC-6",
    ),
    (
        "calderdale",
        _uncited_real_contact,
        "contact.email.source: is missing; a value that is not a placeholder must cite the "
        "document it comes from",
    ),
    (
        "northamptonshire",
        _two_social_care_agencies,
        "agencies: exactly one agency must have childrens_social_care: true (found csc, police)",
    ),
    (
        "northamptonshire",
        _no_health_agency,
        "agencies: needs an agency of kind 'health': a strategy meeting is quorate only with "
        "police and health (OU-2)",
    ),
    (
        "northamptonshire",
        _probation_marked_as_social_care,
        "agencies[3].kind: kind 'childrens_social_care' belongs to the agency marked "
        "childrens_social_care: true, and only to it",
    ),
]


@pytest.mark.parametrize(
    ("base", "change", "expected"), BAD_CHANGES, ids=[c[1].__name__.strip("_") for c in BAD_CHANGES]
)
def test_bad_value_is_reported_with_its_path(
    write_profile: WriteProfile, base: str, change: Any, expected: str
) -> None:
    error = _error(write_profile("exampleshire", base=base, change=change))

    assert str(error) == f"exampleshire.yaml: {expected}"


def test_every_problem_is_listed(write_profile: WriteProfile) -> None:
    def two_mistakes(data: dict[str, Any]) -> None:
        _drop_service_name(data)
        _co_located_as_text(data)

    error = _error(write_profile("exampleshire", change=two_mistakes))

    assert [str(problem) for problem in error.problems] == [
        "service_name: is missing; this key is required",
        "agencies[2].co_located: expected true or false, found 'yes'",
    ]


def test_id_must_match_the_file_name(write_profile: WriteProfile) -> None:
    path = write_profile("exampleshire")
    path.write_text(path.read_text(encoding="utf-8").replace("id: exampleshire", "id: elsewhere"))

    assert str(_error(path)) == (
        "exampleshire.yaml: id: 'elsewhere' does not match the file name 'exampleshire'; "
        "make them equal"
    )


def test_unquoted_clock_times_stay_times(write_profile: WriteProfile) -> None:
    text = (SHIPPED_PROFILES_DIR / "rotherham.yaml").read_text(encoding="utf-8")
    text = text.replace('opens: "09:00"', "opens: 09:00").replace(
        'closes: "17:00"', "closes: 17:00"
    )
    text = text.replace("closures: []", "closures: [2026-12-31]")

    profile = load_profile(write_profile("rotherham", text=text).stem)

    assert profile.calendar.working_day_length.total_seconds() == 8 * 3600
    assert len(profile.calendar.closures) == 1


def test_a_key_given_twice_is_an_error(write_profile: WriteProfile) -> None:
    text = (SHIPPED_PROFILES_DIR / "rotherham.yaml").read_text(encoding="utf-8")
    text = text.replace("  TS-8:\n", "  TS-6:\n", 1)

    error = _error(write_profile("rotherham", text=text))

    assert str(error).startswith("rotherham.yaml: line ")
    assert str(error).endswith("not valid YAML: the key 'TS-6' is given twice")


def test_broken_yaml_names_the_line(write_profile: WriteProfile) -> None:
    error = _error(write_profile("exampleshire", text="id: exampleshire\nteams: [unclosed\n"))

    assert str(error).startswith("exampleshire.yaml: line 3, column 1: not valid YAML:")


@pytest.mark.parametrize(
    ("text", "found"), [("", "empty"), ("- a list\n", "a list"), ("just text\n", "'just text'")]
)
def test_a_file_that_is_not_a_mapping(write_profile: WriteProfile, text: str, found: str) -> None:
    error = _error(write_profile("exampleshire", text=text))

    assert str(error) == (
        "exampleshire.yaml: (top level): expected a mapping of keys to values "
        f"(id, authority, ...), found {found}"
    )


def test_format_path() -> None:
    assert format_path(["agencies", 2, "code"]) == "agencies[2].code"
    assert format_path(["timescales", "TS-2", "kind"]) == "timescales.TS-2.kind"
    assert format_path([]) == ""
