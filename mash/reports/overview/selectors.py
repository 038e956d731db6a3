"""The figures of the managers' daily overview (issue 8 §1, DM-2).

`build_overview` reads everything in a fixed number of queries, whatever the number of
contacts: counts are grouped in the database, and the lists (open clocks, breaches) are a page
or a capped list, each with its reasons read in one query per kind of reason.

Readings the page relies on (the product has no "allocated worker" field):

- **Open** is the workflow's `OPEN` (every status but closed). **Open clocks** are every
  clock not yet met, on a closed contact too: TS-4 and TS-5 run on after closing.
- **Team** is the team whose inbox holds the contact now (`Contact.held_by`); none means the
  MASH holds it (a decided contact stays with the MASH until it is closed and passed on).
- **Worker** is the person who answers for the contact's decision clock, as the deadline
  alerts read it for TS-1 (`mash.alerts.responsibility`): the social worker of the latest
  recommendation, else the manager who screened it, else the last person who moved it on.
  Accounts no longer active are skipped. Nobody at all: it came by the online form or the
  partner API and nobody has touched it yet.
- **Time left** counts office time for clocks that count working hours or days (and "next
  working day"), working-week time for TS-6-style clocks, and elapsed time otherwise, on the
  working calendar of the contact's own profile (`mash.reports.measures`, which the dip-sample
  checklist uses too).
- **The median** answer time is `mash.reports.measures.median`, as the performance report's.
- **A breach in the period** is a clock whose due time fell in the period and that was not
  met by then (met late, or still open).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, ClassVar

from django.core.paginator import Page, Paginator
from django.db.models import Count, F, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce

from mash.accounts.models import Agency, Team, User
from mash.alerts.models import Alert, duration_words
from mash.contacts.models import (
    Clock,
    Contact,
    ContactStatus,
    ContactTransition,
    Recommendation,
    Screening,
)
from mash.contacts.workflow import OPEN
from mash.disputes.models import Dispute
from mash.policy.profiles import Profile, TeamKind, active_profile, profile_named
from mash.reports.measures import MEDIAN_WORDS, answer_time, clock_time_between, median
from mash.sharing.models import Contribution, InformationRequest
from mash.workdays.calendar import WorkingCalendar
from mash.workdays.text import format_duration, format_moment

RequestStatus = InformationRequest.Status

CLOCKS_PAGE_SIZE = 50
BREACH_LIMIT = 200  # the page lists at most this many breaches, most recent first
BREACH_DAYS = 7  # the period: today and the last 7 days
PARTNER_DAYS = 28
NO_REASON = "No reason recorded"

# Workflow order (mash.contacts.workflow), closed left out.
STAGES = tuple(status for status in ContactStatus if status in OPEN)
# Age bands since received, in working days of the contact's own calendar: (label, from, to).
AGE_BANDS = (
    ("Under 1 working day", 0, 1),
    ("1 to under 3 working days", 1, 3),
    ("3 to under 10 working days", 3, 10),
    ("10 working days or more", 10, None),
)
_MAX_DAYS_BACK = 3660


@dataclass(frozen=True)
class Row:
    """One line of a count table: what it counts, in words, and how many."""

    label: str
    count: int
    key: str = ""


@dataclass(frozen=True)
class Left:
    """Time to a due time as its clock counts it (negative once overdue), in words."""

    left: timedelta
    overdue: bool
    counts: str  # "office time", "working-week time" or "elapsed time"
    words: str  # "3 working hours 20 minutes left", "1 day 2 hours overdue"


@dataclass(frozen=True)
class OpenClock:
    """An open clock, with the time left; on a closed contact too (TS-4, TS-5 run on)."""

    contact_id: Any
    reference: str
    rule_id: str
    label: str
    due_at: datetime
    left: Left
    contact_closed: bool = False


@dataclass(frozen=True)
class Breach:
    """A clock that fell due in the period and was not met in time, and what was recorded."""

    contact_id: Any
    reference: str
    rule_id: str
    label: str
    due_at: datetime
    met_at: datetime | None
    met_note: str
    late_words: str  # "met 2 hours late", "still open, 1 day 3 hours overdue"
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class AgencyTimes:
    """One partner agency's answers to requests asked in the last 28 days, and what it owes."""

    name: str
    asked: int
    answered: int
    median_words: str  # in working hours of the contact's calendar; "" when none answered
    due_by_now: int  # asked, and either answered or past the deadline
    on_time: int  # of those, answered by the deadline
    outstanding: int  # still waiting (any age), of which:
    awaiting: int  # the agency says it is awaiting information (MA-3)
    overdue: int  # past the deadline

    @property
    def on_time_percent(self) -> int | None:
        return round(100 * self.on_time / self.due_by_now) if self.due_by_now else None


