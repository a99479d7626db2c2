"""Pages of preventive maintenance: plans (the director's) and their tasks (the checks the
workers do; a faulty item opens a work order)."""

import datetime

from django.contrib import messages
from django.core.exceptions import ValidationError
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
)

from .. import filtersets, forms, services
from ..choices import TaskStatus
from ..models import PreventivePlan, PreventiveTask
from ..schedule import due_dates


class PlanListView(ObjectListView):
    model = PreventivePlan
    template_name = "maintenance/plan_list.html"
    filterset_class = filtersets.PreventivePlanFilterSet
    columns = ("name", "recurrence", "target_kind", "assignee", "on_holidays", "in_vacations", "active")
    select_related = ("assignee",)


class PlanDetailView(ObjectDetailView):
    model = PreventivePlan
    template_name = "maintenance/plan_detail.html"
    select_related = ("assignee", "equipment", "asset_category")

    def get_context_data(self, **kwargs):
        plan = self.object
        today = timezone.localdate()
        return super().get_context_data(
            upcoming=due_dates(plan, today, today + datetime.timedelta(days=62))[:10],
            rooms=plan.rooms.select_related("building"), items=plan.items(),
            tasks=plan.tasks.order_by("-due_on")[:20], **kwargs)


class PlanEditView(ObjectEditView):
    model = PreventivePlan
    form_class = forms.PreventivePlanForm


class TaskListView(ObjectListView):
    model = PreventiveTask
    filterset_class = filtersets.PreventiveTaskFilterSet
    columns = ("__str__", "due_on", "status", "done_by", "done_at")
    select_related = ("plan", "done_by")


class TaskDetailView(SchoolScopedMixin, View):
    """A check on a phone: each item of the checklist, 'faulty' opens a work order."""

    model = PreventiveTask

    def get_task(self, pk):
        return get_object_or_404(self.get_queryset().select_related("plan", "done_by"), pk=pk)

    def get(self, request, pk, form=None):
        task = self.get_task(pk)
        may = can(request.roles, CHANGE, PreventiveTask) and task.status == TaskStatus.OPEN
        return render(request, "maintenance/task_detail.html", {
            "object": task, "task": task, "form": form or (forms.TaskForm(task=task) if may else None),
            "orders": task.work_orders.all(), "results": task.results})

    def post(self, request, pk):
        if not can(request.roles, CHANGE, PreventiveTask):
            from django.core.exceptions import PermissionDenied

            raise PermissionDenied("您的角色无权进行此操作")
        task = self.get_task(pk)
        form = forms.TaskForm(request.POST, task=task)
        if not form.is_valid():
            return self.get(request, pk, form=form)
        try:
            task, opened = services.complete_task(task, by=request.user, results=form.results())
        except ValidationError as e:
            messages.error(request, "；".join(e.messages))
            return HttpResponseRedirect(task.get_absolute_url())
        text = f"已记录检查结果，发现问题 {len(opened)} 处，已自动报修" if opened else "已记录检查结果：全部正常"
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
    path("tasks/<int:pk>/", TaskDetailView.as_view(), name="preventivetask_detail"),
    path("tasks/<int:pk>/delete/", type("TaskDeleteView", (ObjectDeleteView,), {"model": PreventiveTask}).as_view(),
         name="preventivetask_delete"),
]
