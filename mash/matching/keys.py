"""Blocking keys: how candidate records are found by index lookups instead of comparing all.

A record is stored under a handful of keys (its name's sound-alike code with a first name's
short-form group, its name parts with its date of birth, its identifiers). A search generates
many more keys from the query — every plausible mistake in the date of birth, names the wrong
way round, each part of a double-barrelled surname — and the candidates are the records that
share any key. Anything found is then scored by `engine.score_pair`.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from mash.matching import names
from mash.matching.identifiers import clean
from mash.matching.records import PersonRecord


def stored_keys(record: PersonRecord) -> set[str]:
    """The keys a record is filed under."""
    full = record.full_birth
    return _keys(record, [full] if full else [], swap=False)


def query_keys(record: PersonRecord) -> set[str]:
    """The keys to look up for a record: its own, plus every likely mistake in it."""
    written = record.full_birth
    variants = sorted(set(_birth_variants(record)) - {written})
    return _keys(record, [written, *variants] if written else variants, swap=True)


def _keys(record: PersonRecord, births: list[str], *, swap: bool) -> set[str]:
    """Stored (`swap=False`) every record files under the broad keys too; a query uses them
    only when it has nothing narrower: a surname alone, or a date of birth alone."""
    keys = _identifier_keys(record)
    postcode = clean(record.postcode)
    given_known = bool(names.parts(record.given_names))
    family_known = bool(names.parts(record.family_name))
    if not swap or not given_known:
        keys.update(f"f:{code}" for code in _family_codes(names.parts(record.family_name)))
    if not swap or not (given_known or family_known):
        keys.update(f"d:{birth}" for birth in births)
    for given, family in _name_pairs(record, swap=swap):
        given_codes = _given_codes(given)
        for family_code in _family_codes(family):
            keys.update(f"n:{family_code}:{code}" for code in given_codes)
            keys.update(f"fd:{family_code}:{birth}" for birth in births)
        for code in given_codes:
            keys.update(f"gd:{code}:{birth}" for birth in births)
            if postcode:
                keys.add(f"pg:{postcode}:{code}")
        if given and family:
            keys.update(f"id:{given[0]}{family[0][0]}:{birth}" for birth in births)
        keys.update(_month_keys(record, given, family, swap=swap))
    # Date with first initial, and date with postcode, are broad keys (many people share a
    # birthday): looked up for the date as written only, not for every possible slip in it.
    initial = (names.parts(record.given_names) or [""])[0][:1]
    for birth in births[:1] if record.birth_day else []:
        keys.add(f"di:{birth}:{initial}")
        if postcode:
            keys.add(f"dp:{birth}:{postcode}")
    return keys


def _month_keys(record: PersonRecord, given: str, family: list[str], *, swap: bool) -> set[str]:
    """Name with month and year of birth: finds a record whose day of birth is not known."""
    if not (record.birth_year and record.birth_month):
        return set()
    months = {f"{record.birth_year:04d}{record.birth_month:02d}"}
    if swap and record.birth_day and record.birth_day <= 12:
        months.add(f"{record.birth_year:04d}{record.birth_day:02d}")
    found = {f"fm:{code}:{month}" for code in _family_codes(family) for month in months}
    found |= {f"gm:{code}:{month}" for code in _given_codes(given) for month in months}
    return found


def _identifier_keys(record: PersonRecord) -> set[str]:
    found = set()
    for prefix, value in (
        ("nhs", record.nhs_number),
        ("upn", record.upn),
        ("oid", record.other_id),
    ):
        if clean(value):
            found.add(f"{prefix}:{clean(value)}")
    return found


def _name_pairs(record: PersonRecord, *, swap: bool) -> Iterator[tuple[str, list[str]]]:
    """(first given name, family name parts) for the name and every alias; swapped if asked."""
    for given_text, family_text, _ in record.written_names():
        given, family = names.parts(given_text), names.parts(family_text)
        yield (given[0] if given else ""), family
        if swap and given and family:
            yield family[0], given


def _given_codes(given: str) -> set[str]:
    if not given:
        return set()
    return {names.phonetic(given), *(f"g{group}" for group in names.name_groups(given))}


def _family_codes(family: list[str]) -> set[str]:
    """The whole surname's code and, for a double-barrelled one, each part's."""
    if not family:
        return set()
    codes = {names.phonetic("".join(family))}
    if len(family) > 1:
        codes.update(names.phonetic(part) for part in family)
    return codes


def _birth_variants(record: PersonRecord) -> list[str]:
    """The date as written, with day and month swapped, any one digit off by one, any two
    neighbouring digits swapped; and every day of the month when only month and year are known.
    """
    if not (record.birth_year and record.birth_month):
        return []
    if not record.birth_day:
        return [
            text
            for day in range(1, 32)
            if (text := _valid(record.birth_year, record.birth_month, day))
        ]
    written = record.full_birth or ""
    found = {written}
    swapped = _valid(record.birth_year, record.birth_day, record.birth_month)
    if swapped:
        found.add(swapped)
    for position in range(len(written)):
        digit = int(written[position])
        for replacement in {digit - 1, digit + 1} & set(range(10)):
            found.add(written[:position] + str(replacement) + written[position + 1 :])
        if position + 1 < len(written):
            found.add(
                written[:position]
                + written[position + 1]
                + written[position]
                + written[position + 2 :]
            )
    return sorted(text for text in found if _valid_text(text))


def _valid(year: int, month: int, day: int) -> str | None:
    try:
        date(year, month, day)
    except ValueError:
        return None
    # Not strftime: it writes the year 404 as "404", and every key here is 8 digits.
    return f"{year:04d}{month:02d}{day:02d}"


def _valid_text(text: str) -> bool:
    return _valid(int(text[:4]), int(text[4:6]), int(text[6:])) is not None
