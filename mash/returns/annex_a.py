"""Ofsted's Annex A: the child-level lists an authority gives inspectors (ILACS), as .xlsx.

The lists, their headers and value formats follow statutory-returns.md §3 (Ofsted's template
as quoted by the D2I extract and the Social Finance sample: VERIFY against the current
template before release). Lists 3 to 7 read the one account of referrals and episodes
(`mash.returns.episodes.children_in`), so Annex A cannot disagree with the CIN census.

Decisions where the template says nothing the product can answer:

- **Age** is the child's age in whole years at the end of the period (an inspection asks
  "as at"); -1 for an unborn child, or one whose date of birth is after the period.
- **Date of birth** of an unborn child is the expected date of birth.
- **Gender** is the person record's: male, female; "other or not stated", not known, and
  every unborn child, "c) Not stated/recorded" (the record cannot say "d) Neither").
- **Ethnicity** not recorded is "t) NOBT" (information not yet obtained).
- **List 2 Early help**: each early help involvement on a child's record that started in the
  period or is open at its end (assessment start = the involvement's start, completion = its
  end, organisation = its team); plus each front-door decision of early help in the period
  (start = the decision day, organisation = the team it was passed to) unless an early help
  involvement for the child started on or after that day, which is the same work.
- **List 5** holds every section 47 enquiry open at any time in the period: started by its
  end, and concluded (its conference, or the day it was known none was needed) on or after
  its start, or not yet. "Deemed unnecessary?" is blank while the enquiry is still open.
- **Counts "in the last 12 months"** are of the child's others in the 12 months before this
  one's date (this one excluded, as D2I's note says).
- Columns the records do not hold are left blank rather than guessed: "Child seen during
  continuous assessment", "Date child was last seen", the statutory visit and review
  conference dates, "Seen alone", "EPO or police protection".

Text typed by the public or staff (team and worker names) is escaped so that Excel never
reads it as a formula (a leading = + - @, tab or carriage return gets an apostrophe).
"""

from __future__ import annotations

import io
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any
from uuid import UUID

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from mash.contacts.models import ContactPerson, Outcome
from mash.people.census import Ethnicity, ethnicity_code_for
from mash.people.models import Involvement, Person
from mash.policy.profiles import active_profile
from mash.returns.episodes import ChildRecord, Episode, Section47, children_in
from mash.returns.referrals import local_date

__all__ = [
    "LISTS",
    "AnnexA",
    "annex_a_export",
    "build_annex_a",
    "escape",
    "years_before",
]

DATE_FORMAT = "dd/mm/yyyy"
CHILD_COLUMNS = ("Child Unique ID", "Gender", "Ethnicity", "Date of Birth", "Age of Child (Years)")
DISABILITY = "Does the Child have a Disability"
TEAM_WORKER = ("Allocated Team", "Allocated Worker")

LISTS: dict[str, tuple[str, ...]] = {
    "List 1 Contacts": (*CHILD_COLUMNS, "Date of Contact", "Contact Source"),
    "List 2 Early help": (
        *CHILD_COLUMNS,
        "Assessment start date",
        "Assessment completion date",
        "Organisation completing assessment",
    ),
    "List 3 Referrals": (
        *CHILD_COLUMNS,
        "Date of Referral",
        "Referral Source",
        "Referral NFA?",
        "Number of Referrals in Last 12 Months",
        *TEAM_WORKER,
    ),
    "List 4 Assessments": (
        *CHILD_COLUMNS,
        DISABILITY,
        "Continuous Assessment Start Date",
        "Child Seen During Continuous Assessment",
        "Continuous Assessment Date of Authorisation",
        "Was the child assessed as requiring LA children's social care support?",
        *TEAM_WORKER,
    ),
    "List 5 S47 enquiries & ICPCs": (
        *CHILD_COLUMNS,
        DISABILITY,
        "Strategy discussion initiating Section 47 Enquiry Start Date",
        "Was an Initial Child Protection Conference deemed unnecessary?",
        "Date of Initial Child Protection Conference",
        "Did the Initial Child Protection Conference Result in a Child Protection Plan",
        "Number of Section 47 Enquiries in the last 12 months",
        "Number of ICPCs in the last 12 months",
        *TEAM_WORKER,
    ),
    "List 6 Children in need": (
        *CHILD_COLUMNS,
        DISABILITY,
        "CIN Start Date",
        "Primary Need Code",
        "Date Child Was Last Seen",
        "CIN Closure Date",
        "Reason for Closure",
        "Case Status",
        *TEAM_WORKER,
    ),
    "List 7 Child protection": (
        *CHILD_COLUMNS,
        "CP Plan Start Date",
        "Initial Category of Abuse",
        "Latest Category of Abuse",
        "Date of the Last Statutory Visit",
        "Was the Child Seen Alone?",
        "Date of latest review conference",
        "CP Plan End Date",
        "Subject to Emergency Protection Order or Protected Under Police Powers in Last Six "
        "Months (Y/N)",
        "Number of Previous Child Protection Plans",
        *TEAM_WORKER,
    ),
}

