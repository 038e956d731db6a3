"""Every write to a contact goes through these functions (house style 6.3, 6.5).

Each verb checks the caller's permission, locks the row, checks the domain rules, writes,
moves the workflow through `move_contact` and appends audit events, all in one transaction.
Errors are `ApplicationError`s with plain-English messages and the rule ids applied.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, fields
from datetime import date, datetime, timedelta
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from mash.accounts.models import Team
from mash.audit import services as audit
from mash.contacts import concerns, permissions, workflow
from mash.contacts.attachments import Attachment, checked_attachment
from mash.contacts.clocks import meet_clock, profile_of, start_clock, start_intake_clocks
from mash.contacts.models import (
    Contact,
    ContactPerson,
    ContactTransition,
    Decision,
    Recommendation,
    Screening,
    WrittenConfirmation,
)
from mash.core import locking
from mash.core.errors import (
    ApplicationError,
    Conflict,
    InvalidInput,
    NotPermitted,
    TransitionNotAllowed,
)
from mash.core.formatting import datetime_gb
from mash.core.rules import require, require_text
from mash.disputes.selectors import binding_outcome, open_dispute
from mash.letters import services as letters
from mash.matching.services import match_on_arrival
from mash.meetings.selectors import emergency_actions_awaiting_strategy
from mash.notifications import services as notifications
from mash.people.census import ethnicity_code_for
from mash.people.models import Involvement, Person
from mash.policy.catalogue import Explanation
from mash.policy.profiles import SOCIAL_WORK_TEAM_KINDS, TeamKind, active_profile
from mash.routing import services as routing
from mash.routing import tasks as routing_tasks

Status = Contact.Status

# The contact fields a caller may set when recording (IN-2 … IN-12).
CONTACT_FIELDS = frozenset(
    {
        "received_at",
        "channel",
        "purpose",
        "referrer_source",
        "referrer_name",
        "referrer_role",
        "referrer_organisation",
        "referrer_phone",
        "referrer_email",
        "referrer_address",
        "referrer_relationship",
        "referrer_consents_to_disclosure",
        "concern_summary",
        "concern_categories",
        "concern_source_and_timing",
        "significant_events",
        "child_location_and_condition",
        "immediate_protection_needed",
        "child_protection_concern",
        "possible_offence",
        "police_informed",
        "other_agencies_involved",
        "existing_assessment",
        "child_views",
        "parents_aware",
        "parents_consent",
        "parents_not_informed_reason",
    }
)


@dataclass(frozen=True)
class PersonDetails:
    """A child or adult as the referrer described them (IN-5). Everything is optional."""

    kind: str = ContactPerson.Kind.CHILD
    given_names: str = ""
    family_name: str = ""
    other_names: str = ""
    date_of_birth: date | None = None
    gender: str = ""
    nhs_number: str = ""
    upn: str = ""
    address: str = ""
    postcode: str = ""
    school_or_nursery: str = ""
    ethnicity: str = ""
    first_language: str = ""
    preferred_language: str = ""  # FA-1: letters' language (blank: English)
    interpreter_needed: bool = False  # FA-1
    religion: str = ""
    special_needs: str = ""
    relationship_to_child: str = ""
    has_parental_responsibility: bool = False
    is_significant_adult: bool = False
    is_alleged_perpetrator: bool = False
    lives_in_household: bool = True

    def is_blank(self) -> bool:
        """True when nothing at all was given (an empty 'add another' row).

        Anything typed counts: an unnamed "mother's boyfriend" marked as the alleged
        perpetrator is kept, because nothing the referrer said may be lost.
        """
        return self == PersonDetails(kind=self.kind)


PERSON_FIELDS = frozenset(f.name for f in fields(PersonDetails))


# --------------------------------------------------------------------------- the workflow


def move_contact(
    contact: Contact,
    *,
    to: str,
    by: Any,
    reason: str = "",
    rule_ids: Iterable[str] = (),
    at: datetime | None = None,
) -> Contact:
    """Move `contact` to `to`, recording who, when, why and the rules. The only status writer.

    The caller must hold the row lock (services lock before they check).
    """
    if not workflow.can_move(contact.status, to):
        raise TransitionNotAllowed(
            f"{contact.reference} is {workflow.describe(contact.status).lower()}, so it cannot "
            f"move to {workflow.describe(to).lower()}."
        )
    previous, contact.status = contact.status, to
    contact.save(update_fields=["status", "updated_at"])
    rules = list(rule_ids)
    ContactTransition.objects.create(
        contact=contact,
        from_status=previous,
        to_status=to,
        at=at or timezone.now(),
        by=by if getattr(by, "is_authenticated", False) else None,
        reason=reason,
        rule_ids=rules,
    )
    audit.record(
        actor=by,
        action="contact.moved",
        contact_id=contact.pk,
        subject=contact,
        rule_ids=rules,
        data={"from": previous, "to": to, "reason": reason},
    )
    return contact


def _locked(contact: Contact) -> Contact:
    return locking.bump(contact)  # the row lock, and the version check (ADR 0016)


# --------------------------------------------------------------------------- intake


@transaction.atomic
def record_contact(
    *,
    by: Any,
    people: Sequence[PersonDetails],
    client: Any = None,
    actor_name: str = "",
    **details: Any,
) -> Contact:
    """Record a contact received through any channel (IN-1 … IN-12) and start its clocks.

    `by` is the staff member recording it, or None for the public form and the partner API
    (then `client` names the partner system). Raises ApplicationError for bad input, naming
    the field; nothing is saved unless everything is.
    """
    if by is not None:
        require(permissions.can_record_contact(by), "Your role cannot record contacts.")
    unknown = set(details) - CONTACT_FIELDS
    if unknown:
        raise ApplicationError(f"Unknown contact fields: {', '.join(sorted(unknown))}.")
    problems = intake_problems(details, people)
    if problems:
        raise InvalidInput(problems)
    children = [p for p in people if p.kind == ContactPerson.Kind.CHILD and not p.is_blank()]
    adults = [p for p in people if p.kind == ContactPerson.Kind.ADULT and not p.is_blank()]
    profile = active_profile()
    contact = Contact.objects.create(
        profile=profile.id,
        recorded_by=by,
        submitted_by_client=client,
        **details,
    )
    for position, person in enumerate(children):
        ContactPerson.objects.create(contact=contact, position=position, **asdict(person))
    for position, person in enumerate(adults):
        ContactPerson.objects.create(contact=contact, position=position, **asdict(person))
    match_on_arrival(contact)
    ContactTransition.objects.create(
        contact=contact,
        from_status="",
        to_status=Status.RECEIVED,
        at=contact.received_at,
        by=by,
        reason=f"Received by {contact.get_channel_display().lower()}",
        rule_ids=["IN-2", "IN-3"],
    )
    start_intake_clocks(contact)
    if contact.channel == Contact.Channel.ONLINE_FORM and not contact.is_anonymous:
        # The online form shows the reference on screen: that is the acknowledgement (IN-8).
        meet_clock(contact, "TS-5", at=timezone.now(), note="Reference shown on screen")
    audit.record(
        actor=by,
        actor_name=actor_name,
        action="contact.recorded",
        contact_id=contact.pk,
        subject=contact,
        rule_ids=_intake_rule_ids(contact),
        data={"channel": contact.channel, "purpose": contact.purpose, "children": len(children)},
    )
    routing.refresh(contact)  # the local procedures' route and required tasks (IN-6 … SP-4)
    notifications.acknowledge_referral(contact)  # in this transaction: the outbox (IN-8)
    return contact


def intake_problems(
    details: dict[str, Any], people: Sequence[PersonDetails]
) -> list[ApplicationError]:
    """Every domain rule the intake breaks (IN-5, IN-9, CO-1), shared by every channel."""
    problems: list[ApplicationError] = []
    if not any(p.kind == ContactPerson.Kind.CHILD and not p.is_blank() for p in people):
        problems.append(
            ApplicationError(
                "Enter at least one child: a name, date of birth or NHS number.",
                field="children",
                rule_ids=("IN-5",),
            )
        )
    unknown_concerns = set(details.get("concern_categories") or ()) - concerns.CODES
    if unknown_concerns:
        problems.append(
            ApplicationError(
                "Choose the kinds of concern from the list (unknown: "
                + ", ".join(sorted(unknown_concerns))
                + ").",
                field="concern_categories",
                rule_ids=("IN-5",),
            )
        )
    if not (details.get("concern_summary") or "").strip():
        problems.append(
            ApplicationError(
                "Enter what the concern is.", field="concern_summary", rule_ids=("IN-5",)
            )
        )
    received_at = details.get("received_at")
    if received_at is None:
        problems.append(
            ApplicationError("Enter when the contact was received.", field="received_at")
        )
    elif received_at > timezone.now() + timedelta(minutes=5):
        problems.append(
            ApplicationError(
                "The time the contact was received must not be in the future.", field="received_at"
            )
        )
    if details.get("referrer_source") == Contact.ReferrerSource.ANONYMOUS and any(
        details.get(name)
        for name in ("referrer_name", "referrer_phone", "referrer_email", "referrer_address")
    ):
        problems.append(
            ApplicationError(
                "The referrer is recorded as anonymous, so leave their name, phone, email and "
                "address empty (or choose who they are).",
                field="referrer_name",
                rule_ids=("IN-9",),
            )
        )
    if (
        details.get("parents_aware") == "NO"
        and not (details.get("parents_not_informed_reason") or "").strip()
    ):
        problems.append(
            ApplicationError(
                "Enter why the parents have not been told about this referral.",
                field="parents_not_informed_reason",
                rule_ids=("CO-1",),
            )
        )
    return problems


def _intake_rule_ids(contact: Contact) -> list[str]:
    rules = ["IN-2", "IN-3", "IN-5", "IN-9"]
    if contact.child_protection_concern:
        rules.append("IN-10")
    if contact.possible_offence:
        rules.append("IN-12")
    return rules


# --------------------------------------------------------------------------- history (SC-4)


@transaction.atomic
def link_person(contact_person: ContactPerson, *, person: Person, by: Any) -> ContactPerson:
    """Link a child or adult on the contact to an existing person record (SC-4, IN-11)."""
    contact = _start_history_check(contact_person, by)
    # Read afresh: the page the worker chose from may predate a merge (issue 3).
    person = Person.objects.select_for_update().get(pk=person.pk)
    if person.merged_into_id is not None:
        raise ApplicationError(
            f"{person.full_name}'s record was merged into another: link to that record instead.",
            rule_ids=("SC-4",),
        )
    _finish_history_check(contact, contact_person, person, by, confirmed_new=False)
    return contact_person


@transaction.atomic
def confirm_new_person(contact_person: ContactPerson, *, by: Any) -> Person:
    """Confirm no existing record matches and create one from the referral's details (SC-4).

    A child known only by description ("the baby", no name yet) can still be recorded new, so
    an unnamed child never blocks screening; the record says "Name not given".
    """
    contact = _start_history_check(contact_person, by)
    person = Person.objects.create(
        given_names=contact_person.given_names,
        family_name=contact_person.family_name,
        other_names=contact_person.other_names,
        date_of_birth=contact_person.date_of_birth,
        gender=contact_person.gender or Person.Gender.UNKNOWN,
        nhs_number=contact_person.nhs_number,
        upn=contact_person.upn,
        address=contact_person.address,
        postcode=contact_person.postcode,
        ethnicity=contact_person.ethnicity,
        ethnicity_code=ethnicity_code_for(contact_person.ethnicity),
        first_language=contact_person.first_language,
        religion=contact_person.religion,
        is_child=contact_person.kind == ContactPerson.Kind.CHILD,
    )
    _finish_history_check(contact, contact_person, person, by, confirmed_new=True)
    return person


def _start_history_check(contact_person: ContactPerson, by: Any) -> Contact:
    require(permissions.can_check_history(by), "Your role cannot check people's history.")
    contact = _locked(contact_person.contact)
    _require_open(contact)
    return contact


def _finish_history_check(
    contact: Contact, contact_person: ContactPerson, person: Person, by: Any, *, confirmed_new: bool
) -> None:
    """Record the check on the contact's person, audit it and re-derive IN-4."""
    contact_person.person = person
    contact_person.confirmed_new = confirmed_new
    _mark_checked(contact_person, by)
    audit.record(
        actor=by,
        action="contact.person_confirmed_new" if confirmed_new else "contact.person_linked",
        contact_id=contact.pk,
        person_id=person.pk,
        subject=contact_person,
        rule_ids=["SC-4", "IN-11"],
    )
    _classify_csc_status(contact)


