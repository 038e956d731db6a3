from typing import Any

from django.apps import AppConfig
from django.core import checks


class NotificationsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "mash.notifications"
    label = "notifications"
    verbose_name = "Notifications (outbox)"

    def ready(self) -> None:
        checks.register(check_delivery_in_production, checks.Tags.security, deploy=True)


def check_delivery_in_production(**_: Any) -> list[checks.CheckMessage]:
    """In production letters and emails must leave the building, and something must run the
    background work: either is a silent failure of IN-8, OU-4 and the deadline alerts."""
    from django.conf import settings

    if not settings.IS_PRODUCTION:
        return []
    found: list[checks.CheckMessage] = []
    if settings.MASH_NOTIFY_ADAPTER != "notify":
        found.append(  # an error: acknowledgements would meet TS-5 with nobody told
            checks.Error(
                f"MASH_NOTIFY_ADAPTER is {settings.MASH_NOTIFY_ADAPTER!r} in production: "
                "acknowledgements, letters and alerts would be recorded as sent but nobody gets "
                "them. Use 'notify' (GOV.UK Notify).",
                id="notifications.E001",
            )
        )
    elif not settings.MASH_NOTIFY_EMAIL_TEMPLATE_ID:
        found.append(
            checks.Warning(
                "MASH_NOTIFY_EMAIL_TEMPLATE_ID is not set: emails without a template of their "
                "own in MASH_NOTIFY_TEMPLATE_IDS will fail. Create a Notify email template "
                "with subject ((subject)) and body ((body)) and give its id.",
                id="notifications.W002",
            )
        )
    if not settings.MASH_BROKER_URL:
        found.append(
            checks.Warning(
                "MASH_BROKER_URL is not set in production: run `manage.py background` on one "
                "machine, or set a Redis URL and run Celery (`celery -A config worker -B`).",
                id="notifications.W003",
            )
        )
    return found
