"""The gate (门卫): the guard's phone page — log a visitor or a vehicle in (or refuse it), the
live list of who is still on campus with a 离校 button each, and a returning visitor or plate
found by its first characters — plus the log's list, detail and correction pages.

The identity number is typed once, reduced to its last four and a digest by the service, and
never shown again: pages show ****1234, the form does not echo it back after an error."""

from django.contrib import messages
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import path, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views import View

from houqin.core.columns import DATETIME, Column
from houqin.core.rules import ADD, can
from houqin.core.views.actions import ObjectActionView
from houqin.core.views.generic import (
    ObjectDetailView,
    ObjectEditView,
    ObjectListView,
    SchoolScopedMixin,
    crud_urls,
)

from .. import filtersets, forms, services
from ..models import GateEntry

ENTRY_RELATED = ("logged_by", "left_logged_by")
# Every column a page, an export or the print shows: the identity number only masked.
COLUMNS = (Column("进校时间", "entered_at", DATETIME), "kind", "name", Column("证件号", "id_masked"), "phone",
           "plate", "people", "reason", "host", "status", Column("离校时间", "left_at", DATETIME),
           Column("拒绝原因", "refusal_reason"), Column("登记人", "logged_by"))
SHOWN_FIELDS = ("kind", "name", "phone", "plate", "people", "reason", "host", "status", "refusal_reason",
                "entered_at", "left_at", "logged_by", "left_logged_by")


class GateEntryListView(ObjectListView):
    model = GateEntry
    filterset_class = filtersets.GateEntryFilterSet
    columns = COLUMNS
    select_related = ENTRY_RELATED


class GateEntryDetailView(ObjectDetailView):
    model = GateEntry
    template_name = "safety/gateentry_detail.html"
    select_related = ENTRY_RELATED
    fields = SHOWN_FIELDS  # never id_digest; the number shows masked above the fields


class GateEntryEditView(ObjectEditView):
    """门卫登记 (new) or a correction (edit). A new entry made from the gate page goes back there."""

    model = GateEntry
    created = "已登记：{obj}"

    form_class, add_form_class = forms.GateEntryEditForm, forms.GateEntryForm

    def create(self, form, *, by):
        entry = form.save(commit=False)
        entry.school = self.request.school
        data = form.cleaned_data
        return services.log_in(entry, by=by, id_number=data.get("id_number", ""),
                               refused_reason=data.get("refused_reason", ""))

    def update(self, form, *, by):
        return services.update_entry(form.save(commit=False), by=by)

    def form_valid(self, form):
        response = super().form_valid(form)
        target = self.request.POST.get("next", "")
        if response.status_code == 302 and target and url_has_allowed_host_and_scheme(
                target, {self.request.get_host()}, require_https=self.request.is_secure()):
            return HttpResponseRedirect(target)
        return response


class LeaveView(ObjectActionView):
    model, action, prefix, done = GateEntry, "leave", "leave", "已登记离校"

    def perform(self, entry, data, by):
        services.log_out(entry, by=by)

    def redirect_to(self, obj, result):
        return reverse("safety:gate")


class GateView(SchoolScopedMixin, View):
    """The guard's phone page."""

    model, action = GateEntry, ADD

    def get(self, request):
        entries = self.get_queryset().select_related(*ENTRY_RELATED)
        text = request.GET.get("q", "").strip()[:20]
        on_campus = list(services.still_on_campus(entries)[:200])
        return render(request, "safety/gate.html", {
            "on_campus": on_campus, "q": text, "found": services.returning(entries, text),
            "visitor_form": forms.GateEntryForm(school=request.school, initial=self.prefill(entries, request)),
            "can_leave": can(request.roles, "leave", GateEntry)})

    def prefill(self, entries, request):
        """“再次来访”: the form filled from an earlier entry (never its identity number)."""
        pk = request.GET.get("again", "")
        earlier = entries.filter(pk=pk).first() if pk.isdigit() else None
        if earlier is None:
            return {"kind": request.GET.get("kind") or "visitor"}
        messages.info(request, "已按上次登记填好，请核对证件后登记")
        return {f: getattr(earlier, f) for f in ("kind", "name", "phone", "plate", "host", "reason")}


urlpatterns = [
    path("gate/", GateView.as_view(), name="gate"),
    *crud_urls(GateEntry, list_view=GateEntryListView, detail_view=GateEntryDetailView,
               edit_view=GateEntryEditView, prefix="gate/log"),
    path("gate/log/<int:pk>/leave/", LeaveView.as_view(), name="gateentry_leave"),
]
