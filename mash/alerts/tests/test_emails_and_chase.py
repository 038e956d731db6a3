"""Alert emails and the TS-4 chase of the referrer (issue 7, IN-7)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import override_settings

from conftest import child, contact_details
from mash.alerts import sweep
from mash.alerts.models import Alert
from mash.alerts.tests.conftest import MONDAY_9AM
from mash.audit.models import AuditEvent
from mash.contacts import services
from mash.contacts.models import WrittenConfirmationChase
from mash.notifications import services as notifications
from mash.notifications.delivery import LogAdapter
from mash.notifications.models import Delivery, Notification

pytestmark = pytest.mark.django_db
CHILD = {"given_names": "Oriel", "family_name": "Pennywhistle"}


@pytest.fixture
def team(in_mash, carys, sam, priya, meera):
    in_mash(carys, sam, priya, meera)
    return {"carys": carys, "sam": sam, "priya": priya, "meera": meera}


def _telephoned(team, **overrides):
    values = {"referrer_email": "ms.teacher@school.example.org", **overrides}
    details = contact_details(received_at=MONDAY_9AM, **values)
    return services.record_contact(by=team["carys"], people=[child(**CHILD)], **details)


def _deliver() -> None:
    notifications.work_once(None, LogAdapter())


@override_settings(MASH_ALERT_EMAILS=True)
def test_alert_emails_name_the_reference_and_clock_never_the_child(monday, team):
    contact = _telephoned(team)
    ts1 = contact.clocks.get(rule_id="TS-1")
    result = sweep.sweep(now=ts1.due_at - timedelta(minutes=30))
    emails = Notification.objects.filter(kind="deadline_alert")
    assert result.emailed == emails.count() == 3
    assert {n.recipient for n in emails} == {
        "carys@council.example.org",
        "priya@council.example.org",
        "meera@council.example.org",
    }
    email = emails.get(recipient="carys@council.example.org")
    assert contact.reference in email.subject
    assert "Decision on the type of response (TS-1)" in email.body
    assert "Monday 30 November 2026 at 5pm" in email.body  # due, in words, UK time
    assert f"/contacts/{contact.pk}/" in email.body
    for name in CHILD.values():
        assert name not in email.subject + email.body
    assert Alert.objects.get(clock=ts1, recipient=team["carys"]).notification_id == email.id


def test_no_alert_emails_unless_configured(monday, team):
    contact = _telephoned(team)
    sweep.sweep(now=contact.clocks.get(rule_id="TS-1").due_at)
    assert Alert.objects.exists()
    assert not Notification.objects.filter(kind="deadline_alert").exists()


def test_a_late_written_confirmation_chases_the_referrer_once(monday, team, client):
    contact = _telephoned(team)
    ts4 = contact.clocks.get(rule_id="TS-4")
    Notification.objects.all().delete()  # the acknowledgement (IN-8): not what is tested
    first = sweep.sweep(now=ts4.due_at + timedelta(minutes=1))
    again = sweep.sweep(now=ts4.due_at + timedelta(minutes=2))
    assert first.chased == 1 and again.chased == 0
    [chase] = Notification.objects.filter(kind="written_confirmation_chase")
    assert chase.recipient == "ms.teacher@school.example.org"
    assert contact.reference in chase.subject and contact.reference in chase.body
    assert "30 November 2026" in chase.body  # the date of the call
    assert "northamptonshire-mash@example.org" in chase.body  # where to send it (profile)
    assert "0300 126 7000" in chase.body  # the MASH's phone (profile)
    for name in CHILD.values():
        assert name not in chase.subject + chase.body
    recorded = WrittenConfirmationChase.objects.get(clock=ts4)
    assert recorded.how == "EMAIL" and recorded.notification_id == chase.id
    assert AuditEvent.objects.filter(action="contact.written_confirmation_chased").count() == 1
    _deliver()
    chase.refresh_from_db()
    assert chase.status == "SENT"
    assert Delivery.objects.filter(notification_id=chase.id).count() == 1
    assert AuditEvent.objects.filter(
        action="notification.written_confirmation_chase_sent", contact_id=contact.pk
    ).exists()
    # The manager sees it is overdue and that the referrer was chased.
    manager_alert = Alert.objects.get(clock=ts4, stage="BREACHED", recipient=team["priya"])
    assert "The referrer was chased by email on" in manager_alert.explanation
    client.force_login(team["priya"])
    page = client.get("/alerts/").content.decode()
    assert (
        contact.reference in page and "Written confirmation of a telephone referral (TS-4)" in page
    )
    assert "The referrer was chased by email on" in page
    detail = client.get(f"/contacts/{contact.pk}/").content.decode()
    assert "Written confirmation overdue: referrer chased by email on" in detail
    # Once it arrives, the page says it was late and keeps the chase.
    services.record_written_confirmation(
        contact, by=team["sam"], note="n", how="EMAIL", text="Confirming my call."
    )
    detail = client.get(f"/contacts/{contact.pk}/").content.decode()
    assert "Written confirmation was late: referrer chased by email on" in detail
    assert "Confirming my call." in detail


def test_without_an_email_the_responsible_worker_is_asked_to_phone(monday, team):
    contact = _telephoned(team, referrer_email="")
    ts4 = contact.clocks.get(rule_id="TS-4")
    sweep.sweep(now=ts4.due_at + timedelta(minutes=1))
    assert not Notification.objects.filter(kind="written_confirmation_chase").exists()
    assert WrittenConfirmationChase.objects.get(clock=ts4).how == "PHONE"
    worker = Alert.objects.get(clock=ts4, stage="BREACHED", recipient=team["carys"])
    assert "The referrer has no email address: Carys Tester should phone them." in (
        worker.explanation
    )
