"""Helpers for the sign-in tests: MFA and lockout switched on, codes from the real TOTP."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup

from mash.accounts import mfa, security
from mash.accounts.models import AccountSecurity

PASSWORD = "a-long-test-password"  # noqa: S105 - the root conftest's personas


@pytest.fixture
def mfa_on(settings):
    """MFA required (as in production) and lockout after 5 failures for 15 minutes."""
    settings.MASH_MFA_REQUIRED = True
    settings.ACCOUNT_LOCKOUT_THRESHOLD = 5
    settings.ACCOUNT_LOCKOUT_MINUTES = 15
    return settings


def enrol(user) -> tuple[str, list[str]]:
    """Set up an authenticator for `user` through the service; returns (secret, codes).

    The confirming code is the previous step's, so the current one is still usable."""
    secret = mfa.new_secret()
    codes = security.enrol(user, secret=secret, code=mfa.code_at(secret, mfa.current_step() - 1))
    assert codes is not None
    return secret, codes


def now_code(secret: str, offset: int = 0) -> str:
    return mfa.code_at(secret, mfa.current_step() + offset)


def errors(response) -> list[str]:
    soup = BeautifulSoup(response.content, "html.parser")
    summary = soup.select_one(".govuk-error-summary")
    return [li.get_text(strip=True) for li in summary.select("li")] if summary else []


def security_row(user) -> AccountSecurity:
    return AccountSecurity.objects.get(user=user)


def sign_in(client, username: str, password: str = PASSWORD, **extra):
    return client.post("/sign-in/", {"username": username, "password": password, **extra})