def _mark_checked(contact_person: ContactPerson, by: Any) -> None:
    contact_person.history_checked_at = timezone.now()
    contact_person.history_checked_by = by
    contact_person.save(
        update_fields=[
            "person",
            "confirmed_new",
            "history_checked_at",
            "history_checked_by",
            "updated_at",
        ]
    )


def _classify_csc_status(contact: Contact) -> None:
    """Once every child is checked, set IN-4 from their involvement: open > closed > new."""
    children = list(contact.children())
    if any(child.person_id is None for child in children):
        return
    person_ids = [child.person_id for child in children if child.person_id is not None]
    involvements = Involvement.objects.filter(person_id__in=person_ids)
    if involvements.filter(ended_on__isnull=True).exists():
        status = Contact.CscStatus.OPEN
    elif involvements.exists():
        status = Contact.CscStatus.CLOSED
    else:
        status = Contact.CscStatus.NEW
    if status != contact.csc_status:
        contact.csc_status = status
        contact.save(update_fields=["csc_status", "updated_at"])
    routing.refresh(contact)  # the route depends on every child's history (IN-6, TS-10)


def _require_open(contact: Contact) -> None:
    if contact.status == Status.CLOSED:
        raise TransitionNotAllowed(f"{contact.reference} is closed and cannot be changed.")


