from django.apps import AppConfig


class MatchingConfig(AppConfig):
    name = "mash.matching"
    verbose_name = "Person matching"

    def ready(self) -> None:
        # A person saved by any route (a service, the admin, a data fix) is re-filed under their
        # keys at once: a record missing from the index would be a child nobody can find (SC-4).
        # Bulk loads bypass signals and call `services.index_people` themselves.
        from django.db.models.signals import post_save

        from mash.matching.services import reindex_saved_person
        from mash.people.models import Person

        post_save.connect(reindex_saved_person, sender=Person, dispatch_uid="matching-reindex")
