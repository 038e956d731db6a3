"""Backfill the share register (CO-4) from what was shared before it existed: each request for
checks, and each case in an issued MASH meeting record, with the request's legal basis.
Exports before the register are not backfilled: their audit events (sharing.exported,
api.exported) already say who took what. Reversing removes only the backfilled rows."""

from django.db import migrations

BACKFILLED = "Backfilled from the record (migration 0002)"


def backfill(apps, schema_editor):
    InformationRequest = apps.get_model("sharing", "InformationRequest")
    MeetingCase = apps.get_model("meetings", "MeetingCase")
    DisclosureRecord = apps.get_model("dataprotection", "DisclosureRecord")
    rows = []
    for request in InformationRequest.objects.select_related("requested_by").iterator():
        user = request.requested_by
        rows.append(
            DisclosureRecord(
                kind="INFORMATION_REQUEST",
                object_type="InformationRequest",
                object_id=str(request.pk),
                contact_id=request.contact_id,
                agency_id=request.agency_id,
                shared_at=request.requested_at,
                shared_by=user,
                shared_by_name=(f"{user.first_name} {user.last_name}".strip() or user.username),
                legal_basis=request.legal_basis,
                sharing_agreement=request.sharing_agreement,
                summary=BACKFILLED,
            )
        )
    cases = MeetingCase.objects.filter(meeting__issued_at__isnull=False).select_related(
        "meeting", "meeting__issued_by"
    )
    for case in cases.iterator():
        asked = InformationRequest.objects.filter(contact_id=case.contact_id).order_by(
            "agency_id", "-requested_at"
        )
        seen = set()
        for request in asked:
            if request.agency_id in seen:
                continue
            seen.add(request.agency_id)
            by = case.meeting.issued_by
            rows.append(
                DisclosureRecord(
                    kind="MEETING_COPY",
                    object_type="MeetingCase",
                    object_id=str(case.pk),
                    contact_id=case.contact_id,
                    agency_id=request.agency_id,
                    shared_at=case.meeting.issued_at,
                    shared_by=by,
                    shared_by_name=(
                        (f"{by.first_name} {by.last_name}".strip() or by.username) if by else ""
                    ),
                    legal_basis=request.legal_basis,
                    sharing_agreement=request.sharing_agreement,
                    summary=BACKFILLED,
                )
            )
    DisclosureRecord.objects.bulk_create(rows, batch_size=500)


def remove_backfill(apps, schema_editor):
    apps.get_model("dataprotection", "DisclosureRecord").objects.filter(
        summary=BACKFILLED
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("dataprotection", "0001_initial"),
        ("sharing", "0001_information_sharing"),
        ("meetings", "0001_meetings"),
    ]

    operations = [migrations.RunPython(backfill, remove_backfill)]
