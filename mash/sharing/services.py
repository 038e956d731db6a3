"""Every write in multi-agency information sharing (MA-2 … MA-6, CO-2 … CO-5).

Each verb checks the caller's role or agency, locks the contact, checks the rules, writes and
audits in one transaction. Refusals are `ApplicationError`s in plain English with rule ids.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, fields
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from mash.accounts.models import Agency
from mash.audit import services as audit
from mash.contacts import services as contact_services
from mash.contacts.clocks import meet_clock, profile_of, start_clock
from mash.contacts.models import Clock, Contact, ContactPerson, Recommendation
from mash.core import locking
from mash.core.errors import ApplicationError, Conflict, InvalidInput
from mash.core.formatting import datetime_gb
from mash.core.rules import require, require_text
from mash.dataprotection.register import record_request_disclosures
from mash.notifications import services as notifications
from mash.sharing import permissions
from mash.sharing.consent import (
    basis_note,
    consent_basis,
    consent_position,
    has_child_protection_concern,
)
from mash.sharing.models import ConsentRecord, Contribution, InformationRequest

Status = Contact.Status
RequestStatus = InformationRequest.Status
Kind = Contribution.Kind


def _locked(contact: Contact) -> Contact:
    return locking.bump(contact)  # the row lock, and the version check (ADR 0016)


# --------------------------------------------------------------------------- consent


@transaction.atomic
def record_consent(contact: Contact, *, by: Any, position: str, detail: str) -> ConsentRecord:
    """Record that the parents consented or refused, or a manager's authorisation to check
    without consent because seeking it would put the child or others at risk (CO-1, CO-2)."""
    require(permissions.can_record_consent(by), "Your role cannot record consent.", "CO-1")
    if position == ConsentRecord.Position.OVERRIDDEN:
        require(
            permissions.can_authorise_override(by),
            "Only a Team or Practice Manager can authorise checks without consent (CO-2).",
            "CO-2",
        )
    if position not in ConsentRecord.Position.values:
        raise ApplicationError("Choose the consent position.", field="position", rule_ids=("CO-1",))
    contact = _locked(contact)
    if contact.status == Status.CLOSED:
        raise ApplicationError(f"{contact.reference} is closed and cannot be changed.")
    message = (
        "Enter why seeking consent would put the child or others at risk."
        if position == ConsentRecord.Position.OVERRIDDEN
        else "Enter who gave or refused consent, when and how."
    )
    detail = require_text(detail, "detail", message, "CO-1", "CO-2")
    record = ConsentRecord.objects.create(
        contact=contact,
        position=position,
        detail=detail,
        recorded_by=by,
        recorded_at=timezone.now(),
    )
    audit.record(
        actor=by,
        action="sharing.consent_recorded",
        contact_id=contact.pk,
        subject=record,
        rule_ids=["CO-1", "CO-2"],
        data={"position": position},
    )
    return record


# --------------------------------------------------------------------------- requests


@dataclass(frozen=True)
class AgencyChoice:
    """An agency the social worker may ask, and the consent basis its check would rest on."""

    agency: Agency
    basis: str | None  # None: consent needed and not available (CO-3)
    has_open_request: bool

    @property
    def can_ask(self) -> bool:
        return self.basis is not None and not self.has_open_request

    @property
    def explanation(self) -> str:
        """Why it can or cannot be asked, with the rule, for the request page."""
        if self.has_open_request:
            return "Already asked: waiting for its answer."
        if self.basis is None:
            return (
                "Not co-located, so its checks need the parents' consent (CO-3). Record the "
                "consent, or a Team or Practice Manager's authorisation to go ahead without it "
                "(CO-2)."
            )
        return str(InformationRequest.ConsentBasis(self.basis).label)


def agency_choices(contact: Contact) -> list[AgencyChoice]:
    """Every partner agency of the contact's profile (MA-1), with what CO-2/CO-3 allow."""
    position = consent_position(contact)
    child_protection = has_child_protection_concern(contact)
    codes = [a.code for a in profile_of(contact).agencies if not a.childrens_social_care]
    agencies = {agency.code: agency for agency in Agency.objects.filter(code__in=codes)}
    asked = set(contact.information_requests.open().values_list("agency__code", flat=True))
    return [
        AgencyChoice(
            agencies[code],
            consent_basis(agencies[code], position, child_protection),
            code in asked,
        )
        for code in codes
        if code in agencies
    ]


