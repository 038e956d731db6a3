"""Which language a letter is written in, and whether we can write it (FA-1).

FA-1 respects the family's first language: a person's `preferred_language` picks the letter's
language. The product writes a letter in a language only when a translation catalogue for
it is installed (`locale/README.md`); otherwise the letter is written in English and marked
"translation needed" so that staff arrange a translated copy or an interpreter.
"""

from __future__ import annotations

import gettext
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.utils import translation
from django.utils.translation import to_locale

ENGLISH = "en"


def is_english(code: str) -> bool:
    return not code or code.lower().split("-")[0] == ENGLISH


_MASH = Path(__file__).resolve().parents[1]


def _locale_dirs() -> list[Path]:
    """LOCALE_PATHS and our own apps' locale folders. Not Django's or other packages'
    catalogues: they translate their own strings, not the letters."""
    dirs = [Path(p) for p in settings.LOCALE_PATHS]
    dirs += [
        Path(app.path) / "locale"
        for app in apps.get_app_configs()
        if Path(app.path).resolve().is_relative_to(_MASH)
    ]
    return [d for d in dirs if d.is_dir()]


def has_catalogue(code: str) -> bool:
    """True when our own wording has a compiled catalogue for `code`."""
    if is_english(code):
        return True
    locale = to_locale(code)
    return any(gettext.find("django", str(d), [locale]) for d in _locale_dirs())


def letter_language(preferred: str) -> tuple[str, bool]:
    """(language to write in, translation needed) for a person's preferred language."""
    if is_english(preferred):
        return ENGLISH, False
    if has_catalogue(preferred):
        return preferred, False
    return ENGLISH, True


def language_name(code: str) -> str:
    """'Polish' for 'pl'; the code itself when Django does not know it."""
    if not code:
        return "English"
    try:
        return str(translation.get_language_info(code)["name"])
    except KeyError:
        return code


def language_choices() -> list[tuple[str, str]]:
    """The languages a person may prefer (settings.LANGUAGES), English first as blank."""
    names = sorted(
        {
            code: language_name(code) for code, _ in settings.LANGUAGES if not is_english(code)
        }.items(),
        key=lambda item: item[1],
    )
    return [("", "English"), *names]
