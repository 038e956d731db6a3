"""The partner API for information sharing (MA-2 … MA-8, CO-4, CO-5), through HTTP: a partner
system sees only its own agency's requests, answers them idempotently, is told plainly what is
wrong, and takes its own export."""

from __future__ import annotations

import json

import pytest
from django.utils import timezone

from conftest import child, screen_at_threshold
from mash.accounts.models import Agency
from mash.api.models import PartnerApiClient
from mash.audit.models import AuditEvent
from mash.contacts import services as contacts
from mash.sharing import services as sharing
from mash.sharing.models import Contribution, InformationRequest

pytestmark = pytest.mark.django_db

BASE = "/api/v1/information-requests"
INFORMATION = {
    "kind": "INFORMATION",
    "information": "Two domestic call-outs in May.",
    "analysis": "An escalating pattern of violence while the children are at home.",
}


def _agency(kind: str) -> Agency:
    return Agency.objects.filter(kind=kind).order_by("code").first()


@pytest.fixture
def police_system(profile):
    """The police case system's API client and its token."""
    return PartnerApiClient.issue(
        name="Police case system", agency=_agency("police"), referrer_source="6"
    )


@pytest.fixture
def health_system(profile):
    return PartnerApiClient.issue(
        name="Health records system", agency=_agency("health"), referrer_source="3"
    )


def _ask(contact, by, *kinds):
    return sharing.request_checks(
        contact,
        by=by,
        agency_codes=[_agency(kind).code for kind in kinds],
        concern_summary="Bruising seen at school.",
        question="What does your agency hold about this family?",
        legal_basis="CA1989_S47",
    )


@pytest.fixture
def asked(received, sam, priya):
    """A screened red contact with the police and health asked (MA-2)."""
    screened = screen_at_threshold(received, checked_by=sam, screened_by=priya)
    return _ask(screened, sam, "police", "health")


def _headers(system, key: str | None = None) -> dict[str, str]:
    _, token = system
    headers = {"Authorization": f"Bearer {token}"}
    if key:
        headers["Idempotency-Key"] = key
    return headers


def _answer(client, system, request_pk, data, key="answer-0001"):
    return client.post(
        f"{BASE}/{request_pk}/answers",
        json.dumps(data),
        content_type="application/json",
        headers=_headers(system, key),
    )


# --------------------------------------------------------------------------- reading


def test_the_list_holds_only_the_agencys_own_requests_and_is_audited(client, asked, police_system):
    police_request, _health = asked
    response = client.get(BASE, headers=_headers(police_system))
    assert response.status_code == 200
    rows = response.json()
    assert [row["id"] for row in rows] == [str(police_request.pk)]
    assert rows[0]["rule_id"] == "TS-2" and rows[0]["rag"] == "RED"
    assert rows[0]["status"] == InformationRequest.Status.SENT
    event = AuditEvent.objects.get(action="api.requests_listed")
    assert event.actor_name == "Partner API: Police case system"
    assert event.data["requests"] == [str(police_request.pk)]


def test_answered_requests_move_to_the_done_list(client, asked, police_system):
    police_request, _health = asked
    assert _answer(client, police_system, police_request.pk, INFORMATION).status_code == 201
    open_rows = client.get(BASE, headers=_headers(police_system)).json()
    done_rows = client.get(f"{BASE}?show=done", headers=_headers(police_system)).json()
    assert open_rows == []
    assert [row["id"] for row in done_rows] == [str(police_request.pk)]
    assert done_rows[0]["status"] == InformationRequest.Status.ANSWERED


def test_an_unknown_list_filter_is_explained(client, police_system, profile):
    response = client.get(f"{BASE}?show=everything", headers=_headers(police_system))
    assert response.status_code == 422
    assert "show" in response.json()["message"]


def test_one_request_has_who_to_search_for_but_never_the_referrer(
    client, asked, police_system, received
):
    police_request, _health = asked
    response = client.get(f"{BASE}/{police_request.pk}", headers=_headers(police_system))
    assert response.status_code == 200
    detail = response.json()
    assert detail["question"] == "What does your agency hold about this family?"
    assert detail["legal_basis"] == "CA1989_S47"
    assert detail["consent_basis"] == InformationRequest.ConsentBasis.CO_LOCATED  # CO-3
    assert detail["contact_open"] is True
    child_row = next(p for p in detail["people"] if p["kind"] == "CHILD")
    assert child_row["family_name"] == received.children().get().family_name
    assert received.referrer_name not in json.dumps(detail)  # IN-9
    assert detail["answers"] == [] and detail["previous_answer"] is None
    assert AuditEvent.objects.filter(
        action="api.request_viewed", subject_id=str(police_request.pk)
    ).exists()


