"""The outbox: a notification exists iff its event committed, and is delivered exactly once
(ADR 0017). No broker here: the worker takes PENDING rows from the table (the demo's mode)."""

from __future__ import annotations

import json
import uuid

import pytest
from django.core.management import call_command
from django.db import transaction

from conftest import child, contact_details, screen_at_threshold
from mash.accounts.models import Agency
from mash.api.models import PartnerApiClient
from mash.audit.models import AuditEvent
from mash.contacts import services as contacts
from mash.contacts.models import Contact
from mash.core.errors import InvalidInput
from mash.notifications import services
from mash.notifications.delivery import LogAdapter, PermanentFailure, TemporaryFailure
from mash.notifications.models import Delivery, Notification

pytestmark = pytest.mark.django_db
Status = Notification.Status


def record(carys, **overrides) -> Contact:
    details = contact_details(**({"referrer_email": "teacher@school.example"} | overrides))
    return contacts.record_contact(by=carys, people=[child()], **details)


def work() -> None:
    call_command("notifications", "work", "--until-idle", "--interval", "0")


def test_a_professional_referrer_with_an_email_gets_one_acknowledgement(carys):
    contact = record(carys)
    [note] = Notification.objects.all()
    assert (note.kind, note.channel, note.recipient) == (
        "referral_acknowledgement",
        "email",
        "teacher@school.example",
    )
    assert note.status == Status.PENDING and note.contact_id == contact.pk
    # Minimal personal data: the reference and the referrer's own name, never the child's.
    assert note.personalisation["reference"] == contact.reference
    assert "Jayden" not in json.dumps(note.personalisation)


@pytest.mark.parametrize(
    "overrides",
    [
        {"referrer_email": ""},  # no address
        {"referrer_source": "1A"},  # a member of the public (IN-9): staff acknowledge
        {"channel": Contact.Channel.ONLINE_FORM},  # the on-screen reference acknowledges (IN-8)
    ],
)
def test_no_acknowledgement_email_otherwise(carys, overrides):
    details = contact_details(referrer_email="teacher@school.example") | overrides
    contacts.record_contact(by=carys, people=[child()], **details)
    assert not Notification.objects.exists()


def test_no_notification_without_its_committed_event(carys):
    with pytest.raises(InvalidInput):
        contacts.record_contact(
            by=carys, people=[], **contact_details(referrer_email="a@b.example")
        )

    def intake_then_fail() -> None:
        with transaction.atomic():
            record(carys)
            assert Notification.objects.count() == 1
            raise RuntimeError("the surrounding transaction fails after intake")

    with pytest.raises(RuntimeError):
        intake_then_fail()
    assert not Notification.objects.exists() and not Contact.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_enqueue_refuses_to_run_outside_a_transaction(profile):
    with pytest.raises(RuntimeError, match="inside the transaction"):
        services.enqueue(
            kind="referral_acknowledgement", channel="email", recipient="x", template="t"
        )


def test_api_intake_enqueues_the_acknowledgement(client, profile):
    agency = Agency.objects.filter(code__icontains="police").first()
    _, token = PartnerApiClient.issue(name="Police system", agency=agency, referrer_source="6")
    body = {
        "purpose": "PROVISION_OF_INFORMATION",
        "referrer": {"name": "PC Jones", "role": "Officer", "email": "pc.jones@police.example"},
        "children": [
            {"given_names": "Lily", "family_name": "Brown", "date_of_birth": "2016-02-29"}
        ],
        "concern_summary": "Domestic incident attended; children present.",
    }
    response = client.post(
        "/api/v1/contacts",
        json.dumps(body),
        content_type="application/json",
        headers={"Authorization": f"Bearer {token}", "Idempotency-Key": "ack-0001"},
    )
    assert response.status_code == 201, response.content
    note = Notification.objects.get()
    assert note.recipient == "pc.jones@police.example"
    assert str(note.contact_id) == response.json()["id"]


def test_worker_delivers_once_meets_ts5_and_the_timeline_says_so(client, carys):
    contact = record(carys)
    work()
    work()  # a second pass finds nothing more to send
    note = Notification.objects.get()
    assert note.status == Status.SENT and note.attempts == 1 and note.sent_at
    assert Delivery.objects.filter(notification_id=note.id).count() == 1
    assert note.provider_reference.startswith("log-")
    assert Delivery.objects.get().reference == str(note.id)  # the idempotency reference
    clock = contact.clocks.get(rule_id="TS-5")
    assert clock.met_at == note.sent_at and clock.met_note == "Acknowledgement emailed"
    event = AuditEvent.objects.get(action="notification.acknowledgement_sent")
    assert event.contact_id == contact.pk and event.rule_ids == ["IN-8", "TS-5"]
    client.force_login(carys)
    page = client.get(f"/contacts/{contact.pk}/").content.decode()
    assert "Acknowledgement email sent to the referrer" in page


def test_an_id_seen_twice_is_sent_once(carys):
    record(carys)
    note = Notification.objects.get()
    adapter = LogAdapter()
    assert services.deliver(note.id, adapter) == "sent"
    assert services.deliver(note.id, adapter) == "skipped"
    assert Delivery.objects.count() == 1


class Flaky:
    name = "flaky"

    def __init__(self, error: Exception):
        self.error = error

    def send(self, notification):
        raise self.error

    def find(self, notification):
        return None