# --------------------------------------------------------------------------- screening


@transaction.atomic
def screen_contact(
    contact: Contact,
    *,
    by: Any,
    threshold_level: str,
    rag: str,
    consent: str,
    rationale: str,
    consent_override_reason: str = "",
) -> Screening:
    """Apply the profile's threshold model (SC-2), set urgency (SC-6) and consent (CO-1, CO-2).

    RED or AMBER starts the MASH checks clock (TS-2 / TS-3) from now; GREEN goes straight to
    a recommendation (SC-5).
    """
    require(permissions.can_screen(by), "Only a Practice or Team Manager can screen.", "SC-2")
    contact = _locked(contact)
    require_status(contact, [Status.RECEIVED], "screening")
    unchecked = [p.full_name for p in contact.children() if not p.history_checked]
    if unchecked:
        raise ApplicationError(
            "Check the history of every child before screening: " + ", ".join(unchecked) + ".",
            rule_ids=("SC-4",),
        )
    blocker = routing.screening_blocker(contact)
    if blocker is not None:
        raise blocker
    level = _threshold_level(contact, threshold_level)
    required = routing.information_sharing_required(contact)
    _validate_screening(level, rag, consent, consent_override_reason, required)
    rationale = require_text(
        rationale, "rationale", "Enter the rationale for the screening decision.", "SC-2"
    )
    now = timezone.now()
    screening = Screening.objects.create(
        contact=contact,
        threshold_level=level.code,
        threshold_level_label=level.label,
        meets_social_care_threshold=level.meets_social_care_threshold,
        rag=rag,
        consent=consent,
        consent_override_reason=consent_override_reason.strip(),
        rationale=rationale,
        screened_by=by,
        screened_at=now,
    )
    rules = ["SC-2", "SC-6", "CO-1", "CO-2", *([required.rule_id] if required else [])]
    urgent = rag in (Screening.Rag.RED, Screening.Rag.AMBER)
    if urgent and (level.leads_to_checks or required is not None):
        clock_rule = checks_rule(rag)
        start_clock(contact, clock_rule, now)
        move_contact(
            contact,
            to=Status.INFORMATION_SHARING,
            by=by,
            reason=rationale,
            rule_ids=[*rules, clock_rule],
            at=now,
        )
    else:
        # Below the threshold (SC-5), or clearly met where the profile goes straight to the
        # team without MASH information sharing (Rotherham's clear s17 / s47, SC-7).
        move_contact(
            contact,
            to=Status.AWAITING_RECOMMENDATION,
            by=by,
            reason=rationale,
            rule_ids=[*rules, "SC-7" if urgent else "SC-5"],
            at=now,
        )
    routing_tasks.manager_has_seen(contact, by, "screening it")  # IN-10
    audit.record(
        actor=by,
        action="contact.screened",
        contact_id=contact.pk,
        subject=screening,
        rule_ids=rules,
        data={"level": level.code, "rag": rag, "consent": consent},
    )
    return screening


