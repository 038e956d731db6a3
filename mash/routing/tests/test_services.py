"""Routing and the pathways through the service layer, per profile (IN-6, IN-10, IN-12, SC-7,
SC-8, TS-6, TS-7, TS-9, TS-10, SP-1 … SP-4, OU-6): suggestions, decisions, overrides with
reasons, required routes, tasks and their clocks, and what shows in the timeline and audit."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from django.utils import timezone

from conftest import screen_at_threshold
from mash.audit.models import AuditEvent
from mash.contacts import services as contacts
from mash.contacts.models import Contact
from mash.contacts.selectors import contact_activity
from mash.core.errors import ApplicationError, InvalidInput, NotPermitted
from mash.meetings import services as meetings
from mash.meetings.services import Attendee
from mash.routing import pathways, tasks
from mash.routing import services as routing
from mash.routing.models import RouteDecision, Task
from mash.routing.selectors import inbox
from mash.routing.tests.conftest import known_child, link_children

pytestmark = pytest.mark.django_db
Status = Contact.Status
TODAY = timezone.localdate()


def _route(contact: Contact):
    contact.refresh_from_db()
    return routing.current_suggestion(contact)


def _task(contact: Contact, kind: str) -> Task:
    return contact.tasks.get(kind=kind)


def _all_new(contact: Contact, by) -> None:
    """Every child confirmed new to the service (the history check, SC-4)."""
    for person in contact.children():
        contacts.confirm_new_person(person, by=by)


def _level(profile, *, checks: bool):
    return next(
        lvl
        for lvl in profile.threshold_model.levels
        if lvl.leads_to_checks == checks and not lvl.information_sharing
    )


# --------------------------------------------------------------------------- open cases (IN-6)


def test_an_open_case_goes_to_the_allocated_worker_and_not_through_screening(
    make_contact, sam, carys, priya, profile
):
    person = known_child(team="childrens-team", worker="Ann Worker", started=date(2026, 3, 2))
    contact = make_contact()
    assert _route(contact).pending  # the history decides the route (SC-4)
    link_children(contact, person, by=sam)
    suggestion = _route(contact)
    assert (suggestion.destination, suggestion.team.code, suggestion.worker) == (
        "ALLOCATED_WORKER",
        "childrens-team",
        "Ann Worker",
    )
    assert suggestion.rule_ids == ["IN-6"]
    with pytest.raises(ApplicationError, match="route this contact to Children's Team"):
        screen_at_threshold(contact, checked_by=sam, screened_by=priya)

    routing.accept_route(contact, by=carys)
    contact.refresh_from_db()
    assert contact.status == Status.PASSED_ON
    assert contact.held_by.code == "childrens-team"
    assert list(inbox(contact.held_by)) == [contact]

    routing.confirm_receipt(contact, by=carys, note="Ann Worker has it and will visit.")
    contact.refresh_from_db()
    assert contact.status == Status.CLOSED
    assert contact.transitions.last().reason.startswith("Received by Children's Team")


def test_a_manager_can_keep_it_for_screening_with_a_reason_shown_in_timeline_and_audit(
    make_contact, sam, priya, meera, profile
):
    person = known_child(team="childrens-team", worker="Ann Worker", started=date(2026, 3, 2))
    contact = make_contact()
    link_children(contact, person, by=sam)

    with pytest.raises(NotPermitted):
        routing.choose_route(contact, by=sam, destination="MASH_SCREENING", team="", reason="x")
    with pytest.raises(InvalidInput) as error:
        routing.choose_route(contact, by=meera, destination="MASH_SCREENING", team="", reason=" ")
    assert error.value.problems[0].field == "reason"

    reason = "The allocated worker left last week; the MASH screens it and tells the manager."
    decision = routing.choose_route(
        contact, by=meera, destination="MASH_SCREENING", team="", reason=reason
    )
    assert decision.overridden and decision.reason == reason
    event = AuditEvent.objects.get(action="routing.overridden", contact_id=contact.pk)
    assert event.data["reason"] == reason and event.data["suggested"] == "ALLOCATED_WORKER"
    assert event.rule_ids == ["IN-6"]
    timeline = contact_activity(contact)
    assert any(item["detail"] == reason for item in timeline)
    screen_at_threshold(contact, checked_by=sam, screened_by=priya)  # now allowed
    assert contact.status == Status.INFORMATION_SHARING


def test_the_receiving_team_can_send_it_back_to_the_mash(make_contact, sam, carys, priya, profile):
    person = known_child(team="childrens-team", worker="Ann Worker", started=date(2026, 3, 2))
    contact = make_contact()
    link_children(contact, person, by=sam)
    routing.accept_route(contact, by=carys)
    routing.return_to_mash(contact, by=carys, reason="The case closed yesterday: not ours.")
    contact.refresh_from_db()
    assert (contact.status, contact.held_by) == (Status.RECEIVED, None)
    screen_at_threshold(contact, checked_by=sam, screened_by=priya)
    assert contact.status == Status.INFORMATION_SHARING


def test_only_some_children_open_means_screening_and_telling_the_allocated_worker(
    make_contact, sam, profile
):
    from conftest import child

    open_child = known_child(team="childrens-team", worker="Ann Worker", started=date(2026, 1, 5))
    contact = make_contact(people=[child(), child(given_names="Mia")])
    first, second = contact.children()
    contacts.link_person(first, person=open_child, by=sam)
    contacts.confirm_new_person(second, by=sam)
    assert _route(contact).destination == "MASH_SCREENING"
    assert "Ann Worker" in _task(contact, "TELL_ALLOCATED_WORKER").label


# --------------------------------------------------------------------------- early help (SC-7)


@pytest.mark.profile("rotherham")
def test_rotherham_early_help_goes_to_the_named_worker_unless_harm(make_contact, sam, profile):
    person = known_child(
        service="EARLY_HELP", team="early-help", worker="Eve Helper", started=date(2026, 6, 1)
    )
    quiet = make_contact(concern_summary="Parent asks for help with routines.")
    link_children(quiet, person, by=sam)
    assert (_route(quiet).destination, _route(quiet).worker) == ("EARLY_HELP_WORKER", "Eve Helper")

    harm = make_contact(child_protection_concern=True)
    link_children(harm, person, by=sam)
    suggestion = _route(harm)
    assert suggestion.destination == "MASH_SCREENING"
    assert "suggests harm" in suggestion.explained()[0].reason
    assert "Eve Helper" in _task(harm, "CONSULT_EARLY_HELP").label


# --------------------------------------------------------------------------- TS-10


@pytest.mark.profile("calderdale")
@pytest.mark.parametrize(
    ("ended", "destination"),
    [(TODAY, "PREVIOUS_TEAM"), (TODAY - timedelta(days=400), "MASH_SCREENING")],
    ids=["closed-today", "closed-over-a-year-ago"],
)
def test_calderdale_recent_closure_to_dct_goes_back_to_its_inbox(
    make_contact, sam, profile, ended, destination
):
    person = known_child(service="DCT", team="dct", started=date(2024, 1, 8), ended=ended)
    contact = make_contact()
    link_children(contact, person, by=sam)
    suggestion = _route(contact)
    assert suggestion.destination == destination
    if destination == "PREVIOUS_TEAM":
        assert suggestion.team.code == "dct" and suggestion.rule_ids == ["TS-10"]
        assert "within 3 months of closing" in suggestion.explained()[0].quote


# --------------------------------------------------------------------------- SP-3 FGM


@pytest.mark.profile("rotherham")
def test_fgm_is_always_information_sharing_and_cannot_be_overridden(
    make_contact, sam, priya, meera, profile
):
    contact = make_contact(concern_categories=["fgm"])
    _all_new(contact, sam)
    suggestion = _route(contact)
    assert (suggestion.destination, suggestion.required) == ("MASH_INFORMATION_SHARING", True)
    with pytest.raises(ApplicationError, match="SP-3 requires this route"):
        routing.choose_route(contact, by=meera, destination="MASH_SCREENING", team="", reason="x")
    below = _level(profile, checks=False)
    with pytest.raises(ApplicationError, match=r"SP-3") as error:
        contacts.screen_contact(
            contact,
            by=priya,
            threshold_level=below.code,
            rag="GREEN",
            consent="GIVEN",
            rationale="Below threshold.",
        )
    assert error.value.field == "rag"
    contacts.screen_contact(
        contact,
        by=priya,
        threshold_level=below.code,
        rag="AMBER",
        consent="GIVEN",
        rationale="FGM: partners share information (SP-3).",
    )
    contact.refresh_from_db()
    assert contact.status == Status.INFORMATION_SHARING


@pytest.mark.profile("rotherham")
def test_a_concern_typed_after_intake_changes_the_route(make_contact, sam, carys, profile):
    contact = make_contact()
    _all_new(contact, sam)
    assert _route(contact).destination == "MASH_SCREENING"
    routing.set_concern_categories(contact, by=carys, categories=["fgm", "neglect"])
    assert _route(contact).destination == "MASH_INFORMATION_SHARING"
    with pytest.raises(ApplicationError):
        routing.set_concern_categories(contact, by=carys, categories=["not-a-concern"])


def test_the_mash_information_sharing_level_needs_red_or_amber(make_contact, sam, priya, settings):
    settings.MASH_PROFILE = "rotherham"
    from mash.accounts.services import sync_profile
    from mash.policy.profiles import active_profile

    sync_profile(active_profile())
    contact = make_contact()
    _all_new(contact, sam)
    with pytest.raises(ApplicationError, match="asks partner agencies"):
        contacts.screen_contact(
            contact,
            by=priya,
            threshold_level="mash-information-sharing",
            rag="GREEN",
            consent="GIVEN",
            rationale="Not clear.",
        )


# --------------------------------------------------------------------------- SP-2 missing


@pytest.mark.profile("rotherham")
def test_missing_goes_to_the_coordinators_first_then_where_their_review_says(
    make_contact, sam, priya, profile
):
    person = known_child(team="duty-assessment", worker="Ann Worker", started=date(2025, 1, 6))
    contact = make_contact(concern_categories=["missing"])
    link_children(contact, person, by=sam)
    suggestion = _route(contact)
    assert (suggestion.destination, suggestion.required) == ("MISSING_COORDINATORS", True)
    assert contact.held_by.code == "missing"
    with pytest.raises(ApplicationError, match="must go to Missing Coordinators first"):
        screen_at_threshold(contact, checked_by=sam, screened_by=priya)

    pathways.record_missing_review(
        contact, by=sam, outcome="OPEN_CASE", note="Open to Duty & Assessment; Ann told."
    )
    contact.refresh_from_db()
    assert (contact.status, contact.held_by.code) == (Status.PASSED_ON, "duty-assessment")
    assert not _task(contact, "MISSING_REVIEW").is_open


@pytest.mark.profile("rotherham")
@pytest.mark.parametrize(
    ("outcome", "status", "strategy_task"),
    [
        ("VULNERABILITY", Status.RECEIVED, False),
        ("SIGNIFICANT_HARM", Status.RECEIVED, True),
        ("NONE", Status.PASSED_ON, False),
    ],
)
def test_missing_review_outcomes(make_contact, sam, priya, profile, outcome, status, strategy_task):
    contact = make_contact(concern_categories=["missing"])
    _all_new(contact, sam)
    pathways.record_missing_review(contact, by=sam, outcome=outcome, note="Reviewed today.")
    contact.refresh_from_db()
    assert contact.status == status
    assert contact.tasks.filter(kind="STRATEGY_MEETING").exists() == strategy_task
    if status == Status.RECEIVED:
        screen_at_threshold(contact, checked_by=sam, screened_by=priya)  # the MASH screens it


def test_missing_is_not_a_pathway_in_northamptonshire(make_contact, sam, profile):
    contact = make_contact(concern_categories=["missing"])
    assert not contact.tasks.filter(kind="MISSING_REVIEW").exists()
    with pytest.raises(ApplicationError, match="does not use SP-2"):
        pathways.record_missing_review(contact, by=sam, outcome="NONE", note="n/a")


# --------------------------------------------------------------------------- SP-1


@pytest.mark.profile("rotherham")
def test_domestic_abuse_review_clock_and_high_risk_tasks(make_contact, sam, profile):
    from conftest import child

    friday_evening = datetime(2026, 11, 27, 18, 0, tzinfo=UTC)
    contact = make_contact(
        people=[child(school_or_nursery="Oakwood Primary")],
        concern_categories=["domestic_abuse"],
        received_at=friday_evening,
    )
    review = _task(contact, "DOMESTIC_ABUSE_REVIEW")
    ts6 = contact.clocks.get(rule_id="TS-6")
    assert ts6.due_at == datetime(2026, 11, 30, 18, 0, tzinfo=UTC) == review.due_at
    with pytest.raises(ApplicationError, match="safety and protection plan"):
        pathways.record_domestic_abuse_review(contact, by=sam, risk="HIGH", plan="")

    pathways.record_domestic_abuse_review(
        contact, by=sam, risk="HIGH", plan="Mother and children to refuge; police marker."
    )
    ts6.refresh_from_db()
    assert ts6.met_at is not None
    kinds = set(contact.tasks.filter(done_at__isnull=True).values_list("kind", flat=True))
    assert kinds == {"MARAC_REFERRAL", "MADA_MEETING", "ALERT_SCHOOL", "ALERT_HEALTH"}
    assert "Oakwood Primary" in _task(contact, "ALERT_SCHOOL").label
    mada = _task(contact, "MADA_MEETING")
    # TS-7: the close of the next working day after the notification (Monday 17:00).
    assert mada.due_at == datetime(2026, 11, 30, 17, 0, tzinfo=UTC)
    tasks.complete_task(mada, by=sam, note="MADA held with police, school and health.")
    assert contact.clocks.get(rule_id="TS-7").met_at is not None


@pytest.mark.profile("rotherham")
def test_standard_risk_starts_no_high_risk_tasks(make_contact, sam, profile):
    contact = make_contact(concern_categories=["domestic_abuse"])
    pathways.record_domestic_abuse_review(contact, by=sam, risk="STANDARD", plan="")
    assert not contact.tasks.filter(kind="MARAC_REFERRAL").exists()
    assert not contact.clocks.filter(rule_id="TS-7").exists()


def test_domestic_abuse_has_no_review_clock_without_sp1(make_contact, profile):
    contact = make_contact(concern_categories=["domestic_abuse"])
    assert not contact.clocks.filter(rule_id="TS-6").exists()
    assert not contact.tasks.exists()


# --------------------------------------------------------------------------- IN-10, IN-12, SP-4


def test_a_possible_offence_makes_a_police_informed_task_due_immediately(
    make_contact, carys, profile
):
    contact = make_contact(possible_offence=True)
    task = _task(contact, "POLICE_INFORMED")
    assert task.due_at == contact.received_at and task.rule_ids == ["IN-12"]
    tasks.complete_task(task, by=carys, note="PC 1234 Jones told by phone at 10:05.")
    contact.refresh_from_db()
    assert contact.police_informed
    told = make_contact(possible_offence=True, police_informed=True)
    assert not told.tasks.filter(kind="POLICE_INFORMED").exists()


def test_a_child_protection_concern_needs_a_manager_to_see_it(make_contact, sam, priya, profile):
    contact = make_contact(child_protection_concern=True)
    task = _task(contact, "MANAGER_ATTENTION")
    assert task.due_at == contact.received_at
    with pytest.raises(NotPermitted):
        tasks.complete_task(task, by=sam, note="seen")
    tasks.complete_task(task, by=priya, note="")
    task.refresh_from_db()
    assert task.done_by == priya and task.note == "Seen"


def test_a_mental_health_admission_prompts_considering_a_referral(make_contact, profile):
    contact = make_contact(concern_categories=["mental_health_admission"])
    assert _task(contact, "CONSIDER_REFERRAL").rule_ids == ["SP-4"]


# --------------------------------------------------------------------------- SC-8


@pytest.mark.profile("calderdale")
def test_dct_criteria_then_decision_then_route_and_strategy_invitation(
    make_contact, sam, priya, meera, profile
):
    contact = make_contact(concern_categories=["disability"])
    _all_new(contact, sam)
    assert _task(contact, "DCT_ELIGIBILITY").is_open
    with pytest.raises(ApplicationError, match="Check the criteria first"):
        pathways.record_dct_decision(contact, by=priya, decision="MET", decided_by="A", note="b")

    pathways.record_dct_eligibility(contact, by=sam, criteria=["autism"])
    assert not contact.tasks.filter(kind="DCT_DISCUSSION").exists()  # autism alone: not eligible
    pathways.record_dct_eligibility(contact, by=sam, criteria=["autism", "learning-disability"])
    assert _task(contact, "DCT_DISCUSSION").is_open

    pathways.record_dct_decision(
        contact, by=priya, decision="MET", decided_by="Dee Manager (DCT)", note="Severe needs."
    )
    suggestion = _route(contact)
    assert (suggestion.destination, suggestion.team.code) == ("DCT", "dct")
    assert not _task(contact, "DCT_DISCUSSION").is_open

    # The DCT is invited to any strategy meeting (SC-8, OU-2), whatever the form said.
    routing.choose_route(
        contact,
        by=meera,
        destination="MASH_SCREENING",
        team="",
        reason="A strategy meeting is needed today; the DCT joins it.",
    )
    screen_at_threshold(contact, checked_by=sam, screened_by=priya)
    attendees = [Attendee("police", "DS Hughes"), Attendee("health", "Nurse Patel")]
    with pytest.raises(InvalidInput, match="invite the Disabled Children's Team"):
        meetings.record_strategy_discussion(
            contact,
            by=sam,
            kind="MEETING",
            held_at=timezone.now() - timedelta(minutes=5),
            chair=meera,
            attendees=attendees,
            outcome="S47",
            rationale="Disclosure.",
        )


# --------------------------------------------------------------------------- OU-6, TS-9


@pytest.mark.profile("rotherham")
def test_cross_boundary_disagreement_goes_to_senior_managers_within_24_hours(
    make_contact, sam, profile
):
    contact = make_contact()
    with pytest.raises(InvalidInput) as error:
        pathways.record_cross_boundary(
            contact, by=sam, other_authority="Leeds", position="ACCEPTED", note="Phoned."
        )
    assert error.value.problems[0].field == "written_acceptance"
    with pytest.raises(InvalidInput, match="only within South Yorkshire"):
        pathways.record_cross_boundary(
            contact, by=sam, other_authority="Leeds", position="REGION_ORIGINATING", note="x"
        )
    pathways.record_cross_boundary(
        contact, by=sam, other_authority="Leeds", position="DISAGREED", note="Leeds say we act."
    )
    task = _task(contact, "CROSS_BOUNDARY_ESCALATION")
    assert task.due_at == contact.received_at + timedelta(hours=24)
    assert task.clock_rule == "TS-9"
    pathways.record_cross_boundary(
        contact,
        by=sam,
        other_authority="Leeds",
        position="ACCEPTED",
        note="Leeds accept.",
        written_acceptance="Email from Leeds duty manager, 2 December, 14:10.",
    )
    task.refresh_from_db()
    assert not task.is_open
    assert contact.clocks.get(rule_id="TS-9").met_at is not None
    pathways.record_cross_boundary(
        contact,
        by=sam,
        other_authority="Sheffield",
        position="REGION_ORIGINATING",
        note="Sheffield progress the s47 enquiry.",
    )


def test_cross_boundary_has_no_region_outside_south_yorkshire(make_contact, sam, profile):
    contact = make_contact()
    with pytest.raises(InvalidInput, match="a region the profile names"):
        pathways.record_cross_boundary(
            contact, by=sam, other_authority="Sheffield", position="REGION_ORIGINATING", note="x"
        )


def test_route_decisions_need_a_reason_when_overridden_in_the_database(make_contact, sam, meera):
    from django.db import IntegrityError, transaction

    contact = make_contact()
    suggestion = routing.current_suggestion(contact)
    with pytest.raises(IntegrityError), transaction.atomic():
        RouteDecision.objects.create(
            contact=contact,
            suggestion=suggestion,
            destination="MASH_SCREENING",
            overridden=True,
            reason="",
            decided_by=meera,
            decided_at=timezone.now(),
        )


@pytest.mark.parametrize(("kind", "outcome"), [("made_up", "MET"), ("dct_decision", "")])
def test_pathway_reviews_have_a_known_kind_and_an_outcome_in_the_database(
    make_contact, sam, kind, outcome
):
    from django.db import IntegrityError, transaction

    from mash.routing.models import PathwayReview

    with pytest.raises(IntegrityError), transaction.atomic():
        PathwayReview.objects.create(
            contact=make_contact(),
            kind=kind,
            rule_id="SC-8",
            outcome=outcome,
            recorded_by=sam,
            recorded_at=timezone.now(),
        )


# --------------------------------------------------------------------------- SC-7 screening


def _clearly_met(contact: Contact, sam, priya) -> Contact:
    """Rotherham: every child new, screened red at the clearly-met level (SC-7)."""
    _all_new(contact, sam)
    contacts.screen_contact(
        contact,
        by=priya,
        threshold_level="duty-assessment",
        rag="RED",
        consent="GIVEN",
        rationale="Clearly met: disclosure.",
    )
    contact.refresh_from_db()
    return contact


@pytest.mark.profile("rotherham")
def test_rotherham_clearly_met_goes_to_the_duty_team_without_information_sharing(
    make_contact, sam, priya, profile
):
    contact = _clearly_met(make_contact(), sam, priya)
    assert contact.status == Status.AWAITING_RECOMMENDATION
    assert not contact.clocks.filter(rule_id__in=["TS-2", "TS-3"]).exists()
    assert "SC-7" in contact.transitions.last().rule_ids
    assert contacts.suggested_team(contact, "S47") == "duty-assessment"


@pytest.mark.profile("rotherham")
def test_fgm_is_information_sharing_even_when_clearly_met(make_contact, sam, priya, profile):
    contact = _clearly_met(make_contact(concern_categories=["fgm"]), sam, priya)
    assert contact.status == Status.INFORMATION_SHARING
    assert "SP-3" in contact.transitions.last().rule_ids


@pytest.mark.profile("rotherham")
def test_a_household_only_partly_open_to_early_help_is_screened_with_the_worker_consulted(
    make_contact, sam, profile
):
    from conftest import child

    helped = known_child(
        service="EARLY_HELP", team="early-help", worker="Eve Helper", started=date(2026, 6, 1)
    )
    contact = make_contact(people=[child(), child(given_names="Mia")])
    first, second = contact.children()
    contacts.link_person(first, person=helped, by=sam)
    contacts.confirm_new_person(second, by=sam)
    assert _route(contact).destination == "MASH_SCREENING"
    assert "Eve Helper" in _task(contact, "CONSULT_EARLY_HELP").label


# --------------------------------------------------------------------------- after arrival


def _passed_on_open_case(make_contact, sam, carys, team="childrens-team", **details) -> Contact:
    person = known_child(team=team, worker="Ann Worker", started=date(2026, 3, 2))
    contact = make_contact(**details)
    link_children(contact, person, by=sam)
    routing.accept_route(contact, by=carys)
    contact.refresh_from_db()
    return contact


def test_passing_it_on_is_the_decision_on_the_type_of_response(make_contact, sam, carys, profile):
    """TS-1: the front door has decided the response when it passes the contact on."""
    contact = _passed_on_open_case(make_contact, sam, carys)
    ts1 = contact.clocks.get(rule_id="TS-1")
    assert ts1.met_at is not None and "Passed to" in ts1.met_note


def test_nothing_passes_on_while_a_task_due_now_is_open(make_contact, sam, carys, priya, profile):
    """IN-12 and OU-5 are done before the front door lets the contact go; IN-10 is done by
    the manager who routes it."""
    person = known_child(team="childrens-team", worker="Ann Worker", started=date(2026, 3, 2))
    contact = make_contact(possible_offence=True, child_protection_concern=True)
    link_children(contact, person, by=sam)
    with pytest.raises(InvalidInput) as error:
        routing.accept_route(contact, by=carys)
    said = [p.message for p in error.value.problems]
    assert any("Tell the police now" in m and "(IN-12)" in m for m in said)
    assert any("(IN-10)" in m for m in said)
    assert contact.route_decisions.count() == 0  # nothing was saved

    tasks.complete_task(_task(contact, "POLICE_INFORMED"), by=carys, note="PC 12 told, 10:05.")
    routing.accept_route(contact, by=priya)  # a manager: IN-10 is seen by routing it
    contact.refresh_from_db()
    assert contact.status == Status.PASSED_ON
    seen = _task(contact, "MANAGER_ATTENTION")
    assert seen.done_by == priya and "when routing it" in seen.note


@pytest.mark.profile("rotherham")
def test_receipt_waits_for_the_domestic_abuse_review(make_contact, sam, carys, profile):
    person = known_child(team="duty-assessment", worker="Ann Worker", started=date(2026, 3, 2))
    contact = make_contact(concern_categories=["domestic_abuse"])
    link_children(contact, person, by=sam)
    routing.accept_route(contact, by=carys)
    with pytest.raises(InvalidInput, match=r"Review the domestic abuse risk.*\(SP-1\)"):
        routing.confirm_receipt(contact, by=carys, note="Ann Worker has it.")
    contact.refresh_from_db()
    assert contact.status == Status.PASSED_ON

    pathways.record_domestic_abuse_review(contact, by=sam, risk="STANDARD", plan="")
    routing.confirm_receipt(contact, by=carys, note="Ann Worker has it.")
    contact.refresh_from_db()
    assert contact.status == Status.CLOSED


def test_a_contact_cannot_close_while_a_task_is_open(make_contact, sam, priya, meera, profile):
    """Closing would lose the allocated worker's news (IN-6): the task is done first."""
    from conftest import child

    person = known_child(team="childrens-team", worker="Ann Worker", started=date(2026, 3, 2))
    contact = make_contact(people=[child(), child(given_names="Mia")])
    first, second = contact.children()
    contacts.link_person(first, person=person, by=sam)
    contacts.confirm_new_person(second, by=sam)
    contacts.screen_contact(
        contact,
        by=priya,
        threshold_level=_level(profile, checks=False).code,
        rag="GREEN",
        consent="GIVEN",
        rationale="Below the threshold.",
    )
    contacts.recommend_outcome(contact, by=sam, outcome="NFA", rationale="Advice given.")
    contacts.decide(contact, by=meera, agrees=True, outcome="NFA", rationale="Agreed.")
    with pytest.raises(InvalidInput, match="Tell the allocated social worker of Jayden Smyth"):
        contacts.close_contact(contact, by=meera)
    tasks.complete_task(
        _task(contact, "TELL_ALLOCATED_WORKER"), by=sam, note="Emailed Ann Worker at 11:00."
    )
    contacts.close_contact(contact, by=meera)
    contact.refresh_from_db()
    assert contact.status == Status.CLOSED


