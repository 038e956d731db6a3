"""The GOV.UK Notify adapter against a local stand-in for Notify's HTTP API (base_url is
configurable), through the real notifications-python-client: the notification id goes as the
reference, failures are sorted into try-again and never, and a message Notify already took is
found by its reference instead of being sent twice (ADR 0017)."""

from __future__ import annotations

import base64
import json
import threading
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

import jwt
import pytest
from django.utils import timezone

from conftest import child, contact_details
from mash.contacts import services as contacts
from mash.notifications import kinds, services
from mash.notifications.delivery import (
    NotifyAdapter,
    PermanentFailure,
    TemporaryFailure,
    configured_adapter,
)
from mash.notifications.models import Notification

pytestmark = pytest.mark.django_db
API_KEY = f"test-{uuid.uuid4()}-{uuid.uuid4()}"


class FakeNotify(BaseHTTPRequestHandler):
    """Notify's v2 API as far as the service uses it: checks the client's JWT as Notify does
    (HS256, issuer the service id, signed with the key's secret), and a precompiled letter's
    content is a real PDF. `answers` queues statuses for the next POSTs (then `answer`)."""

    sent: list[dict] = []
    answer = 201
    answers: list[int] = []
    refused_tokens = 0

    def do_POST(self):  # noqa: N802 - http.server's naming
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        if not self._token_is_good():
            FakeNotify.refused_tokens += 1
            return self._reply(403, {"errors": [{"message": "Invalid token"}]})
        answer = FakeNotify.answers.pop(0) if FakeNotify.answers else self.answer
        if answer != 201:
            return self._reply(answer, {"errors": [{"message": "refused"}]})
        if self.path == "/v2/notifications/letter":
            body["pdf"] = base64.b64decode(body.pop("content"))
            if not body["pdf"].startswith(b"%PDF-"):
                return self._reply(400, {"errors": [{"message": "Letter content is not a PDF"}]})
        body["id"] = str(uuid.uuid4())
        body["path"] = self.path
        FakeNotify.sent.append(body)
        return self._reply(201, {"id": body["id"], "reference": body.get("reference")})

    def _token_is_good(self) -> bool:
        scheme, _, token = self.headers.get("Authorization", "").partition(" ")
        try:
            claims = jwt.decode(token, API_KEY[-36:], algorithms=["HS256"])
        except jwt.PyJWTError:
            return False
        return scheme == "Bearer" and claims.get("iss") == API_KEY[-73:-37]

    def do_GET(self):  # noqa: N802
        reference = parse_qs(urlparse(self.path).query).get("reference", [None])[0]
        found = [n for n in FakeNotify.sent if n.get("reference") == reference]
        self._reply(200, {"notifications": found, "links": {}})

    def _reply(self, status, payload):
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


@pytest.fixture
def notify(settings):
    FakeNotify.sent, FakeNotify.answer, FakeNotify.answers = [], 201, []
    FakeNotify.refused_tokens = 0
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeNotify)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    settings.MASH_NOTIFY_ADAPTER = "notify"
    settings.MASH_NOTIFY_API_KEY = API_KEY
    settings.MASH_NOTIFY_BASE_URL = f"http://127.0.0.1:{server.server_port}"
    settings.MASH_NOTIFY_TEMPLATE_IDS = {"referral_acknowledgement": "tmpl-ack-1"}
    settings.MASH_NOTIFY_EMAIL_TEMPLATE_ID = "tmpl-generic-email"
    yield configured_adapter()
    server.shutdown()


@pytest.fixture
def waiting(carys) -> Notification:
    details = contact_details(referrer_email="teacher@school.example")
    contacts.record_contact(by=carys, people=[child()], **details)
    return Notification.objects.get()


def test_sends_with_the_notification_id_as_reference(notify, waiting):
    assert isinstance(notify, NotifyAdapter)
    assert services.deliver(waiting.id, notify) == "sent"
    [sent] = FakeNotify.sent
    assert sent["path"] == "/v2/notifications/email"
    assert sent["reference"] == str(waiting.id) and sent["template_id"] == "tmpl-ack-1"
    assert sent["email_address"] == "teacher@school.example"
    waiting.refresh_from_db()
    assert waiting.provider_reference == sent["id"]


@pytest.mark.parametrize(("answer", "error"), [(503, TemporaryFailure), (400, PermanentFailure)])
def test_failures_are_sorted(notify, waiting, answer, error):
    FakeNotify.answer = answer
    with pytest.raises(error):
        notify.send(waiting)


def test_an_unmapped_template_without_a_rendered_body_is_a_permanent_failure(notify, waiting):
    Notification.objects.filter(id=waiting.id).update(template="letter_x", body="")
    waiting.refresh_from_db()
    with pytest.raises(PermanentFailure, match="No Notify template"):
        notify.send(waiting)


def test_after_a_crash_mid_send_notify_is_asked_before_sending_again(notify, waiting, settings):
    settings.MASH_NOTIFY_SEND_TIMEOUT = 0
    assert services._claim(waiting.id)
    notify.send(waiting)  # Notify took it; the worker died before marking it sent
    assert services.recover_stalled(notify) == 1
    waiting.refresh_from_db()
    assert waiting.status == Notification.Status.SENT
    assert waiting.provider_reference == FakeNotify.sent[0]["id"]
    assert len(FakeNotify.sent) == 1


