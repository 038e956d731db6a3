"""Who may open which page: named personas × pages, as a matrix (house style 6.6).

200 = allowed, 403 = signed in but the role may not, 404 = may not even know it exists,
302 = not signed in (sent to sign in). Partner officers never open the contact record (they
see only their agency's requests, tests/test_multi_agency_access.py), so contact pages are 404
for Polly.
"""

from __future__ import annotations

import pytest

from mash.contacts import services

pytestmark = pytest.mark.django_db

PERSONAS = ["carys", "sam", "priya", "meera", "sonia", "aled", "polly", None]

# page → expected status for each persona, in PERSONAS order
MATRIX: dict[str, list[int]] = {
    "queue": [200, 200, 200, 200, 200, 200, 403, 302],
    "record": [200, 200, 200, 200, 200, 403, 403, 302],
    "detail": [200, 200, 200, 200, 200, 200, 404, 302],
    "history": [200, 200, 200, 200, 200, 200, 404, 302],
    "screen": [403, 403, 200, 200, 403, 403, 404, 302],
    "recommend": [403, 200, 200, 200, 403, 403, 404, 302],
    "close": [403, 200, 200, 200, 403, 403, 404, 302],
    "acknowledge": [200, 200, 200, 200, 403, 403, 404, 302],
    "people_search": [200, 200, 200, 200, 200, 200, 403, 302],
    "person": [200, 200, 200, 200, 200, 200, 404, 302],
    "duplicates": [200, 200, 200, 200, 200, 200, 403, 302],
    "duplicate_review": [200, 200, 200, 200, 200, 200, 403, 302],
    "merge_undo": [403, 403, 200, 200, 403, 403, 403, 302],
    "public_start": [200, 200, 200, 200, 200, 200, 200, 200],
    "public_form": [200, 200, 200, 200, 200, 200, 200, 200],
    # Routing and pathways (issue 5)
    "concerns": [200, 200, 200, 200, 200, 403, 404, 302],
    "choose_route": [403, 403, 200, 200, 403, 403, 404, 302],
    "cross_boundary": [403, 200, 200, 200, 403, 403, 404, 302],
    "inboxes": [200, 200, 200, 200, 200, 200, 403, 302],
    # ADR 0012: a team's inbox is for its members (these personas are in the Children's Team)
    # and for the MASH managers and the auditor.
    "inbox": [403, 403, 200, 200, 200, 200, 403, 302],
    "accept_route": [200, 200, 200, 200, 200, 403, 404, 302],
    "receipt": [200, 200, 200, 200, 200, 403, 404, 302],
    "return": [200, 200, 200, 200, 200, 403, 404, 302],
    "task": [200, 200, 200, 200, 403, 403, 404, 302],
    "domestic_abuse": [403, 200, 200, 200, 403, 403, 404, 302],
    "missing": [403, 200, 200, 200, 403, 403, 404, 302],
    "dct_eligibility": [403, 200, 200, 200, 403, 403, 404, 302],
    "dct_decision": [403, 403, 200, 200, 403, 403, 404, 302],
}


def _url(page: str, contact, person, merge) -> str:
    child = contact.children().get()
    return {
        "queue": "/contacts/",
        "record": "/contacts/new/",
        "detail": f"/contacts/{contact.pk}/",
        "history": f"/contacts/{contact.pk}/people/{child.pk}/history/",
        "screen": f"/contacts/{contact.pk}/screen/",
        "recommend": f"/contacts/{contact.pk}/recommend/",
        "close": f"/contacts/{contact.pk}/close/",
        "acknowledge": f"/contacts/{contact.pk}/acknowledgement/",
        "people_search": "/people/",
        "person": f"/people/{person.pk}/",
        "duplicates": "/duplicates/",
        "duplicate_review": f"/duplicates/{merge.from_duplicate_id}/",
        "merge_undo": f"/duplicates/merges/{merge.pk}/undo/",
        "public_start": "/request-help/",
        "public_form": "/request-help/form/",
        "concerns": f"/contacts/{contact.pk}/concerns/",
        "choose_route": f"/contacts/{contact.pk}/route/choose/",
        "cross_boundary": f"/contacts/{contact.pk}/cross-boundary/",
        "inboxes": "/teams/",
        "inbox": "/teams/mash/",
        "accept_route": f"/contacts/{contact.pk}/route/accept/",
        "receipt": f"/contacts/{contact.pk}/route/receipt/",
        "return": f"/contacts/{contact.pk}/route/return/",
        "task": f"/contacts/{contact.pk}/tasks/{_police_task(contact).pk}/",
        "domestic_abuse": f"/contacts/{contact.pk}/domestic-abuse-review/",
        "missing": f"/contacts/{contact.pk}/missing-review/",
        "dct_eligibility": f"/contacts/{contact.pk}/dct-eligibility/",
        "dct_decision": f"/contacts/{contact.pk}/dct-decision/",
    }[page]


def _police_task(contact):
    """A task anyone at the front door may mark done: telling the police (IN-12)."""
    from mash.policy.catalogue import explain
    from mash.routing import tasks

    return tasks.ensure_task(
        contact, "POLICE_INFORMED", "Tell the police now", None, explain("IN-12", "A crime.")
    )


@pytest.mark.parametrize("page", sorted(MATRIX))
@pytest.mark.parametrize("index", range(len(PERSONAS)), ids=[p or "anonymous" for p in PERSONAS])
def test_page_access(page, index, request, client, received, sam, meera):
    persona = PERSONAS[index]
    person = services.confirm_new_person(received.children().get(), by=sam)
    merge = _a_merge(meera)
    if persona:
        client.force_login(request.getfixturevalue(persona))
    response = client.get(_url(page, received, person, merge))
    assert response.status_code == MATRIX[page][index]


def _a_merge(by):
    """Two records of one child, found by the duplicate search and merged (issue 3)."""
    from datetime import date

    from mash.matching import services as matching
    from mash.matching.models import PossibleDuplicate
    from mash.people.models import Person

    born = date(2016, 2, 1)
    Person.objects.create(given_names="Ava", family_name="Reid", date_of_birth=born)
    Person.objects.create(given_names="Ava", family_name="Reed", date_of_birth=born)
    matching.find_duplicates(engine="ours")
    pair = PossibleDuplicate.objects.get()
    return matching.merge_people(
        kept=pair.first, merged=pair.second, by=by, reason="Same child", duplicate=pair
    )


@pytest.mark.parametrize(
    ("persona", "allowed"),
    [
        ("carys", False),
        ("sam", False),
        ("priya", True),
        ("meera", True),
        ("sonia", False),
        ("aled", False),
        ("polly", False),
    ],
)
def test_who_can_screen_by_posting(persona, allowed, request, client, received, sam, profile):
    services.confirm_new_person(received.children().get(), by=sam)
    client.force_login(request.getfixturevalue(persona))
    level = profile.threshold_model.levels[0]
    rag = "AMBER" if level.meets_social_care_threshold else "GREEN"
    response = client.post(
        f"/contacts/{received.pk}/screen/",
        {"threshold_level": level.code, "rag": rag, "consent": "GIVEN", "rationale": "r"},
    )
    assert (response.status_code == 302) is allowed
    received.refresh_from_db()
    assert (received.status != "RECEIVED") is allowed


def test_partner_sees_no_contact_in_querysets(polly, received):
    from mash.contacts.models import Contact
    from mash.people.selectors import people_visible_to

    assert not Contact.objects.visible_to(polly).exists()
    assert not people_visible_to(polly).exists()
