"""Routing tests run under any shipped profile: mark a test `@pytest.mark.profile("rotherham")`
(the default is the deployment's, Northamptonshire). The root conftest's personas and
`make_contact` then work in that authority."""

from __future__ import annotations

from datetime import date

import pytest

from mash.accounts.models import Team
from mash.accounts.services import sync_profile
from mash.contacts import services
from mash.people.models import Involvement, Person
from mash.policy.profiles import active_profile


@pytest.fixture
def profile(db, settings, request):
    marker = request.node.get_closest_marker("profile")
    if marker is not None:
        settings.MASH_PROFILE = marker.args[0]
    found = active_profile()
    sync_profile(found)
    return found


def known_child(
    *,
    service: str = "CIN",
    team: str = "",
    worker: str = "",
    started: date,
    ended=None,
    given_names: str = "Jayden",
) -> Person:
    """A child on the social-care database with one involvement (IN-4, SC-4)."""
    person = Person.objects.create(
        given_names=given_names,
        family_name="Smyth",
        date_of_birth=date(2018, 5, 4),
        is_child=True,
    )
    Involvement.objects.create(
        person=person,
        service=service,
        team=Team.objects.get(code=team) if team else None,
        allocated_worker=worker,
        started_on=started,
        ended_on=ended,
    )
    return person


def link_children(contact, person: Person, *, by) -> None:
    """Link every child on the contact to `person` (the history check, SC-4)."""
    for contact_person in contact.children():
        services.link_person(contact_person, person=person, by=by)
    contact.refresh_from_db()