def test_notify_without_a_key_stops_at_start(settings):
    from django.core.exceptions import ImproperlyConfigured

    settings.MASH_NOTIFY_ADAPTER, settings.MASH_NOTIFY_API_KEY = "notify", ""
    with pytest.raises(ImproperlyConfigured):
        configured_adapter()


def test_the_client_s_token_is_what_notify_checks(notify, waiting, settings):
    services.deliver(waiting.id, notify)
    assert FakeNotify.refused_tokens == 0 and len(FakeNotify.sent) == 1
    # The control: a key with another secret is refused, so the check above means something.
    settings.MASH_NOTIFY_API_KEY = API_KEY[:-36] + str(uuid.uuid4())
    with pytest.raises(PermanentFailure, match="403"):
        configured_adapter().send(waiting)
    assert FakeNotify.refused_tokens == 1 and len(FakeNotify.sent) == 1


def test_an_email_without_its_own_template_goes_through_the_generic_one(notify, waiting, settings):
    """The service renders every email (ADR 0018): one Notify template of ((subject)) and
    ((body)) carries the acknowledgement, its wording ours and translatable."""
    settings.MASH_NOTIFY_TEMPLATE_IDS = {}
    notify = configured_adapter()
    assert services.deliver(waiting.id, notify) == "sent"
    [sent] = FakeNotify.sent
    assert sent["template_id"] == "tmpl-generic-email"
    assert sent["personalisation"]["subject"].startswith("We have received your contact")
    body = sent["personalisation"]["body"]
    assert waiting.personalisation["reference"] in body
    assert "Jayden" not in body and "Smyth" not in body  # never the child's name (ADR 0017)


def test_retries_with_backoff_until_notify_takes_it(notify, waiting):
    """Notify down twice (503, then 429 rate limit), then up: the row backs off and is sent
    once, by the real delivery path."""
    FakeNotify.answers = [503, 429]
    assert services.deliver(waiting.id, notify) == "retried"
    waiting.refresh_from_db()
    first_wait = waiting.available_at
    assert waiting.status == Notification.Status.PENDING and "503" in waiting.last_error
    Notification.objects.filter(id=waiting.id).update(available_at=timezone.now())
    assert services.work_once(None, notify).retried == 1
    waiting.refresh_from_db()
    assert waiting.available_at - timezone.now() > first_wait - waiting.created_at
    Notification.objects.filter(id=waiting.id).update(available_at=timezone.now())
    assert services.work_once(None, notify).sent == 1
    waiting.refresh_from_db()
    assert (waiting.status, waiting.attempts) == (Notification.Status.SENT, 3)
    assert len(FakeNotify.sent) == 1


def test_a_message_that_keeps_failing_is_marked_failed_and_can_be_sent_again(
    notify, waiting, settings, sam
):
    settings.MASH_NOTIFY_MAX_ATTEMPTS = 2
    FakeNotify.answers = [500, 500]
    services.deliver(waiting.id, notify)
    Notification.objects.filter(id=waiting.id).update(available_at=timezone.now())
    assert services.work_once(None, notify).failed == 1
    waiting.refresh_from_db()
    assert waiting.status == Notification.Status.FAILED
    services.send_again(waiting, by=sam, reason="Notify's outage is over")
    assert services.work_once(None, notify).sent == 1
    assert len(FakeNotify.sent) == 1


def test_a_letter_goes_as_a_precompiled_pdf(notify, waiting, monkeypatch):
    """A letter carries its PDF (mash.letters' document hook); Notify gets the PDF itself,
    base64 as the client sends it, with the postage chosen and our reference."""
    pdf = b"%PDF-1.7\n% synthetic letter\n%%EOF\n"
    kind = kinds.Kind("test_letter", sent_action="notification.sent_again", document=lambda n: pdf)
    monkeypatch.setitem(kinds.KINDS, kind.code, kind)
    letter = Notification.objects.create(
        kind="test_letter",
        channel=Notification.Channel.LETTER,
        recipient="Ms A Parent, AB1 2CD",
        template="outcome_letter",
        letter_id=uuid.uuid4(),
    )
    assert services.deliver(letter.id, notify) == "sent"
    [sent] = FakeNotify.sent
    assert sent["path"] == "/v2/notifications/letter"
    assert (sent["pdf"], sent["postage"], sent["reference"]) == (pdf, "second", str(letter.id))


def test_a_letter_without_its_pdf_fails_for_good(notify):
    letter = Notification.objects.create(
        kind="referral_acknowledgement",  # a kind with no document
        channel=Notification.Channel.LETTER,
        recipient="Ms A Parent",
        template="outcome_letter",
        letter_id=uuid.uuid4(),
    )
    assert services.deliver(letter.id, notify) == "failed"
    letter.refresh_from_db()
    assert "PDF is missing" in letter.last_error and not FakeNotify.sent