YES, NO = "a) Yes", "b) No"
# Person.Gender "O" is "Other or not stated": it cannot be told apart from not stated, so
# never "d) Neither".
GENDER = {
    "M": "a) Male",
    "F": "b) Female",
    "U": "c) Not stated/recorded",
    "O": "c) Not stated/recorded",
}
ETHNICITY = {
    code: f"{chr(ord('a') + index)}) {code}" for index, code in enumerate(Ethnicity.values)
}
_SOURCE_WORDS = {
    "1": "Individual",
    "2A": "Schools",
    "2B": "Education services",
    "3": "Health services",
    "4": "Housing",
    "5": "LA services",
    "6": "Police",
    "7": "Other legal agency",
    "8": "Other",
    "9": "Anonymous",
    "10": "Unknown",
}
_SOURCE_LETTERS = (
    ("1A", "a"), ("1B", "b"), ("1C", "c"), ("1D", "d"), ("2A", "e"), ("2B", "f"),
    ("3A", "g"), ("3B", "h"), ("3C", "i"), ("3D", "j"), ("3E", "k"), ("3F", "l"),
    ("4", "m"), ("5A", "n"), ("5B", "o"), ("5C", "p"), ("5D", "p1"), ("6", "q"),
    ("7", "r"), ("8", "s"), ("9", "t"), ("10", "u"),
)  # fmt: skip


def _source_words(code: str) -> str:
    return _SOURCE_WORDS.get(code) or _SOURCE_WORDS.get(code[:1], "")


SOURCE = {code: f"{letter}) {code}: {_source_words(code)}" for code, letter in _SOURCE_LETTERS}
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def escape(value: Any) -> Any:
    """Text Excel would run as a formula, made plain text (CSV/Excel formula injection)."""
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        return "'" + value
    return value


def years_before(day: date, years: int) -> date:
    """The same day `years` earlier (29 February becomes 28 February)."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


# ------------------------------------------------------------------------------ the child


@dataclass(frozen=True)
class _Characteristics:
    child_id: str
    gender: str
    ethnicity: str
    birth: date | None  # date of birth, or expected date of birth when unborn
    born: date | None
    disabilities: tuple[str, ...]

    def columns(self, end: date) -> list[Any]:
        return [self.child_id, self.gender, self.ethnicity, self.birth, self.age(end)]

    def age(self, end: date) -> int | None:
        """Whole years at `end`; -1 unborn (or born after the period); None when not known."""
        if self.born is None:
            return -1 if self.birth is not None else None
        if self.born > end:
            return -1
        return end.year - self.born.year - ((end.month, end.day) < (self.born.month, self.born.day))

    @property
    def disability(self) -> str:
        """a) Yes, b) No (NONE), or blank when not recorded."""
        if not self.disabilities:
            return ""
        return NO if list(self.disabilities) == ["NONE"] else YES


def _characteristics(
    *,
    child_id: str,
    gender: str,
    ethnicity_code: str,
    born: date | None,
    expected: date | None,
    disabilities: Iterable[str] = (),
) -> _Characteristics:
    unborn = born is None and expected is not None
    return _Characteristics(
        child_id=child_id,
        gender=GENDER["U"] if unborn else GENDER.get(gender, GENDER["U"]),
        ethnicity=ETHNICITY.get(ethnicity_code, ETHNICITY["NOBT"]),
        birth=born or expected,
        born=born,
        disabilities=tuple(disabilities or ()),
    )


def _people(ids: Iterable[UUID]) -> dict[UUID, _Characteristics]:
    """The children's characteristics, read once for every list."""
    found = {}
    for row in Person.objects.filter(pk__in=list(set(ids))).values(
        "id",
        "child_id",
        "gender",
        "ethnicity_code",
        "date_of_birth",
        "expected_date_of_birth",
        "disabilities",
    ):
        found[row["id"]] = _characteristics(
            child_id=row["child_id"],
            gender=row["gender"],
            ethnicity_code=row["ethnicity_code"],
            born=row["date_of_birth"],
            expected=row["expected_date_of_birth"],
            disabilities=row["disabilities"] or (),
        )
    return found