def test_a_concern_added_after_screening_still_starts_its_tasks(
    make_contact, sam, carys, priya, settings
):
    settings.MASH_PROFILE = "rotherham"
    from mash.accounts.services import sync_profile
    from mash.policy.profiles import active_profile

    sync_profile(active_profile())
    contact = make_contact()
    screen_at_threshold(contact, checked_by=sam, screened_by=priya)
    before = list(contact.route_suggestions.values_list("pk", flat=True))
    routing.set_concern_categories(contact, by=carys, categories=["domestic_abuse"])
    assert _task(contact, "DOMESTIC_ABUSE_REVIEW").is_open
    assert contact.clocks.get(rule_id="TS-6").met_at is None
    assert list(contact.route_suggestions.values_list("pk", flat=True)) == before  # settled


@pytest.mark.profile("rotherham")
def test_a_concern_learnt_while_passed_on_routes_it_again_when_sent_back(
    make_contact, sam, carys, profile
):
    contact = _passed_on_open_case(make_contact, sam, carys, team="duty-assessment")
    routing.set_concern_categories(contact, by=carys, categories=["missing"])
    assert _task(contact, "MISSING_REVIEW").is_open
    routing.return_to_mash(contact, by=carys, reason="Missing again: the coordinators review it.")
    suggestion = _route(contact)
    assert (suggestion.destination, suggestion.required) == ("MISSING_COORDINATORS", True)
    assert contact.held_by.code == profile.pathway("SP-2").team


