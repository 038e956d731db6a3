"""``mash export``: write a statutory return to a file (issue 8 §4-5).

    mash export cin-census --year 2026 --out cin-census-2026.xml
    mash export annex-a --start 2026-05-01 --end 2026-10-31 --out annex-a.xlsx

The file is written atomically (a temporary file beside it, then renamed), each export is
audited (`returns.exported`), and one line says what the file holds.
"""

from __future__ import annotations

import importlib
import os
import tempfile
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils import timezone

from mash.core.errors import ApplicationError
from mash.returns import cin_census

ACTOR = "mash export (command line)"


def write_atomically(path: Path, content: bytes) -> None:
    """Write `content` to `path` so that a reader never sees half a file."""
    path = path.resolve()
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(content)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _year(text: str) -> int:
    if not (text.isdigit() and len(text) == 4):
        raise ValueError(text)
    return int(text)


class Command(BaseCommand):
    help = (
        "Export a statutory return: 'cin-census --year YYYY --out FILE.xml' writes the DfE "
        "Children in Need census for the year ending 31 March YYYY; 'annex-a --start "
        "--end --out FILE.xlsx' writes Ofsted's Annex A lists for that period."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        returns = parser.add_subparsers(dest="return_name", required=True, metavar="RETURN")
        census = returns.add_parser(
            "cin-census",
            help="the DfE Children in Need census (XML)",
            description="The CIN census for the year 1 April (YYYY-1) to 31 March YYYY.",
        )
        census.add_argument(
            "--year",
            type=_year,
            required=True,
            help="the collection's end year: 2026 is 1 April 2025 to 31 March 2026",
        )
        census.add_argument("--out", type=Path, required=True, help="the XML file to write")
        census.add_argument(
            "--serial", type=int, default=1, help="the file's serial number (SerialNo), default 1"
        )
        annex = returns.add_parser(
            "annex-a",
            help="Ofsted's Annex A lists (Excel workbook)",
            description="Ofsted ILACS Annex A lists for the period START to END.",
        )
        annex.add_argument("--start", type=date.fromisoformat, required=True, help="YYYY-MM-DD")
        annex.add_argument("--end", type=date.fromisoformat, required=True, help="YYYY-MM-DD")
        annex.add_argument("--out", type=Path, required=True, help="the .xlsx file to write")

    def handle(self, *args: Any, **options: Any) -> None:
        handlers: dict[str, Callable[[dict[str, Any]], str]] = {
            "cin-census": self.cin_census,
            "annex-a": self.annex_a,
        }
        out: Path = options["out"]
        if not out.parent.resolve().is_dir():
            raise CommandError(f"The folder {out.parent} does not exist: create it first.")
        try:
            with transaction.atomic():
                line = handlers[options["return_name"]](options)
        except ApplicationError as error:
            raise CommandError(error.message) from error
        self.stdout.write(line)

    def cin_census(self, options: dict[str, Any]) -> str:
        census = cin_census.build_census(
            options["year"], now=timezone.now(), serial_no=options["serial"]
        )
        write_atomically(options["out"], census.xml)
        cin_census.record_export(census, by=None, how="command", actor_name=ACTOR)
        return f"{census.summary()}; written to {options['out']}"

    def annex_a(self, options: dict[str, Any]) -> str:
        # Annex A is written by mash.returns.annex_a (another part of issue 8): imported here
        # only when it is there, so this command works before and after it lands.
        try:
            module = importlib.import_module("mash.returns.annex_a")
        except ModuleNotFoundError as error:
            raise CommandError("The Annex A export is not installed in this version.") from error
        start, end = options["start"], options["end"]
        if end < start:
            raise CommandError("The end date must be on or after the start date.")
        content: bytes = module.build_annex_a(start=start, end=end)
        write_atomically(options["out"], content)
        from mash.audit import services as audit

        audit.record(
            actor=None,
            actor_name=ACTOR,
            action="returns.exported",
            data={
                "return": "annex-a",
                "start": start.isoformat(),
                "end": end.isoformat(),
                "how": "command",
            },
        )
        return f"Annex A {start:%-d %B %Y} to {end:%-d %B %Y}: written to {options['out']}"
