"""Name normalisation for the simple history search (SC-4). Issue 3 brings real matching."""

import re
import unicodedata

_NON_LETTERS = re.compile(r"[^a-z ]+")
_SPACES = re.compile(r"\s+")


def lines_of(text: str) -> list[str]:
    """The non-empty lines of a text box, trimmed (other names are written one per line)."""
    return [line.strip() for line in text.splitlines() if line.strip()]


def normalise_name(text: str) -> str:
    """Lower case, no accents or punctuation, hyphens as spaces.

    "O'Brien-Smith" → "obrien smith".
    """
    decomposed = unicodedata.normalize("NFKD", text)
    ascii_only = decomposed.encode("ascii", "ignore").decode("ascii").lower()
    spaced = ascii_only.replace("-", " ")
    return _SPACES.sub(" ", _NON_LETTERS.sub("", spaced)).strip()
