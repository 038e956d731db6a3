"""Profiles' routing and pathway settings: every quote is the seed's own words, bad pathway
settings are reported with their path, and a fourth authority is a file, not code
(IN-6, SC-7, SC-8, TS-10, SP-2, SP-3, OU-6)."""

from __future__ import annotations

import re
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from mash.policy.catalogue import Quote
from mash.policy.profiles import (
    Profile,
    ProfileError,
    TeamKind,
    active_profile,
    available_profiles,
    load_profile,
)
from mash.policy.tests.conftest import WriteProfile
from mash.routing import engine
from mash.routing.engine import ChildFacts, ContactFacts, Involved
from mash.workdays.clocks import ClockKind

SHIPPED = ("northamptonshire", "rotherham", "calderdale")
SEEDS = Path(__file__).resolve().parents[4] / "shared" / "seeds"
SEED_CODE = re.compile(r"^(\d{3})\b")


def _normalised(text: str) -> str:
    return " ".join(text.split())


def _seed_texts() -> dict[str, str]:
    """Each seed's text by its 3-digit code (000_….txt → "000"), whitespace normalised."""
    if not SEEDS.is_dir():
        return {}
    return {
        path.name[:3]: _normalised(path.read_text(encoding="utf-8"))
        for path in sorted(SEEDS.glob("[0-9][0-9][0-9]_*.txt"))
    }


def _quotes(profile: Profile) -> list[tuple[str, Quote]]:
    """Every quote the profile gives, with where it is in the file."""
    routing = profile.routing
    found = [
        ("routing.open_to_social_care", routing.open_to_social_care_quote),
        ("routing.open_to_early_help", routing.open_to_early_help_quote),
        ("routing.default", routing.default_quote),
    ]
    if profile.recent_closure is not None and profile.recent_closure.quote is not None:
        found.append(("recent_closure", profile.recent_closure.quote))
    found += [(f"pathways.{p.rule_id}", p.quote) for p in profile.pathways]
    found += [(f"quotes.{rule_id}", quote) for rule_id, quote in profile.quotes]
    return found


QUOTES = [(name, where, quote) for name in SHIPPED for where, quote in _quotes(load_profile(name))]


def test_every_shipped_profile_quotes_its_routing_and_pathways() -> None:
    counts = {name: sum(1 for n, _, _ in QUOTES if n == name) for name in SHIPPED}

    assert all(count >= 4 for count in counts.values()), counts


@pytest.mark.skipif(not SEEDS.is_dir(), reason=f"seed documents not here: {SEEDS}")
@pytest.mark.parametrize(
    ("name", "where", "quote"), QUOTES, ids=[f"{name}-{where}" for name, where, _ in QUOTES]
)
def test_quote_is_verbatim_in_the_seed_it_cites(name: str, where: str, quote: Quote) -> None:
    """A quote is the seed's own words (whitespace aside), in the seed its ref names."""
    seeds = _seed_texts()
    code = SEED_CODE.match(quote.ref)
    assert code is not None, f"{name} {where}: ref {quote.ref!r} names no seed"
    assert code.group(1) in seeds, f"{name} {where}: no seed {code.group(1)}"
    assert quote.text.strip(), f"{name} {where}: the quote has no words"

    assert _normalised(quote.text) in seeds[code.group(1)], f"{name} {where}"


# --------------------------------------------------------------------------- bad settings


def _error(path: Path) -> ProfileError:
    with pytest.raises(ProfileError) as caught:
        load_profile(path.stem)
    return caught.value


def _missing_review_by_the_mash(data: dict[str, Any]) -> None:
    data["pathways"]["SP-2"]["team"] = "mash"


def _missing_review_by_no_team(data: dict[str, Any]) -> None:
    data["pathways"]["SP-2"]["team"] = "nobody"


def _dct_eligible_on_an_unknown_criterion(data: dict[str, Any]) -> None:
    data["pathways"]["SC-8"]["eligible_when"][1] = ["physical-disability", "wheelchair-user"]


def _dct_criteria_share_a_code(data: dict[str, Any]) -> None:
    criteria = data["pathways"]["SC-8"]["criteria"]
    criteria.append({"code": "learning-disability", "label": "A learning disability, again"})


def _dct_is_the_locality_team(data: dict[str, Any]) -> None:
    data["pathways"]["SC-8"]["team"] = "locality"


def _dct_without_criteria(data: dict[str, Any]) -> None:
    del data["pathways"]["SC-8"]["criteria"]


def _cross_boundary_without_ts9(data: dict[str, Any]) -> None:
    del data["timescales"]["TS-9"]


