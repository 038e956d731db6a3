"""Multi-agency information sharing through its services: requests, consent, answers,
chasing, going ahead without an answer, finishing the checks (MA-2 … MA-6, CO-2 … CO-5)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from conftest import _persona, child, screen_at_threshold
from mash.accounts.models import Agency, Role
from mash.audit.models import AuditEvent
from mash.contacts import services as contacts
from mash.contacts.models import Contact
from mash.core.errors import (
    ApplicationError,
    Conflict,
    InvalidInput,
    NotPermitted,
    TransitionNotAllowed,
)
from mash.sharing import services as sharing
from mash.sharing.consent import consent_position
from mash.sharing.models import ConsentRecord, Contribution, InformationRequest

pytestmark = pytest.mark.django_db

Answer = sharing.Answer


def _screened(contact, sam, priya, *, rag="RED", **extra):
    return screen_at_threshold(contact, checked_by=sam, screened_by=priya, rag=rag, **extra)


def _ask(contact, by, *codes):
    return sharing.request_checks(
        contact,
        by=by,
        agency_codes=list(codes),
        concern_summary="Bruising seen at school.",
        question="What do you hold?",
        legal_basis="CA1989_S47",
    )


def _agency(kind: str, *, co_located: bool | None = None) -> Agency:
    found = Agency.objects.filter(kind=kind)
    if co_located is not None:
        found = found.filter(co_located=co_located)
    return found.order_by("code").first()


def _not_co_located() -> Agency:
    return Agency.objects.filter(co_located=False, is_childrens_social_care=False).first()


@pytest.fixture
def hana(profile):
    return _persona("hana", Role.PARTNER_OFFICER, _agency("health"))


@pytest.fixture
def screened(received, sam, priya):
    return _screened(received, sam, priya)


INFO = Answer(kind="INFORMATION", information="Two call-outs.", analysis="Escalating.")


# --------------------------------------------------------------------------- requests


def test_each_request_carries_the_rounds_rag_deadline_and_bases(screened, sam, polly):
    [request] = _ask(screened, sam, polly.primary_agency().code)
    clock = screened.clocks.get(rule_id="TS-2", met_at__isnull=True)
    assert request.clock == clock and request.due_at == clock.due_at
    assert request.rule_id == "TS-2" and request.rag == "RED"
    assert request.consent_basis == InformationRequest.ConsentBasis.CO_LOCATED  # CO-3
    assert request.legal_basis == "CA1989_S47"
    agreement = contacts.profile_of(screened).information_sharing_agreement.value
    assert request.sharing_agreement == agreement  # CO-4
    event = AuditEvent.objects.get(action="sharing.checks_requested")
    assert {"MA-2", "CO-3", "CO-4", "TS-2"} <= set(event.rule_ids)


def test_checks_are_only_asked_in_information_sharing(received, sam, polly, profile):
    with pytest.raises(TransitionNotAllowed, match="awaiting screening.*cannot be recorded"):
        _ask(received, sam, polly.primary_agency().code)


def test_partners_and_advisors_cannot_ask_for_checks(screened, polly, carys):
    for user in (polly, carys):
        with pytest.raises(NotPermitted):
            _ask(screened, user, "police")


def test_bad_request_lists_every_problem_and_saves_nothing(screened, sam):
    with pytest.raises(InvalidInput) as error:
        sharing.request_checks(
            screened, by=sam, agency_codes=[], concern_summary=" ", question="", legal_basis="x"
        )
    fields = {problem.field for problem in error.value.problems}
    assert fields == {"agencies", "concern_summary", "question", "legal_basis"}
    assert not InformationRequest.objects.exists()


def test_consent_is_not_a_legal_basis_without_consent(received, sam, priya, polly):
    contact = _screened(received, sam, priya, consent="OVERRIDDEN", consent_override_reason="r")
    with pytest.raises(InvalidInput, match="consent cannot be the legal basis"):
        sharing.request_checks(
            contact,
            by=sam,
            agency_codes=[polly.primary_agency().code],
            concern_summary="c",
            question="q",
            legal_basis="CONSENT",
        )
    assert not InformationRequest.objects.exists()


def test_the_children_s_social_care_agency_is_not_asked(screened, sam, csc):
    with pytest.raises(InvalidInput, match="from the list"):
        _ask(screened, sam, csc.code)


def test_one_open_request_per_agency(screened, sam, polly):
    code = polly.primary_agency().code
    _ask(screened, sam, code)
    with pytest.raises(InvalidInput, match="Already asked"):
        _ask(screened, sam, code)


# --------------------------------------------------------------------------- consent (CO-2, CO-3)


def test_an_agency_that_is_not_co_located_needs_consent(received, sam, priya):
    contact = _screened(received, sam, priya, rag="AMBER", consent="TO_BE_SOUGHT")
    housing = _not_co_located()
    with pytest.raises(InvalidInput) as error:
        _ask(contact, sam, housing.code)
    assert "need the parents' consent (CO-3)" in error.value.message
    assert set(error.value.problems[0].rule_ids) == {"CO-2", "CO-3"}


def test_a_child_protection_concern_needs_no_consent(make_contact, sam, priya):
    contact = make_contact(child_protection_concern=True)
    contact = _screened(contact, sam, priya, rag="AMBER", consent="TO_BE_SOUGHT")
    [request] = _ask(contact, sam, _not_co_located().code)
    assert request.consent_basis == InformationRequest.ConsentBasis.CHILD_PROTECTION


def test_red_is_a_child_protection_concern(received, sam, priya):
    contact = _screened(received, sam, priya, rag="RED", consent="TO_BE_SOUGHT")
    [request] = _ask(contact, sam, _not_co_located().code)
    assert request.consent_basis == InformationRequest.ConsentBasis.CHILD_PROTECTION


def test_only_a_manager_overrides_consent_and_the_override_is_recorded(received, sam, priya):
    contact = _screened(received, sam, priya, rag="AMBER", consent="TO_BE_SOUGHT")
    with pytest.raises(NotPermitted, match="Team or Practice Manager"):
        sharing.record_consent(contact, by=sam, position="OVERRIDDEN", detail="Risk.")
    with pytest.raises(ApplicationError, match="why seeking consent"):
        sharing.record_consent(contact, by=priya, position="OVERRIDDEN", detail=" ")
    sharing.record_consent(contact, by=priya, position="OVERRIDDEN", detail="Father is violent.")
    [request] = _ask(contact, sam, _not_co_located().code)
    assert request.consent_basis == InformationRequest.ConsentBasis.OVERRIDE
    assert "Priya" in request.consent_note and "Father is violent." in request.consent_note


def test_consent_given_later_allows_the_check(received, sam, priya):
    contact = _screened(received, sam, priya, rag="AMBER", consent="TO_BE_SOUGHT")
    sharing.record_consent(contact, by=sam, position="GIVEN", detail="Mother agreed by phone.")
    assert consent_position(contact).consented
    [request] = _ask(contact, sam, _not_co_located().code)
    assert request.consent_basis == InformationRequest.ConsentBasis.CONSENT
    sharing.record_consent(contact, by=sam, position="REFUSED", detail="Father refused.")
    assert consent_position(contact).position == ConsentRecord.Position.REFUSED


def test_screening_override_counts_as_the_managers_authorisation(received, sam, priya):
    contact = _screened(
        received,
        sam,
        priya,
        rag="AMBER",
        consent="OVERRIDDEN",
        consent_override_reason="Telling them would put the child at risk.",
    )
    [request] = _ask(contact, sam, _not_co_located().code)
    assert request.consent_basis == InformationRequest.ConsentBasis.OVERRIDE


# --------------------------------------------------------------------------- answers


def test_a_partner_answers_only_for_its_own_agency(screened, sam, polly, hana):
    police_request, health_request = _ask(
        screened, sam, polly.primary_agency().code, hana.primary_agency().code
    )
    with pytest.raises(NotPermitted):
        sharing.record_contribution(health_request, by=polly, answer=INFO)
    with pytest.raises(NotPermitted):
        sharing.record_contribution(police_request, by=sam, answer=INFO)
    answer = sharing.record_contribution(police_request, by=polly, answer=INFO)
    police_request.refresh_from_db()
    assert police_request.status == "ANSWERED" and police_request.first_answered_at
    assert answer.recorded_by == polly and "Polly" in answer.recorded_by_name


@pytest.mark.parametrize(
    ("answer", "fields"),
    [
        (Answer(kind="INFORMATION"), {"information", "analysis"}),
        (
            Answer(kind="AWAITING"),
            {
                "awaiting_asked_at",
                "awaiting_method",
                "awaiting_from_name",
                "awaiting_from_designation",
            },
        ),
        (Answer(kind="NIL_RETURN", heightens_concern=True), {"kind", "heightens_concern_reason"}),
        (
            Answer(
                kind="INFORMATION", information="i", analysis="a", has_confidential_information=True
            ),
            {"confidential_holder"},
        ),
        (Answer(kind="MAYBE"), {"kind"}),
    ],
)
def test_answers_are_checked_with_every_problem_at_once(screened, sam, polly, answer, fields):
    [request] = _ask(screened, sam, polly.primary_agency().code)
    with pytest.raises(InvalidInput) as error:
        sharing.record_contribution(request, by=polly, answer=answer)
    assert {problem.field for problem in error.value.problems} == fields
    assert not Contribution.objects.exists()


def test_awaiting_records_who_is_awaited_then_an_answer_follows(screened, sam, polly):
    [request] = _ask(screened, sam, polly.primary_agency().code)
    asked = timezone.now() - timedelta(minutes=20)
    awaiting = Answer(
        kind="AWAITING",
        awaiting_asked_at=asked,
        awaiting_method="EMAIL",
        awaiting_from_name="DC Rees",
        awaiting_from_designation="Child abuse investigation unit",
    )
    first = sharing.record_contribution(request, by=polly, answer=awaiting)
    request.refresh_from_db()
    assert request.status == "AWAITING" and request.first_answered_at is None
    assert first.awaiting_from_name == "DC Rees"
    answer = sharing.record_contribution(request, by=polly, answer=INFO, seen_latest=first.pk)
    request.refresh_from_db()
    assert request.status == "ANSWERED" and answer.updates == first
    with pytest.raises(InvalidInput, match="already answered"):
        sharing.record_contribution(request, by=polly, answer=awaiting, seen_latest=answer.pk)


def test_confidential_information_is_never_recorded_only_who_holds_it(screened, sam, polly):
    [request] = _ask(screened, sam, polly.primary_agency().code)
    answer = sharing.record_contribution(
        request,
        by=polly,
        answer=Answer(
            kind="INFORMATION",
            analysis="There is more the police cannot record here.",
            has_confidential_information=True,
            confidential_holder="DI Shah, intelligence unit, 01632 960555",
        ),
    )
    assert answer.information == "" and answer.confidential_holder.startswith("DI Shah")
    assert "CO-5" in AuditEvent.objects.get(action="sharing.contribution_recorded").rule_ids


def test_a_stale_answer_is_refused_with_who_answered(screened, sam, polly, police):
    colleague = _persona("pete", Role.PARTNER_OFFICER, police)
    [request] = _ask(screened, sam, police.code)
    sharing.record_contribution(request, by=colleague, answer=INFO, seen_latest="")
    with pytest.raises(Conflict, match="Pete Tester"):
        sharing.record_contribution(request, by=polly, answer=INFO, seen_latest="")
    assert request.contributions.count() == 1


def test_answers_after_the_analysis_are_marked_and_heighten_concern(screened, sam, polly, meera):
    [request] = _ask(screened, sam, polly.primary_agency().code)
    first = sharing.record_contribution(request, by=polly, answer=INFO)
    sharing.complete_checks(screened, by=sam)
    late = sharing.record_contribution(
        request,
        by=polly,
        answer=Answer(
            kind="INFORMATION",
            information="New: a knife was found.",
            analysis="Higher risk.",
            heightens_concern=True,
            heightens_concern_reason="Weapon in the home.",
        ),
        seen_latest=first.pk,
    )
    assert late.after_analysis and late.heightens_concern
    assert (
        "MA-4" in AuditEvent.objects.filter(action="sharing.contribution_recorded").last().rule_ids
    )


def test_no_answers_once_the_contact_is_closed(screened, sam, polly, meera):
    [request] = _ask(screened, sam, polly.primary_agency().code)
    answer = sharing.record_contribution(request, by=polly, answer=INFO)
    sharing.recommend_after_checks(screened, by=sam, analysis="a", outcome="NFA", rationale="r")
    contacts.decide(screened, by=meera, agrees=True, outcome="NFA", rationale="r")
    contacts.close_contact(screened, by=sam)
    with pytest.raises(ApplicationError, match="closed"):
        sharing.record_contribution(request, by=polly, answer=INFO, seen_latest=answer.pk)


# --------------------------------------------------------------------------- repeat concerns (MA-5)


def test_a_repeat_concern_says_so_and_points_at_the_previous_answer(
    make_contact, sam, priya, polly
):
    first = _screened(make_contact(), sam, priya)
    [earlier] = _ask(first, sam, polly.primary_agency().code)
    previous = sharing.record_contribution(earlier, by=polly, answer=INFO)
    person = first.children().get().person
    second = make_contact(people=[child()])
    contacts.link_person(second.children().get(), person=person, by=sam)
    second = _screened(second, sam, priya)
    [repeat] = _ask(second, sam, polly.primary_agency().code)
    assert repeat.is_repeat and repeat.previous_contribution == previous
    update = sharing.record_contribution(repeat, by=polly, answer=INFO)
    assert update.updates == previous
    assert "MA-5" in AuditEvent.objects.filter(action="sharing.checks_requested").last().rule_ids


def test_a_new_child_is_not_a_repeat_concern(screened, sam, polly):
    [request] = _ask(screened, sam, polly.primary_agency().code)
    assert not request.is_repeat and request.previous_contribution is None


def test_an_answer_from_a_later_contact_is_not_a_previous_answer(make_contact, sam, priya, polly):
    first = _screened(make_contact(), sam, priya)
    second = make_contact(people=[child()])
    contacts.link_person(second.children().get(), person=first.children().get().person, by=sam)
    second = _screened(second, sam, priya)
    [later] = _ask(second, sam, polly.primary_agency().code)
    sharing.record_contribution(later, by=polly, answer=INFO)
    # Asked on the first contact only now: the later contact's answer is not "previous".
    [earlier] = _ask(first, sam, polly.primary_agency().code)
    assert earlier.previous_contribution is None


# --------------------------------------------------------------------------- chasing, finishing


def test_chasing_and_going_ahead_without_an_answer(screened, sam, carys, polly, hana):
    police_request, health_request = _ask(
        screened, sam, polly.primary_agency().code, hana.primary_agency().code
    )
    sharing.chase_request(health_request, by=carys, note="Phoned the health desk.")
    sharing.chase_request(health_request, by=carys, note="Emailed again.")
    health_request.refresh_from_db()
    assert health_request.times_chased == 2 and health_request.last_chased_at
    with pytest.raises(NotPermitted):
        sharing.chase_request(health_request, by=polly, note="x")
    sharing.record_contribution(police_request, by=polly, answer=INFO)
    with pytest.raises(ApplicationError, match="Still waiting for"):
        sharing.complete_checks(screened, by=sam)
    with pytest.raises(NotPermitted):
        sharing.close_unanswered(health_request, by=carys, reason="x")
    sharing.close_unanswered(health_request, by=sam, reason="The decision cannot wait.")
    with pytest.raises(Conflict, match="no longer waiting"):
        sharing.chase_request(health_request, by=sam, note="late")
    sharing.complete_checks(screened, by=sam)
    screened.refresh_from_db()
    assert screened.status == Contact.Status.AWAITING_RECOMMENDATION
    clock = screened.clocks.get(rule_id="TS-2")
    assert clock.met_at is not None and "1 of 2 agencies answered" in clock.met_note


def test_a_closed_request_takes_a_late_answer_but_not_awaiting(screened, sam, polly):
    [request] = _ask(screened, sam, polly.primary_agency().code)
    sharing.close_unanswered(request, by=sam, reason="The decision cannot wait.")
    awaiting = Answer(
        kind="AWAITING",
        awaiting_asked_at=timezone.now() - timedelta(hours=1),
        awaiting_method="EMAIL",
        awaiting_from_name="Jo Adeyemi",
        awaiting_from_designation="Records officer",
    )
    with pytest.raises(InvalidInput, match="no longer waiting"):
        sharing.record_contribution(request, by=polly, answer=awaiting)
    request.refresh_from_db()
    assert request.status == InformationRequest.Status.CLOSED_UNANSWERED
    sharing.record_contribution(request, by=polly, answer=INFO)  # late, but never lost
    request.refresh_from_db()
    assert request.status == InformationRequest.Status.ANSWERED and not request.is_open


def test_checks_cannot_finish_without_asking_anyone(screened, sam):
    with pytest.raises(ApplicationError, match="at least one partner agency"):
        sharing.complete_checks(screened, by=sam)


def test_recommending_after_checks_needs_the_analysis(screened, sam, polly):
    [request] = _ask(screened, sam, polly.primary_agency().code)
    sharing.record_contribution(request, by=polly, answer=INFO)
    with pytest.raises(InvalidInput) as error:
        sharing.recommend_after_checks(screened, by=sam, analysis=" ", outcome="S47", rationale="")
    assert {p.field for p in error.value.problems} == {"analysis", "rationale"}
    screened.refresh_from_db()
    assert screened.status == Contact.Status.INFORMATION_SHARING  # nothing half-done
    recommendation = sharing.recommend_after_checks(
        screened, by=sam, analysis="Police history fits.", outcome="S47", rationale="Harm."
    )
    screened.refresh_from_db()
    assert screened.status == Contact.Status.AWAITING_DECISION
    assert recommendation.analysis == "Police history fits."


def test_sending_back_for_more_checks_starts_a_new_round(screened, sam, polly, meera):
    [request] = _ask(screened, sam, polly.primary_agency().code)
    sharing.record_contribution(request, by=polly, answer=INFO)
    sharing.recommend_after_checks(screened, by=sam, analysis="a", outcome="S17", rationale="r")
    contacts.return_contact(
        screened, by=meera, to=Contact.Status.INFORMATION_SHARING, reason="Ask health too."
    )
    clocks = screened.clocks.filter(rule_id="TS-2").order_by("started_at")
    assert clocks.count() == 2 and clocks.last().met_at is None
    # The first round's answers do not finish the second: someone must be asked again.
    with pytest.raises(ApplicationError, match="in this round"):
        sharing.complete_checks(screened, by=sam)
    [again] = _ask(screened, sam, polly.primary_agency().code)
    assert again.clock == clocks.last()
    sharing.record_contribution(again, by=polly, answer=INFO)
    sharing.complete_checks(screened, by=sam)
    assert clocks.last().met_at is not None