def test_another_agencys_request_is_not_found_and_the_attempt_audited(client, asked, police_system):
    _police, health_request = asked
    response = client.get(f"{BASE}/{health_request.pk}", headers=_headers(police_system))
    assert response.status_code == 404
    assert "No information request" in response.json()["message"]
    answer = _answer(client, police_system, health_request.pk, INFORMATION)
    assert answer.status_code == 404
    assert not health_request.contributions.exists()
    refusals = AuditEvent.objects.filter(
        action="access.refused", contact_id=health_request.contact_id
    )
    assert refusals.count() == 2
    assert refusals.first().rule_ids == ["CO-4"]


def test_no_token_is_401(client, asked):
    police_request, _health = asked
    assert client.get(BASE).status_code == 401
    response = client.get(f"{BASE}/{police_request.pk}", headers={"Authorization": "Bearer nope"})
    assert response.status_code == 401
    assert "Bearer" in response.json()["message"]


# --------------------------------------------------------------------------- answering


def test_an_answer_is_recorded_against_the_request(client, asked, police_system):
    police_request, _health = asked
    data = INFORMATION | {
        "heightens_concern": True,
        "heightens_concern_reason": "A knife was seen at the address.",
        "has_confidential_information": True,
        "confidential_holder": "DI Khan, Public Protection Unit",
    }
    response = _answer(client, police_system, police_request.pk, data)
    assert response.status_code == 201
    body = response.json()
    assert body["recorded_by"] == "Police case system (partner system)"
    contribution = Contribution.objects.get(pk=body["id"])
    assert contribution.submitted_by_client_id == police_system[0].pk
    assert contribution.heightens_concern and contribution.confidential_holder
    police_request.refresh_from_db()
    assert police_request.status == InformationRequest.Status.ANSWERED
    event = AuditEvent.objects.get(action="sharing.contribution_recorded")
    assert {"MA-2", "MA-4", "CO-5"} <= set(event.rule_ids)


def test_the_same_key_and_body_replays_the_first_answer(client, asked, police_system):
    police_request, _health = asked
    first = _answer(client, police_system, police_request.pk, INFORMATION)
    again = _answer(client, police_system, police_request.pk, INFORMATION)
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["id"] == first.json()["id"]
    assert police_request.contributions.count() == 1


def test_the_same_key_with_a_different_body_is_refused(client, asked, police_system):
    police_request, _health = asked
    _answer(client, police_system, police_request.pk, INFORMATION)
    changed = INFORMATION | {"information": "Three call-outs."}
    response = _answer(client, police_system, police_request.pk, changed)
    assert response.status_code == 409
    assert "Idempotency-Key" in response.json()["message"]
    assert police_request.contributions.count() == 1


def test_the_idempotency_key_is_required(client, asked, police_system):
    police_request, _health = asked
    response = _answer(client, police_system, police_request.pk, INFORMATION, key=None)
    assert response.status_code == 422
    assert "Idempotency-Key" in response.json()["message"]
    assert response.json()["message"].startswith("The answer was not accepted.")


def test_a_newer_answer_than_the_one_seen_is_a_conflict(client, asked, police_system, polly):
    police_request, _health = asked
    first = _answer(client, police_system, police_request.pk, INFORMATION).json()
    sharing.record_contribution(
        police_request,
        by=polly,
        answer=sharing.Answer(kind="INFORMATION", information="Update.", analysis="Worse."),
        seen_latest=first["id"],
    )
    stale = INFORMATION | {"updates_answer_id": first["id"], "information": "Our update."}
    response = _answer(client, police_system, police_request.pk, stale, key="answer-0002")
    assert response.status_code == 409
    assert police_request.contributions.count() == 2


def test_the_latest_answer_seen_lets_an_update_through(client, asked, police_system):
    police_request, _health = asked
    first = _answer(client, police_system, police_request.pk, INFORMATION).json()
    update = INFORMATION | {"updates_answer_id": first["id"], "information": "A third call-out."}
    response = _answer(client, police_system, police_request.pk, update, key="answer-0002")
    assert response.status_code == 201
    assert Contribution.objects.get(pk=response.json()["id"]).updates_id is not None


def test_missing_parts_of_an_answer_are_each_explained(client, asked, police_system):
    police_request, _health = asked
    response = _answer(client, police_system, police_request.pk, {"kind": "INFORMATION"})
    assert response.status_code == 422
    messages = [error["message"] for error in response.json()["errors"]]
    assert "Enter the information your agency holds." in messages
    assert any("analysis" in message for message in messages)
    assert not police_request.contributions.exists()


