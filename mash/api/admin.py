"""Partner API clients: switch a client off here; issue tokens with `mash issue_api_token`."""

from django.contrib import admin

from mash.accounts.admin import SystemAdministration
from mash.api.models import PartnerApiClient


@admin.register(PartnerApiClient)
class PartnerApiClientAdmin(SystemAdministration):
    list_display = ("name", "agency", "token_hint", "is_active", "last_used_at")
    fields = ("name", "agency", "referrer_source", "token_hint", "is_active", "last_used_at")
    readonly_fields = ("token_hint", "last_used_at")

    def has_add_permission(self, request: object) -> bool:
        return False  # tokens are issued by the command, which shows the token once
