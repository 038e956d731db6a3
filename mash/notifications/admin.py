"""Read-only admin views of the outbox and the log adapter's deliveries (for operations)."""

from typing import Any

from django.contrib import admin

from mash.notifications.models import Delivery, Notification


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request: Any) -> bool:
        return False

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return False


@admin.register(Notification)
class NotificationAdmin(ReadOnly):
    list_display = ["created_at", "kind", "channel", "status", "attempts", "sent_at"]
    list_filter = ["status", "kind", "channel"]


@admin.register(Delivery)
class DeliveryAdmin(ReadOnly):
    list_display = ["delivered_at", "template", "channel", "reference"]
