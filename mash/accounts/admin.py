"""System administration of staff accounts, agencies and teams (for `is_staff` users only)."""

from typing import Any

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin
from django.db.models import QuerySet
from django.http import HttpRequest

from mash.accounts import security
from mash.accounts.models import Agency, Membership, Team, User


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    fields = ("agency", "team", "role", "starts_at", "ends_at")


@admin.register(User)
class StaffUserAdmin(UserAdmin):
    inlines = (MembershipInline,)
    list_display = (
        "username",
        "first_name",
        "last_name",
        "is_active",
        "locked",
        "mfa",
        "last_login",
    )
    actions = ("unlock_accounts", "reset_mfa")

    @admin.display(description="Locked", boolean=True)
    def locked(self, user: User) -> bool:
        row = getattr(user, "security", None)
        return bool(row and row.is_locked())

    @admin.display(description="Authenticator app", boolean=True)
    def mfa(self, user: User) -> bool:
        row = getattr(user, "security", None)
        return bool(row and row.mfa_enrolled)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        return super().get_queryset(request).select_related("security")

    @admin.action(description="Unlock the selected accounts", permissions=["change"])
    def unlock_accounts(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        for user in queryset:
            security.unlock(user, by=request.user)  # type: ignore[arg-type]
        self.message_user(request, f"Unlocked {len(queryset)} account(s).", messages.SUCCESS)

    @admin.action(
        description="Reset multi-factor authentication (lost phone)", permissions=["change"]
    )
    def reset_mfa(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        for user in queryset:
            security.reset_mfa(user, by=request.user)  # type: ignore[arg-type]
        self.message_user(
            request,
            f"Reset multi-factor authentication for {len(queryset)} account(s): each sets up "
            "an authenticator app again at their next sign-in.",
            messages.SUCCESS,
        )


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "co_located", "is_childrens_social_care")
    readonly_fields = ("code",)


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "kind")
