"""The figures of the performance report (issue 8 §2, DM-2), for a period of whole days.

The period is a run of calendar days in England (Europe/London), both ends included: from
00:00 on the first day to midnight at the end of the last, so a contact at 23:30 on the last
day counts, and the clocks changing (BST/GMT) moves nothing. The default period is the
fortnight ending yesterday: the 14 whole days before today.

What each figure counts:

- **Contacts** are those received in the period, by referrer source (CIN census N00152), by
  channel (IN-2) and by the manager's decision (OU-1). A contact routed on arrival to the team
  that already knows the child (IN-6, SC-7, TS-10) has no MASH decision: passing it on is the
  decision on the type of response (TS-1). It is "passed on at the front door" while it waits
  for the team's receipt and once the team has confirmed it (status passed on or closed, no
  decision: the workflow reaches closed without a decision only that way). Any other contact
  without a decision is "not yet decided", as one sent back to the MASH (returned) is.
- **Referrals** are the contacts received in the period that `mash.returns.referrals` counts
  as referrals (the one definition, ADR 0020), so a referral is dated the day it arrived.
  They are counted per contact (one contact about two children is one referral); the number
  of different children is given beside it.
- **Timeliness** covers every clock (TS-1 to TS-8) *due* in the period: met on time (at or
  before its due time), met late (even a minute), still open past its due time, or open and
  not yet due. The on-time share is of the clocks whose result is known: met, or already past
  due (an open clock past its due time can no longer be on time).
- **Re-referrals** (the DfE's measure): referrals in the period about a child who had another
  referral in the 12 months before, i.e. on or after the same date a year earlier.
- **Repeat concerns**: contacts in the period about a child who had any other contact in the
  12 months before it.
- **Outcomes by threshold level**: the contacts received in the period by screening level
  (SC-2) and decision (OU-1).
- **Partner response times**: the information requests (MA-2) asked in the period, by agency:
  working hours from asked to first answered (office hours of the request's contact's own
  profile, as TS-2 and TS-3 count them), the median (the middle one, or the mean of the middle
  two) and the 90th percentile (nearest rank), as `mash.reports.measures` defines them for the
  daily overview too, and the share answered by the deadline of those whose deadline has
  passed or that were answered.

Every count is made by the database; the number of queries does not grow with the number of
contacts. Two things are finished in Python from one query each, over the rows of the period
only: the 12-month look-back (calendar months, which SQLite and PostgreSQL do differently)
and the working-hours percentiles (the office calendar with bank holidays is not in the
database).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any, ClassVar
from zoneinfo import ZoneInfo

from django.db.models import (
    Case,
    CharField,
    Count,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.utils import timezone

from mash.contacts.models import Clock, Contact, ContactPerson, ContactStatus, Outcome
from mash.policy.profiles import Profile, active_profile
from mash.reports.measures import (
    MEDIAN_WORDS,
    PERCENTILE_WORDS,
    answer_time,
    median,
    nearest_rank,
)
from mash.returns.referrals import local_date, referral_contacts
from mash.sharing.models import InformationRequest
from mash.workdays.clocks import describe_duration

LONDON = ZoneInfo("Europe/London")
LONGEST_PERIOD_DAYS = 400
DEFAULT_PERIOD_DAYS = 14
CLOCK_RULES = ("TS-1", "TS-2", "TS-3", "TS-4", "TS-5", "TS-6", "TS-7", "TS-8")
NOT_YET_DECIDED = "Not yet decided"
NOT_YET_SCREENED = "Not yet screened"
PASSED_ON_WORDS = "Passed on at the front door (no MASH decision)"
PASSED_ON_ROW = "Passed on at the front door (not screened by the MASH)"
PASSED_ON = "PASSED_ON"  # the code of its row and column, as the dip samples' filter

# RULES.md §2's words, for a clock the profile in force does not run.
RULE_WORDS = {
    "TS-1": "Decision on the type of response",
    "TS-2": "Partner-agency checks (RED)",
    "TS-3": "Partner-agency checks (AMBER)",
    "TS-4": "Written confirmation of a telephone referral",
    "TS-5": "Acknowledgement to the referrer",
    "TS-6": "Domestic-abuse contact reviewed",
    "TS-7": "MADA meeting after a high-risk domestic-abuse notification",
    "TS-8": "Dispute about a MASH recommendation resolved",
}


# --------------------------------------------------------------------------- the period


def default_period(today: date | None = None) -> tuple[date, date]:
    """The fortnight ending yesterday: 14 whole days, neither of them today."""
    today = today or timezone.localdate()
    return today - timedelta(days=DEFAULT_PERIOD_DAYS), today - timedelta(days=1)


def period_bounds(start: date, end: date) -> tuple[datetime, datetime]:
    """The instants the period runs between: 00:00 on `start` to 00:00 after `end` (London)."""
    return (
        datetime.combine(start, time(0), tzinfo=LONDON),
        datetime.combine(end + timedelta(days=1), time(0), tzinfo=LONDON),
    )


def months_before(day: date, months: int) -> date:
    """The same date `months` calendar months earlier (31 March less one month: 28/29 Feb)."""
    index = day.year * 12 + day.month - 1 - months
    year, month = divmod(index, 12)
    month += 1
    for last in (31, 30, 29, 28):
        try:
            return date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise AssertionError("unreachable")  # pragma: no cover


def share(part: int, whole: int) -> float | None:
    """`part` as a percentage of `whole`, one decimal; None when there is nothing to divide."""
    return round(100 * part / whole, 1) if whole else None


# --------------------------------------------------------------------------- the figures


@dataclass(frozen=True)
class Row:
    """A line of a breakdown: its code, its words and its count."""

    code: str
    label: str
    count: int


@dataclass(frozen=True)
class Conversion:
    """Contacts → referrals → s17 / s47 (per contact), with the children they were about."""

    contacts: int
    referrals: int
    referrals_nfa: int
    s17: int
    s47: int
    children_in_contacts: int
    children_in_referrals: int

    @property
    def referral_rate(self) -> float | None:
        return share(self.referrals, self.contacts)

    @property
    def s17_rate(self) -> float | None:
        """Of the referrals, the share that led to a child in need assessment."""
        return share(self.s17, self.referrals)

    @property
    def s47_rate(self) -> float | None:
        return share(self.s47, self.referrals)

    @property
    def nfa_rate(self) -> float | None:
        return share(self.referrals_nfa, self.referrals)


@dataclass(frozen=True)
class ClockFigures:
    """One timescale's clocks due in the period."""

    rule_id: str
    label: str
    duration: str  # "1 working day"; "" when the profile does not run this clock
    on_time: int
    late: int
    overdue: int
    not_yet_due: int

    @property
    def total(self) -> int:
        return self.on_time + self.late + self.overdue + self.not_yet_due

    @property
    def with_result(self) -> int:
        return self.on_time + self.late + self.overdue

    @property
    def on_time_rate(self) -> float | None:
        return share(self.on_time, self.with_result)

    @property
    def words(self) -> str:
        return f"{self.label}: {self.duration}" if self.duration else self.label


