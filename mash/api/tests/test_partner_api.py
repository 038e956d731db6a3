"""The partner API: tokens, idempotent submissions, plain errors, and the OpenAPI document."""

from __future__ import annotations

import json
import threading

import pytest
from django.db import connection

from mash.accounts.models import Agency
from mash.api.models import PartnerApiClient, hash_token
from mash.audit.models import AuditEvent
from mash.contacts.models import Contact

pytestmark = pytest.mark.django_db


@pytest.fixture
def police_client(profile):
    agency = Agency.objects.filter(code__icontains="police").first()
    return PartnerApiClient.issue(name="Police case system", agency=agency, referrer_source="6")


def body(**overrides) -> dict:
    data = {
        "purpose": "PROVISION_OF_INFORMATION",
        "referrer": {"name": "PC Jones", "role": "Response officer", "phone": "01632 960001"},
        "children": [
            {
                "given_names": "Lily",
                "family_name": "Brown",
                "date_of_birth": "2016-02-29",
                "nhs_number": "9990000018",
            }
        ],
        "adults": [
            {
                "given_names": "Mark",
                "family_name": "Brown",
                "is_alleged_perpetrator": True,
                "has_parental_responsibility": True,
            }
        ],
        "concern_summary": "Domestic incident attended; children present.",
        "child_protection_concern": True,
    }
    data.update(overrides)
    return data


def post(client, token, data, key="key-000001"):
    headers = {"Authorization": f"Bearer {token}"}
    if key:
        headers["Idempotency-Key"] = key
    return client.post(
        "/api/v1/contacts", json.dumps(data), content_type="application/json", headers=headers
    )


def test_submit_creates_a_contact_with_clocks(client, police_client):
    api_client, token = police_client
    response = post(client, token, body())
    assert response.status_code == 201, response.content
    receipt = response.json()
    contact = Contact.objects.get(reference=receipt["reference"])
    assert contact.channel == Contact.Channel.PARTNER_NOTIFICATION
    assert contact.referrer_source == "6" and contact.submitted_by_client == api_client
    assert contact.adults().get().is_alleged_perpetrator
    assert {c["rule_id"] for c in receipt["clocks"]} >= {"TS-1", "TS-5"}
    assert AuditEvent.objects.filter(contact_id=contact.pk, action="api.contact_submitted").exists()


def test_token_is_stored_only_as_a_hash(police_client):
    api_client, token = police_client
    api_client.refresh_from_db()
    assert api_client.token_hash == hash_token(token) and token not in api_client.token_hash


def test_retry_with_the_same_key_returns_the_same_contact(client, police_client):
    _, token = police_client
    first = post(client, token, body())
    again = post(client, token, body())
    assert again.status_code == 200
    assert again.json()["reference"] == first.json()["reference"]
    assert Contact.objects.count() == 1


def test_same_key_different_body_is_refused(client, police_client):
    _, token = police_client
    post(client, token, body())
    response = post(client, token, body(concern_summary="Something else"))
    assert response.status_code == 409
    assert "different contact" in response.json()["message"]
    assert Contact.objects.count() == 1


def test_missing_idempotency_key_is_explained(client, police_client):
    _, token = police_client
    response = post(client, token, body(), key=None)
    assert response.status_code == 422
    assert "Idempotency-Key" in response.json()["message"]
    assert Contact.objects.count() == 0


def test_bad_body_gets_plain_errors_per_field(client, police_client):
    _, token = police_client
    bad = body(
        children=[{"given_names": "Lily", "date_of_birth": "2016-13-01", "nhs_number": "123"}]
    )
    del bad["concern_summary"]
    response = post(client, token, bad)
    assert response.status_code == 422
    fields = {e["field"] for e in response.json()["errors"]}
    assert {"concern_summary", "children.0.date_of_birth", "children.0.nhs_number"} <= fields
    assert "Enter concern summary." in response.json()["message"]
    assert Contact.objects.count() == 0


def test_domain_rule_errors_are_422_with_rule_ids(client, police_client):
    _, token = police_client
    response = post(client, token, body(parents_aware="NO"))
    assert response.status_code == 422
    assert response.json()["errors"][0]["rules"] == "CO-1"


