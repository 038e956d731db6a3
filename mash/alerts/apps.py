from django.apps import AppConfig


class AlertsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "mash.alerts"
    label = "alerts"
    verbose_name = "Deadline alerts"

    def ready(self) -> None:
        """Check the lead-time settings (a bad value stops start-up) and register the
        notification kinds this app sends."""
        from mash.alerts import kinds, lead

        lead.lead_times()  # raises ImproperlyConfigured, naming the setting
        kinds.register_all()