@dataclass(frozen=True)
class LookBack:
    """How many of `total` had an earlier one in the 12 months before (re-referral, repeat)."""

    total: int
    repeated: int

    @property
    def rate(self) -> float | None:
        return share(self.repeated, self.total)


@dataclass(frozen=True)
class ThresholdRow:
    code: str
    label: str
    counts: tuple[int, ...]  # one per `PerformanceReport.outcome_columns`

    @property
    def total(self) -> int:
        return sum(self.counts)


@dataclass(frozen=True)
class AgencyResponse:
    """One partner agency's answers to the requests asked in the period (MA-2)."""

    agency: str
    asked: int
    answered: int
    median_hours: float | None
    p90_hours: float | None
    by_deadline: int
    deadline_passed_or_answered: int

    @property
    def by_deadline_rate(self) -> float | None:
        return share(self.by_deadline, self.deadline_passed_or_answered)


@dataclass(frozen=True)
class PerformanceReport:
    start: date
    end: date
    made_at: datetime
    by_source: tuple[Row, ...]
    by_channel: tuple[Row, ...]
    by_outcome: tuple[Row, ...]
    conversion: Conversion
    clocks: tuple[ClockFigures, ...]
    re_referrals: LookBack
    repeat_concerns: LookBack
    outcome_columns: tuple[str, ...]
    by_threshold: tuple[ThresholdRow, ...]
    partners: tuple[AgencyResponse, ...]
    profile_name: str = field(default="")
    median_words: ClassVar[str] = MEDIAN_WORDS
    percentile_words: ClassVar[str] = PERCENTILE_WORDS

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1


# --------------------------------------------------------------------------- building it


