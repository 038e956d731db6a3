"""Account lockout after repeated failures, kept in the database (ADR 0011)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.utils import timezone

from mash.accounts.models import AccountSecurity
from mash.accounts.tests.conftest import enrol, errors, now_code, security_row, sign_in
from mash.audit.models import AuditEvent

pytestmark = pytest.mark.django_db

LOCKED = (
    "This account is locked because of too many failed sign-in attempts. Wait 15 minutes and "
    "try again, or ask your system administrator to unlock it."
)


@pytest.fixture(autouse=True)
def _fresh_counters():
    cache.clear()  # the per-address throttle and the unknown-username counts
    yield
    cache.clear()


def test_five_wrong_passwords_lock_the_account_even_with_the_right_one(client, carys, mfa_on):
    for _ in range(4):
        response = sign_in(client, "carys", "wrong-password")
        assert response.status_code == 400
        assert errors(response) == ["Enter a correct username and password."]
    fifth = sign_in(client, "carys", "wrong-password")
    assert fifth.status_code == 429 and errors(fifth) == [LOCKED]
    right = sign_in(client, "carys")
    assert right.status_code == 429 and errors(right) == [LOCKED]
    assert "_auth_user_id" not in client.session and "_mash_sign_in_pending" not in client.session
    row = security_row(carys)
    assert row.failed_attempts == 5 and row.is_locked()
    assert (
        AuditEvent.objects.filter(action="account.sign_in_failed", subject_id=str(carys.pk)).count()
        == 5
    )
    assert AuditEvent.objects.filter(action="account.locked", subject_id=str(carys.pk)).exists()


def test_the_lock_holds_from_another_address_and_runs_out(client, carys, mfa_on):
    for _ in range(5):
        sign_in(client, "carys", "wrong-password")
    elsewhere = client.post(
        "/sign-in/",
        {"username": "carys", "password": "a-long-test-password"},
        REMOTE_ADDR="10.9.9.9",
    )
    assert elsewhere.status_code == 429  # in the database, not per address
    AccountSecurity.objects.filter(user=carys).update(
        locked_until=timezone.now() - timedelta(seconds=1)
    )
    assert sign_in(client, "carys")["Location"] == "/sign-in/set-up/"
    assert AuditEvent.objects.filter(action="account.unlocked", data__how="expired").exists()


def test_unknown_usernames_get_the_same_message_after_as_many_failures(client, mfa_on):
    for _ in range(4):
        assert errors(sign_in(client, "nobody-here", "wrong-password")) == [
            "Enter a correct username and password."
        ]
    fifth = sign_in(client, "nobody-here", "wrong-password")
    assert fifth.status_code == 429 and errors(fifth) == [LOCKED]
    failed = AuditEvent.objects.filter(
        action="account.sign_in_failed", actor_name="Unknown username"
    )
    assert failed.count() == 5
    assert all("nobody-here" not in str(event.data) for event in failed)  # typed name not stored


def test_a_successful_sign_in_resets_the_count(client, carys):
    for _ in range(4):
        sign_in(client, "carys", "wrong-password")
    assert sign_in(client, "carys").status_code == 302
    assert security_row(carys).failed_attempts == 0
    client.post("/sign-out/")
    for _ in range(4):
        assert sign_in(client, "carys", "wrong-password").status_code == 400
    assert not security_row(carys).is_locked()


def test_wrong_codes_count_towards_the_lock(client, carys, mfa_on):
    enrol(carys)
    sign_in(client, "carys", "wrong-password")
    sign_in(client, "carys", "wrong-password")
    sign_in(client, "carys")
    for _ in range(2):
        assert client.post("/sign-in/code/", {"code": "000000"}).status_code == 400
    locked = client.post("/sign-in/code/", {"code": "000001"})
    assert locked.status_code == 429 and errors(locked) == [LOCKED]
    assert "_mash_sign_in_pending" not in client.session
    assert (
        AuditEvent.objects.filter(action="account.mfa_failed", subject_id=str(carys.pk)).count()
        == 3
    )


def test_locked_until_an_administrator_unlocks_when_no_period_is_set(
    client, carys, mfa_on, django_user_model
):
    mfa_on.ACCOUNT_LOCKOUT_MINUTES = 0
    for _ in range(5):
        response = sign_in(client, "carys", "wrong-password")
    assert errors(response) == [
        "This account is locked because of too many failed sign-in attempts. Ask your system "
        "administrator to unlock it."
    ]
    assert security_row(carys).locked_until is None and security_row(carys).is_locked()
    admin = django_user_model.objects.create_superuser("sysadmin", password="another-long-password")
    secret, _ = enrol(admin)
    sign_in(client, "sysadmin", "another-long-password")
    client.post("/sign-in/code/", {"code": now_code(secret)})
    response = client.post(
        "/system-admin/accounts/user/",
        {"action": "unlock_accounts", "_selected_action": [carys.pk]},
    )
    assert response.status_code == 302
    assert not security_row(carys).is_locked() and security_row(carys).failed_attempts == 0
    assert AuditEvent.objects.filter(
        action="account.unlocked", actor=admin, data__how="administrator"
    ).exists()
    client.post("/sign-out/")
    assert sign_in(client, "carys")["Location"] == "/sign-in/set-up/"


def test_the_admin_sign_in_page_sends_people_to_ours(client):
    response = client.get("/system-admin/login/?next=/system-admin/accounts/user/")
    assert response["Location"] == "/sign-in/?next=%2Fsystem-admin%2Faccounts%2Fuser%2F"
    assert client.get("/system-admin/")["Location"].startswith("/system-admin/login/")
