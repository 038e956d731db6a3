"""Audit fails closed (issue 6 §6, ADR 0010): when the database refuses the audit event, the
child's data is not returned. The refusal is a real trigger on the audit table, not a mock."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from conftest import screen_at_threshold, share_checks
from mash.api.models import PartnerApiClient
from mash.audit.models import AuditEvent
from mash.audit.tests.db import audit_inserts_fail
from mash.contacts import services
from mash.people.models import Person

# Transactional, as in production: each request in its own transaction (ATOMIC_REQUESTS off),
# not inside the test's, so a refused audit write fails exactly as it would for a user.
pytestmark = pytest.mark.django_db(transaction=True)

# What must not leak: the child's names and what the partner answered.
SECRETS = ("Jayden", "Smyth", "Two domestic call-outs")


@pytest.fixture
def case(received, sam, priya, polly):
    """A contact whose child is linked to a person record and whose police check is answered."""
    person = Person.objects.create(given_names="Jayden", family_name="Smyth")
    services.link_person(received.children().get(), person=person, by=sam)
    contact = screen_at_threshold(received, checked_by=sam, screened_by=priya)
    share_checks(contact, asked_by=sam, partner=polly)
    return contact, person


def _signed_in(user) -> Client:
    client = Client(raise_request_exception=False)
    client.force_login(user)
    return client


def _assert_closed(response) -> None:
    body = b"".join(response) if response.streaming else response.content
    assert response.status_code >= 500, response.status_code
    for secret in SECRETS:
        assert secret.encode() not in body, secret


def _staff_pages(contact, person) -> list[str]:
    child = contact.children().get()
    return [
        f"/contacts/{contact.pk}/",
        f"/people/{person.pk}/",
        f"/contacts/{contact.pk}/people/{child.pk}/history/",
        "/people/?given_names=Jayden&family_name=Smyth",
        "/contacts/",
        f"/contacts/{contact.pk}/information-sharing/",
    ]


def test_staff_reads_fail_closed(case, sam):
    contact, person = case
    client = _signed_in(sam)
    pages = _staff_pages(contact, person)
    for page in pages:
        normal = client.get(page)  # the control: without the fault the page shows the child
        assert normal.status_code == 200, page
        assert any(secret.encode() in normal.content for secret in SECRETS), page
    before = AuditEvent.objects.count()
    with audit_inserts_fail():
        for page in pages:
            _assert_closed(client.get(page))
    assert AuditEvent.objects.count() == before


def test_team_inbox_fails_closed(case, sam):
    from mash.accounts.models import Team

    code = Team.objects.first().code
    client = _signed_in(sam)
    assert client.get(f"/teams/{code}/").status_code == 200
    with audit_inserts_fail():
        _assert_closed(client.get(f"/teams/{code}/"))


def test_partner_workspace_request_and_export_fail_closed(case, polly):
    contact, _ = case
    request = contact.information_requests.get()
    today = timezone.localdate()
    export = (
        f"/partner/export/?date_from_day={today.day}&date_from_month={today.month}"
        f"&date_from_year={today.year}&date_to_day={today.day}&date_to_month={today.month}"
        f"&date_to_year={today.year}"
    )
    pages = ["/partner/", f"/partner/requests/{request.pk}/", export]
    client = _signed_in(polly)
    for page in pages:
        response = client.get(page)
        assert response.status_code == 200, page
    assert b"Jayden" in client.get(export).content  # the control: the export holds the child
    with audit_inserts_fail():
        for page in pages:
            _assert_closed(client.get(page))


def test_partner_api_reads_fail_closed(case, police):
    contact, _ = case
    _, token = PartnerApiClient.issue(name="Police case system", agency=police, referrer_source="6")
    request = contact.information_requests.get()
    today = timezone.localdate()
    client = Client(raise_request_exception=False, headers={"Authorization": f"Bearer {token}"})
    reads = [
        "/api/v1/information-requests?show=done",
        f"/api/v1/information-requests/{request.pk}",
        f"/api/v1/exports/information-shared?date_from={today - timedelta(days=1)}&date_to={today}",
    ]
    for read in reads:
        assert client.get(read).status_code == 200, read
    with audit_inserts_fail():
        for read in reads:
            _assert_closed(client.get(read))


def test_partner_api_status_read_fails_closed(police):
    import json

    from mash.api.tests.test_partner_api import body

    _, token = PartnerApiClient.issue(name="Police case system", agency=police, referrer_source="6")
    client = Client(raise_request_exception=False, headers={"Authorization": f"Bearer {token}"})
    submitted = client.post(
        "/api/v1/contacts",
        json.dumps(body()),
        content_type="application/json",
        headers={"Idempotency-Key": "fails-closed-1"},
    )
    reference = submitted.json()["reference"]
    assert client.get(f"/api/v1/contacts/{reference}").status_code == 200
    with audit_inserts_fail():
        response = client.get(f"/api/v1/contacts/{reference}")
    assert response.status_code >= 500 and reference.encode() not in response.content
