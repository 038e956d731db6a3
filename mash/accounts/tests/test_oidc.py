"""Single sign-on: verified claims to a staff account and its roles (no network)."""

from __future__ import annotations

import pytest
from django.contrib.auth import BACKEND_SESSION_KEY

from mash.accounts import oidc
from mash.accounts.models import AccountSecurity, Membership, Role, User
from mash.audit.models import AuditEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def group_roles(settings, csc, police):
    settings.OIDC_GROUP_ROLES = (
        f"mash-social-workers={csc.code}:MASH_SOCIAL_WORKER; "
        f"mash-managers={csc.code}:PRACTICE_MANAGER; "
        f"police-officers={police.code}:PARTNER_OFFICER"
    )
    settings.OIDC_GROUPS_CLAIM = "groups"
    settings.OIDC_REQUIRE_MFA_CLAIM = True
    return settings


def claims(**extra):
    base = {
        "sub": "entra-oid-1234",
        "email": "Sam@Example.org",
        "email_verified": True,
        "amr": ["pwd", "mfa"],
    }
    return {**base, **extra}


def test_the_mapping_is_parsed_and_typos_stop_start_up():
    mapping = oidc.parse_group_roles("g1=csc:AUDITOR; g2=police:PARTNER_OFFICER:mash")
    assert mapping["g1"] == oidc.Grant("csc", "AUDITOR")
    assert mapping["g2"] == oidc.Grant("police", "PARTNER_OFFICER", "mash")
    with pytest.raises(ValueError, match="use group=agency:ROLE"):
        oidc.parse_group_roles("g1=csc:NOT_A_ROLE")


def test_an_existing_account_is_found_by_verified_email_then_by_subject(sam, group_roles):
    sam.email = "sam@example.org"
    sam.save()
    assert oidc.user_for_claims(claims()) == sam
    assert AccountSecurity.objects.get(user=sam).oidc_subject == "entra-oid-1234"
    sam.email = "changed@example.org"
    sam.save()
    assert oidc.user_for_claims(claims(email="someone@else.example")) == sam  # by `sub` now


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"email": "nobody@example.org"}, "exactly one account"),
        ({"email_verified": False}, "no verified email"),
        ({"email_verified": None}, "no verified email"),  # not said: not verified
        ({"sub": ""}, "no subject"),
        ({"amr": ["pwd"]}, "did not report MFA"),
    ],
)
def test_claims_that_do_not_identify_one_staff_member_are_refused(sam, group_roles, change, reason):
    sam.email = "sam@example.org"
    sam.save()
    with pytest.raises(oidc.ClaimsRefused, match=reason):
        oidc.user_for_claims(claims(**change))
    assert User.objects.count() == 1  # no account is ever made by sign-on


def test_an_email_cannot_move_an_account_to_another_identity(sam, group_roles):
    sam.email = "sam@example.org"
    sam.save()
    assert oidc.user_for_claims(claims()) == sam
    with pytest.raises(oidc.ClaimsRefused, match="already linked"):
        oidc.user_for_claims(claims(sub="someone-else-5678"))


def test_two_accounts_with_one_email_are_refused(sam, carys, group_roles):
    User.objects.filter(pk__in=[sam.pk, carys.pk]).update(email="shared@example.org")
    with pytest.raises(oidc.ClaimsRefused):
        oidc.user_for_claims(claims(email="shared@example.org"))


def test_a_switched_off_account_is_refused(sam, group_roles):
    User.objects.filter(pk=sam.pk).update(email="sam@example.org", is_active=False)
    with pytest.raises(oidc.ClaimsRefused, match="switched off"):
        oidc.user_for_claims(claims())


def test_groups_grant_and_end_only_the_roles_the_mapping_covers(sam, csc, police, group_roles):
    sam.email = "sam@example.org"
    sam.save()
    Membership.objects.create(user=sam, agency=csc, role=Role.AUDITOR)  # set by hand: kept
    user = oidc.user_for_claims(claims(groups=["mash-managers", "unrelated-group"]))
    # sam's fixture membership (MASH social worker) is one the mapping covers: it follows
    # the groups, so it ends; the auditor role was never the mapping's to change.
    assert user.active_roles() == {Role.PRACTICE_MANAGER, Role.AUDITOR}
    user = oidc.user_for_claims(claims(groups=["mash-social-workers", "police-officers"]))
    assert user.active_roles() == {Role.MASH_SOCIAL_WORKER, Role.AUDITOR, Role.PARTNER_OFFICER}
    assert police.pk in user.partner_agency_ids()
    assert Membership.objects.filter(
        user=sam, role=Role.PRACTICE_MANAGER, ends_at__isnull=False
    ).exists()


def test_the_backend_hands_back_the_user_or_audits_the_refusal(sam, group_roles):
    sam.email = "sam@example.org"
    sam.save()
    backend = oidc.MashOIDCBackend.__new__(oidc.MashOIDCBackend)  # no provider settings needed
    assert list(backend.filter_users_by_claims(claims())) == [sam]
    assert list(backend.filter_users_by_claims(claims(amr=[]))) == []
    assert AuditEvent.objects.filter(action="account.sign_in_failed", data__method="oidc").exists()
    assert backend.create_user(claims(email="new@example.org")) is None