def test_accepting_needs_a_team_to_pass_it_to(make_contact, sam, carys, profile):
    contact = make_contact()
    _all_new(contact, sam)
    with pytest.raises(ApplicationError, match="no team to pass it to"):
        routing.accept_route(contact, by=carys)
    assert contact.route_decisions.count() == 0


# --------------------------------------------------------------------------- IN-10, IN-12 done


def test_the_manager_who_screens_it_has_seen_the_child_protection_concern(
    make_contact, sam, priya, profile
):
    contact = make_contact(child_protection_concern=True)
    screen_at_threshold(contact, checked_by=sam, screened_by=priya)
    task = _task(contact, "MANAGER_ATTENTION")
    assert task.done_by == priya and task.note == "Seen by Priya Tester when screening it"


def test_no_police_task_when_the_police_made_the_contact(make_contact, profile):
    """IN-12: the police already know what they reported."""
    contact = make_contact(possible_offence=True, referrer_source=Contact.ReferrerSource.POLICE)
    assert not contact.tasks.filter(kind="POLICE_INFORMED").exists()


def _quorate_strategy_discussion(contact: Contact, sam, meera) -> None:
    """Police and health present, chaired by a Team Manager (OU-2)."""
    meetings.record_strategy_discussion(
        contact,
        by=sam,
        kind="DISCUSSION",
        held_at=timezone.now() - timedelta(minutes=5),
        chair=meera,
        attendees=[Attendee("police", "DS Hughes"), Attendee("health", "Nurse Patel")],
        outcome="S47",
        rationale="Disclosure of assault.",
    )


