"""The only facts a letter may use (CO-5, IN-9, OU-3, OU-4): a whitelist, built here.

A letter is rendered from a `LetterContext` and nothing else: never the decision's rationale,
the recommendation's analysis, partner answers, strategy reasons or who holds confidential
information (CO-5). The referrer's details are not in a parent's context at all; a
professional referrer who may be named appears by organisation only (IN-9).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.utils import dateformat, timezone

from mash.contacts.clocks import profile_of
from mash.contacts.models import Contact, ContactPerson, Decision
from mash.policy.profiles import Profile


@dataclass(frozen=True)
class LetterContext:
    """Whitelisted facts for one letter. Every field is safe for its addressee."""

    authority: str
    service_name: str
    reference: str
    today: str
    received: str
    addressee_name: str
    address_lines: tuple[str, ...]
    mash_phone: str
    out_of_hours_phone: str
    email: str
    postal_address: str
    complaints: str
    advocacy: str
    outcome: str
    outcome_label: str = ""
    family_sentence: str = ""
    team_name: str = ""
    signposting: str = ""
    children: str = ""  # parent letters only
    referrer_organisation: str = ""  # parent letters: a disclosable professional only (IN-9)


def _day(value: datetime) -> str:
    """'4 December 2026', with the month in the active language."""
    return dateformat.format(timezone.localtime(value), "j F Y")


def _base(contact: Contact, decision: Decision, profile: Profile, name: str) -> dict[str, object]:
    details = profile.contact
    outcome = profile.outcome(decision.outcome)
    return {
        "authority": profile.authority,
        "service_name": profile.service_name,
        "reference": contact.reference,
        "today": _day(timezone.now()),
        "received": _day(contact.received_at),
        "addressee_name": name,
        "mash_phone": details.mash_phone.value,
        "out_of_hours_phone": details.out_of_hours_phone.value,
        "email": details.email.value,
        "postal_address": details.postal_address.value,
        "complaints": details.complaints.value,
        "advocacy": details.advocacy.value,
        "outcome": decision.outcome,
        "outcome_label": outcome.label,
        "family_sentence": outcome.family_sentence,
        "team_name": decision.passed_to.name if decision.passed_to else "",
    }


def referrer_context(
    contact: Contact, decision: Decision, address: tuple[str, ...]
) -> LetterContext:
    """The referrer's letter: a professional gets the outcome (OU-3); a member of the public
    only that we acted (OU-4): the template for "public" uses no outcome field."""
    base = _base(contact, decision, profile_of(contact), contact.referrer_name or "Sir or Madam")
    if not contact.referrer_is_professional:  # OU-4: nothing about the family at all
        for key in ("outcome_label", "family_sentence", "team_name"):
            base[key] = ""
        return LetterContext(address_lines=address, **base)  # type: ignore[arg-type]
    return LetterContext(
        address_lines=address,
        signposting=decision.signposting,
        **base,  # type: ignore[arg-type]
    )


def parent_context(
    contact: Contact, decision: Decision, parent: ContactPerson, address: tuple[str, ...]
) -> LetterContext:
    """A parent's letter: their children's names and the outcome (OU-4); the referrer only by
    organisation and only when professional and disclosable (IN-9)."""
    base = _base(contact, decision, profile_of(contact), parent.full_name)
    organisation = ""
    if contact.referrer_is_professional and contact.referrer_details_disclosable:
        organisation = contact.referrer_organisation
    return LetterContext(
        address_lines=address,
        signposting=decision.signposting,
        children=_names([c.full_name for c in contact.children()]),
        referrer_organisation=organisation,
        **base,  # type: ignore[arg-type]
    )


def _names(names: list[str]) -> str:
    if len(names) <= 1:
        return names[0] if names else ""
    return ", ".join(names[:-1]) + " & " + names[-1]
