"""The rules catalogue and explanations: why the product suggests, requires or refuses.

Every suggestion, requirement, refusal and clock carries an `Explanation`: the rule id, a
one-line reason for this case, and the source (seed document and section), with the seed's own
words where a profile quotes them. The catalogue (`rule_catalogue.yaml`) is RULES.md's ids,
summaries and sources; profiles add the quotes for their routing rules (docs/profiles.md).
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

CATALOGUE_PATH = Path(__file__).resolve().parent / "rule_catalogue.yaml"

__all__ = ["CatalogueRule", "Explanation", "Quote", "explain", "rule", "seed_title", "sources_of"]


@dataclass(frozen=True)
class CatalogueRule:
    """One rule of RULES.md: its id, a one-line summary and the seeds it comes from."""

    rule_id: str
    summary: str
    source: str


@dataclass(frozen=True)
class Quote:
    """Where a profile's reading of a rule comes from: the seed section and its own words."""

    ref: str
    text: str = ""


@dataclass(frozen=True)
class Explanation:
    """Why: the rule, a one-line reason for this case, and its source (with a quote if any)."""

    rule_id: str
    reason: str
    source: str
    quote: str = ""

    def as_dict(self) -> dict[str, str]:
        return {
            "rule_id": self.rule_id,
            "reason": self.reason,
            "source": self.source,
            "quote": self.quote,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Explanation:
        return cls(
            rule_id=str(data.get("rule_id", "")),
            reason=str(data.get("reason", "")),
            source=str(data.get("source", "")),
            quote=str(data.get("quote", "")),
        )

    def cite(self) -> str:
        """'002 (Rotherham, "Action Following Referral …")' for the UI's source line."""
        return cite(self.source)


@functools.cache
def _catalogue() -> tuple[dict[str, CatalogueRule], dict[str, str]]:
    data = yaml.safe_load(CATALOGUE_PATH.read_text(encoding="utf-8"))
    rules = {
        rule_id: CatalogueRule(rule_id, str(spec["summary"]), str(spec["source"]))
        for rule_id, spec in data["rules"].items()
    }
    return rules, {str(code): str(title) for code, title in data["seeds"].items()}


def rule(rule_id: str) -> CatalogueRule:
    """The catalogue entry for `rule_id`; KeyError for an id RULES.md does not have."""
    return _catalogue()[0][rule_id]


def seed_title(code: str) -> str:
    """The authority and title of seed `code` ("002"), or "" if unknown."""
    return _catalogue()[1].get(code, "")


def cite(source: str) -> str:
    """A source such as '003 §3' with the seed's authority and title, for people to read."""
    parts = []
    for ref in (part.strip() for part in source.split(",")):
        code = ref.split(" ", 1)[0]
        title = seed_title(code)
        parts.append(f"seed {ref} ({title})" if title else ref)
    return "; ".join(parts)


def explain(rule_id: str, reason: str, quote: Quote | None = None) -> Explanation:
    """An explanation of `rule_id` for this case. The source is the profile's quote where it
    has one (its seed section), otherwise the catalogue's source for the rule."""
    if quote is not None:
        return Explanation(rule_id, reason, quote.ref, quote.text)
    return Explanation(rule_id, reason, rule(rule_id).source)


def sources_of(rule_ids: Iterable[str]) -> list[dict[str, str]]:
    """Catalogue explanations for a refusal's rule ids (API errors, UI error summaries)."""
    known = _catalogue()[0]
    return [
        {"rule_id": rid, "summary": known[rid].summary, "source": known[rid].source}
        for rid in dict.fromkeys(rule_ids)
        if rid in known
    ]
