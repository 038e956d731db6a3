"""Two sweeps at the same moment (Celery may run the job twice): each alert and the TS-4
chase exist once, and neither sweep fails (issue 7)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection

from conftest import child, contact_details
from mash.alerts import sweep
from mash.alerts.models import Alert
from mash.contacts import services
from mash.contacts.models import WrittenConfirmationChase
from mash.contacts.tests.test_concurrency import _race
from mash.notifications.models import Notification


@pytest.mark.django_db(transaction=True)
def test_two_sweeps_at_once_raise_each_alert_once(profile, in_mash, carys, sam, priya, meera):
    if connection.vendor == "sqlite":
        pytest.skip("concurrent writers need PostgreSQL (in-memory SQLite is one connection)")
    in_mash(carys, sam, priya, meera)
    made = [
        services.record_contact(
            by=carys,
            people=[child()],
            **contact_details(referrer_email="ms.teacher@school.example.org"),
        )
        for _ in range(3)
    ]
    # After both TS-1 and TS-4 are due, whatever day the test runs (on a Friday evening the
    # decision, a working day, is due after the 48 elapsed hours of written confirmation).
    at = max(made[0].clocks.get(rule_id=rule).due_at for rule in ("TS-1", "TS-4"))
    at += timedelta(minutes=1)
    results = _race(lambda: sweep.sweep(now=at), lambda: sweep.sweep(now=at))
    assert all(isinstance(r, sweep.SweepResult) for r in results), results
    from mash.contacts.models import Clock

    overdue = Clock.objects.filter(due_at__lte=at, met_at__isnull=True).count()
    assert overdue >= 6  # TS-1 and TS-4 at least, on each contact
    assert Alert.objects.count() == overdue * 3  # Carys, Priya and Meera, once each
    assert sum(r.raised for r in results) == Alert.objects.count()
    assert WrittenConfirmationChase.objects.count() == 3
    assert Notification.objects.filter(kind="written_confirmation_chase").count() == 3