@transaction.atomic
def request_checks(
    contact: Contact,
    *,
    by: Any,
    agency_codes: Sequence[str],
    concern_summary: str,
    question: str,
    legal_basis: str,
) -> list[InformationRequest]:
    """Ask the chosen partner agencies what they know (MA-2), each on the round's RAG deadline
    (TS-2 / TS-3), with its consent basis (CO-2, CO-3) and legal basis (CO-4).

    Refuses, naming every agency, when an agency's check would need consent that has neither
    been given nor overridden by a manager. Says when it is a repeat concern (MA-5).
    """
    require(
        permissions.can_request_checks(by),
        "Only MASH social care staff can ask partner agencies for checks (MA-2).",
        "MA-2",
    )
    contact = _locked(contact)
    contact_services.require_status(contact, [Status.INFORMATION_SHARING], "request for checks")
    choices = {choice.agency.code: choice for choice in agency_choices(contact)}
    position = consent_position(contact)
    problems = _request_problems(choices, agency_codes, concern_summary, question, legal_basis)
    if legal_basis == InformationRequest.LegalBasis.CONSENT and not position.consented:
        problems.append(
            ApplicationError(
                "The parents have not consented, so consent cannot be the legal basis: choose "
                "the Children Act power you are sharing under.",
                field="legal_basis",
                rule_ids=("CO-1", "CO-4"),
            )
        )
    if problems:
        raise InvalidInput(problems)
    now = timezone.now()
    clock = _checks_clock(contact, now)
    agreement = profile_of(contact).information_sharing_agreement.value
    child_ids = _child_person_ids(contact)
    is_repeat = _is_repeat_concern(contact, child_ids)
    made = []
    for code in dict.fromkeys(agency_codes):
        choice = choices[code]
        basis = choice.basis or ""
        made.append(
            InformationRequest.objects.create(
                contact=contact,
                agency=choice.agency,
                requested_by=by,
                requested_at=now,
                concern_summary=concern_summary.strip(),
                question=question.strip(),
                rag=contact.screening.rag,
                rule_id=clock.rule_id,
                clock=clock,
                due_at=clock.due_at,
                consent_basis=basis,
                consent_note=basis_note(basis, position),
                legal_basis=legal_basis,
                sharing_agreement=agreement,
                is_repeat=is_repeat,
                previous_contribution=(
                    previous_contribution(contact, choice.agency, child_ids) if is_repeat else None
                ),
            )
        )
    record_request_disclosures(made)  # the share register, same transaction (CO-4)
    audit.record(
        actor=by,
        action="sharing.checks_requested",
        contact_id=contact.pk,
        subject=contact,
        rule_ids=["MA-2", "CO-3", "CO-4", clock.rule_id, *(["MA-5"] if is_repeat else [])],
        data={"agencies": [r.agency.code for r in made], "legal_basis": legal_basis},
    )
    notifications.notify_agency_inboxes(made)  # in this transaction: the outbox (ADR 0017)
    return made


