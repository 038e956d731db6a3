"""Children and their episodes of need, read once from the front door's records (ADR 0020).

The CIN census, Annex A lists 3–5 and the data quality page all describe the same thing: each
child referred, and for each referral (`mash.returns.referrals`) what followed. This module is
the one reading of it, so the returns cannot disagree with each other.

Where each fact comes from:

- **Referral** (CINreferralDate, ReferralSource, ReferralNFA): the contact (received day,
  referrer source, which is already the census code) and the manager's decision.
- **Primary need** (N00101): from the typed concerns (`ConcernCategory.primary_need`), the
  first in the order abuse or neglect (N1), disability (N2), parental illness (N3), absent
  parenting (N8), behaviour (N6), acute stress (N4), family dysfunction (N5); "N0" (not
  stated) when no typed concern points to one. The data quality page lists those.
- **What followed** is the children's services record of the child (`Involvement`: the
  child and family assessment, the child in need plan, the child protection plan, each with
  its dates and, when it ended, the census reason for closure). An involvement belongs to
  the referral it follows: the latest referral on or before the day it started.
  - An s17 or s47 decision starts a child and family assessment on the day of the decision;
    it is open until an assessment involvement records its end (authorisation).
  - A completed assessment's factors (N00181) come from the typed concerns
    (`ConcernCategory.cin_factors`): the first code of each, except that domestic abuse is
    the parents' or carers' (3B: the MASH hears of it in the child's household), physical and sexual
    abuse are "child on child" (18B, 19B) when an alleged perpetrator on the contact is a child,
    and "adult on child" (18C, 19C) otherwise, and the child's disability is a learning
    disability (5A) when the child's record says so, a physical one (6A) otherwise.
  - A section 47 enquiry starts on the day of the strategy discussion that decided it (OU-2);
    the initial conference is due 15 working days later (England's bank holidays). Its
    conference is the start of a child protection plan that followed; with none, the enquiry
    concluded no conference was needed once a child in need plan started or the episode
    closed.
  - The episode closes when everything that followed it has ended, its assessment included
    (an s47 or s17 decision with no assessment end recorded stays open): the closure date is the
    last end, and the reason the last one's census code (RC8 if it was an assessment and no
    code was recorded, RC7 otherwise).
- A referral that arrives while an earlier episode is still open (its assessment unfinished,
  or a plan running) joins that episode (`later_referrals`): the census allows no overlapping
  episodes (8815, 8816, 8820), and IN-6 sends it to the allocated worker.
- What the census rules cannot take is put right and recorded in `corrections` with what to
  fix: RC8/RC9 on an episode with an enquiry or plan becomes RC7 (2990); a child in need plan
  still open when a protection plan starts ends the day before (4001).
- A referral with no further action has nothing after it, and no closure date (the DfE's own
  examples leave it open; it never counts as an open case).

`children_in(start, end)` gives the episodes a return for that period must contain, each cut
to the period: what ended before it is left out, what started after it is left out, and an
end after it is not yet known.
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any
from uuid import UUID

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.db.models.functions import TruncDate
from django.utils import timezone

from mash.contacts.concerns import CODES as CONCERN_CODES
from mash.contacts.concerns import category
from mash.contacts.models import ContactPerson
from mash.meetings.models import StrategyDiscussion
from mash.people.census import Disability
from mash.people.models import Involvement, Person
from mash.returns.referrals import FURTHER_ACTION, local_date, referral_contacts
from mash.workdays.calendar import bank_holidays

__all__ = [
    "Assessment",
    "Child",
    "ChildRecord",
    "CinPlan",
    "Episode",
    "ProtectionPlan",
    "Section47",
    "add_census_working_days",
    "children_in",
    "primary_need",
]

_EPISODE_SERVICES = frozenset(
    {
        Involvement.Service.ASSESSMENT,
        Involvement.Service.CHILD_IN_NEED,
        Involvement.Service.CHILD_PROTECTION,
    }
)
ICPC_WORKING_DAYS = 15  # Working Together 2023; statutory-returns.md §1.5, §4
PRIMARY_NEED_ORDER = ("N1", "N2", "N3", "N8", "N6", "N4", "N5")
_ABUSE_CATEGORY = {
    "neglect": "NEG",
    "physical_abuse": "PHY",
    "sexual_abuse": "SAB",
    "sexual_exploitation": "SAB",
    "emotional_abuse": "EMO",
    "domestic_abuse": "EMO",
}


@dataclass(frozen=True)
class Child:
    """What a return says about the child (ChildIdentifiers, ChildCharacteristics)."""

    person_id: UUID
    child_id: str  # LAchildID
    name: str
    upn: str
    upn_unknown: str
    date_of_birth: date | None
    expected_date_of_birth: date | None
    sex: str  # M, F or U (N00783)
    ethnicity_code: str  # "" when not recorded
    disabilities: tuple[str, ...]  # () when not recorded


@dataclass
class Assessment:
    """A child and family assessment (N00159, N00160, N00181)."""

    start: date
    authorised: date | None = None
    factors: tuple[str, ...] = ()


@dataclass
class Section47:
    """A section 47 enquiry and its initial child protection conference (N00148–N00111)."""

    start: date
    icpc_target: date
    icpc: date | None = None
    icpc_not_required: bool = False
    concluded: date | None = None  # when it was known no conference was needed


@dataclass
class CinPlan:
    """A child in need plan (N00689, N00690)."""

    start: date
    end: date | None = None


@dataclass
class ProtectionPlan:
    """A child protection plan (N00105, N00115, N00113, N00114, N00106)."""

    start: date
    end: date | None
    initial_category: str
    latest_category: str
    previous_plans: int


@dataclass
class Episode:
    """One referral of one child and what followed it (CINdetails)."""

    contact_id: UUID
    reference: str
    referral_date: date
    source: str
    outcome: str
    decided_on: date
    nfa: bool
    concerns: tuple[str, ...]
    team: str
    worker: str
    primary_need: str | None = None
    closure_date: date | None = None
    closure_reason: str = ""
    initial_cpc: date | None = None  # a conference not linked to an enquiry in this episode
    assessments: list[Assessment] = field(default_factory=list)
    section47s: list[Section47] = field(default_factory=list)
    cin_plans: list[CinPlan] = field(default_factory=list)
    protection_plans: list[ProtectionPlan] = field(default_factory=list)
    # Referrals that arrived while this episode was open: part of it, not episodes of their own.
    later_referrals: list[str] = field(default_factory=list)
    later_contact_ids: list[UUID] = field(default_factory=list)
    # What the reading had to put right to fit the census rules: (rule, what to fix).
    corrections: list[tuple[str, str]] = field(default_factory=list)

    @property
    def is_open(self) -> bool:
        """Open: a referral that led to action and has not closed (NFA is never open)."""
        return not self.nfa and self.closure_date is None


@dataclass
class ChildRecord:
    """A child with the episodes a return must hold, oldest first."""

    child: Child
    episodes: list[Episode]


# ----------------------------------------------------------------------------- working days


def add_census_working_days(day: date, count: int) -> date:
    """`count` working days after `day`: weekends and England's bank holidays do not count.

    The DfE's arithmetic (rule 8870Q, statutory-returns.md §4): 2025-06-03 + 15 = 2025-06-24.
    """
    current = day
    left = count
    while left > 0:
        current += timedelta(days=1)
        if current.weekday() < 5 and current not in bank_holidays(current.year):
            left -= 1
    return current


# ------------------------------------------------------------------------------ derivation


def primary_need(concerns: Iterable[str]) -> str:
    """The census primary need the typed concerns point to; "N0" (not stated) when none."""
    needs = {category(code).primary_need for code in concerns if code in CONCERN_CODES}
    return next((need for need in PRIMARY_NEED_ORDER if need in needs), "N0")


def assessment_factors(
    concerns: Iterable[str], *, child_perpetrator: bool, disabilities: tuple[str, ...]
) -> tuple[str, ...]:
    """The factors identified at assessment the typed concerns record, each once."""
    factors: list[str] = []
    for code in concerns:
        if code not in CONCERN_CODES:
            continue
        codes = category(code).cin_factors
        if not codes:
            continue
        if code in ("physical_abuse", "sexual_abuse"):
            chosen = codes[0] if child_perpetrator else codes[1]
        elif code == "domestic_abuse":
            chosen = "3B"  # a child's household: the parents or carers are its subject
        elif code == "disability":
            chosen = "5A" if Disability.LD in disabilities else "6A"
        else:
            chosen = codes[0]
        if chosen not in factors:
            factors.append(chosen)
    return tuple(factors)


def category_of_abuse(concerns: Iterable[str]) -> str:
    """NEG, PHY, SAB or EMO from the typed concerns; MUL for several or none of them."""
    found = {_ABUSE_CATEGORY[code] for code in concerns if code in _ABUSE_CATEGORY}
    return found.pop() if len(found) == 1 else "MUL"


def _sex(person: dict[str, Any]) -> str:
    if person["date_of_birth"] is None and person["expected_date_of_birth"] is not None:
        return "U"  # an unborn child is always U (rule 8750)
    return person["gender"] if person["gender"] in ("M", "F") else "U"


# ------------------------------------------------------------------------------- the reading


def children_in(
    start: date, end: date, *, person_ids: Iterable[UUID] | None = None
) -> list[ChildRecord]:
    """Every child with an episode a return for `start`–`end` must hold, episodes cut to it.

    An episode is held when its referral is on or before `end` and it was open on or after
    `start`: it closed on or after `start`, is still open, or (no further action) its referral
    was within the period. Children are in LA child identifier order.
    """
    records = [
        ChildRecord(child, [cut for e in episodes if (cut := _cut(e, start, end)) is not None])
        for child, episodes in _all_episodes(start, end, person_ids)
    ]
    return sorted((record for record in records if record.episodes), key=lambda r: r.child.child_id)


def _all_episodes(
    start: date, end: date, person_ids: Iterable[UUID] | None
) -> Iterator[tuple[Child, list[Episode]]]:
    referrals = _referrals_of(start, end, person_ids)
    if not referrals:
        return
    ids = list(referrals)
    people: dict[UUID, dict[str, Any]] = {
        row["id"]: dict(row)
        for row in Person.objects.filter(pk__in=ids).values(
            "id",
            "child_id",
            "given_names",
            "family_name",
            "upn",
            "upn_unknown",
            "date_of_birth",
            "expected_date_of_birth",
            "gender",
            "ethnicity_code",
            "disabilities",
        )
    }
    involvements: dict[UUID, list[dict[str, Any]]] = defaultdict(list)
    for row in (
        # All of it, after `end` too: the reading must not depend on the period (an enquiry's
        # conference in April closes nothing in March); `_cut` then hides what came after.
        Involvement.objects.filter(person_id__in=ids)
        .order_by("started_on", "pk")
        .values(
            "person_id",
            "service",
            "started_on",
            "ended_on",
            "closure_reason_code",
            "allocated_worker",
            "team__name",
        )
    ):
        involvements[row["person_id"]].append(dict(row))
    contact_ids = {r["contact_id"] for rows in referrals.values() for r in rows}
    s47_days = _s47_days(contact_ids)
    child_perpetrators = _contacts_with_child_perpetrator(contact_ids)
    for person_id, rows in referrals.items():
        person = people[person_id]
        child = _child(person)
        yield child, _episodes(child, rows, involvements[person_id], s47_days, child_perpetrators)


def _referrals_of(
    start: date, end: date, person_ids: Iterable[UUID] | None
) -> dict[UUID, list[dict[str, Any]]]:
    """All the referrals, oldest first, of each child who may have an episode in the period.

    Later referrals too: what followed a referral after `end` belongs to it, not to the
    earlier episode it would otherwise seem to extend; `_cut` drops them from the return.
    """
    query = ContactPerson.objects.filter(
        kind=ContactPerson.Kind.CHILD,
        person_id__in=_may_have_an_episode(start, end, person_ids),
        contact__in=referral_contacts(),
    )
    by_child: dict[UUID, list[dict[str, Any]]] = defaultdict(list)
    seen: set[tuple[UUID, UUID]] = set()
    for row in query.order_by("contact__received_at", "contact__reference").values(
        "person_id",
        "contact_id",
        "contact__reference",
        "contact__received_at",
        "contact__referrer_source",
        "contact__concern_categories",
        "contact__decision__outcome",
        "contact__decision__decided_at",
        "contact__decision__passed_to__name",
    ):
        key = (row["person_id"], row["contact_id"])
        if key not in seen:  # a child named twice on one contact is one referral
            seen.add(key)
            by_child[row["person_id"]].append(dict(row))
    return by_child


def _may_have_an_episode(
    start: date, end: date, person_ids: Iterable[UUID] | None
) -> QuerySet[ContactPerson, Any]:
    """The children referred by `end` whose episodes can reach into the period: referred in
    it, with work that followed still running in it, or referred for action with no
    assessment end recorded after it (the decision's assessment is still open). A child whose
    every episode closed before `start` is not read at all, so a return costs what its year
    holds, not what the decades before it hold."""
    start_at = timezone.make_aware(datetime.combine(start, time.min))
    cutoff = timezone.make_aware(datetime.combine(end + timedelta(days=1), time.min))
    referred = ContactPerson.objects.filter(
        kind=ContactPerson.Kind.CHILD,
        person__isnull=False,
        person__merged_into__isnull=True,
        contact__in=referral_contacts().filter(received_at__lt=cutoff),
    )
    if person_ids is not None:
        referred = referred.filter(person_id__in=list(person_ids))
    referred = referred.annotate(received_on=TruncDate("contact__received_at"))
    running = Involvement.objects.filter(
        Q(ended_on__isnull=True) | Q(ended_on__gte=start),
        person_id=OuterRef("person_id"),
        service__in=_EPISODE_SERVICES,
        started_on__lte=end,
    )
    assessed = Involvement.objects.filter(
        person_id=OuterRef("person_id"),
        service=Involvement.Service.ASSESSMENT,
        ended_on__gte=OuterRef("received_on"),
    )
    return referred.filter(
        Q(contact__received_at__gte=start_at)
        | Exists(running)
        | (Q(contact__decision__outcome__in=FURTHER_ACTION) & ~Exists(assessed))
    ).values("person_id")


def _s47_days(contact_ids: set[UUID]) -> dict[UUID, date]:
    """The day of the first strategy discussion that started a section 47 enquiry, by contact."""
    days: dict[UUID, date] = {}
    for contact_id, held_at in (
        StrategyDiscussion.objects.filter(
            contact_id__in=contact_ids, outcome=StrategyDiscussion.Outcome.S47
        )
        .order_by("held_at")
        .values_list("contact_id", "held_at")
    ):
        days.setdefault(contact_id, local_date(held_at))
    return days


def _contacts_with_child_perpetrator(contact_ids: set[UUID]) -> set[UUID]:
    return set(
        ContactPerson.objects.filter(contact_id__in=contact_ids, is_alleged_perpetrator=True)
        .filter(Q(kind=ContactPerson.Kind.CHILD))
        .values_list("contact_id", flat=True)
    )


def _child(person: dict[str, Any]) -> Child:
    return Child(
        person_id=person["id"],
        child_id=person["child_id"],
        name=f"{person['given_names']} {person['family_name']}".strip() or "Name not given",
        upn=person["upn"],
        upn_unknown=person["upn_unknown"],
        date_of_birth=person["date_of_birth"],
        expected_date_of_birth=person["expected_date_of_birth"],
        sex=_sex(person),
        ethnicity_code=person["ethnicity_code"],
        disabilities=tuple(person["disabilities"] or ()),
    )


def _episodes(
    child: Child,
    referrals: list[dict[str, Any]],
    involvements: list[dict[str, Any]],
    s47_days: dict[UUID, date],
    child_perpetrators: set[UUID],
) -> list[Episode]:
    episodes: list[Episode] = []
    for row in referrals:
        current = next((e for e in reversed(episodes) if not e.nfa), None)
        day = local_date(row["contact__received_at"])
        if current is not None and _open_on(current, day, involvements):
            _absorb(current, row)
            continue
        episodes.append(_episode(row))
    acted = [e for e in episodes if not e.nfa]
    for involvement in involvements:
        owner = _owner(acted, involvement["started_on"])
        if owner is not None:
            _attach(owner, involvement, involvements, child)
    for episode in acted:
        days = [
            s47_days[c] for c in (episode.contact_id, *episode.later_contact_ids) if c in s47_days
        ]
        _complete(episode, child, min(days, default=None), child_perpetrators)
        _settle(episode)
    return episodes


def _open_on(episode: Episode, day: date, involvements: list[dict[str, Any]]) -> bool:
    """Whether `episode` was still open on `day`, from what had started by then: its
    assessment not yet finished (none recorded counts as unfinished), or a plan still running.
    """
    mine = [
        i
        for i in involvements
        if episode.referral_date <= i["started_on"] < day and i["service"] in _EPISODE_SERVICES
    ]
    assessed = any(
        i["service"] == Involvement.Service.ASSESSMENT
        and i["ended_on"] is not None
        and i["ended_on"] < day
        for i in mine
    )
    return not assessed or any(i["ended_on"] is None or i["ended_on"] >= day for i in mine)


def _absorb(episode: Episode, row: dict[str, Any]) -> None:
    """A referral while the episode is open is more about the same need (IN-6: it goes to
    the allocated worker), so it joins the episode rather than opening an overlapping one
    (rules 8815, 8816, 8820). The primary need and factors stay the first referral's: an
    assessment that followed the later one is attached as any other."""
    episode.later_referrals.append(row["contact__reference"])
    episode.later_contact_ids.append(row["contact_id"])


def _settle(episode: Episode) -> None:
    """Put right what the census rules cannot take, and say so (`corrections`)."""
    if episode.closure_reason in ("RC8", "RC9") and (
        episode.section47s or episode.cin_plans or episode.protection_plans
    ):
        episode.corrections.append(
            (
                "2990",
                f"Closed as {episode.closure_reason} (closed after assessment), but an enquiry "
                "or plan followed the assessment: reported as RC7; record the right reason.",
            )
        )
        episode.closure_reason = "RC7"
    kept: list[CinPlan] = []
    for plan in episode.cin_plans:
        during = [
            cp
            for cp in episode.protection_plans
            if (plan.end is None or plan.end >= cp.start)
            and (cp.end is None or cp.end >= plan.start)
        ]
        if not during:
            kept.append(plan)
            continue
        first = min(cp.start for cp in during)
        if plan.start < first:
            ended = first - timedelta(days=1)
            episode.corrections.append(
                (
                    "4001",
                    f"The child in need plan from {plan.start:%d/%m/%Y} was still open when the "
                    f"child protection plan started: reported as ending {ended:%d/%m/%Y}; "
                    "record its end.",
                )
            )
            kept.append(CinPlan(plan.start, ended))
        else:
            episode.corrections.append(
                (
                    "4001",
                    f"A child in need plan from {plan.start:%d/%m/%Y} ran during a child "
                    "protection plan: left out of the census; correct its dates.",
                )
            )
    episode.cin_plans = kept


def _episode(row: dict[str, Any]) -> Episode:
    outcome = row["contact__decision__outcome"]
    return Episode(
        contact_id=row["contact_id"],
        reference=row["contact__reference"],
        referral_date=local_date(row["contact__received_at"]),
        source=row["contact__referrer_source"],
        outcome=outcome,
        decided_on=local_date(row["contact__decision__decided_at"]),
        nfa=outcome not in FURTHER_ACTION,
        concerns=tuple(row["contact__concern_categories"] or ()),
        team=row["contact__decision__passed_to__name"] or "",
        worker="",
    )


def _owner(episodes: list[Episode], day: date) -> Episode | None:
    """The latest referral that led to action on or before `day`."""
    owner = None
    for episode in episodes:
        if episode.referral_date <= day:
            owner = episode
    return owner


def _attach(
    episode: Episode,
    involvement: dict[str, Any],
    all_involvements: list[dict[str, Any]],
    child: Child,
) -> None:
    service = involvement["service"]
    started, ended = involvement["started_on"], involvement["ended_on"]
    if service == Involvement.Service.ASSESSMENT:
        episode.assessments.append(Assessment(start=started, authorised=ended))
    elif service == Involvement.Service.CHILD_IN_NEED:
        episode.cin_plans.append(CinPlan(start=started, end=ended))
    elif service == Involvement.Service.CHILD_PROTECTION:
        category = category_of_abuse(episode.concerns)
        previous = sum(
            1
            for other in all_involvements
            if other["service"] == Involvement.Service.CHILD_PROTECTION
            and other["started_on"] < started
        )
        episode.protection_plans.append(
            ProtectionPlan(started, ended, category, category, previous)
        )
    else:
        return  # early help, looked after, the DCT: not part of a CIN episode's modules
    episode.worker = involvement["allocated_worker"] or episode.worker
    episode.team = involvement["team__name"] or episode.team
    _note_end(episode, ended, involvement["closure_reason_code"], service)


def _note_end(episode: Episode, ended: date | None, code: str, service: str) -> None:
    """Track the episode's closure: open while anything is open, else the last end."""
    if episode.closure_reason == "open":
        return
    if ended is None:
        episode.closure_date, episode.closure_reason = None, "open"
        return
    if episode.closure_date is None or ended >= episode.closure_date:
        fallback = "RC8" if service == Involvement.Service.ASSESSMENT else "RC7"
        episode.closure_date, episode.closure_reason = ended, code or fallback


def _complete(
    episode: Episode, child: Child, s47_day: date | None, child_perpetrators: set[UUID]
) -> None:
    """Fill in what the decision itself implies once the involvements are attached."""
    if episode.closure_reason == "open" or not (
        episode.assessments or episode.cin_plans or episode.protection_plans
    ):
        episode.closure_date, episode.closure_reason = None, ""
    episode.primary_need = primary_need(episode.concerns)
    if not episode.assessments:
        episode.assessments.append(Assessment(start=episode.decided_on))
    if any(a.authorised is None for a in episode.assessments):
        # The decision's assessment has no recorded end: the episode cannot have closed
        # (rule 8867); the data quality page asks for the end (8670Q).
        episode.closure_date, episode.closure_reason = None, ""
    factors = assessment_factors(
        episode.concerns,
        child_perpetrator=episode.contact_id in child_perpetrators,
        disabilities=child.disabilities,
    )
    for assessment in episode.assessments:
        if assessment.authorised is not None:
            assessment.factors = factors
    icpcs = [plan.start for plan in episode.protection_plans]
    if s47_day is not None:
        enquiry = Section47(s47_day, add_census_working_days(s47_day, ICPC_WORKING_DAYS))
        conference = next((day for day in icpcs if day >= s47_day), None)
        if conference is not None:
            enquiry.icpc = conference
            icpcs.remove(conference)
        else:
            # No conference: known once a child in need plan followed or the episode closed.
            known = [p.start for p in episode.cin_plans if p.start >= s47_day]
            known += [episode.closure_date] if episode.closure_date is not None else []
            if known:
                enquiry.icpc_not_required, enquiry.concluded = True, min(known)
        episode.section47s.append(enquiry)
    if icpcs:
        episode.initial_cpc = icpcs[0]


def _cut(episode: Episode, start: date, end: date) -> Episode | None:
    """The episode as a return for `start`–`end` sees it, or None when it is outside."""
    if episode.referral_date > end:
        return None
    if episode.nfa:
        return episode if episode.referral_date >= start else None
    if episode.closure_date is not None and episode.closure_date < start:
        return None
    cut = dataclasses.replace(episode)
    if cut.closure_date is not None and cut.closure_date > end:
        cut.closure_date, cut.closure_reason = None, ""
    cut.assessments = [
        kept for a in episode.assessments if (kept := _cut_assessment(a, start, end)) is not None
    ]
    cut.cin_plans = [
        dataclasses.replace(p, end=None if p.end and p.end > end else p.end)
        for p in episode.cin_plans
        if p.start <= end and (p.end is None or p.end >= start)
    ]
    cut.protection_plans = [
        dataclasses.replace(p, end=None if p.end and p.end > end else p.end)
        for p in episode.protection_plans
        if p.start <= end and (p.end is None or p.end >= start)
    ]
    cut.section47s = [
        _cut_s47(s, end) for s in episode.section47s if s.start <= end and _held(s, start)
    ]
    if cut.initial_cpc is not None and not start <= cut.initial_cpc <= end:
        cut.initial_cpc = None
    return cut


def _cut_assessment(assessment: Assessment, start: date, end: date) -> Assessment | None:
    if assessment.start > end:
        return None
    if assessment.authorised is not None and assessment.authorised < start:
        return None  # finished in an earlier year: that year's return held it
    if assessment.authorised is not None and assessment.authorised > end:
        return Assessment(start=assessment.start)
    return assessment


def _held(enquiry: Section47, start: date) -> bool:
    """An enquiry whose conference was before the period, or that concluded before it that no
    conference was needed, belongs to an earlier return."""
    if enquiry.icpc is not None:
        return enquiry.icpc >= start
    concluded = enquiry.concluded or enquiry.start
    return not (enquiry.icpc_not_required and concluded < start)


def _cut_s47(enquiry: Section47, end: date) -> Section47:
    if enquiry.icpc is not None and enquiry.icpc > end:
        return dataclasses.replace(enquiry, icpc=None, icpc_not_required=False)
    if enquiry.concluded is not None and enquiry.concluded > end:
        # Concluded after the period: as at its end the enquiry was still open.
        return dataclasses.replace(enquiry, icpc_not_required=False, concluded=None)
    return enquiry
