"""The GOV.UK Notify adapter against a local stand-in for Notify's HTTP API (base_url is
configurable), through the real notifications-python-client: the notification id goes as the
reference, failures are sorted into try-again and never, and a message Notify already took is
found by its reference instead of being sent twice (ADR 0017)."""

from __future__ import annotations

import json
import threading
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

import pytest

from conftest import child, contact_details
from mash.contacts import services as contacts
from mash.notifications import services
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
    sent: list[dict] = []
    answer = 201

    def do_POST(self):  # noqa: N802 - http.server's naming
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        assert self.headers["Authorization"].startswith("Bearer ")
        if self.answer != 201:
            return self._reply(self.answer, {"errors": [{"message": "refused"}]})
        body["id"] = str(uuid.uuid4())
        body["path"] = self.path
        FakeNotify.sent.append(body)
        return self._reply(201, {"id": body["id"], "reference": body.get("reference")})

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
    FakeNotify.sent, FakeNotify.answer = [], 201
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeNotify)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    settings.MASH_NOTIFY_ADAPTER = "notify"
    settings.MASH_NOTIFY_API_KEY = API_KEY
    settings.MASH_NOTIFY_BASE_URL = f"http://127.0.0.1:{server.server_port}"
    settings.MASH_NOTIFY_TEMPLATE_IDS = {"referral_acknowledgement": "tmpl-ack-1"}
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


def test_an_unmapped_template_is_a_permanent_failure(notify, waiting, settings):
    Notification.objects.filter(id=waiting.id).update(template="letter_x")
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
