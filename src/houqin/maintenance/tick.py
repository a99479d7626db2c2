"""Scheduled work of the maintenance app, run by `houqin tick`; each task is idempotent."""

from django.db import IntegrityError, transaction

from houqin.core.services import notify
from houqin.core.tick import task

from . import services
from .models import PreventivePlan, PreventiveTask
from .schedule import Calendar, is_due


def create_due_tasks(today):
    """The preventive tasks due today, once per plan and day (the unique constraint guards a
    concurrent run); returns how many were created."""
    plans = list(PreventivePlan.objects.filter(active=True, starts_on__lte=today).select_related(
        "school", "assignee__user"))
    cal = Calendar.load({p.school_id for p in plans})
    existing = set(PreventiveTask.objects.filter(due_on=today).values_list("plan_id", flat=True))
    created = 0
    for plan in plans:
        if plan.pk in existing or not is_due(plan, today, cal):
            continue
        try:
            with transaction.atomic():
                new = PreventiveTask.objects.create(school=plan.school, plan=plan, due_on=today)
        except IntegrityError:
            continue
        created += 1
        if plan.assignee_id and plan.assignee.user_id:
            notify([plan.assignee.user], school=plan.school, title=f"今日巡检：{plan.name}",
                   url=new.get_absolute_url(), dedupe_key=f"ptask:{new.pk}")
    return created


@task("maintenance.preventive")
def preventive(today):
    """预防性维护：按计划和校历生成今天到期的巡检任务（节假日、寒暑假按计划设定跳过）。"""
    return f"新建巡检任务 {create_due_tasks(today)} 个"


@task("maintenance.auto_verify")
def auto_verify(today):
    """报修自动验收：完工后超过学校规定天数报修人未验收的报修单由系统验收。"""
    return f"自动验收报修单 {services.auto_verify(today)} 张"
