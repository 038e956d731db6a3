"""Reading people: the simple history search (SC-4) and audited record access."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from mash.audit import services as audit
from mash.people.models import Involvement, Person
from mash.people.normalise import normalise_name


def people_visible_to(user: Any) -> QuerySet[Person]:
    """MASH staff may search the social-care database; partner agencies may not (CO-4)."""
    if getattr(user, "is_authenticated", False) and user.is_mash_staff():
        return Person.objects.all()
    return Person.objects.none()


def search_people(
    user: Any, *, given_names: str = "", family_name: str = "", date_of_birth: date | None = None
) -> list[Person]:
    """Exact/normalised name search, either name order, aliases included, narrowed by DOB.

    A stand-in for real person matching (issue 3): "O'Brien-Smith" finds "OBrien Smith", but
    "Jaden" does not find "Jayden". Audited, because a search reveals who is known.
    """
    given, family = normalise_name(given_names), normalise_name(family_name)
    if not (given or family or date_of_birth):
        return []
    found = people_visible_to(user)
    name_query = _name_query(given, family)
    if name_query is not None:
        found = found.filter(name_query)
    if date_of_birth is not None:
        found = found.filter(date_of_birth=date_of_birth)
    results = list(found.prefetch_related("involvements__team")[:50])
    audit.record(
        actor=user,
        action="person.searched",
        rule_ids=["SC-4"],
        data={
            "given_names": given_names,
            "family_name": family_name,
            "date_of_birth": date_of_birth,
            "results": len(results),
            # Who was shown: a search reveals records, so the trail names them (CO-6).
            "person_ids": [str(person.pk) for person in results],
        },
    )
    return results


def _name_query(given: str, family: str) -> Q | None:
    if not (given or family):
        return None
    forward = f"{family} {given}".strip()
    swapped = f"{given} {family}".strip()  # first and last names given the wrong way round
    query = Q(search_name__startswith=forward) | Q(search_name__startswith=swapped)
    if not given:
        query = Q(search_name__startswith=f"{family} ")
    elif not family:
        query = Q(search_name__endswith=f" {given}") | Q(search_name__contains=f" {given} ")
    alias = " ".join(part for part in (given, family) if part)
    return query | Q(other_names__icontains=alias)


def access_person(user: Any, pk: uuid.UUID) -> Person:
    """The only way views obtain a person record. Same 404 for missing and not-yours; audited."""
    person = get_object_or_404(people_visible_to(user), pk=pk)
    audit.record(
        actor=user,
        action="person.viewed",
        person_id=person.pk,
        subject=person,
        rule_ids=["CO-4", "CO-6"],
    )
    return person


@dataclass(frozen=True)
class PersonHistory:
    """What the MASH needs to know about a person before deciding (SC-3, SC-4)."""

    person: Person
    involvements: list[Involvement]
    previous_contacts: list[Any]

    @property
    def open_involvements(self) -> list[Involvement]:
        return [inv for inv in self.involvements if inv.is_open]


def person_history(person: Person, *, excluding_contact: uuid.UUID | None = None) -> PersonHistory:
    """Involvements (open first) and previous contacts, most recent first."""
    from mash.contacts.models import Contact

    involvements = sorted(
        person.involvements.select_related("team"),
        key=lambda inv: (not inv.is_open, -inv.started_on.toordinal()),
    )
    contacts = Contact.objects.filter(people__person=person).distinct().order_by("-received_at")
    if excluding_contact is not None:
        contacts = contacts.exclude(pk=excluding_contact)
    return PersonHistory(person, involvements, list(contacts.select_related("decision")[:20]))
