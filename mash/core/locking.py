"""Optimistic locking: two people working on the same record, and nothing silently overwritten
(issue 6, ADR 0016).

A record that people change through forms (a `Contact`, an `InformationRequest`) has a
`version`. Every write through the services takes the row with `bump`:

    UPDATE … SET version = version + 1 WHERE id = %s [AND version = %s]

inside the service's transaction. The row lock that UPDATE takes serialises writers exactly
as `select_for_update` did; the version check makes a write from a page rendered before
someone else's change fail with `StaleVersion` (a `Conflict`, HTTP 409) instead of landing on
top of it. The version a user saw reaches the service from the view with `expecting`:

    with locking.expecting(contact, version_from_the_form, by=request.user):
        services.decide(contact, ...)

The first `bump` of that record inside the block checks it; later bumps in the same service
call (one service calling another) just count. Outside `expecting` (internal callers, the
seeding, a partner API call without `If-Match`) a bump never refuses: the state checks of the
services (`require_status`) still apply.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

from django.core.exceptions import ObjectDoesNotExist
from django.db import connection, models
from django.db.models import F, Q

from mash.audit.actions import READ_ACTIONS, describe
from mash.audit.models import AuditEvent
from mash.core.errors import Conflict
from mash.core.formatting import datetime_gb

M = TypeVar("M", bound=models.Model)

# (model label, primary key) -> [version the user saw, acting user]; one entry per record.
_expected: ContextVar[dict[tuple[str, str], list[Any]] | None] = ContextVar(
    "mash_expected_versions", default=None
)


class StaleVersion(Conflict):
    """The record changed after the page was rendered: nothing was saved. `change` is the
    latest change by someone else (None when the trail has none), for the conflict page."""

    def __init__(self, message: str, *, change: Change | None, current_version: int) -> None:
        super().__init__(message)
        self.change = change
        self.current_version = current_version


@dataclass(frozen=True)
class Change:
    """One entry of a record's timeline: who did what, and when."""

    who: str
    what: str
    at: datetime
    by_you: bool = False

    @property
    def when(self) -> str:
        return datetime_gb(self.at)


def parse_version(value: Any) -> int | None:
    """The version posted by a form or sent as `If-Match` ('3', '"3"', 'W/"3"'), or None when
    none was sent. Anything unreadable is 0, which never matches: the user gets the conflict
    page with the current version, never a server error."""
    if value is None:
        return None
    text = str(value).strip()
    if not text or text == "*":  # If-Match: * asks for no check
        return None
    text = text.removeprefix("W/").strip('"').strip()
    return int(text) if text.isdigit() and len(text) < 10 else 0


@contextmanager
def expecting(instance: models.Model, version: int | None, *, by: Any = None) -> Iterator[None]:
    """Within the block, the first write to `instance` must find `version` (None: no check)."""
    if version is None:
        yield
        return
    current = dict(_expected.get() or {})
    current[_key(type(instance), instance.pk)] = [version, by]
    token = _expected.set(current)
    try:
        yield
    finally:
        _expected.reset(token)


def bump(instance: M) -> M:
    """Take `instance`'s row for writing and count the write; return the row as it is now.

    Refuses with `StaleVersion` when an `expecting` block named another version. Must run
    inside the service's transaction: the row stays locked until it commits, and a refused
    or failed write rolls the count back with everything else.
    """
    if not connection.in_atomic_block:
        raise RuntimeError("locking.bump must run inside the service's transaction")
    model = type(instance)
    expected, by = _take_expected(model, instance.pk)
    rows = model._default_manager.filter(pk=instance.pk)
    if expected is not None:
        rows = rows.filter(version=expected)
    if rows.update(version=F("version") + 1) == 0:
        raise _stale(model, instance, by)
    return model._default_manager.get(pk=instance.pk)


def _key(model: type[models.Model], pk: Any) -> tuple[str, str]:
    return (model._meta.label, str(pk))


def _take_expected(model: type[models.Model], pk: Any) -> tuple[int | None, Any]:
    """The version to check for this record, once: later bumps in the same call just count."""
    pending = _expected.get()
    entry = pending.get(_key(model, pk)) if pending else None
    if entry is None or entry[0] is None:
        return None, entry[1] if entry else None
    expected, by = entry
    entry[0] = None
    return expected, by


