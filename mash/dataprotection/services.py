"""Every write of data protection: subject access (CO-6), retention decisions and the share
register (CO-4). Each is audited; nothing here deletes a row (ADR 0013)."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import date
from typing import Any

from dateutil.relativedelta import relativedelta
from django.db import transaction
from django.db.models import Case, Q, Value, When
from django.utils import timezone

from mash.audit import services as audit
from mash.contacts.models import (
    Contact,
    ContactPerson,
    ContactStatus,
    ContactTransition,
    Decision,
    Recommendation,
    Screening,
)
from mash.core.errors import ApplicationError, Conflict, InvalidInput
from mash.core.rules import require, require_text
from mash.dataprotection import permissions
from mash.dataprotection.models import (
    RetentionReview,
    SubjectAccessRequest,
    WithheldItem,
)
from mash.dataprotection.retention import Rules, due_for, load_rules
from mash.dataprotection.subject_access import Export, build_export
from mash.people.models import Person
from mash.sharing.models import Contribution, InformationRequest

# --------------------------------------------------------------------- subject access (CO-6)


def one_calendar_month_after(received: date) -> date:
    """UK GDPR Art. 12(3) as the ICO reads it: the same day next month, or that month's last
    day when it has no such date (received 31 January: due 28 or 29 February)."""
    return received + relativedelta(months=1)


@dataclass(frozen=True)
class RequestDetails:
    requester_name: str
    requester_relationship: str
    received_on: date
    identity_checked: bool
    identity_check: str
    notes: str = ""


def _request_problems(details: RequestDetails) -> list[ApplicationError]:
    problems = []
    if not details.requester_name.strip():
        problems.append(ApplicationError("Enter who made the request", field="requester_name"))
    if details.requester_relationship not in SubjectAccessRequest.Relationship.values:
        problems.append(
            ApplicationError(
                "Choose who the requester is to the person", field="requester_relationship"
            )
        )
    if details.received_on > timezone.localdate():
        problems.append(
            ApplicationError("The date received must be today or in the past", field="received_on")
        )
    if not details.identity_checked:
        problems.append(
            ApplicationError(
                "Check the requester's identity before recording the request: nothing may be "
                "disclosed to someone whose identity is not confirmed (CO-6)",
                field="identity_checked",
                rule_ids=("CO-6",),
            )
        )
    if not details.identity_check.strip():
        problems.append(
            ApplicationError(
                "Enter how the requester's identity was checked", field="identity_check"
            )
        )
    return problems


@transaction.atomic
def record_subject_access_request(
    person: Person, *, by: Any, details: RequestDetails
) -> SubjectAccessRequest:
    """Record a request for what is held about `person`, due one calendar month later."""
    require(
        permissions.can_handle_subject_access(by),
        "Only a practice, team or service manager or a head of service can handle a subject "
        "access request.",
        "CO-6",
    )
    problems = _request_problems(details)
    if problems:
        raise InvalidInput(problems)
    sar = SubjectAccessRequest.objects.create(
        person=person,
        requester_name=details.requester_name.strip(),
        requester_relationship=details.requester_relationship,
        received_on=details.received_on,
        due_on=one_calendar_month_after(details.received_on),
        identity_checked=True,
        identity_check=details.identity_check.strip(),
        notes=details.notes.strip(),
        recorded_by=by,
        recorded_at=timezone.now(),
    )
    audit.record(
        actor=by,
        action="sar.recorded",
        person_id=person.pk,
        subject=sar,
        rule_ids=["CO-6"],
        data={"received_on": sar.received_on, "due_on": sar.due_on},
    )
    return sar


def released_keys(sar: SubjectAccessRequest) -> set[str]:
    return set(sar.withheld_items.filter(released_at__isnull=False).values_list("key", flat=True))


def _sync_withheld(sar: SubjectAccessRequest, export: Export, by: Any) -> list[WithheldItem]:
    """Record every withheld item not yet recorded (same key: same row), each audited."""
    known = set(sar.withheld_items.values_list("key", flat=True))
    made = []
    for item in export.withheld:
        if item.key in known:
            continue
        row = WithheldItem.objects.create(
            request=sar,
            key=item.key,
            contact_id=item.contact_id,
            description=item.description[:300],
            reason=item.reason,
            exemption=item.exemption,
            rule_ids=list(item.rule_ids),
        )
        audit.record(
            actor=by,
            action="sar.item_withheld",
            person_id=sar.person_id,
            contact_id=item.contact_id,
            subject=row,
            rule_ids=["CO-6", *item.rule_ids],
            data={"request": str(sar.pk), "key": item.key, "exemption": item.exemption},
        )
        made.append(row)
    return made


@transaction.atomic
def produce_export(sar: SubjectAccessRequest, *, by: Any) -> Export:
    """Build the export from the live record, recording what it withholds (CO-6)."""
    require(
        permissions.can_handle_subject_access(by),
        "Only a practice, team or service manager or a head of service can produce a subject "
        "access export.",
        "CO-6",
    )
    sar = SubjectAccessRequest.objects.select_for_update().get(pk=sar.pk)
    export = build_export(sar, released_keys(sar))
    made = _sync_withheld(sar, export, by)
    sar.produced_at, sar.produced_by = timezone.now(), by
    sar.save(update_fields=["produced_at", "produced_by", "updated_at"])
    audit.record(
        actor=by,
        action="sar.produced",
        person_id=sar.person_id,
        subject=sar,
        rule_ids=["CO-6", "CO-5"],
        data={
            "contacts": [reference for reference, _ in export.contacts],
            "withheld": len(export.withheld),
            "newly_withheld": len(made),
        },
    )
    return export


@transaction.atomic
def export_for_download(sar: SubjectAccessRequest, *, by: Any, form: str) -> dict[str, Any]:
    """The export as data for a download (`form`: 'html' or 'json'), audited with a digest of
    what was handed over, so the exact disclosure can be shown later."""
    require(
        permissions.can_handle_subject_access(by),
        "Only a practice, team or service manager or a head of service can download a subject "
        "access export.",
        "CO-6",
    )
    sar.refresh_from_db(fields=["produced_at", "produced_by"])
    if sar.produced_at is None:
        raise ApplicationError("Produce the export first.", rule_ids=("CO-6",))
    export = build_export(sar, released_keys(sar))
    _sync_withheld(sar, export, by)  # anything new since it was produced is recorded too
    data = export.as_data(sar)
    digest = hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()
    audit.record(
        actor=by,
        action="sar.downloaded",
        person_id=sar.person_id,
        subject=sar,
        rule_ids=["CO-6"],
        data={"format": form, "sha256": digest, "withheld": len(export.withheld)},
    )
    return {"export": export, "data": data, "sha256": digest}


@transaction.atomic
def release_item(item: WithheldItem, *, by: Any, reason: str) -> WithheldItem:
    """A manager releases a withheld item into the export, with the reason (e.g. the agency
    agreed, or the third party consented). Recorded and audited; the row stays."""
    require(
        permissions.can_handle_subject_access(by),
        "Only a practice, team or service manager or a head of service can release a withheld "
        "item.",
        "CO-6",
    )
    item = WithheldItem.objects.select_for_update().get(pk=item.pk)
    if item.is_released:
        raise Conflict(
            f"{item.released_by.display_name() if item.released_by else 'Someone'} already "
            "released this item.",
            rule_ids=("CO-6",),
        )
    reason = require_text(reason, "reason", "Enter why this item may now be disclosed", "CO-6")
    item.released_at, item.released_by, item.release_reason = timezone.now(), by, reason
    item.save(update_fields=["released_at", "released_by", "release_reason", "updated_at"])
    audit.record(
        actor=by,
        action="sar.item_released",
        person_id=item.request.person_id,
        contact_id=item.contact_id,
        subject=item,
        rule_ids=["CO-6", *item.rule_ids],
        data={"request": str(item.request_id), "key": item.key, "reason": item.release_reason},
    )
    return item


# --------------------------------------------------------------------------- retention


@dataclass(frozen=True)
class ReviewRun:
    """What one run of the review job found."""

    created: list[RetentionReview]
    already_open: int
    kept_until_later: int
    not_yet_due: int
    audit_events_past_period: int
    audit_rule: str


def _last_review(contact: Contact) -> RetentionReview | None:
    return contact.retention_reviews.order_by("-found_at").first()


def run_retention_review(*, today: date | None = None, rules: Rules | None = None) -> ReviewRun:
    """Create a review for each closed contact past its review date (idempotent; never
    deletes). A contact already under review, kept until a later date, or disposed is left."""
    from mash.audit.models import AuditEvent

    today = today or timezone.localdate()
    rules = rules or load_rules()
    created, already_open, kept, not_due = [], 0, 0, 0
    closed = Contact.objects.filter(status=ContactStatus.CLOSED).select_related("decision")
    for contact in closed.order_by("received_at"):
        last = _last_review(contact)
        if last is not None and (last.is_open or last.status == RetentionReview.Status.DISPOSED):
            already_open += last.is_open
            continue
        due = due_for(contact, rules)
        if due is None:
            continue
        review_on, explanation = due.review_on, due.explanation
        if last is not None and last.keep_until is not None:
            if last.keep_until > today:
                kept += 1
                continue
            review_on = last.keep_until
            explanation = f"{explanation}; kept until {last.keep_until:%d/%m/%Y} at the last review"
        if review_on > today:
            not_due += 1
            continue
        # One short transaction a contact: the audit chain's lock is held until commit, and
        # one transaction over every closed contact would stall every audited read meanwhile.
        with transaction.atomic():
            review = RetentionReview.objects.create(
                contact=contact,
                reference=contact.reference,
                rule_id=due.rule.id,
                rule_title=due.rule.title,
                review_due_on=review_on,
                explanation=explanation,
                found_at=timezone.now(),
            )
            audit.record(
                actor=None,
                actor_name="Retention review job",
                action="retention.review_due",
                contact_id=contact.pk,
                subject=review,
                rule_ids=["CO-6"],
                data={"rule": due.rule.id, "review_due_on": review_on},
            )
        created.append(review)
    audit_rule = rules.for_audit()
    old_events = 0
    if audit_rule is not None:
        cutoff = today - relativedelta(years=audit_rule.review["years_after_event"])
        old_events = AuditEvent.objects.filter(at__date__lt=cutoff).count()
    audit.record(
        actor=None,
        actor_name="Retention review job",
        action="retention.reviewed",
        rule_ids=["CO-6"],
        data={
            "today": today,
            "created": len(created),
            "already_open": already_open,
            "audit_events_past_period": old_events,
        },
    )
    return ReviewRun(
        created, already_open, kept, not_due, old_events, audit_rule.id if audit_rule else ""
    )


def _locked_review(review: RetentionReview) -> RetentionReview:
    return RetentionReview.objects.select_for_update().get(pk=review.pk)


@transaction.atomic
def keep_record(
    review: RetentionReview, *, by: Any, keep_until: date | None, reason: str
) -> RetentionReview:
    """Keep the contact until a later date, with the reason; reviewed again then."""
    require(
        permissions.can_decide_retention(by),
        "Only a team or service manager or a head of service can decide on retention.",
    )
    review = _locked_review(review)
    _require_status(review, RetentionReview.Status.DUE)
    problems = []
    if keep_until is None or keep_until <= timezone.localdate():
        problems.append(
            ApplicationError("The date to keep it until must be in the future", field="keep_until")
        )
    if not reason.strip():
        problems.append(ApplicationError("Enter why the record is kept", field="reason"))
    if problems:
        raise InvalidInput(problems)
    review.status, review.keep_until, review.reason = (
        RetentionReview.Status.KEPT,
        keep_until,
        reason,
    )
    review.decided_by, review.decided_at = by, timezone.now()
    review.save()
    audit.record(
        actor=by,
        action="retention.kept",
        contact_id=review.contact_id,
        subject=review,
        rule_ids=["CO-6"],
        data={"keep_until": keep_until, "reason": reason.strip(), "rule": review.rule_id},
    )
    return review


def _require_status(review: RetentionReview, status: str) -> None:
    if review.status != status:
        who = review.decided_by.display_name() if review.decided_by else "Someone"
        raise Conflict(
            f"{who} already recorded a decision on this review: {review.get_status_display()}."
        )


@transaction.atomic
def propose_disposal(review: RetentionReview, *, by: Any, reason: str) -> RetentionReview:
    """The first person: propose disposal, with the reason. Nothing changes until a second
    person approves."""
    require(
        permissions.can_decide_retention(by),
        "Only a team or service manager or a head of service can decide on retention.",
    )
    review = _locked_review(review)
    _require_status(review, RetentionReview.Status.DUE)
    reason = require_text(reason, "reason", "Enter why the record can be disposed of", "CO-6")
    review.status, review.reason = RetentionReview.Status.DISPOSAL_PROPOSED, reason
    review.decided_by, review.decided_at = by, timezone.now()
    review.save()
    audit.record(
        actor=by,
        action="retention.disposal_proposed",
        contact_id=review.contact_id,
        subject=review,
        rule_ids=["CO-6"],
        data={"reason": review.reason, "rule": review.rule_id},
    )
    return review


@transaction.atomic
def approve_disposal(review: RetentionReview, *, by: Any, note: str = "") -> RetentionReview:
    """The second person approves: the contact's personal details and free text are removed
    (`anonymise_contact`); its reference, dates, status and outcome stay as the tombstone."""
    require(
        permissions.can_approve_disposal(by),
        "Only a service manager or head of service can approve a disposal.",
    )
    review = _locked_review(review)
    _require_status(review, RetentionReview.Status.DISPOSAL_PROPOSED)
    if review.decided_by_id == by.pk:
        raise ApplicationError(
            "A second person must approve the disposal: you proposed it.", field="note"
        )
    if _subject_access_pending(review.contact):
        raise ApplicationError(
            "A subject access request about someone on this contact is still being answered "
            "(not yet produced, or its reply is not yet due). Disposing of the record now "
            "could destroy what they asked for (DPA 2018 s.173): approve it after that.",
            field="note",
            rule_ids=("CO-6",),
        )
    changed = anonymise_contact(review.contact)
    review.status = RetentionReview.Status.DISPOSED
    review.approved_by, review.approved_at, review.approval_note = by, timezone.now(), note.strip()
    review.save()
    audit.record(
        actor=by,
        action="retention.disposed",
        contact_id=review.contact_id,
        subject=review,
        rule_ids=["CO-6"],
        data={"proposed_by": str(review.decided_by_id), "rows_changed": changed},
    )
    return review


def _subject_access_pending(contact: Contact) -> bool:
    """A request about a person on `contact` is not yet produced, or its reply not yet due."""
    people = contact.people.exclude(person__isnull=True).values_list("person_id", flat=True)
    requests = SubjectAccessRequest.objects.filter(person_id__in=list(people))
    return requests.filter(
        Q(produced_at__isnull=True) | Q(due_on__gte=timezone.localdate())
    ).exists()


def _disposal_fields() -> list[tuple[Any, str, dict[str, Any]]]:
    """What disposal empties: (model, the lookup to the contact, field -> new value)."""
    from mash.contacts.models import WrittenConfirmation, WrittenConfirmationChase
    from mash.disputes.models import Dispute, DisputeStep
    from mash.letters.models import Letter
    from mash.meetings.models import (
        EmergencyAction,
        MeetingCase,
        StrategyAction,
        StrategyDiscussion,
    )
    from mash.notifications.models import Notification
    from mash.routing.models import PathwayReview, RouteDecision, Task
    from mash.sampling.models import AuditFinding, FindingAnswer

    blank = dict.fromkeys
    # A note left empty (a Yes needs none) stays empty: "removed" would claim there was one.
    answer_note = Case(When(note="", then=Value("")), default=Value(DISPOSED_TEXT))
    return [
        (
            Contact,
            "pk",
            blank(
                [
                    "referrer_name",
                    "referrer_role",
                    "referrer_organisation",
                    "referrer_phone",
                    "referrer_email",
                    "referrer_address",
                    "referrer_relationship",
                    "concern_source_and_timing",
                    "significant_events",
                    "child_location_and_condition",
                    "other_agencies_involved",
                    "existing_assessment",
                    "child_views",
                    "parents_not_informed_reason",
                ],
                "",
            )
            | {"concern_summary": DISPOSED_TEXT},
        ),
        (
            ContactPerson,
            "contact",
            blank(
                [
                    "given_names",
                    "family_name",
                    "other_names",
                    "nhs_number",
                    "upn",
                    "address",
                    "postcode",
                    "school_or_nursery",
                    "ethnicity",
                    "first_language",
                    "preferred_language",
                    "religion",
                    "special_needs",
                    "relationship_to_child",
                ],
                "",
            )
            | {"date_of_birth": None, "person": None, "interpreter_needed": False},
        ),
        (ContactTransition, "contact", {"reason": ""}),
        (Screening, "contact", {"rationale": DISPOSED_TEXT, "consent_override_reason": ""}),
        (Recommendation, "contact", {"analysis": "", "rationale": DISPOSED_TEXT}),
        (Decision, "contact", {"rationale": DISPOSED_TEXT, "signposting": ""}),
        (
            InformationRequest,
            "contact",
            {
                "concern_summary": DISPOSED_TEXT,
                "question": "",
                "consent_note": "",
                "closed_reason": "",
            },
        ),
        (
            Contribution,
            "request__contact",
            blank(
                [
                    "information",
                    "analysis",
                    "heightens_concern_reason",
                    "confidential_holder",
                    "awaiting_from_name",
                    "awaiting_from_designation",
                ],
                "",
            ),
        ),
        (MeetingCase, "contact", {"analysis": DISPOSED_TEXT, "actions": ""}),
        (  # the outcome letters (OU-4): what they said goes with the record (CO-6)
            Letter,
            "contact",
            blank(
                [
                    "addressee_name",
                    "email",
                    "subject",
                    "hold_reason",
                    "release_reason",
                    "delivery_error",
                ],
                "",
            )
            | {"text": DISPOSED_TEXT, "address_lines": [], "pdf": b""},
        ),
        (StrategyDiscussion, "contact", {"rationale": DISPOSED_TEXT}),
        (StrategyAction, "discussion__contact", {"action": DISPOSED_TEXT, "owner_name": ""}),
        (
            EmergencyAction,
            "contact",
            blank(["children_protected", "other_children_considered", "why_no_epo", "note"], "")
            | {"taken_by": ""},
        ),
        (Dispute, "contact", {"reason": DISPOSED_TEXT}),
        (DisputeStep, "dispute__contact", {"note": DISPOSED_TEXT, "counterpart": ""}),
        (RouteDecision, "contact", {"reason": "", "worker": ""}),
        (Task, "contact", {"note": ""}),
        (PathwayReview, "contact", {"note": ""}),
        (  # the referrer's written confirmation (IN-7): often the whole referral form
            WrittenConfirmation,
            "contact",
            blank(["note", "text", "file_name", "content_type", "sha256"], "")
            | {"data": b"", "size": 0},
        ),
        (WrittenConfirmationChase, "contact", {"recipient": ""}),
        (  # a dip-sample audit of the case (DM-2): the auditor's words about it; the grade and
            # the Yes / No answers stay, as the outcome does, for the sample's figures
            AuditFinding,
            "item__contact",
            {"summary": DISPOSED_TEXT, "learning_points": ""},
        ),
        (FindingAnswer, "finding__item__contact", {"note": answer_note}),
        (  # what the outbox sent: addresses, names and the rendered emails (ADR 0018)
            Notification,
            "contact_id",
            blank(["recipient", "subject", "body"], "") | {"personalisation": {}},
        ),
    ]


DISPOSED_TEXT = "Removed after a retention review (ADR 0013)."


def anonymise_contact(contact: Contact) -> int:
    """Empty every personal and free-text field of a contact and what hangs off it; keep the
    reference, dates, statuses, outcomes and clocks. Returns the rows changed. The audit trail
    is never touched (ADR 0005)."""
    from mash.notifications.models import Delivery, Notification

    sent = Notification.objects.filter(contact_id=contact.pk).values_list("id", flat=True)
    # The log adapter's copy of what was "sent" (tests and the demo) goes the same way.
    changed = Delivery.objects.filter(notification_id__in=list(sent)).update(
        recipient="", personalisation={}
    )
    for model, lookup, values in _disposal_fields():
        changed += model.objects.filter(**{lookup: contact.pk}).update(**values)
    return changed
