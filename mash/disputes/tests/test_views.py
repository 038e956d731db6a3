"""Dispute pages through the test client: a step on a dispute that moved on meanwhile is a
409 with what was typed kept, and partners see the ladder without the managers' notes."""

from __future__ import annotations

import pytest

from conftest import screen_at_threshold, share_checks
from mash.contacts import services as contacts
from mash.disputes import services as disputes

pytestmark = pytest.mark.django_db


@pytest.fixture
def dispute(received, sam, priya, polly):
    screen_at_threshold(received, checked_by=sam, screened_by=priya)
    share_checks(received, asked_by=sam, partner=polly)
    contacts.recommend_outcome(received, by=sam, outcome="S17", rationale="r", analysis="a")
    return disputes.raise_dispute(received, by=polly, reason="The risk is higher.")


STEP = {
    "result": "ESCALATED",
    "counterpart": "DI Rees, police",
    "note": "We could not agree on the bruising.",
    "seen_level": "TEAM_MANAGERS",
}


def test_a_step_on_a_dispute_escalated_meanwhile_is_a_conflict_keeping_the_note(
    client, dispute, meera
):
    disputes.record_dispute_step(
        dispute, by=meera, result="ESCALATED", counterpart="x", note="First."
    )
    client.force_login(meera)
    response = client.post(f"/disputes/{dispute.pk}/", STEP)
    page = response.content.decode()
    assert response.status_code == 409
    assert "escalated to the Service Managers while you were working on it" in page
    assert "We could not agree on the bruising." in page
    assert 'name="seen_level" value="SERVICE_MANAGERS"' in page  # a resend is about that level
    assert dispute.steps.count() == 1


def test_a_step_on_a_resolved_dispute_is_a_conflict(client, dispute, meera):
    disputes.record_dispute_step(
        dispute, by=meera, result="RESOLVED", outcome="S17", counterpart="x", note="Agreed."
    )
    client.force_login(meera)
    response = client.post(f"/disputes/{dispute.pk}/", STEP)
    assert response.status_code == 409
    assert "nothing was saved" in response.content.decode()


def test_someone_off_the_ladder_is_refused(client, dispute, sam):
    client.force_login(sam)
    assert client.post(f"/disputes/{dispute.pk}/", STEP).status_code == 403
    assert dispute.steps.count() == 0


def test_the_raising_agency_sees_each_step_but_not_the_managers_notes(
    client, dispute, meera, polly
):
    disputes.record_dispute_step(
        dispute, by=meera, result="ESCALATED", counterpart="DI Rees", note="Health said more."
    )
    client.force_login(polly)
    page = client.get(f"/disputes/{dispute.pk}/").content.decode()
    assert "Team Managers" in page and "not resolved: escalated" in page.lower()
    assert "Health said more." not in page
    client.force_login(meera)
    assert "Health said more." in client.get(f"/disputes/{dispute.pk}/").content.decode()
