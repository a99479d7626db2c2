"""Pages of preventive maintenance: plans (the director's) and their tasks (the checks the
workers do; a faulty item opens a work order)."""

import datetime

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import path, reverse
from django.utils import timezone
from django.views import View

from houqin.core.rules import ADD, CHANGE, can
from houqin.core.views.generic import (
    ObjectDeleteView,
    ObjectDetailView,
    ObjectEditView,
    ObjectListView,
    SchoolScopedMixin,
    crud_urls,
    export_path,
)

from .. import filtersets, forms, services, targets
from ..choices import TaskStatus
from ..models import PreventivePlan, PreventiveTask
from ..schedule import due_dates

SHOWN_TARGETS = 60  # on the plan's page; the task's page lists them all


class PlanListView(ObjectListView):
    model = PreventivePlan
    template_name = "maintenance/plan_list.html"
    filterset_class = filtersets.PreventivePlanFilterSet
    columns = ("name", "recurrence", "target_kind", "assignee", "on_holidays", "in_vacations", "active")
    select_related = ("assignee",)


class PlanDetailView(ObjectDetailView):
    model = PreventivePlan
    template_name = "maintenance/plan_detail.html"
    select_related = ("assignee", "equipment__room__building", "asset_category")

    def get_context_data(self, **kwargs):
        plan = self.object
        today = timezone.localdate()
        found = targets.resolve(plan, plan.school_id)
        return super().get_context_data(
            upcoming=due_dates(plan, today, today + datetime.timedelta(days=62))[:10],
            targets=found[:SHOWN_TARGETS], target_count=len(found), whole=found[0].key == targets.WHOLE,
            items=plan.items(), tasks=plan.tasks.order_by("-due_on")[:20], **kwargs)


class PlanEditView(ObjectEditView):
    model = PreventivePlan
    form_class = forms.PreventivePlanForm


class TaskListView(ObjectListView):
    model = PreventiveTask
    filterset_class = filtersets.PreventiveTaskFilterSet
    columns = ("__str__", "due_on", "status", "summary", "done_by", "done_at")
    select_related = ("plan", "done_by")


class TaskDetailView(SchoolScopedMixin, View):
    """A check on a phone: a matrix of the plan's targets (rooms, the assets of its category,
    its equipment) by checklist items, every cell OK until ticked; each target with a faulty
    item opens one work order."""

    model = PreventiveTask

    def get_task(self, pk):
        return get_object_or_404(self.get_queryset().select_related(*services.TASK_RELATED, "done_by"), pk=pk)

    def get(self, request, pk, form=None, task=None):
        task = task or self.get_task(pk)
        may = can(request.roles, CHANGE, PreventiveTask) and task.status == TaskStatus.OPEN
        if form is None and may:
            form = forms.TaskForm(task=task, targets=targets.resolve(task.plan, task.school_id))
        done_rows, items = targets.rows(task.results)
        return render(request, "maintenance/task_detail.html", {
            "object": task, "task": task, "form": form if may else None,
            "orders": task.work_orders.select_related("room__building", "asset"),
            "rows": done_rows, "items": items,
            "faulty_rows": [r for r in done_rows if r["faults"]],
            "fine_rows": [r for r in done_rows if not r["faults"]]})

    def post(self, request, pk):
        if not can(request.roles, CHANGE, PreventiveTask):
            raise PermissionDenied("您的角色无权进行此操作")
        task = self.get_task(pk)
        if task.status != TaskStatus.OPEN:
            messages.error(request, "该巡检任务已完成")
            return HttpResponseRedirect(task.get_absolute_url())
        form = forms.TaskForm(request.POST, task=task, targets=targets.resolve(task.plan, task.school_id))
        if not form.is_valid():
            return self.get(request, pk, form=form, task=task)
        try:
            task, opened = services.complete_task(task, by=request.user, results=form.results())
        except ValidationError as e:
            messages.error(request, "；".join(e.messages))
            return HttpResponseRedirect(task.get_absolute_url())
        new = sum(order.task_id == task.pk for order in opened)
        text = f"已记录检查结果（{task.summary()}）"
        if new:
            text += f"，已自动报修 {new} 张"
        if len(opened) > new:
            text += f"，{len(opened) - new} 件资产已有未完成的报修单，已追加情况"
        if not opened:
            text += "：全部正常"
        messages.success(request, text)
        return HttpResponseRedirect(task.get_absolute_url())


class InstallSeedsView(SchoolScopedMixin, View):
    """POST: load the seeds' routine checks (每周一检查大型玩具 …) as the school's plans."""

    http_method_names = ["post"]
    model = PreventivePlan
    action = ADD

    def post(self, request):
        created = services.install_seed_plans(request.school)
        messages.success(request, f"已载入常用检查计划 {len(created)} 项" if created else "常用检查计划均已存在")
        return HttpResponseRedirect(reverse("maintenance:preventiveplan_list"))


urlpatterns = [
    path("plans/install-seeds/", InstallSeedsView.as_view(), name="plan_install_seeds"),
    *crud_urls(PreventivePlan, list_view=PlanListView, detail_view=PlanDetailView, edit_view=PlanEditView,
               prefix="plans"),
    path("tasks/", TaskListView.as_view(), name="preventivetask_list"),
    export_path("tasks", TaskListView),
    path("tasks/<int:pk>/", TaskDetailView.as_view(), name="preventivetask_detail"),
    path("tasks/<int:pk>/delete/", type("TaskDeleteView", (ObjectDeleteView,), {"model": PreventiveTask}).as_view(),
         name="preventivetask_delete"),
]
