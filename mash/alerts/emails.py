"""The plain-text emails: a deadline alert to staff, the written-confirmation chase to a
referrer. Neither names a child or a family member: a reference, a clock, a time and a link
(ADR 0017); the referrer's own name only in the chase (as in the acknowledgement, IN-8).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.urls import reverse

from mash.contacts.clocks import profile_of
from mash.contacts.models import Clock, Contact
from mash.core.formatting import date_gb, datetime_gb


@dataclass(frozen=True)
class Email:
    subject: str
    body: str


def contact_link(contact: Contact) -> str:
    return settings.MASH_SERVICE_URL + reverse("contacts:detail", args=[contact.pk])


def deadline_alert(clock: Clock, stage: str, explanation: str) -> Email:
    """What a member of staff is emailed with their alert (issue 7, RULES.md §2)."""
    contact = clock.contact
    state = "is overdue" if stage == "BREACHED" else "is due soon"
    due = datetime_gb(clock.due_at)
    subject = f"{contact.reference}: {clock.rule_id} {state}"
    body = "\n".join(
        [
            f"Contact {contact.reference}: {clock.label} ({clock.rule_id}) {state}.",
            "",
            f"Due: {due} (UK time).",
            f"Why you are told: {explanation}",
            "",
            f"Open the contact: {contact_link(contact)}",
            "",
            "Sign in to see the details. This email does not contain them.",
        ]
    )
    return Email(subject, body)


def written_confirmation_chase(contact: Contact) -> Email:
    """IN-7: the referrer is asked, once, for the written confirmation that is late."""
    profile = profile_of(contact)
    details = profile.contact
    service = profile.service_name or "the MASH"
    name = contact.referrer_name or "Colleague"
    subject = f"Written confirmation needed: {contact.reference}"
    body = "\n".join(
        [
            f"Dear {name},",
            "",
            f"On {date_gb(contact.received_at)} you made a telephone referral to {service}. "
            f"Our reference is {contact.reference}.",
            "",
            "A professional's telephone referral must be confirmed in writing within 48 hours "
            "(IN-7). We have not received yours yet.",
            "",
            "Please send the completed multi-agency referral form, or an email setting out "
            "your concern, quoting the reference above, to:",
            f"  {details.email.value}",
            f"  or by post: {details.postal_address.value}",
            "",
            f"If you have any questions, phone us on {details.mash_phone.value}.",
            "If a child is in immediate danger, call 999.",
            "",
            service,
        ]
    )
    return Email(subject, body)