def _request_problems(
    choices: dict[str, AgencyChoice],
    codes: Sequence[str],
    concern_summary: str,
    question: str,
    legal_basis: str,
) -> list[ApplicationError]:
    problems = []
    if not codes:
        problems.append(
            ApplicationError(
                "Choose at least one agency to ask.", field="agencies", rule_ids=("MA-2",)
            )
        )
    for code in codes:
        choice = choices.get(code)
        if choice is None:
            problems.append(
                ApplicationError(
                    "Choose agencies from the list.", field="agencies", rule_ids=("MA-1",)
                )
            )
        elif not choice.can_ask:
            problems.append(
                ApplicationError(
                    f"{choice.agency.name}: {choice.explanation}",
                    field="agencies",
                    rule_ids=("CO-2", "CO-3") if choice.basis is None else ("MA-2",),
                )
            )
    if not concern_summary.strip():
        problems.append(
            ApplicationError(
                "Enter what the agencies need to know about the concern.",
                field="concern_summary",
                rule_ids=("CO-4",),
            )
        )
    if not question.strip():
        problems.append(
            ApplicationError("Enter what you are asking the agencies.", field="question")
        )
    if legal_basis not in InformationRequest.LegalBasis.values:
        problems.append(
            ApplicationError(
                "Choose the legal basis for sharing.", field="legal_basis", rule_ids=("CO-4",)
            )
        )
    return problems


def _checks_clock(contact: Contact, now: datetime) -> Clock:
    """The open TS-2 / TS-3 clock of this round of checks, started at screening (or when the
    manager sent the contact back for more checks). Every request of the round shares its
    deadline (ADR 0008). Started now, and audited, if missing (a contact screened before the
    profile had the clock)."""
    rule_id = contact_services.checks_rule(contact.screening.rag)
    clock = contact.clocks.filter(rule_id=rule_id, met_at__isnull=True).first()
    if clock is not None:
        return clock
    clock = start_clock(contact, rule_id, now)
    if clock is None:
        raise ApplicationError(
            f"This authority's profile has no {rule_id} clock for checks at this urgency. "
            "Ask your system administrator to add it.",
            rule_ids=(rule_id,),
        )
    audit.record(
        actor=None,
        actor_name="MASH system",
        action="clock.started",
        contact_id=contact.pk,
        subject=clock,
        rule_ids=[rule_id],
        data={"why": "No open checks clock when checks were requested."},
    )
    return clock


def _child_person_ids(contact: Contact) -> list[Any]:
    return list(
        contact.people.filter(kind=ContactPerson.Kind.CHILD, person__isnull=False).values_list(
            "person_id", flat=True
        )
    )


def _is_repeat_concern(contact: Contact, child_ids: list[Any]) -> bool:
    """MA-5: a child on this contact was on an earlier one."""
    return (
        ContactPerson.objects.filter(person_id__in=child_ids)
        .exclude(contact=contact)
        .filter(contact__received_at__lte=contact.received_at)
        .exists()
    )


def previous_contribution(
    contact: Contact, agency: Agency, child_ids: list[Any]
) -> Contribution | None:
    """The agency's latest answer about any of the children (`child_ids`, their person
    records) on an earlier contact (MA-5), for it to retrieve and update rather than start
    again."""
    return (
        Contribution.objects.filter(
            kind__in=Contribution.ANSWER_KINDS,
            request__agency=agency,
            request__contact__people__person_id__in=child_ids,
            request__contact__received_at__lte=contact.received_at,
        )
        .exclude(request__contact=contact)
        .order_by("-recorded_at")
        .first()
    )


# --------------------------------------------------------------------------- contributions


@dataclass(frozen=True)
class Answer:
    """What a partner agency records in its section of the MAIS form (MA-2 … MA-4, CO-5)."""

    kind: str
    information: str = ""
    analysis: str = ""
    heightens_concern: bool = False
    heightens_concern_reason: str = ""
    has_confidential_information: bool = False
    confidential_holder: str = ""
    awaiting_asked_at: datetime | None = None
    awaiting_method: str = ""
    awaiting_from_name: str = ""
    awaiting_from_designation: str = ""


ANSWER_FIELDS = frozenset(f.name for f in fields(Answer))