def _threshold_level(contact: Contact, code: str) -> Any:
    try:
        return profile_of(contact).threshold_level(code)
    except KeyError:
        raise ApplicationError(
            "Choose a threshold level from the local threshold model.",
            field="threshold_level",
            rule_ids=("SC-2",),
        ) from None


def _validate_screening(
    level: Any, rag: str, consent: str, override: str, required: Explanation | None
) -> None:
    if rag not in Screening.Rag.values:
        raise ApplicationError(
            "Choose the urgency: red, amber or green.", field="rag", rule_ids=("SC-6",)
        )
    if required is not None:  # SP-3: whatever the threshold suggests
        if rag == Screening.Rag.GREEN:
            raise ApplicationError(
                f"{required.reason} Choose red or amber so that partners are asked "
                f"({required.rule_id}).",
                field="rag",
                rule_ids=(required.rule_id,),
            )
    elif level.meets_social_care_threshold and rag == Screening.Rag.GREEN:
        raise ApplicationError(
            "This threshold level meets the social care threshold, so the urgency must be red "
            "or amber (SC-6). Choose a lower level if the threshold is not met.",
            field="rag",
            rule_ids=("SC-6",),
        )
    elif level.leads_to_checks and rag == Screening.Rag.GREEN:
        raise ApplicationError(
            f"'{level.label}' asks partner agencies, so the urgency must be red or amber "
            "(SC-6, SC-7).",
            field="rag",
            rule_ids=("SC-6", "SC-7"),
        )
    elif (
        not level.leads_to_checks
        and not level.meets_social_care_threshold
        and rag != Screening.Rag.GREEN
    ):
        raise ApplicationError(
            "Red and amber are for contacts at the social care threshold (SC-6). Choose green, "
            "or a threshold level that meets the social care threshold.",
            field="rag",
            rule_ids=("SC-5", "SC-6"),
        )
    if consent not in Screening.Consent.values:
        raise ApplicationError(
            "Choose the consent position.", field="consent", rule_ids=("CO-1", "CO-2")
        )
    if consent == Screening.Consent.OVERRIDDEN and not override.strip():
        raise ApplicationError(
            "Enter why seeking consent would put the child or others at risk.",
            field="consent_override_reason",
            rule_ids=("CO-2",),
        )


