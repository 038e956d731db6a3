"""`mash audit verify | head | protect`: prove the audit trail is whole (ADR 0010).

mash audit verify                      # exit 0 and one line when the chain is intact
mash audit verify --anchor 1042:9f3c…  # also: event 1042 still has the hash recorded then
mash audit head                        # "<sequence> <hash>", to keep outside the database
mash audit protect --role mash_app     # the REVOKE statements for the application's role
"""

from __future__ import annotations

import re
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection

from mash.audit import chain

_ANCHOR = re.compile(r"^(\d+):([0-9a-f]{64})$")
_ROLE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,62}$")


def _anchor(value: str) -> tuple[int, str]:
    match = _ANCHOR.match(value.strip().lower())
    if match is None:
        raise CommandError(f"--anchor must be SEQUENCE:HASH as `audit head` prints, not {value!r}")
    return int(match.group(1)), match.group(2)


def protect_sql(role: str) -> list[str]:
    """What production runs once, as the table's owner, so the application's own role cannot
    change the trail even with the triggers dropped (it does not own them)."""
    return [
        f"REVOKE UPDATE, DELETE, TRUNCATE ON audit_auditevent FROM {role};",
        f"GRANT SELECT, INSERT ON audit_auditevent TO {role};",
        f"GRANT USAGE ON SEQUENCE audit_auditevent_id_seq TO {role};",
    ]


class Command(BaseCommand):
    help = "Verify the audit trail's hash chain, print its head, or show how to protect it."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True)
        verify = sub.add_parser("verify", help="Walk the chain; non-zero exit on any break.")
        verify.add_argument(
            "--anchor",
            action="append",
            default=[],
            help="SEQUENCE:HASH from an earlier `audit head` (repeatable).",
        )
        sub.add_parser("head", help="Print the newest event's sequence and hash.")
        protect = sub.add_parser("protect", help="Print (or --apply) the PostgreSQL REVOKEs.")
        protect.add_argument("--role", required=True, help="The application's database role.")
        protect.add_argument("--apply", action="store_true", help="Run them (PostgreSQL only).")

    def handle(self, *args: Any, **options: Any) -> None:
        getattr(self, f"_{options['subcommand']}")(options)

    def _verify(self, options: dict[str, Any]) -> None:
        anchors: list[tuple[int, str] | None] = [_anchor(v) for v in options["anchor"]]
        for anchor in anchors or [None]:
            verdict = chain.verify(anchor)
            if not verdict.intact:
                raise CommandError(
                    f"Audit chain BROKEN at sequence {verdict.broken_at}: {verdict.problem}. "
                    f"{verdict.checked} events before it verified."
                )
        self.stdout.write(
            f"Audit chain intact: {verdict.checked} events checked, last sequence "
            f"{verdict.last_sequence}, head {verdict.head_hash}"
        )

    def _head(self, options: dict[str, Any]) -> None:
        sequence, digest = chain.head()
        self.stdout.write(f"{sequence}:{digest}")

    def _protect(self, options: dict[str, Any]) -> None:
        role = options["role"]
        if not _ROLE.match(role):
            raise CommandError(f"{role!r} is not a plain PostgreSQL role name.")
        statements = protect_sql(role)
        if not options["apply"]:
            self.stdout.write("\n".join(statements))
            return
        if connection.vendor != "postgresql":
            raise CommandError("--apply needs PostgreSQL; SQLite has no roles.")
        with connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)
        self.stdout.write(f"Applied: {role} may only read and append audit events.")
