from django.apps import AppConfig


class DataProtectionConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "mash.dataprotection"
    label = "dataprotection"
    verbose_name = "Data protection"
