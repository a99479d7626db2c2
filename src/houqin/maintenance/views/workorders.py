"""Pages of work orders (报修单): report from a phone, the list and detail with the actions of
each step, the director's dispatch board, the worker's "my jobs" and the printable order.

Actions are POST-only views: the role rule and tenant scope come from SchoolScopedMixin, the
work and the finer checks (only the assignee finishes, only the reporter verifies) from the
services; a refusal is shown as a message and writes nothing."""

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, render
from django.urls import path
from django.utils import timezone
from django.views import View

from houqin.assets.models import Asset
from houqin.core.columns import Column
from houqin.core.forms import EmptyForm
from houqin.core.rules import ADD, VIEW, can, may, visible
from houqin.core.tenancy import scope
from houqin.core.views.actions import ObjectActionView
from houqin.core.views.generic import (
    ObjectDetailView,
    ObjectEditView,
    ObjectListView,
    SchoolScopedMixin,
    crud_urls,
)
from houqin.core.views.records import RecordAction, RecordPageMixin
from houqin.stock import services as stock

from .. import filtersets, forms, services
from ..choices import OPEN, Status, TaskStatus, Urgency
from ..models import MaintenanceSettings, PreventiveTask, WorkOrder, WorkOrderEvent, WorkOrderPart

ORDER_RELATED = ("room__building", "worker", "reporter", "asset", "school__maintenancesettings")


class WorkOrderListView(ObjectListView):
    model = WorkOrder
    filterset_class = filtersets.WorkOrderFilterSet
    columns = ("number", "category", Column("地点", "where"), "urgency", "status", "reporter",
               Column("维修人", "assignee"), "reported_at")
    select_related = ORDER_RELATED
    template_name = "maintenance/workorder_list.html"

    def get_queryset(self):
        return super().get_queryset().order_by("-reported_at", "-pk")


def stock_ready():
    try:
        return hasattr(stock, "issue")
    except ImportError:  # pragma: no cover
        return False


def action_forms(request, order):
    """The small forms of the steps this user may take on this order now."""
    roles, user, school = request.roles, request.user, request.school
    s = order.status
    found = {}
    if may(user, roles, "dispatch", order) and s in (Status.SUBMITTED, Status.ASSIGNED):
        found["assign"] = forms.AssignForm(school=school, prefix="assign",
                                           initial={"worker": order.worker_id, "contractor": order.contractor})
    works = may(user, roles, "work", order)
    if works and s == Status.ASSIGNED:
        found["start"] = EmptyForm(prefix="start")
    if works and s in (Status.ASSIGNED, Status.IN_PROGRESS):
        if stock_ready() and can(roles, ADD, WorkOrderPart):
            found["part"] = forms.PartForm(school=school, prefix="part")
        found["finish"] = forms.FinishForm(prefix="finish")
    if may(user, roles, "verify", order) and s == Status.DONE:
        found["verify"] = forms.VerifyForm(prefix="verify")
        found["reopen"] = forms.ReasonForm(prefix="reopen")
    if s in OPEN and may(user, roles, "cancel", order):
        found["cancel"] = forms.ReasonForm(prefix="cancel")
    return found


class WorkOrderDetailView(RecordPageMixin, ObjectDetailView):
    """The order's status and the step this viewer takes now at the top (the worker's 开始维修 /
    完工, the reporter's 验收签字), the reporter's photos, the events, then the filled fields."""

    model = WorkOrder
    template_name = "maintenance/workorder_detail.html"
    select_related = ORDER_RELATED
    field_groups = (
        ("报修", ("category", "urgency", "description", "room", "place", "asset", "reporter", "reported_at")),
        ("维修", ("worker", "contractor", "assigned_at", "started_at", "done_at", "work_done", "labour_hours",
                "outsourced_cost", "invoice_number", "parts_cost")),
        ("验收", ("verified_at", "verified_by", "auto_verified", "rating", "rating_comment", "reopen_count",
                "cancel_reason")),
    )
    quiet_fields = ("labour_hours", "outsourced_cost", "parts_cost", "auto_verified", "reopen_count")
    record_actions = (
        RecordAction("assign", "派单", "maintenance:workorder_assign", primary=True),
        RecordAction("start", "开始维修", "maintenance:workorder_start", primary=True),
        RecordAction("finish", "完工", "maintenance:workorder_finish", primary=True),
        RecordAction("verify", "验收签字", "maintenance:workorder_verify", "修好了，验收签字", primary=True),
        RecordAction("part", "领用材料（从库房出库）", "maintenance:workorder_part", "领用"),
        RecordAction("reopen", "没修好，要求返修", "maintenance:workorder_reopen", "退回返修"),
        RecordAction("cancel", "取消报修", "maintenance:workorder_cancel"),
    )

    def get_context_data(self, **kwargs):
        order = self.object
        return super().get_context_data(
            action_forms=action_forms(self.request, order),
            events=WorkOrderEvent.objects.filter(work_order=order).select_related("by"),
            parts=order.parts.select_related("item", "warehouse", "movement"),
            overdue=order.overdue(), **kwargs)


