"""axe on the emails and letters page (issue 7, ADR 0018): a failed message, its reason, and
sending it again."""

from __future__ import annotations

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from mash.notifications.models import Notification
from tests.browser import scenarios

pytestmark = pytest.mark.browser


def test_a_failed_message_is_shown_and_sent_again(
    check, browser_page: Page, live_server, sign_in, carys
) -> None:
    scenarios.household_contact(
        carys, received_at=timezone.now(), referrer_email="ms.teacher@school.example.org"
    )
    Notification.objects.update(
        status=Notification.Status.FAILED, attempts=8, last_error="Notify answered 400: bad email"
    )
    sign_in(browser_page, live_server, carys)
    page = check("/messages/", "Emails and letters")
    expect(page.locator("table")).to_contain_text("bad email")
    page.get_by_label("Why it can be sent now (optional)").first.fill("Address checked.")
    page.get_by_role("button", name="Send again").first.click()
    expect(page.locator("table")).to_contain_text("Waiting to be queued")
    check.audit("Emails and letters")
