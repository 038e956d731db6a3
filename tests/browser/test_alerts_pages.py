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


def test_written_confirmation_upload_error_and_the_contact_page(
    check, browser_page: Page, live_server, sign_in, carys, sam, tmp_path
) -> None:
    """IN-7: a file that is not what its name says is explained; the contact page then lists
    the chase and the confirmation."""
    contact = scenarios.household_contact(
        carys,
        received_at=timezone.now() - timedelta(hours=49),
        referrer_email="ms.teacher@school.example.org",
    )
    sweep.sweep()  # TS-4 is overdue: the referrer is chased
    fake = tmp_path / "marf.pdf"
    fake.write_bytes(b"MZ this is not a PDF")
    sign_in(browser_page, live_server, sam)
    page = check(
        f"/contacts/{contact.pk}/written-confirmation/",
        "Record the referrer's written confirmation",
    )
    page.get_by_label("Secure email").check()
    page.get_by_label("Upload the written confirmation").set_input_files(str(fake))
    page.get_by_role("button", name="Record written confirmation").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("is not a real PDF")
    check.audit("Record the referrer's written confirmation")
    real = tmp_path / "letter.pdf"
    real.write_bytes(b"%PDF-1.4\n%%EOF\n")
    page.get_by_label("Upload the written confirmation").set_input_files(str(real))
    page.get_by_role("button", name="Record written confirmation").click()
    expect(
        page.get_by_text("Written confirmation was late: referrer chased by email")
    ).to_be_visible()
    expect(page.get_by_role("link", name="Download letter.pdf")).to_be_visible()
    check.audit(f"Contact {contact.reference}")