def _instant(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


# ------------------------------------------------------------------------------- the lists


@dataclass
class _Lists:
    start: date
    end: date
    people: dict[UUID, _Characteristics]
    rows: dict[str, list[list[Any]]]
    person_ids: set[UUID] = field(default_factory=set)  # whose records the rows hold
    references: set[str] = field(default_factory=set)  # the contacts the rows come from

    def add(self, name: str, row: list[Any], person_id: UUID | None, reference: str = "") -> None:
        """A row of list `name`, noting whose record and which contact it comes from."""
        self.rows[name].append(row)
        if person_id is not None:
            self.person_ids.add(person_id)
        if reference:
            self.references.add(reference)


def _contacts(start: date, end: date) -> list[tuple[Any, ...]]:
    """List 1's raw rows: every child named on a contact received in the period."""
    rows = (
        ContactPerson.objects.filter(
            kind=ContactPerson.Kind.CHILD,
            contact__received_at__gte=_instant(start),
            contact__received_at__lt=_instant(end + timedelta(days=1)),
        )
        .order_by("contact__received_at", "contact__reference", "position")
        .values_list(
            "person_id",
            "person__merged_into_id",
            "contact__reference",
            "contact__received_at",
            "contact__referrer_source",
            "gender",
            "ethnicity",
            "date_of_birth",
        )
    )
    return list(rows)


def _early_help(start: date, end: date) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """List 2's raw rows: early help involvements, and the front door's early help decisions."""
    involvements: list[dict[str, Any]] = [
        dict(row)
        for row in Involvement.objects.filter(
            service=Involvement.Service.EARLY_HELP,
            started_on__lte=end,
            person__merged_into__isnull=True,
        )
        .exclude(started_on__lt=start, ended_on__lte=end)
        .order_by("started_on", "pk")
        .values("person_id", "started_on", "ended_on", "team__name")
    ]
    decisions: list[dict[str, Any]] = []
    seen: set[tuple[UUID, UUID]] = set()
    for row in (
        ContactPerson.objects.filter(
            kind=ContactPerson.Kind.CHILD,
            person__isnull=False,
            person__merged_into__isnull=True,
            contact__decision__outcome=Outcome.EARLY_HELP,
            contact__decision__decided_at__gte=_instant(start),
            contact__decision__decided_at__lt=_instant(end + timedelta(days=1)),
        )
        .order_by("contact__decision__decided_at", "contact__reference")
        .values(
            "person_id",
            "contact_id",
            "contact__reference",
            "contact__decision__decided_at",
            "contact__decision__passed_to__name",
        )
    ):
        if (row["person_id"], row["contact_id"]) not in seen:
            seen.add((row["person_id"], row["contact_id"]))
            decisions.append(dict(row))
    return involvements, decisions


def _last_year(days: Sequence[date], day: date, before: int) -> int:
    """How many of `days[:before]` fall in the 12 months up to `day`."""
    since = years_before(day, 1)
    return sum(1 for other in days[:before] if since <= other <= day)


def _build(start: date, end: date) -> _Lists:
    contacts = _contacts(start, end)
    involvements, decisions = _early_help(start, end)
    # A year more than the period, so the counts of the last 12 months see earlier episodes.
    records = children_in(years_before(start, 1), end)
    ids = [r.child.person_id for r in records]
    ids += [row[1] or row[0] for row in contacts if row[0] is not None]
    ids += [row["person_id"] for row in involvements] + [row["person_id"] for row in decisions]
    lists = _Lists(start, end, _people(ids), {name: [] for name in LISTS})
    _list_1(lists, contacts)
    _list_2(lists, involvements, decisions)
    for record in records:
        _lists_3_to_7(lists, record)
    return lists


def _list_1(lists: _Lists, contacts: list[tuple[Any, ...]]) -> None:
    for person_id, merged_into, reference, received, source, gender, ethnicity, born in contacts:
        kept = merged_into or person_id
        child = lists.people.get(kept) if person_id else None
        if child is None:  # not yet matched to a record: as the referrer described the child
            child = _characteristics(
                child_id="",
                gender=gender,
                ethnicity_code=ethnicity_code_for(ethnicity),
                born=born,
                expected=None,
            )
        row = [*child.columns(lists.end), local_date(received), SOURCE.get(source, source)]
        lists.add("List 1 Contacts", row, kept, reference)


def _list_2(
    lists: _Lists, involvements: list[dict[str, Any]], decisions: list[dict[str, Any]]
) -> None:
    found: list[tuple[date, UUID, list[Any], str]] = []
    started: dict[UUID, list[date]] = defaultdict(list)
    for row in involvements:
        child = lists.people[row["person_id"]]
        ended = row["ended_on"] if row["ended_on"] and row["ended_on"] <= lists.end else None
        started[row["person_id"]].append(row["started_on"])
        found.append(
            (
                row["started_on"],
                row["person_id"],
                [*child.columns(lists.end), row["started_on"], ended, row["team__name"] or ""],
                "",
            )
        )
    for row in decisions:
        day = local_date(row["contact__decision__decided_at"])
        if any(day <= other for other in started[row["person_id"]]):
            continue  # the involvement that followed the decision is the same early help
        child = lists.people[row["person_id"]]
        team = row["contact__decision__passed_to__name"] or ""
        columns = [*child.columns(lists.end), day, None, team]
        found.append((day, row["person_id"], columns, row["contact__reference"]))
    found.sort(key=lambda item: (item[0], lists.people[item[1]].child_id))
    for _day, person_id, columns, reference in found:
        lists.add("List 2 Early help", columns, person_id, reference)


def _in(day: date | None, start: date, end: date) -> bool:
    return day is not None and start <= day <= end


def _lists_3_to_7(lists: _Lists, record: ChildRecord) -> None:
    start, end = lists.start, lists.end
    child = lists.people[record.child.person_id]
    columns = child.columns(end)

    def add(name: str, episode: Episode, row: list[Any]) -> None:
        lists.add(name, row, record.child.person_id, episode.reference)

    referral_days = [e.referral_date for e in record.episodes]
    enquiries = [(s.start, s.icpc) for e in record.episodes for s in e.section47s]
    enquiry_days = [day for day, _icpc in enquiries]
    icpc_days = sorted(
        [icpc for _day, icpc in enquiries if icpc is not None]
        + [e.initial_cpc for e in record.episodes if e.initial_cpc is not None]
    )
    index = 0
    for number, episode in enumerate(record.episodes):
        team = [episode.team, episode.worker]
        if _in(episode.referral_date, start, end):
            add(
                "List 3 Referrals",
                episode,
                [
                    *columns,
                    episode.referral_date,
                    SOURCE.get(episode.source, episode.source),
                    YES if episode.nfa else NO,
                    _last_year(referral_days, episode.referral_date, number),
                    *team,
                ],
            )
        if episode.nfa:
            continue
        closed_before = episode.closure_date is not None and episode.closure_date < start
        for assessment in episode.assessments:
            if assessment.start > end or (assessment.authorised and assessment.authorised < start):
                continue
            if closed_before:  # its assessment was never ended on the record: not this period's
                continue
            add(
                "List 4 Assessments",
                episode,
                [
                    *columns,
                    child.disability,
                    assessment.start,
                    "",
                    assessment.authorised,
                    _support(episode, assessment.start) if assessment.authorised else "",
                    *team,
                ],
            )
        for enquiry in episode.section47s:
            position, index = index, index + 1
            if not _open_during(enquiry, start, end):
                continue
            icpcs_before = sum(
                1 for d in icpc_days if years_before(enquiry.start, 1) <= d < enquiry.start
            )
            add(
                "List 5 S47 enquiries & ICPCs",
                episode,
                [
                    *columns,
                    child.disability,
                    enquiry.start,
                    _conference_unnecessary(enquiry),
                    enquiry.icpc,
                    _plan_followed(episode, enquiry.icpc),
                    _last_year(enquiry_days, enquiry.start, position),
                    icpcs_before,
                    *team,
                ],
            )
        if episode.closure_date is None or episode.closure_date >= start:
            add(
                "List 6 Children in need",
                episode,
                [
                    *columns,
                    child.disability,
                    episode.referral_date,
                    episode.primary_need or "",
                    None,
                    episode.closure_date,
                    episode.closure_reason,
                    _case_status(episode),
                    *team,
                ],
            )
        for plan in episode.protection_plans:
            if plan.start > end or (plan.end is not None and plan.end < start):
                continue
            add(
                "List 7 Child protection",
                episode,
                [
                    *columns,
                    plan.start,
                    plan.initial_category,
                    plan.latest_category,
                    None,
                    "",
                    None,
                    plan.end,
                    "",
                    plan.previous_plans,
                    *team,
                ],
            )


def _open_during(enquiry: Section47, start: date, end: date) -> bool:
    """Open at any time in `start`–`end`: started by its end, and concluded (a conference,
    or the day it was known none was needed) on or after its start, or not yet."""
    if enquiry.icpc is not None:
        concluded: date | None = enquiry.icpc
    elif enquiry.icpc_not_required:
        concluded = enquiry.concluded or enquiry.start
    else:
        concluded = None
    return enquiry.start <= end and (concluded is None or concluded >= start)


def _conference_unnecessary(enquiry: Section47) -> str:
    """Yes when no conference was needed, No when one was held; blank while still open."""
    if enquiry.icpc_not_required:
        return YES
    return NO if enquiry.icpc is not None else ""


def _support(episode: Episode, since: date) -> str:
    """Yes when a child in need or child protection plan followed the assessment."""
    plans = [p.start for p in episode.cin_plans] + [p.start for p in episode.protection_plans]
    return YES if any(day >= since for day in plans) else NO


def _plan_followed(episode: Episode, icpc: date | None) -> str:
    if icpc is None:
        return ""
    return YES if any(p.start == icpc for p in episode.protection_plans) else NO


def _case_status(episode: Episode) -> str:
    """Where the episode is: closed, or its latest open piece of work."""
    if episode.closure_date is not None:
        return "Closed"
    if any(p.end is None for p in episode.protection_plans):
        return "Child protection plan"
    if any(p.end is None for p in episode.cin_plans):
        return "Child in need plan"
    if any(a.authorised is None for a in episode.assessments):
        return "Assessment"
    return "Open"


# ------------------------------------------------------------------------------ the workbook


def build_annex_a(*, start: date, end: date) -> bytes:
    """The Annex A workbook for `start`–`end` (both days included) as .xlsx bytes."""
    return annex_a_export(start=start, end=end).content


@dataclass(frozen=True)
class AnnexA:
    """The workbook and what the audit trail records of it (ADR 0010): how many rows each
    list has, whose records it holds and the contacts they come from."""

    content: bytes
    counts: dict[str, int]
    person_ids: list[str]
    references: list[str]

    def audit_data(self, start: date, end: date) -> dict[str, Any]:
        """The `returns.annex_a_exported` event's data, the same from the page and command."""
        return {
            "start": start.isoformat(),
            "end": end.isoformat(),
            "rows": self.counts,
            "person_ids": self.person_ids,
            "contacts": self.references,
        }


def annex_a_export(*, start: date, end: date) -> AnnexA:
    """The workbook for `start`–`end` and what the audit trail records of it."""
    lists = _build(start, end)
    book = Workbook()
    book.remove(book.worksheets[0])
    _cover(book.create_sheet("Cover"), lists)
    for name, headers in LISTS.items():
        _sheet(book.create_sheet(name), headers, lists.rows[name])
    out = io.BytesIO()
    book.save(out)
    return AnnexA(
        content=out.getvalue(),
        counts={name: len(rows) for name, rows in lists.rows.items()},
        person_ids=sorted(str(person_id) for person_id in lists.person_ids),
        references=sorted(lists.references),
    )


def _cover(sheet: Worksheet, lists: _Lists) -> None:
    generated = timezone.localtime()
    sheet.append(["Ofsted Annex A: children's social care data lists"])
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.append([])
    for label, value in (
        ("Local authority", escape(active_profile().authority)),
        ("Period from", lists.start),
        ("Period to", lists.end),
        ("Generated", generated.replace(tzinfo=None)),
    ):
        sheet.append([label, value])
    sheet["B4"].number_format = sheet["B5"].number_format = DATE_FORMAT
    sheet["B6"].number_format = "dd/mm/yyyy hh:mm"
    sheet.append([])
    sheet.append(["List", "Rows"])
    for name in LISTS:
        sheet.append([name, len(lists.rows[name])])
    sheet.append([])
    sheet.append(
        [
            "Ages are whole years at the end of the period (-1 unborn). Counts in the last 12 "
            "months exclude the row's own referral, enquiry or conference. Columns the case "
            "record does not hold are left blank."
        ]
    )
    sheet.column_dimensions["A"].width = 40
    sheet.column_dimensions["B"].width = 24


def _sheet(sheet: Worksheet, headers: tuple[str, ...], rows: list[list[Any]]) -> None:
    sheet.append(list(headers))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for row in rows:
        sheet.append([None if value == "" else escape(value) for value in row])
    for column in sheet.iter_cols(min_row=2):
        for cell in column:
            if isinstance(cell.value, date):
                cell.number_format = DATE_FORMAT
    for number, header in enumerate(headers, start=1):
        sheet.column_dimensions[get_column_letter(number)].width = max(12, min(40, len(header)))
    sheet.freeze_panes = "A2"
