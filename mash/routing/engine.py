"""The routing rules as one pure function: facts about a contact + a profile → a route.

`suggest(facts, profile)` reads the profile's routing and pathway settings and returns where
the contact should go, with an explanation for every rule that decided it (rule id, a
one-line reason, the seed section and its words). No Django here: the facts are gathered by
`mash.routing.services`, so the rules can be read, and tested table-driven, on their own.

Precedence (first that applies wins), as the seeds read together:
1. SP-3 FGM → MASH information sharing, required ("always", whatever else is true).
2. SP-2 missing → the Missing Coordinators review it first (required); their outcome then
   routes it: open case → allocated worker, vulnerability or significant harm → MASH.
3. SC-8 the DCT agreed to take it → the DCT ("following agreement the contact will be
   passed to the Disabled Children's Team").
4. A child's history not yet checked → MASH screening for now (SC-4: the route depends on it).
5. Every child open to social care, with a team recorded → the allocated social worker (IN-6,
   SC-7); only some, or no team to pass it to → MASH screening, telling the allocated worker.
6. Every child open to early help → the named worker unless the information suggests harm
   (SC-7), or MASH screening where the profile says so.
7. Every child recently closed or allocated within the profile's window, to a team of the
   right kind → that team's inbox (TS-10; boundaries inclusive); only some → MASH screening.
8. Otherwise MASH screening (IN-6: new and closed-case referrals go to the MASH).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time

from mash.contacts import concerns
from mash.policy.catalogue import Explanation, explain
from mash.policy.profiles import Profile, TeamKind
from mash.workdays.calendar import add_months, add_weeks
from mash.workdays.clocks import ClockKind

__all__ = ["ChildFacts", "ContactFacts", "Involved", "Suggestion", "suggest", "window_end"]

MASH_SCREENING = "MASH_SCREENING"
MASH_INFORMATION_SHARING = "MASH_INFORMATION_SHARING"
ALLOCATED_WORKER = "ALLOCATED_WORKER"
EARLY_HELP_WORKER = "EARLY_HELP_WORKER"
PREVIOUS_TEAM = "PREVIOUS_TEAM"
MISSING_COORDINATORS = "MISSING_COORDINATORS"
MISSING_CLOSED = "MISSING_CLOSED"
DCT = "DCT"


@dataclass(frozen=True)
class Involved:
    """One period of a service's work with a child, as routing needs it."""

    service: str  # the Involvement.Service label, e.g. "Child in need (social care)"
    early_help: bool
    team_code: str
    team_name: str
    team_kind: str
    worker: str
    started_on: date
    ended_on: date | None

    @property
    def is_open(self) -> bool:
        return self.ended_on is None


@dataclass(frozen=True)
class ChildFacts:
    name: str
    checked: bool
    involvements: tuple[Involved, ...] = ()

    def open_social_care(self) -> list[Involved]:
        return [i for i in self.involvements if i.is_open and not i.early_help]

    def open_early_help(self) -> list[Involved]:
        return [i for i in self.involvements if i.is_open and i.early_help]


@dataclass(frozen=True)
class ContactFacts:
    """What is known about the contact when the route is suggested."""

    received_on: date
    children: tuple[ChildFacts, ...]
    concern_categories: tuple[str, ...] = ()
    child_protection_concern: bool = False
    immediate_protection: bool = False
    missing_review: str = ""  # the Missing Coordinators' outcome, once recorded (SP-2)
    dct_decision: str = ""  # "MET" / "NOT_MET" once the DCT has decided (SC-8)


@dataclass(frozen=True)
class Suggestion:
    destination: str
    explanations: tuple[Explanation, ...]
    team_code: str = ""
    worker: str = ""
    required: bool = False
    pending: str = ""
    # Children open to social care when the others are not: their workers are told (IN-6).
    tell_allocated: tuple[str, ...] = field(default=())
    consult_early_help: tuple[str, ...] = field(default=())

    @property
    def rule_ids(self) -> list[str]:
        return list(dict.fromkeys(e.rule_id for e in self.explanations))


def suggest(facts: ContactFacts, profile: Profile) -> Suggestion:
    """The route for a contact under `profile`, with the reasons (see the module docstring)."""
    for rule in (_fgm, _missing, _dct_agreed, _unchecked, _open_cases, _recent, _default):
        found = rule(facts, profile)
        if found is not None:
            return _consulting_early_help(found, facts, profile)
    raise AssertionError("the default route always applies")  # pragma: no cover


def _consulting_early_help(found: Suggestion, facts: ContactFacts, profile: Profile) -> Suggestion:
    """SC-7: when the MASH screens a contact about a child open to early help (because of
    harm, or because the other children are not open), it speaks with the early help worker."""
    if (
        found.destination != MASH_SCREENING
        or found.consult_early_help
        or found.pending
        or profile.routing.open_to_early_help != "named_worker_unless_harm"
    ):
        return found
    workers = tuple(
        dict.fromkeys(i.worker or i.team_name for c in facts.children for i in c.open_early_help())
    )
    if not workers:
        return found
    return replace(found, consult_early_help=workers)


