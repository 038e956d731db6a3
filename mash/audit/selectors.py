"""Reading the audit trail: every event touching a person or a contact (ADR 0010).

An event touches a contact when it names it (`contact_id`), or lists it among what was shown:
an export or a team inbox lists contact references, a partner's list of requests their ids.
It touches a person through their own id, a search whose results included them
(`data.person_ids`), and every contact the person is linked to.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import Any

from django.db import connection
from django.db.models import Q, QuerySet, TextField
from django.db.models.functions import Cast

from mash.accounts.models import Role
from mash.audit.actions import ACCESS_ACTIONS
from mash.audit.models import AuditEvent
from mash.audit.services import PARTNER_SYSTEM

KINDS = {
    "all": "Everything",
    "looked": "Looked at (views, searches, lists, exports)",
    "changed": "Changes",
}
MAX_RESULTS = 50


def _mentions(key: str, values: Iterable[str]) -> Q:
    """Events whose `data[key]` list holds any of `values`: JSON containment on PostgreSQL; on
    SQLite the quoted value in the stored JSON text (ids and references are unique strings, so
    the match is exact)."""
    found = Q(pk__in=[])
    for value in values:
        if connection.vendor == "postgresql":
            found |= Q(**{f"data__{key}__contains": [value]})
        else:
            found |= Q(data_text__contains=f'"{value}"')
    return found


def _trail(touching: Q, kind: str) -> QuerySet[AuditEvent]:
    events = AuditEvent.objects.annotate(data_text=Cast("data", TextField())).filter(touching)
    if kind == "looked":
        events = events.filter(action__in=ACCESS_ACTIONS)
    elif kind == "changed":
        events = events.exclude(action__in=ACCESS_ACTIONS)
    return events.select_related("agency").order_by("-sequence")


def _contact_touches(contacts: Iterable[Any]) -> Q:
    from mash.sharing.models import InformationRequest

    contacts = list(contacts)
    ids = [contact.pk for contact in contacts]
    requests = InformationRequest.objects.filter(contact_id__in=ids).values_list("pk", flat=True)
    return (
        Q(contact_id__in=ids)
        | _mentions("contacts", [contact.reference for contact in contacts])
        | _mentions("requests", [str(pk) for pk in requests])
    )


def contact_trail(contact: Any, kind: str = "all") -> QuerySet[AuditEvent]:
    """Every event touching `contact`, newest first."""
    return _trail(_contact_touches([contact]), kind)


def person_ids(person: Any) -> list[uuid.UUID]:
    """The person and every record merged into them (their trail moved with them)."""
    from mash.people.models import Person

    return [person.pk, *Person.objects.filter(merged_into=person).values_list("pk", flat=True)]


def person_trail(person: Any, kind: str = "all") -> QuerySet[AuditEvent]:
    """Every event touching `person`: their record, searches that showed them, their contacts."""
    from mash.contacts.models import Contact

    ids = person_ids(person)
    contacts = Contact.objects.filter(people__person_id__in=ids).distinct()
    touching = (
        Q(person_id__in=ids)
        | _mentions("person_ids", [str(pk) for pk in ids])
        | _contact_touches(contacts)
    )
    return _trail(touching, kind)


def find(query: str) -> tuple[list[Any], list[Any]]:
    """People whose names hold every word of `query`, and the contact with that reference."""
    from mash.contacts.models import Contact
    from mash.people.models import Person

    words = query.split()
    people = Person.objects.all()
    for word in words:
        people = people.filter(Q(given_names__icontains=word) | Q(family_name__icontains=word))
    contacts = Contact.objects.filter(reference__iexact=query.strip())
    return list(people[:MAX_RESULTS]) if words else [], list(contacts)


def role_words(roles: Iterable[str]) -> str:
    """The acting roles in words: "Practice manager", "Partner system", or none (the public,
    a scheduled job, or an event recorded before roles were)."""
    labels = dict(Role.choices) | {PARTNER_SYSTEM: "Partner system"}
    return ", ".join(labels.get(role, role) for role in roles) or "No role (public or system)"
