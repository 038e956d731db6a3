from django.apps import AppConfig


class LettersConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "mash.letters"
    label = "letters"
    verbose_name = "Outcome letters"

    def ready(self) -> None:
        from mash.letters import kinds

        kinds.register_kinds()