def harm_indicators(facts: ContactFacts) -> list[str]:
    """What in the information suggests harm (SC-7), in plain words; empty if nothing."""
    found = []
    if facts.child_protection_concern:
        found.append("a child protection concern is recorded (IN-10)")
    if facts.immediate_protection:
        found.append("the referrer says the child needs protecting immediately (OU-5)")
    found += [
        f"the concern includes {c.label.lower()}"
        for c in concerns.suggests_harm(list(facts.concern_categories))
    ]
    return found


def window_end(start: date, profile: Profile) -> date | None:
    """The last day (inclusive) of the TS-10 window that opened on `start`: calendar weeks
    or months ("How clocks count"), 31 January + 1 month being 28 (or 29) February."""
    rule = profile.clock("TS-10")
    if rule is None or rule.amount is None:
        return None
    cal = profile.calendar
    noon = datetime.combine(start, time(12), tzinfo=cal.tz)
    add = add_weeks if rule.kind == ClockKind.WEEKS else add_months
    return cal.local(add(noon, rule.amount, cal)).date()


# --------------------------------------------------------------------------- the rules


def _fgm(facts: ContactFacts, profile: Profile) -> Suggestion | None:
    if "fgm" not in facts.concern_categories or not profile.has_pathway("SP-3"):
        return None
    reason = (
        "The concern includes female genital mutilation: it always goes to MASH information "
        "sharing, whatever the threshold suggests."
    )
    return Suggestion(
        MASH_INFORMATION_SHARING, (explain("SP-3", reason, profile.quote("SP-3")),), required=True
    )


def _missing(facts: ContactFacts, profile: Profile) -> Suggestion | None:
    pathway = profile.pathway("SP-2")
    if "missing" not in facts.concern_categories or pathway is None:
        return None
    quote = pathway.quote
    if not facts.missing_review:
        reason = "The child is reported missing: the Missing Coordinators review it first."
        return Suggestion(
            MISSING_COORDINATORS,
            (explain("SP-2", reason, quote),),
            team_code=pathway.team,
            required=True,
        )
    if facts.missing_review == "OPEN_CASE":
        routed = _open_cases(facts, profile)
        if routed is not None and routed.destination == ALLOCATED_WORKER:
            note = explain(
                "SP-2",
                "The Missing Coordinators found the case open: "
                "the allocated social worker acts on it.",
                quote,
            )
            return _with(routed, note)
        if routed is not None and routed.tell_allocated:
            note = explain(
                "SP-2",
                "The Missing Coordinators found the case open, but not for every child: the "
                "MASH screens it and tells the allocated worker.",
                quote,
            )
            return _with(routed, note)
        reason = (
            "The Missing Coordinators said the case is open, but no child has an open "
            "social care case on record: the MASH screens it."
        )
        return Suggestion(MASH_SCREENING, (explain("SP-2", reason, quote),))
    if facts.missing_review in ("VULNERABILITY", "SIGNIFICANT_HARM"):
        why = {
            "VULNERABILITY": "found additional vulnerability: the MASH screens it with partners.",
            "SIGNIFICANT_HARM": "found the significant-harm threshold met: the MASH screens it "
            "and a strategy meeting is held (OU-2).",
        }[facts.missing_review]
        return Suggestion(
            MASH_SCREENING, (explain("SP-2", "The Missing Coordinators " + why, quote),)
        )
    reason = (
        "The Missing Coordinators found no additional vulnerability: they keep it, and "
        "may hold a multi-agency meeting."
    )
    return Suggestion(MISSING_CLOSED, (explain("SP-2", reason, quote),), team_code=pathway.team)


def _dct_agreed(facts: ContactFacts, profile: Profile) -> Suggestion | None:
    pathway = profile.pathway("SC-8")
    if pathway is None or facts.dct_decision != "MET":
        return None
    reason = "The Disabled Children's Team agreed the child meets its criteria: it takes the case."
    return Suggestion(DCT, (explain("SC-8", reason, pathway.quote),), team_code=pathway.team)


def _unchecked(facts: ContactFacts, profile: Profile) -> Suggestion | None:
    waiting = [child.name for child in facts.children if not child.checked]
    if not waiting:
        return None
    reason = (
        "The route depends on each child's history (open, recently closed or new): it stays "
        "with the MASH until every child is checked."
    )
    return Suggestion(
        MASH_SCREENING,
        (explain("SC-4", reason),),
        pending="History check for " + ", ".join(waiting),
    )