def _fgm_with_a_team(data: dict[str, Any]) -> None:
    data["pathways"]["SP-3"]["team"] = "mash"


BAD_PATHWAYS = [
    (
        "rotherham",
        _missing_review_by_the_mash,
        "pathways.SP-2.team: 'mash' is a 'mash' team; SP-2 needs one of kind 'missing'",
    ),
    ("rotherham", _missing_review_by_no_team, "pathways.SP-2.team: no team has code 'nobody'"),
    (
        "calderdale",
        _dct_eligible_on_an_unknown_criterion,
        "pathways.SC-8.eligible_when[1]: names criteria that are not listed: wheelchair-user",
    ),
    ("calderdale", _dct_criteria_share_a_code, "pathways.SC-8.criteria: two criteria share a code"),
    (
        "calderdale",
        _dct_is_the_locality_team,
        "pathways.SC-8.team: 'locality' is a 'locality' team; SC-8 needs one of kind 'dct'",
    ),
    (
        "calderdale",
        _dct_without_criteria,
        "pathways.SC-8.criteria: is missing; this key is required",
    ),
    (
        "northamptonshire",
        _cross_boundary_without_ts9,
        "pathways.OU-6: needs the timescales TS-9; missing: TS-9",
    ),
    (
        "rotherham",
        _fgm_with_a_team,
        "pathways.SP-3: unknown key 'team'; the keys allowed here are: quote",
    ),
]


@pytest.mark.parametrize(
    ("base", "change", "expected"),
    BAD_PATHWAYS,
    ids=[c[1].__name__.strip("_") for c in BAD_PATHWAYS],
)
def test_bad_pathway_setting_is_reported_with_its_path(
    write_profile: WriteProfile, base: str, change: Any, expected: str
) -> None:
    error = _error(write_profile("exampleshire", base=base, change=change))

    assert str(error) == f"exampleshire.yaml: {expected}"
    assert [str(problem) for problem in error.problems] == [expected]
    assert error.filename == "exampleshire.yaml"


# --------------------------------------------------------------------------- a fourth authority

FOURTH = "wakefield"
OWN_TS10 = Quote(
    ref="Wakefield procedures §3",
    text="A new concern within 8 weeks of an allocation goes back to the previous team.",
)
OWN_SC8 = Quote(
    ref="Wakefield procedures §5",
    text="Children with disabilities are discussed with the Children with Disabilities Team.",
)


def _fourth_authority(data: dict[str, Any]) -> None:
    """Rotherham's file, changed: SP-3 off, TS-10 eight weeks, SC-8 on with its own team."""
    data["authority"] = "Wakefield Council (test authority)"
    data["service_name"] = "Wakefield Integrated Front Door"
    del data["pathways"]["SP-3"]
    data["timescales"]["TS-10"] = {
        "kind": "weeks",
        "amount": 8,
        "label": "Recent allocation to social care",
        "source": "Wakefield procedures §3",
    }
    data["recent_closure"]["quote"] = {"ref": OWN_TS10.ref, "text": OWN_TS10.text}
    data["teams"].append({"code": "cwd", "name": "Children with Disabilities Team", "kind": "dct"})
    data["pathways"]["SC-8"] = {
        "team": "cwd",
        "criteria": [
            {"code": "wheelchair-user", "label": "Uses a wheelchair"},
            {"code": "life-limiting", "label": "A life-limiting condition"},
            {"code": "learning-disability", "label": "A severe learning disability"},
            {"code": "sensory", "label": "A sensory impairment"},
        ],
        "eligible_when": [["life-limiting"], ["wheelchair-user", "learning-disability"]],
        "quote": {"ref": OWN_SC8.ref, "text": OWN_SC8.text},
    }


@pytest.fixture
def fourth(write_profile: WriteProfile) -> Profile:
    write_profile(FOURTH, base="rotherham", change=_fourth_authority)
    return load_profile(FOURTH)


ALLOCATION = date(2026, 3, 2)


def _allocated(profile: Profile, started: date, received: date) -> ContactFacts:
    team = profile.team("duty-assessment")
    involvement = Involved(
        service="Child in need (social care)",
        early_help=False,
        team_code=team.code,
        team_name=team.name,
        team_kind=team.kind.value,
        worker="Alex Morgan",
        started_on=started,
        ended_on=started + timedelta(days=14),
    )
    child = ChildFacts("Jayden Smyth", True, (involvement,))
    return ContactFacts(received_on=received, children=(child,))


def _new_child(**extra: Any) -> ContactFacts:
    return ContactFacts(
        received_on=date(2026, 11, 20), children=(ChildFacts("Jayden Smyth", True),), **extra
    )


