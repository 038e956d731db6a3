"""Closed contacts at chosen moments, built through the contact services (time-machine)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from conftest import screen_at_threshold, share_checks
from mash.accounts.models import Membership
from mash.contacts import services as contacts
from mash.contacts.models import Contact
from mash.policy.profiles import active_profile

LONDON = ZoneInfo("Europe/London")


def _below_threshold() -> str:
    return next(
        lvl.code
        for lvl in active_profile().threshold_model.levels
        if not lvl.leads_to_checks and not lvl.information_sharing
    )


@pytest.fixture
def close_contact(make_contact, sam, priya, meera, polly) -> Callable[..., Contact]:
    """`close_contact(at, outcome="NFA")`: a contact received, decided and closed at `at`.

    NFA goes below the threshold (GREEN, no checks); S17 or S47 is screened at the threshold,
    the police are asked and answer, and the case is passed to the suggested team."""
    Membership.objects.update(starts_at=datetime(2019, 1, 1, tzinfo=LONDON))

    def make(at: datetime, outcome: str = "NFA", **overrides) -> Contact:
        with time_machine.travel(at, tick=False):
            contact = make_contact(**overrides)
            if outcome == "NFA":
                for person in contact.children():
                    contacts.confirm_new_person(person, by=sam)
                contacts.screen_contact(
                    contact,
                    by=priya,
                    threshold_level=_below_threshold(),
                    rag="GREEN",
                    consent="GIVEN",
                    rationale="Below the threshold.",
                )
                contacts.recommend_outcome(contact, by=sam, outcome="NFA", rationale="Advice.")
                contacts.decide(contact, by=meera, agrees=True, outcome="NFA", rationale="Agreed.")
            else:
                screen_at_threshold(contact, checked_by=sam, screened_by=priya)
                share_checks(contact, asked_by=sam, partner=polly)
                contacts.recommend_outcome(
                    contact, by=sam, outcome=outcome, rationale="Injury.", analysis="Call-outs."
                )
                contacts.decide(
                    contact,
                    by=meera,
                    agrees=True,
                    outcome=outcome,
                    rationale="Assessment needed.",
                    team=contacts.suggested_team(contact, outcome),
                )
            contacts.close_contact(contact, by=meera)
        contact.refresh_from_db()
        return contact

    return make
