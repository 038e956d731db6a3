"""Reading people: who may see the database, audited record access and history (SC-4).

Finding a person is `mash.matching.selectors.match_people`.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from mash.audit import services as audit
from mash.people.models import Involvement, Person


def people_visible_to(user: Any) -> QuerySet[Person]:
    """MASH staff may search the social-care database; partner agencies may not (CO-4)."""
    if getattr(user, "is_authenticated", False) and user.is_mash_staff():
        return Person.objects.all()
    return Person.objects.none()


def access_person(user: Any, pk: uuid.UUID) -> Person:
    """The only way views obtain a person record. Same 404 for missing and not-yours; audited."""
    person = people_visible_to(user).filter(pk=pk).first()
    if person is None:
        if getattr(user, "is_authenticated", False) and Person.objects.filter(pk=pk).exists():
            audit.record_refusal(actor=user, what="person")
        raise Http404
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
    """Involvements (open first) and previous contacts, most recent first (up to 20)."""
    return person_histories([person], excluding_contact=excluding_contact)[0]


def person_histories(
    people: list[Person], *, excluding_contact: uuid.UUID | None = None
) -> list[PersonHistory]:
    """`person_history` for many people in two queries (candidate lists, search results)."""
    from mash.contacts.models import ContactPerson

    ids = [person.pk for person in people]
    involvements: dict[uuid.UUID, list[Involvement]] = defaultdict(list)
    for involvement in Involvement.objects.filter(person_id__in=ids).select_related("team"):
        involvements[involvement.person_id].append(involvement)
    links = (
        ContactPerson.objects.filter(person_id__in=ids)
        .select_related("contact__decision")
        .order_by("-contact__received_at")
    )
    if excluding_contact is not None:
        links = links.exclude(contact_id=excluding_contact)
    contacts: dict[uuid.UUID, list[Any]] = defaultdict(list)
    for link in links:
        shown = contacts[link.person_id]  # type: ignore[index]
        if len(shown) < 20 and link.contact not in shown:
            shown.append(link.contact)
    return [
        PersonHistory(
            person,
            sorted(
                involvements[person.pk],
                key=lambda inv: (not inv.is_open, -inv.started_on.toordinal()),
            ),
            contacts[person.pk],
        )
        for person in people
    ]
