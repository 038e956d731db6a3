"""System administration of staff accounts, agencies and teams (for `is_staff` users only)."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from mash.accounts.models import Agency, Membership, Team, User


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    fields = ("agency", "team", "role", "starts_at", "ends_at")


@admin.register(User)
class StaffUserAdmin(UserAdmin):
    inlines = (MembershipInline,)
    list_display = ("username", "first_name", "last_name", "is_active", "last_login")


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "co_located", "is_childrens_social_care")
    readonly_fields = ("code",)


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "kind")