@dataclass(frozen=True)
class Overview:
    """Everything the daily overview shows (DM-2)."""

    now: datetime
    team: str
    rag: str
    open_total: int
    by_stage: list[Row]
    by_team: list[Row]
    by_worker: list[Row]
    clocks: Page[Any]  # of OpenClock
    breaches_since: datetime
    breaches: list[Breach]
    breaches_total: int
    partners: list[AgencyTimes]
    partners_since: datetime
    ageing: list[Row]
    listed_references: list[str] = field(default_factory=list)
    median_words: ClassVar[str] = MEDIAN_WORDS


# --------------------------------------------------------------------------- filters


def team_choices(profile: Profile | None = None) -> list[tuple[str, str]]:
    """The teams of the profile in force, as (code, name)."""
    return [(team.code, team.name) for team in (profile or active_profile()).teams]


def _mash_codes(profile: Profile) -> set[str]:
    return {team.code for team in profile.teams_of_kind(TeamKind.MASH)}


def _contact_filter(team: str, rag: str, prefix: str = "") -> Q:
    """The contacts the filters keep; `prefix` reaches them from another model."""
    found = Q()
    if team:
        held = Q(**{f"{prefix}held_by__code": team})
        if team in _mash_codes(active_profile()):
            held |= Q(**{f"{prefix}held_by__isnull": True})  # the MASH holds it
        found &= held
    if rag:
        found &= Q(**{f"{prefix}screening__rag": rag})
    return found


# --------------------------------------------------------------------------- the overview


def build_overview(
    *, now: datetime, team: str = "", rag: str = "", clocks_page: Any = 1
) -> Overview:
    """The daily overview at `now`, for one team (a code of the profile's teams) and one RAG
    rating (`Screening.Rag`), or all; the caller validates both. About twenty queries."""
    open_contacts = Contact.objects.filter(_contact_filter(team, rag), status__in=OPEN)
    keep = _contact_filter(team, rag, "contact__")  # the same, from a clock or a request
    clocks = _open_clocks(now, keep, clocks_page)
    breaches_since = _start_of_day(now, BREACH_DAYS)
    breaches, breaches_total = _breaches(now, breaches_since, keep)
    listed = [c.reference for c in clocks.object_list] + [b.reference for b in breaches]
    by_stage = _by_stage(open_contacts)
    return Overview(
        now=now,
        team=team,
        rag=rag,
        open_total=sum(row.count for row in by_stage),
        by_stage=by_stage,
        by_team=_by_team(open_contacts),
        by_worker=_by_worker(open_contacts),
        clocks=clocks,
        breaches_since=breaches_since,
        breaches=breaches,
        breaches_total=breaches_total,
        partners=_partners(now, keep),
        partners_since=now - timedelta(days=PARTNER_DAYS),
        ageing=_ageing(now, open_contacts),
        listed_references=list(dict.fromkeys(listed)),
    )


def _start_of_day(now: datetime, days_back: int) -> datetime:
    """Midnight in London `days_back` days before today."""
    calendar = active_profile().calendar
    return calendar.midnight(calendar.local(now).date() - timedelta(days=days_back))


# --------------------------------------------------------------------------- workload


def _by_stage(contacts: Any) -> list[Row]:
    counts = dict(
        contacts.order_by().values_list("status").annotate(n=Count("id")).values_list("status", "n")
    )
    return [Row(str(status.label), counts.get(status.value, 0), status.value) for status in STAGES]


def _by_team(contacts: Any) -> list[Row]:
    """Open contacts by the team holding them; the MASH first, then the profile's order."""
    held = dict(
        contacts.order_by()
        .values_list("held_by")
        .annotate(n=Count("id"))
        .values_list("held_by", "n")
    )
    teams = {team.pk: team for team in Team.objects.filter(pk__in=[k for k in held if k])}
    profile = active_profile()
    mash = next(iter(profile.teams_of_kind(TeamKind.MASH)), None)
    rows: dict[str, Row] = {}
    if held.get(None):
        name = mash.name if mash else "The MASH"
        rows[mash.code if mash else ""] = Row(name, held[None], mash.code if mash else "")
    for pk, team in teams.items():
        before = rows.get(team.code)
        rows[team.code] = Row(team.name, held[pk] + (before.count if before else 0), team.code)
    order = {team.code: n for n, team in enumerate(profile.teams)}
    return sorted(rows.values(), key=lambda row: (order.get(row.key, len(order)), row.label))


