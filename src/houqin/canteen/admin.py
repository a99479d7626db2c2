"""Django admin, for the superuser: the school's canteen rules (the records are on the pages).
# core-gap: core has no page to edit an app's SchoolSettings; like maintenance, they are
# changed here until it does."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import CanteenSettings


@admin.register(CanteenSettings)
class CanteenSettingsAdmin(SimpleHistoryAdmin):
    list_display = ["school"]
    list_select_related = ["school"]
