"""Django admin, for the superuser: the school's safety settings (the rest is on the pages)."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import SafetySettings


@admin.register(SafetySettings)
class SafetySettingsAdmin(SimpleHistoryAdmin):
    list_display = ["school"]
    list_select_related = ["school"]