def test_a_single_sign_on_session_needs_no_second_code_here(client, sam, settings):
    """MFA is delegated to the identity provider (checked through the `amr` claim)."""
    settings.MASH_MFA_REQUIRED = True
    settings.AUTHENTICATION_BACKENDS = [
        "django.contrib.auth.backends.ModelBackend",
        "mash.accounts.oidc.MashOIDCBackend",
    ]
    for name in ("CLIENT_ID", "CLIENT_SECRET"):
        setattr(settings, f"OIDC_RP_{name}", "test-only")
    for name in ("AUTHORIZATION", "TOKEN", "USER", "JWKS"):
        setattr(settings, f"OIDC_OP_{name}_ENDPOINT", f"https://idp.example.org/{name.lower()}")
    client.force_login(sam, backend="mash.accounts.oidc.MashOIDCBackend")
    assert client.session[BACKEND_SESSION_KEY] == "mash.accounts.oidc.MashOIDCBackend"
    assert client.get("/people/").status_code == 200
    client.force_login(sam)  # a password-only session is sent to set up the app
    assert client.get("/people/")["Location"] == "/sign-in/set-up/"


def test_start_up_with_single_sign_on_configured_and_a_bad_mapping_refused():
    import os
    import subprocess
    import sys
    from pathlib import Path

    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "MASH_", "OIDC_"))}
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "DJANGO_READ_DOT_ENV": "false",
            "DJANGO_SECRET_KEY": "test-only-" + "k" * 40,
            "MASH_ENVIRONMENT": "local",
            "OIDC_RP_CLIENT_ID": "mash",
            "OIDC_RP_CLIENT_SECRET": "test-only",
            "OIDC_OP_AUTHORIZATION_ENDPOINT": "https://idp.example.org/authorize",
            "OIDC_OP_TOKEN_ENDPOINT": "https://idp.example.org/token",
            "OIDC_OP_USER_ENDPOINT": "https://idp.example.org/userinfo",
            "OIDC_OP_JWKS_ENDPOINT": "https://idp.example.org/keys",
            "OIDC_GROUP_ROLES": "g1=csc:MASH_SOCIAL_WORKER",
        }
    )
    repo = Path(__file__).resolve().parents[3]
    script = (
        "import django; django.setup(); from django.urls import reverse; "
        "from django.conf import settings; print(reverse('oidc_authentication_init'), "
        "settings.AUTHENTICATION_BACKENDS[-1])"
    )

    def run(*args: str, **extra: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(  # noqa: S603 - our own interpreter and manage.py
            [sys.executable, *args],
            cwd=repo,
            env={**env, **extra},
            capture_output=True,
            text=True,
            check=False,
            timeout=120,
        )

    ok = run("-c", script)
    assert ok.returncode == 0, ok.stderr
    assert ok.stdout.split() == ["/oidc/authenticate/", "mash.accounts.oidc.MashOIDCBackend"]
    bad = run("manage.py", "check", OIDC_GROUP_ROLES="g1=csc:WIZARD")
    assert bad.returncode != 0 and "accounts.E001" in bad.stderr + bad.stdout


@pytest.fixture
def userinfo_endpoint(settings):
    """A stand-in for the provider's userinfo endpoint on loopback: it answers claims
    without `amr`, as Entra ID and most providers do."""
    import json as _json
    import threading
    from http.server import BaseHTTPRequestHandler, HTTPServer

    class Userinfo(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 - http.server's name
            body = _json.dumps(
                {"sub": "entra-oid-1234", "email": "sam@example.org", "email_verified": True}
            ).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            return

    server = HTTPServer(("127.0.0.1", 0), Userinfo)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    settings.OIDC_OP_USER_ENDPOINT = f"http://127.0.0.1:{server.server_port}/userinfo"
    settings.OIDC_RP_CLIENT_ID, settings.OIDC_RP_CLIENT_SECRET = "mash", "not-a-real-secret"
    settings.OIDC_OP_TOKEN_ENDPOINT = settings.OIDC_OP_AUTHORIZATION_ENDPOINT = "http://x"
    settings.OIDC_OP_JWKS_ENDPOINT = "http://x"
    yield
    server.shutdown()


def test_mfa_is_read_from_the_verified_id_token_not_only_userinfo(
    sam, group_roles, userinfo_endpoint
):
    sam.email = "sam@example.org"
    sam.save()
    backend = oidc.MashOIDCBackend()
    id_token = {"sub": "entra-oid-1234", "amr": ["pwd", "mfa"]}
    assert backend.get_or_create_user("access-token", "id-token", id_token) == sam
    without_mfa = {"sub": "entra-oid-1234", "amr": ["pwd"]}
    assert backend.get_or_create_user("access-token", "id-token", without_mfa) is None
    from django.core.exceptions import SuspiciousOperation

    with pytest.raises(SuspiciousOperation):
        backend.get_or_create_user("access-token", "id-token", {"sub": "other", "amr": ["mfa"]})
