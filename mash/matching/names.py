"""Name handling for matching: normal forms, name parts, short forms and sound-alike codes."""

from __future__ import annotations

from functools import cache
from importlib import resources

import jellyfish
import yaml

from mash.people.normalise import normalise_name

__all__ = ["normalise_name", "parts", "phonetic", "same_group", "name_groups", "similarity"]


def parts(name: str) -> list[str]:
    """The parts of a normalised name: "Smith-Jones" → ["smith", "jones"]."""
    return normalise_name(name).split()


@cache
def phonetic(part: str) -> str:
    """A sound-alike code (Metaphone): "smyth" and "smith" share one, as do "jaden" and
    "jayden", "philip" and "filip", "caitlin" and "kaitlyn".

    Metaphone drops some leading vowels ("aaliyah" → "LY" but "aliyah" → "ALY"), so a name
    that starts with a vowel is coded as "A" and the Metaphone of the rest.
    """
    if not part:
        return ""
    if part[0] in "aeiou":
        return "A" + jellyfish.metaphone(part.lstrip("aeiou") or part).upper()
    return jellyfish.metaphone(part).upper()


@cache
def _group_lists() -> list[list[str]]:
    text = resources.files("mash.matching").joinpath("nicknames.yaml").read_text("utf-8")
    return [
        [normalise_name(str(name)).replace(" ", "") for name in group]
        for group in yaml.safe_load(text)["groups"]
    ]


@cache
def _groups() -> dict[str, frozenset[int]]:
    membership: dict[str, set[int]] = {}
    for number, group in enumerate(_group_lists()):
        for name in group:
            membership.setdefault(name, set()).add(number)
    return {name: frozenset(numbers) for name, numbers in membership.items()}


def name_groups(part: str) -> frozenset[int]:
    """The short-form groups a given name belongs to (empty when it is in none)."""
    return _groups().get(part, frozenset())


def same_group(left: str, right: str) -> bool:
    """Whether two given names are known short forms or variants of one another (Tom, Thomas)."""
    return bool(name_groups(left) & name_groups(right))


def similarity(left: str, right: str) -> float:
    """Jaro-Winkler similarity of two normalised name parts, 0 (nothing alike) to 1 (the same)."""
    return jellyfish.jaro_winkler_similarity(left, right)


def is_typo(left: str, right: str) -> bool:
    """One slip of the keyboard apart: one letter added, dropped, changed or two swapped.

    Very short names are excluded ("Al" and "Ed" are one change apart and are not the same).
    """
    if min(len(left), len(right)) < 4:
        return False
    return jellyfish.damerau_levenshtein_distance(left, right) <= 1


def variants(given: str) -> list[str]:
    """Other names in the same short-form groups as `given` ("thomas" → ["tom", "tommy", …])."""
    found = {name for number in name_groups(given) for name in _group_lists()[number]}
    return sorted(found - {given})