def test_police_at_the_strategy_discussion_are_told(make_contact, sam, priya, meera, profile):
    contact = make_contact(possible_offence=True)
    screen_at_threshold(contact, checked_by=sam, screened_by=priya)
    _quorate_strategy_discussion(contact, sam, meera)
    task = _task(contact, "POLICE_INFORMED")
    assert not task.is_open and task.note.startswith("The police attended the strategy")
    contact.refresh_from_db()
    assert contact.police_informed


# --------------------------------------------------------------------------- SC-8 before screening


@pytest.mark.profile("calderdale")
def test_the_dct_decides_before_the_mash_screens(make_contact, sam, priya, profile):
    """SC-8: "if not met the contact follows the normal process", so screening waits."""
    contact = make_contact(concern_categories=["disability"])
    _all_new(contact, sam)
    with pytest.raises(ApplicationError, match=r"Check the Disabled Children's Team.*\(SC-8\)"):
        screen_at_threshold(contact, checked_by=sam, screened_by=priya)

    pathways.record_dct_eligibility(contact, by=sam, criteria=["learning-disability"])
    with pytest.raises(ApplicationError, match="Discuss the child"):
        screen_at_threshold(contact, checked_by=sam, screened_by=priya)

    # A corrected check: not eligible after all, so nothing is left to discuss.
    pathways.record_dct_eligibility(contact, by=sam, criteria=["autism"], note="Corrected.")
    assert not _task(contact, "DCT_DISCUSSION").is_open
    assert not pathways.dct_applies(contact)
    with pytest.raises(ApplicationError, match="Check the criteria first"):
        pathways.record_dct_decision(contact, by=priya, decision="MET", decided_by="D", note="x")
    screen_at_threshold(contact, checked_by=sam, screened_by=priya)
    assert contact.status == Status.INFORMATION_SHARING


