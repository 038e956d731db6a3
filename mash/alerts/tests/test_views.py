"""The alerts pages, acknowledging, and the count in the header (issue 7)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from conftest import child, contact_details
from mash.alerts import services as alert_services
from mash.alerts import sweep
from mash.alerts.models import Alert
from mash.alerts.tests.conftest import MONDAY_9AM
from mash.audit.models import AuditEvent
from mash.contacts import services
from mash.core.errors import InvalidInput

pytestmark = pytest.mark.django_db


@pytest.fixture
def team(in_mash, carys, sam, priya, meera, sonia):
    in_mash(carys, sam, priya, meera, sonia)
    return {"carys": carys, "sam": sam, "priya": priya, "meera": meera, "sonia": sonia}


@pytest.fixture
def two_overdue(monday, team):
    """Two contacts Carys recorded, their TS-1 overdue and their TS-4 due soon."""
    made = [
        services.record_contact(
            by=team["carys"], people=[child()], **contact_details(received_at=MONDAY_9AM)
        )
        for _ in range(2)
    ]
    ts1 = made[0].clocks.get(rule_id="TS-1")
    sweep.sweep(now=ts1.due_at + timedelta(minutes=5))
    ts4 = made[0].clocks.get(rule_id="TS-4")
    sweep.sweep(now=ts4.due_at - timedelta(minutes=30))
    monday.move_to(ts4.due_at - timedelta(minutes=29))
    return made


def _mine(user):
    return list(Alert.objects.filter(recipient=user).open())


def test_your_alerts_overdue_first_with_time_overdue_and_why(client, team, two_overdue):
    client.force_login(team["carys"])
    page = client.get("/alerts/").content.decode()
    assert page.index("Overdue") < page.index("Due soon")
    assert "Decision on the type of response (TS-1)" in page
    assert "overdue</span>" in page and "left</span>" in page  # how long overdue / left
    assert "You were the last person to move this contact on." in page
    for contact in two_overdue:
        assert contact.reference in page


def test_the_header_counts_your_open_alerts(client, team, two_overdue):
    client.force_login(team["carys"])
    count = len(_mine(team["carys"]))
    assert count == 4  # TS-1 overdue and TS-4 due soon, on each contact
    page = client.get("/contacts/").content.decode()
    assert 'id="mash-alert-count"' in page
    assert f'{count}<span class="govuk-visually-hidden"> open</span>' in page


def test_one_alert_is_acknowledged_without_a_reason(client, team, two_overdue):
    client.force_login(team["carys"])
    alert = _mine(team["carys"])[0]
    response = client.post("/alerts/", {"alerts": [str(alert.pk)], "reason": ""})
    assert response.status_code == 302
    alert.refresh_from_db()
    assert alert.acknowledged_by == team["carys"] and alert.acknowledged_at is not None
    assert alert.acknowledgement_reason == ""
    assert AuditEvent.objects.filter(
        action="alert.acknowledged", contact_id=alert.contact_id
    ).exists()
    done = client.get("/alerts/acknowledged/").content.decode()
    assert alert.contact.reference in done and "Carys Tester" in done and "No reason given" in done


def test_acknowledging_several_needs_a_reason_and_keeps_the_ticks(client, team, two_overdue):
    client.force_login(team["carys"])
    chosen = [str(a.pk) for a in _mine(team["carys"])[:2]]
    response = client.post("/alerts/", {"alerts": chosen, "reason": "  "})
    assert response.status_code == 400
    page = response.content.decode()
    assert "There is a problem" in page
    assert "a reason is needed when you acknowledge more than one" in page
    for pk in chosen:
        assert f'value="{pk}" checked' in page
    assert not Alert.objects.filter(acknowledged_at__isnull=False).exists()
    ok = client.post("/alerts/", {"alerts": chosen, "reason": "Chased every agency at 10am."})
    assert ok.status_code == 302
    assert (
        Alert.objects.filter(
            acknowledged_by=team["carys"], acknowledgement_reason="Chased every agency at 10am."
        ).count()
        == 2
    )


def test_nothing_ticked_is_explained(client, team, two_overdue):
    client.force_login(team["carys"])
    response = client.post("/alerts/", {"reason": "r"})
    assert response.status_code == 400
    assert "Select the alerts you want to acknowledge" in response.content.decode()


def test_the_service_refuses_a_bulk_acknowledgement_without_a_reason(team, two_overdue):
    ids = [a.pk for a in _mine(team["carys"])[:2]]
    with pytest.raises(InvalidInput):
        alert_services.acknowledge(ids, by=team["carys"], reason="")
    assert len(alert_services.acknowledge(ids, by=team["carys"], reason="Dealt with")) == 2


def test_someone_else_s_alert_cannot_be_acknowledged(client, team, two_overdue):
    client.force_login(team["sam"])
    theirs = _mine(team["carys"])[0]
    response = client.post("/alerts/", {"alerts": [str(theirs.pk)]})
    assert response.status_code == 400  # not one of Sam's choices
    theirs.refresh_from_db()
    assert theirs.acknowledged_at is None


def test_managers_see_their_teams_alerts_and_who_acknowledged(client, team, two_overdue):
    alert = _mine(team["carys"])[0]
    alert_services.acknowledge([alert.pk], by=team["carys"], reason="Phoned the school")
    for manager in ("meera", "sonia"):
        client.force_login(team[manager])
        page = client.get("/alerts/team/").content.decode()
        assert "Carys Tester" in page
        assert "by Carys Tester: Phoned the school" in page
    client.force_login(team["sam"])
    assert client.get("/alerts/team/").status_code == 403


def test_listing_alerts_is_audited_with_the_contacts_listed(client, team, two_overdue):
    client.force_login(team["carys"])
    client.get("/alerts/")
    event = AuditEvent.objects.filter(action="alerts.viewed").latest("sequence")
    assert event.actor == team["carys"]
    assert sorted(event.data["contacts"]) == sorted(c.reference for c in two_overdue)
