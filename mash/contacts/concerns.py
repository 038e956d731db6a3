"""Typed concerns: the structured categories recorded alongside the free-text concern.

The categories are national, not local: they follow the CIN census "factors identified at
assessment" (AssessmentFactors, N00181; ../shared/domain/statutory-returns.md §1.4) where a
factor exists, so the census export (issue 8) can map them. A few have no census factor of
their own (a mental health admission, SP-4). Which pathway a category starts is fixed here;
whether that pathway is on is the profile's choice (`Profile.pathway`).
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["CATEGORIES", "ConcernCategory", "category", "choices", "labels", "suggests_harm"]


@dataclass(frozen=True)
class ConcernCategory:
    """One typed concern: its code, its words, the census factor codes and what it starts."""

    code: str
    label: str
    cin_factors: tuple[str, ...] = ()
    # Whether the concern on its own suggests harm (SC-7: an early-help case then goes to
    # MASH screening rather than straight to the named worker).
    suggests_harm: bool = False
    pathway: str = ""  # the rule id of the pathway it starts, where the profile has it on
    # The CIN census primary need (N00101) this concern points to, where it points to one.
    primary_need: str = ""


CATEGORIES: tuple[ConcernCategory, ...] = (
    ConcernCategory(
        "domestic_abuse", "Domestic abuse", ("3A", "3B", "3C"), True, "SP-1", primary_need="N1"
    ),
    ConcernCategory(
        "missing", "Missing from home or care", ("10A",), False, "SP-2", primary_need="N5"
    ),
    ConcernCategory(
        "fgm", "Female genital mutilation (FGM)", ("22A",), True, "SP-3", primary_need="N1"
    ),
    ConcernCategory(
        "sexual_exploitation", "Child sexual exploitation", ("11A",), True, primary_need="N1"
    ),
    ConcernCategory(
        "criminal_exploitation", "Child criminal exploitation", ("24A",), True, primary_need="N1"
    ),
    ConcernCategory("trafficking", "Trafficking", ("12A",), True, primary_need="N1"),
    ConcernCategory("gangs", "Gangs", ("13A",), primary_need="N6"),
    ConcernCategory("neglect", "Neglect", ("16A",), True, primary_need="N1"),
    ConcernCategory("physical_abuse", "Physical abuse", ("18B", "18C"), True, primary_need="N1"),
    ConcernCategory("emotional_abuse", "Emotional abuse", ("17A",), True, primary_need="N1"),
    ConcernCategory("sexual_abuse", "Sexual abuse", ("19B", "19C"), True, primary_need="N1"),
    ConcernCategory(
        "faith_abuse", "Abuse linked to faith or belief", ("23A",), True, primary_need="N1"
    ),
    ConcernCategory(
        "disability",
        "The child's disability or complex health needs",
        ("5A", "6A"),
        False,
        "SC-8",
        primary_need="N2",
    ),
    ConcernCategory(
        "mental_health_admission",
        "Admitted to a mental health facility",
        ("4A",),
        False,
        "SP-4",
        primary_need="N4",
    ),
    ConcernCategory("child_mental_health", "The child's mental health", ("4A",), primary_need="N4"),
    ConcernCategory("self_harm", "Self-harm", ("15A",), primary_need="N4"),
    ConcernCategory(
        "parent_mental_health", "A parent's or carer's mental health", ("4B",), primary_need="N3"
    ),
    ConcernCategory(
        "parent_alcohol", "A parent's or carer's alcohol misuse", ("1B",), primary_need="N3"
    ),
    ConcernCategory(
        "parent_drugs", "A parent's or carer's drug misuse", ("2B",), primary_need="N3"
    ),
    ConcernCategory(
        "child_substance", "The child's alcohol or drug misuse", ("1A", "2A"), primary_need="N6"
    ),
    ConcernCategory("young_carer", "Young carer", ("7A",), primary_need="N4"),
    ConcernCategory("private_fostering", "Private fostering", ("8F",), primary_need="N8"),
    ConcernCategory("uasc", "Unaccompanied asylum-seeking child", ("9A",), primary_need="N8"),
    ConcernCategory("behaviour", "Socially unacceptable behaviour", ("14A",), primary_need="N6"),
    ConcernCategory("other", "Something else (say what in the concern)", ("20",)),
)

_BY_CODE = {c.code: c for c in CATEGORIES}
CODES = frozenset(_BY_CODE)


def category(code: str) -> ConcernCategory:
    """The category with this code; KeyError if there is none."""
    return _BY_CODE[code]


def choices() -> list[tuple[str, str]]:
    """(code, label) pairs for forms, in the order people read them."""
    return [(c.code, c.label) for c in CATEGORIES]


def labels(codes: list[str]) -> list[str]:
    """The words for recorded codes, in catalogue order (unknown codes are kept as given)."""
    known = [c.label for c in CATEGORIES if c.code in codes]
    return known + [code for code in codes if code not in _BY_CODE]


def suggests_harm(codes: list[str]) -> list[ConcernCategory]:
    """The recorded categories that on their own suggest harm (SC-7)."""
    return [c for c in CATEGORIES if c.code in codes and c.suggests_harm]