# --------------------------------------------------------------------------- manager's route


def test_a_manager_can_pass_on_a_contact_the_procedures_would_screen(
    make_contact, sam, meera, profile
):
    contact = make_contact()
    _all_new(contact, sam)
    assert _route(contact).destination == "MASH_SCREENING"
    with pytest.raises(InvalidInput) as error:
        routing.choose_route(
            contact, by=meera, destination="EARLY_HELP_WORKER", team="childrens-team", reason="x"
        )
    assert error.value.problems[0].field == "team"
    assert "not a team for the named early help worker" in error.value.problems[0].message
    with pytest.raises(InvalidInput, match="leave the team empty"):
        routing.choose_route(
            contact, by=meera, destination="MASH_SCREENING", team="early-help", reason="x"
        )
    routing.choose_route(
        contact,
        by=meera,
        destination="EARLY_HELP_WORKER",
        team="early-help",
        reason="The family asked for early help; nothing suggests harm.",
    )
    contact.refresh_from_db()
    assert (contact.status, contact.held_by.code) == (Status.PASSED_ON, "early-help")


def test_information_sharing_chosen_by_a_manager_is_enforced_at_screening(
    make_contact, sam, priya, meera, profile
):
    person = known_child(team="childrens-team", worker="Ann Worker", started=date(2026, 3, 2))
    contact = make_contact()
    link_children(contact, person, by=sam)
    routing.choose_route(
        contact,
        by=meera,
        destination="MASH_INFORMATION_SHARING",
        team="",
        reason="Partners must be asked before the worker acts.",
    )
    with pytest.raises(ApplicationError) as error:
        screen_at_threshold(contact, checked_by=sam, screened_by=priya, rag="GREEN")
    assert error.value.rule_ids == ("IN-6",)
    assert error.value.message.startswith(
        "Meera Tester chose MASH information sharing: Partners must be asked"
    )
    screen_at_threshold(contact, checked_by=sam, screened_by=priya, rag="AMBER")
    assert contact.status == Status.INFORMATION_SHARING


