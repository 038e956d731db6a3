"""The append-only audit trail: every state change and every view of a child's record."""

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone


class AuditEvent(models.Model):
    """One action taken, or one record viewed. Never updated or deleted (database trigger too).

    `contact_id`/`person_id` are plain UUIDs, not foreign keys, so the trail outlives the rows.
    """

    at = models.DateTimeField(default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )  # None = a system job or a member of the public
    actor_name = models.CharField(max_length=200)
    agency = models.ForeignKey(
        "accounts.Agency", null=True, on_delete=models.PROTECT, related_name="+"
    )
    action = models.CharField(max_length=64)
    contact_id = models.UUIDField(null=True, db_index=True)
    person_id = models.UUIDField(null=True, db_index=True)
    subject_type = models.CharField(max_length=64, blank=True)
    subject_id = models.CharField(max_length=64, blank=True)
    rule_ids = models.JSONField(default=list)
    data = models.JSONField(default=dict, encoder=DjangoJSONEncoder)
    request_id = models.UUIDField(null=True)

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["actor", "at"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_name} {self.action}"
