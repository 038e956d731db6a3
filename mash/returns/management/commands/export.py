"""``mash export``: write a statutory return to a file (issue 8 §4-5).

    mash export cin-census --year 2026 --out cin-census-2026.xml
    mash export annex-a --from 2026-06-01 --to 2026-11-30 --out annex-a.xlsx

The file is written atomically (a temporary file beside it, then renamed), each export is
audited (`returns.exported`, `returns.annex_a_exported`), and one line says what the file
holds.
"""

from __future__ import annotations

import argparse
import os
import tempfile
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils import timezone

from mash.audit import services as audit
from mash.core.errors import ApplicationError
from mash.returns import cin_census
from mash.returns.annex_a import annex_a_export, years_before

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


ANNEX_A_MAX_YEARS = 2  # as the Annex A page allows


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ValueError(text) from None


def _year(text: str) -> int:
    if not (text.isdigit() and len(text) == 4):
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a census year: give a year of four digits, such as 2026"
        )
    return int(text)


SERIAL_MAX = 999  # SerialNo is written with three digits


def _serial(text: str) -> int:
    if not (text.isdigit() and 1 <= int(text) <= SERIAL_MAX):
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a serial number: give a whole number from 1 to {SERIAL_MAX}"
        )
    return int(text)


class Command(BaseCommand):
    help = (
        "Export a statutory return: 'cin-census --year YYYY --out FILE.xml' writes the DfE "
        "Children in Need census for the year ending 31 March YYYY; 'annex-a --from "
        "DATE --to DATE --out FILE.xlsx' writes Ofsted's Annex A lists for that period."
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
            "--serial",
            type=_serial,
            default=1,
            help=f"the file's serial number (SerialNo), 1 to {SERIAL_MAX}; default 1",
        )
        annex = returns.add_parser(
            "annex-a",
            help="Ofsted's Annex A lists (Excel workbook)",
            description="Ofsted ILACS Annex A lists for the days FROM to TO, both included.",
        )
        annex.add_argument(
            "--from", dest="start", type=_day, required=True, help="the first day, YYYY-MM-DD"
        )
        annex.add_argument(
            "--to", dest="end", type=_day, required=True, help="the last day, YYYY-MM-DD"
        )
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
        start, end = options["start"], options["end"]
        if end < start:
            raise CommandError("--to must be on or after --from.")
        if start < years_before(end, ANNEX_A_MAX_YEARS):
            raise CommandError(
                f"The period must be no more than {ANNEX_A_MAX_YEARS} years "
                "(Ofsted asks for the 6 months before the inspection)."
            )
        export = annex_a_export(start=start, end=end)
        write_atomically(options["out"], export.content)
        audit.record(
            actor=None,
            actor_name=ACTOR,
            action="returns.annex_a_exported",
            rule_ids=["DM-2"],
            purpose="Ofsted inspection data (Annex A)",
            data=export.audit_data(start, end),
        )
        rows = ", ".join(f"{name}: {count}" for name, count in export.counts.items())
        return f"Annex A {start:%-d %B %Y} to {end:%-d %B %Y} ({rows}); written to {options['out']}"
