"""Django admin, for the superuser: the school's quote threshold (the rest is on the pages)."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import ProcurementSettings


@admin.register(ProcurementSettings)
class ProcurementSettingsAdmin(SimpleHistoryAdmin):
    list_display = ["school"]
    list_select_related = ["school"]