def test_the_fourth_authority_loads_from_its_own_folder(fourth: Profile, settings: Any) -> None:
    assert FOURTH in available_profiles()
    assert fourth.id == FOURTH
    assert fourth.authority == "Wakefield Council (test authority)"
    assert not fourth.has_pathway("SP-3")
    assert fourth.has_pathway("SC-8") and fourth.has_pathway("SP-2")
    rule = fourth.clock("TS-10")
    assert rule is not None and (rule.kind, rule.amount) == (ClockKind.WEEKS, 8)
    assert [t.code for t in fourth.teams_of_kind(TeamKind.DCT)] == ["cwd"]

    settings.MASH_PROFILE = FOURTH
    assert active_profile() == fourth


def test_the_fourth_authority_has_no_fgm_pathway(fourth: Profile) -> None:
    """SP-3 off: FGM is screened like any new concern, not required to share information."""
    found = engine.suggest(_new_child(concern_categories=("fgm",)), fourth)

    assert found.destination == engine.MASH_SCREENING
    assert not found.required
    assert found.rule_ids == ["IN-6"]
    assert engine.suggest(
        _new_child(concern_categories=("fgm",)), load_profile("rotherham")
    ).destination == (engine.MASH_INFORMATION_SHARING)


@pytest.mark.parametrize(
    ("days", "destination"),
    [
        (0, engine.PREVIOUS_TEAM),
        (56, engine.PREVIOUS_TEAM),
        (57, engine.MASH_SCREENING),
        (84, engine.MASH_SCREENING),
    ],
    ids=["on-the-day", "last-day-of-8-weeks", "day-after", "inside-rotherham-12-weeks"],
)
def test_the_fourth_authority_window_is_8_weeks(
    fourth: Profile, days: int, destination: str
) -> None:
    """TS-10 as the file says: allocation within the last 8 weeks, boundary inclusive."""
    found = engine.suggest(
        _allocated(fourth, ALLOCATION, ALLOCATION + timedelta(days=days)), fourth
    )

    assert found.destination == destination
    assert engine.window_end(ALLOCATION, fourth) == ALLOCATION + timedelta(days=56)


def test_the_fourth_authority_window_explains_itself_in_its_own_words(fourth: Profile) -> None:
    found = engine.suggest(_allocated(fourth, ALLOCATION, ALLOCATION + timedelta(days=56)), fourth)

    [explanation] = found.explanations
    assert explanation.rule_id == "TS-10"
    assert (explanation.source, explanation.quote) == (OWN_TS10.ref, OWN_TS10.text)
    assert "within 8 weeks" in explanation.reason
    assert found.team_code == "duty-assessment"


def test_the_fourth_authority_dct_takes_the_case(fourth: Profile) -> None:
    """SC-8 on: once its DCT agrees, the contact goes to that team, in its own words."""
    found = engine.suggest(_new_child(dct_decision="MET"), fourth)
    not_met = engine.suggest(_new_child(dct_decision="NOT_MET"), fourth)

    assert (found.destination, found.team_code) == (engine.DCT, "cwd")
    [explanation] = found.explanations
    assert (explanation.rule_id, explanation.source, explanation.quote) == (
        "SC-8",
        OWN_SC8.ref,
        OWN_SC8.text,
    )
    assert not_met.destination == engine.MASH_SCREENING


def test_the_fourth_authority_dct_criteria_are_its_own(fourth: Profile) -> None:
    pathway = fourth.pathway("SC-8")
    assert pathway is not None and pathway.dct is not None
    dct = pathway.dct

    assert dct.is_eligible(["life-limiting"])
    assert dct.is_eligible(["wheelchair-user", "learning-disability", "sensory"])
    assert not dct.is_eligible(["wheelchair-user"])
    assert not dct.is_eligible(["learning-disability"])  # eligible alone in Calderdale only
    assert dct.label("wheelchair-user") == "Uses a wheelchair"


def test_the_fourth_authority_keeps_rotherham_s_other_routing(fourth: Profile) -> None:
    """What was not changed still applies: SC-7's early-help route and SP-2's coordinators."""
    team = fourth.team("early-help")
    early = Involved(
        "Early help",
        True,
        team.code,
        team.name,
        team.kind.value,
        "Erin Walsh",
        date(2026, 6, 1),
        None,
    )
    facts = ContactFacts(date(2026, 11, 20), (ChildFacts("Jayden Smyth", True, (early,)),))

    assert engine.suggest(facts, fourth).destination == engine.EARLY_HELP_WORKER
    missing = engine.suggest(_new_child(concern_categories=("missing",)), fourth)
    assert (missing.destination, missing.team_code) == (engine.MISSING_COORDINATORS, "missing")
