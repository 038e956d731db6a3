"""Drawing dip samples and recording audit findings (DM-2); the report's figures.

**The population** is every contact whose status is closed and whose closing (its timeline's
move to CLOSED) fell on a day in the period, Europe/London, narrowed by the filters: the team
it was passed to (the decision's team, or the team that confirmed receipt of a contact passed
on at the front door) and the outcome (the manager's decision, OU-1, or "passed on").

**The draw** orders the population by reference (unique, never reused) and takes
`random.Random(seed).sample(references, size)`: the same seed, period and filters over the same
population give the same contacts in the same order. The population's size and a SHA-256 of
its references are kept, so a reproduction can say whether the population has changed since.
"""

from __future__ import annotations

import hashlib
import random
import secrets
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db import transaction
from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from mash.accounts.models import Team
from mash.audit import services as audit
from mash.contacts.models import Contact, ContactStatus, ContactTransition
from mash.core.errors import ApplicationError, InvalidInput
from mash.core.formatting import date_gb
from mash.core.rules import require, require_text
from mash.reports.permissions import can_audit_cases
from mash.sampling import checklist
from mash.sampling.models import (
    MAX_SEED,
    MAX_SIZE,
    MIN_SIZE,
    OUTCOME_FILTERS,
    PASSED_ON,
    Answer,
    AuditFinding,
    DipSample,
    FindingAnswer,
    Grade,
    SampleItem,
)

__all__ = [
    "Criteria",
    "FindingInput",
    "draw_positions",
    "draw_sample",
    "new_seed",
    "population",
    "record_finding",
    "report",
]


@dataclass(frozen=True)
class Criteria:
    """Which closed contacts a sample is drawn from."""

    closed_from: date
    closed_to: date
    team: Team | None = None
    outcome: str = ""

    def describe(self) -> str:
        """The period and filters in words, for messages and the page."""
        words = f"closed between {date_gb(self.closed_from)} and {date_gb(self.closed_to)}"
        if self.team is not None:
            words += f", passed to {self.team.name}"
        if self.outcome:
            words += f", outcome {dict(OUTCOME_FILTERS)[self.outcome].lower()}"
        return words


