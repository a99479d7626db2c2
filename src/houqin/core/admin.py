"""Django admin, for the superuser only: users and memberships, and a view of every table."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from simple_history.admin import SimpleHistoryAdmin

from . import models


class MembershipInline(admin.TabularInline):
    model = models.Membership
    extra = 1
    autocomplete_fields = ["school", "district"]


@admin.register(models.User)
class UserAdmin(BaseUserAdmin, SimpleHistoryAdmin):
    list_display = ["username", "display_name", "phone", "is_active", "is_superuser"]
    search_fields = ["username", "display_name", "phone"]
    fieldsets = [*BaseUserAdmin.fieldsets, ("后勤", {"fields": ["display_name", "phone"]})]
    inlines = [MembershipInline]


@admin.register(models.District)
class DistrictAdmin(SimpleHistoryAdmin):
    list_display = ["code", "name"]
    search_fields = ["code", "name"]


@admin.register(models.School)
class SchoolAdmin(SimpleHistoryAdmin):
    list_display = ["code", "name", "district", "pupils", "principal_threshold", "district_threshold"]
    list_filter = ["district"]
    search_fields = ["code", "name"]


@admin.register(models.Membership)
class MembershipAdmin(SimpleHistoryAdmin):
    list_display = ["user", "role", "school", "district"]
    list_filter = ["role", "school__district", "school"]
    search_fields = ["user__username", "user__display_name"]
    autocomplete_fields = ["user", "school", "district"]


class SchoolOwnedAdmin(SimpleHistoryAdmin):
    list_filter = ["school"]
    list_select_related = ["school"]


for model, fields in [
    (models.Campus, ["name", "school"]),
    (models.Building, ["name", "campus", "school"]),
    (models.Room, ["name", "building", "kind", "school"]),
    (models.SchoolClass, ["__str__", "head_teacher", "school"]),
    (models.Person, ["name", "position", "employment", "school"]),
    (models.Certificate, ["person", "kind", "number", "expires_on", "school"]),
    (models.ApprovalRequest, ["title", "status", "amount", "school", "created_at"]),
    (models.Attachment, ["original_name", "kind", "size", "school", "created_at"]),
]:
    admin.site.register(model, type(f"{model.__name__}Admin", (SchoolOwnedAdmin,), {"list_display": fields}))


@admin.register(models.SignOff)
class SignOffAdmin(admin.ModelAdmin):
    """Read-only: signatures are append-only."""

    list_display = ["approval", "step_label", "user", "role", "decision", "signed_at"]

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
