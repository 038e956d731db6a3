"""Records that would fail the returns, found all year so staff can fix them (issue 8 §6).

Each check anticipates a DfE CIN census rule (statutory-returns.md Appendix A) or one of the
product's own rules, says in plain words what is wrong and how to fix it, and lists the
records. The children are read once through the returns' own account
(`mash.returns.episodes.children_in`) for the census year so far, 1 April to today, so what
this page lists is what the census would say; a person's dates of birth and the open clocks
are read straight from their tables. Each part is a fixed number of queries, whatever the
number of children.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from uuid import UUID

from django.db.models import Q
from django.utils import timezone

from mash.contacts.models import Clock, Contact
from mash.matching.identifiers import upn_check_letter
from mash.people.models import Person
from mash.returns.codes import census_year_of, of_school_age
from mash.returns.episodes import ChildRecord, Episode, add_census_working_days, children_in

__all__ = ["CHECKS", "Check", "Finding", "census_year_start", "findings"]

ASSESSMENT_WORKING_DAYS = 45  # Working Together 2023; rule 8670Q
ICPC_WORKING_DAYS = 15  # rule 8675Q
OPEN_CONTACT = ~Q(status__in=[Contact.Status.DECIDED, Contact.Status.CLOSED])


@dataclass(frozen=True)
class Check:
    """One check: its id (for the filter), the rule it anticipates and what to do."""

    id: str
    rule: str
    title: str
    wrong: str
    fix: str


@dataclass(frozen=True)
class Finding:
    """A record one check found: the child, or the contact, and what is wrong with it."""

    check: str
    detail: str
    person_id: UUID | None = None
    child_id: str = ""
    name: str = ""
    contact_id: UUID | None = None
    reference: str = ""


CHECKS: tuple[Check, ...] = (
    Check(
        "upn-missing",
        "8770Q",
        "School-age child with no UPN and no reason",
        "The child is of school age but has no unique pupil number, and no reason is "
        "recorded (or the reason is UN1, which is only for children not yet of school age).",
        "Ask the child's school for the UPN and enter it in the census details; if there "
        "is none, choose the reason.",
    ),
    Check(
        "upn-check-letter",
        "1510",
        "UPN check letter wrong",
        "The first letter of the unique pupil number does not match the 12 characters after "
        "it, so one of them was typed wrongly.",
        "Check the UPN with the child's school and correct it in the census details.",
    ),
    Check(
        "upn-malformed",
        "1540, 1550",
        "UPN not in the right form",
        "A unique pupil number is 13 characters: a letter, 11 digits, then a digit or a "
        "letter (not I, O or S).",
        "Check the UPN with the child's school and correct it in the census details.",
    ),
    Check(
        "ethnicity-unknown",
        "4220",
        "Ethnicity not known for a referred child",
        "The child was referred but their ethnicity is not recorded, or is recorded as "
        "'information not yet obtained'.",
        "Ask the family or the allocated worker and record the ethnicity in the census "
        "details ('Refused' if the family declined to say).",
    ),
    Check(
        "disability-missing",
        "8540",
        "Disability not recorded",
        "The child's referral led to further action, but whether the child has a disability "
        "is not recorded.",
        "Record the child's disabilities in the census details, or 'No disability'.",
    ),
    Check(
        "disability-none-and-others",
        "8790",
        "Both no disability and a disability recorded",
        "The record says both that the child has no disability and that they have one.",
        "Correct the disabilities in the census details.",
    ),
    Check(
        "no-primary-need",
        "8610",
        "No typed concerns on a referral that led to action",
        "The referral led to further action but none of its typed kinds of concern gives a "
        "primary need, so the census would say N0 (not stated) and the assessment no factors.",
        "Open the contact and record the kinds of concern it describes.",
    ),
    Check(
        "assessment-overdue",
        "8670Q",
        "Assessment open more than 45 working days",
        "The child and family assessment started more than 45 working days ago and its end "
        "(authorisation) is not recorded.",
        "Record the assessment's end on the child's record, or the reason it is taking longer.",
    ),
    Check(
        "s47-no-conference",
        "8675Q",
        "Section 47 enquiry with no conference after 15 working days",
        "The section 47 enquiry started more than 15 working days ago, and neither an "
        "initial child protection conference nor a decision that none is needed is recorded.",
        "Record the child protection plan the conference started, or the child in need plan "
        "or closure if no conference was needed.",
    ),
    Check(
        "factors-missing",
        "8897Q",
        "Completed assessment with no factors",
        "The assessment is complete but the referral's typed kinds of concern give no "
        "factors identified at assessment.",
        "Open the contact and record the kinds of concern the assessment found.",
    ),
    Check(
        "census-correction",
        "2990, 4001",
        "The census had to put the record right",
        "What children's services recorded cannot go into the census as it is (a case closed "
        "'after assessment' although an enquiry or plan followed, a child in need plan still "
        "open when a child protection plan started), so the census reports it corrected.",
        "Open the child's record and correct the reason for closure or the plan's dates, as "
        "the detail says.",
    ),
    Check(
        "clock-overdue",
        "TS-1 to TS-9",
        "Open contact past its deadline",
        "The contact is still open and a clock on it (the decision, MASH checks, written "
        "confirmation, a pathway's review or task) has passed its due time without being met.",
        "Open the contact and take the step that is due, or record why it was met another way.",
    ),
    Check(
        "birth-date",
        "8520, 8525Q",
        "Date of birth in the future, or both dates of birth",
        "The person's date of birth is after today, or the record has both a date of birth "
        "and an expected date of birth, or a referred child has neither.",
        "Correct the date of birth; once a baby is born, record the date of birth and clear "
        "the expected date of birth in the census details.",
    ),
)
CHECK_IDS = frozenset(check.id for check in CHECKS)


def census_year_start(today: date) -> date:
    """1 April of the census year `today` is in (the census runs April to March)."""
    return date(today.year if today.month >= 4 else today.year - 1, 4, 1)


def age_on(born: date, day: date) -> int:
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def findings(*, today: date | None = None) -> list[Finding]:
    """Every record that fails a check, in the order of `CHECKS`."""
    today = today or timezone.localdate()
    records = children_in(census_year_start(today), today)
    found = [*_child_checks(records, today), *_birth_dates(records, today), *_clocks()]
    order = {check.id: number for number, check in enumerate(CHECKS)}
    return sorted(found, key=lambda f: (order[f.check], f.child_id or f.reference))


def _found(check: str, detail: str, record: ChildRecord, episode: Episode | None = None) -> Finding:
    child = record.child
    return Finding(
        check,
        detail,
        person_id=child.person_id,
        child_id=child.child_id,
        name=child.name,
        contact_id=episode.contact_id if episode else None,
        reference=episode.reference if episode else "",
    )


def _upn_problem(upn: str) -> str | None:
    """'malformed', 'check-letter' or None for a UPN as typed."""
    value = upn.strip().upper()
    if upn_check_letter(value[1:]) is None or len(value) != 13 or not value[0].isalpha():
        return "malformed"
    return None if upn_check_letter(value[1:]) == value[0] else "check-letter"


def _child_checks(records: list[ChildRecord], today: date) -> Iterator[Finding]:
    for record in records:
        child = record.child
        acted = [e for e in record.episodes if not e.nfa]
        if child.upn:
            problem = _upn_problem(child.upn)
            if problem:
                yield _found(f"upn-{problem}", f"UPN {child.upn}", record)
        elif child.upn_unknown in ("", "UN1") and of_school_age(
            child.date_of_birth, census_year_of(today)
        ):
            age = age_on(child.date_of_birth, today) if child.date_of_birth else 0
            reason = "reason UN1" if child.upn_unknown else "no reason"
            yield _found("upn-missing", f"Aged {age}, {reason}", record)
        if child.ethnicity_code in ("", "NOBT"):
            words = "Not yet obtained" if child.ethnicity_code else "Not recorded"
            yield _found("ethnicity-unknown", words, record)
        if acted and child.date_of_birth and not child.disabilities:
            yield _found("disability-missing", "Not recorded", record)
        if "NONE" in child.disabilities and len(child.disabilities) > 1:
            yield _found(
                "disability-none-and-others",
                ", ".join(child.disabilities),
                record,
            )
        yield from _episode_checks(record, acted, today)


def _episode_checks(record: ChildRecord, acted: list[Episode], today: date) -> Iterator[Finding]:
    for episode in acted:
        if episode.primary_need == "N0":
            yield _found("no-primary-need", "Primary need N0 (not stated)", record, episode)
        for rule, what in episode.corrections:
            yield _found("census-correction", f"{what} (rule {rule})", record, episode)
        for assessment in episode.assessments:
            due = add_census_working_days(assessment.start, ASSESSMENT_WORKING_DAYS)
            if assessment.authorised is None and due < today:
                detail = f"Started {assessment.start:%d/%m/%Y}, 45 working days on {due:%d/%m/%Y}"
                yield _found("assessment-overdue", detail, record, episode)
            if assessment.authorised is not None and not assessment.factors:
                detail = f"Completed {assessment.authorised:%d/%m/%Y}"
                yield _found("factors-missing", detail, record, episode)
        for enquiry in episode.section47s:
            if (
                enquiry.icpc is None
                and not enquiry.icpc_not_required
                and enquiry.icpc_target < today
            ):
                detail = (
                    f"Started {enquiry.start:%d/%m/%Y}, "
                    f"conference due {enquiry.icpc_target:%d/%m/%Y}"
                )
                yield _found("s47-no-conference", detail, record, episode)


def _birth_dates(records: list[ChildRecord], today: date) -> Iterator[Finding]:
    """Dates of birth after today or alongside an expected one (any child's record); neither
    on a referred child's."""
    flagged: set[UUID] = set()
    for row in (
        Person.objects.filter(is_child=True, merged_into__isnull=True)
        .filter(
            Q(date_of_birth__gt=today)
            | Q(date_of_birth__isnull=False, expected_date_of_birth__isnull=False)
        )
        .order_by("child_id")
        .values("id", "child_id", "given_names", "family_name", "date_of_birth")
    ):
        future = row["date_of_birth"] is not None and row["date_of_birth"] > today
        flagged.add(row["id"])
        yield Finding(
            "birth-date",
            "Date of birth after today" if future else "Both a date of birth and an expected one",
            person_id=row["id"],
            child_id=row["child_id"],
            name=f"{row['given_names']} {row['family_name']}".strip() or "Name not given",
        )
    for record in records:
        child = record.child
        if child.person_id not in flagged and not (
            child.date_of_birth or child.expected_date_of_birth
        ):
            yield _found("birth-date", "Neither date of birth recorded", record)


def _clocks() -> Iterator[Finding]:
    now = timezone.now()
    for clock in (
        Clock.objects.filter(met_at__isnull=True, due_at__lt=now)
        .filter(contact__in=Contact.objects.filter(OPEN_CONTACT))
        .select_related("contact")
        .order_by("due_at")
    ):
        yield Finding(
            "clock-overdue",
            f"{clock.rule_id} {clock.label}: due {timezone.localtime(clock.due_at):%d/%m/%Y %H:%M}",
            contact_id=clock.contact_id,
            reference=clock.contact.reference,
        )