def test_a_long_task_label_is_cut_to_fit(make_contact, sam, profile):
    name = "The Royal Borough of " + "Very Long Name " * 30
    contact = make_contact()
    pathways.record_cross_boundary(
        contact, by=sam, other_authority=name, position="DISAGREED", note="They say we act."
    )
    label = _task(contact, "CROSS_BOUNDARY_ESCALATION").label
    assert len(label) <= 300 and label.endswith("…")


@pytest.mark.profile("rotherham")
def test_the_missing_review_is_kept_when_a_task_due_now_holds_the_contact_back(
    make_contact, sam, carys, profile
):
    """Nothing is lost: the review is recorded and the route waits until the police know."""
    person = known_child(team="duty-assessment", worker="Ann Worker", started=date(2025, 1, 6))
    contact = make_contact(concern_categories=["missing"], possible_offence=True)
    link_children(contact, person, by=sam)
    pathways.record_missing_review(contact, by=sam, outcome="OPEN_CASE", note="Open to D&A.")
    contact.refresh_from_db()
    assert contact.status == Status.RECEIVED
    assert contact.pathway_reviews.get().outcome == "OPEN_CASE"
    assert _route(contact).destination == "ALLOCATED_WORKER"

    tasks.complete_task(_task(contact, "POLICE_INFORMED"), by=carys, note="PC 9 told.")
    routing.accept_route(contact, by=carys)
    contact.refresh_from_db()
    assert (contact.status, contact.held_by.code) == (Status.PASSED_ON, "duty-assessment")


