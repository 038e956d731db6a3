"""Letters are laid out to GOV.UK Notify's precompiled-letter specification (stack notes §3.3),
for every shipped profile, from the profile's own template and contact details (OU-4)."""

from __future__ import annotations

import pytest

from mash.letters import rendering
from mash.letters.context import LetterContext
from mash.letters.tests.pdf import fonts, text, words
from mash.policy.profiles import profile_named

PROFILES = ("northamptonshire", "rotherham", "calderdale")
ADDRESS = (
    "Dana Smyth",
    "Flat 2",
    "12 Elm Road",
    "Far Cotton",
    "Northampton",
    "Northants",
    "NN1 1AA",
)


def _context(profile_id: str, outcome: str = "S47", **extra: str) -> LetterContext:
    profile = profile_named(profile_id)
    details = profile.contact
    label = profile.outcome(outcome)
    values = {
        "authority": profile.authority,
        "service_name": profile.service_name,
        "reference": "MASH-TEST-0001",
        "today": "3 December 2026",
        "received": "1 December 2026",
        "addressee_name": ADDRESS[0],
        "address_lines": ADDRESS,
        "mash_phone": details.mash_phone.value,
        "out_of_hours_phone": details.out_of_hours_phone.value,
        "email": details.email.value,
        "postal_address": details.postal_address.value,
        "complaints": details.complaints.value,
        "advocacy": details.advocacy.value,
        "outcome": outcome,
        "outcome_label": label.label,
        "family_sentence": label.family_sentence,
        "team_name": "Children's Team (assessment)",
        "children": "Jayden Smyth",
    }
    values.update(extra)
    return LetterContext(**values)  # type: ignore[arg-type]


def _inside(word, x0: float, y0: float, x1: float, y1: float, slack: float = 0.3) -> bool:
    return (
        word.x0 >= x0 - slack
        and word.x1 <= x1 + slack
        and word.y0 >= y0 - slack
        and word.y1 <= y1 + slack
    )


@pytest.mark.parametrize("profile_id", PROFILES)
@pytest.mark.parametrize("kind", ["parent", "professional", "public"])
def test_every_word_is_in_its_notify_zone(profile_id, kind):
    long_signposting = " ".join(["Go to the family hub on Mondays for advice and play."] * 40)
    rendered = rendering.render(
        profile_named(profile_id), kind, _context(profile_id, signposting=long_signposting), "en"
    )
    pages, found = words(rendered.pdf())
    assert 1 <= len(pages) <= 10  # Notify's LETTER_MAX_PAGE_COUNT
    for page in pages:  # A4 portrait
        assert abs(page.width - 210) < 1 and abs(page.height - 297) < 1
    if kind != "public":  # a member of the public is told no signposting (OU-4)
        assert len(pages) >= 2, "the long signposting should run onto a second page"
    first = [w for w in found if w.page == 1]
    address_words = " ".join(ADDRESS).split()
    in_address = [w for w in first if _inside(w, 24.6, 39.5, 120, 66.3)]
    assert [w.text for w in in_address] == address_words  # the whole address, and only it
    for word in found:
        assert _inside(word, 15, 5, 195, 292), f"{word} outside the printable area"
        assert not (word.x0 < 14.7 and word.y0 < 14.7)  # Notify's tag corner stays empty
    for word in first:
        if word in in_address:
            continue
        logo = _inside(word, 15, 5, 125, 30)
        contact = word.x0 >= 125 and _inside(word, 125, 5, 195, 95)
        body = word.y0 >= 95
        assert logo or contact or body, f"{word} is in no zone of page 1"
    logo_text = " ".join(w.text for w in first if _inside(w, 15, 5, 125, 30))
    assert profile_named(profile_id).authority.split()[0] in logo_text


@pytest.mark.parametrize("profile_id", PROFILES)
def test_fonts_are_embedded_and_the_profile_s_details_are_used(profile_id):
    profile = profile_named(profile_id)
    pdf = rendering.render(profile, "parent", _context(profile_id), "en").pdf()
    found = fonts(pdf)
    assert found and all(embedded for _, embedded in found)
    assert all("Liberation" in name for name, _ in found)
    said = " ".join(text(pdf).split())
    assert profile.contact.mash_phone.value in said
    assert profile.service_name in said
    assert profile.contact.advocacy.value.split(",")[0] in said  # DM-3


@pytest.mark.parametrize("profile_id", PROFILES)
@pytest.mark.parametrize("outcome", ["NFA", "UNIVERSAL", "EARLY_HELP", "S17", "S47"])
def test_each_profile_and_outcome_has_a_template(profile_id, outcome):
    profile = profile_named(profile_id)
    for kind in ("parent", "professional"):
        assert rendering.template_for(profile, kind, outcome) == f"default/{kind}_{outcome}.html"
    assert rendering.template_for(profile, "public", outcome) == "default/public.html"


def test_a_profile_s_own_template_replaces_the_default(tmp_path, settings):
    folder = tmp_path / "rotherham"
    folder.mkdir()
    (folder / "parent_S17.html").write_text(
        '{% extends "default/parent.html" %}{% block next %}Rotherham words: '
        "{{ c.team_name }} will visit.{% endblock %}"
    )
    settings.MASH_LETTER_TEMPLATE_DIRS = [str(tmp_path)]
    rotherham = profile_named("rotherham")
    assert rendering.template_for(rotherham, "parent", "S17") == "rotherham/parent_S17.html"
    rendered = rendering.render(rotherham, "parent", _context("rotherham", "S17"), "en")
    assert "Rotherham words: Children's Team (assessment) will visit." in rendered.text
    # Other profiles, and Rotherham's other outcomes, keep the defaults.
    assert rendering.template_for(profile_named("calderdale"), "parent", "S17").startswith(
        "default/"
    )
    assert rendering.template_for(rotherham, "parent", "S47") == "default/parent_S47.html"


def test_the_text_is_what_the_pdf_says():
    rendered = rendering.render(
        profile_named("northamptonshire"), "parent", _context("northamptonshire"), "en"
    )
    said = " ".join(text(rendered.pdf()).split())
    for paragraph in rendered.text.split("\n\n"):
        assert " ".join(paragraph.split()) in said
