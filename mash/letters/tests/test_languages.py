"""FA-1: a letter is written in the addressee's language where a catalogue exists, and in
English marked "translation needed" where none does."""

from __future__ import annotations

import subprocess

import pytest

from conftest import child
from mash.contacts import services
from mash.letters.models import Letter
from mash.letters.tests.conftest import PARENT
from mash.letters.tests.pdf import text

pytestmark = pytest.mark.django_db

WELSH_PO = r"""
msgid ""
msgstr ""
"Content-Type: text/plain; charset=UTF-8\n"
"Language: cy\n"

msgid "What we decided"
msgstr "Beth wnaethom ni benderfynu"

msgid "What happens next"
msgstr "Beth sy'n digwydd nesaf"

#, python-format
msgid "Dear %(name)s,"
msgstr "Annwyl %(name)s,"

msgid "Yours sincerely,"
msgstr "Yn gywir,"
"""


@pytest.fixture
def welsh_catalogue(tmp_path, settings):
    folder = tmp_path / "cy" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    (folder / "django.po").write_text(WELSH_PO, encoding="utf-8")
    subprocess.run(  # noqa: S603 - fixed tool, our own file
        ["msgfmt", "-o", str(folder / "django.mo"), str(folder / "django.po")],  # noqa: S607
        check=True,
    )
    settings.LOCALE_PATHS = [str(tmp_path)]
    settings.LANGUAGES = [("en", "English"), ("cy", "Welsh"), ("pl", "Polish")]
    return tmp_path


def _parent(language: str) -> services.PersonDetails:
    from dataclasses import replace

    return replace(PARENT, preferred_language=language, interpreter_needed=True)


def test_a_letter_is_written_in_the_parent_s_language(welsh_catalogue, decide_contact):
    contact = decide_contact("S17", people=[child(), _parent("cy")])
    letter = contact.letters.get(audience=Letter.Audience.PARENT)
    assert letter.language == "cy" and not letter.translation_needed
    said = " ".join(text(bytes(letter.pdf)).split())
    assert "Beth wnaethom ni benderfynu" in said
    assert "Annwyl Dana Smyth," in said
    assert "Yn gywir," in said
    assert "What happens next" not in said and "Beth sy'n digwydd nesaf" in said
    # The referrer's letter is in English: the preference is the parent's.
    referrer = contact.letters.get(audience=Letter.Audience.REFERRER)
    assert referrer.language == "en" and "The decision" in referrer.text


def test_without_a_catalogue_the_letter_is_english_and_marked(welsh_catalogue, decide_contact):
    contact = decide_contact("S17", people=[child(), _parent("pl")])
    letter = contact.letters.get(audience=Letter.Audience.PARENT)
    assert letter.language == "en" and letter.translation_needed
    assert letter.wanted_language_name == "Polish"
    assert "What we decided" in " ".join(text(bytes(letter.pdf)).split())


def test_staff_are_told_a_translation_is_needed(welsh_catalogue, decide_contact, sam):
    from django.test import Client
    from django.urls import reverse

    contact = decide_contact("S17", people=[child(), _parent("pl")])
    client = Client()
    client.force_login(sam)
    page = client.get(reverse("contacts:detail", args=[contact.pk])).content.decode()
    assert "Translation needed: Polish; needs an interpreter" in page
    assert "Polish, needs an interpreter" in page  # the adult's own details (FA-1)