def _midnight(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def population(criteria: Criteria) -> QuerySet[Contact]:
    """The closed contacts a sample with `criteria` draws from, ordered by reference."""
    closed_at = Subquery(
        ContactTransition.objects.filter(contact=OuterRef("pk"), to_status=ContactStatus.CLOSED)
        .order_by("-at")
        .values("at")[:1]
    )
    contacts = (
        Contact.objects.filter(status=ContactStatus.CLOSED)
        .annotate(closed_at=closed_at)
        .filter(
            closed_at__gte=_midnight(criteria.closed_from),
            closed_at__lt=_midnight(criteria.closed_to + timedelta(days=1)),
        )
    )
    if criteria.team is not None:
        contacts = contacts.filter(
            Q(decision__passed_to=criteria.team) | Q(decision__isnull=True, held_by=criteria.team)
        )
    if criteria.outcome == PASSED_ON:
        contacts = contacts.filter(decision__isnull=True)
    elif criteria.outcome:
        contacts = contacts.filter(decision__outcome=criteria.outcome)
    return contacts.order_by("reference")


def draw_positions(references: Sequence[str], size: int, seed: int) -> list[str]:
    """`size` of `references` (already in a fixed order), drawn with `seed`, in draw order."""
    return random.Random(seed).sample(list(references), size)  # noqa: S311  # nosec B311 - an audit sample, not a secret


def digest(references: Sequence[str]) -> str:
    """A fingerprint of the population: the same references in the same order, the same digest."""
    return hashlib.sha256("\n".join(references).encode()).hexdigest()


def new_seed() -> int:
    """A fresh seed for a new sample (shown on the sample's page to draw it again)."""
    return secrets.randbelow(MAX_SEED) + 1


@transaction.atomic
def draw_sample(
    *,
    by: Any,
    title: str,
    criteria: Criteria,
    size: int,
    seed: int | None = None,
    purpose: str = "",
) -> DipSample:
    """Draw and keep a dip sample of closed contacts (DM-2), audited as `sampling.drawn`.

    Refused in plain words when the period is back to front, the size is outside 1 to 50 or
    bigger than the population, or nothing was closed in the period with those filters.
    """
    require(can_audit_cases(by), "Only managers draw dip samples.", "DM-2")
    problems: list[ApplicationError] = []
    try:
        title = require_text(title, "title", "Enter a title for the sample", "DM-2")
    except ApplicationError as error:
        problems.append(error)
    if criteria.closed_from > criteria.closed_to:
        problems.append(
            ApplicationError(
                "The end of the period must be the same as or after the start",
                field="closed_to",
            )
        )
    elif criteria.closed_to > timezone.localdate():
        problems.append(
            ApplicationError(
                "The end of the period must be today or in the past", field="closed_to"
            )
        )
    if not MIN_SIZE <= size <= MAX_SIZE:
        problems.append(
            ApplicationError(f"Sample size must be between {MIN_SIZE} and {MAX_SIZE}", field="size")
        )
    if seed is not None and not 0 <= seed <= MAX_SEED:
        problems.append(
            ApplicationError(f"Seed must be a whole number from 0 to {MAX_SEED:,}", field="seed")
        )
    if problems:
        raise InvalidInput(problems)
    references = list(population(criteria).values_list("reference", flat=True))
    if not references:
        raise ApplicationError(
            f"No contacts were {criteria.describe()}, so there is nothing to sample. Choose a "
            "longer period or fewer filters",
            field="closed_from",
        )
    if size > len(references):
        count = len(references)
        raise ApplicationError(
            f"Sample size must be {count} or fewer: only {count} contact"
            f"{' was' if count == 1 else 's were'} {criteria.describe()}",
            field="size",
        )
    seed = new_seed() if seed is None else seed
    drawn = draw_positions(references, size, seed)
    sample = DipSample.objects.create(
        title=title,
        purpose=(purpose or "").strip(),
        drawn_by=by,
        drawn_at=timezone.now(),
        closed_from=criteria.closed_from,
        closed_to=criteria.closed_to,
        team=criteria.team,
        outcome=criteria.outcome,
        requested_size=size,
        population_size=len(references),
        seed=seed,
        population_digest=digest(references),
    )
    ids = dict(Contact.objects.filter(reference__in=drawn).values_list("reference", "pk"))
    SampleItem.objects.bulk_create(
        SampleItem(sample=sample, contact_id=ids[reference], position=number)
        for number, reference in enumerate(drawn, start=1)
    )
    audit.record(
        actor=by,
        action="sampling.drawn",
        subject=sample,
        rule_ids=["DM-2"],
        data={
            "title": title,
            "criteria": criteria.describe(),
            "seed": seed,
            "population": len(references),
            "contacts": drawn,
        },
    )
    return sample


@dataclass
class FindingInput:
    """What the auditor typed: an answer (and note) per question, a grade and a summary."""

    answers: Mapping[str, str]
    notes: Mapping[str, str] = field(default_factory=dict)
    grade: str = ""
    summary: str = ""
    learning_points: str = ""


@transaction.atomic
def record_finding(item: SampleItem, *, by: Any, finding: FindingInput) -> AuditFinding:
    """Record the audit of one sampled contact (DM-2): every question answered, a note for
    each No, a grade and a summary. One finding per item; it is not changed afterwards."""
    require(can_audit_cases(by), "Only managers record audit findings.", "DM-2")
    item = SampleItem.objects.select_for_update().select_related("contact").get(pk=item.pk)
    if AuditFinding.objects.filter(item=item).exists():
        raise ApplicationError(
            f"Contact {item.contact.reference} has already been audited in this sample."
        )
    problems: list[ApplicationError] = []
    answers: list[tuple[checklist.Question, str, str]] = []
    for question in checklist.QUESTIONS:
        answer = (finding.answers.get(question.id) or "").strip()
        note = (finding.notes.get(question.id) or "").strip()
        if answer not in Answer.values:
            problems.append(
                ApplicationError(
                    f"Select yes, no or not applicable for: {question.text}",
                    field=f"answer_{question.id}",
                )
            )
        elif answer == Answer.NO and not note:
            problems.append(
                ApplicationError(
                    f"Enter what was missing or late for: {question.text}",
                    field=f"note_{question.id}",
                )
            )
        answers.append((question, answer, note))
    if finding.grade not in Grade.values:
        problems.append(ApplicationError("Select the overall grade", field="grade"))
    summary = (finding.summary or "").strip()
    if not summary:
        problems.append(ApplicationError("Enter a summary of the findings", field="summary"))
    if problems:
        raise InvalidInput(problems)
    recorded = AuditFinding.objects.create(
        item=item,
        auditor=by,
        recorded_at=timezone.now(),
        grade=finding.grade,
        summary=summary,
        learning_points=(finding.learning_points or "").strip(),
    )
    FindingAnswer.objects.bulk_create(
        FindingAnswer(
            finding=recorded,
            question_id=question.id,
            question_text=question.text,
            rule_ids=list(question.rule_ids),
            answer=answer,
            note=note,
        )
        for question, answer, note in answers
    )
    audit.record(
        actor=by,
        action="sampling.finding_recorded",
        contact_id=item.contact_id,
        subject=recorded,
        rule_ids=["DM-2"],
        data={"sample": str(item.sample_id), "position": item.position, "grade": finding.grade},
    )
    return recorded


# --------------------------------------------------------------------------- the report


@dataclass(frozen=True)
class QuestionFigures:
    question: checklist.Question
    yes: int
    no: int
    not_applicable: int

    @property
    def applicable(self) -> int:
        return self.yes + self.no

    @property
    def yes_share(self) -> int | None:
        """Yes as a whole percentage of the items where the question applied; None if none."""
        return round(100 * self.yes / self.applicable) if self.applicable else None


@dataclass(frozen=True)
class GradeFigures:
    grade: str
    label: str
    count: int
    share: int | None


@dataclass(frozen=True)
class LearningPoint:
    position: int
    reference: str
    grade: str
    text: str


@dataclass(frozen=True)
class Report:
    sample: DipSample
    items: int
    audited: int
    questions: list[QuestionFigures]
    grades: list[GradeFigures]
    learning_points: list[LearningPoint]


def report(sample: DipSample) -> Report:
    """Per question the Yes / No / Not applicable counts and Yes's share where it applied;
    the grades and their share of the items audited; every learning point, in draw order."""
    items = list(sample.items.select_related("contact").order_by("position"))
    findings = list(
        AuditFinding.objects.filter(item__sample=sample)
        .select_related("item__contact")
        .order_by("item__position")
    )
    tally: Counter[tuple[str, str]] = Counter(
        FindingAnswer.objects.filter(finding__item__sample=sample).values_list(
            "question_id", "answer"
        )
    )
    questions = [
        QuestionFigures(
            q,
            tally[(q.id, Answer.YES.value)],
            tally[(q.id, Answer.NO.value)],
            tally[(q.id, Answer.NOT_APPLICABLE.value)],
        )
        for q in checklist.QUESTIONS
    ]
    grade_counts = Counter(str(f.grade) for f in findings)
    grades = [
        GradeFigures(
            str(value),
            str(label),
            grade_counts[str(value)],
            round(100 * grade_counts[str(value)] / len(findings)) if findings else None,
        )
        for value, label in Grade.choices
    ]
    learning = [
        LearningPoint(
            f.item.position, f.item.contact.reference, f.get_grade_display(), f.learning_points
        )
        for f in findings
        if f.learning_points
    ]
    return Report(sample, len(items), len(findings), questions, grades, learning)
