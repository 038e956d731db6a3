from typing import Any

from django.apps import AppConfig
from django.core import checks


class AccountsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "mash.accounts"
    label = "accounts"
    verbose_name = "Accounts, agencies and teams"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        user_logged_in.connect(note_sign_in, dispatch_uid="mash.accounts.note_sign_in")
        checks.register(check_oidc_group_roles)
        checks.register(check_mfa_in_production, checks.Tags.security, deploy=True)


def check_oidc_group_roles(**_: Any) -> list[checks.CheckMessage]:
    """A typo in OIDC_GROUP_ROLES stops start-up instead of silently granting nothing."""
    from django.conf import settings

    from mash.accounts.oidc import parse_group_roles

    try:
        parse_group_roles(getattr(settings, "OIDC_GROUP_ROLES", ""))
    except ValueError as error:
        return [checks.Error(str(error), id="accounts.E001")]
    return []


def check_mfa_in_production(**_: Any) -> list[checks.CheckMessage]:
    """Production without MFA is allowed (e.g. only single sign-on), but never unnoticed."""
    from django.conf import settings

    if settings.IS_PRODUCTION and not settings.MASH_MFA_REQUIRED:
        return [
            checks.Warning(
                "MASH_MFA_REQUIRED is off in production: staff can sign in with a password "
                "alone. Turn it on unless every user signs in through single sign-on.",
                id="accounts.W001",
            )
        ]
    return []


def note_sign_in(sender: Any, request: Any, user: Any, **_: Any) -> None:
    """Start the idle clock, and note whether the user has an authenticator app, so pages
    need neither a session write nor a query for them (mash.accounts.middleware)."""
    import time

    from mash.accounts import security
    from mash.accounts.middleware import LAST_SEEN, NO_APP

    if request is None or not hasattr(request, "session"):
        return
    request.session[LAST_SEEN] = time.time()
    request.session[NO_APP] = not security.mfa_enrolled(user)