def test_a_temporary_failure_waits_and_retries(carys, settings):
    record(carys)
    note = Notification.objects.get()
    assert services.deliver(note.id, Flaky(TemporaryFailure("Notify 503"))) == "retried"
    note.refresh_from_db()
    assert note.status == Status.PENDING and note.available_at > note.created_at
    assert note.last_error == "Notify 503"
    assert services.work_once(None, LogAdapter()).sent == 0  # not before its backoff ends
    Notification.objects.update(available_at=note.created_at)
    assert services.work_once(None, LogAdapter()).sent == 1
    settings.MASH_NOTIFY_MAX_ATTEMPTS = 1
    record(carys, referrer_email="other@school.example")
    other = Notification.objects.get(status=Status.PENDING)
    assert services.deliver(other.id, Flaky(TemporaryFailure("down"))) == "failed"


def test_a_permanent_failure_is_recorded_on_the_childs_record(carys):
    contact = record(carys)
    note = Notification.objects.get()
    assert services.deliver(note.id, Flaky(PermanentFailure("bad address"))) == "failed"
    note.refresh_from_db()
    assert note.status == Status.FAILED and note.last_error == "bad address"
    assert AuditEvent.objects.filter(action="notification.failed", contact_id=contact.pk).exists()
    assert contact.clocks.get(rule_id="TS-5").met_at is None  # staff still acknowledge (IN-8)


def test_a_worker_that_died_mid_send_is_not_sent_twice(carys, settings):
    """Claimed, accepted by the provider, then the worker died before marking it sent: the
    recovery finds the message by its reference and marks it sent without sending again."""
    settings.MASH_NOTIFY_SEND_TIMEOUT = 0
    record(carys)
    record(carys, referrer_email="second@school.example")
    accepted, lost = Notification.objects.order_by("created_at")
    adapter = LogAdapter()
    for note in (accepted, lost):
        assert services._claim(note.id)
    adapter.send(accepted)  # the provider took this one; the other never left
    assert services.recover_stalled(adapter) == 2
    accepted.refresh_from_db()
    lost.refresh_from_db()
    assert accepted.status == Status.SENT and lost.status == Status.PENDING
    services.work_once(None, adapter)
    assert services._claim(lost.id) is False  # sent now: nothing left to claim
    assert sorted(Delivery.objects.values_list("notification_id", flat=True)) == sorted(
        [accepted.id, lost.id]
    )


def test_without_a_broker_the_worker_itself_recovers_a_stalled_send(carys, settings):
    settings.MASH_NOTIFY_SEND_TIMEOUT = 0
    record(carys)
    note = Notification.objects.get()
    assert services._claim(note.id)  # claimed, then the worker died before sending
    assert services.work_once(None, LogAdapter()).sent == 1
    assert Delivery.objects.filter(notification_id=note.id).count() == 1


def test_asked_agency_inbox_is_emailed_with_no_case_details(carys, sam, priya, settings):
    contact = record(carys, referrer_email="")
    screen_at_threshold(contact, checked_by=sam, screened_by=priya)
    police = Agency.objects.filter(code__icontains="police").first()
    settings.MASH_NOTIFY_AGENCY_INBOXES = {police.code: "mash.inbox@police.example"}
    from mash.sharing import services as sharing

    [request] = sharing.request_checks(
        contact,
        by=sam,
        agency_codes=[police.code],
        concern_summary="Bruising seen at school.",
        question="What does your agency hold about this family?",
        legal_basis="CA1989_S47",
    )
    note = Notification.objects.get(kind="information_request")
    assert note.recipient == "mash.inbox@police.example" and note.contact_id == contact.pk
    assert note.personalisation["link"].endswith(f"/partner/requests/{request.pk}/")
    assert "Bruising" not in json.dumps(note.personalisation)
    assert services.deliver(note.id, LogAdapter()) == "sent"
    assert AuditEvent.objects.filter(action="notification.information_request_sent").exists()


def test_unknown_kinds_are_refused(profile):
    with pytest.raises(KeyError):
        services.enqueue(kind="nope", channel="email", recipient="x", template="t")
    assert services.deliver(uuid.uuid4(), LogAdapter()) == "skipped"


class TimesOutAfterAccepting(LogAdapter):
    """The provider takes the message, but its answer never arrives (a timeout)."""

    name = "times-out"

    def send(self, notification):
        super().send(notification)
        raise TemporaryFailure("read timed out")


def test_a_retry_asks_the_provider_before_sending_again(carys):
    record(carys)
    note = Notification.objects.get()
    assert services.deliver(note.id, TimesOutAfterAccepting()) == "retried"
    Notification.objects.update(available_at=note.created_at)
    assert services.work_once(None, LogAdapter()).sent == 1
    note.refresh_from_db()
    assert note.status == Status.SENT and note.attempts == 2
    assert Delivery.objects.filter(notification_id=note.id).count() == 1


def test_the_staff_form_enqueues_the_acknowledgement(client, carys):
    from mash.contacts.tests.test_views import staff_form

    client.force_login(carys)
    response = client.post("/contacts/new/", staff_form(referrer_email="dsl@school.example"))
    assert response.status_code == 302
    note = Notification.objects.get()
    assert note.recipient == "dsl@school.example"
    assert note.contact_id == Contact.objects.get().pk
