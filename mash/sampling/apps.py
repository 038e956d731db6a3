from django.apps import AppConfig


class SamplingConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "mash.sampling"
    label = "sampling"
    verbose_name = "Dip sampling"