def _stale(model: type[models.Model], instance: Any, by: Any) -> StaleVersion:
    current = model._default_manager.filter(pk=instance.pk).values_list("version", flat=True)
    version = current.first()
    if version is None:
        raise ObjectDoesNotExist(f"{model.__name__} {instance.pk} no longer exists")
    noun = str(model._meta.verbose_name)
    changes = latest_changes(_contact_id(instance), by=by, limit=1)
    change = changes[0] if changes else None
    return StaleVersion(conflict_message(noun, change), change=change, current_version=version)


def conflict_message(noun: str, change: Change | None) -> str:
    """The plain-English conflict message (ADR 0016)."""
    if change is None:
        what = f"{noun.capitalize()} was changed while you were working on it."
    elif change.by_you:
        what = (
            f"You changed this {noun} in another window or tab while you were working on it: "
            f"you {change.what} on {change.when}."
        )
    else:
        what = (
            f"Someone else changed this {noun} while you were working on it: "
            f"{change.who} {change.what} on {change.when}."
        )
    return f"{what} Your changes have not been saved. Check what changed below, then submit again."


def _contact_id(instance: Any) -> Any:
    return getattr(instance, "contact_id", None) or instance.pk


# The timeline's entries as a verb phrase: "Priya Tester recorded the decision on …".
_VERBS = {
    "contact.recorded": "recorded the contact",
    "contact.moved": "changed its status",
    "contact.person_linked": "linked a child or adult to an existing record",
    "contact.person_confirmed_new": "confirmed a child or adult as new to the service",
    "contact.screened": "screened it",
    "contact.recommended": "recorded a recommendation",
    "contact.decided": "recorded the decision",
    "contact.closed": "closed it",
    "contact.acknowledged": "recorded the acknowledgement to the referrer",
    "contact.written_confirmation_received": "recorded the written confirmation",
    "contact.checks_completed": "completed the MASH checks",
    "contact.decision_revised": "changed the decision after a dispute",
    "contact.concerns_changed": "changed the kinds of concern",
    "routing.accepted": "passed it on as the procedures suggest",
    "routing.overridden": "chose a different route",
    "routing.receipt_confirmed": "confirmed the receiving team has it",
    "routing.returned": "sent it back to the MASH",
    "routing.task_done": "marked a required task done",
    "sharing.checks_requested": "asked partner agencies for checks",
    "sharing.contribution_recorded": "recorded a partner agency's answer",
    "sharing.request_chased": "chased a partner agency",
    "sharing.request_closed_unanswered": "went ahead without a partner agency's answer",
    "sharing.consent_recorded": "recorded the consent position",
    "meeting.case_discussed": "recorded a MASH meeting discussion",
    "strategy.recorded": "recorded a strategy discussion",
    "emergency_action.recorded": "recorded emergency action",
    "dispute.raised": "raised a dispute",
    "dispute.escalated": "escalated the dispute",
    "dispute.resolved": "resolved the dispute",
}
_READ_ENDINGS = ("viewed", "listed", "searched", "exported", "refused")


def latest_changes(contact_id: Any, *, by: Any = None, limit: int = 5) -> list[Change]:
    """The latest changes to a contact from its audit trail, newest first: what a person or a
    partner system did (reads, and the system's own follow-on entries, are left out)."""
    events = (
        AuditEvent.objects.filter(contact_id=contact_id)
        .exclude(action__in=READ_ACTIONS)
        .filter(Q(actor__isnull=False) | Q(actor_name__startswith="Partner API"))
        .exclude(action="contact.moved")  # recorded with, and said better by, its step's event
        .order_by("-at", "-pk")
    )
    found = []
    for event in events[: limit * 3]:
        if event.action.endswith(_READ_ENDINGS):
            continue
        found.append(_change(event, by))
        if len(found) == limit:
            break
    return found


def _change(event: AuditEvent, by: Any) -> Change:
    what = _VERBS.get(event.action)
    if what is None:
        try:
            what = f"made a change ({describe(event.action).lower()})"
        except KeyError:
            what = "made a change"
    by_you = by is not None and getattr(by, "pk", None) == event.actor_id
    return Change(who=event.actor_name or "someone", what=what, at=event.at, by_you=by_you)


__all__ = [
    "Change",
    "StaleVersion",
    "bump",
    "conflict_message",
    "expecting",
    "latest_changes",
    "parse_version",
]
