"""Postal addresses as GOV.UK Notify reads them: 3 to 7 lines, a UK postcode last."""

from __future__ import annotations

import pytest

from mash.core.errors import InvalidInput
from mash.letters.addresses import lines_of, normal_postcode, validated


@pytest.mark.parametrize(
    ("given", "expected"),
    [("nn11aa", "NN1 1AA"), ("SW1A 2AA", "SW1A 2AA"), ("ec1a1bb", "EC1A 1BB"), ("NN1", "")],
)
def test_postcodes(given, expected):
    assert normal_postcode(given) == expected


def test_free_text_addresses_become_lines():
    assert lines_of("Gwen Harbottle", "3 Larch Lane, Northampton NN1 2BB") == (
        "Gwen Harbottle",
        "3 Larch Lane",
        "Northampton",
        "NN1 2BB",
    )
    assert lines_of("Dana Smyth", "12 Elm Road\nNorthampton", "nn1 1aa")[-1] == "NN1 1AA"
    assert lines_of("Dana Smyth", "12 Elm Road\nNN1 1AA", "NN1 1AA") == (
        "Dana Smyth",
        "12 Elm Road",
        "NN1 1AA",
    )


def test_no_postable_address_without_a_postcode_or_with_too_many_lines():
    assert lines_of("Dana Smyth", "12 Elm Road, Northampton") == ()
    assert lines_of("Dana Smyth", "", "NN1 1AA") == ()
    assert lines_of("Dana Smyth", "a\nb\nc\nd\ne\nf", "NN1 1AA") == ()  # 8 lines


def test_typed_addresses_are_checked_in_plain_english():
    with pytest.raises(InvalidInput) as refused:
        validated("Dana Smyth", ["", ""], "XX")
    messages = {p.field: p.message for p in refused.value.problems}
    assert messages == {
        "line_1": "Enter the first line of the address",
        "postcode": "Enter a real UK postcode, like NN1 1AA",
    }
    assert validated("Dana Smyth", ["12 Elm Road", ""], "nn11aa") == (
        "Dana Smyth",
        "12 Elm Road",
        "NN1 1AA",
    )


def test_an_address_line_too_long_for_the_window_is_refused_plainly():
    """A wrapped line would push the postcode out of Notify's address window."""
    from mash.core.errors import InvalidInput
    from mash.letters.addresses import MAX_LINE_LENGTH, lines_of, validated

    long_line = "Flat 12, The Old Mill Buildings, Riverside Industrial Estate Road"
    assert len(long_line) > MAX_LINE_LENGTH
    with pytest.raises(InvalidInput) as refused:
        validated(
            "Ms Dana Smyth", ["Flat 12 The Old Mill Buildings Riverside Industrial Road"], "NN1 1AA"
        )
    assert "characters or fewer" in str(refused.value.problems[0].message)
    assert (
        lines_of("Ms Dana Smyth", "The Old Mill Buildings Riverside Industrial Estate", "NN1 1AA")
        == ()
    )
