"""Who, agency, role and why on every event, filled in by record() (ADR 0010, CO-4)."""

from __future__ import annotations

import pytest

from mash.audit.services import record

pytestmark = pytest.mark.django_db


def test_a_user_event_carries_their_agency_and_roles(sam, csc):
    event = record(actor=sam, action="queue.viewed")
    assert event.agency == csc and event.roles == ["MASH_SOCIAL_WORKER"]
    assert event.actor_name == "Sam Tester" and event.purpose == ""


def test_a_partner_system_is_its_role(police):
    event = record(
        actor=None, actor_name="Partner API: Niche", agency=police, action="api.exported"
    )
    assert event.roles == ["PARTNER_SYSTEM"] and event.agency == police


def test_the_public_has_no_role(db):
    event = record(actor=None, action="contact.recorded")
    assert event.roles == [] and event.actor_name == "System or public"


def test_purpose_is_the_stated_one_else_the_searchs_else_the_legal_basis(sam, received):
    assert record(actor=sam, action="queue.viewed", purpose="Complaint 42").purpose == (
        "Complaint 42"
    )
    searched = record(actor=sam, action="person.searched", data={"purpose": "Find a child"})
    assert searched.purpose == "Find a child"


def test_an_unregistered_action_is_refused(sam):
    with pytest.raises(KeyError, match="unregistered audit action"):
        record(actor=sam, action="contact.peeked")