# --------------------------------------------------------------------------- recommendation


def require_status(contact: Contact, allowed: Iterable[str], doing: str) -> None:
    """Refuse with a Conflict unless `contact` (locked) is in one of the `allowed` statuses.

    The message says who moved it and when, because the usual cause is a colleague acting on
    the same contact first: nothing of theirs is overwritten, and nothing of yours is saved.
    A contact that was never in those statuses gets TransitionNotAllowed (400) instead: the
    step does not apply yet, and nobody else is to blame.
    """
    allowed = set(allowed)
    if contact.status in allowed:
        return
    now_is = workflow.describe(contact.status).lower()
    if not contact.transitions.filter(to_status__in=allowed).exists():
        # It was never there: not a colleague's move but a step that does not apply yet.
        raise TransitionNotAllowed(
            f"{contact.reference} is '{now_is}', so a {doing} cannot be recorded on it yet. "
            "Nothing was saved."
        )
    latest = contact.transitions.select_related("by").order_by("-at", "-created_at").first()
    who = latest.by.display_name() if latest and latest.by else "someone else"
    when = f" on {datetime_gb(latest.at)}" if latest else ""
    raise Conflict(
        f"{contact.reference} is now '{now_is}': {who} recorded that{when}. Your {doing} was "
        "not saved and nothing was overwritten. Read the record before deciding what to do."
    )


@transaction.atomic
def recommend_outcome(
    contact: Contact, *, by: Any, outcome: str, rationale: str, analysis: str = ""
) -> Recommendation:
    """The social worker's analysis, recommended outcome and rationale (MA-6, OU-1).

    After MASH checks the analysis of what the partners shared, against the child's history,
    is required (MA-6); a contact that needed no checks may go without one.
    """
    require(permissions.can_recommend(by), "Your role cannot recommend an outcome.", "MA-6")
    contact = _locked(contact)
    require_status(contact, [Status.AWAITING_RECOMMENDATION], "recommendation")
    _validate_outcome(contact, outcome, "outcome")
    problems = []
    if contact.information_requests.exists() and not analysis.strip():
        problems.append(
            ApplicationError(
                "Enter your analysis of what the partner agencies shared, against the child's "
                "history (MA-6).",
                field="analysis",
                rule_ids=("MA-6",),
            )
        )
    if not rationale.strip():
        problems.append(
            ApplicationError(
                "Enter the rationale for the recommendation.", field="rationale", rule_ids=("MA-6",)
            )
        )
    if problems:
        raise InvalidInput(problems)
    now = timezone.now()
    recommendation = Recommendation.objects.create(
        contact=contact,
        outcome=outcome,
        analysis=analysis.strip(),
        rationale=rationale.strip(),
        recommended_by=by,
        recommended_at=now,
    )
    move_contact(
        contact,
        to=Status.AWAITING_DECISION,
        by=by,
        reason=recommendation.rationale,
        rule_ids=["MA-6", "OU-1"],
        at=now,
    )
    audit.record(
        actor=by,
        action="contact.recommended",
        contact_id=contact.pk,
        subject=recommendation,
        rule_ids=["MA-6", "OU-1"],
        data={"outcome": outcome},
    )
    return recommendation


def _validate_outcome(contact: Contact, outcome: str, field: str) -> None:
    try:
        profile_of(contact).outcome(outcome)
    except KeyError:
        raise ApplicationError("Choose an outcome.", field=field, rule_ids=("OU-1",)) from None


# --------------------------------------------------------------------------- decision, closure

# The outcomes a team acts on after the MASH (MA-6: "passes the case to the team that acts";
# OU-1): the kind of team each usually passes to, and the kinds that may take it. The other
# outcomes stay with the MASH.
_RECEIVING: dict[str, tuple[TeamKind, frozenset[TeamKind]]] = {
    "EARLY_HELP": (TeamKind.EARLY_HELP, frozenset({TeamKind.EARLY_HELP})),
    "S17": (TeamKind.DUTY_ASSESSMENT, SOCIAL_WORK_TEAM_KINDS),
    "S47": (TeamKind.DUTY_ASSESSMENT, SOCIAL_WORK_TEAM_KINDS),
}
OUTCOMES_PASSED_ON = frozenset(_RECEIVING)


