"""Information sharing pages through the test client: errors in plain English with the input
kept, the MAIS record side by side, the partner's answer form, the CSV export (MA-8)."""

from __future__ import annotations

import csv
import html
import io

import pytest
from django.utils import timezone

from conftest import _persona, screen_at_threshold
from mash.accounts.models import Agency, Role
from mash.audit.models import AuditEvent
from mash.contacts import services as contacts
from mash.sharing import services as sharing
from mash.sharing.exports import safe_cell
from mash.sharing.models import Contribution, InformationRequest

pytestmark = pytest.mark.django_db


@pytest.fixture
def screened(received, sam, priya):
    return screen_at_threshold(received, checked_by=sam, screened_by=priya)


@pytest.fixture
def police_request(screened, sam, police):
    [request] = sharing.request_checks(
        screened,
        by=sam,
        agency_codes=[police.code],
        concern_summary="Bruising seen at school.",
        question="What do you hold?",
        legal_basis="CA1989_S47",
    )
    return request


def test_request_checks_page_lists_agencies_with_their_consent_basis(client, screened, sam):
    client.force_login(sam)
    page = client.get(f"/contacts/{screened.pk}/information-sharing/request/").content.decode()
    assert "Co-located agency: its electronic checks need no consent (CO-3)" in page
    assert html.escape(screened.concern_summary, quote=False) in page.replace(
        "&#39;", "'"
    )  # pre-filled


