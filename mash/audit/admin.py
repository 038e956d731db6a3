"""The audit trail, read only: nobody edits or deletes an event (the database refuses too)."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from mash.audit.models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ("sequence", "at", "actor_name", "action", "contact_id", "person_id")
    list_filter = ("action",)
    search_fields = ("actor_name", "contact_id", "person_id")
    date_hierarchy = "at"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
