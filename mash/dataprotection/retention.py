"""Retention rules as policy data (retention.yaml) and the review they lead to (ADR 0013).

The rules say when a closed contact is due for review; they never delete anything. The file is
checked against retention.schema.json and a few semantic checks when it is loaded, and a bad
file stops the service with the path of the bad value (as policy profiles do, ADR 0003).
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import yaml
from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.utils import timezone
from jsonschema import Draft202012Validator

from mash.contacts.models import Contact, ContactPerson, ContactStatus

HERE = Path(__file__).resolve().parent
DEFAULT_RULES = HERE / "retention.yaml"
SCHEMA = HERE / "retention.schema.json"


class RetentionRulesError(Exception):
    """The retention rules file cannot be used; the message lists every problem."""


@dataclass(frozen=True)
class Rule:
    """One retention rule from the file."""

    id: str
    title: str
    applies_to: str
    when: dict[str, Any]
    review: dict[str, int]
    disposal: str
    source: str

    def matches(self, outcome: str, strategy_outcomes: set[str]) -> bool:
        """Does this rule apply to a contact with this decision outcome ('NONE' if none)?"""
        if self.applies_to != "contact":
            return False
        strategy = self.when.get("or_strategy_outcome")
        return outcome in self.when.get("outcomes", []) or (
            strategy is not None and strategy in strategy_outcomes
        )


@dataclass(frozen=True)
class Rules:
    source: str
    rules: tuple[Rule, ...]

    def for_contacts(self) -> list[Rule]:
        return [rule for rule in self.rules if rule.applies_to == "contact"]

    def for_audit(self) -> Rule | None:
        return next((rule for rule in self.rules if rule.applies_to == "audit_event"), None)


def rules_path() -> Path:
    """The file in force: MASH_RETENTION_RULES, or the defaults shipped with the service."""
    configured = getattr(settings, "MASH_RETENTION_RULES", "")
    return Path(configured) if configured else DEFAULT_RULES


def parse_rules(data: Any, *, filename: str = "retention.yaml") -> Rules:
    """Check the data (schema, then unique ids and complete review settings) and build it."""
    validator = Draft202012Validator(json.loads(SCHEMA.read_text()))
    problems = [
        f"{filename}: {'.'.join(str(p) for p in error.absolute_path) or '(top level)'}: "
        f"{error.message}"
        for error in sorted(validator.iter_errors(data), key=lambda e: list(e.absolute_path))
    ]
    if not problems:
        problems = _semantic_problems(data, filename)
    if problems:
        raise RetentionRulesError("\n".join(problems))
    return Rules(
        source=data["source"],
        rules=tuple(
            Rule(
                id=item["id"],
                title=item["title"],
                applies_to=item["applies_to"],
                when=item.get("when", {}),
                review=item["review"],
                disposal=item.get("disposal", "after_review"),
                source=item["source"],
            )
            for item in data["rules"]
        ),
    )


def _semantic_problems(data: dict[str, Any], filename: str) -> list[str]:
    problems = []
    seen: set[str] = set()
    for index, item in enumerate(data["rules"]):
        where = f"{filename}: rules.{index}"
        if item["id"] in seen:
            problems.append(f"{where}.id: {item['id']} is used by another rule")
        seen.add(item["id"])
        review = item["review"]
        if item["applies_to"] == "contact":
            if "when" not in item:
                problems.append(f"{where}: a contact rule needs 'when' (which contacts)")
            if "years_after_event" in review:
                problems.append(f"{where}.review: years_after_event is for audit events")
            if "at_age_of_youngest_child" in review and (
                "otherwise_years_after_closure" not in review
            ):
                problems.append(
                    f"{where}.review: at_age_of_youngest_child needs "
                    "otherwise_years_after_closure, for children with no date of birth"
                )
            if not ({"years_after_closure", "at_age_of_youngest_child"} & review.keys()):
                problems.append(
                    f"{where}.review: say years_after_closure or at_age_of_youngest_child"
                )
        elif set(review) != {"years_after_event"} or item.get("disposal") != "never":
            problems.append(
                f"{where}: audit events take only review.years_after_event and disposal: never "
                "(the audit trail is never deleted)"
            )
    return problems


@functools.cache
def _load(path: str, mtime: float) -> Rules:
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as error:
        raise RetentionRulesError(f"{path}: cannot be read: {error}") from error
    return parse_rules(data, filename=Path(path).name)


def load_rules() -> Rules:
    """The rules in force, read once per change of the file."""
    path = rules_path()
    try:
        mtime = path.stat().st_mtime
    except OSError as error:
        raise RetentionRulesError(f"{path}: cannot be read: {error}") from error
    return _load(str(path), mtime)


# --------------------------------------------------------------------------- contacts


@dataclass(frozen=True)
class Due:
    """When a closed contact is due for review under a rule, and why, in words."""

    rule: Rule
    closed_on: date
    review_on: date
    explanation: str


def closed_on(contact: Contact) -> date | None:
    """The day the contact was (last) closed, from its timeline; None while open."""
    moment = (
        contact.transitions.filter(to_status=ContactStatus.CLOSED)
        .order_by("-at")
        .values_list("at", flat=True)
        .first()
    )
    return timezone.localdate(moment) if moment else None


def _youngest_birth_date(contact: Contact) -> date | None:
    births = []
    for child in contact.people.filter(kind=ContactPerson.Kind.CHILD).select_related("person"):
        born = child.date_of_birth or (child.person.date_of_birth if child.person else None)
        if born:
            births.append(born)
    return max(births) if births else None


def due_for(contact: Contact, rules: Rules) -> Due | None:
    """The first matching rule's review date for a closed contact; None if open or no rule."""
    closed = closed_on(contact) if contact.status == ContactStatus.CLOSED else None
    if closed is None:
        return None
    decision = getattr(contact, "decision", None)
    outcome = decision.outcome if decision else "NONE"
    strategy = set(contact.strategy_discussions.values_list("outcome", flat=True))
    for rule in rules.for_contacts():
        if rule.matches(outcome, strategy):
            return _review_date(rule, contact, closed, outcome)
    return None


def _review_date(rule: Rule, contact: Contact, closed: date, outcome: str) -> Due:
    review = rule.review
    said = f"{rule.id} {rule.title} (outcome {outcome}); closed on {closed:%d/%m/%Y}"
    age = review.get("at_age_of_youngest_child")
    if age is not None:
        born = _youngest_birth_date(contact)
        if born is not None:
            on = born + relativedelta(years=age)
            return Due(rule, closed, on, f"{said}; the youngest child is {age} on {on:%d/%m/%Y}")
        years = review["otherwise_years_after_closure"]
        on = closed + relativedelta(years=years)
        return Due(rule, closed, on, f"{said}; no date of birth, so {years} years after closure")
    years = review["years_after_closure"]
    on = closed + relativedelta(years=years)
    return Due(rule, closed, on, f"{said}; review {years} years after closure")