def test_request_checks_errors_keep_what_was_typed(client, screened, sam):
    client.force_login(sam)
    response = client.post(
        f"/contacts/{screened.pk}/information-sharing/request/",
        {"concern_summary": "Only what they need.", "question": "", "legal_basis": "CA1989_S17"},
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert "Choose at least one agency to ask" in page
    assert "Enter what you are asking the agencies" in page
    assert "Only what they need." in page
    assert not InformationRequest.objects.exists()


def test_requests_are_sent_and_shown_on_the_mais_record(client, screened, sam, police):
    client.force_login(sam)
    response = client.post(
        f"/contacts/{screened.pk}/information-sharing/request/",
        {
            "agencies": [police.code],
            "concern_summary": "Bruising.",
            "question": "What do you hold?",
            "legal_basis": "CA1989_S47",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == f"/contacts/{screened.pk}/information-sharing/"
    page = client.get(response["Location"]).content.decode()
    assert police.name in page and "Waiting" in page and "Chase" in page
    assert AuditEvent.objects.filter(action="sharing.mais_viewed", actor=sam).exists()


def test_partner_answer_errors_are_plain_and_keep_the_text(client, police_request, polly):
    client.force_login(polly)
    response = client.post(
        f"/partner/requests/{police_request.pk}/",
        {"kind": "INFORMATION", "information": "Two call-outs.", "heightens_concern": "yes"},
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert "Enter your analysis: what does your agency&#39;s information mean" in page
    assert "Enter how your information heightens the concern." in page
    assert "Two call-outs." in page
    assert not Contribution.objects.exists()


def test_partner_answer_from_a_stale_page_is_a_conflict(client, police_request, polly, police):
    colleague = _persona("pete", Role.PARTNER_OFFICER, police)
    sharing.record_contribution(
        police_request,
        by=colleague,
        answer=sharing.Answer(kind="NIL_RETURN"),
    )
    client.force_login(polly)
    response = client.post(
        f"/partner/requests/{police_request.pk}/",
        {
            "kind": "INFORMATION",
            "information": "Polly's findings.",
            "analysis": "Polly's analysis.",
            "heightens_concern": "no",
            "seen_latest": "",
        },
    )
    page = response.content.decode()
    assert response.status_code == 409
    assert "Pete Tester" in page and "Polly&#39;s findings." in page
    assert police_request.contributions.count() == 1
    # Having read Pete's answer, Polly sends the same form again: now an update of his.
    latest = police_request.contributions.get()
    assert f'name="seen_latest" value="{latest.pk}"' in page
    again = client.post(
        f"/partner/requests/{police_request.pk}/",
        {
            "kind": "INFORMATION",
            "information": "Polly's findings.",
            "analysis": "Polly's analysis.",
            "heightens_concern": "no",
            "seen_latest": str(latest.pk),
        },
    )
    assert again.status_code == 302
    assert police_request.contributions.latest("recorded_at").updates == latest


def test_an_answer_sent_after_the_contact_closed_is_explained_and_kept(
    client, police_request, polly, sam, meera
):
    contact = police_request.contact
    client.force_login(polly)  # Polly opens the form while the contact is still open
    form_page = client.get(f"/partner/requests/{police_request.pk}/").content.decode()
    assert "Send your answer to the MASH" in form_page
    sharing.close_unanswered(police_request, by=sam, reason="The decision cannot wait.")
    sharing.recommend_after_checks(contact, by=sam, analysis="a", outcome="NFA", rationale="r")
    contacts.decide(contact, by=meera, agrees=True, outcome="NFA", rationale="r")
    contacts.close_contact(contact, by=sam)
    response = client.post(
        f"/partner/requests/{police_request.pk}/",
        {
            "kind": "INFORMATION",
            "information": "Late news.",
            "analysis": "Still a risk.",
            "heightens_concern": "no",
        },
    )
    text = response.content.decode()
    assert response.status_code == 400
    assert "is closed, so the MASH can no longer take answers on it" in text
    assert "Late news." in text and "Still a risk." in text
    assert not police_request.contributions.exists()


def test_the_form_starts_from_the_latest_answer_and_the_awaiting_details(
    client, police_request, polly
):
    answer = sharing.record_contribution(
        police_request,
        by=polly,
        answer=sharing.Answer(
            kind="AWAITING",
            information="One call-out so far.",
            awaiting_asked_at=timezone.now() - timezone.timedelta(hours=1),
            awaiting_method="EMAIL",
            awaiting_from_name="Jo Adeyemi",
            awaiting_from_designation="Records officer",
        ),
    )
    client.force_login(polly)
    page = client.get(f"/partner/requests/{police_request.pk}/").content.decode()
    assert f'name="seen_latest" value="{answer.pk}"' in page
    assert 'value="Jo Adeyemi"' in page and 'value="Records officer"' in page
    assert 'value="AWAITING" checked' in page
    assert "(TS-2: 4 working hours for red)" in page  # the profile's words, not the template's


def test_the_mais_shows_confidential_information_exists_never_its_detail(
    client, police_request, polly, sam
):
    sharing.record_contribution(
        police_request,
        by=polly,
        answer=sharing.Answer(
            kind="INFORMATION",
            analysis="Risk is higher than it looks.",
            has_confidential_information=True,
            confidential_holder="DI Shah, 01632 960555",
            heightens_concern=True,
            heightens_concern_reason="Intelligence held.",
        ),
    )
    client.force_login(sam)
    page = client.get(f"/contacts/{police_request.contact_id}/information-sharing/").content
    text = page.decode()
    assert "Confidential information held" in text and "DI Shah, 01632 960555" in text
    assert "heightens the concern (MA-4)" in text


def test_export_is_the_agency_s_own_csv_and_is_audited(
    client, screened, sam, polly, police, profile
):
    health = Agency.objects.filter(kind="health").first()
    police_request, health_request = sharing.request_checks(
        screened,
        by=sam,
        agency_codes=[police.code, health.code],
        concern_summary="c",
        question="q",
        legal_basis="CA1989_S47",
    )
    hana = _persona("hana", Role.PARTNER_OFFICER, health)
    sharing.record_contribution(
        police_request,
        by=polly,
        answer=sharing.Answer(kind="INFORMATION", information="=HYPERLINK(x)", analysis="Police."),
    )
    sharing.record_contribution(
        health_request, by=hana, answer=sharing.Answer(kind="NIL_RETURN", analysis="Health nil.")
    )
    today = timezone.localdate()
    client.force_login(polly)
    response = client.get(
        "/partner/export/",
        {
            "date_from_day": today.day,
            "date_from_month": today.month,
            "date_from_year": today.year,
            "date_to_day": today.day,
            "date_to_month": today.month,
            "date_to_year": today.year,
        },
    )
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert len(rows) == 1 and rows[0]["Agency"] == police.name
    assert rows[0]["Information provided"] == "'=HYPERLINK(x)"  # never run as a formula
    assert rows[0]["Decision"] == "Not decided yet"
    assert "Health nil." not in response.content.decode("utf-8-sig")
    event = AuditEvent.objects.get(action="sharing.exported")
    assert event.actor == polly and event.data["rows"] == 1
    assert event.data["contacts"] == [screened.reference]  # traceable per child (CO-4)


def test_export_period_errors_keep_the_dates(client, polly):
    client.force_login(polly)
    response = client.get(
        "/partner/export/",
        {
            "date_from_day": "5",
            "date_from_month": "12",
            "date_from_year": "2026",
            "date_to_day": "1",
            "date_to_month": "12",
            "date_to_year": "2026",
        },
    )
    assert response.status_code == 400
    assert "The end date must be the same as or after the start date" in response.content.decode()
    longer = client.get(
        "/partner/export/",
        {
            "date_from_day": "1",
            "date_from_month": "1",
            "date_from_year": "2025",
            "date_to_day": "1",
            "date_to_month": "12",
            "date_to_year": "2026",
        },
    )
    assert longer.status_code == 400
    assert "Download at most a year at a time" in longer.content.decode()


@pytest.mark.parametrize(
    ("value", "expected"),
    [("=1+1", "'=1+1"), ("+44", "'+44"), ("-x", "'-x"), ("@a", "'@a"), ("plain", "plain")],
)
def test_cells_that_look_like_formulas_are_quoted(value, expected):
    assert safe_cell(value) == expected


def _asked(make_contact, sam, priya, police, count):
    for _ in range(count):
        contact = screen_at_threshold(
            make_contact(), checked_by=sam, screened_by=priya, rag="AMBER"
        )
        sharing.request_checks(
            contact,
            by=sam,
            agency_codes=[police.code],
            concern_summary="c",
            question="q",
            legal_basis="CA1989_S17",
        )


def test_workspace_query_count_does_not_grow_with_requests(
    client, make_contact, sam, priya, police, polly, django_assert_max_num_queries
):
    _asked(make_contact, sam, priya, police, 2)
    client.force_login(polly)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        client.get("/partner/")
    _asked(make_contact, sam, priya, police, 8)
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get("/partner/").content.decode()
    assert page.count("open the request") == 10


def test_managers_are_told_when_a_partner_heightens_the_concern(
    client, police_request, polly, meera, sam
):
    sharing.record_contribution(
        police_request,
        by=polly,
        answer=sharing.Answer(
            kind="INFORMATION",
            information="A knife was found.",
            analysis="Serious risk.",
            heightens_concern=True,
            heightens_concern_reason="Weapon in the home.",
        ),
    )
    banner = "a partner agency says its information heightens the concern (MA-4)"
    client.force_login(meera)
    assert banner in client.get("/contacts/").content.decode()
    client.force_login(sam)  # the banner is for the managers who decide (DM-2)
    assert banner not in client.get("/contacts/").content.decode()


def test_a_withdrawn_heightened_concern_no_longer_raises_the_banner(
    client, police_request, polly, meera
):
    first = sharing.record_contribution(
        police_request,
        by=polly,
        answer=sharing.Answer(
            kind="INFORMATION",
            information="A knife was reported.",
            analysis="Serious risk.",
            heightens_concern=True,
            heightens_concern_reason="Weapon in the home.",
        ),
    )
    banner = "heightens the concern (MA-4)"
    client.force_login(meera)
    assert banner in client.get("/contacts/").content.decode()
    sharing.record_contribution(
        police_request,
        by=polly,
        answer=sharing.Answer(
            kind="INFORMATION", information="The knife report was false.", analysis="Lower."
        ),
        seen_latest=first.pk,
    )
    assert banner not in client.get("/contacts/").content.decode()
