"""The dip sampling pages: who may open them, the forms' messages (keeping what was typed),
the audit events, the report and its CSV."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime

import pytest
from django.urls import reverse

from mash.audit.models import AuditEvent
from mash.sampling import checklist, services
from mash.sampling.models import AuditFinding, DipSample
from mash.sampling.tests.conftest import LONDON

pytestmark = pytest.mark.django_db

JANUARY = services.Criteria(date(2025, 1, 1), date(2025, 1, 31))


@pytest.fixture
def closed(close_contact):
    return [close_contact(datetime(2025, 1, day, 11, 0, tzinfo=LONDON)) for day in (6, 7, 8)]


@pytest.fixture
def sample(closed, meera):
    return services.draw_sample(by=meera, title="January NFA", criteria=JANUARY, size=2, seed=99)


def _draw_data(**overrides: str) -> dict[str, str]:
    data = {
        "title": "January",
        "purpose": "",
        "closed_from_day": "1",
        "closed_from_month": "1",
        "closed_from_year": "2025",
        "closed_to_day": "31",
        "closed_to_month": "1",
        "closed_to_year": "2025",
        "team": "",
        "outcome": "",
        "size": "2",
        "seed": "",
    }
    return data | overrides


def _finding_data(**overrides: str) -> dict[str, str]:
    data = {f"answer_{q.id}": "YES" for q in checklist.QUESTIONS}
    data |= {f"note_{q.id}": "" for q in checklist.QUESTIONS}
    data |= {"grade": "GOOD", "summary": "Sound work.", "learning_points": "Keep it up."}
    return data | overrides


def test_the_list_for_a_manager_and_the_auditor_and_refused_to_a_social_worker(
    client, sample, meera, aled, sam
):
    client.force_login(meera)
    page = client.get(reverse("sampling:list")).content.decode()
    assert "January NFA" in page and "Draw a sample" in page and "0 of 2" in page
    listed = AuditEvent.objects.get(action="sampling.listed", actor=meera)
    assert listed.data["samples"] == [str(sample.pk)]
    client.force_login(aled)
    page = client.get(reverse("sampling:list")).content.decode()
    assert "January NFA" in page and "Draw a sample" not in page
    client.force_login(sam)
    assert client.get(reverse("sampling:list")).status_code == 403
    assert AuditEvent.objects.filter(action="access.refused", actor=sam).exists()


def test_drawing_explains_bad_input_and_keeps_it(client, closed, meera):
    client.force_login(meera)
    response = client.post(
        reverse("sampling:draw"),
        _draw_data(title="Keep me", closed_to_day="30", closed_to_month="2", size="0", seed="x"),
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "There is a problem" in page
    assert "Closed to must be a real date" in page
    assert "Seed must be a number" in page
    assert 'value="Keep me"' in page
    response = client.post(reverse("sampling:draw"), _draw_data(size="51"))
    assert "Sample size must be between 1 and 50" in response.content.decode()
    response = client.post(reverse("sampling:draw"), _draw_data(size="4"))
    assert "Sample size must be 3 or fewer: only 3 contacts were closed" in (
        response.content.decode()
    )
    response = client.post(
        reverse("sampling:draw"),
        _draw_data(closed_from_year="2024", closed_to_year="2024", closed_to_month="1"),
    )
    assert "so there is nothing to sample" in response.content.decode()
    assert not DipSample.objects.exists()


def test_a_sample_drawn_shows_its_seed_and_draws_again_with_it(client, closed, meera):
    client.force_login(meera)
    response = client.post(reverse("sampling:draw"), _draw_data(seed="123456"))
    sample = DipSample.objects.get()
    assert response.status_code == 302 and response.url == reverse(
        "sampling:detail", args=[sample.pk]
    )
    page = client.get(response.url).content.decode()
    assert "123456" in page and "2 of 3 closed contacts" in page
    viewed = AuditEvent.objects.filter(action="sampling.viewed").latest("at")
    references = list(sample.items.values_list("contact__reference", flat=True))
    assert sorted(viewed.data["contacts"]) == sorted(references)
    again = client.get(reverse("sampling:draw"), {"again": str(sample.pk)}).content.decode()
    assert 'value="123456"' in again and "January (drawn again)" in again
    assert client.get(reverse("sampling:draw"), {"again": "nonsense"}).status_code == 200
    client.post(reverse("sampling:draw"), _draw_data(seed="123456"))
    second = DipSample.objects.exclude(pk=sample.pk).get()
    assert list(second.items.values_list("contact__reference", flat=True)) == references


def test_recording_findings_explains_and_keeps_what_was_typed(client, sample, meera):
    client.force_login(meera)
    url = reverse("sampling:item", args=[sample.pk, 1])
    page = client.get(url).content.decode()
    assert "Was every child&#39;s history checked" in page and "History checked for 1 of 1" in page
    response = client.post(
        url,
        _finding_data(
            answer_history="", answer_consent="NO", note_letters="Typed note", summary=""
        ),
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "Select yes, no or not applicable for: Was every child" in page
    assert "Enter what was missing or late for: Was consent recorded" in page
    assert "Enter a summary of the findings" in page
    assert "Typed note" in page
    assert 'name="answer_consent" type="radio" value="NO" checked' in page
    assert not AuditFinding.objects.exists()
    response = client.post(url, _finding_data(answer_consent="NO", note_consent="Not asked."))
    assert response.status_code == 302
    finding = AuditFinding.objects.get()
    assert finding.answers.get(question_id="consent").note == "Not asked."
    page = client.get(reverse("sampling:detail", args=[sample.pk])).content.decode()
    assert "Audited" in page and "1 of 2" in page
    assert client.post(url, _finding_data()).status_code == 409
    assert AuditFinding.objects.count() == 1


def test_the_auditor_reads_the_checklist_but_cannot_record(client, sample, aled):
    client.force_login(aled)
    url = reverse("sampling:item", args=[sample.pk, 2])
    page = client.get(url).content.decode()
    assert "Not audited yet" in page and "Record the findings" not in page
    assert client.post(url, _finding_data()).status_code == 403
    assert not AuditFinding.objects.exists()
    event = AuditEvent.objects.filter(action="sampling.viewed", actor=aled).latest("at")
    assert event.contact_id == sample.items.get(position=2).contact_id
    assert client.get(reverse("sampling:item", args=[sample.pk, 3])).status_code == 404


def test_the_report_and_its_csv(client, sample, meera, aled):
    services.record_finding(
        sample.items.get(position=1),
        by=meera,
        finding=services.FindingInput(
            answers={q.id: "NO" if q.id == "letters" else "YES" for q in checklist.QUESTIONS},
            notes={"letters": "=No letter to the father."},
            grade="REQUIRES_IMPROVEMENT",
            summary="Letters missed.",
            learning_points="Check both parents get a letter.",
        ),
    )
    client.force_login(aled)
    page = client.get(reverse("sampling:report", args=[sample.pk])).content.decode()
    assert "1 of 2 contacts audited" in page and "Check both parents get a letter." in page
    response = client.get(reverse("sampling:report_csv", args=[sample.pk]))
    assert response["Content-Disposition"].startswith('attachment; filename="dip-sample-')
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    header, first, second = rows
    assert header[:6] == [
        "Position",
        "Contact reference",
        "Audited",
        "Auditor",
        "Recorded at",
        "Grade",
    ]
    assert header[-2:] == ["Summary", "Learning points"]
    assert len(header) == 6 + 2 * len(checklist.QUESTIONS) + 2
    item_1 = sample.items.get(position=1).contact.reference
    assert first[:3] == ["1", item_1, "Yes"] and first[5] == "Requires improvement to be good"
    letters = header.index(f"{checklist.BY_ID['letters'].text} (OU-3, OU-4, CO-1)")
    assert first[letters : letters + 2] == ["No", "'=No letter to the father."]  # no formula
    assert first[-2:] == ["Letters missed.", "Check both parents get a letter."]
    assert second[:3] == ["2", sample.items.get(position=2).contact.reference, "No"]
    exported = AuditEvent.objects.get(action="sampling.exported")
    assert len(exported.data["contacts"]) == 2


def _audit_all(sample, by) -> None:
    for item in sample.items.all():
        services.record_finding(
            item,
            by=by,
            finding=services.FindingInput(
                answers={q.id: "YES" for q in checklist.QUESTIONS},
                grade="GOOD",
                summary="Sound work.",
            ),
        )


def test_the_csv_reads_the_answers_in_one_query_whatever_the_size(
    client, close_contact, meera, aled
):
    """The answers are fetched with the items, not once per item: the same queries for a
    sample of 1 as for a sample of 5 (the number itself differs by database: PostgreSQL's
    audit chain takes a lock)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for day in (6, 7, 8, 9, 10):
        close_contact(datetime(2025, 1, day, 11, 0, tzinfo=LONDON))
    client.force_login(aled)
    counts = []
    for size, seed in ((1, 7), (5, 8)):
        sample = services.draw_sample(by=meera, title="J", criteria=JANUARY, size=size, seed=seed)
        _audit_all(sample, meera)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse("sampling:report_csv", args=[sample.pk]))
        rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
        assert len(rows) == size + 1
        counts.append(len(queries))
    assert counts[0] == counts[1] <= 10, counts


def test_the_draw_form_offers_the_profile_s_teams_only(client, closed, meera):
    """A team another profile left in the database (kept for history) is not offered and is
    refused in words when typed into the address; a team of the profile in force is."""
    from mash.accounts.models import Team
    from mash.policy.profiles import active_profile

    Team.objects.create(code="elsewhere-team", name="Elsewhere Locality Team", kind="locality")
    client.force_login(meera)
    page = client.get(reverse("sampling:draw")).content.decode()
    assert "Elsewhere Locality Team" not in page
    ours = active_profile().teams[0]
    assert ours.name in page
    refused = client.post(reverse("sampling:draw"), _draw_data(team="elsewhere-team"))
    assert refused.status_code == 400
    html = refused.content.decode()
    assert "that team is not one of this authority" in html, html[html.find("error-summary") :][
        :800
    ]
    assert not DipSample.objects.exists()
