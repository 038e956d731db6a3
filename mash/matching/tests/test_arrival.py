"""Every child and adult is matched as a contact arrives, through the UI and the API (IN-5)."""

from __future__ import annotations

from datetime import date

import pytest

from conftest import child
from mash.api.tests.test_partner_api import body, police_client, post  # noqa: F401 - fixture
from mash.contacts.models import Contact
from mash.people.models import Person

pytestmark = pytest.mark.django_db


def test_a_recorded_contact_says_what_the_matcher_found(client, sam, make_contact):
    Person.objects.create(given_names="Jayden", family_name="Smyth", date_of_birth=date(2018, 4, 5))
    contact = make_contact(people=[child(), child(given_names="Nobody", family_name="Known")])
    jayden, nobody = contact.children().order_by("position")
    assert (jayden.likely_matches, jayden.possible_matches) == (1, 0)
    assert (nobody.likely_matches, nobody.possible_matches) == (0, 0)
    client.force_login(sam)
    page = client.get(f"/contacts/{contact.pk}/").content.decode()
    assert "On arrival the matcher found 1 record very likely the same person" in page
    assert "On arrival the matcher found no similar records" in page


def test_a_partner_api_submission_is_matched_too(client, police_client):  # noqa: F811
    Person.objects.create(
        given_names="Lilly", family_name="Browne", date_of_birth=date(2016, 2, 29)
    )
    _, token = police_client
    response = post(client, token, body())
    assert response.status_code == 201
    contact = Contact.objects.get(reference=response.json()["reference"])
    lily = contact.children().get()
    assert lily.likely_matches == 1
    # The partner is told nothing about who is known to social care (CO-4).
    assert "match" not in response.content.decode().lower()