def answer_problems(answer: Answer) -> list[ApplicationError]:
    """Every rule the answer breaks, shared by the partner workspace and the API."""
    problems: list[ApplicationError] = []

    def add(message: str, field: str, *rules: str) -> None:
        problems.append(ApplicationError(message, field=field, rule_ids=rules))

    if answer.kind not in Kind.values:
        add("Choose what your agency is recording.", "kind", "MA-2")
        return problems
    if answer.kind == Kind.INFORMATION:
        if not (answer.information.strip() or answer.has_confidential_information):
            add("Enter the information your agency holds.", "information", "MA-2")
        if not answer.analysis.strip():
            add(
                "Enter your analysis: what does your agency's information mean for this child?",
                "analysis",
                "MA-2",
            )
    if answer.kind == Kind.AWAITING:
        problems += _awaiting_problems(answer)
    elif answer.kind == Kind.NIL_RETURN and answer.heightens_concern:
        add(
            "A nil return cannot heighten the concern: choose 'We hold information'.",
            "kind",
            "MA-4",
        )
    if answer.heightens_concern and not answer.heightens_concern_reason.strip():
        add("Enter how your information heightens the concern.", "heightens_concern_reason", "MA-4")
    if answer.has_confidential_information and not answer.confidential_holder.strip():
        add(
            "Enter who holds the confidential information and how a social worker can ask for it.",
            "confidential_holder",
            "CO-5",
        )
    return problems


def _awaiting_problems(answer: Answer) -> list[ApplicationError]:
    """MA-3: when the agency asked, by what method, and the name and designation awaited."""
    problems = []
    if answer.awaiting_asked_at is None:
        problems.append(
            ApplicationError("Enter when you asked for the information.", field="awaiting_asked_at")
        )
    elif answer.awaiting_asked_at > timezone.now() + timedelta(minutes=5):
        problems.append(
            ApplicationError(
                "The time you asked must not be in the future.", field="awaiting_asked_at"
            )
        )
    if answer.awaiting_method not in Contribution.Method.values:
        problems.append(ApplicationError("Choose how you asked.", field="awaiting_method"))
    for name, what in (
        ("awaiting_from_name", "the name of the person you are waiting for"),
        ("awaiting_from_designation", "their job title or designation"),
    ):
        if not getattr(answer, name).strip():
            problems.append(ApplicationError(f"Enter {what}.", field=name))
    for problem in problems:
        problem.rule_ids = ("MA-3",)
    return problems


@transaction.atomic
def record_contribution(
    request: InformationRequest,
    *,
    answer: Answer,
    by: Any = None,
    client: Any = None,
    seen_latest: Any = "",
) -> Contribution:
    """A partner agency's answer to a request, from its officer (`by`) or its system
    (`client`): information and analysis, a nil return, or awaiting (MA-2 … MA-5, CO-5).

    `seen_latest` is the id of the agency's latest answer the officer had in front of them
    ("" for none); if a colleague answered since, nothing is saved and the Conflict says who.
    Pass None to skip the check (a partner system sending its own record).
    """
    agency_id = client.agency_id if client is not None else None
    allowed = (
        agency_id == request.agency_id
        if client is not None
        else permissions.can_contribute(by, request.agency_id)
    )
    require(
        allowed, "Only the agency that was asked can answer this request (MA-2).", "MA-2", "CO-4"
    )
    contact = _locked(request.contact)
    request = locking.bump(request)
    if contact.status == Status.CLOSED:
        raise ApplicationError(
            f"{contact.reference} is closed, so the MASH can no longer take answers on it. "
            "Phone the MASH if your information is new and urgent."
        )
    latest = request.contributions.order_by("-recorded_at").first()
    _refuse_stale(latest, seen_latest)
    problems = answer_problems(answer)
    if answer.kind == Kind.AWAITING and request.status not in InformationRequest.OPEN_STATUSES:
        problems.append(
            ApplicationError(
                "Your agency has already answered: record an update with the information instead."
                if request.status == RequestStatus.ANSWERED
                else "The MASH went ahead without your answer, so it is no longer waiting: "
                "send the information when you have it.",
                field="kind",
                rule_ids=("MA-3",),
            )
        )
    if problems:
        raise InvalidInput(problems)
    now = timezone.now()
    contribution = Contribution.objects.create(
        request=request,
        **_cleaned(answer),
        updates=latest or request.previous_contribution,
        recorded_by=by if client is None else None,
        recorded_by_name=_recorder_name(by, client),
        submitted_by_client=client,
        recorded_at=now,
        after_analysis=contact.status != Status.INFORMATION_SHARING,
    )
    _update_request(request, contribution, now)
    rules = ["MA-2", *(["MA-3"] if answer.kind == Kind.AWAITING else [])]
    rules += ["MA-4"] if answer.heightens_concern else []
    rules += ["CO-5"] if answer.has_confidential_information else []
    audit.record(
        actor=by if client is None else None,
        actor_name="" if client is None else f"Partner API: {client.name}",
        agency=request.agency,
        action="sharing.contribution_recorded",
        contact_id=contact.pk,
        subject=contribution,
        rule_ids=rules,
        data={"kind": answer.kind, "heightens_concern": answer.heightens_concern},
    )
    return contribution


