"""The background work without a broker (ADR 0018): the demo's file outbox, the in-process
runner that runs the Celery tasks locally, the `background` command, and the messages page
where a failed message is seen and sent again."""

from __future__ import annotations

import email
import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from conftest import child, contact_details
from mash.audit.models import AuditEvent
from mash.contacts import services as contacts
from mash.notifications import services
from mash.notifications.delivery import OutboxAdapter, configured_adapter
from mash.notifications.inprocess import InProcessRunner
from mash.notifications.models import Delivery, Notification

pytestmark = pytest.mark.django_db


@pytest.fixture
def acknowledgement(carys) -> Notification:
    details = contact_details(referrer_email="teacher@school.example")
    contacts.record_contact(by=carys, people=[child()], **details)
    return Notification.objects.get()


@pytest.fixture
def outbox(settings, tmp_path):
    settings.MASH_NOTIFY_ADAPTER = "outbox"
    settings.MASH_OUTBOX_DIR = str(tmp_path)
    return tmp_path


def test_the_demo_outbox_writes_an_email_you_can_open(outbox, acknowledgement):
    adapter = configured_adapter()
    assert isinstance(adapter, OutboxAdapter)
    assert services.deliver(acknowledgement.id, adapter) == "sent"
    [path] = list(outbox.rglob("*.eml"))
    message = email.message_from_bytes(path.read_bytes())
    assert message["To"] == "teacher@school.example"
    assert message["Subject"] == acknowledgement.subject
    assert acknowledgement.personalisation["reference"] in message.get_payload()
    assert Delivery.objects.filter(reference=str(acknowledgement.id)).count() == 1


def test_an_outbox_that_cannot_be_written_is_tried_again_later(settings, acknowledgement, tmp_path):
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder")
    settings.MASH_NOTIFY_ADAPTER, settings.MASH_OUTBOX_DIR = "outbox", str(blocked)
    assert services.deliver(acknowledgement.id, configured_adapter()) == "retried"
    acknowledgement.refresh_from_db()
    assert acknowledgement.status == Notification.Status.PENDING
    assert "outbox folder" in acknowledgement.last_error


def test_the_in_process_runner_runs_the_celery_tasks_without_a_broker(outbox, acknowledgement):
    """The same `mash.notifications.relay` task a Celery beat schedules, executed here."""
    done = InProcessRunner().tick(sweep=False)
    assert done["relay"]["sent"] == 1
    acknowledgement.refresh_from_db()
    assert acknowledgement.status == Notification.Status.SENT
    assert list(outbox.rglob("*.eml"))


@pytest.mark.django_db(transaction=True)
def test_the_runner_thread_delivers_beside_the_web_server(outbox, carys):
    """`mash demo` starts this thread next to runserver: a committed acknowledgement is
    delivered within a pass or two, with no broker."""
    import time

    details = contact_details(referrer_email="teacher@school.example")
    contacts.record_contact(by=carys, people=[child()], **details)
    runner = InProcessRunner(relay_seconds=0.05, sweep_seconds=3600).start()
    try:
        end = time.monotonic() + 20
        while time.monotonic() < end and not list(outbox.rglob("*.eml")):
            time.sleep(0.05)
    finally:
        runner.stop()
    assert Notification.objects.get().status == Notification.Status.SENT
    assert runner.thread is not None and not runner.thread.is_alive()


def test_the_background_command_does_one_pass(outbox, acknowledgement):
    out = StringIO()
    call_command("background", "--once", stdout=out)
    assert json.loads(out.getvalue())["relay"]["sent"] == 1


def test_the_background_command_refuses_when_celery_should_do_it(settings):
    from django.core.management.base import CommandError

    settings.MASH_BROKER_URL = "redis://127.0.0.1:6379/0"
    with pytest.raises(CommandError, match="celery -A config worker -B"):
        call_command("background", "--once")


def _fail(notification: Notification, error: str = "Notify answered 400: bad address") -> None:
    Notification.objects.filter(id=notification.id).update(
        status=Notification.Status.FAILED, attempts=8, last_error=error
    )


def test_the_messages_page_lists_what_failed_and_why(client, sam, acknowledgement):
    _fail(acknowledgement)
    client.force_login(sam)
    page = client.get(reverse("notifications:messages"))
    text = page.content.decode()
    assert page.status_code == 200
    assert "Acknowledgement to the referrer" in text and "bad address" in text
    assert "Send again" in text
    assert AuditEvent.objects.filter(action="notification.listed").exists()


def test_sending_again_puts_it_back_and_it_is_delivered_once(client, sam, acknowledgement):
    _fail(acknowledgement)
    client.force_login(sam)
    url = reverse("notifications:send-again", args=[acknowledgement.id])
    response = client.post(url, {"reason": "Address corrected with the school"})
    assert response.status_code == 302
    acknowledgement.refresh_from_db()
    assert acknowledgement.status == Notification.Status.PENDING
    event = AuditEvent.objects.get(action="notification.sent_again")
    assert event.data["reason"] == "Address corrected with the school"
    assert event.contact_id == acknowledgement.contact_id
    from mash.notifications.delivery import LogAdapter

    assert services.work_once(None, LogAdapter()).sent == 1
    assert Delivery.objects.filter(notification_id=acknowledgement.id).count() == 1


def test_sending_again_what_has_not_failed_is_refused_plainly(client, sam, acknowledgement):
    client.force_login(sam)
    url = reverse("notifications:send-again", args=[acknowledgement.id])
    response = client.post(url, {"reason": "try"})
    assert response.status_code == 409
    assert "has not failed, so there is nothing to send again" in response.content.decode()


def test_a_reason_too_long_is_explained_and_kept(client, sam, acknowledgement):
    _fail(acknowledgement)
    client.force_login(sam)
    typed = "x" * 501
    response = client.post(
        reverse("notifications:send-again", args=[acknowledgement.id]), {"reason": typed}
    )
    text = response.content.decode()
    assert response.status_code == 400
    assert "There is a problem" in text and typed in text
    assert "must be 500 characters or fewer" in text
    acknowledgement.refresh_from_db()
    assert acknowledgement.status == Notification.Status.FAILED


def test_the_auditor_reads_the_page_but_cannot_send_again(client, aled, acknowledgement):
    _fail(acknowledgement)
    client.force_login(aled)
    assert client.get(reverse("notifications:messages")).status_code == 200
    url = reverse("notifications:send-again", args=[acknowledgement.id])
    assert client.post(url, {"reason": ""}).status_code == 403


def test_a_message_due_later_waits_for_its_time():
    with transaction.atomic():
        later = services.enqueue(
            kind="referral_acknowledgement",
            channel="email",
            recipient="a@b.example",
            template="x",
            available_at=timezone.now() + timezone.timedelta(hours=1),
        )
    assert services.work_once(None, configured_adapter()).sent == 0
    assert Notification.objects.get(id=later.id).status == Notification.Status.PENDING
