"""Pages of the hazard ledger (隐患台帐): report from a phone, the list (with its Excel export,
the 隐患排查治理台帐), the detail with the steps this user may take and the whole trail, the
printable ledger. Steps are POST-only ObjectActionViews; the services check the row."""

from django.shortcuts import render
from django.urls import path
from django.utils import timezone

from houqin.core.columns import DATE, DATETIME, Column
from houqin.core.rules import VIEW, may
from houqin.core.views.actions import ObjectActionView
from houqin.core.views.generic import (
    ObjectDetailView,
    ObjectEditView,
    ObjectListView,
    crud_urls,
    filter_summary,
)

from .. import filtersets, forms, services
from ..choices import HazardStatus
from ..models import Hazard, HazardEvent

HAZARD_RELATED = ("room__building", "reported_by", "assigned_by", "assignee", "rectified_by", "checked_by",
                  "work_order", "school__safetysettings")

# The columns of the 隐患排查治理台帐: the list page, its Excel export and the print page.
LEDGER = (
    Column("编号", "number"), Column("发现时间", "reported_at", DATETIME), Column("等级", "level"),
    Column("来源", "source"), Column("地点", "where"), Column("隐患描述", "description", width=40),
    Column("已采取措施", "measure"), Column("报告人", "reported_by"), Column("整改责任人", "assignee"),
    Column("整改期限", "deadline", DATE), Column("整改情况", "rectification", width=30),
    Column("整改完成时间", "rectified_at", DATETIME), Column("复查人", "checked_by"),
    Column("复查时间", "checked_at", DATETIME), Column("复查意见", "check_note"), Column("状态", "status"),
)


class HazardListView(ObjectListView):
    model = Hazard
    filterset_class = filtersets.HazardFilterSet
    columns = (Column("编号", "number"), "level", Column("地点", "where"), "description", "status",
               Column("整改责任人", "assignee"), Column("整改期限", "deadline", DATE),
               Column("发现时间", "reported_at", DATETIME))
    export_columns = LEDGER
    select_related = HAZARD_RELATED
    template_name = "safety/hazard_list.html"


def action_forms(request, hazard):
    """The small forms of the steps this user may take on this hazard now."""
    user, roles, school, s = request.user, request.roles, request.school, hazard.status
    found = {}
    if may(user, roles, "assign", hazard) and s in (HazardStatus.REPORTED, HazardStatus.ASSIGNED):
        initial = {"assignee": hazard.assignee_id, "deadline": hazard.deadline or hazard.default_deadline()}
        found["assign"] = forms.AssignForm(school=school, prefix="assign", initial=initial)
    if may(user, roles, "rectify", hazard) and s == HazardStatus.ASSIGNED:
        found["rectify"] = forms.RectifyForm(school=school, prefix="rectify")
    if may(user, roles, "recheck", hazard) and s == HazardStatus.RECTIFIED:
        found["recheck"] = forms.RecheckForm(school=school, prefix="recheck")
    return found


class HazardDetailView(ObjectDetailView):
    model = Hazard
    template_name = "safety/hazard_detail.html"
    select_related = HAZARD_RELATED

    def get_context_data(self, **kwargs):
        hazard = self.object
        return super().get_context_data(
            action_forms=action_forms(self.request, hazard), overdue=hazard.overdue(),
            events=HazardEvent.objects.filter(hazard=hazard).select_related("by"), **kwargs)


class HazardEditView(ObjectEditView):
    """New (上报隐患, anyone) or edit (the director)."""

    model = Hazard
    template_name = "safety/hazard_form.html"
    created = "已上报隐患：{obj.number}，总务处会尽快安排整改"

    form_class, add_form_class = forms.HazardEditForm, forms.HazardReportForm

    def create(self, form, *, by):
        hazard = form.save(commit=False)
        hazard.school = self.request.school
        return services.report(hazard, by=by, photos=form.cleaned_data.get("photos") or [])


class HazardLedgerPrintView(HazardListView):
    """The 隐患排查治理台帐 as a printout: the list's filtered rows, all of them, in the ledger's columns."""

    action = VIEW
    paginate_by = None

    def get(self, request, *args, **kwargs):
        rows = list(self.get_queryset()[:2000])
        return render(request, "safety/hazard_print.html", {
            "columns": LEDGER, "rows": [[c.html(r) for c in LEDGER] for r in rows], "count": len(rows),
            "today": timezone.localdate(), "filters": filter_text(self.filterset)})


def filter_text(filterset):
    return filter_summary(filterset)


# --- steps --------------------------------------------------------------------------------


class HazardAction(ObjectActionView):
    model = Hazard
    action = VIEW  # each step names its step; the service checks the row (core.rules.require)
    select_related = ("assignee", "school")


class AssignView(HazardAction):
    action, form_class, prefix, done = "assign", forms.AssignForm, "assign", "已指派整改"

    def perform(self, hazard, data, by):
        services.assign(hazard, by=by, assignee=data["assignee"], deadline=data["deadline"], note=data["note"],
                        repair=forms.repair_spec(data))


class RectifyView(HazardAction):
    action, form_class, prefix, done = "rectify", forms.RectifyForm, "rectify", "已登记整改，等待复查"

    def perform(self, hazard, data, by):
        services.rectify(hazard, by=by, rectification=data["rectification"], photos=data["photos"])


class RecheckView(HazardAction):
    action, form_class, prefix, done = "recheck", forms.RecheckForm, "recheck", "已复查"

    def perform(self, hazard, data, by):
        services.recheck(hazard, by=by, passed=data["passed"], note=data["note"])


urlpatterns = [
    *crud_urls(Hazard, list_view=HazardListView, detail_view=HazardDetailView, edit_view=HazardEditView,
               prefix="hazards"),
    path("hazards/print/", HazardLedgerPrintView.as_view(), name="hazard_print"),
    path("hazards/<int:pk>/assign/", AssignView.as_view(), name="hazard_assign"),
    path("hazards/<int:pk>/rectify/", RectifyView.as_view(), name="hazard_rectify"),
    path("hazards/<int:pk>/recheck/", RecheckView.as_view(), name="hazard_recheck"),
]


