"""The routing rules as a pure function: `engine.suggest(facts, profile)` under each shipped
profile, table-driven, without the database (IN-6, SC-4, SC-7, SC-8, TS-10, SP-2, SP-3).

Each row names the deciding rule; every suggestion must explain itself with that rule, a
reason, a source and, where the profile quotes the seed, the seed's words.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from typing import Any

import pytest

from mash.policy import catalogue
from mash.policy.catalogue import Quote
from mash.policy.profiles import Profile, TeamKind, load_profile
from mash.routing import engine
from mash.routing.engine import ChildFacts, ContactFacts, Involved

SHIPPED = ("northamptonshire", "rotherham", "calderdale")
RECEIVED = date(2026, 11, 20)
LONG_AGO = date(2024, 1, 8)
WORKER = "Alex Morgan"
EARLY_WORKER = "Erin Walsh"
# The team an open social-care case and an open early-help case sit with, per profile.
SOCIAL_TEAM = {
    "northamptonshire": "childrens-team",
    "rotherham": "duty-assessment",
    "calderdale": "locality",
}
EARLY_TEAM = {
    "northamptonshire": "early-help",
    "rotherham": "early-help",
    "calderdale": "early-intervention",
}


@functools.cache
def profile(name: str) -> Profile:
    return load_profile(name)


# --------------------------------------------------------------------------- building facts


def involved(
    name: str,
    team: str,
    *,
    started: date = LONG_AGO,
    ended: date | None = None,
    worker: str = WORKER,
) -> Involved:
    """One involvement with a team of profile `name`; early help when the team is."""
    found = profile(name).team(team)
    early_help = found.kind == TeamKind.EARLY_HELP
    return Involved(
        service="Early help" if early_help else "Child in need (social care)",
        early_help=early_help,
        team_code=found.code,
        team_name=found.name,
        team_kind=found.kind.value,
        worker=worker,
        started_on=started,
        ended_on=ended,
    )


def child(*involvements: Involved, name: str = "Jayden Smyth", checked: bool = True) -> ChildFacts:
    return ChildFacts(name=name, checked=checked, involvements=tuple(involvements))


def facts(*children: ChildFacts, received: date = RECEIVED, **extra: Any) -> ContactFacts:
    return ContactFacts(received_on=received, children=children or (child(),), **extra)


def open_case(name: str) -> ChildFacts:
    return child(involved(name, SOCIAL_TEAM[name]))


def open_early_help(name: str) -> ChildFacts:
    return child(involved(name, EARLY_TEAM[name], worker=EARLY_WORKER))


def closed(name: str, team: str, *, started: date = LONG_AGO, ended: date | None) -> ChildFacts:
    return child(involved(name, team, started=started, ended=ended))


# --------------------------------------------------------------------------- the table


@dataclass(frozen=True)
class Case:
    """One row: under `profile`, `facts` go to `destination`, decided by `rule`.

    `quote` says which of the profile's quotes the deciding explanation carries: "social",
    "early" or "default" (the routing quotes), "rule" (``profile.quote(rule)``) or None
    (the catalogue's source, no quote). `expect` lists other fields of the Suggestion.
    """

    id: str
    profile: str
    facts: ContactFacts
    destination: str
    rule: str
    quote: str | None
    expect: dict[str, Any] = field(default_factory=dict)


def _rotherham_allocated(started: date, received: date) -> ContactFacts:
    """Allocated to Duty & Assessment on `started`, closed since; a new contact on `received`."""
    return facts(
        closed("rotherham", "duty-assessment", started=started, ended=started + timedelta(days=20)),
        received=received,
    )


def _calderdale_closed(team: str, ended: date, received: date) -> ContactFacts:
    return facts(closed("calderdale", team, ended=ended), received=received)


ALLOCATION = date(2026, 3, 2)

CASES = [
    # IN-6 / SC-7: open to social care → the allocated social worker, not screening.
    *(
        Case(
            f"{name}-open-to-social-care",
            name,
            facts(open_case(name)),
            engine.ALLOCATED_WORKER,
            rule,
            "social",
            {"team_code": SOCIAL_TEAM[name], "worker": WORKER, "required": False},
        )
        for name, rule in (
            ("northamptonshire", "IN-6"),
            ("rotherham", "SC-7"),
            ("calderdale", "IN-6"),
        )
    ),
    # SC-7: open to early help, nothing suggests harm → the named worker (Rotherham only).
    Case(
        "rotherham-open-to-early-help-no-harm",
        "rotherham",
        facts(open_early_help("rotherham")),
        engine.EARLY_HELP_WORKER,
        "SC-7",
        "early",
        {"team_code": "early-help", "worker": EARLY_WORKER, "consult_early_help": ()},
    ),
    Case(
        "rotherham-open-to-early-help-concern-that-is-not-harm",
        "rotherham",
        facts(open_early_help("rotherham"), concern_categories=("young_carer",)),
        engine.EARLY_HELP_WORKER,
        "SC-7",
        "early",
        {"team_code": "early-help", "worker": EARLY_WORKER},
    ),
    *(
        Case(
            f"{name}-open-to-early-help-is-screened",
            name,
            facts(open_early_help(name)),
            engine.MASH_SCREENING,
            "IN-6",
            "early",
            {"team_code": "", "worker": "", "consult_early_help": ()},
        )
        for name in ("northamptonshire", "calderdale")
    ),
    # SC-7: open to early help but the information suggests harm → MASH with the worker.
    *(
        Case(
            f"rotherham-open-to-early-help-with-{label}",
            "rotherham",
            facts(open_early_help("rotherham"), **extra),
            engine.MASH_SCREENING,
            "SC-7",
            "early",
            {"team_code": "", "worker": "", "consult_early_help": (EARLY_WORKER,)},
        )
        for label, extra in (
            ("child-protection-concern", {"child_protection_concern": True}),
            ("immediate-protection", {"immediate_protection": True}),
            ("physical-abuse", {"concern_categories": ("physical_abuse",)}),
            ("neglect", {"concern_categories": ("neglect",)}),
        )
    ),
    # IN-6: only some children open → MASH screening, their allocated worker told.
    *(
        Case(
            f"{name}-one-child-open-one-new",
            name,
            facts(open_case(name), child(name="Mia Smyth")),
            engine.MASH_SCREENING,
            rule,
            "social",
            {"tell_allocated": (f"Jayden Smyth ({WORKER})",), "team_code": "", "worker": ""},
        )
        for name, rule in (
            ("northamptonshire", "IN-6"),
            ("rotherham", "SC-7"),
            ("calderdale", "IN-6"),
        )
    ),
    # TS-10 Rotherham: allocated to a duty and assessment team within the last 12 weeks.
    Case(
        "rotherham-allocated-84-days-ago-is-inside",
        "rotherham",
        _rotherham_allocated(ALLOCATION, ALLOCATION + timedelta(days=84)),
        engine.PREVIOUS_TEAM,
        "TS-10",
        "rule",
        {"team_code": "duty-assessment", "worker": WORKER},
    ),
    Case(
        "rotherham-allocated-on-the-day-is-inside",
        "rotherham",
        _rotherham_allocated(ALLOCATION, ALLOCATION),
        engine.PREVIOUS_TEAM,
        "TS-10",
        "rule",
        {"team_code": "duty-assessment"},
    ),
    Case(
        "rotherham-allocated-85-days-ago-is-outside",
        "rotherham",
        _rotherham_allocated(ALLOCATION, ALLOCATION + timedelta(days=85)),
        engine.MASH_SCREENING,
        "IN-6",
        "default",
        {"team_code": ""},
    ),
    Case(
        "rotherham-measures-from-allocation-not-closure",
        "rotherham",
        facts(
            closed(
                "rotherham",
                "duty-assessment",
                started=RECEIVED - timedelta(days=120),
                ended=RECEIVED - timedelta(days=3),
            )
        ),
        engine.MASH_SCREENING,
        "IN-6",
        "default",
    ),
    Case(
        "rotherham-early-help-allocation-does-not-count",
        "rotherham",
        facts(
            closed(
                "rotherham",
                "early-help",
                started=RECEIVED - timedelta(days=10),
                ended=RECEIVED - timedelta(days=2),
            )
        ),
        engine.MASH_SCREENING,
        "IN-6",
        "default",
    ),
    # TS-10 Calderdale: closed to the Locality or Disabled Children's Team within 3 months.
    Case(
        "calderdale-closed-to-locality-last-day-inside",
        "calderdale",
        _calderdale_closed("locality", date(2026, 9, 10), date(2026, 12, 10)),
        engine.PREVIOUS_TEAM,
        "TS-10",
        "rule",
        {"team_code": "locality", "worker": WORKER},
    ),
    Case(
        "calderdale-closed-to-locality-day-after-outside",
        "calderdale",
        _calderdale_closed("locality", date(2026, 9, 10), date(2026, 12, 11)),
        engine.MASH_SCREENING,
        "IN-6",
        "default",
        {"team_code": ""},
    ),
    Case(
        "calderdale-closed-to-dct-inside",
        "calderdale",
        _calderdale_closed("dct", date(2026, 9, 10), date(2026, 11, 20)),
        engine.PREVIOUS_TEAM,
        "TS-10",
        "rule",
        {"team_code": "dct"},
    ),
    Case(
        "calderdale-closed-31-august-window-ends-30-november",
        "calderdale",
        _calderdale_closed("locality", date(2026, 8, 31), date(2026, 11, 30)),
        engine.PREVIOUS_TEAM,
        "TS-10",
        "rule",
        {"team_code": "locality"},
    ),
    Case(
        "calderdale-closed-31-august-outside-on-1-december",
        "calderdale",
        _calderdale_closed("locality", date(2026, 8, 31), date(2026, 12, 1)),
        engine.MASH_SCREENING,
        "IN-6",
        "default",
    ),
    Case(
        "calderdale-closed-to-assessment-team-does-not-count",
        "calderdale",
        _calderdale_closed("childrens-assessment", date(2026, 9, 10), date(2026, 10, 1)),
        engine.MASH_SCREENING,
        "IN-6",
        "default",
        {"team_code": ""},
    ),
    Case(
        "calderdale-measures-from-closure-not-allocation",
        "calderdale",
        facts(closed("calderdale", "locality", started=LONG_AGO, ended=date(2026, 10, 1))),
        engine.PREVIOUS_TEAM,
        "TS-10",
        "rule",
        {"team_code": "locality"},
    ),
    Case(
        "northamptonshire-has-no-recent-closure-window",
        "northamptonshire",
        facts(closed("northamptonshire", "childrens-team", ended=RECEIVED - timedelta(days=1))),
        engine.MASH_SCREENING,
        "IN-6",
        "default",
        {"team_code": ""},
    ),
    *(
        Case(
            f"{name}-new-child-goes-to-mash-screening",
            name,
            facts(child()),
            engine.MASH_SCREENING,
            "IN-6",
            "default",
            {"team_code": "", "required": False, "pending": ""},
        )
        for name in SHIPPED
    ),
    # SP-3 (Rotherham): FGM always goes to MASH information sharing, required.
    Case(
        "rotherham-fgm-new-child",
        "rotherham",
        facts(concern_categories=("fgm",)),
        engine.MASH_INFORMATION_SHARING,
        "SP-3",
        "rule",
        {"required": True, "team_code": ""},
    ),
    Case(
        "rotherham-fgm-beats-an-open-case",
        "rotherham",
        facts(open_case("rotherham"), concern_categories=("fgm",)),
        engine.MASH_INFORMATION_SHARING,
        "SP-3",
        "rule",
        {"required": True, "team_code": "", "worker": ""},
    ),
    Case(
        "rotherham-fgm-before-the-history-check",
        "rotherham",
        facts(child(checked=False), concern_categories=("fgm",)),
        engine.MASH_INFORMATION_SHARING,
        "SP-3",
        "rule",
        {"required": True, "pending": ""},
    ),
    Case(
        "northamptonshire-fgm-is-not-sp3",
        "northamptonshire",
        facts(concern_categories=("fgm",)),
        engine.MASH_SCREENING,
        "IN-6",
        "default",
        {"required": False},
    ),
    Case(
        "northamptonshire-fgm-on-an-open-case-goes-to-the-worker",
        "northamptonshire",
        facts(open_case("northamptonshire"), concern_categories=("fgm",)),
        engine.ALLOCATED_WORKER,
        "IN-6",
        "social",
        {"required": False, "team_code": "childrens-team"},
    ),
    Case(
        "calderdale-fgm-is-not-sp3",
        "calderdale",
        facts(concern_categories=("fgm",)),
        engine.MASH_SCREENING,
        "IN-6",
        "default",
        {"required": False},
    ),
    # SP-2 (Rotherham): missing → the Missing Coordinators first; their outcome routes it.
    Case(
        "rotherham-missing-awaits-the-coordinators",
        "rotherham",
        facts(concern_categories=("missing",)),
        engine.MISSING_COORDINATORS,
        "SP-2",
        "rule",
        {"required": True, "team_code": "missing"},
    ),
    Case(
        "rotherham-missing-open-case-awaits-the-coordinators",
        "rotherham",
        facts(open_case("rotherham"), concern_categories=("missing",)),
        engine.MISSING_COORDINATORS,
        "SP-2",
        "rule",
        {"required": True, "team_code": "missing"},
    ),
    Case(
        "rotherham-missing-reviewed-open-case",
        "rotherham",
        facts(open_case("rotherham"), concern_categories=("missing",), missing_review="OPEN_CASE"),
        engine.ALLOCATED_WORKER,
        "SP-2",
        "rule",
        {"required": False, "team_code": "duty-assessment", "worker": WORKER},
    ),
    Case(
        "rotherham-missing-reviewed-open-but-none-on-record",
        "rotherham",
        facts(concern_categories=("missing",), missing_review="OPEN_CASE"),
        engine.MASH_SCREENING,
        "SP-2",
        "rule",
        {"required": False, "team_code": ""},
    ),
    Case(
        # SP-2 + IN-6: one of two children open → MASH screening, and the open child's
        # allocated worker is still told (as without a missing concern).
        "rotherham-missing-reviewed-open-one-child-of-two",
        "rotherham",
        facts(
            open_case("rotherham"),
            child(name="Mia Smyth"),
            concern_categories=("missing",),
            missing_review="OPEN_CASE",
        ),
        engine.MASH_SCREENING,
        "SP-2",
        "rule",
        {"required": False, "tell_allocated": (f"Jayden Smyth ({WORKER})",)},
    ),
    Case(
        "rotherham-missing-reviewed-vulnerability",
        "rotherham",
        facts(concern_categories=("missing",), missing_review="VULNERABILITY"),
        engine.MASH_SCREENING,
        "SP-2",
        "rule",
        {"required": False, "team_code": ""},
    ),
    Case(
        "rotherham-missing-reviewed-significant-harm",
        "rotherham",
        facts(concern_categories=("missing",), missing_review="SIGNIFICANT_HARM"),
        engine.MASH_SCREENING,
        "SP-2",
        "rule",
        {"required": False, "team_code": ""},
    ),
    Case(
        "rotherham-missing-reviewed-no-vulnerability",
        "rotherham",
        facts(concern_categories=("missing",), missing_review="NONE"),
        engine.MISSING_CLOSED,
        "SP-2",
        "rule",
        {"required": False, "team_code": "missing"},
    ),
    Case(
        "northamptonshire-missing-has-no-coordinators",
        "northamptonshire",
        facts(concern_categories=("missing",)),
        engine.MASH_SCREENING,
        "IN-6",
        "default",
        {"required": False},
    ),
    # SC-8 (Calderdale): the DCT agreed → the DCT takes it; not met → the normal process.
    Case(
        "calderdale-dct-criteria-met",
        "calderdale",
        facts(concern_categories=("disability",), dct_decision="MET"),
        engine.DCT,
        "SC-8",
        "rule",
        {"team_code": "dct"},
    ),
    Case(
        "calderdale-dct-criteria-not-met",
        "calderdale",
        facts(concern_categories=("disability",), dct_decision="NOT_MET"),
        engine.MASH_SCREENING,
        "IN-6",
        "default",
        {"team_code": ""},
    ),
    Case(
        "rotherham-has-no-dct-pathway",
        "rotherham",
        facts(concern_categories=("disability",), dct_decision="MET"),
        engine.MASH_SCREENING,
        "IN-6",
        "default",
    ),
    # SC-4: a child not yet checked → MASH screening for now, pending the check.
    *(
        Case(
            f"{name}-unchecked-child",
            name,
            facts(child(checked=False)),
            engine.MASH_SCREENING,
            "SC-4",
            None,
            {"pending": "History check for Jayden Smyth", "team_code": ""},
        )
        for name in SHIPPED
    ),
    *(
        Case(
            f"{name}-open-child-with-an-unchecked-sibling",
            name,
            facts(open_case(name), child(name="Mia Smyth", checked=False)),
            engine.MASH_SCREENING,
            "SC-4",
            None,
            {"pending": "History check for Mia Smyth", "tell_allocated": ()},
        )
        for name in SHIPPED
    ),
]


def _expected_quote(case: Case) -> Quote | None:
    found = profile(case.profile)
    routing = found.routing
    return {
        "social": routing.open_to_social_care_quote,
        "early": routing.open_to_early_help_quote,
        "default": routing.default_quote,
        "rule": found.quote(case.rule),
        None: None,
    }[case.quote]


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_route_by_profile(case: Case) -> None:
    """The table: destination, the deciding rule and the Suggestion's other fields."""
    found = engine.suggest(case.facts, profile(case.profile))

    assert found.destination == case.destination
    assert found.rule_ids[0] == case.rule
    for name, value in case.expect.items():
        assert getattr(found, name) == value, name


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_every_suggestion_explains_its_deciding_rule(case: Case) -> None:
    """Every route carries the deciding rule with a reason, a source and the seed's words
    where the profile quotes them (else the catalogue's source)."""
    found = engine.suggest(case.facts, profile(case.profile))

    assert found.explanations
    deciding = found.explanations[0]
    assert deciding.rule_id == case.rule
    assert deciding.reason.strip()
    assert deciding.source.strip()
    for explanation in found.explanations:
        assert explanation.reason.strip() and explanation.source.strip()
    quote = _expected_quote(case)
    if quote is None:
        assert deciding.source == catalogue.rule(case.rule).source
        assert deciding.quote == ""
    else:
        assert quote.text, f"{case.profile} gives no words for {case.rule}"
        assert (deciding.source, deciding.quote) == (quote.ref, quote.text)


# --------------------------------------------------------------------------- details


@pytest.mark.parametrize("name", SHIPPED)
def test_open_to_social_care_names_the_team_and_worker_in_the_reason(name: str) -> None:
    """IN-6 / SC-7: the reason says who the child is open to."""
    found = engine.suggest(facts(open_case(name)), profile(name))
    team = profile(name).team(SOCIAL_TEAM[name])

    reason = found.explanations[0].reason
    assert "Jayden Smyth" in reason and team.name in reason
    assert "not through screening" in reason


def test_two_children_open_to_social_care_go_to_both_workers() -> None:
    """IN-6: every child open → the allocated worker, both workers named."""
    second = child(involved("rotherham", "duty-assessment", worker="Sam Okoro"), name="Mia Smyth")

    found = engine.suggest(facts(open_case("rotherham"), second), profile("rotherham"))

    assert found.destination == engine.ALLOCATED_WORKER
    assert found.worker == f"{WORKER}, Sam Okoro"
    assert "Jayden Smyth and Mia Smyth are open to social care" in found.explanations[0].reason


@pytest.mark.parametrize(
    ("extra", "says"),
    [
        ({"child_protection_concern": True}, "child protection concern"),
        ({"immediate_protection": True}, "protecting immediately"),
        ({"concern_categories": ("physical_abuse",)}, "physical abuse"),
    ],
    ids=["child-protection-concern", "immediate-protection", "physical-abuse"],
)
def test_harm_on_an_early_help_case_is_named_in_the_reason(extra: dict, says: str) -> None:
    """SC-7: the reason says what in the information suggests harm."""
    found = engine.suggest(facts(open_early_help("rotherham"), **extra), profile("rotherham"))

    assert "suggests harm" in found.explanations[0].reason
    assert says in found.explanations[0].reason


def test_missing_open_case_explains_the_review_then_the_open_case() -> None:
    """SP-2 then SC-7: the coordinators' finding first, then the allocated worker's rule."""
    found = engine.suggest(
        facts(open_case("rotherham"), concern_categories=("missing",), missing_review="OPEN_CASE"),
        profile("rotherham"),
    )

    assert found.rule_ids == ["SP-2", "SC-7"]
    assert (
        found.explanations[1].quote == profile("rotherham").routing.open_to_social_care_quote.text
    )


def test_missing_open_case_with_one_open_child_does_not_say_none_is_open() -> None:
    """SP-2: the reason must not deny the open case the facts show."""
    found = engine.suggest(
        facts(
            open_case("rotherham"),
            child(name="Mia Smyth"),
            concern_categories=("missing",),
            missing_review="OPEN_CASE",
        ),
        profile("rotherham"),
    )

    assert "no child has an open social care case" not in found.explanations[0].reason


def test_recent_allocation_reason_gives_the_window() -> None:
    """TS-10: the reason names the team, the date and the last day of the window."""
    found = engine.suggest(
        _rotherham_allocated(ALLOCATION, ALLOCATION + timedelta(days=84)), profile("rotherham")
    )

    reason = found.explanations[0].reason
    assert "allocated to Duty & Assessment on 2 March 2026" in reason
    assert "runs to 25 May 2026 inclusive" in reason


@pytest.mark.parametrize(
    ("name", "start", "end"),
    [
        ("rotherham", date(2026, 3, 2), date(2026, 5, 25)),
        ("rotherham", date(2026, 10, 20), date(2027, 1, 12)),  # across the clock change
        ("calderdale", date(2026, 9, 10), date(2026, 12, 10)),
        ("calderdale", date(2026, 8, 31), date(2026, 11, 30)),
        ("calderdale", date(2027, 11, 30), date(2028, 2, 29)),  # leap year
        ("calderdale", date(2026, 11, 30), date(2027, 2, 28)),
    ],
    ids=[
        "rotherham-12-weeks",
        "rotherham-across-october-clock-change",
        "calderdale-3-months",
        "calderdale-31-august-clamped",
        "calderdale-clamped-to-29-february",
        "calderdale-clamped-to-28-february",
    ],
)
def test_window_end_is_calendar_arithmetic(name: str, start: date, end: date) -> None:
    """TS-10 and "How clocks count": weeks and months on dates, month ends clamped."""
    assert engine.window_end(start, profile(name)) == end


def test_northamptonshire_has_no_window_end() -> None:
    assert engine.window_end(date(2026, 9, 10), profile("northamptonshire")) is None


def test_the_latest_recent_involvement_wins() -> None:
    """TS-10: of two recent closures, the contact goes back to the most recent team."""
    older = involved("calderdale", "dct", ended=date(2026, 9, 1), worker="Dee Older")
    newer = involved("calderdale", "locality", ended=date(2026, 10, 1), worker="Lee Newer")

    found = engine.suggest(facts(child(older, newer)), profile("calderdale"))

    assert (found.destination, found.team_code, found.worker) == (
        engine.PREVIOUS_TEAM,
        "locality",
        "Lee Newer",
    )


def test_a_closure_after_the_contact_does_not_count() -> None:
    """TS-10: the window opens on the closure; a contact before it is not within it."""
    found = engine.suggest(
        _calderdale_closed("locality", date(2026, 11, 25), date(2026, 11, 20)),
        profile("calderdale"),
    )

    assert found.destination == engine.MASH_SCREENING


def test_a_closed_case_default_reason_says_closed() -> None:
    """IN-6: closed-case referrals go to the MASH, and the reason says it is a closed case."""
    found = engine.suggest(
        facts(closed("northamptonshire", "childrens-team", ended=date(2026, 1, 5))),
        profile("northamptonshire"),
    )
    new = engine.suggest(facts(child()), profile("northamptonshire"))

    assert "closed case" in found.explanations[0].reason
    assert "new contact" in new.explanations[0].reason.lower()


@pytest.mark.parametrize("name", SHIPPED)
def test_an_open_case_with_no_team_recorded_is_screened_and_the_worker_told(name: str) -> None:
    """IN-6: with no team to pass it to, the MASH keeps it and tells the allocated worker."""
    teamless = replace(involved(name, SOCIAL_TEAM[name]), team_code="", team_name="")

    found = engine.suggest(facts(child(teamless)), profile(name))

    assert found.destination == engine.MASH_SCREENING
    assert found.tell_allocated == ("Jayden Smyth (Alex Morgan)",)
    assert "no team is recorded" in found.explanations[0].reason


def test_a_recent_closure_for_one_child_only_is_screened_by_the_mash() -> None:
    """TS-10 covers the contact only when every child on it was recently with the team."""
    recent = closed("calderdale", "locality", ended=date(2026, 10, 1))
    new = child(name="Amelia Smyth")

    found = engine.suggest(facts(recent, new), profile("calderdale"))

    assert found.destination == engine.MASH_SCREENING
    assert found.rule_ids == ["TS-10"]
    assert "Amelia Smyth was not" in found.explanations[0].reason


def test_the_engine_names_the_destinations_the_database_stores() -> None:
    """The engine has no Django; its destination names must be `Destination`'s values."""
    from mash.routing.models import Destination

    names = {
        value
        for key, value in vars(engine).items()
        if key.isupper() and isinstance(value, str) and not key.startswith("_")
    }
    assert names == set(Destination.values)
