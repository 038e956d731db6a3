from typing import Any

from django.apps import AppConfig
from django.core import checks


class AccountsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "mash.accounts"
    label = "accounts"
    verbose_name = "Accounts, agencies and teams"

    def ready(self) -> None:
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