def _worker() -> Coalesce:
    """The person who answers for the contact's decision clock (see the module docstring)."""
    recommender = Recommendation.objects.filter(
        contact=OuterRef("pk"), recommended_by__is_active=True
    ).order_by("-recommended_at")
    screener = Screening.objects.filter(contact=OuterRef("pk"), screened_by__is_active=True)
    mover = ContactTransition.objects.filter(
        contact=OuterRef("pk"), by__isnull=False, by__is_active=True
    ).order_by("-at", "-created_at")
    return Coalesce(
        Subquery(recommender.values("recommended_by")[:1]),
        Subquery(screener.values("screened_by")[:1]),
        Subquery(mover.values("by")[:1]),
    )


def _by_worker(contacts: Any) -> list[Row]:
    counts = dict(
        contacts.order_by()
        .annotate(worker=_worker())
        .values_list("worker")
        .annotate(n=Count("id"))
        .values_list("worker", "n")
    )
    users = {u.pk: u for u in User.objects.filter(pk__in=[k for k in counts if k is not None])}
    rows = [Row(users[pk].display_name(), n, str(pk)) for pk, n in counts.items() if pk in users]
    rows.sort(key=lambda row: (-row.count, row.label))
    if counts.get(None):
        rows.append(Row("Nobody yet (online form or partner API)", counts[None], ""))
    return rows


# --------------------------------------------------------------------------- clocks


def time_left(rule_id: str, due_at: datetime, now: datetime, profile_id: str) -> Left:
    """How long until `due_at` (negative when overdue), counted as the clock counts
    (`mash.reports.measures.clock_time_between`)."""
    counted = clock_time_between(rule_id, now, due_at, profile_id)
    left, counts, unit = counted.span, counted.counts, counted.unit
    overdue = due_at <= now
    span = abs(left)
    if overdue and unit and span < timedelta(minutes=1):
        words = "overdue (no office time has passed since it fell due)"
    else:
        amount = (
            format_duration(span, unit)
            if unit and span >= timedelta(minutes=1)
            else duration_words(int(span.total_seconds()))
        )
        words = f"{amount} overdue" if overdue else f"{amount} left"
    return Left(-span if overdue else span, overdue, counts, words)


def _open_clocks(now: datetime, keep: Q, page_number: Any) -> Page[Any]:
    # Every open clock, whatever the contact's status: written confirmation (TS-4) and the
    # acknowledgement (TS-5) run on after a contact closes, and the deadline alerts read
    # every open clock too (mash.alerts.sweep), so the page must not hide one until it breaches.
    clocks = (
        Clock.objects.filter(keep, met_at__isnull=True)
        .order_by("due_at", "contact__reference")
        .values(
            "contact_id",
            "contact__reference",
            "contact__profile",
            "contact__status",
            "rule_id",
            "label",
            "due_at",
        )
    )
    page: Page[Any] = Paginator(clocks, CLOCKS_PAGE_SIZE).get_page(page_number)
    page.object_list = [
        OpenClock(
            contact_id=c["contact_id"],
            reference=c["contact__reference"],
            rule_id=c["rule_id"],
            label=c["label"],
            due_at=c["due_at"],
            left=time_left(c["rule_id"], c["due_at"], now, c["contact__profile"]),
            contact_closed=c["contact__status"] == ContactStatus.CLOSED,
        )
        for c in page.object_list
    ]
    return page


# --------------------------------------------------------------------------- breaches


def _breaches(now: datetime, since: datetime, keep: Q) -> tuple[list[Breach], int]:
    missed = Clock.objects.filter(keep, due_at__gte=since, due_at__lt=now).filter(
        Q(met_at__isnull=True) | Q(met_at__gt=F("due_at"))
    )
    total = missed.count()
    clocks = list(
        missed.order_by("-due_at", "contact__reference").values(
            "pk",
            "contact_id",
            "contact__reference",
            "contact__profile",
            "rule_id",
            "label",
            "due_at",
            "met_at",
            "met_note",
        )[:BREACH_LIMIT]
    )
    reasons = _reasons(clocks, now)
    found = []
    for c in clocks:
        if c["met_at"] is None:
            late = time_left(c["rule_id"], c["due_at"], now, c["contact__profile"]).words
            late_words = f"Still open: {late}"
        else:
            late = time_left(c["rule_id"], c["due_at"], c["met_at"], c["contact__profile"]).words
            late_words = f"Met {_when(c['met_at'])}, " + late.replace("overdue", "late")
        found.append(
            Breach(
                contact_id=c["contact_id"],
                reference=c["contact__reference"],
                rule_id=c["rule_id"],
                label=c["label"],
                due_at=c["due_at"],
                met_at=c["met_at"],
                met_note=c["met_note"],
                late_words=late_words,
                reasons=tuple(reasons.get(c["pk"], ())) or (NO_REASON,),
            )
        )
    return found, total