def test_awaiting_needs_when_how_and_from_whom(client, asked, police_system):
    police_request, _health = asked
    response = _answer(client, police_system, police_request.pk, {"kind": "AWAITING"})
    assert response.status_code == 422
    rules = {error["rules"] for error in response.json()["errors"]}
    assert any("MA-3" in rule for rule in rules)
    asked_at = (timezone.now() - timezone.timedelta(hours=1)).isoformat()
    awaiting = {
        "kind": "AWAITING",
        "awaiting_asked_at": asked_at,
        "awaiting_method": "EMAIL",
        "awaiting_from_name": "Jo Adeyemi",
        "awaiting_from_designation": "Records officer",
    }
    ok = _answer(client, police_system, police_request.pk, awaiting, key="answer-0002")
    assert ok.status_code == 201
    police_request.refresh_from_db()
    assert police_request.status == InformationRequest.Status.AWAITING


def test_a_time_without_its_utc_offset_is_explained(client, asked, police_system):
    police_request, _health = asked
    awaiting = {
        "kind": "AWAITING",
        "awaiting_asked_at": "2026-12-01T10:00:00",
        "awaiting_method": "EMAIL",
        "awaiting_from_name": "Jo Adeyemi",
        "awaiting_from_designation": "Records officer",
    }
    response = _answer(client, police_system, police_request.pk, awaiting)
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "awaiting_asked_at"
    assert "timezone" in response.json()["message"]


def test_an_unknown_kind_is_a_plain_schema_error(client, asked, police_system):
    police_request, _health = asked
    response = _answer(client, police_system, police_request.pk, {"kind": "MAYBE"})
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "kind"


def test_no_answers_once_the_contact_is_closed(client, asked, police_system, sam, meera):
    police_request, health_request = asked
    contact = police_request.contact
    _answer(client, police_system, police_request.pk, INFORMATION)
    sharing.close_unanswered(health_request, by=sam, reason="Health will share at the meeting.")
    sharing.recommend_after_checks(contact, by=sam, analysis="a", outcome="NFA", rationale="r")
    contacts.decide(contact, by=meera, agrees=True, outcome="NFA", rationale="r")
    contacts.close_contact(contact, by=sam)
    response = _answer(client, police_system, police_request.pk, INFORMATION, key="answer-0002")
    assert response.status_code == 422
    assert "closed" in response.json()["message"]
    detail = client.get(f"{BASE}/{police_request.pk}", headers=_headers(police_system)).json()
    assert detail["contact_open"] is False


def test_a_repeat_concern_carries_the_previous_answer(
    client, make_contact, sam, priya, police_system
):
    first = screen_at_threshold(make_contact(), checked_by=sam, screened_by=priya)
    [earlier] = _ask(first, sam, "police")
    previous = _answer(client, police_system, earlier.pk, INFORMATION).json()
    second = make_contact(people=[child()])
    contacts.link_person(second.children().get(), person=first.children().get().person, by=sam)
    second = screen_at_threshold(second, checked_by=sam, screened_by=priya)
    [repeat] = _ask(second, sam, "police")
    detail = client.get(f"{BASE}/{repeat.pk}", headers=_headers(police_system)).json()
    assert detail["is_repeat"] is True  # MA-5
    assert detail["previous_answer"]["id"] == previous["id"]
    assert detail["previous_answer"]["information"] == INFORMATION["information"]


# --------------------------------------------------------------------------- export (MA-8)


def test_the_export_holds_only_what_this_agency_shared(client, asked, police_system, health_system):
    police_request, health_request = asked
    _answer(client, police_system, police_request.pk, INFORMATION)
    health_answer = {"kind": "NIL_RETURN"}
    assert _answer(client, health_system, health_request.pk, health_answer).status_code == 201
    today = timezone.localdate().isoformat()
    response = client.get(
        f"/api/v1/exports/information-shared?date_from={today}&date_to={today}",
        headers=_headers(police_system),
    )
    assert response.status_code == 200
    body = response.json()
    assert [column["key"] for column in body["columns"]][:3] == ["reference", "children", "agency"]
    assert len(body["rows"]) == 1
    row = body["rows"][0]
    assert row["reference"] == police_request.contact.reference
    assert row["information"] == INFORMATION["information"]
    assert row["agency"] == police_request.agency.name
    event = AuditEvent.objects.get(action="api.exported")
    assert event.actor_name == "Partner API: Police case system"


@pytest.mark.parametrize(
    ("date_from", "date_to", "message"),
    [
        ("2026-12-02", "2026-12-01", "date_to must be the same as or after date_from."),
        ("2024-01-01", "2026-01-01", "Ask for at most a year at a time."),
    ],
)
def test_a_bad_export_range_is_explained(client, police_system, date_from, date_to, message):
    response = client.get(
        f"/api/v1/exports/information-shared?date_from={date_from}&date_to={date_to}",
        headers=_headers(police_system),
    )
    assert response.status_code == 422
    assert response.json()["message"] == message


def test_the_openapi_document_describes_the_sharing_endpoints(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert {"get"} <= set(paths[f"{BASE}"])
    assert "post" in paths[f"{BASE}/{{request_id}}/answers"]
    assert "get" in paths["/api/v1/exports/information-shared"]
