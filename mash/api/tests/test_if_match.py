"""The partner API and optimistic locking (ADR 0016): a partner system may send the request's
version back as `If-Match`; an answer that crosses another change is refused with 409 and a
problem document, and nothing is saved."""

from __future__ import annotations

import json

import pytest

from conftest import screen_at_threshold
from mash.accounts.models import Agency
from mash.api.models import PartnerApiClient
from mash.sharing import services as sharing
from mash.sharing.models import Contribution

pytestmark = pytest.mark.django_db

BASE = "/api/v1/information-requests"
INFORMATION = {
    "kind": "INFORMATION",
    "information": "Two domestic call-outs in May.",
    "analysis": "An escalating pattern of violence while the children are at home.",
}


@pytest.fixture
def police_system(profile):
    agency = Agency.objects.filter(kind="police").order_by("code").first()
    return PartnerApiClient.issue(name="Police case system", agency=agency, referrer_source="6")


@pytest.fixture
def police_request(received, sam, priya, police_system):
    screened = screen_at_threshold(received, checked_by=sam, screened_by=priya)
    [request] = sharing.request_checks(
        screened,
        by=sam,
        agency_codes=[police_system[0].agency.code],
        concern_summary="Bruising seen at school.",
        question="What does your agency hold about this family?",
        legal_basis="CA1989_S47",
    )
    return request


def _headers(system, **extra: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {system[1]}", **extra}


def _answer(client, system, request, key, **headers):
    return client.post(
        f"{BASE}/{request.pk}/answers",
        json.dumps(INFORMATION),
        content_type="application/json",
        headers=_headers(system, **{"Idempotency-Key": key}, **headers),
    )


def test_reading_a_request_gives_its_version_and_etag(client, police_request, police_system):
    response = client.get(f"{BASE}/{police_request.pk}", headers=_headers(police_system))
    assert response.status_code == 200
    assert response.json()["version"] == police_request.version
    assert response["ETag"] == f'"{police_request.version}"'


def test_the_version_read_lets_the_answer_through(client, police_request, police_system):
    etag = client.get(f"{BASE}/{police_request.pk}", headers=_headers(police_system))["ETag"]
    response = _answer(client, police_system, police_request, "answer-0001", **{"If-Match": etag})
    assert response.status_code == 201
    police_request.refresh_from_db()
    assert police_request.version == int(etag.strip('"')) + 1


def test_a_request_changed_since_it_was_read_is_a_conflict(
    client, police_request, police_system, sam
):
    etag = client.get(f"{BASE}/{police_request.pk}", headers=_headers(police_system))["ETag"]
    sharing.chase_request(police_request, by=sam, note="Phoned the police MASH desk at 11am.")
    response = _answer(client, police_system, police_request, "answer-0002", **{"If-Match": etag})
    assert response.status_code == 409
    problem = response.json()
    assert problem["message"].startswith(
        "Someone else changed this information request while you were working on it: "
        "Sam Tester chased a partner agency on "
    )
    assert "Your changes have not been saved." in problem["message"]
    assert not Contribution.objects.filter(request=police_request).exists()


@pytest.mark.parametrize("value", ['"999"', "garbage", 'W/"0"'])
def test_a_wrong_or_unreadable_if_match_is_a_conflict_not_an_error(
    client, police_request, police_system, value
):
    response = _answer(client, police_system, police_request, "answer-0003", **{"If-Match": value})
    assert response.status_code == 409
    assert "message" in response.json()
    assert not Contribution.objects.filter(request=police_request).exists()


def test_without_if_match_the_answer_is_taken(client, police_request, police_system):
    assert _answer(client, police_system, police_request, "answer-0004").status_code == 201


def test_if_match_star_asks_for_no_check(client, police_request, police_system):
    response = _answer(client, police_system, police_request, "answer-0005", **{"If-Match": "*"})
    assert response.status_code == 201
