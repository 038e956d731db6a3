"""The census details form on a child's record (issue 8 §6): the DfE rules in plain English,
MASH staff only, every change audited."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from mash.audit.models import AuditEvent
from mash.core.errors import InvalidInput, NotPermitted
from mash.matching.identifiers import make_upn
from mash.people import services
from mash.people.models import Person
from mash.people.services import CensusDetails, change_census_details

pytestmark = pytest.mark.django_db

UPN = make_upn("201200015123")  # P201200015123, the DfE guide's example


@pytest.fixture
def child(profile) -> Person:
    return Person.objects.create(
        given_names="Ada", family_name="Smyth", date_of_birth=date(2015, 6, 1)
    )


def test_a_practitioner_records_the_census_details(child, sam):
    details = CensusDetails(
        ethnicity_code="wbri", disabilities=("AUT", "COMM"), upn=" p2012 0001 5123 "
    )
    change_census_details(child, by=sam, details=details)
    child.refresh_from_db()
    assert (child.ethnicity_code, child.disabilities, child.upn) == ("WBRI", ["AUT", "COMM"], UPN)
    event = AuditEvent.objects.get(action="person.census_details_changed")
    assert event.person_id == child.pk
    assert event.data["changed"] == ["ethnicity_code", "disabilities", "upn"]


@pytest.mark.parametrize(
    ("details", "field", "words"),
    [
        (CensusDetails(upn="A201200015123"), "upn", "does not match the rest of it"),
        (CensusDetails(upn="P20120001"), "upn", "13 characters"),
        (CensusDetails(disabilities=("NONE", "AUT")), "disabilities", "not both (rule 8790)"),
        (CensusDetails(disabilities=("WINGS",)), "disabilities", "from the list"),
        (CensusDetails(ethnicity_code="XXXX"), "ethnicity_code", "from the list"),
        (CensusDetails(upn=UPN, upn_unknown="UN1"), "upn_unknown", "Leave"),
        (
            CensusDetails(expected_date_of_birth=date(2027, 1, 1)),
            "expected_date_of_birth",
            "only for an unborn child",
        ),
    ],
)
def test_what_the_returns_would_reject_is_explained(child, sam, details, field, words):
    with pytest.raises(InvalidInput) as error:
        change_census_details(child, by=sam, details=details)
    assert any(p.field == field and words in p.message for p in error.value.problems)
    child.refresh_from_db()
    assert child.upn == "" and child.disabilities == []


@pytest.fixture
def unborn(profile) -> Person:
    return Person.objects.create(given_names="", family_name="Unborn Smyth")


@pytest.mark.parametrize(
    ("weeks", "words"),
    [
        (41, "no more than 40 weeks from today"),  # rule 8606: longer than a pregnancy
        (-3, "no more than 2 weeks ago"),  # a baby is born by then
    ],
)
def test_an_expected_date_of_birth_too_far_ahead_or_behind_is_explained(unborn, sam, weeks, words):
    day = timezone.localdate() + timedelta(weeks=weeks)
    with pytest.raises(InvalidInput) as error:
        change_census_details(unborn, by=sam, details=CensusDetails(expected_date_of_birth=day))
    [problem] = error.value.problems
    assert problem.field == "expected_date_of_birth" and words in problem.message
    unborn.refresh_from_db()
    assert unborn.expected_date_of_birth is None


@pytest.mark.parametrize("weeks", [40, 1, 0, -2])
def test_an_expected_date_of_birth_within_a_pregnancy_is_recorded(unborn, sam, weeks):
    day = timezone.localdate() + timedelta(weeks=weeks)
    change_census_details(unborn, by=sam, details=CensusDetails(expected_date_of_birth=day))
    unborn.refresh_from_db()
    assert unborn.expected_date_of_birth == day


def test_an_expected_date_already_recorded_does_not_block_other_changes(unborn, sam):
    # Recorded months ago and now past: changing the ethnicity is not refused for it.
    past = timezone.localdate() - timedelta(weeks=10)
    Person.objects.filter(pk=unborn.pk).update(expected_date_of_birth=past)
    details = CensusDetails(ethnicity_code="WBRI", expected_date_of_birth=past)
    change_census_details(unborn, by=sam, details=details)
    unborn.refresh_from_db()
    assert unborn.ethnicity_code == "WBRI"


def test_the_auditor_and_partners_cannot_change_them(child, aled, polly):
    for user in (aled, polly):
        with pytest.raises(NotPermitted):
            change_census_details(child, by=user, details=CensusDetails(ethnicity_code="WBRI"))
    assert not services.can_change_census_details(aled)


def test_the_form_keeps_what_was_typed_and_explains(client, sam, child):
    client.force_login(sam)
    url = reverse("people:census", args=[child.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert 'data-behaviour="exclusive"' in page.content.decode()
    response = client.post(url, {"upn": "A201200015123", "disabilities": ["NONE", "AUT"]})
    html = response.content.decode()
    assert response.status_code == 400
    assert "There is a problem" in html
    assert "does not match the rest of it" in html and "not both (rule 8790)" in html
    assert 'value="A201200015123"' in html


def test_the_form_saves_and_returns_to_the_record(client, sam, child):
    client.force_login(sam)
    response = client.post(
        reverse("people:census", args=[child.pk]),
        {"ethnicity_code": "AIND", "disabilities": ["NONE"], "upn": UPN},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("people:detail", args=[child.pk])
    child.refresh_from_db()
    assert child.ethnicity_code == "AIND" and child.disabilities == ["NONE"]
    record = client.get(response["Location"]).content.decode()
    assert "Indian" in record and "No disability" in record and UPN in record


def test_the_auditor_reads_the_record_but_is_refused_the_form(client, aled, child):
    client.force_login(aled)
    assert client.get(reverse("people:detail", args=[child.pk])).status_code == 200
    assert client.get(reverse("people:census", args=[child.pk])).status_code == 403
    assert AuditEvent.objects.filter(action="access.refused").exists()