class WorkOrderEditView(ObjectEditView):
    """New (报修, anyone) or edit (the director)."""

    model = WorkOrder
    template_name = "maintenance/workorder_form.html"
    created = "已报修：{obj.number}，总务处会尽快安排维修"

    form_class, add_form_class = forms.WorkOrderEditForm, forms.WorkOrderReportForm

    def get_initial(self):
        if "pk" in self.kwargs:
            return {}
        request = self.request
        initial = {}
        asset_id = request.GET.get("asset")
        if asset_id and asset_id.isdigit():
            asset = visible(Asset.objects.filter(pk=asset_id), request).select_related("room").first()
            if asset is not None:
                self.asset = asset
                initial.update(asset=asset.pk, room=asset.room_id)
        if "room" not in initial:
            room = services.default_room(request.user, request.school)
            if room is not None:
                initial["room"] = room.pk
        return initial

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)  # builds the form, which finds the asset
        context["asset"] = getattr(self, "asset", None)
        return context

    def create(self, form, *, by):
        order = form.save(commit=False)
        order.school = self.request.school
        return services.report(order, by=by, photos=form.cleaned_data.get("photos") or [])


class WorkOrderPrintView(SchoolScopedMixin, View):
    """The printable work order (报修单) with the signatures."""

    model = WorkOrder

    def get(self, request, pk):
        order = get_object_or_404(self.get_queryset().select_related(*ORDER_RELATED), pk=pk)
        return render(request, "maintenance/workorder_print.html", {
            "order": order, "school": request.school,
            "events": WorkOrderEvent.objects.filter(work_order=order).select_related("by"),
            "parts": order.parts.select_related("item")})


# --- actions ----------------------------------------------------------------------------


class OrderAction(ObjectActionView):
    model = WorkOrder
    action = VIEW  # each step's view names its step; the service checks the row (core.rules.require)
    select_related = ("worker",)


class AssignView(OrderAction):
    action, form_class, prefix, done = "dispatch", forms.AssignForm, "assign", "已派单"

    def perform(self, order, data, by):
        services.assign(order, by=by, worker=data.get("worker"), contractor=data.get("contractor", ""),
                        note=data.get("note", ""))


class StartView(OrderAction):
    action, prefix, done = "work", "start", "已开始维修"

    def perform(self, order, data, by):
        services.start(order, by=by)


class PartView(OrderAction):
    action, form_class, prefix, done = "work", forms.PartForm, "part", "已领用材料（库房已出库）"

    def perform(self, order, data, by):
        if not can(self.request.roles, ADD, WorkOrderPart):
            raise PermissionDenied("您的角色无权领用材料")
        services.issue_part(order, by=by, warehouse=data["warehouse"], item=data["item"], quantity=data["quantity"])


class FinishView(OrderAction):
    action, form_class, prefix, done = "work", forms.FinishForm, "finish", "已完工，等待报修人验收"

    def perform(self, order, data, by):
        services.finish(order, by=by, work_done=data["work_done"],
                        labour_hours=data["labour_hours"], outsourced_cost=data.get("outsourced_cost") or 0,
                        invoice_number=data.get("invoice_number", ""))