def build_report(*, start: date, end: date, now: datetime | None = None) -> PerformanceReport:
    """Every figure of the performance report for `start` … `end` (days, both included)."""
    now = now or timezone.now()
    profile = active_profile()
    begin, finish = period_bounds(start, end)
    contacts = Contact.objects.filter(received_at__gte=begin, received_at__lt=finish)
    outcome_labels = _outcome_labels(profile)
    return PerformanceReport(
        start=start,
        end=end,
        made_at=now,
        by_source=_by_source(contacts),
        by_channel=_by_channel(contacts),
        by_outcome=_by_outcome(contacts, outcome_labels),
        conversion=_conversion(contacts),
        clocks=_clocks(begin, finish, now, profile),
        re_referrals=_look_back(referral_contacts(contacts), referral_contacts()),
        repeat_concerns=_look_back(contacts, Contact.objects.all()),
        outcome_columns=(*outcome_labels.values(), PASSED_ON_WORDS, NOT_YET_DECIDED),
        by_threshold=_by_threshold(contacts, profile, tuple(outcome_labels)),
        partners=_partners(begin, finish, now),
        profile_name=profile.authority,
    )


def _outcome_labels(profile: Profile) -> dict[str, str]:
    """OU-1's outcomes in their order, in the profile's words."""
    labels = {}
    for code in Outcome:
        try:
            labels[code.value] = profile.outcome(code.value).label
        except LookupError:
            labels[code.value] = code.label
    return labels


def _by_source(contacts: QuerySet[Contact]) -> tuple[Row, ...]:
    words = dict(Contact.ReferrerSource.choices)
    counted = contacts.values("referrer_source").annotate(n=Count("pk"))
    rows = [
        Row(c["referrer_source"], words.get(c["referrer_source"], "?"), c["n"]) for c in counted
    ]
    return tuple(sorted(rows, key=lambda r: (-r.count, _census_order(r.code))))


def _census_order(code: str) -> tuple[int, str]:
    digits = "".join(ch for ch in code if ch.isdigit())
    return int(digits or 0), code


def _by_channel(contacts: QuerySet[Contact]) -> tuple[Row, ...]:
    counted = dict(contacts.values_list("channel").annotate(n=Count("pk")))
    return tuple(Row(code, label, counted.get(code, 0)) for code, label in Contact.Channel.choices)


def _route() -> Case:
    """The manager's decision (OU-1), else PASSED_ON for a contact passed on at the front
    door (see the module docstring), else None: not yet decided."""
    return Case(
        When(decision__isnull=False, then=F("decision__outcome")),
        When(
            status__in=[ContactStatus.PASSED_ON, ContactStatus.CLOSED],
            then=Value(PASSED_ON),
        ),
        default=Value(None),
        output_field=CharField(),
    )


def _by_outcome(contacts: QuerySet[Contact], labels: dict[str, str]) -> tuple[Row, ...]:
    counted = dict(
        contacts.annotate(route=_route()).values_list("route").annotate(n=Count("pk")).order_by()
    )
    rows = [Row(code, label, counted.get(code, 0)) for code, label in labels.items()]
    return (
        *rows,
        Row(PASSED_ON, PASSED_ON_WORDS, counted.get(PASSED_ON, 0)),
        Row("", NOT_YET_DECIDED, counted.get(None, 0)),
    )


def _children(contacts: QuerySet[Contact]) -> int:
    """Different children on these contacts: each matched person once, and each child not yet
    matched to a record (history check not done) as one more."""
    people = ContactPerson.objects.filter(contact__in=contacts, kind=ContactPerson.Kind.CHILD)
    counted = people.aggregate(
        matched=Count("person", distinct=True), unmatched=Count("pk", filter=Q(person=None))
    )
    return int(counted["matched"]) + int(counted["unmatched"])


def _conversion(contacts: QuerySet[Contact]) -> Conversion:
    referrals = referral_contacts(contacts)
    counted = referrals.aggregate(
        n=Count("pk"),
        s17=Count("pk", filter=Q(decision__outcome=Outcome.S17)),
        s47=Count("pk", filter=Q(decision__outcome=Outcome.S47)),
    )
    return Conversion(
        contacts=contacts.count(),
        referrals=counted["n"],
        referrals_nfa=counted["n"] - counted["s17"] - counted["s47"],
        s17=counted["s17"],
        s47=counted["s47"],
        children_in_contacts=_children(contacts),
        children_in_referrals=_children(referrals),
    )


def _clocks(
    begin: datetime, finish: datetime, now: datetime, profile: Profile
) -> tuple[ClockFigures, ...]:
    due = Clock.objects.filter(rule_id__in=CLOCK_RULES, due_at__gte=begin, due_at__lt=finish)
    counted = {
        c["rule_id"]: c
        for c in due.values("rule_id").annotate(
            on_time=Count("pk", filter=Q(met_at__lte=F("due_at"))),
            late=Count("pk", filter=Q(met_at__gt=F("due_at"))),
            overdue=Count("pk", filter=Q(met_at=None, due_at__lt=now)),
            not_yet_due=Count("pk", filter=Q(met_at=None, due_at__gte=now)),
        )
    }
    out = []
    for rule_id in CLOCK_RULES:
        rule = profile.clock(rule_id)
        c: Mapping[str, Any] = counted.get(rule_id, {})
        out.append(
            ClockFigures(
                rule_id=rule_id,
                label=rule.label if rule else RULE_WORDS[rule_id],
                duration=describe_duration(rule) if rule else "",
                on_time=c.get("on_time", 0),
                late=c.get("late", 0),
                overdue=c.get("overdue", 0),
                not_yet_due=c.get("not_yet_due", 0),
            )
        )
    return tuple(out)