# --------------------------------------------------------------------------- nothing stranded


@pytest.mark.profile("rotherham")
def test_a_missing_concern_learnt_after_screening_is_reviewed_and_the_contact_closes(
    make_contact, sam, carys, priya, meera, profile
):
    """SP-2 after the route is settled: the review is recorded, nothing is re-routed."""
    contact = make_contact()
    screen_at_threshold(contact, checked_by=sam, screened_by=priya)
    routing.set_concern_categories(contact, by=carys, categories=["missing"])
    assert _task(contact, "MISSING_REVIEW").is_open
    pathways.record_missing_review(contact, by=sam, outcome="VULNERABILITY", note="Third time.")
    contact.refresh_from_db()
    assert contact.status == Status.INFORMATION_SHARING
    assert not _task(contact, "MISSING_REVIEW").is_open
    assert not contact.route_decisions.exists()


@pytest.mark.profile("rotherham")
def test_a_concern_taken_off_closes_its_review_and_put_back_opens_it(
    make_contact, sam, carys, profile
):
    contact = make_contact(concern_categories=["domestic_abuse"])
    routing.set_concern_categories(contact, by=carys, categories=[])
    task = _task(contact, "DOMESTIC_ABUSE_REVIEW")
    assert not task.is_open
    assert task.note == "No longer applies: Carys Tester took 'Domestic abuse' off the concern."
    assert contact.tasks.filter(done_at__isnull=True).count() == 0  # nothing stops it closing

    routing.set_concern_categories(contact, by=carys, categories=["domestic_abuse"])
    task.refresh_from_db()
    assert task.is_open
    event = AuditEvent.objects.get(action="routing.task_reopened", contact_id=contact.pk)
    assert event.data["before"]["note"].startswith("No longer applies")


