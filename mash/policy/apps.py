from django.apps import AppConfig
from django.core import checks


class PolicyConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "mash.policy"
    label = "policy"

    def ready(self) -> None:
        """Register the check that stops the service without a valid profile (policy.E001/E002)."""
        from mash.policy.checks import check_active_profile

        checks.register(check_active_profile, "policy")