def _look_back(these: QuerySet[Contact], earlier: QuerySet[Contact]) -> LookBack:
    """Of `these`, how many are about a child who is also on one of `earlier` received before
    it, on or after the same date 12 months before (by the day it arrived, in England)."""
    outer_children = ContactPerson.objects.filter(
        contact=OuterRef(OuterRef("pk")), kind=ContactPerson.Kind.CHILD, person__isnull=False
    ).values("person")
    previous = (
        earlier.filter(
            people__kind=ContactPerson.Kind.CHILD,
            people__person__in=outer_children,
            received_at__lt=OuterRef("received_at"),
        )
        .order_by("-received_at")
        .values("received_at")[:1]
    )
    pairs = these.annotate(previous=Subquery(previous)).values_list("received_at", "previous")
    total = repeated = 0
    for received, before in pairs:
        total += 1
        if before is not None and local_date(before) >= months_before(local_date(received), 12):
            repeated += 1
    return LookBack(total=total, repeated=repeated)


def _by_threshold(
    contacts: QuerySet[Contact], profile: Profile, outcomes: Sequence[str]
) -> tuple[ThresholdRow, ...]:
    counted = (
        contacts.annotate(route=_route())
        .values("screening__threshold_level", "screening__threshold_level_label", "route")
        .annotate(n=Count("pk"))
        .order_by()
    )
    columns = [*outcomes, PASSED_ON, None]
    cells: dict[str | None, Counter[str | None]] = defaultdict(Counter)
    seen_labels: dict[str, str] = {}
    for c in counted:
        level = c["screening__threshold_level"]
        if level is None and c["route"] == PASSED_ON:
            level = PASSED_ON  # routed on arrival: never screened by the MASH
        cells[level][c["route"]] += c["n"]
        if level not in (None, PASSED_ON):
            seen_labels.setdefault(level, c["screening__threshold_level_label"])
    levels = [(lvl.code, lvl.label) for lvl in profile.threshold_model.levels]
    known = {code for code, _ in levels}
    levels += sorted((code, label) for code, label in seen_labels.items() if code not in known)
    rows = [
        ThresholdRow(code, label, tuple(cells[code][o] for o in columns)) for code, label in levels
    ]
    rows.append(ThresholdRow(PASSED_ON, PASSED_ON_ROW, tuple(cells[PASSED_ON][o] for o in columns)))
    rows.append(ThresholdRow("", NOT_YET_SCREENED, tuple(cells[None][o] for o in columns)))
    return tuple(rows)


def _hours(span: timedelta) -> float:
    return span.total_seconds() / 3600


def _partners(begin: datetime, finish: datetime, now: datetime) -> tuple[AgencyResponse, ...]:
    asked = InformationRequest.objects.filter(requested_at__gte=begin, requested_at__lt=finish)
    rows = asked.values_list(
        "agency__name", "requested_at", "first_answered_at", "due_at", "contact__profile"
    )
    by_agency: dict[str, list[tuple[datetime, datetime | None, datetime, str]]] = defaultdict(list)
    for name, requested, answered, due, contact_profile in rows:
        by_agency[name].append((requested, answered, due, contact_profile))
    return tuple(_agency(name, requests, now) for name, requests in sorted(by_agency.items()))


def _agency(
    name: str,
    requests: Iterable[tuple[datetime, datetime | None, datetime, str]],
    now: datetime,
) -> AgencyResponse:
    requests = list(requests)
    times = [
        _hours(answer_time(asked, answered, contact_profile))
        for asked, answered, _, contact_profile in requests
        if answered is not None
    ]
    judged = [(a, d) for _, a, d, _ in requests if a is not None or d < now]
    middle, p90 = median(times), nearest_rank(times, 90)
    return AgencyResponse(
        agency=name,
        asked=len(requests),
        answered=len(times),
        median_hours=None if middle is None else round(middle, 1),
        p90_hours=None if p90 is None else round(p90, 1),
        by_deadline=sum(1 for a, d in judged if a is not None and a <= d),
        deadline_passed_or_answered=len(judged),
    )
