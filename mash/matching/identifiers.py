"""Identifiers that are strong evidence only when valid: NHS number and unique pupil number."""

from __future__ import annotations

import re

import nhs_number

_NOT_ALPHANUMERIC = re.compile(r"[^0-9A-Z]")
# The DfE's check-letter alphabet: 23 letters, no I, O or S (they look like 1, 0 and 5).
UPN_LETTERS = "ABCDEFGHJKLMNPQRTUVWXYZ"


def clean(identifier: str) -> str:
    """Spaces, dashes and case removed: "999 000 0026" → "9990000026"."""
    return _NOT_ALPHANUMERIC.sub("", identifier.upper())


def nhs_number_is_valid(value: str) -> bool:
    """Ten digits whose modulus-11 check digit is right."""
    return len(value) == 10 and value.isdigit() and nhs_number.is_valid(value)


def upn_check_letter(last_twelve: str) -> str | None:
    """The check letter for UPN characters 2–13, or None if they are not well formed.

    DfE rule: weight each character by its position (2–13), sum, take the remainder by 23 and
    read it off the check-letter alphabet. A temporary UPN ends in a letter, which counts as its
    place in that alphabet.
    """
    if len(last_twelve) != 12 or not last_twelve[:11].isdigit():
        return None
    final = last_twelve[11]
    if final.isdigit():
        final_value = int(final)
    elif final in UPN_LETTERS:
        final_value = UPN_LETTERS.index(final)
    else:
        return None
    values = [int(char) for char in last_twelve[:11]] + [final_value]
    total = sum(value * weight for value, weight in zip(values, range(2, 14), strict=True))
    return UPN_LETTERS[total % 23]


def upn_is_valid(value: str) -> bool:
    """Thirteen characters: a check letter that agrees with the twelve that follow it."""
    return len(value) == 13 and upn_check_letter(value[1:]) == value[0]


def make_upn(last_twelve: str) -> str:
    """A UPN with its check letter in front (for synthetic data and tests)."""
    letter = upn_check_letter(last_twelve)
    if letter is None:
        raise ValueError(f"{last_twelve!r} is not twelve UPN characters")
    return letter + last_twelve
