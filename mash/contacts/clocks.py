"""Starting and meeting a contact's clocks (RULES.md §2, "How clocks count").

Due times are computed once, when the event happens, from the profile in force, and stored
with the rule id and the explanation, so "why is this due then?" always has the answer that
applied at the time.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from mash.contacts.models import Clock, Contact
from mash.policy.profiles import Profile, profile_named
from mash.workdays.clocks import due_time

# Which rules each clock meets, for the UI ("met when …").
MET_WHEN: dict[str, str] = {
    "TS-1": "the manager records the decision on the type of response",
    "TS-2": "the MASH checks are complete",
    "TS-3": "the MASH checks are complete",
    "TS-4": "the referrer's written confirmation is received",
    "TS-5": "the referrer is sent an acknowledgement",
    "TS-8": "the dispute about the recommendation is resolved",
}


def profile_of(contact: Contact) -> Profile:
    """The profile the contact was received under (kept on the contact)."""
    return profile_named(contact.profile)


def start_clock(contact: Contact, rule_id: str, started_at: datetime) -> Clock | None:
    """Start `rule_id` for `contact` at `started_at`; None when the profile has no such clock."""
    profile = profile_of(contact)
    rule = profile.clock(rule_id)
    if rule is None:
        return None
    due = due_time(rule, started_at, profile.calendar)
    return Clock.objects.create(
        contact=contact,
        rule_id=rule_id,
        label=rule.label,
        started_at=started_at,
        due_at=due.due_at,
        explanation=list(due.explanation),
    )


def meet_clock(
    contact: Contact, rule_id: str, *, at: datetime, by: Any = None, note: str = ""
) -> Clock | None:
    """Mark the open clock `rule_id` as met; None when there is no open clock for it."""
    clock = contact.clocks.filter(rule_id=rule_id, met_at__isnull=True).first()
    if clock is None:
        return None
    return meet(clock, at=at, by=by, note=note)


def meet(clock: Clock, *, at: datetime, by: Any = None, note: str = "") -> Clock:
    """Mark this clock as met (for a clock known by its owner, such as a dispute's TS-8)."""
    clock.met_at = at
    clock.met_by = by if getattr(by, "is_authenticated", False) else None
    clock.met_note = note
    clock.save(update_fields=["met_at", "met_by", "met_note", "updated_at"])
    return clock


def start_intake_clocks(contact: Contact) -> list[Clock]:
    """TS-1 always; TS-4 where the profile wants written confirmation (IN-7); TS-5 unless
    the referrer is anonymous (IN-8, IN-9)."""
    profile = profile_of(contact)
    started: list[Clock | None] = [start_clock(contact, "TS-1", contact.received_at)]
    if profile.written_confirmation_applies(
        channel=contact.channel,
        referrer_is_professional=contact.referrer_is_professional,
        child_protection_concern=contact.child_protection_concern,
    ):
        started.append(start_clock(contact, "TS-4", contact.received_at))
    if not contact.is_anonymous:
        started.append(start_clock(contact, "TS-5", contact.received_at))
    return [clock for clock in started if clock is not None]
