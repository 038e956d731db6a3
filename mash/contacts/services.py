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
from django.utils import timezone

from mash.audit import services as audit
from mash.contacts import permissions, workflow
from mash.contacts.clocks import meet_clock, profile_of, start_clock, start_intake_clocks
from mash.contacts.models import (
    Contact,
    ContactPerson,
    ContactTransition,
    Decision,
    Recommendation,
    Screening,
)
from mash.core.errors import ApplicationError, InvalidInput, NotPermitted, TransitionNotAllowed
from mash.matching.services import match_on_arrival
from mash.people.models import Involvement, Person
from mash.policy.profiles import active_profile

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
    return Contact.objects.select_for_update().get(pk=contact.pk)


def _require(allowed: bool, message: str, *rule_ids: str) -> None:
    if not allowed:
        raise NotPermitted(message, rule_ids=rule_ids)


def _require_text(value: str, field: str, message: str, *rule_ids: str) -> str:
    text = (value or "").strip()
    if not text:
        raise ApplicationError(message, field=field, rule_ids=rule_ids)
    return text


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
        _require(permissions.can_record_contact(by), "Your role cannot record contacts.")
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
        details.get(name) for name in ("referrer_name", "referrer_phone", "referrer_email")
    ):
        problems.append(
            ApplicationError(
                "The referrer is recorded as anonymous, so leave their name, phone and email empty "
                "(or choose who they are).",
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
        first_language=contact_person.first_language,
        religion=contact_person.religion,
        is_child=contact_person.kind == ContactPerson.Kind.CHILD,
    )
    _finish_history_check(contact, contact_person, person, by, confirmed_new=True)
    return person


def _start_history_check(contact_person: ContactPerson, by: Any) -> Contact:
    _require(permissions.can_check_history(by), "Your role cannot check people's history.")
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
    _require(permissions.can_screen(by), "Only a Practice or Team Manager can screen.", "SC-2")
    contact = _locked(contact)
    if contact.status != Status.RECEIVED:
        raise TransitionNotAllowed(f"{contact.reference} has already been screened.")
    unchecked = [p.full_name for p in contact.children() if not p.history_checked]
    if unchecked:
        raise ApplicationError(
            "Check the history of every child before screening: " + ", ".join(unchecked) + ".",
            rule_ids=("SC-4",),
        )
    level = _threshold_level(contact, threshold_level)
    _validate_screening(level.meets_social_care_threshold, rag, consent, consent_override_reason)
    rationale = _require_text(
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
    rules = ["SC-2", "SC-6", "CO-1", "CO-2"]
    if rag in (Screening.Rag.RED, Screening.Rag.AMBER):
        clock_rule = "TS-2" if rag == Screening.Rag.RED else "TS-3"
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
        move_contact(
            contact,
            to=Status.AWAITING_RECOMMENDATION,
            by=by,
            reason=rationale,
            rule_ids=[*rules, "SC-5"],
            at=now,
        )
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


def _validate_screening(meets_threshold: bool, rag: str, consent: str, override: str) -> None:
    if rag not in Screening.Rag.values:
        raise ApplicationError(
            "Choose the urgency: red, amber or green.", field="rag", rule_ids=("SC-6",)
        )
    if meets_threshold and rag == Screening.Rag.GREEN:
        raise ApplicationError(
            "This threshold level meets the social care threshold, so the urgency must be red "
            "or amber (SC-6). Choose a lower level if the threshold is not met.",
            field="rag",
            rule_ids=("SC-6",),
        )
    if not meets_threshold and rag != Screening.Rag.GREEN:
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


# --------------------------------------------------------------------------- checks, recommendation


@transaction.atomic
def complete_checks(contact: Contact, *, by: Any, summary: str) -> Contact:
    """Record that the MASH checks are done and what they found; meets TS-2/TS-3 (SC-6)."""
    _require(permissions.can_complete_checks(by), "Your role cannot complete MASH checks.")
    contact = _locked(contact)
    summary = _require_text(summary, "summary", "Enter what the checks found.", "SC-6", "MA-6")
    now = timezone.now()
    for rule_id in ("TS-2", "TS-3"):
        meet_clock(contact, rule_id, at=now, by=by, note=summary)
    move_contact(
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
        rule_ids=["SC-6"],
    )
    return contact


@transaction.atomic
def recommend_outcome(contact: Contact, *, by: Any, outcome: str, rationale: str) -> Recommendation:
    """The social worker's recommended outcome and rationale (MA-6, OU-1)."""
    _require(permissions.can_recommend(by), "Your role cannot recommend an outcome.", "MA-6")
    contact = _locked(contact)
    _validate_outcome(contact, outcome, "outcome")
    rationale = _require_text(
        rationale, "rationale", "Enter the rationale for the recommendation.", "MA-6"
    )
    now = timezone.now()
    recommendation = Recommendation.objects.create(
        contact=contact, outcome=outcome, rationale=rationale, recommended_by=by, recommended_at=now
    )
    move_contact(
        contact,
        to=Status.AWAITING_DECISION,
        by=by,
        reason=rationale,
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


@transaction.atomic
def decide(
    contact: Contact,
    *,
    by: Any,
    agrees: bool,
    outcome: str,
    rationale: str,
    signposting: str = "",
) -> Decision:
    """The manager agrees or disagrees with the recommendation and sets the outcome.

    Meets TS-1 (decision on the type of response). The decider may not be the person who
    recommended: the decision is a second pair of eyes (MA-6).
    """
    _require(permissions.can_decide(by), "Only a manager can decide the outcome.", "MA-6")
    contact = _locked(contact)
    if contact.status != Status.AWAITING_DECISION:
        raise TransitionNotAllowed(f"{contact.reference} is not awaiting a decision.")
    recommendation = contact.recommendations.order_by("-recommended_at").first()
    if recommendation is None:  # AWAITING_DECISION is only reached by recommending
        raise TransitionNotAllowed(f"{contact.reference} has no recommendation to decide on.")
    if recommendation.recommended_by_id == by.pk:
        raise NotPermitted(
            "You made the recommendation, so another manager must decide (MA-6).",
            rule_ids=("MA-6",),
        )
    _validate_outcome(contact, outcome, "outcome")
    if agrees and outcome != recommendation.outcome:
        raise ApplicationError(
            "You agreed with the recommendation, so the outcome must be the one recommended. "
            "Choose 'disagree' to set a different outcome.",
            field="outcome",
            rule_ids=("MA-6",),
        )
    rationale = _require_text(
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
    audit.record(
        actor=by,
        action="contact.decided",
        contact_id=contact.pk,
        subject=decision,
        rule_ids=["MA-6", "OU-1", "TS-1"],
        data={"outcome": outcome, "agrees": agrees},
    )
    return decision


@transaction.atomic
def return_contact(contact: Contact, *, by: Any, to: str, reason: str) -> Contact:
    """Send a contact awaiting decision back for more checks or a new recommendation (MA-6)."""
    _require(permissions.can_decide(by), "Only a manager can send a contact back.", "MA-6")
    contact = _locked(contact)
    if contact.status != Status.AWAITING_DECISION:
        raise TransitionNotAllowed(f"{contact.reference} is not awaiting a decision.")
    if to not in (Status.INFORMATION_SHARING, Status.AWAITING_RECOMMENDATION):
        raise ApplicationError("Choose where to send the contact back to.", field="to")
    reason = _require_text(reason, "reason", "Enter why you are sending it back.", "MA-6")
    return move_contact(contact, to=to, by=by, reason=reason, rule_ids=["MA-6"])


@transaction.atomic
def close_contact(contact: Contact, *, by: Any, note: str = "") -> Contact:
    """Close a decided contact. Written confirmation and acknowledgement clocks stay visible."""
    _require(permissions.can_close(by), "Your role cannot close contacts.")
    contact = _locked(contact)
    move_contact(
        contact,
        to=Status.CLOSED,
        by=by,
        reason=note.strip() or "Closed after decision",
        rule_ids=["OU-1", "OU-3"],
    )
    audit.record(
        actor=by, action="contact.closed", contact_id=contact.pk, subject=contact, rule_ids=["OU-3"]
    )
    return contact


@transaction.atomic
def record_acknowledgement(contact: Contact, *, by: Any, note: str) -> Contact:
    """The referrer has been sent an acknowledgement (IN-8, TS-5)."""
    return _record_follow_up(contact, by, note, "TS-5", "contact.acknowledged", "IN-8")


@transaction.atomic
def record_written_confirmation(contact: Contact, *, by: Any, note: str) -> Contact:
    """The referrer's written confirmation of a telephone referral arrived (IN-7, TS-4)."""
    return _record_follow_up(
        contact, by, note, "TS-4", "contact.written_confirmation_received", "IN-7"
    )


def _record_follow_up(
    contact: Contact, by: Any, note: str, rule_id: str, action: str, intake_rule: str
) -> Contact:
    _require(permissions.can_record_follow_up(by), "Your role cannot record this.")
    contact = _locked(contact)
    note = _require_text(note, "note", "Enter how and when it was done.", rule_id)
    if meet_clock(contact, rule_id, at=timezone.now(), by=by, note=note) is None:
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
    "close_contact",
    "complete_checks",
    "confirm_new_person",
    "decide",
    "intake_problems",
    "link_person",
    "move_contact",
    "record_acknowledgement",
    "record_contact",
    "record_written_confirmation",
    "recommend_outcome",
    "return_contact",
    "screen_contact",
]