def _tz() -> Any:
    return active_profile().calendar.tz


def _when(moment: datetime | None) -> str:
    return format_moment(moment.astimezone(_tz())) if moment is not None else ""


def _reasons(clocks: list[Any], now: datetime) -> dict[Any, list[str]]:
    """What the product recorded about each breached clock: alert acknowledgements with a
    reason, the partner agencies it waited for (MA-3, going ahead without one), and disputes
    (DM-1, TS-8). Four queries whatever the number of clocks."""
    ids = [c["pk"] for c in clocks]
    found: dict[Any, list[str]] = defaultdict(list)
    if not ids:
        return found
    alerts = (
        Alert.objects.filter(clock_id__in=ids, acknowledged_at__isnull=False)
        .exclude(acknowledgement_reason="")
        .select_related("acknowledged_by")
        .order_by("acknowledged_at")
    )
    for alert in alerts:
        who = alert.acknowledged_by.display_name() if alert.acknowledged_by else "Someone"
        found[alert.clock_id].append(
            f"Alert acknowledged by {who}, {_when(alert.acknowledged_at)}: "
            f"{alert.acknowledgement_reason}"
        )
    _request_reasons(ids, found, now)
    _dispute_reasons(clocks, found)
    return {pk: list(dict.fromkeys(lines)) for pk, lines in found.items()}


def _request_reasons(ids: list[Any], found: dict[Any, list[str]], now: datetime) -> None:
    requests = list(
        InformationRequest.objects.filter(clock_id__in=ids)
        .select_related("agency", "closed_by")
        .order_by("agency__name", "requested_at")
    )
    awaiting: dict[Any, Contribution] = {}
    for contribution in Contribution.objects.filter(
        request__in=[r.pk for r in requests if r.status == InformationRequest.Status.AWAITING],
        kind=Contribution.Kind.AWAITING,
    ).order_by("recorded_at"):
        awaiting[contribution.request_id] = contribution  # the latest wins
    for request in requests:
        line = _request_line(request, awaiting.get(request.pk), now)
        if line:
            found[request.clock_id].append(line)


def _request_line(request: InformationRequest, awaiting: Contribution | None, now: datetime) -> str:
    agency = request.agency.name
    if request.status == RequestStatus.AWAITING and awaiting is not None:
        who = ", ".join(
            part
            for part in (awaiting.awaiting_from_name, awaiting.awaiting_from_designation)
            if part
        )
        how = awaiting.get_awaiting_method_display().lower() if awaiting.awaiting_method else ""
        asked = f" (asked {_when(awaiting.awaiting_asked_at)}{', by ' + how if how else ''})"
        return f"{agency} is awaiting information from {who or 'someone not named'}{asked} (MA-3)"
    if request.status == RequestStatus.SENT and request.due_at < now:
        chased = f", chased {request.times_chased} time{'s' if request.times_chased != 1 else ''}"
        return f"{agency} has not answered{chased if request.times_chased else ''}"
    if request.status == RequestStatus.CLOSED_UNANSWERED:
        who = request.closed_by.display_name() if request.closed_by else "Someone"
        return f"Went ahead without an answer from {agency} ({who}): {request.closed_reason}"
    if request.first_answered_at and request.first_answered_at > request.due_at:
        return f"{agency} answered late, {_when(request.first_answered_at)}"
    return ""


def _dispute_reasons(clocks: list[Any], found: dict[Any, list[str]]) -> None:
    """TS-8: how far the dispute went and what each level noted. TS-1: a dispute about the
    recommendation stops the decision until it is resolved (DM-1)."""
    by_clock = {c["pk"]: c for c in clocks}
    decision_clocks = defaultdict(list)
    for c in clocks:
        if c["rule_id"] == "TS-1":
            decision_clocks[c["contact_id"]].append(c)
    disputes = (
        Dispute.objects.filter(
            Q(clock_id__in=list(by_clock)) | Q(contact_id__in=list(decision_clocks))
        )
        .prefetch_related("steps")
        .order_by("raised_at")
    )
    for dispute in disputes:
        if dispute.clock_id in by_clock:
            steps = sorted(dispute.steps.all(), key=lambda s: s.recorded_at)
            for step in steps:
                found[dispute.clock_id].append(
                    f"{step.get_level_display()}: {step.get_result_display().lower()}: {step.note}"
                )
            if dispute.is_open:
                found[dispute.clock_id].append(
                    f"Dispute still open with the {dispute.get_level_display()} (DM-1)"
                )
        for c in decision_clocks.get(dispute.contact_id, []):
            ended = dispute.resolved_at
            if dispute.raised_at <= c["due_at"] and (ended is None or ended > c["due_at"]):
                found[c["pk"]].append(
                    f"A dispute about the recommendation was open from "
                    f"{_when(dispute.raised_at)}, so no decision could be made (DM-1)"
                )


