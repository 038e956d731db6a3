"""A decided contact, built through the real services (conftest personas)."""

from __future__ import annotations

import pytest

from conftest import child, screen_at_threshold, share_checks
from mash.contacts import services
from mash.contacts.models import Contact

PARENT = services.PersonDetails(
    kind="ADULT",
    given_names="Dana",
    family_name="Smyth",
    address="12 Elm Road\nNorthampton",
    postcode="NN1 1AA",
    relationship_to_child="Mother",
    has_parental_responsibility=True,
)
OTHER_PARENT = services.PersonDetails(
    kind="ADULT",
    given_names="Rob",
    family_name="Kettering",
    address="99 Willow Close, Corby",
    postcode="NN17 2QQ",
    relationship_to_child="Father",
    has_parental_responsibility=True,
    lives_in_household=False,
)
NEIGHBOUR = {
    "referrer_source": "1B",
    "referrer_name": "Mrs Gwendolyn Harbottle",
    "referrer_phone": "01632 960321",
    "referrer_email": "gwen.harbottle@example.org",
    "referrer_address": "3 Larch Lane\nNorthampton\nNN1 2BB",
    "referrer_relationship": "Neighbour who hears shouting through the wall",
}
TEACHER = {
    "referrer_source": "2A",
    "referrer_name": "Ms Teacher",
    "referrer_organisation": "Brook Primary School",
    "referrer_email": "teacher@brook.example.org",
}


@pytest.fixture
def decide_contact(carys, sam, priya, meera, polly):
    """decide_contact(outcome, referrer=..., people=..., ...) -> Contact, decided by Meera
    after the police answered (their answer is in the record, never in a letter)."""

    def make(
        outcome: str = "S17",
        *,
        referrer=None,
        people=None,
        hold=False,
        reason="",
        signposting: str = "",
        **details,
    ) -> Contact:
        contact = services.record_contact(
            by=carys,
            people=people or [child(), PARENT],
            **_details(referrer or TEACHER, details),
        )
        screen_at_threshold(contact, checked_by=sam, screened_by=priya)
        share_checks(contact, asked_by=sam, partner=polly)
        services.recommend_outcome(
            contact,
            by=sam,
            outcome=outcome,
            rationale="Rationale: private reasoning.",
            analysis="The police call-outs and the bruise together worry us.",
        )
        services.decide(
            contact,
            by=meera,
            agrees=True,
            outcome=outcome,
            rationale="Decision rationale that must stay private.",
            signposting=signposting,
            team=services.suggested_team(contact, outcome),
            hold_parent_letters=hold,
            hold_reason=reason,
        )
        contact.refresh_from_db()
        return contact

    return make


def _details(referrer: dict, details: dict) -> dict:
    from conftest import contact_details

    values = contact_details(**{"referrer_phone": "", **referrer})
    values.update(details)
    return values
