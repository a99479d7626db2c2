"""Home-page panels of the maintenance app."""

from django.urls import reverse

from houqin.core.choices import Role
from houqin.core.home import Panel, panel
from houqin.core.rules import visible

from .choices import OPEN, Status


@panel
def special_equipment_panel(request):
    """特种设备: overdue maintenance, inspection within 30 days, expired operator licences (red)."""
    if request.school is None or not set(request.roles) & {Role.PRINCIPAL, Role.DIRECTOR, Role.DISTRICT_OFFICER}:
        return None
    from .services import equipment_alerts

    alerts = equipment_alerts(request.school)
    return Panel("特种设备安全", reverse("maintenance:specialequipment_list"), len(alerts), alerts[:8],
                 "danger" if alerts else "success")


@panel
def work_orders_panel(request):
    """The director's open orders, the worker's jobs, everyone else's orders awaiting his verification."""
    if request.school is None:
        return None
    from .models import WorkOrder

    roles = set(request.roles)
    qs = visible(WorkOrder.objects.all(), request).select_related("room__building", "school__maintenancesettings")
    if roles & {Role.PRINCIPAL, Role.DIRECTOR}:
        qs, title, url = qs.filter(status=Status.SUBMITTED), "待派单报修", reverse("maintenance:board")
    elif Role.WORKER in roles:
        qs, title, url = (qs.filter(worker__user=request.user, status__in=OPEN), "我的维修任务",
                          reverse("maintenance:my_jobs"))
    elif Role.DISTRICT_OFFICER in roles:
        return None
    else:
        qs, title, url = (qs.filter(reporter=request.user, status=Status.DONE), "待我验收的维修",
                          reverse("maintenance:workorder_list"))
    rows = list(qs.order_by("reported_at")[:6])
    if not rows:
        return None
    items = [(f"{o.number} {o.get_category_display()} {o.where}", o.get_absolute_url(), o.get_status_display())
             for o in rows]
    overdue = any(o.overdue() for o in rows)
    return Panel(title, url, qs.count(), items, "danger" if overdue else "warning")
