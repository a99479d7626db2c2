"""Django admin, for the superuser: the school's repair times (the rest is on the pages)."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import MaintenanceSettings


@admin.register(MaintenanceSettings)
class MaintenanceSettingsAdmin(SimpleHistoryAdmin):
    list_display = ["school"]
    list_select_related = ["school"]
