"""Django admin, for the superuser: the school's finance rule (the budget, the journal and the
closes are written through the services, and the journal refuses any change anyway).
# core-gap: core has no page to edit an app's SchoolSettings; like canteen, they are changed
# here until it does."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import FinanceSettings


@admin.register(FinanceSettings)
class FinanceSettingsAdmin(SimpleHistoryAdmin):
    list_display = ["school", "over_budget_needs_principal"]
    list_select_related = ["school"]
