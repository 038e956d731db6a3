"""The append-only audit trail: every state change and every view of a child's record."""

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone


class AuditEvent(models.Model):
    """One action taken, or one record viewed. Never updated or deleted (database trigger too),
    and chained by hash so that any change made behind the database's back shows (ADR 0010).

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
    # Who, in which role, and why (CO-4): the actor's roles when it happened ("PARTNER_SYSTEM"
    # for a partner's system), and the stated purpose or legal basis of a read where there is one.
    roles = models.JSONField(default=list)
    purpose = models.CharField(max_length=300, blank=True)
    # The tamper-evident chain (ADR 0010): each event's hash covers every field above and the
    # previous event's hash, so an edited, removed, inserted or reordered event breaks it.
    sequence = models.PositiveBigIntegerField(unique=True)
    previous_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["actor", "at"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_name} {self.action}"
