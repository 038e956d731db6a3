"""The referral journey through the services: every verb, its rules, clocks and audit."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from conftest import child, contact_details, share_checks
from mash.audit.models import AuditEvent
from mash.contacts import services
from mash.contacts.models import Contact, ContactPerson, ContactTransition
from mash.core.errors import ApplicationError, NotPermitted, TransitionNotAllowed
from mash.people.models import Involvement, Person

LONDON = ZoneInfo("Europe/London")
pytestmark = pytest.mark.django_db


def _check_all(contact: Contact, by) -> None:
    for person in contact.people.filter(kind=ContactPerson.Kind.CHILD):
        services.confirm_new_person(person, by=by)


def _screen(contact, by, *, level=None, rag="AMBER", **extra):
    from mash.contacts.clocks import profile_of

    levels = profile_of(contact).threshold_model.levels
    meets = [lvl for lvl in levels if lvl.meets_social_care_threshold]
    below = [lvl for lvl in levels if not lvl.meets_social_care_threshold]
    code = level or (meets[-1].code if rag != "GREEN" else below[0].code)
    values = {"consent": "GIVEN", "rationale": "Meets the threshold."}
    values.update(extra)
    return services.screen_contact(contact, by=by, threshold_level=code, rag=rag, **values)


def test_whole_journey_records_who_when_why_and_rules(received, sam, priya, meera, polly):
    _check_all(received, sam)
    screening = _screen(received, priya, rag="RED")
    received.refresh_from_db()
    assert received.status == Contact.Status.INFORMATION_SHARING
    red_clock = received.clocks.get(rule_id="TS-2")
    assert red_clock.started_at == screening.screened_at
    share_checks(received, asked_by=sam, partner=polly)
    services.recommend_outcome(
        received,
        by=sam,
        outcome="S47",
        rationale="Injury and history.",
        analysis="Police call-outs and the injury together suggest significant harm.",
    )
    decision = services.decide(
        received,
        by=meera,
        agrees=True,
        outcome="S47",
        rationale="Strategy discussion today.",
        team=services.suggested_team(received, "S47"),
    )
    services.close_contact(received, by=sam, note="Passed to the assessment team.")
    received.refresh_from_db()
    assert received.status == Contact.Status.CLOSED
    assert decision.outcome == "S47"
    moves = list(
        ContactTransition.objects.filter(contact=received).values_list("to_status", flat=True)
    )
    assert moves == [
        "RECEIVED",
        "INFORMATION_SHARING",
        "AWAITING_RECOMMENDATION",
        "AWAITING_DECISION",
        "DECIDED",
        "CLOSED",
    ]
    decided = ContactTransition.objects.get(contact=received, to_status="DECIDED")
    assert decided.by == meera and "TS-1" in decided.rule_ids and decided.reason
    assert received.clocks.get(rule_id="TS-1").met_at == decision.decided_at
    assert received.clocks.get(rule_id="TS-2").met_at is not None
    actions = set(
        AuditEvent.objects.filter(contact_id=received.pk).values_list("action", flat=True)
    )
    assert {
        "contact.recorded",
        "contact.screened",
        "contact.recommended",
        "contact.decided",
        "contact.closed",
        "contact.moved",
        "contact.person_confirmed_new",
    } <= actions


def test_green_screening_skips_checks_and_starts_no_rag_clock(received, sam, priya):
    _check_all(received, sam)
    _screen(received, priya, rag="GREEN")
    received.refresh_from_db()
    assert received.status == Contact.Status.AWAITING_RECOMMENDATION
    assert not received.clocks.filter(rule_id__in=["TS-2", "TS-3"]).exists()


def test_amber_starts_ts3_with_its_explanation(received, sam, priya):
    _check_all(received, sam)
    _screen(received, priya, rag="AMBER")
    clock = received.clocks.get(rule_id="TS-3")
    assert clock.explanation[0].startswith("Rule TS-3")
    assert clock.due_at > clock.started_at


def test_screening_needs_every_child_checked_first(make_contact, priya, sam):
    contact = make_contact(people=[child(), child(given_names="Amelia")])
    services.confirm_new_person(contact.children().first(), by=sam)
    with pytest.raises(ApplicationError, match="Amelia") as error:
        _screen(contact, priya)
    assert "SC-4" in error.value.rule_ids
    contact.refresh_from_db()
    assert contact.status == Contact.Status.RECEIVED


def test_rag_must_fit_the_threshold_level(received, sam, priya):
    _check_all(received, sam)
    from mash.contacts.clocks import profile_of

    meets = next(
        lvl
        for lvl in profile_of(received).threshold_model.levels
        if lvl.meets_social_care_threshold
    )
    with pytest.raises(ApplicationError, match="red or amber") as error:
        services.screen_contact(
            received,
            by=priya,
            threshold_level=meets.code,
            rag="GREEN",
            consent="GIVEN",
            rationale="x",
        )
    assert error.value.field == "rag"


def test_consent_override_needs_a_reason(received, sam, priya):
    _check_all(received, sam)
    with pytest.raises(ApplicationError) as error:
        _screen(received, priya, consent="OVERRIDDEN")
    assert error.value.field == "consent_override_reason" and "CO-2" in error.value.rule_ids
    assert (
        _screen(
            received,
            priya,
            consent="OVERRIDDEN",
            consent_override_reason="Father is the alleged perpetrator.",
        ).consent
        == "OVERRIDDEN"
    )


def test_only_managers_screen_and_decide(received, sam, carys, aled):
    _check_all(received, sam)
    for user in (sam, carys, aled):
        with pytest.raises(NotPermitted):
            _screen(received, user)


def test_the_recommender_cannot_decide(received, sam, priya, meera):
    _check_all(received, sam)
    _screen(received, priya, rag="GREEN")
    services.recommend_outcome(received, by=priya, outcome="EARLY_HELP", rationale="Needs support.")
    with pytest.raises(NotPermitted, match="another manager"):
        services.decide(received, by=priya, agrees=True, outcome="EARLY_HELP", rationale="ok")
    decision = services.decide(
        received,
        by=meera,
        agrees=False,
        outcome="NFA",
        rationale="Family already supported by school.",
        signposting="Family Information Service",
    )
    assert not decision.agrees_with_recommendation and decision.outcome == "NFA"


def test_agreeing_means_the_recommended_outcome(received, sam, priya, meera):
    _check_all(received, sam)
    _screen(received, priya, rag="GREEN")
    services.recommend_outcome(received, by=sam, outcome="EARLY_HELP", rationale="Needs support.")
    with pytest.raises(ApplicationError) as error:
        services.decide(received, by=meera, agrees=True, outcome="S17", rationale="x")
    assert error.value.field == "outcome"


def test_a_green_contact_is_sent_back_for_a_new_recommendation_not_checks(
    received, sam, priya, meera
):
    """SC-6: a green contact had no partner checks, so there is no round to repeat (it would
    start an amber clock nobody could meet)."""
    _check_all(received, sam)
    _screen(received, priya, rag="GREEN")
    services.recommend_outcome(received, by=sam, outcome="NFA", rationale="Nothing further.")
    with pytest.raises(ApplicationError, match="green contact") as error:
        services.return_contact(
            received, by=meera, to=Contact.Status.INFORMATION_SHARING, reason="Ask health."
        )
    assert error.value.field == "to"
    assert not received.clocks.filter(rule_id__in=["TS-2", "TS-3"]).exists()
    services.return_contact(
        received, by=meera, to=Contact.Status.AWAITING_RECOMMENDATION, reason="Say why NFA."
    )
    received.refresh_from_db()
    assert received.status == Contact.Status.AWAITING_RECOMMENDATION


def test_illegal_moves_are_refused(received, sam):
    with pytest.raises(TransitionNotAllowed):
        services.close_contact(received, by=sam)
    with pytest.raises(TransitionNotAllowed):
        services.recommend_outcome(received, by=sam, outcome="NFA", rationale="x")


def test_intake_refuses_bad_input_and_saves_nothing(carys):
    before = Contact.objects.count()
    cases = [
        ({"people": []}, "children"),
        ({"concern_summary": "  "}, "concern_summary"),
        ({"received_at": timezone.now() + timedelta(days=1)}, "received_at"),
        ({"referrer_source": "9"}, "referrer_name"),
        ({"parents_aware": "NO"}, "parents_not_informed_reason"),
    ]
    for overrides, field in cases:
        people = overrides.pop("people", [child()])
        with pytest.raises(ApplicationError) as error:
            services.record_contact(by=carys, people=people, **contact_details(**overrides))
        assert error.value.field == field
    assert Contact.objects.count() == before


def test_several_children_and_adults_in_one_household(make_contact):
    adult = services.PersonDetails(
        kind="ADULT",
        given_names="Dean",
        family_name="Smyth",
        has_parental_responsibility=True,
        is_alleged_perpetrator=True,
    )
    contact = make_contact(people=[child(), child(given_names="Amelia"), adult])
    assert contact.children().count() == 2
    dean = contact.adults().get()
    assert dean.roles() == [
        "Parental responsibility",
        "Alleged perpetrator",
        "Lives in the household",
    ]


def test_csc_status_follows_the_children_history(make_contact, sam):
    known = Person.objects.create(given_names="Jayden", family_name="Smyth")
    Involvement.objects.create(person=known, service="CIN", started_on=timezone.localdate())
    contact = make_contact()
    services.link_person(contact.children().get(), person=known, by=sam)
    contact.refresh_from_db()
    assert contact.csc_status == Contact.CscStatus.OPEN


def test_closed_involvement_means_closed_case(make_contact, sam):
    known = Person.objects.create(given_names="Jayden", family_name="Smyth")
    today = timezone.localdate()
    Involvement.objects.create(
        person=known,
        service="EARLY_HELP",
        started_on=today - timedelta(days=90),
        ended_on=today - timedelta(days=10),
    )
    contact = make_contact()
    services.link_person(contact.children().get(), person=known, by=sam)
    contact.refresh_from_db()
    assert contact.csc_status == Contact.CscStatus.CLOSED


def test_intake_clocks_by_referrer(make_contact):
    professional_phone = make_contact()
    assert set(professional_phone.clocks.values_list("rule_id", flat=True)) == {
        "TS-1",
        "TS-4",
        "TS-5",
    }
    anonymous = make_contact(referrer_source="9", referrer_name="", referrer_phone="")
    assert set(anonymous.clocks.values_list("rule_id", flat=True)) == {"TS-1"}
    neighbour_phone = make_contact(referrer_source="1B")
    assert set(neighbour_phone.clocks.values_list("rule_id", flat=True)) == {"TS-1", "TS-5"}


def test_due_time_is_stored_at_the_event_from_the_profile(make_contact):
    received_at = datetime(2026, 11, 24, 10, 30, tzinfo=LONDON)  # scenario: TS-1 Tuesday 10:30
    contact = make_contact(received_at=received_at)
    clock = contact.clocks.get(rule_id="TS-1")
    assert clock.due_at == datetime(2026, 11, 25, 10, 30, tzinfo=LONDON)
    assert any("TS-1" in line for line in clock.explanation)


def test_follow_ups_meet_their_clocks_and_stay_after_closing(received, sam):
    services.record_written_confirmation(received, by=sam, note="MARF emailed by the school.")
    services.record_acknowledgement(received, by=sam, note="Phoned the teacher.")
    assert not received.clocks.filter(rule_id__in=["TS-4", "TS-5"], met_at__isnull=True).exists()
    with pytest.raises(ApplicationError, match="no open TS-4"):
        services.record_written_confirmation(received, by=sam, note="again")


def test_one_open_clock_per_rule_is_enforced_by_the_database(received):
    clock = received.clocks.get(rule_id="TS-1")
    with pytest.raises(IntegrityError), transaction.atomic():
        type(clock).objects.create(
            contact=received,
            rule_id="TS-1",
            label="dup",
            started_at=clock.started_at,
            due_at=clock.due_at,
        )


def test_audit_events_cannot_be_changed_or_deleted(received):
    event = AuditEvent.objects.filter(contact_id=received.pk).first()
    with pytest.raises(Exception, match="append-only"), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(action="tampered")
    with pytest.raises(Exception, match="append-only"), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).delete()


def test_an_unnamed_adult_is_kept_not_dropped(make_contact):
    unnamed = services.PersonDetails(
        kind="ADULT", relationship_to_child="Mother's boyfriend", is_alleged_perpetrator=True
    )
    contact = make_contact(people=[child(), unnamed])
    adult = contact.adults().get()
    assert adult.is_alleged_perpetrator and adult.full_name == "Name not given"


def test_clock_states_due_overdue_met_and_met_late(received):
    from mash.contacts.selectors import clock_views

    clock = received.clocks.get(rule_id="TS-1")
    before, after = clock.due_at - timedelta(minutes=1), clock.due_at + timedelta(minutes=1)
    assert [v.state for v in clock_views(received, before) if v.clock.rule_id == "TS-1"] == ["due"]
    assert [v.state for v in clock_views(received, after) if v.clock.rule_id == "TS-1"] == [
        "overdue"
    ]
    clock.met_at = after
    clock.save()
    assert [v.state for v in clock_views(received, after) if v.clock.rule_id == "TS-1"] == [
        "met-late"
    ]
    clock.met_at = before
    clock.save()
    assert [v.state for v in clock_views(received, after) if v.clock.rule_id == "TS-1"] == ["met"]


def test_the_receiving_team_must_take_that_kind_of_outcome(received, sam, priya, meera):
    """MA-6, OU-1: early help goes to an early help team, s17 and s47 to social workers."""
    _check_all(received, sam)
    _screen(received, priya, rag="GREEN")
    services.recommend_outcome(received, by=sam, outcome="EARLY_HELP", rationale="Needs support.")
    with pytest.raises(ApplicationError) as error:
        services.decide(
            received,
            by=meera,
            agrees=True,
            outcome="EARLY_HELP",
            rationale="Support.",
            team=services.suggested_team(received, "S17"),
        )
    assert error.value.field == "team"
    from mash.contacts.clocks import profile_of

    label = profile_of(received).outcome("EARLY_HELP").label
    assert f"does not act on '{label}': choose the team that does" in error.value.message
    decision = services.decide(
        received,
        by=meera,
        agrees=True,
        outcome="EARLY_HELP",
        rationale="Support.",
        team=services.suggested_team(received, "EARLY_HELP"),
    )
    assert decision.passed_to.kind == "early_help"


def test_a_revised_outcome_keeps_the_managers_team_if_it_may_take_it(
    make_contact, settings, sam, priya, meera
):
    """DM-1 revises s17 to s47: Calderdale's Locality Team acts on both, so it stays."""
    from mash.accounts.services import sync_profile
    from mash.policy.profiles import active_profile

    settings.MASH_PROFILE = "calderdale"
    sync_profile(active_profile())
    contact = make_contact()
    _check_all(contact, sam)
    _screen(contact, priya, rag="GREEN")
    services.recommend_outcome(contact, by=sam, outcome="S17", rationale="Needs assessing.")
    services.decide(
        contact, by=meera, agrees=True, outcome="S17", rationale="Agreed.", team="locality"
    )
    services.revise_decision(contact, outcome="S47", by=meera, reason="Dispute resolved: s47.")
    contact.refresh_from_db()
    assert (contact.decision.outcome, contact.decision.passed_to.code) == ("S47", "locality")
    services.revise_decision(contact, outcome="NFA", by=meera, reason="Dispute resolved: NFA.")
    contact.refresh_from_db()
    assert contact.decision.passed_to is None
