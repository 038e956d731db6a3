"""Audit findings (DM-2): every question answered, a note for each No, one finding per item,
integrity in the database; and the report's figures against a hand-computed fixture."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from django.db import IntegrityError, transaction

from mash.audit.models import AuditEvent
from mash.core.errors import ApplicationError, InvalidInput, NotPermitted
from mash.sampling import checklist, services
from mash.sampling.models import AuditFinding, FindingAnswer, SampleItem
from mash.sampling.tests.conftest import LONDON

pytestmark = pytest.mark.django_db

JANUARY = services.Criteria(date(2025, 1, 1), date(2025, 1, 31))
IDS = [q.id for q in checklist.QUESTIONS]


@pytest.fixture
def sample(close_contact, meera):
    for day in (6, 7, 8, 9):
        close_contact(datetime(2025, 1, day, 11, 0, tzinfo=LONDON))
    return services.draw_sample(by=meera, title="January", criteria=JANUARY, size=4, seed=11)


def _all(answer: str, **overrides: str) -> dict[str, str]:
    return {qid: overrides.get(qid, answer) for qid in IDS}


def _item(sample, position: int) -> SampleItem:
    return sample.items.get(position=position)


def test_every_question_a_note_for_each_no_a_grade_and_a_summary(sample, meera):
    with pytest.raises(InvalidInput) as caught:
        services.record_finding(
            _item(sample, 1),
            by=meera,
            finding=services.FindingInput(answers=_all("YES", history="", consent="NO")),
        )
    problems = {p.field: p.message for p in caught.value.problems}
    assert problems == {
        "answer_history": "Select yes, no or not applicable for: Was every child's history "
        "checked for previous involvement or an open case?",
        "note_consent": "Enter what was missing or late for: Was consent recorded, or the "
        "reason for going ahead without it?",
        "grade": "Select the overall grade",
        "summary": "Enter a summary of the findings",
    }
    assert not AuditFinding.objects.exists()


def test_a_finding_is_kept_with_the_question_words_and_audited(sample, meera):
    item = _item(sample, 2)
    finding = services.record_finding(
        item,
        by=meera,
        finding=services.FindingInput(
            answers=_all("YES", police="NA", letters="NO"),
            notes={"letters": "No letter to the father.", "history": "  "},
            grade="GOOD",
            summary=" Sound decision. ",
            learning_points="Send both parents' letters.",
        ),
    )
    assert finding.summary == "Sound decision."
    letters = finding.answers.get(question_id="letters")
    assert (letters.answer, letters.note, letters.rule_ids) == (
        "NO",
        "No letter to the father.",
        ["OU-3", "OU-4", "CO-1"],
    )
    assert letters.question_text == checklist.BY_ID["letters"].text
    assert finding.answers.count() == len(IDS)
    event = AuditEvent.objects.get(action="sampling.finding_recorded")
    assert event.contact_id == item.contact_id and event.data["grade"] == "GOOD"
    with pytest.raises(ApplicationError, match="has already been audited"):
        services.record_finding(
            item,
            by=meera,
            finding=services.FindingInput(answers=_all("YES"), grade="GOOD", summary="Again"),
        )


def test_only_managers_record_findings(sample, sam, aled):
    for user in (sam, aled):
        with pytest.raises(NotPermitted):
            services.record_finding(
                _item(sample, 1),
                by=user,
                finding=services.FindingInput(answers=_all("YES"), grade="GOOD", summary="s"),
            )


def test_the_database_holds_the_rules_too(sample, meera):
    item = _item(sample, 1)
    finding = AuditFinding.objects.create(
        item=item, auditor=meera, recorded_at=item.created_at, grade="GOOD", summary="s"
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        AuditFinding.objects.create(
            item=item, auditor=meera, recorded_at=item.created_at, grade="GOOD", summary="s"
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        FindingAnswer.objects.create(
            finding=finding, question_id="history", question_text="q", answer="NO", note=""
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        FindingAnswer.objects.create(
            finding=finding, question_id="history", question_text="q", answer="MEH"
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        SampleItem.objects.create(sample=sample, contact=item.contact, position=9)
    with pytest.raises(IntegrityError), transaction.atomic():
        SampleItem.objects.create(sample=sample, contact=_item(sample, 2).contact, position=1)


def test_the_report_against_hand_computed_figures(sample, meera):
    """Three of four audited:

    | item | history | consent | police | grade                |
    | 1    | Yes     | Yes     | N/A    | Good                 |
    | 2    | Yes     | No      | N/A    | Requires improvement |
    | 3    | No      | No      | Yes    | Inadequate           |

    history: 2 yes, 1 no, 0 n.a., 67% (2 of 3); consent: 1/2/0, 33%; police: 1/0/2, 100%;
    every other question Yes on all three, 100%. Grades: Good 1 (33%), Requires improvement 1
    (33%), Inadequate 1 (33%), Outstanding 0 (0%). Learning points: items 2 and 3.
    """
    rows = [
        ({"police": "NA"}, "GOOD", ""),
        ({"consent": "NO", "police": "NA"}, "REQUIRES_IMPROVEMENT", "Record consent."),
        ({"history": "NO", "consent": "NO"}, "INADEQUATE", "Check every child's history."),
    ]
    for position, (overrides, grade, learning) in enumerate(rows, start=1):
        services.record_finding(
            _item(sample, position),
            by=meera,
            finding=services.FindingInput(
                answers=_all("YES", **overrides),
                notes={qid: "Missing." for qid, a in overrides.items() if a == "NO"},
                grade=grade,
                summary="s",
                learning_points=learning,
            ),
        )
    result = services.report(sample)
    assert (result.items, result.audited) == (4, 3)
    figures = {
        f.question.id: (f.yes, f.no, f.not_applicable, f.yes_share) for f in result.questions
    }
    assert figures["history"] == (2, 1, 0, 67)
    assert figures["consent"] == (1, 2, 0, 33)
    assert figures["police"] == (1, 0, 2, 100)
    assert figures["rationale"] == (3, 0, 0, 100)
    assert {g.grade: (g.count, g.share) for g in result.grades} == {
        "OUTSTANDING": (0, 0),
        "GOOD": (1, 33),
        "REQUIRES_IMPROVEMENT": (1, 33),
        "INADEQUATE": (1, 33),
    }
    assert [(p.position, p.text) for p in result.learning_points] == [
        (2, "Record consent."),
        (3, "Check every child's history."),
    ]


def test_an_unaudited_sample_reports_no_shares(sample):
    result = services.report(sample)
    assert result.audited == 0
    assert all(f.yes_share is None for f in result.questions)
    assert all(g.share is None for g in result.grades)
