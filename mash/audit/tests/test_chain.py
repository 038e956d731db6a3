"""The tamper-evident chain (ADR 0010): really tampered with, behind the triggers' backs."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction

from mash.audit import chain
from mash.audit.models import AuditEvent
from mash.audit.services import record
from mash.audit.tests.db import append_only_off

pytestmark = pytest.mark.django_db


def _events(actor, count: int = 5) -> list[AuditEvent]:
    return [
        record(actor=actor, action="queue.viewed", data={"page": n, "at": "x"})
        for n in range(count)
    ]


def _verify(*args: str) -> str:
    from io import StringIO

    out = StringIO()
    call_command("audit", "verify", *args, stdout=out)
    return out.getvalue()


def _sql(statement: str, params: list | None = None) -> None:
    with connection.cursor() as cursor:
        cursor.execute(statement, params or [])


def test_each_event_carries_the_next_sequence_and_the_previous_hash(sam):
    first, second, third = _events(sam, 3)
    assert [first.sequence, second.sequence, third.sequence] == [1, 2, 3]
    assert first.previous_hash == chain.GENESIS
    assert second.previous_hash == first.hash and third.previous_hash == second.hash
    stored = AuditEvent.objects.get(pk=second.pk)
    assert chain.hash_of(stored) == second.hash  # what was hashed is what was stored


def test_record_works_inside_and_outside_a_transaction(sam):
    record(actor=sam, action="queue.viewed")
    with transaction.atomic():
        record(actor=sam, action="queue.viewed")
        record(actor=sam, action="queue.viewed")
    assert list(AuditEvent.objects.order_by("sequence").values_list("sequence", flat=True)) == [
        1,
        2,
        3,
    ]
    assert chain.verify().intact


def test_an_intact_chain_verifies_with_a_one_line_summary(sam):
    events = _events(sam, 4)
    out = _verify()
    assert out.strip() == (
        f"Audit chain intact: 4 events checked, last sequence 4, head {events[-1].hash}"
    )
    assert len(out.strip().splitlines()) == 1


def test_an_empty_trail_verifies(db):
    assert "0 events checked" in _verify()


def test_an_edited_event_is_named(sam):
    events = _events(sam)
    with append_only_off():
        _sql("UPDATE audit_auditevent SET actor_name = %s WHERE id = %s", ["Someone", events[2].pk])
    with pytest.raises(CommandError, match="BROKEN at sequence 3: its contents do not match"):
        _verify()


def test_edited_data_is_caught_too(sam):
    events = _events(sam)
    with append_only_off():
        AuditEvent.objects.filter(pk=events[1].pk).update(data={"page": 99, "at": "x"})
    with pytest.raises(CommandError, match="BROKEN at sequence 2: its contents"):
        _verify()


def test_a_removed_event_is_named(sam):
    events = _events(sam)
    with append_only_off():
        _sql("DELETE FROM audit_auditevent WHERE id = %s", [events[2].pk])
    with pytest.raises(CommandError, match="BROKEN at sequence 4: event 3 is missing"):
        _verify()


def test_a_removed_first_event_is_named(sam):
    events = _events(sam)
    with append_only_off():
        _sql("DELETE FROM audit_auditevent WHERE id = %s", [events[0].pk])
    with pytest.raises(CommandError, match="BROKEN at sequence 2: event 1 is missing"):
        _verify()


def test_a_removed_event_renumbered_to_hide_the_gap_is_caught(sam):
    events = _events(sam)
    with append_only_off():
        _sql("DELETE FROM audit_auditevent WHERE id = %s", [events[2].pk])
        for event in events[3:]:
            _sql("UPDATE audit_auditevent SET sequence = sequence - 1 WHERE id = %s", [event.pk])
    with pytest.raises(CommandError, match="BROKEN at sequence 3: its previous hash"):
        _verify()


def test_an_inserted_event_is_caught(sam):
    _events(sam, 3)
    forged = AuditEvent(actor_name="Nobody", action="queue.viewed", roles=[], rule_ids=[])
    forged.sequence, forged.previous_hash = 4, "f" * 64  # it cannot know the real head hash
    forged.hash = chain.hash_of(forged)
    forged.save(force_insert=True)
    with pytest.raises(CommandError, match="BROKEN at sequence 4: its previous hash"):
        _verify()


def test_reordered_events_are_caught(sam):
    events = _events(sam)
    with append_only_off():
        _sql("UPDATE audit_auditevent SET sequence = 100 WHERE id = %s", [events[1].pk])
        _sql("UPDATE audit_auditevent SET sequence = 2 WHERE id = %s", [events[2].pk])
        _sql("UPDATE audit_auditevent SET sequence = 3 WHERE id = %s", [events[1].pk])
    with pytest.raises(CommandError, match="BROKEN at sequence 2: its previous hash"):
        _verify()


def test_a_cut_tail_is_caught_against_the_anchor_from_audit_head(sam):
    from io import StringIO

    events = _events(sam)
    out = StringIO()
    call_command("audit", "head", stdout=out)
    anchor = out.getvalue().strip()
    assert anchor == f"5:{events[-1].hash}"
    assert "intact" in _verify("--anchor", anchor)
    with append_only_off():
        _sql("DELETE FROM audit_auditevent WHERE sequence >= 4")
    # The shortened chain is consistent in itself; only the anchor kept outside shows the cut.
    assert "intact" in _verify()
    with pytest.raises(CommandError, match="BROKEN at sequence 5: the anchored event 5 is missing"):
        _verify("--anchor", anchor)


def test_a_rewritten_event_is_caught_against_the_anchor(sam):
    events = _events(sam, 2)
    anchor = f"2:{events[1].hash}"
    with append_only_off():
        AuditEvent.objects.filter(pk=events[1].pk).update(actor_name="Rewritten")
        rewritten = AuditEvent.objects.get(pk=events[1].pk)
        AuditEvent.objects.filter(pk=events[1].pk).update(hash=chain.hash_of(rewritten))
    assert "intact" in _verify()  # a consistent rewrite of the newest event …
    with pytest.raises(CommandError, match="differs from the anchor"):
        _verify("--anchor", anchor)  # … is caught by the anchor


def test_a_malformed_anchor_is_refused(db):
    with pytest.raises(CommandError, match="SEQUENCE:HASH"):
        _verify("--anchor", "not-an-anchor")


def test_the_database_refuses_update_and_delete(sam):
    [event] = _events(sam, 1)
    for statement in (
        "UPDATE audit_auditevent SET actor_name = 'x' WHERE id = %s",
        "DELETE FROM audit_auditevent WHERE id = %s",
    ):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            _sql(statement, [event.pk])
    assert chain.verify().intact


@pytest.mark.skipif(connection.vendor != "postgresql", reason="TRUNCATE is PostgreSQL's")
def test_postgresql_refuses_truncate(sam):
    _events(sam, 2)
    _sql("SET CONSTRAINTS ALL IMMEDIATE")  # else TRUNCATE waits on the test's own FK checks
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        _sql("TRUNCATE audit_auditevent CASCADE")
    assert AuditEvent.objects.count() == 2


def test_protect_prints_the_revokes(db):
    from io import StringIO

    out = StringIO()
    call_command("audit", "protect", "--role", "mash_app", stdout=out)
    assert "REVOKE UPDATE, DELETE, TRUNCATE ON audit_auditevent FROM mash_app;" in out.getvalue()
    with pytest.raises(CommandError, match="plain PostgreSQL role"):
        call_command("audit", "protect", "--role", "x; DROP TABLE y")


@pytest.mark.skipif(connection.vendor != "postgresql", reason="roles are PostgreSQL's")
def test_protect_apply_leaves_the_application_role_read_and_append_only(sam):
    _events(sam, 1)
    # Inside the test's transaction: the role and its grants are rolled back with it.
    _sql("CREATE ROLE mash_audit_test_app")
    call_command("audit", "protect", "--role", "mash_audit_test_app", "--apply")
    _sql("SET CONSTRAINTS ALL IMMEDIATE")
    _sql("ALTER TABLE audit_auditevent DISABLE TRIGGER USER")  # even without the triggers
    _sql("SET ROLE mash_audit_test_app")
    try:
        for statement in (
            "UPDATE audit_auditevent SET actor_name = 'x'",
            "DELETE FROM audit_auditevent",
            "TRUNCATE audit_auditevent",
        ):
            with pytest.raises(DatabaseError, match="permission denied"), transaction.atomic():
                _sql(statement)
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM audit_auditevent")
            assert cursor.fetchone()[0] == 1
    finally:
        _sql("RESET ROLE")
        _sql("ALTER TABLE audit_auditevent ENABLE TRIGGER USER")
