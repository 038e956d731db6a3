"""System administration of staff accounts, agencies and teams.

A user with the System administrator role (ADR 0012) manages these and the partner API
clients here, and nothing else: no model holding a child's record is registered, and the
audit trail stays with `is_staff` users given its permission (the auditor's pages are in the
product). `is_staff` users keep Django's per-model permissions.
"""

from typing import Any

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin
from django.db.models import QuerySet
from django.http import HttpRequest

from mash.accounts import security
from mash.accounts.models import Agency, Membership, Team, User
from mash.audit import services as audit


def is_system_administrator(request: HttpRequest) -> bool:
    """Signed in and holding the System administrator role now (or a superuser)."""
    user: Any = request.user
    if not (user.is_authenticated and user.is_active):
        return False
    return bool(user.is_superuser or user.is_system_administrator())


_default_has_permission = admin.site.has_permission


def _site_permission(request: HttpRequest) -> bool:
    return is_system_administrator(request) or _default_has_permission(request)


admin.site.has_permission = _site_permission  # type: ignore[method-assign]


class SystemAdministration(admin.ModelAdmin):
    """The System administrator role may view, add, change and delete these records."""

    def has_module_permission(self, request: HttpRequest) -> bool:
        return is_system_administrator(request) or super().has_module_permission(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return is_system_administrator(request) or super().has_view_permission(request, obj)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return is_system_administrator(request) or super().has_add_permission(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return is_system_administrator(request) or super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return is_system_administrator(request) or super().has_delete_permission(request, obj)


class MembershipInline(admin.TabularInline):
    """A user's roles. A system administrator may not change their own: they would grant
    themselves a role that reads children's records (ADR 0012)."""

    model = Membership
    extra = 0
    fields = ("agency", "team", "role", "starts_at", "ends_at")

    def _may_edit(self, request: HttpRequest, obj: Any) -> bool:
        user: Any = request.user
        if obj is not None and obj.pk == user.pk and not user.is_superuser:
            return False
        return is_system_administrator(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return is_system_administrator(request) or super().has_view_permission(request, obj)

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._may_edit(request, obj) or super().has_add_permission(request, obj)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._may_edit(request, obj) or super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._may_edit(request, obj) or super().has_delete_permission(request, obj)


@admin.register(User)
class StaffUserAdmin(SystemAdministration, UserAdmin):
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

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        """Every role granted, changed or removed is in the audit trail (ADR 0012)."""
        super().save_formset(request, form, formset, change)
        if formset.model is not Membership:
            return
        changed = [("granted", m) for m in formset.new_objects]
        changed += [("changed", m) for m, _ in formset.changed_objects]
        changed += [("removed", m) for m in formset.deleted_objects]
        for what, membership in changed:
            audit.record(
                actor=request.user,
                action="account.role_changed",
                subject=membership,
                rule_ids=["CO-4"],
                data={
                    "change": what,
                    "user": membership.user.username,
                    "role": membership.role,
                    "agency": membership.agency.code,
                    "team": membership.team.code if membership.team else "",
                },
            )

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        """Only a superuser grants superuser, staff or Django permissions (ADR 0012)."""
        fields = super().get_readonly_fields(request, obj)
        if request.user.is_superuser:  # type: ignore[union-attr]
            return fields
        return (*fields, "is_superuser", "is_staff", "groups", "user_permissions")


@admin.register(Agency)
class AgencyAdmin(SystemAdministration):
    list_display = ("name", "code", "co_located", "is_childrens_social_care")
    readonly_fields = ("code",)


@admin.register(Team)
class TeamAdmin(SystemAdministration):
    list_display = ("name", "code", "kind")
