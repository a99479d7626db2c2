"""Home-page shortcuts and panels of the maintenance app: 报修 for everyone (first for who
only reports), the director's dispatch and overdue orders, the worker's jobs and today's
inspections, the reporter's own orders with their status."""

from django.urls import reverse
from django.utils import timezone

from houqin.core.choices import Role
from houqin.core.home import Panel, Shortcut, panel, shortcut
from houqin.core.rules import can, visible

from .choices import OPEN, Status, TaskStatus
from .models import PreventiveTask, WorkOrder
from .services import equipment_alerts

MANAGERS = {Role.PRINCIPAL, Role.DIRECTOR}


def _orders(request):
    return visible(WorkOrder.objects.all(), request).select_related("room__building", "school__maintenancesettings")


def _items(orders):
    return [(f"{o.number} {o.get_category_display()} {o.where}", o.get_absolute_url(), o.get_status_display())
            for o in orders]


@shortcut
def maintenance_shortcuts(request):
    if request.school is None:
        return []
    roles = set(request.roles)
    found = []
    if can(roles, "add", "maintenance.workorder"):
        # 报修 is the main job of everyone who is not dispatching or repairing.
        found.append(Shortcut("报修", reverse("maintenance:workorder_add"), "tools",
                              primary=not roles & (MANAGERS | {Role.WORKER})))
    if can(roles, "oversee", "maintenance.workorder") and roles & MANAGERS:
        found.append(Shortcut("派单看板", reverse("maintenance:board"), "kanban", primary=True))
    if Role.WORKER in roles:
        found.append(Shortcut("我的维修", reverse("maintenance:my_jobs"), "phone", primary=True))
    return found


@panel
def special_equipment_panel(request):
    """特种设备: overdue maintenance, inspection within 30 days, expired operator licences (red)."""
    if request.school is None or not set(request.roles) & {Role.PRINCIPAL, Role.DIRECTOR, Role.DISTRICT_OFFICER}:
        return None

    alerts = equipment_alerts(request.school)
    return Panel("特种设备安全", reverse("maintenance:specialequipment_list"), len(alerts), alerts[:8],
                 "danger" if alerts else "success")


@panel
def work_orders_panel(request):
    """The director's orders waiting to be dispatched, the worker's open jobs."""
    if request.school is None:
        return None
    roles = set(request.roles)
    qs = _orders(request)
    if roles & MANAGERS:
        qs, title, url = qs.filter(status=Status.SUBMITTED), "待派单报修", reverse("maintenance:board")
    elif Role.WORKER in roles:
        qs, title, url = (qs.filter(worker__user=request.user, status__in=OPEN), "我的维修任务",
                          reverse("maintenance:my_jobs"))
    else:
        return None
    rows = list(qs.order_by("reported_at")[:6])
    if not rows:
        return None
    overdue = any(o.overdue() for o in rows)
    return Panel(title, url, qs.count(), _items(rows), "danger" if overdue else "warning")


@panel
def overdue_orders_panel(request):
    """The director's and principal's red items: open orders past the school's response time."""
    if request.school is None or not set(request.roles) & MANAGERS:
        return None
    now = timezone.now()
    late = [o for o in _orders(request).filter(status__in=OPEN).order_by("reported_at") if o.overdue(now)]
    if not late:
        return None
    return Panel("超过响应时限的报修", reverse("maintenance:board"), len(late), _items(late[:8]), "danger")


@panel
def my_reports_panel(request):
    """The orders this person reported, with their status: those still open, and those done
    and waiting for him to sign off (待验收) first."""
    if request.school is None or Role.DISTRICT_OFFICER in request.roles:
        return None
    mine = _orders(request).filter(reporter=request.user, status__in=[*OPEN, Status.DONE])
    rows = sorted(mine.order_by("-reported_at")[:8], key=lambda o: o.status != Status.DONE)
    if not rows:
        return None
    waiting = any(o.status == Status.DONE for o in rows)
    return Panel("我的报修", reverse("maintenance:workorder_list"), mine.count(), _items(rows),
                 "warning" if waiting else "info")


@panel
def inspections_panel(request):
    """The worker's (and director's) inspections due today or left undone before."""
    roles = set(request.roles)
    if request.school is None or not roles & (MANAGERS | {Role.WORKER}):
        return None

    due = (visible(PreventiveTask.objects.all(), request).select_related("plan")
           .filter(status=TaskStatus.OPEN, due_on__lte=timezone.localdate()).order_by("due_on"))
    rows = list(due[:8])
    if not rows:
        return None
    today = timezone.localdate()
    items = [(str(t), t.get_absolute_url(), "今天" if t.due_on == today else "已逾期") for t in rows]
    return Panel("今天的巡检", reverse("maintenance:preventivetask_list"), due.count(), items,
                 "danger" if any(t.due_on < today for t in rows) else "warning")