@transaction.atomic
def decide(
    contact: Contact,
    *,
    by: Any,
    agrees: bool,
    outcome: str,
    rationale: str,
    signposting: str = "",
    team: str = "",
    hold_parent_letters: bool = False,
    hold_reason: str = "",
) -> Decision:
    """The manager agrees or disagrees with the recommendation, sets the outcome and passes
    the case to the team that acts (MA-6).

    The outcome letters are written in the same transaction (OU-3, OU-4): the manager may
    hold the parents' letters with a reason (CO-1).

    Meets TS-1 (decision on the type of response). The decider may not be the person who
    recommended: the decision is a second pair of eyes (MA-6). While a dispute about the
    recommendation is open nobody decides; once resolved, its outcome binds (DM-1).
    """
    require(permissions.can_decide(by), "Only a manager can decide the outcome.", "MA-6")
    contact = _locked(contact)
    require_status(contact, [Status.AWAITING_DECISION], "decision")
    recommendation = contact.recommendations.order_by("-recommended_at").first()
    if recommendation is None:  # AWAITING_DECISION is only reached by recommending
        raise TransitionNotAllowed(f"{contact.reference} has no recommendation to decide on.")
    if recommendation.recommended_by_id == by.pk:
        raise NotPermitted(
            "You made the recommendation, so another manager must decide (MA-6).",
            rule_ids=("MA-6",),
        )
    _validate_outcome(contact, outcome, "outcome")
    _refuse_against_dispute(contact, outcome)
    if agrees and outcome != recommendation.outcome:
        raise ApplicationError(
            "You agreed with the recommendation, so the outcome must be the one recommended. "
            "Choose 'disagree' to set a different outcome.",
            field="outcome",
            rule_ids=("MA-6",),
        )
    passed_to = _receiving_team(contact, outcome, team)
    rationale = require_text(
        rationale, "rationale", "Enter the rationale for the decision.", "MA-6", "OU-1"
    )
    now = timezone.now()
    decision = Decision.objects.create(
        contact=contact,
        recommendation=recommendation,
        agrees_with_recommendation=agrees,
        outcome=outcome,
        rationale=rationale,
        signposting=signposting.strip(),
        passed_to=passed_to,
        decided_by=by,
        decided_at=now,
    )
    meet_clock(contact, "TS-1", at=now, by=by, note=decision.get_outcome_display())
    move_contact(
        contact,
        to=Status.DECIDED,
        by=by,
        reason=rationale,
        rule_ids=["MA-6", "OU-1", "TS-1"],
        at=now,
    )
    # The letters first, so the decision stays the contact's latest change (ADR 0016).
    letters.draft_outcome_letters(
        contact,
        decision,
        by,
        hold_parent_letters=hold_parent_letters,
        hold_reason=hold_reason,
    )
    audit.record(
        actor=by,
        action="contact.decided",
        contact_id=contact.pk,
        subject=decision,
        rule_ids=["MA-6", "OU-1", "TS-1"],
        data={
            "outcome": outcome,
            "agrees": agrees,
            "passed_to": passed_to.code if passed_to else "",
        },
    )
    return decision


def _refuse_against_dispute(contact: Contact, outcome: str) -> None:
    """DM-1: no decision while a dispute is open; a resolved dispute's outcome binds."""
    if open_dispute(contact) is not None:
        raise ApplicationError(
            "A dispute about the recommendation is open. It must be resolved before the "
            "decision is recorded (DM-1).",
            rule_ids=("DM-1",),
        )
    binding = binding_outcome(contact)
    if binding is not None and binding != outcome:
        label = profile_of(contact).outcome(binding).label
        raise ApplicationError(
            f"A dispute was resolved with the outcome '{label}', and that decision is binding "
            "(DM-1). Choose that outcome.",
            field="outcome",
            rule_ids=("DM-1",),
        )


def _receiving_team(contact: Contact, outcome: str, code: str) -> Team | None:
    """The team the case passes to (MA-6): required when a team acts on the outcome."""
    if not code:
        if outcome in OUTCOMES_PASSED_ON:
            raise ApplicationError(
                "Choose the team the case passes to.", field="team", rule_ids=("MA-6",)
            )
        return None
    try:
        found = profile_of(contact).team(code)
    except KeyError:
        raise ApplicationError(
            "Choose a team from the list.", field="team", rule_ids=("MA-6",)
        ) from None
    if not _may_take(found.kind, outcome):
        raise ApplicationError(
            f"{found.name} does not act on '{profile_of(contact).outcome(outcome).label}': "
            "choose the team that does.",
            field="team",
            rule_ids=("MA-6", "OU-1"),
        )
    return Team.objects.get(code=code)


def _may_take(kind: str, outcome: str) -> bool:
    """Whether a team of `kind` may act on `outcome` (any team, for one the MASH keeps)."""
    return outcome not in _RECEIVING or kind in _RECEIVING[outcome][1]


def suggested_team(contact: Contact, outcome: str) -> str:
    """The team usually given `outcome`: early help to the early help team, section 17 and
    47 to the duty and assessment team (MA-6, OU-1). Empty when the MASH closes it."""
    kind = _RECEIVING[outcome][0] if outcome in _RECEIVING else None
    teams = profile_of(contact).teams_of_kind(kind) if kind else ()
    return teams[0].code if teams else ""


