"""axe on the alerts page (issue 7): open alerts, overdue first, and the bulk error state."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from mash.accounts.models import Team
from mash.alerts import sweep
from tests.browser import scenarios

pytestmark = pytest.mark.browser


def test_your_alerts_and_the_bulk_reason_error(
    check, browser_page: Page, live_server, sign_in, carys
) -> None:
    carys.memberships.update(team=Team.objects.get(kind="mash"))
    for _ in range(2):
        scenarios.household_contact(carys, received_at=timezone.now() - timedelta(days=4))
    sweep.sweep()
    sign_in(browser_page, live_server, carys)
    page = check("/alerts/", "Your alerts")
    expect(page.locator("#mash-alert-count")).to_contain_text("open")
    boxes = page.locator("input[name=alerts]")
    boxes.nth(0).check()
    boxes.nth(1).check()
    page.get_by_role("button", name="Acknowledge selected").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("a reason is needed")
    expect(boxes.nth(1)).to_be_checked()
    check.audit("Your alerts")
    page.get_by_label("Reason").fill("Dealt with at the morning meeting.")
    page.get_by_role("button", name="Acknowledge selected").click()
    check.audit("Your alerts")
    check("/alerts/acknowledged/", "Acknowledged alerts")
