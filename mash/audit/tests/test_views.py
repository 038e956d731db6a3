"""The auditor's pages: who looked at this child's record, and why (ADR 0010, CO-4)."""

from __future__ import annotations

import pytest
from django.test import Client

from conftest import screen_at_threshold, share_checks
from mash.api.models import PartnerApiClient
from mash.audit.models import AuditEvent
from mash.audit.services import record
from mash.contacts import services
from mash.people.models import Person

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(received, sam, priya, polly):
    person = Person.objects.create(given_names="Jayden", family_name="Smyth")
    services.link_person(received.children().get(), person=person, by=sam)
    contact = screen_at_threshold(received, checked_by=sam, screened_by=priya)
    share_checks(contact, asked_by=sam, partner=polly)
    return contact, person


def _as(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_who_looked_at_a_child_and_why(case, sam, polly, aled, police):
    contact, person = case
    other = Person.objects.create(given_names="Amira", family_name="Khan")
    staff = _as(sam)
    staff.get(f"/people/{person.pk}/")
    staff.get(f"/contacts/{contact.pk}/")
    staff.get("/people/?given_names=Jayden&family_name=Smyth")  # the child is in the results
    staff.get(f"/people/{other.pk}/")  # someone else: not on Jayden's trail
    request = contact.information_requests.get()
    _as(polly).get(f"/partner/requests/{request.pk}/")
    _, token = PartnerApiClient.issue(name="Niche", agency=police, referrer_source="6")
    Client(headers={"Authorization": f"Bearer {token}"}).get(
        "/api/v1/information-requests?show=done"
    )

    page = _as(aled).get(f"/audit/people/{person.pk}/?kind=looked")
    assert page.status_code == 200
    text = page.content.decode()
    assert "Opened the person record" in text
    assert "Opened the contact record" in text
    assert "Searched for a person; this child was among the results" in text
    assert "Opened the information request to their agency" in text
    assert "Legal basis: Children Act 1989, section 47" in text  # why the partner looked
    assert "Listed information requests through the partner API" in text
    assert "Partner system" in text and "MASH social worker" in text
    assert "Partner agency officer" in text
    assert "Amira" not in text
    assert "Viewed this record&#39;s audit trail" in text or "Viewed this record's" in text
    viewed = AuditEvent.objects.filter(action="audit.trail_viewed", person_id=person.pk).get()
    assert viewed.actor == aled and viewed.roles == ["AUDITOR"]

    changes = _as(aled).get(f"/audit/people/{person.pk}/?kind=changed").content.decode()
    assert "Opened the contact record" not in changes
    assert "Screened" in changes and "Person linked to an existing record" in changes


def test_the_contact_trail_includes_lists_and_exports_that_showed_it(case, sam, polly, aled):
    from django.utils import timezone

    contact, _ = case
    today = timezone.localdate()
    _as(sam).get("/contacts/")
    _as(polly).get(
        f"/partner/export/?date_from_day={today.day}&date_from_month={today.month}"
        f"&date_from_year={today.year}&date_to_day={today.day}&date_to_month={today.month}"
        f"&date_to_year={today.year}"
    )
    _as(polly).get("/partner/?show=done")
    text = _as(aled).get(f"/audit/contacts/{contact.pk}/?kind=looked").content.decode()
    assert "Viewed the queue" in text
    assert "Downloaded their agency&#39;s export, which included this contact" in text
    assert "Viewed the partner workspace, which listed this request" in text


def test_searches_that_did_not_show_the_child_are_not_on_the_trail(case, sam, aled):
    _, person = case
    _as(sam).get("/people/?given_names=Zebedee&family_name=Quartermaine")
    text = _as(aled).get(f"/audit/people/{person.pk}/?kind=looked").content.decode()
    assert "this child was among the results" not in text


def test_fifty_a_page(case, sam, aled):
    _, person = case
    for _ in range(60):
        record(actor=sam, action="person.viewed", person_id=person.pk)
    first = _as(aled).get(f"/audit/people/{person.pk}/").content.decode()
    assert first.count('<tr class="govuk-table__row">') == 51  # the header and 50 events
    assert "page 1 of" in first
    second = _as(aled).get(f"/audit/people/{person.pk}/?page=2")
    assert second.status_code == 200


@pytest.mark.parametrize("who", ["aled", "sonia"])
def test_auditors_and_service_managers_may_read_the_trail(case, who, request):
    contact, person = case
    client = _as(request.getfixturevalue(who))
    for path in ("/audit/", f"/audit/people/{person.pk}/", f"/audit/contacts/{contact.pk}/"):
        assert client.get(path).status_code == 200, path


@pytest.mark.parametrize("who", ["carys", "sam", "priya", "meera", "polly"])
def test_everyone_else_is_refused_and_the_refusal_audited(case, who, request):
    contact, person = case
    user = request.getfixturevalue(who)
    client = _as(user)
    for path in ("/audit/", f"/audit/people/{person.pk}/", f"/audit/contacts/{contact.pk}/"):
        assert client.get(path).status_code == 403, path
    assert AuditEvent.objects.filter(actor=user, action="access.refused").count() == 3


def test_anonymous_visitors_sign_in_first(case, client):
    _, person = case
    assert client.get(f"/audit/people/{person.pk}/").status_code == 302


def test_links_only_for_those_who_may_read_the_trail(case, sam, aled):
    contact, person = case
    assert f"/audit/people/{person.pk}/" in _as(aled).get(f"/people/{person.pk}/").content.decode()
    assert (
        f"/audit/contacts/{contact.pk}/"
        in _as(aled).get(f"/contacts/{contact.pk}/").content.decode()
    )
    assert "/audit/" not in _as(sam).get(f"/people/{person.pk}/").content.decode()
    assert "/audit/" not in _as(sam).get(f"/contacts/{contact.pk}/").content.decode()


def test_search_by_name_or_reference(case, aled):
    contact, person = case
    by_name = _as(aled).get("/audit/?q=jayden smyth").content.decode()
    assert f"/audit/people/{person.pk}/" in by_name
    by_reference = _as(aled).get(f"/audit/?q={contact.reference.lower()}").content.decode()
    assert f"/audit/contacts/{contact.pk}/" in by_reference
    searched = AuditEvent.objects.filter(action="audit.searched").first()
    assert searched.data["person_ids"] == [str(person.pk)]
    # the auditor's own search is on the child's trail too
    trail = _as(aled).get(f"/audit/people/{person.pk}/").content.decode()
    assert "Searched the audit trail; this record was among the results" in trail