@transaction.atomic
def revise_decision(contact: Contact, *, outcome: str, by: Any, reason: str) -> Decision:
    """Change a recorded decision's outcome to the one a dispute resolved as binding (DM-1).

    Called by `mash.disputes.services` only. The outcome before is kept on the dispute and in
    the audit trail; the receiving team follows the new outcome.
    """
    contact = _locked(contact)
    require_status(contact, [Status.DECIDED], "change to the decision")
    decision = contact.decision
    previous = decision.outcome
    if previous == outcome:
        return decision
    decision.outcome = outcome
    decision.revised_at = timezone.now()
    decision.agrees_with_recommendation = outcome == decision.recommendation.outcome
    chosen = decision.passed_to
    if outcome not in OUTCOMES_PASSED_ON:
        decision.passed_to = None
    elif chosen is None or not _may_take(chosen.kind, outcome):  # the manager's team stays
        team = suggested_team(contact, outcome)
        decision.passed_to = Team.objects.filter(code=team).first() if team else None
    decision.save(
        update_fields=[
            "outcome",
            "revised_at",
            "agrees_with_recommendation",
            "passed_to",
            "updated_at",
        ]
    )
    letters.draft_outcome_letters(contact, decision, by)  # supersedes the earlier ones (DM-1)
    audit.record(
        actor=by,
        action="contact.decision_revised",
        contact_id=contact.pk,
        subject=decision,
        rule_ids=["DM-1", "TS-8"],
        data={"from": previous, "to": outcome, "reason": reason},
    )
    return decision


@transaction.atomic
def return_contact(contact: Contact, *, by: Any, to: str, reason: str) -> Contact:
    """Send a contact awaiting decision back for more checks or a new recommendation (MA-6).

    More checks are a new round with the screening's urgency: its TS-2 / TS-3 clock starts
    again from now (SC-6). Refused while a dispute is open (DM-1).
    """
    require(permissions.can_decide(by), "Only a manager can send a contact back.", "MA-6")
    contact = _locked(contact)
    require_status(contact, [Status.AWAITING_DECISION], "request to send it back")
    if open_dispute(contact) is not None:
        raise Conflict(
            f"A dispute about the recommendation on {contact.reference} is open: it is settled "
            "by the managers on its ladder before the contact can be sent back (DM-1).",
            rule_ids=("DM-1",),
        )
    if to not in (Status.INFORMATION_SHARING, Status.AWAITING_RECOMMENDATION):
        raise ApplicationError("Choose where to send the contact back to.", field="to")
    reason = require_text(reason, "reason", "Enter why you are sending it back.", "MA-6")
    rules = ["MA-6"]
    if to == Status.INFORMATION_SHARING:
        if contact.screening.rag not in (Screening.Rag.RED, Screening.Rag.AMBER):
            raise ApplicationError(
                "A green contact has no partner checks to repeat (SC-6): send it back for a "
                "new recommendation, or screen it again if the urgency has changed.",
                field="to",
                rule_ids=("SC-6",),
            )
        rule_id = checks_rule(contact.screening.rag)
        start_clock(contact, rule_id, timezone.now())
        rules += ["SC-6", rule_id]
    return move_contact(contact, to=to, by=by, reason=reason, rule_ids=rules)


def checks_rule(rag: str) -> str:
    """The clock for a round of MASH checks: TS-2 for RED, TS-3 for AMBER (SC-6)."""
    rules: dict[str, str] = {Screening.Rag.RED: "TS-2", Screening.Rag.AMBER: "TS-3"}
    if rag not in rules:
        raise ValueError(f"A {rag} contact has no round of partner checks.")
    return rules[rag]


@transaction.atomic
def close_contact(contact: Contact, *, by: Any, note: str = "") -> Contact:
    """Close a decided contact. Written confirmation and acknowledgement clocks stay visible.

    Refused while a dispute is open (DM-1) or while emergency action awaits the strategy
    discussion that must follow it (OU-5).
    """
    require(permissions.can_close(by), "Your role cannot close contacts.")
    contact = _locked(contact)
    require_status(contact, [Status.DECIDED], "closing note")
    blockers = close_blockers(contact)
    if blockers:
        raise InvalidInput(blockers)
    passed_to = contact.decision.passed_to
    default = f"Passed to {passed_to.name}" if passed_to else "Closed after decision"
    move_contact(
        contact,
        to=Status.CLOSED,
        by=by,
        reason=note.strip() or default,
        rule_ids=["OU-1", "OU-3"],
    )
    audit.record(
        actor=by, action="contact.closed", contact_id=contact.pk, subject=contact, rule_ids=["OU-3"]
    )
    return contact


