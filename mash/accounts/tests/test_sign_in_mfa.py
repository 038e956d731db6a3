"""Signing in with a code from an authenticator app (ADR 0011), MFA required as in production."""

from __future__ import annotations

import re

import pytest
from bs4 import BeautifulSoup

from mash.accounts import mfa, security
from mash.accounts.models import AccountSecurity, RecoveryCode
from mash.accounts.tests.conftest import enrol, errors, now_code, security_row, sign_in
from mash.accounts.views import ENROL_KEY as ENROL_KEY_NAME
from mash.audit.models import AuditEvent

pytestmark = pytest.mark.django_db


def signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def test_first_sign_in_sets_up_the_app_before_any_page(client, sam, mfa_on):
    response = sign_in(client, "sam", next="/people/")
    assert response.status_code == 302 and response["Location"] == "/sign-in/set-up/"
    assert not signed_in(client)
    assert client.get("/contacts/").status_code == 302  # nothing else is usable yet
    page = client.get("/sign-in/set-up/")
    html = page.content.decode()
    assert page.status_code == 200 and "<svg" in html
    shown = BeautifulSoup(html, "html.parser").select_one("#secret-key").get_text()
    secret = shown.replace(" ", "")
    assert re.fullmatch(r"[A-Z2-7]{32}", secret)

    wrong = client.post("/sign-in/set-up/", {"code": "000000"})
    assert wrong.status_code == 400 and not signed_in(client)
    assert "The code is not right, or it has been used already" in errors(wrong)[0]

    done = client.post("/sign-in/set-up/", {"code": now_code(secret)})
    assert done.status_code == 200 and signed_in(client)
    codes = [
        c.get_text()
        for c in BeautifulSoup(done.content, "html.parser").select(".app-recovery-codes code")
    ]
    assert len(codes) == 10
    assert 'href="/people/"' in done.content.decode()  # then on to where they were going
    row = security_row(sam)
    assert row.mfa_enrolled and secret not in row.totp_secret  # stored encrypted
    assert RecoveryCode.objects.filter(user=sam).count() == 10
    assert not RecoveryCode.objects.filter(code_hash__in=codes).exists()  # hashed
    actions = list(AuditEvent.objects.filter(actor=sam).values_list("action", flat=True))
    assert "account.mfa_enrolled" in actions and "account.signed_in" in actions
    assert client.get("/account/security/").status_code == 200
    assert secret not in client.get("/account/security/").content.decode()  # never shown again


def test_an_enrolled_user_gives_a_code_after_the_password(client, sam, mfa_on):
    secret, _ = enrol(sam)
    response = sign_in(client, "sam")
    assert response["Location"] == "/sign-in/code/" and not signed_in(client)
    wrong = client.post("/sign-in/code/", {"code": "123456"})
    assert wrong.status_code == 400 and not signed_in(client)
    assert AuditEvent.objects.filter(action="account.mfa_failed", subject_id=str(sam.pk)).exists()
    code = now_code(secret)
    ok = client.post("/sign-in/code/", {"code": code})
    assert ok.status_code == 302 and ok["Location"] == "/contacts/" and signed_in(client)
    event = AuditEvent.objects.filter(action="account.signed_in", actor=sam).latest("at")
    assert event.data == {"second_factor": "totp"}

    client.post("/sign-out/")
    sign_in(client, "sam")
    again = client.post("/sign-in/code/", {"code": code})  # the same code, a second time
    assert again.status_code == 400 and not signed_in(client)


def test_a_recovery_code_works_once(client, sam, mfa_on):
    _, codes = enrol(sam)
    sign_in(client, "sam")
    assert client.post("/sign-in/code/", {"code": codes[3].upper()}).status_code == 302
    assert AuditEvent.objects.filter(action="account.recovery_code_used", actor=sam).exists()
    assert security.recovery_codes_left(sam) == 9
    client.post("/sign-out/")
    sign_in(client, "sam")
    assert client.post("/sign-in/code/", {"code": codes[3]}).status_code == 400


def test_the_code_step_needs_the_password_step_first(client, sam, mfa_on):
    enrol(sam)
    assert client.get("/sign-in/code/")["Location"] == "/sign-in/"
    assert client.get("/sign-in/set-up/")["Location"] == "/sign-in/"


def test_a_session_without_its_second_factor_reaches_no_page(client, sam, mfa_on):
    """The admin's own sign-in page, or any other way in, still meets the code step."""
    client.force_login(sam)
    response = client.get("/people/")
    assert response.status_code == 302 and response["Location"] == "/sign-in/set-up/"
    assert not signed_in(client)
    enrol(sam)
    client.force_login(sam)
    assert client.get("/people/")["Location"] == "/sign-in/code/"
    assert client.get("/request-help/").status_code == 200  # public pages stay public


def test_without_the_requirement_the_password_is_enough_until_you_set_up_an_app(client, sam):
    assert sign_in(client, "sam")["Location"] == "/contacts/"
    page = client.get("/account/security/")
    assert page.status_code == 200 and "Set up your authenticator app" in page.content.decode()
    secret = (
        BeautifulSoup(page.content, "html.parser")
        .select_one("#secret-key")
        .get_text()
        .replace(" ", "")
    )
    assert client.post("/account/security/", {"code": now_code(secret)}).status_code == 200
    client.post("/sign-out/")
    assert sign_in(client, "sam")["Location"] == "/sign-in/code/"  # enrolled: asked from now on


def test_a_system_administrator_resets_mfa_for_a_lost_phone(client, sam, mfa_on, django_user_model):
    enrol(sam)
    admin = django_user_model.objects.create_superuser("sysadmin", password="another-long-password")
    client.force_login(admin)
    session = client.session
    session["_mash_mfa_done"] = True  # the administrator gave their own code
    session.save()
    response = client.post(
        "/system-admin/accounts/user/",
        {"action": "reset_mfa", "_selected_action": [sam.pk]},
    )
    assert response.status_code == 302
    assert not AccountSecurity.objects.get(user=sam).mfa_enrolled
    assert not RecoveryCode.objects.filter(user=sam).exists()
    assert AuditEvent.objects.filter(
        action="account.mfa_reset", actor=admin, subject_id=str(sam.pk)
    ).exists()
    client.post("/sign-out/")
    assert sign_in(client, "sam")["Location"] == "/sign-in/set-up/"


def test_the_pending_secret_is_not_stored_in_plain_text(client, sam, mfa_on):
    sign_in(client, "sam")
    page = client.get("/sign-in/set-up/")
    secret = (
        BeautifulSoup(page.content, "html.parser")
        .select_one("#secret-key")
        .get_text()
        .replace(" ", "")
    )
    assert secret not in str(dict(client.session.items()))
    assert mfa.decrypt(client.session[ENROL_KEY_NAME]) == secret