# --------------------------------------------------------------------------- partners


def _partners(now: datetime, keep: Q) -> list[AgencyTimes]:
    """Requests asked in the last 28 days by agency, and what every agency still owes."""
    since = now - timedelta(days=PARTNER_DAYS)
    requests = InformationRequest.objects.filter(keep)
    recent = list(
        requests.filter(requested_at__gte=since, requested_at__lte=now).values_list(
            "agency_id", "requested_at", "first_answered_at", "due_at", "contact__profile"
        )
    )
    owed = {
        row["agency"]: row
        for row in requests.filter(status__in=InformationRequest.OPEN_STATUSES)
        .values("agency")
        .annotate(
            n=Count("id"),
            awaiting=Count("id", filter=Q(status=RequestStatus.AWAITING)),
            overdue=Count("id", filter=Q(due_at__lt=now)),
        )
    }
    agency_ids = {row[0] for row in recent} | set(owed)
    agencies = Agency.objects.filter(pk__in=agency_ids).order_by("name")
    return [
        _agency_times(a, [r for r in recent if r[0] == a.pk], owed.get(a.pk), now) for a in agencies
    ]


def _agency_times(
    agency: Agency, rows: Iterable[tuple[Any, ...]], owed: Any, now: datetime
) -> AgencyTimes:
    rows = list(rows)
    answered = [r for r in rows if r[2] is not None]
    hours = [answer_time(asked, answer, profile) for _, asked, answer, _, profile in answered]
    middle = median(hours)
    due_by_now = [r for r in rows if r[2] is not None or r[3] < now]
    return AgencyTimes(
        name=agency.name,
        asked=len(rows),
        answered=len(answered),
        median_words=format_duration(middle, "working hour") if middle is not None else "",
        due_by_now=len(due_by_now),
        on_time=sum(1 for r in due_by_now if r[2] is not None and r[2] <= r[3]),
        outstanding=owed["n"] if owed else 0,
        awaiting=owed["awaiting"] if owed else 0,
        overdue=owed["overdue"] if owed else 0,
    )


# --------------------------------------------------------------------------- ageing


def working_time_back(now: datetime, span: timedelta, cal: WorkingCalendar) -> datetime:
    """The latest moment from which `span` of office time has passed by `now`: a contact
    received then or earlier is at least `span` old in working time (the inverse of
    `working_time_between` looking back)."""
    local = cal.local(now)
    day, remaining = local.date(), span
    for _ in range(_MAX_DAYS_BACK):
        if cal.is_working_day(day):
            begin, end = cal.opening(day), cal.closing(day)
            if day == local.date():
                end = min(end, local)
            if end > begin:
                if remaining <= end - begin:
                    # Wall-clock arithmetic: office hours never contain a clock change.
                    return (end - remaining).astimezone(UTC).astimezone(cal.tz)
                remaining -= end - begin
        day -= timedelta(days=1)
    raise ValueError(f"no working time of {span} within {_MAX_DAYS_BACK} days before {now}")


def _ageing(now: datetime, contacts: Any) -> list[Row]:
    """Open contacts by working days since received, each on its own profile's calendar:
    two queries (which profiles, then one count per band)."""
    profiles = list(contacts.order_by().values_list("profile", flat=True).distinct())
    bounds = {}
    for name in profiles:
        cal = profile_named(name).calendar
        day = cal.working_day_length
        bounds[name] = {days: working_time_back(now, days * day, cal) for days in (1, 3, 10)}
    counts: dict[str, Any] = {}
    for n, (_, low, high) in enumerate(AGE_BANDS):
        band = Q()
        for name in profiles:
            here = Q(profile=name)
            if low:
                here &= Q(received_at__lte=bounds[name][low])
            if high:
                here &= Q(received_at__gt=bounds[name][high])
            band |= here
        counts[f"band_{n}"] = Count("id", filter=band)
    totals = contacts.order_by().aggregate(**counts) if profiles else {}
    return [Row(label, totals.get(f"band_{n}") or 0) for n, (label, _, _) in enumerate(AGE_BANDS)]