@pytest.mark.profile("calderdale")
def test_a_corrected_dct_check_undoes_the_dcts_route_and_eligible_again_asks_it_again(
    make_contact, sam, priya, profile
):
    """SC-8: the latest criteria check counts, and the DCT decides on it."""
    contact = make_contact(concern_categories=["disability"])
    _all_new(contact, sam)
    pathways.record_dct_eligibility(contact, by=sam, criteria=["learning-disability"])
    pathways.record_dct_decision(
        contact, by=priya, decision="MET", decided_by="Dee (DCT)", note="Severe needs."
    )
    assert _route(contact).destination == "DCT"

    pathways.record_dct_eligibility(contact, by=sam, criteria=[], note="Assessment was wrong.")
    assert _route(contact).destination == "MASH_SCREENING"
    assert routing.screening_blocker(contact) is None

    pathways.record_dct_eligibility(contact, by=sam, criteria=["physical-disability"])
    discussion = _task(contact, "DCT_DISCUSSION")
    assert discussion.is_open
    assert routing.screening_blocker(contact) is not None
    assert _route(contact).destination == "MASH_SCREENING"  # the old decision does not count
    pathways.record_dct_decision(
        contact, by=priya, decision="NOT_MET", decided_by="Dee (DCT)", note="Not complex."
    )
    assert routing.screening_blocker(contact) is None


def test_a_team_holding_it_after_emergency_action_records_the_strategy_discussion(
    make_contact, sam, carys, meera, profile
):
    """OU-5 on a case passed on: the strategy discussion is recorded there, then receipt."""
    from mash.accounts.models import Agency

    person = known_child(team="childrens-team", worker="Ann Worker", started=date(2026, 3, 2))
    contact = make_contact(immediate_protection_needed="YES")
    link_children(contact, person, by=sam)
    csc = Agency.objects.get(is_childrens_social_care=True)
    meetings.record_emergency_action(
        contact,
        by=sam,
        kind="EPO",
        taken_at=timezone.now() - timedelta(minutes=10),
        agency_code=csc.code,
        taken_by="Sam Tester",
        children_protected="Jayden.",
        other_children_considered="No other children.",
    )
    routing.accept_route(contact, by=carys)
    with pytest.raises(InvalidInput, match="strategy discussion"):
        routing.confirm_receipt(contact, by=carys, note="Ann has it.")
    _quorate_strategy_discussion(contact, sam, meera)
    routing.confirm_receipt(contact, by=carys, note="Ann has it.")
    contact.refresh_from_db()
    assert contact.status == Status.CLOSED


@pytest.mark.profile("rotherham")
def test_a_manager_recording_the_missing_review_has_seen_it(make_contact, sam, priya, profile):
    person = known_child(team="duty-assessment", worker="Ann Worker", started=date(2025, 1, 6))
    contact = make_contact(concern_categories=["missing"], child_protection_concern=True)
    link_children(contact, person, by=sam)
    pathways.record_missing_review(contact, by=priya, outcome="OPEN_CASE", note="Open to D&A.")
    contact.refresh_from_db()
    assert contact.status == Status.PASSED_ON
    assert _task(contact, "MANAGER_ATTENTION").done_by == priya


def test_a_passed_on_route_needs_a_team_that_is_not_the_mash(make_contact, sam, meera, profile):
    contact = make_contact()
    _all_new(contact, sam)
    with pytest.raises(InvalidInput) as error:
        routing.choose_route(
            contact, by=meera, destination="PREVIOUS_TEAM", team="mash", reason="Theirs."
        )
    assert error.value.problems[0].field == "team"
    assert "MASH is not a team for the previous team's inbox" in error.value.problems[0].message
