"""Writing, holding, releasing and sending outcome letters (OU-3, OU-4, CO-1, IN-9, DM-3).

`draft_outcome_letters` runs inside `decide()` and `revise_decision()`'s transaction, so a
letter exists only with its decision (no parent letter before the decision, CO-1) and its
notification is in the outbox only if the decision committed (ADR 0017). Every letter's text
and PDF are kept; nothing here deletes or rewrites what a letter said.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from mash.audit import services as audit
from mash.contacts import permissions
from mash.contacts.clocks import profile_of
from mash.contacts.models import Contact, ContactPerson, Decision, Screening
from mash.core.errors import ApplicationError, NotPermitted
from mash.core.rules import require_text
from mash.letters import addresses, guard, rendering
from mash.letters.context import parent_context, referrer_context
from mash.letters.languages import letter_language
from mash.letters.models import Letter
from mash.notifications import services as notifications
from mash.notifications.models import Notification

KIND = "outcome_letter"
Status = Letter.Status


def draft_outcome_letters(
    contact: Contact,
    decision: Decision,
    by: Any,
    *,
    hold_parent_letters: bool = False,
    hold_reason: str = "",
) -> list[Letter]:
    """Write the outcome letters of `decision` and issue those that may go (OU-3, OU-4).

    One to the referrer, unless anonymous (IN-9); one to each adult with parental
    responsibility. Parent letters are HELD when telling the parents would increase the risk
    (CO-1: the contact's recorded reason, or consent overridden at screening), when the
    deciding manager holds them with a reason, and by default for a child protection enquiry
    and for a letter to the alleged perpetrator (`risk_reason`); a manager releases them.
    Earlier letters of a revised decision are superseded (DM-1). Must run in the decision's
    transaction.
    """
    if hold_parent_letters:
        hold_reason = require_text(
            hold_reason, "hold_reason", "Enter why the parents' letters are held.", "CO-1"
        )
    earlier = _supersede(contact)
    carried = next((x.hold_reason for x in earlier if x.status_before == Status.HELD), "")
    made = []
    if not contact.is_anonymous:
        made.append(_referrer_letter(contact, decision, by))
    reason = hold_reason or co1_reason(contact) or carried
    for parent in parents(contact):
        why = reason or risk_reason(decision.outcome, parent)
        made.append(_parent_letter(contact, decision, parent, by, why))
    for old in earlier:
        old.letter.superseded_by = _matching(made, old.letter)
        old.letter.save(update_fields=["superseded_by", "updated_at"])
    return made


def parents(contact: Contact) -> list[ContactPerson]:
    """The adults with parental responsibility, who receive a letter (OU-4)."""
    return list(contact.adults().filter(has_parental_responsibility=True))


def co1_reason(contact: Contact) -> str:
    """Why parents were not told, when telling them would increase the risk (CO-1), or ""."""
    if contact.parents_not_informed_reason.strip():
        return f"Parents were not told about the referral: {contact.parents_not_informed_reason}"
    screening = Screening.objects.filter(contact=contact).first()
    if screening is not None and screening.consent == Screening.Consent.OVERRIDDEN:
        why = screening.consent_override_reason or "seeking it would risk harm"
        return f"Checks went ahead without the parents' consent: {why}"
    return ""


def risk_reason(outcome: str, parent: ContactPerson) -> str:
    """Why this parent's letter waits for a manager by default, or "" (CO-1, OU-4).

    OU-4: where telling parents about a child protection referral beforehand would increase
    the risk, they are not told beforehand. The product does not guess when it would: a
    letter to the alleged perpetrator, and every parent letter of a section 47 enquiry (told
    by the social worker once the strategy discussion has agreed how), wait until a manager
    releases them."""
    if parent.is_alleged_perpetrator:
        return (
            "The letter is to the alleged perpetrator: telling them before the enquiry could "
            "increase the risk to the child (CO-1, OU-4)."
        )
    if outcome == Decision.Outcome.S47:
        return (
            "A child protection enquiry (section 47): parents are told once the strategy "
            "discussion has agreed how, unless that would increase the risk (CO-1, OU-4)."
        )
    return ""


# ---------------------------------------------------------------------------- composing


def _referrer_letter(contact: Contact, decision: Decision, by: Any) -> Letter:
    name = contact.referrer_name or "Sir or Madam"
    email = contact.referrer_email if contact.referrer_is_professional else ""
    lines = () if email else addresses.lines_of(name, contact.referrer_address)
    letter = compose(contact, decision, None, lines, by, email=email)
    return _issue_or_wait(letter, by)


def _parent_letter(
    contact: Contact, decision: Decision, parent: ContactPerson, by: Any, hold_reason: str
) -> Letter:
    lines = addresses.lines_of(parent.full_name, parent.address, parent.postcode)
    letter = compose(contact, decision, parent, lines, by)
    if hold_reason:
        return _hold(letter, by, hold_reason)
    return _issue_or_wait(letter, by)


def compose(
    contact: Contact,
    decision: Decision,
    parent: ContactPerson | None,
    lines: tuple[str, ...],
    by: Any,
    *,
    email: str = "",
) -> Letter:
    """Render one letter from its whitelisted context, check it (CO-5, IN-9, OU-4) and keep
    it, unsaved, with its PDF. Nothing is sent here."""
    profile = profile_of(contact)
    preferred = parent.preferred_language if parent else ""
    language, translation_needed = letter_language(preferred)
    if parent is None:
        kind = "professional" if contact.referrer_is_professional else "public"
        context = referrer_context(contact, decision, lines)
    else:
        kind = "parent"
        context = parent_context(contact, decision, parent, lines)
    rendered = rendering.render(profile, kind, context, language)
    _check(rendered, contact, decision, parent, kind, lines)
    return Letter(
        contact=contact,
        decision=decision,
        outcome=decision.outcome,
        audience=Letter.Audience.PARENT if parent else Letter.Audience.REFERRER,
        addressee=parent,
        addressee_name=context.addressee_name,
        address_lines=list(lines),
        email=email,
        channel=Letter.Channel.EMAIL if email else Letter.Channel.LETTER,
        language=language,
        translation_needed=translation_needed,
        template_key=rendered.template_key,
        subject=rendered.subject,
        text=rendered.body_text if email else rendered.text,
        pdf=rendered.pdf(),
        created_by=by,
    )


def _check(
    rendered: rendering.Rendered,
    contact: Contact,
    decision: Decision,
    parent: ContactPerson | None,
    kind: str,
    lines: tuple[str, ...],
) -> None:
    text = rendered.text
    if kind == "public":
        profile = profile_of(contact)
        outcome = profile.outcome(decision.outcome)
        guard.check_public(
            text,
            contact,
            outcome_words=[outcome.label, outcome.family_sentence],
            standard_wording=rendered.wording,
        )
    named = [w for p in contact.people.all() for w in (p.given_names, p.family_name)]
    named += " ".join(named).split()
    # The address this letter goes to (typed on "add the address" when none was recorded).
    own = "\n".join(lines) if parent else ""
    guard.check(
        text,
        contact,
        parent_letter=parent is not None,
        allowed_names=named,
        own_address=own,
        standard_wording=rendered.wording,
        free_text=decision.signposting if kind != "public" else "",
    )


# ---------------------------------------------------------------------------- issuing


def _issue_or_wait(letter: Letter, by: Any) -> Letter:
    if not (letter.email or letter.address_lines):
        letter.status = Status.NO_ADDRESS
        letter.save()
        _record(letter, by, "letter.no_address", ["OU-4"])
        return letter
    letter.status = Status.ISSUED
    letter.save()
    _enqueue(letter)
    _record(letter, by, "letter.issued", ["OU-3", "OU-4"])
    return letter


def _hold(letter: Letter, by: Any, reason: str) -> Letter:
    letter.status = Status.HELD
    letter.hold_reason = reason
    letter.held_by = by
    letter.held_at = timezone.now()
    letter.save()
    _record(letter, by, "letter.held", ["CO-1", "OU-4"], reason=reason)
    return letter


def _enqueue(letter: Letter) -> Notification:
    """Into the outbox with the letter (ADR 0017): by email for a professional referrer who
    gave an address (its body is the letter's text), otherwise the PDF by post."""
    common: dict[str, Any] = {
        "kind": KIND,
        "template": "outcome_letter",
        "personalisation": {"reference": letter.contact.reference},
        "contact_id": letter.contact_id,
        "letter_id": letter.pk,
    }
    if letter.channel == Letter.Channel.EMAIL:
        return notifications.enqueue(
            channel=Notification.Channel.EMAIL,
            recipient=letter.email,
            subject=letter.subject,
            body=letter.text,
            **common,
        )
    return notifications.enqueue(
        channel=Notification.Channel.LETTER, recipient=letter.addressee_name, **common
    )


class _Earlier:
    def __init__(self, letter: Letter) -> None:
        self.letter = letter
        self.status_before = letter.status
        self.hold_reason = letter.hold_reason


def _supersede(contact: Contact) -> list[_Earlier]:
    """DM-1: a revised decision replaces its letters. Their texts stay; what was not yet
    handed to a worker is not sent (a letter already being sent cannot be called back)."""
    earlier = [_Earlier(x) for x in Letter.objects.filter(contact=contact).current()]
    for item in earlier:
        item.letter.status = Status.SUPERSEDED
        item.letter.save(update_fields=["status", "updated_at"])
    ids = [item.letter.pk for item in earlier]
    if ids:
        notifications.cancel_unsent(
            letter_ids=ids,
            reason="Not sent: the decision was changed and a new letter written (DM-1).",
        )
    return earlier


def _matching(made: list[Letter], old: Letter) -> Letter | None:
    return next(
        (m for m in made if m.audience == old.audience and m.addressee_id == old.addressee_id),
        None,
    )


# ---------------------------------------------------------------------------- staff actions


def _locked(letter: Letter) -> Letter:
    return Letter.objects.select_for_update().select_related("contact").get(pk=letter.pk)


@transaction.atomic
def release(letter: Letter, *, by: Any, reason: str) -> Letter:
    """A manager releases a held letter, with a reason (CO-1): it is sent now."""
    if not permissions.can_decide(by):
        raise NotPermitted("Only a manager can release a held letter (CO-1).", rule_ids=("CO-1",))
    reason = require_text(reason, "reason", "Enter why the letter can now be sent.", "CO-1")
    letter = _locked(letter)
    if letter.status != Status.HELD:
        raise ApplicationError("This letter is not held.", rule_ids=("CO-1",))
    letter.release_reason = reason
    letter.released_by = by
    letter.released_at = timezone.now()
    _record(letter, by, "letter.released", ["CO-1", "OU-4"], reason=reason)
    return _issue_or_wait(letter, by)


@transaction.atomic
def send_again(letter: Letter, *, by: Any, reason: str = "") -> Notification:
    """MASH staff who record the follow-up send an issued letter again (lost in the post,
    a new copy asked for): the same letter, a new notification (OU-4)."""
    if not permissions.can_record_follow_up(by):
        raise NotPermitted("Your role cannot send a letter again.", rule_ids=("OU-4",))
    letter = _locked(letter)
    if letter.status != Status.ISSUED:
        raise ApplicationError(
            "Only a letter that has been issued can be sent again.", rule_ids=("OU-4",)
        )
    waiting = Notification.objects.filter(
        letter_id=letter.pk,
        status__in=[
            Notification.Status.PENDING,
            Notification.Status.QUEUED,
            Notification.Status.SENDING,
        ],
    )
    if waiting.exists():  # a double click, or a second person: one copy is enough
        raise ApplicationError(
            "This letter is already waiting to be sent; it cannot be sent again until it has gone.",
            rule_ids=("OU-4",),
        )
    notification = _enqueue(letter)
    _record(letter, by, "letter.sent_again", ["OU-4"], reason=reason.strip())
    return notification


@transaction.atomic
def add_address(letter: Letter, *, by: Any, lines: list[str], postcode: str) -> Letter:
    """Give a letter that had no address one, and send it (OU-4): a new letter with the
    address in its PDF replaces the unsent one."""
    if not permissions.can_record_follow_up(by):
        raise NotPermitted("Your role cannot address a letter.", rule_ids=("OU-4",))
    address = addresses.validated(letter.addressee_name, lines, postcode)
    letter = _locked(letter)
    if letter.status != Status.NO_ADDRESS:
        raise ApplicationError("This letter already has an address.", rule_ids=("OU-4",))
    new = compose(letter.contact, letter.decision, letter.addressee, address, by)
    new = _issue_or_wait(new, by)
    letter.status = Status.SUPERSEDED
    letter.superseded_by = new
    letter.save(update_fields=["status", "superseded_by", "updated_at"])
    return new


def record_view(letter: Letter, *, by: Any, what: str) -> None:
    """Reading a letter is reading the child's record: audited (house style)."""
    _record(letter, by, "letter.viewed", ["OU-4"], what=what)


def _record(letter: Letter, by: Any, action: str, rule_ids: list[str], **data: str) -> None:
    audit.record(
        actor=by,
        action=action,
        contact_id=letter.contact_id,
        subject=letter,
        rule_ids=rule_ids,
        data={"audience": letter.audience, "channel": letter.channel, **data},
    )
