"""The share register (CO-4): every disclosure to a partner agency — a request for checks, a
meeting copy (MA-7), the agency's export (MA-8, CSV and API) — carries its legal basis and is
written with the share; auditors and managers read it, filtered by agency and person."""

from __future__ import annotations

import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from conftest import screen_at_threshold, share_checks
from mash.accounts.models import Agency
from mash.api.models import PartnerApiClient
from mash.audit.models import AuditEvent
from mash.dataprotection.models import DisclosureRecord
from mash.meetings import services as meetings
from mash.meetings.services import Attendee

pytestmark = pytest.mark.django_db
Kind = DisclosureRecord.Kind


@pytest.fixture
def shared(received, sam, priya, polly):
    screen_at_threshold(received, checked_by=sam, screened_by=priya)
    share_checks(received, asked_by=sam, partner=polly)
    received.refresh_from_db()
    return received


def _today_range() -> dict[str, int]:
    today = timezone.localdate()
    return {
        f"date_{end}_{part}": getattr(today, part)
        for end in ("from", "to")
        for part in ("day", "month", "year")
    }


def test_a_request_for_checks_is_registered_with_its_legal_basis(shared, sam, police):
    [record] = DisclosureRecord.objects.all()
    request = shared.information_requests.get()
    assert record.kind == Kind.INFORMATION_REQUEST and record.object_id == str(request.pk)
    assert record.agency == police and record.contact == shared and record.shared_by == sam
    assert record.legal_basis == "CA1989_S47" == request.legal_basis
    assert record.sharing_agreement == request.sharing_agreement
    assert record.shared_at == request.requested_at


def test_the_register_is_written_in_the_same_transaction_as_the_share(received, sam, priya):
    from mash.sharing import services as sharing

    screen_at_threshold(received, checked_by=sam, screened_by=priya)
    code = Agency.objects.filter(kind="police").first().code

    def share_then_fail() -> None:
        with transaction.atomic():
            sharing.request_checks(
                received,
                by=sam,
                agency_codes=[code],
                concern_summary="c",
                question="q",
                legal_basis="CA1989_S17",
            )
            assert DisclosureRecord.objects.count() == 1
            raise RuntimeError("the share fails after the request was written")

    with pytest.raises(RuntimeError):
        share_then_fail()
    assert not DisclosureRecord.objects.exists()
    assert not received.information_requests.exists()


def test_an_issued_meeting_registers_each_agency_s_copy(shared, sam, meera, police):
    meeting = meetings.record_mash_meeting(
        by=sam,
        held_at=timezone.now(),
        chair=meera,
        attendees=[Attendee(police.code, "DS Hughes", "Detective sergeant")],
    )
    case = meetings.discuss_case(
        meeting, by=sam, contact=shared, analysis="Escalating.", recommendation="S47"
    )
    assert not DisclosureRecord.objects.filter(kind=Kind.MEETING_COPY).exists()
    meetings.issue_meeting(meeting, by=meera)
    [copy] = DisclosureRecord.objects.filter(kind=Kind.MEETING_COPY)
    assert copy.object_id == str(case.pk) and copy.agency == police
    assert copy.legal_basis == "CA1989_S47" and copy.shared_by == meera


def test_the_partner_exports_are_registered(client, shared, polly, police):
    client.force_login(polly)
    response = client.get("/partner/export/", _today_range())
    assert response["Content-Type"].startswith("text/csv")
    [csv_share] = DisclosureRecord.objects.filter(kind=Kind.PARTNER_EXPORT)
    assert csv_share.agency == police and csv_share.shared_by == polly
    assert csv_share.legal_basis == "CA1989_S47"

    system, token = PartnerApiClient.issue(name="Niche", agency=police, referrer_source="6")
    today = timezone.localdate().isoformat()
    api = client.get(
        f"/api/v1/exports/information-shared?date_from={today}&date_to={today}",
        headers={"Authorization": f"Bearer {token}"},
    )
    assert api.status_code == 200
    [api_share] = DisclosureRecord.objects.filter(kind=Kind.API_EXPORT)
    assert api_share.shared_by is None and api_share.shared_by_name == "Partner API: Niche"


def test_the_register_page(client, shared, make_contact, aled, sonia, sam, carys, polly, police):
    page = reverse("dataprotection:shares")
    for user, status in ((carys, 403), (sam, 403), (polly, 403), (aled, 200), (sonia, 200)):
        client.force_login(user)
        assert client.get(page).status_code == status, user
    client.force_login(aled)
    body = client.get(page).content.decode()
    assert shared.reference in body and "Children Act 1989, section 47" in body

    other = make_contact()
    person = shared.children().first().person
    by_person = client.get(page, {"person": str(person.pk)}).content.decode()
    assert shared.reference in by_person
    not_police = Agency.objects.exclude(pk=police.pk).filter(is_childrens_social_care=False)
    by_agency = client.get(page, {"agency": str(not_police.first().pk)}).content.decode()
    assert shared.reference not in by_agency and other.reference not in by_agency
    assert client.get(page, {"person": "not-an-id"}).status_code == 400
    event = AuditEvent.objects.filter(action="disclosure.register_viewed", person_id=person.pk)
    assert event.exists()


def test_the_backfill_migration_registers_earlier_shares(shared, police):
    import importlib

    from django.apps import apps

    backfill = importlib.import_module(
        "mash.dataprotection.migrations.0002_backfill_share_register"
    )
    DisclosureRecord.objects.all().delete()  # as before the register existed
    backfill.backfill(apps, None)
    [record] = DisclosureRecord.objects.all()
    assert record.agency == police and record.legal_basis == "CA1989_S47"
    backfill.remove_backfill(apps, None)
    assert not DisclosureRecord.objects.exists()