def close_blockers(contact: Contact) -> list[ApplicationError]:
    """What stops `contact` closing now, each in plain words with its rule."""
    blockers = []
    if open_dispute(contact) is not None:
        blockers.append(
            ApplicationError(
                "A dispute about the recommendation is still open: resolve it first (DM-1).",
                rule_ids=("DM-1", "TS-8"),
            )
        )
    if emergency_actions_awaiting_strategy(contact):
        blockers.append(
            ApplicationError(
                "Emergency action was taken: record the strategy discussion that follows it "
                "before closing (OU-5).",
                rule_ids=("OU-5", "OU-2"),
            )
        )
    return blockers + routing_tasks.task_blockers(contact)


@transaction.atomic
def record_acknowledgement(contact: Contact, *, by: Any, note: str) -> Contact:
    """The referrer has been sent an acknowledgement (IN-8, TS-5)."""
    return _record_follow_up(contact, by, note, "TS-5", "contact.acknowledged", "IN-8")


@transaction.atomic
def record_written_confirmation(
    contact: Contact,
    *,
    by: Any,
    note: str,
    arrived_at: datetime | None = None,
    how: str = "",
    text: str = "",
    attachment: Attachment | None = None,
) -> Contact:
    """The referrer's written confirmation of a telephone referral arrived (IN-7, TS-4).

    Meets TS-4. What arrived is kept when given: the file (checked by content, at most
    10 MB) and/or the pasted text of the email, how it came and when (not in the future, not
    before the contact was received).
    """
    arrived = arrived_at or timezone.now()
    if how or text.strip() or attachment is not None:
        _check_confirmation(contact, arrived, how)
        if attachment is not None:  # checked again here: the service is the rule's home
            attachment = checked_attachment(attachment.name, attachment.data)
        note = note.strip() or f"Received: {WrittenConfirmation.How(how).label.lower()}"
    contact = _record_follow_up(
        contact, by, note, "TS-4", "contact.written_confirmation_received", "IN-7", at=arrived
    )
    if how or text.strip() or attachment is not None:
        WrittenConfirmation.objects.create(
            contact=contact,
            clock=contact.clocks.filter(rule_id="TS-4")
            .order_by(F("met_at").desc(nulls_last=True))
            .first(),
            arrived_at=arrived,
            how=how,
            note=note.strip(),
            text=text.strip(),
            file_name=attachment.name if attachment else "",
            content_type=attachment.content_type if attachment else "",
            size=len(attachment.data) if attachment else 0,
            data=attachment.data if attachment else b"",
            sha256=attachment.sha256 if attachment else "",
            recorded_by=by,
            recorded_at=timezone.now(),
        )
    return contact


def _check_confirmation(contact: Contact, arrived: datetime, how: str) -> None:
    problems = []
    if how not in WrittenConfirmation.How.values:
        problems.append(
            ApplicationError(
                "Choose how the written confirmation arrived.", field="how", rule_ids=("IN-7",)
            )
        )
    if arrived > timezone.now() + timedelta(minutes=5):
        problems.append(
            ApplicationError(
                "The time it arrived must not be in the future.",
                field="arrived_time",
                rule_ids=("IN-7",),
            )
        )
    elif arrived < contact.received_at:
        problems.append(
            ApplicationError(
                "The time it arrived must be after the contact was received "
                f"({datetime_gb(contact.received_at)}).",
                field="arrived_time",
                rule_ids=("IN-7",),
            )
        )
    if problems:
        raise InvalidInput(problems)


def _record_follow_up(
    contact: Contact,
    by: Any,
    note: str,
    rule_id: str,
    action: str,
    intake_rule: str,
    at: datetime | None = None,
) -> Contact:
    require(permissions.can_record_follow_up(by), "Your role cannot record this.")
    contact = _locked(contact)
    note = require_text(note, "note", "Enter how and when it was done.", rule_id)
    if meet_clock(contact, rule_id, at=at or timezone.now(), by=by, note=note) is None:
        raise ApplicationError(
            f"There is no open {rule_id} clock on {contact.reference}.", rule_ids=(rule_id,)
        )
    audit.record(
        actor=by,
        action=action,
        contact_id=contact.pk,
        subject=contact,
        rule_ids=[intake_rule, rule_id],
    )
    return contact


__all__ = [
    "CONTACT_FIELDS",
    "PERSON_FIELDS",
    "PersonDetails",
    "checks_rule",
    "close_blockers",
    "close_contact",
    "confirm_new_person",
    "decide",
    "intake_problems",
    "link_person",
    "move_contact",
    "record_acknowledgement",
    "record_contact",
    "record_written_confirmation",
    "recommend_outcome",
    "require_status",
    "return_contact",
    "revise_decision",
    "screen_contact",
    "suggested_team",
]