def _open_cases(facts: ContactFacts, profile: Profile) -> Suggestion | None:
    routing = profile.routing
    social = [(c, c.open_social_care()) for c in facts.children]
    open_social = [(c, inv[0]) for c, inv in social if inv]
    if open_social and routing.open_to_social_care == "allocated_worker":
        rule, quote = routing.open_to_social_care_rule, routing.open_to_social_care_quote
        teamless = [c.name for c, i in open_social if not i.team_code]
        if len(open_social) == len(facts.children) and not teamless:
            first = open_social[0][1]
            workers = list(dict.fromkeys(i.worker or i.team_name for _, i in open_social))
            reason = (
                f"{_names(c.name for c, _ in open_social)} "
                f"{'is' if len(open_social) == 1 else 'are'} open to social care "
                f"({first.service.lower()}, {first.team_name or 'team not recorded'}): it goes "
                "to the allocated social worker, not through screening."
            )
            return Suggestion(
                ALLOCATED_WORKER,
                (explain(rule, reason, quote),),
                team_code=first.team_code,
                worker=", ".join(w for w in workers if w),
            )
        names = tuple(
            f"{c.name} ({i.worker or i.team_name or 'team not recorded'})" for c, i in open_social
        )
        if len(open_social) == len(facts.children):
            reason = (
                f"{_names(teamless)} {'is' if len(teamless) == 1 else 'are'} open to social "
                "care but no team is recorded to pass it to: the MASH screens the contact and "
                "tells the allocated worker."
            )
        else:
            reason = (
                f"Only some of the children are open to social care ({', '.join(names)}): the "
                "MASH screens the contact and tells their allocated worker."
            )
        return Suggestion(MASH_SCREENING, (explain(rule, reason, quote),), tell_allocated=names)
    return _open_to_early_help(facts, profile)


def _open_to_early_help(facts: ContactFacts, profile: Profile) -> Suggestion | None:
    routing = profile.routing
    early = [(c, c.open_early_help()) for c in facts.children]
    open_early = [(c, inv[0]) for c, inv in early if inv]
    if not open_early or len(open_early) != len(facts.children):
        return None
    rule, quote = routing.open_to_early_help_rule, routing.open_to_early_help_quote
    names = _names(c.name for c, _ in open_early)
    workers = tuple(dict.fromkeys(i.worker or i.team_name for _, i in open_early))
    if routing.open_to_early_help == "mash_screening":
        reason = f"{names} open to early help: the MASH screens it, as it does every new concern."
        return Suggestion(MASH_SCREENING, (explain(rule, reason, quote),))
    harm = harm_indicators(facts)
    if harm:
        reason = (
            f"{names} open to early help, but the information suggests harm ({'; '.join(harm)}):"
            " the MASH considers it with the early help worker."
        )
        return Suggestion(
            MASH_SCREENING, (explain(rule, reason, quote),), consult_early_help=workers
        )
    first = open_early[0][1]
    reason = f"{names} open to early help and nothing suggests harm: it goes to the named worker."
    return Suggestion(
        EARLY_HELP_WORKER,
        (explain(rule, reason, quote),),
        team_code=first.team_code,
        worker=", ".join(w for w in workers if w),
    )


def _recent(facts: ContactFacts, profile: Profile) -> Suggestion | None:
    closure = profile.recent_closure
    if closure is None:
        return None
    kinds = {TeamKind(kind).value for kind in closure.team_kinds}
    candidates = []
    for child in facts.children:
        for inv in child.involvements:
            if inv.team_kind not in kinds or inv.early_help:
                continue
            start = inv.started_on if closure.measured_from == "allocation" else inv.ended_on
            if start is None or start > facts.received_on:
                continue
            end = window_end(start, profile)
            if end is not None and facts.received_on <= end:
                candidates.append((start, child, inv, end))
    if not candidates:
        return None
    start, child, inv, end = max(candidates, key=lambda item: item[0])
    rule = profile.clock("TS-10")
    span = f"{rule.amount} {rule.kind}" if rule else "the window"
    what = "allocated to" if closure.measured_from == "allocation" else "closed to"
    recent = {c.name for _, c, _, _ in candidates}
    others = [c.name for c in facts.children if c.name not in recent]
    if others:
        reason = (
            f"{child.name} was {what} {inv.team_name} on {_day(start)}, within {span}, but "
            f"{_names(others)} {'was' if len(others) == 1 else 'were'} not: the MASH screens "
            "the contact for every child."
        )
        return Suggestion(MASH_SCREENING, (explain("TS-10", reason, profile.quote("TS-10")),))
    reason = (
        f"{child.name} was {what} {inv.team_name} on {_day(start)}, within {span} of this "
        f"contact (the window runs to {_day(end)} inclusive): it goes to that team's inbox, "
        "without MASH information sharing, if it meets the threshold."
    )
    return Suggestion(
        PREVIOUS_TEAM,
        (explain("TS-10", reason, profile.quote("TS-10")),),
        team_code=inv.team_code,
        worker=inv.worker,
    )


def _default(facts: ContactFacts, profile: Profile) -> Suggestion:
    known = any(child.involvements for child in facts.children)
    reason = (
        "A contact about a closed case goes to MASH screening."
        if known
        else "A new contact goes to MASH screening."
    )
    return Suggestion(MASH_SCREENING, (explain("IN-6", reason, profile.routing.default_quote),))


def _with(suggestion: Suggestion, first: Explanation) -> Suggestion:
    return replace(suggestion, explanations=(first, *suggestion.explanations))


def _names(names: Iterable[str]) -> str:
    items = list(names)
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def _day(day: date) -> str:
    return f"{day.day} {day:%B %Y}"
