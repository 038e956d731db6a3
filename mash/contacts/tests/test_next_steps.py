"""What each persona is offered next on a contact, step by step (the contact page's list)."""

from __future__ import annotations

import pytest

from conftest import child, screen_at_threshold, share_checks
from mash.contacts import services
from mash.contacts.next_steps import next_steps, nothing_to_do
from mash.disputes import services as disputes

pytestmark = pytest.mark.django_db


def offered(contact, user) -> list[str]:
    contact.refresh_from_db()
    children = list(contact.children())
    open_clocks = list(contact.clocks.filter(met_at__isnull=True))
    return [step.text for step in next_steps(contact, user, children, open_clocks)]


def test_before_history_checks_the_check_comes_first(received, carys, priya, aled):
    assert offered(received, carys) == [
        "Check history for Jayden Smyth",
        "Record the acknowledgement to the referrer",
        "Record the written confirmation",
    ]
    assert offered(received, priya)[:2] == [
        "Check history for Jayden Smyth",
        "Screen this contact when every child's history has been checked",
    ]
    assert offered(received, aled) == []
    assert nothing_to_do(received, received.clocks.all()) == "Nothing for your role at this stage."


def test_each_stage_offers_its_step_to_the_right_role(received, sam, priya, meera, polly, profile):
    services.confirm_new_person(received.children().get(), by=sam)
    assert "Screen this contact" in offered(received, priya)
    assert "Screen this contact" not in offered(received, sam)
    level = next(lvl for lvl in profile.threshold_model.levels if lvl.meets_social_care_threshold)
    services.screen_contact(
        received, by=priya, threshold_level=level.code, rag="RED", consent="GIVEN", rationale="r"
    )
    assert "Ask partner agencies for checks" in offered(received, sam)
    assert "Ask partner agencies for checks" not in offered(received, polly)
    share_checks(received, asked_by=sam, partner=polly)
    assert "Recommend an outcome" in offered(received, sam)
    services.recommend_outcome(received, by=sam, outcome="S17", rationale="r", analysis="a")
    assert {"Decide the outcome", "Send back without deciding"} <= set(offered(received, meera))
    assert "Decide the outcome" not in offered(received, sam)
    services.decide(
        received,
        by=meera,
        agrees=True,
        outcome="S17",
        rationale="r",
        team=services.suggested_team(received, "S17"),
    )
    assert "Close the contact" in offered(received, sam)
    services.close_contact(received, by=sam)
    services.record_acknowledgement(received, by=sam, note="n")
    services.record_written_confirmation(received, by=sam, note="n")
    assert offered(received, sam) == []
    assert nothing_to_do(received, []) == "Nothing: the contact is closed and nothing is owed."


def test_an_unnamed_child_can_be_recorded_new_so_screening_is_not_blocked(make_contact, sam):
    contact = make_contact(
        people=[child(given_names="", family_name="", school_or_nursery="Acorns")]
    )
    person = services.confirm_new_person(contact.children().get(), by=sam)
    assert person.full_name == "Name not given"
    assert contact.children().get().history_checked


@pytest.mark.parametrize(
    ("source", "consents", "disclosable"),
    [("2A", False, True), ("1B", False, False), ("1B", True, True), ("9", True, False)],
)
def test_referrer_details_are_disclosed_only_as_in_9_allows(
    source, consents, disclosable, make_contact
):
    anonymous = source == "9"
    contact = make_contact(
        referrer_source=source,
        referrer_consents_to_disclosure=consents,
        referrer_name="" if anonymous else "Sam Neighbour",
        referrer_phone="" if anonymous else "01632 960000",
    )
    assert contact.referrer_details_disclosable is disclosable


def test_the_dispute_step_is_offered_to_the_managers_at_its_level(
    received, sam, priya, meera, sonia, polly
):
    screen_at_threshold(received, checked_by=sam, screened_by=priya)
    share_checks(received, asked_by=sam, partner=polly)
    services.recommend_outcome(received, by=sam, outcome="S17", rationale="r", analysis="a")
    dispute = disputes.raise_dispute(received, by=polly, reason="Higher risk.")
    step = "The dispute is with the Team Managers: record its outcome"
    assert step in offered(received, meera)
    assert step not in offered(received, sam)  # a social worker cannot act at any level
    disputes.record_dispute_step(
        dispute, by=meera, result="ESCALATED", counterpart="DI Rees", note="No agreement."
    )
    assert "The dispute is with the Service Managers: record its outcome" in offered(
        received, sonia
    )
    assert not any("dispute is with" in text for text in offered(received, meera))
