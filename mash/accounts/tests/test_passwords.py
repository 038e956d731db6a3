"""Password rules per NCSC guidance, through the change-password page (ADR 0011)."""

from __future__ import annotations

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError

from mash.accounts.tests.conftest import PASSWORD, errors
from mash.audit.models import AuditEvent

pytestmark = pytest.mark.django_db


def change(client, new: str, again: str | None = None, old: str = PASSWORD):
    return client.post(
        "/account/password/",
        {
            "old_password": old,
            "new_password1": new,
            "new_password2": new if again is None else again,
        },
    )


@pytest.mark.parametrize(
    ("new", "message"),
    [
        ("short-one", "This password is too short. It must contain at least 12 characters."),
        ("password1234", "This password is too common."),
        ("Safeguarding2026!", "Your password is too easy to guess: do not build it from the name"),
        ("Northamptonshire-MASH-123", "Your password is too easy to guess"),
        ("x" * 129, "Your password must be 128 characters or fewer."),
    ],
)
def test_weak_passwords_are_refused_in_plain_english(client, sam, new, message):
    client.force_login(sam)
    response = change(client, new)
    assert response.status_code == 400
    assert any(found.startswith(message) for found in errors(response)), errors(response)
    assert new not in response.content.decode()  # a typed password is never sent back


def test_long_passphrases_without_symbols_or_numbers_are_welcome(client, sam):
    client.force_login(sam)
    passphrase = "correct horse battery staple " * 2 + "otter"  # 63 characters, no digits
    response = change(client, passphrase)
    assert response.status_code == 302
    sam.refresh_from_db()
    assert sam.check_password(passphrase)
    assert AuditEvent.objects.filter(action="account.password_changed", actor=sam).exists()
    assert client.get("/account/security/").status_code == 200  # still signed in here
    validate_password("a" * 20 + "b" * 108)  # 128 is allowed


def test_the_current_password_and_the_repeat_are_checked(client, sam):
    client.force_login(sam)
    assert errors(change(client, "three random words here", old="not-it")) == [
        "Your current password is not right. Enter it again."
    ]
    assert "The two new passwords are different. Enter the same one twice." in errors(
        change(client, "three random words here", again="three random words there")
    )


def test_service_words_are_refused_only_when_there_is_little_else():
    validate_password("smashing otter lantern")  # contains "mash", but is mostly its own
    with pytest.raises(ValidationError):
        validate_password("MASH-safeguarding-2026")


def test_the_page_needs_a_signed_in_user(client):
    assert client.get("/account/password/")["Location"].startswith("/sign-in/")
