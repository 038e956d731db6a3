"""The tamper-evident hash chain over the audit trail (ADR 0010).

Each event stores `sequence` (1, 2, 3 … with no gaps), the previous event's hash and its own:
SHA-256 over a canonical serialisation (sorted-key JSON) of every stored field and the previous
hash. Editing, removing, inserting or reordering an event breaks the chain at that event, which
`manage.py audit verify` names. Deleting the newest events is caught against an anchor kept
outside the database (`audit head`, written into each backup).
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection

from mash.audit.models import AuditEvent

GENESIS = "0" * 64  # the "previous hash" of event 1
# pg_advisory_xact_lock key: "MASHAUDI" as a 64-bit integer; one writer at a time extends the
# chain, so two transactions cannot both read the same head and fork it.
LOCK_KEY = 0x4D41534841554449

HASHED_FIELDS = (
    "sequence",
    "at",
    "actor_id",
    "actor_name",
    "agency_id",
    "action",
    "contact_id",
    "person_id",
    "subject_type",
    "subject_id",
    "rule_ids",
    "data",
    "request_id",
    "roles",
    "purpose",
    "previous_hash",
)
_UUID_FIELDS = frozenset({"agency_id", "contact_id", "person_id", "request_id"})


def as_stored(data: Any) -> Any:
    """`data` as the JSON column gives it back (dates as text …), so the hash of the event
    written equals the hash of the event read."""
    return json.loads(json.dumps(data, cls=DjangoJSONEncoder))


def _plain(name: str, value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat(timespec="microseconds")
    if name in _UUID_FIELDS:
        return str(uuid.UUID(str(value)))
    return value


def canonical(event: AuditEvent) -> bytes:
    """The bytes hashed for `event`: every stored field, sorted-key JSON, UTF-8."""
    values = {name: _plain(name, getattr(event, name)) for name in HASHED_FIELDS}
    return json.dumps(values, sort_keys=True, separators=(",", ":"), ensure_ascii=True).encode()


def hash_of(event: AuditEvent) -> str:
    """The SHA-256 (hex) the event must carry."""
    return hashlib.sha256(canonical(event)).hexdigest()


def lock() -> None:
    """Serialise writers until the transaction ends (PostgreSQL). SQLite serialises writes
    itself; the unique `sequence` is the backstop on both."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK_KEY])


def head() -> tuple[int, str]:
    """The newest event's sequence and hash; (0, GENESIS) for an empty trail."""
    # Raw SQL: this runs on every audit write, and the ORM's query building costs more than it.
    with connection.cursor() as cursor:
        cursor.execute(
            'SELECT "sequence", "hash" FROM audit_auditevent ORDER BY "sequence" DESC LIMIT 1'
        )
        last = cursor.fetchone()
    return (int(last[0]), str(last[1])) if last is not None else (0, GENESIS)


def seal(event: AuditEvent) -> None:
    """Give `event` the next sequence, the previous hash and its own. Call under `lock()`."""
    sequence, previous = head()
    event.sequence = sequence + 1
    event.previous_hash = previous
    event.hash = hash_of(event)


@dataclass(frozen=True)
class Verdict:
    """What `verify` found: how many events it checked, the head, and the first break."""

    checked: int
    last_sequence: int
    head_hash: str
    broken_at: int | None = None
    problem: str = ""

    @property
    def intact(self) -> bool:
        return self.broken_at is None


def _problem(event: AuditEvent, expected_sequence: int, previous: str) -> str:
    if event.sequence != expected_sequence:
        if event.sequence < expected_sequence:
            return f"sequence {event.sequence} is out of order (expected {expected_sequence})"
        missing = (
            f"{expected_sequence}"
            if event.sequence == expected_sequence + 1
            else f"{expected_sequence} to {event.sequence - 1}"
        )
        return f"event {missing} is missing (removed): the next event is {event.sequence}"
    if event.previous_hash != previous:
        return (
            "its previous hash does not match the event before it: an event was removed, "
            "inserted or reordered"
        )
    if event.hash != hash_of(event):
        return "its contents do not match its hash: the event was edited"
    return ""


def events() -> Iterator[AuditEvent]:
    """Every event in chain order, a batch at a time."""
    return AuditEvent.objects.order_by("sequence").iterator(chunk_size=2000)


def verify(anchor: tuple[int, str] | None = None) -> Verdict:
    """Walk the whole chain. `anchor` is a (sequence, hash) recorded earlier outside the
    database: the event at that sequence must still carry that hash (catches a cut tail)."""
    checked, expected, previous = 0, 1, GENESIS
    anchor_seen = anchor is None
    for event in events():
        problem = _problem(event, expected, previous)
        if not problem and anchor is not None and event.sequence == anchor[0]:
            anchor_seen = True
            if event.hash != anchor[1]:
                problem = "its hash differs from the anchor recorded outside the database"
        if problem:
            return Verdict(
                checked,
                expected - 1,
                previous,
                broken_at=event.sequence or expected,
                problem=problem,
            )
        checked, expected, previous = checked + 1, event.sequence + 1, event.hash
    if anchor is not None and not anchor_seen:
        return Verdict(
            checked,
            expected - 1,
            previous,
            broken_at=anchor[0],
            problem=f"the anchored event {anchor[0]} is missing: the newest events were removed",
        )
    return Verdict(checked, expected - 1, previous)