def _refuse_stale(latest: Contribution | None, seen_latest: Any) -> None:
    if seen_latest is None:
        return
    seen = str(seen_latest or "")
    if latest is not None and str(latest.pk) != seen:
        raise Conflict(
            f"{latest.recorded_by_name} recorded your agency's answer on "
            f"{datetime_gb(latest.recorded_at)}, after the answer you were working from. "
            "Nothing of yours was saved. Read their answer, then record yours as an update.",
            rule_ids=("MA-2",),
        )


def _cleaned(answer: Answer) -> dict[str, Any]:
    """The answer's fields, stripped, with the parts that do not apply to its kind left out."""
    values = {name: getattr(answer, name) for name in ANSWER_FIELDS}
    values = {k: v.strip() if isinstance(v, str) else v for k, v in values.items()}
    if answer.kind != Kind.AWAITING:
        values.update(
            awaiting_asked_at=None,
            awaiting_method="",
            awaiting_from_name="",
            awaiting_from_designation="",
        )
    if not answer.heightens_concern:
        values["heightens_concern_reason"] = ""
    if not answer.has_confidential_information:
        values["confidential_holder"] = ""
    return values


def _recorder_name(by: Any, client: Any) -> str:
    if client is not None:
        return f"{client.name} (partner system)"
    agency = by.primary_agency()
    return f"{by.display_name()}, {agency.name}" if agency else by.display_name()


def _update_request(request: InformationRequest, contribution: Contribution, now: datetime) -> None:
    if contribution.is_answer:
        request.status = RequestStatus.ANSWERED
        request.first_answered_at = request.first_answered_at or now
    else:
        request.status = RequestStatus.AWAITING
    request.save(update_fields=["status", "first_answered_at", "updated_at"])


# --------------------------------------------------------------------------- chasing, closing


@transaction.atomic
def chase_request(request: InformationRequest, *, by: Any, note: str) -> InformationRequest:
    """Record that an agency was chased for its answer, and how (TS-2 / TS-3)."""
    require(permissions.can_chase(by), "Your role cannot chase partner agencies.")
    request = _locked_open_request(request)
    note = require_text(note, "note", "Enter how you chased the agency.", request.rule_id)
    request.last_chased_at = timezone.now()
    request.times_chased += 1
    request.save(update_fields=["last_chased_at", "times_chased", "updated_at"])
    audit.record(
        actor=by,
        action="sharing.request_chased",
        contact_id=request.contact_id,
        subject=request,
        rule_ids=["MA-2", request.rule_id],
        data={"agency": request.agency.code, "note": note, "times": request.times_chased},
    )
    return request