class VerifyView(OrderAction):
    action, form_class, prefix, done = "verify", forms.VerifyForm, "verify", "已验收签字"

    def perform(self, order, data, by):
        services.verify(order, by=by, rating=data.get("rating"), comment=data.get("comment", ""))


class ReopenView(OrderAction):
    action, form_class, prefix, done = "reopen", forms.ReasonForm, "reopen", "已退回返修"

    def perform(self, order, data, by):
        services.reopen(order, by=by, reason=data["reason"])


class CancelView(OrderAction):
    action, form_class, prefix, done = "cancel", forms.ReasonForm, "cancel", "已取消"

    def perform(self, order, data, by):
        services.cancel(order, by=by, reason=data["reason"])


# --- board and my jobs ----------------------------------------------------------------------


class BoardView(SchoolScopedMixin, View):
    """The director's dispatch board: open orders, urgent and oldest first, overdue in red."""

    model, action = WorkOrder, "oversee"

    def get(self, request):
        now = timezone.now()
        orders = list(self.get_queryset().filter(status__in=OPEN).select_related(*ORDER_RELATED)
                      .order_by("-urgency", "reported_at", "pk")[:200])
        # urgency "urgent" > "normal" alphabetically, so -urgency puts urgent first
        for o in orders:
            o.is_overdue = o.overdue(now)
            o.age = o.age_days(now)
        columns = [(label, [o for o in orders if o.status == s]) for s, label in (
            (Status.SUBMITTED, "待派单"), (Status.ASSIGNED, "已派单"), (Status.IN_PROGRESS, "维修中"))]
        done = self.get_queryset().filter(status=Status.DONE).count()
        return render(request, "maintenance/board.html", {
            "columns": columns, "orders": orders, "overdue": sum(o.is_overdue for o in orders),
            "awaiting_verification": done, "assign_form": forms.AssignForm(school=request.school, prefix="assign"),
            "limits": MaintenanceSettings.of(request.school), "urgent": Urgency.URGENT})


class MyJobsView(SchoolScopedMixin, View):
    """The worker's phone view: his open orders and today's checks."""

    model, action = WorkOrder, "take"

    def get(self, request):
        school, user = request.school, request.user
        orders = list(self.get_queryset().filter(worker__user=user, status__in=OPEN)
                      .select_related(*ORDER_RELATED).order_by("-urgency", "reported_at"))
        now = timezone.now()
        for o in orders:
            o.is_overdue = o.overdue(now)
        tasks = (scope(PreventiveTask.objects.filter(status=TaskStatus.OPEN, due_on__lte=timezone.localdate()),
                       school).select_related("plan").order_by("due_on"))
        if not can(request.roles, "oversee", WorkOrder):
            tasks = tasks.filter(plan__assignee__user=user) | tasks.filter(plan__assignee__isnull=True)
        return render(request, "maintenance/my_jobs.html", {
            "orders": orders, "tasks": list(tasks[:50]),
            "finish_forms": {o.pk: forms.FinishForm(prefix="finish") for o in orders}})


urlpatterns = [
    *crud_urls(WorkOrder, list_view=WorkOrderListView, detail_view=WorkOrderDetailView,
               edit_view=WorkOrderEditView, prefix="orders"),
    path("orders/<int:pk>/print/", WorkOrderPrintView.as_view(), name="workorder_print"),
    path("orders/<int:pk>/assign/", AssignView.as_view(), name="workorder_assign"),
    path("orders/<int:pk>/start/", StartView.as_view(), name="workorder_start"),
    path("orders/<int:pk>/part/", PartView.as_view(), name="workorder_part"),
    path("orders/<int:pk>/finish/", FinishView.as_view(), name="workorder_finish"),
    path("orders/<int:pk>/verify/", VerifyView.as_view(), name="workorder_verify"),
    path("orders/<int:pk>/reopen/", ReopenView.as_view(), name="workorder_reopen"),
    path("orders/<int:pk>/cancel/", CancelView.as_view(), name="workorder_cancel"),
    path("board/", BoardView.as_view(), name="board"),
    path("my-jobs/", MyJobsView.as_view(), name="my_jobs"),
]
