"""就餐人数与食堂账: the diner counts per meal, the entries of the canteen's books, and the
month's accounts (收支平衡, the 营养改善补助 fund) as a 公示 page and its printout."""

import datetime

from django.shortcuts import render
from django.urls import path
from django.utils import timezone
from django.views import View

from houqin.core.params import date_param
from houqin.core.views.generic import ObjectDetailView, ObjectEditView, ObjectListView, SchoolScopedMixin, crud_urls

from .. import filtersets, forms, services
from ..models import CanteenEntry, DinerCount


class DinerCountListView(ObjectListView):
    model = DinerCount
    filterset_class = filtersets.DinerCountFilterSet
    columns = ("date", "meal", "students", "entitled_students", "staff")


class DinerCountDetailView(ObjectDetailView):
    model = DinerCount


class DinerCountEditView(ObjectEditView):
    model = DinerCount
    form_class = forms.DinerCountForm
    service = services.record_diners


class EntryListView(ObjectListView):
    model = CanteenEntry
    filterset_class = filtersets.CanteenEntryFilterSet
    columns = ("date", "kind", "fund", "amount", "note", "recorded_by")
    select_related = ("recorded_by",)


class EntryDetailView(ObjectDetailView):
    model = CanteenEntry
    select_related = ("recorded_by",)


class EntryEditView(ObjectEditView):
    model = CanteenEntry
    form_class = forms.CanteenEntryForm
    service = services.record_entry


class AccountsView(SchoolScopedMixin, View):
    """食堂收支公示: the month's income, spending and balance, open to everyone in the school."""

    model = CanteenEntry
    action = "notice"
    template_name = "canteen/accounts.html"

    def get(self, request):
        month = date_param(request.GET, "month", timezone.localdate()).replace(day=1)
        accounts = services.month_accounts(request.school, month)
        previous = (month - datetime.timedelta(days=1)).replace(day=1)
        return render(request, self.template_name, {
            "a": accounts, "month": month, "previous": previous,
            "next": (month + datetime.timedelta(days=32)).replace(day=1)})


class AccountsPrintView(AccountsView):
    template_name = "canteen/accounts_print.html"


urlpatterns = [
    *crud_urls(DinerCount, list_view=DinerCountListView, detail_view=DinerCountDetailView,
               edit_view=DinerCountEditView, prefix="diners"),
    *crud_urls(CanteenEntry, list_view=EntryListView, detail_view=EntryDetailView, edit_view=EntryEditView,
               prefix="entries"),
    path("accounts/", AccountsView.as_view(), name="accounts"),
    path("accounts/print/", AccountsPrintView.as_view(), name="accounts_print"),
]