@transaction.atomic
def close_unanswered(request: InformationRequest, *, by: Any, reason: str) -> InformationRequest:
    """Go ahead without an agency's answer, saying why (the child cannot wait). The agency may
    still answer while the contact is open; a late answer is marked as such on the record."""
    require(
        permissions.can_close_unanswered(by),
        "Only MASH social care staff can go ahead without an agency's answer.",
    )
    request = _locked_open_request(request)
    reason = require_text(reason, "reason", "Enter why you are going ahead without an answer.")
    request.status = RequestStatus.CLOSED_UNANSWERED
    request.closed_reason, request.closed_by, request.closed_at = reason, by, timezone.now()
    request.save(update_fields=["status", "closed_reason", "closed_by", "closed_at", "updated_at"])
    audit.record(
        actor=by,
        action="sharing.request_closed_unanswered",
        contact_id=request.contact_id,
        subject=request,
        rule_ids=["MA-2", request.rule_id],
        data={"agency": request.agency.code, "reason": reason},
    )
    return request


def _locked_open_request(request: InformationRequest) -> InformationRequest:
    _locked(request.contact)
    request = locking.bump(request)
    if not request.is_open:
        raise Conflict(
            f"{request.agency.name} is no longer waiting to answer: "
            f"{request.get_status_display().lower()}. Nothing was saved."
        )
    return request


# --------------------------------------------------------------------------- completing


@transaction.atomic
def complete_checks(contact: Contact, *, by: Any) -> Contact:
    """Finish the round of MASH checks: every agency asked has answered, or the worker went
    ahead without it. Meets TS-2 / TS-3 (SC-6) and moves to the recommendation."""
    require(permissions.can_complete_checks(by), "Your role cannot complete MASH checks.", "SC-6")
    contact = _locked(contact)
    contact_services.require_status(contact, [Status.INFORMATION_SHARING], "analysis")
    requests = list(contact.information_requests.this_round().select_related("agency"))
    if not requests:
        raise ApplicationError(
            "Ask at least one partner agency in this round before finishing the MASH checks "
            "(SC-6, MA-2).",
            rule_ids=("SC-6", "MA-2"),
        )
    waiting = [r.agency.name for r in requests if r.is_open]
    if waiting:
        raise ApplicationError(
            f"Still waiting for {_and_list(waiting)}. Chase them, or record why you are going "
            "ahead without their answer.",
            rule_ids=("MA-2", "MA-3"),
        )
    now = timezone.now()
    answered = sum(1 for r in requests if r.status == RequestStatus.ANSWERED)
    summary = f"MASH checks complete: {answered} of {len(requests)} agencies answered."
    for rule_id in ("TS-2", "TS-3"):
        meet_clock(contact, rule_id, at=now, by=by, note=summary)
    contact_services.move_contact(
        contact,
        to=Status.AWAITING_RECOMMENDATION,
        by=by,
        reason=summary,
        rule_ids=["SC-6", "TS-2", "TS-3"],
        at=now,
    )
    audit.record(
        actor=by,
        action="contact.checks_completed",
        contact_id=contact.pk,
        subject=contact,
        rule_ids=["SC-6", "MA-6"],
        data={"asked": len(requests), "answered": answered},
    )
    return contact


@transaction.atomic
def recommend_after_checks(
    contact: Contact, *, by: Any, analysis: str, outcome: str, rationale: str
) -> Recommendation:
    """On the MAIS record: finish the checks, then record the analysis, recommended outcome
    and rationale for the Team Manager (SC-6, MA-6), as one step: if the recommendation is
    refused (no analysis, say) the checks stay open too."""
    complete_checks(contact, by=by)
    return contact_services.recommend_outcome(
        contact, by=by, outcome=outcome, rationale=rationale, analysis=analysis
    )


def _and_list(names: Iterable[str]) -> str:
    items = list(names)
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


__all__ = [
    "ANSWER_FIELDS",
    "AgencyChoice",
    "Answer",
    "agency_choices",
    "answer_problems",
    "chase_request",
    "close_unanswered",
    "complete_checks",
    "previous_contribution",
    "record_consent",
    "record_contribution",
    "recommend_after_checks",
    "request_checks",
]