def test_no_or_bad_token_is_401(client, police_client):
    response = client.post(
        "/api/v1/contacts",
        json.dumps(body()),
        content_type="application/json",
        headers={"Authorization": "Bearer nope", "Idempotency-Key": "abcdefgh"},
    )
    assert response.status_code == 401
    assert Contact.objects.count() == 0


def test_inactive_client_is_refused(client, police_client):
    api_client, token = police_client
    PartnerApiClient.objects.filter(pk=api_client.pk).update(is_active=False)
    assert post(client, token, body()).status_code == 401


def test_status_only_for_the_submitting_partner(client, police_client, profile):
    _, token = police_client
    reference = post(client, token, body()).json()["reference"]
    mine = client.get(f"/api/v1/contacts/{reference}", headers={"Authorization": f"Bearer {token}"})
    assert mine.status_code == 200 and mine.json()["status"] == "RECEIVED"
    health = Agency.objects.exclude(code__icontains="police").first()
    _, other_token = PartnerApiClient.issue(name="Health", agency=health, referrer_source="3F")
    theirs = client.get(
        f"/api/v1/contacts/{reference}", headers={"Authorization": f"Bearer {other_token}"}
    )
    assert theirs.status_code == 404


def test_openapi_document_is_served(client):
    document = client.get("/api/v1/openapi.json").json()
    assert "/api/v1/contacts" in document["paths"]
    assert document["info"]["title"] == "MASH partner API"
    schemes = document["components"]["securitySchemes"]
    assert any(s.get("scheme") == "bearer" for s in schemes.values())


@pytest.mark.django_db(transaction=True)
def test_concurrent_retries_make_one_contact(live_server, police_client):
    if connection.vendor == "sqlite":
        pytest.skip("concurrent writers need PostgreSQL (in-memory SQLite is one connection)")
    import urllib.request

    _, token = police_client
    data = json.dumps(body()).encode()
    statuses: list[int] = []

    def send() -> None:
        request = urllib.request.Request(
            f"{live_server.url}/api/v1/contacts",
            data=data,
            method="POST",
            headers={
                "Authorization": f"Bearer {token}",
                "Idempotency-Key": "race-key-1",
                "Content-Type": "application/json",
            },
        )
        with urllib.request.urlopen(request) as response:
            statuses.append(response.status)

    threads = [threading.Thread(target=send) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(statuses) == [200, 200, 200, 201]  # one created, three answered as retries
    assert Contact.objects.count() == 1


def test_issue_token_command_prints_a_working_token(client, profile):
    from io import StringIO

    from django.core.management import call_command

    out, err = StringIO(), StringIO()
    agency = Agency.objects.filter(code__icontains="police").first()
    call_command(
        "issue_api_token", agency=agency.code, name="Niche RMS", source="6", stdout=out, stderr=err
    )
    token = out.getvalue().strip()
    assert post(client, token, body()).status_code == 201
    assert "not shown again" in err.getvalue()


def test_issue_token_command_explains_an_unknown_agency(profile):
    from django.core.management import CommandError, call_command

    with pytest.raises(CommandError, match="Known codes"):
        call_command("issue_api_token", agency="nope", name="x", source="6")


def test_several_domain_problems_are_all_reported(client, police_client):
    _, token = police_client
    response = post(client, token, body(parents_aware="NO", concern_summary="  "))
    assert response.status_code == 422
    fields = [e["field"] for e in response.json()["errors"]]
    assert fields == ["concern_summary", "parents_not_informed_reason"]


def test_text_with_a_nul_character_is_refused_in_plain_english(client, police_client):
    """Found by fuzzing on PostgreSQL, which cannot store NUL: a 422 naming the field, not a
    500, and nothing recorded."""
    _, token = police_client
    children = [{"given_names": "Li\x00ly", "family_name": "Brown"}]
    response = post(client, token, body(concern_summary="Bad\x00text", children=children))
    assert response.status_code == 422
    fields = {error["field"]: error["message"] for error in response.json()["errors"]}
    assert "NUL character" in fields["concern_summary"]
    assert "NUL character" in fields["children.0.given_names"]
    assert not Contact.objects.exists()
