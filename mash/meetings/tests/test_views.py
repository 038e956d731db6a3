"""MASH meeting pages through the test client: a discussion added after the record was
issued is a 409 with what was typed kept; an agency's copy leaves out the meeting's notes."""

from __future__ import annotations

import pytest
from django.utils import timezone

from conftest import screen_at_threshold
from mash.accounts.models import Agency
from mash.meetings import services as meetings
from mash.meetings.services import Attendee
from mash.sharing import services as sharing

pytestmark = pytest.mark.django_db


@pytest.fixture
def issued(received, sam, priya, meera, polly):
    """A meeting about a contact the police were asked about, with notes, issued."""
    screen_at_threshold(received, checked_by=sam, screened_by=priya)
    sharing.request_checks(
        received,
        by=sam,
        agency_codes=[polly.primary_agency().code],
        concern_summary="c",
        question="q",
        legal_basis="CA1989_S47",
    )
    police = Agency.objects.get(pk=polly.primary_agency().pk)
    meeting = meetings.record_mash_meeting(
        by=sam,
        held_at=timezone.now(),
        chair=meera,
        attendees=[Attendee(police.code, "DS Hughes")],
        notes="The Smith family case was deferred to tomorrow.",
    )
    meetings.discuss_case(meeting, by=sam, contact=received, analysis="Risk.", recommendation="S47")
    meetings.issue_meeting(meeting, by=meera)
    return meeting


def test_a_discussion_after_issue_is_a_conflict_keeping_the_text(client, issued, sam, make_contact):
    other = make_contact()
    client.force_login(sam)
    response = client.post(
        f"/meetings/{issued.pk}/",
        {
            "reference": other.reference,
            "analysis": "Typed before the issue.",
            "recommendation": "NFA",
        },
    )
    page = response.content.decode()
    assert response.status_code == 409
    assert "has been issued to the agencies, so it cannot change" in page
    assert "Typed before the issue." in page
    assert issued.cases.count() == 1


def test_an_agency_s_copy_leaves_out_the_meeting_s_notes(client, issued, polly, sam):
    client.force_login(polly)
    page = client.get(f"/meetings/{issued.pk}/").content.decode()
    assert "Your agency&#39;s copy (MA-7)" in page and "Risk." in page
    assert "deferred to tomorrow" not in page
    client.force_login(sam)
    assert "deferred to tomorrow" in client.get(f"/meetings/{issued.pk}/").content.decode()
