"""Real database-level faults for the audit tests: triggers off to tamper, an insert that fails.

Raw SQL on the test database, undone in `finally` (the test's transaction is rolled back too).
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection

_PROTECT = importlib.import_module("mash.audit.migrations.0004_protect_chain")


def _run(*statements: str) -> None:
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


@contextmanager
def append_only_off() -> Iterator[None]:
    """Take the append-only triggers off, as someone with the table's ownership could."""
    if connection.vendor == "postgresql":
        # The test's own inserts leave deferred foreign-key checks that ALTER TABLE waits for.
        _run(
            "SET CONSTRAINTS ALL IMMEDIATE",
            "ALTER TABLE audit_auditevent DISABLE TRIGGER audit_event_append_only",
        )
        try:
            yield
        finally:
            _run(
                "ALTER TABLE audit_auditevent ENABLE TRIGGER audit_event_append_only",
                "SET CONSTRAINTS ALL DEFERRED",
            )
        return
    _run("DROP TRIGGER audit_event_no_update", "DROP TRIGGER audit_event_no_delete")
    try:
        yield
    finally:
        _run(*_PROTECT.SQLITE)


@contextmanager
def audit_inserts_fail() -> Iterator[None]:
    """The database refuses every new audit event (a full disk, a revoked grant …)."""
    if connection.vendor == "postgresql":
        _run(
            """CREATE FUNCTION audit_test_refuse_insert() RETURNS trigger AS $$
               BEGIN RAISE EXCEPTION 'audit write refused (test)'; END; $$ LANGUAGE plpgsql""",
            """CREATE TRIGGER audit_test_refuse_insert BEFORE INSERT ON audit_auditevent
               FOR EACH ROW EXECUTE FUNCTION audit_test_refuse_insert()""",
        )
        drop = (
            "DROP TRIGGER audit_test_refuse_insert ON audit_auditevent",
            "DROP FUNCTION audit_test_refuse_insert()",
        )
    else:
        _run(
            """CREATE TRIGGER audit_test_refuse_insert BEFORE INSERT ON audit_auditevent
               BEGIN SELECT RAISE(ABORT, 'audit write refused (test)'); END"""
        )
        drop = ("DROP TRIGGER audit_test_refuse_insert",)
    try:
        yield
    finally:
        _run(*drop)
