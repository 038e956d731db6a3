"""Changing a child's record: the census details the returns read (issue 8 §6).

The data quality page (`mash.returns.quality`) asks staff to fix a child's ethnicity,
disabilities, unique pupil number and expected date of birth; this is where they do it, with
the DfE's own rules explained in plain English and every change audited.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from mash.accounts.models import Membership, Role
from mash.audit import services as audit
from mash.core.errors import ApplicationError, InvalidInput
from mash.core.rules import require
from mash.matching.identifiers import clean, upn_check_letter
from mash.people.census import Disability, Ethnicity, UpnUnknown
from mash.people.models import Person

__all__ = ["CensusDetails", "can_change_census_details", "change_census_details", "upn_problem"]

_CHANGERS = tuple(role for role in Membership.MASH_STAFF_ROLES if role != Role.AUDITOR)
# An expected date of birth is in the future when it is recorded, at most a pregnancy away;
# a baby may come up to 2 weeks late (42 weeks), so a date further past than that is a birth.
PREGNANCY = timedelta(weeks=40)
OVERDUE = timedelta(weeks=2)
_FIELDS = ("ethnicity_code", "disabilities", "upn", "upn_unknown", "expected_date_of_birth")


@dataclass(frozen=True)
class CensusDetails:
    """What the census says about the child beyond name and date of birth."""

    ethnicity_code: str = ""
    disabilities: tuple[str, ...] = field(default_factory=tuple)
    upn: str = ""
    upn_unknown: str = ""
    expected_date_of_birth: date | None = None


def can_change_census_details(user: Any) -> bool:
    """MASH staff, who fix the records the data quality page lists; the auditor only reads."""
    return bool(getattr(user, "is_authenticated", False)) and user.has_role(*_CHANGERS)


def upn_problem(upn: str) -> str | None:
    """What is wrong with a unique pupil number as typed, in plain English; None if nothing."""
    if len(upn) != 13 or upn_check_letter(upn[1:]) is None or not upn[0].isalpha():
        return (
            "Enter a unique pupil number in the right form: 13 characters, a letter, then 11 "
            "numbers, then a number or a letter (rules 1540, 1550)"
        )
    if upn_check_letter(upn[1:]) != upn[0]:
        return (
            "The first letter of the unique pupil number does not match the rest of it, so "
            "part of it was typed wrongly: check it with the child's school (rule 1510)"
        )
    return None


def _problems(person: Person, details: CensusDetails) -> list[ApplicationError]:
    problems = []

    def problem(message: str, name: str, *rules: str) -> None:
        problems.append(ApplicationError(message, field=name, rule_ids=rules))

    if details.ethnicity_code not in ("", *Ethnicity.values):
        problem("Choose the child's ethnicity from the list", "ethnicity_code", "4220")
    codes = list(details.disabilities)
    if any(code not in Disability.values for code in codes) or len(set(codes)) != len(codes):
        problem("Choose the child's disabilities from the list", "disabilities", "8540")
    elif Disability.NONE in codes and len(codes) > 1:
        problem(
            "Choose 'No disability' or the disabilities the child has, not both (rule 8790)",
            "disabilities",
            "8790",
        )
    if details.upn_unknown not in ("", *UpnUnknown.values):
        problem("Choose why there is no unique pupil number from the list", "upn_unknown")
    if details.upn:
        message = upn_problem(details.upn)
        if message:
            problem(message, "upn", "1510")
        if details.upn_unknown:
            problem(
                "Leave 'why there is no unique pupil number' empty when you enter the number",
                "upn_unknown",
            )
    expected = details.expected_date_of_birth
    if expected and expected != person.expected_date_of_birth:
        today = timezone.localdate()
        if expected > today + PREGNANCY:
            problem(
                "The expected date of birth must be no more than 40 weeks from today, "
                f"{today + PREGNANCY:%-d %B %Y} (a pregnancy lasts about 40 weeks; rule 8606)",
                "expected_date_of_birth",
                "8606",
            )
        elif expected < today - OVERDUE:
            problem(
                "The expected date of birth must be no more than 2 weeks ago: a baby is born "
                "by then, so record the date of birth instead",
                "expected_date_of_birth",
            )
    if details.expected_date_of_birth and person.date_of_birth:
        problem(
            "An expected date of birth is only for an unborn child: this child's date of birth "
            "is recorded (rule 8525Q)",
            "expected_date_of_birth",
            "8525Q",
        )
    return problems


@transaction.atomic
def change_census_details(person: Person, *, by: Any, details: CensusDetails) -> Person:
    """Record the child's census details (N00177, N00099, N00001, N00135, N00098); audited
    with the names of the details that changed."""
    require(
        can_change_census_details(by),
        "Only MASH staff can change a child's census details.",
        "CO-4",
    )
    details = CensusDetails(
        ethnicity_code=details.ethnicity_code.strip().upper(),
        disabilities=tuple(code.strip().upper() for code in details.disabilities),
        upn=clean(details.upn),
        upn_unknown=details.upn_unknown.strip().upper(),
        expected_date_of_birth=details.expected_date_of_birth,
    )
    person = Person.objects.select_for_update().get(pk=person.pk)
    problems = _problems(person, details)
    if problems:
        raise InvalidInput(problems)
    new = {
        "ethnicity_code": details.ethnicity_code,
        "disabilities": list(details.disabilities),
        "upn": details.upn,
        "upn_unknown": details.upn_unknown,
        "expected_date_of_birth": details.expected_date_of_birth,
    }
    changed = [name for name in _FIELDS if getattr(person, name) != new[name]]
    for name in changed:
        setattr(person, name, new[name])
    if changed:
        person.save(update_fields=changed)
    audit.record(
        actor=by,
        action="person.census_details_changed",
        person_id=person.pk,
        subject=person,
        rule_ids=["CO-4"],
        data={"changed": changed},
    )
    return person
