from django.apps import AppConfig
from django.core import checks


class DataProtectionConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "mash.dataprotection"
    label = "dataprotection"
    verbose_name = "Data protection"

    def ready(self) -> None:
        """Register the check that the retention rules are valid (dataprotection.E001)."""
        from mash.dataprotection.checks import check_retention_rules

        checks.register(check_retention_rules, "dataprotection")
