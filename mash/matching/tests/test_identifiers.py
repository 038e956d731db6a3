"""NHS numbers and unique pupil numbers (identifiers.py): valid only with the right check character.

A valid identifier is strong evidence in the matcher, so every corruption a keyboard makes (one
character changed, two neighbours swapped) must fail the check.
"""

from __future__ import annotations

import random

import pytest

from mash.demo.synthetic import nhs_check_digit, synthetic_nhs_number
from mash.matching.identifiers import (
    UPN_LETTERS,
    clean,
    make_upn,
    nhs_number_is_valid,
    upn_check_letter,
    upn_is_valid,
)

# The NHS Data Dictionary's worked example of a valid NHS number.
DATA_DICTIONARY_EXAMPLE = "9434765919"


def one_digit_changed(value: str) -> list[str]:
    return [
        value[:at] + digit + value[at + 1 :]
        for at in range(len(value))
        if value[at].isdigit()
        for digit in "0123456789"
        if digit != value[at]
    ]


def neighbours_swapped(value: str) -> list[str]:
    return [
        value[:at] + value[at + 1] + value[at] + value[at + 2 :]
        for at in range(len(value) - 1)
        if value[at] != value[at + 1]
    ]


# NHS number -----------------------------------------------------------------------------------


def test_the_data_dictionary_example_is_valid():
    assert nhs_number_is_valid(DATA_DICTIONARY_EXAMPLE)


@pytest.mark.parametrize("at", range(10), ids=lambda at: f"digit {at + 1}")
def test_a_changed_digit_fails(at: int):
    changed = [
        candidate
        for candidate in one_digit_changed(DATA_DICTIONARY_EXAMPLE)
        if candidate[:at] + candidate[at + 1 :]
        == DATA_DICTIONARY_EXAMPLE[:at] + DATA_DICTIONARY_EXAMPLE[at + 1 :]
    ]
    assert len(changed) == 9
    assert not any(nhs_number_is_valid(candidate) for candidate in changed)


def test_two_neighbouring_digits_swapped_fail():
    swapped = neighbours_swapped(DATA_DICTIONARY_EXAMPLE)
    assert swapped
    assert not any(nhs_number_is_valid(candidate) for candidate in swapped)


@pytest.mark.parametrize(
    "value",
    [
        pytest.param("943 476 5919", id="spaces (clean it first)"),
        pytest.param("943476591", id="nine digits"),
        pytest.param("94347659190", id="eleven digits"),
        pytest.param("943476591X", id="a letter"),
        pytest.param("", id="empty"),
    ],
)
def test_badly_formed_nhs_numbers_fail(value: str):
    assert not nhs_number_is_valid(value)


def test_clean_removes_spaces_dashes_and_case():
    assert clean("943 476 5919") == DATA_DICTIONARY_EXAMPLE
    assert nhs_number_is_valid(clean("943-476-5919"))
    assert clean(" a123-456 b ") == "A123456B"


def test_synthetic_nhs_numbers_are_valid_and_never_issued():
    rng = random.Random(11)
    numbers = [synthetic_nhs_number(rng) for _ in range(300)]
    assert all(nhs_number_is_valid(number) for number in numbers)
    assert all(number.startswith("999") for number in numbers)
    assert len(set(numbers)) > 290


def test_nine_digits_with_a_check_digit_of_ten_have_no_valid_number():
    """Modulus 11 leaves 10 for some prefixes: those numbers are never issued."""
    no_digit = next(
        prefix for prefix in (f"999{n:06d}" for n in range(1000)) if nhs_check_digit(prefix) is None
    )
    assert not any(nhs_number_is_valid(f"{no_digit}{digit}") for digit in "0123456789")


# Unique pupil number ------------------------------------------------------------------------


def test_the_check_letter_alphabet_leaves_out_i_o_and_s():
    assert len(UPN_LETTERS) == 23
    assert not set("IOS") & set(UPN_LETTERS)


def test_check_letter_worked_by_hand():
    """3·2 + 0·3 + 1·4 + 1·5 + 2·6 + 0·7 + 0·8 + 4·9 + 1·10 + 1·11 + 5·12 + 7·13 = 235;
    235 mod 23 = 5, the sixth letter: F."""
    assert upn_check_letter("301120041157") == "F"
    assert make_upn("301120041157") == "F301120041157"


@pytest.mark.parametrize(
    "last_twelve",
    [
        pytest.param("301120041157", id="permanent"),
        pytest.param("823400161200", id="permanent, ends 0"),
        pytest.param("99999999999Z", id="temporary, last letter of the alphabet"),
        pytest.param("20512345678A", id="temporary, ends A"),
    ],
)
def test_make_upn_round_trip(last_twelve: str):
    upn = make_upn(last_twelve)
    assert len(upn) == 13
    assert upn[1:] == last_twelve
    assert upn[0] in UPN_LETTERS
    assert upn_is_valid(upn)


def test_round_trip_for_many_generated_upns():
    rng = random.Random(5)
    for _ in range(500):
        digits = "".join(str(rng.randrange(10)) for _ in range(11))
        final = rng.choice("0123456789" + UPN_LETTERS)
        assert upn_is_valid(make_upn(digits + final))


@pytest.mark.parametrize(
    "upn",
    [make_upn("301120041157"), make_upn("20512345678A")],
    ids=["permanent", "temporary"],
)
def test_a_corrupted_upn_fails(upn: str):
    wrong_check = [letter + upn[1:] for letter in UPN_LETTERS if letter != upn[0]]
    swapped = [upn[0] + middle + upn[12] for middle in neighbours_swapped(upn[1:12])]
    wrong_final = [upn[:12] + letter for letter in UPN_LETTERS if upn[12].isalpha()]
    corrupted = one_digit_changed(upn) + swapped + wrong_check + wrong_final
    corrupted = [candidate for candidate in corrupted if candidate != upn]
    assert len(corrupted) > 100
    assert not [candidate for candidate in corrupted if upn_is_valid(candidate)]


@pytest.mark.parametrize(
    "last_twelve",
    [
        pytest.param("30112004115", id="eleven characters"),
        pytest.param("3011200411570", id="thirteen characters"),
        pytest.param("3011200A1157", id="a letter before the end"),
        pytest.param("30112004115I", id="ends in I (not in the alphabet)"),
        pytest.param("30112004115O", id="ends in O"),
    ],
)
def test_badly_formed_upns_have_no_check_letter(last_twelve: str):
    assert upn_check_letter(last_twelve) is None
    with pytest.raises(ValueError, match="not twelve UPN characters"):
        make_upn(last_twelve)


@pytest.mark.parametrize(
    "value",
    [
        pytest.param("301120041157", id="no check letter"),
        pytest.param("f301120041157", id="lower-case check letter (clean it first)"),
        pytest.param("", id="empty"),
    ],
)
def test_badly_formed_upns_fail(value: str):
    assert not upn_is_valid(value)


def test_a_cleaned_upn_is_valid():
    assert upn_is_valid(clean("f301 1200 4115 7"))
