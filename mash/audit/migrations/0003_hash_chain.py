"""The hash chain, the acting roles and the purpose of each event (ADR 0010).

The append-only triggers of 0002 are dropped while the existing events are numbered and
sealed, and put back (with TRUNCATE refused too on PostgreSQL) by 0004 in its own transaction.
The hashing here is a frozen copy of mash.audit.chain as it was when this was written.
"""

import hashlib
import json
import uuid
from datetime import UTC, datetime

from django.db import migrations, models

FIELDS = (
    "sequence", "at", "actor_id", "actor_name", "agency_id", "action", "contact_id",
    "person_id", "subject_type", "subject_id", "rule_ids", "data", "request_id", "roles",
    "purpose", "previous_hash",
)
UUIDS = {"agency_id", "contact_id", "person_id", "request_id"}


def _plain(name, value):
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat(timespec="microseconds")
    return str(uuid.UUID(str(value))) if name in UUIDS else value


def _hash(event):
    values = {name: _plain(name, getattr(event, name)) for name in FIELDS}
    text = json.dumps(values, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    return hashlib.sha256(text.encode()).hexdigest()


def drop_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        schema_editor.execute("DROP TRIGGER IF EXISTS audit_event_no_update")
        schema_editor.execute("DROP TRIGGER IF EXISTS audit_event_no_delete")
    elif vendor == "postgresql":
        schema_editor.execute("DROP TRIGGER IF EXISTS audit_event_append_only ON audit_auditevent")


def restore_triggers(apps, schema_editor):
    """Going back to 0002: its triggers again."""
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        for verb in ("UPDATE", "DELETE"):
            schema_editor.execute(
                f"CREATE TRIGGER audit_event_no_{verb.lower()} BEFORE {verb} ON audit_auditevent "
                "BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END;"
            )
    elif vendor == "postgresql":
        schema_editor.execute(
            "CREATE TRIGGER audit_event_append_only BEFORE UPDATE OR DELETE ON audit_auditevent "
            "FOR EACH ROW EXECUTE FUNCTION audit_event_append_only();"
        )


def seal_existing(apps, schema_editor):
    AuditEvent = apps.get_model("audit", "AuditEvent")
    previous = "0" * 64
    for number, event in enumerate(AuditEvent.objects.order_by("at", "id").iterator(), start=1):
        event.sequence, event.previous_hash = number, previous
        event.hash = previous = _hash(event)
        AuditEvent.objects.filter(pk=event.pk).update(
            sequence=event.sequence, previous_hash=event.previous_hash, hash=event.hash
        )


class Migration(migrations.Migration):
    dependencies = [("audit", "0002_append_only")]

    operations = [
        migrations.RunPython(drop_triggers, restore_triggers),
        migrations.AddField(
            model_name="auditevent", name="roles", field=models.JSONField(default=list)
        ),
        migrations.AddField(
            model_name="auditevent",
            name="purpose",
            field=models.CharField(blank=True, max_length=300),
        ),
        migrations.AddField(
            model_name="auditevent",
            name="sequence",
            field=models.PositiveBigIntegerField(null=True),
        ),
        migrations.AddField(
            model_name="auditevent",
            name="previous_hash",
            field=models.CharField(default="", max_length=64),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="auditevent",
            name="hash",
            field=models.CharField(default="", max_length=64),
            preserve_default=False,
        ),
        migrations.RunPython(seal_existing, migrations.RunPython.noop),
    ]
