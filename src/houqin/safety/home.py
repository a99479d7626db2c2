"""Home-page panels of the safety app: the guard's gate (who is still on campus) and the
managers' overdue hazards (and the hazards waiting for them)."""

import datetime

from django.urls import reverse
from django.utils import timezone

from houqin.core.choices import Role
from houqin.core.home import Panel, panel
from houqin.core.rules import visible

from .choices import CheckStatus, HazardStatus, PatrolStatus
from .fire import red_items
from .models import FireCheck, FireEquipment, GateEntry, Hazard, Patrol, overdue_q
from .services import still_on_campus


@panel
def gate_panel(request):
    """门卫: the visitors and vehicles still on campus."""
    if request.school is None or Role.GUARD not in request.roles:
        return None

    inside = still_on_campus(visible(GateEntry.objects.all(), request))
    items = [(f"{timezone.localtime(e.entered_at):%H:%M} {e}", e.get_absolute_url(), e.get_kind_display())
             for e in inside[:8]]
    return Panel("仍在校内（来访人员、车辆）", reverse("safety:gate"), inside.count(), items,
                 "warning" if items else "success")


@panel
def hazards_panel(request):
    """The principal's and the director's overdue hazards, else those waiting to be assigned."""
    if request.school is None or not set(request.roles) & {Role.PRINCIPAL, Role.DIRECTOR}:
        return None

    hazards = visible(Hazard.objects.all(), request).select_related("room__building")
    overdue = hazards.filter(overdue_q(timezone.localdate())).order_by("deadline", "pk")
    url = reverse("safety:hazard_list")
    if overdue.exists():
        items = [(f"{h.number} {h.where}", h.get_absolute_url(), f"期限 {h.deadline:%m-%d}") for h in overdue[:8]]
        return Panel("逾期未整改的隐患", url + "?overdue=true", overdue.count(), items, "danger")
    waiting = hazards.filter(status=HazardStatus.REPORTED).order_by("reported_at", "pk")
    if not waiting.exists():
        return None
    items = [(f"{h.number} {h.where}", h.get_absolute_url(), h.get_level_display()) for h in waiting[:8]]
    return Panel("待指派整改的隐患", url + "?status=reported", waiting.count(), items, "warning")


@panel
def patrols_panel(request):
    """The guard's (and the managers') patrols of today still to walk; the managers also see
    this week's missed patrols (漏巡)."""
    if request.school is None or not set(request.roles) & {Role.GUARD, Role.PRINCIPAL, Role.DIRECTOR}:
        return None

    today = timezone.localdate()
    patrols = visible(Patrol.objects.all(), request).select_related("route")
    url = reverse("safety:patrol_list")
    missed = patrols.filter(status=PatrolStatus.MISSED, due_on__gte=today - datetime.timedelta(days=7))
    if Role.GUARD not in request.roles and missed.exists():
        items = [(str(p), p.get_absolute_url(), "漏巡") for p in missed.order_by("-due_on", "pk")[:8]]
        return Panel("近7天漏巡", url + "?status=missed", missed.count(), items, "danger")
    due = patrols.filter(status=PatrolStatus.OPEN, due_on=today).order_by("route__name", "round")
    items = [(str(p), p.get_absolute_url(), p.route.get_frequency_display()) for p in due[:8]]
    if not items and Role.GUARD not in request.roles:
        return None
    return Panel("今天的巡查", url + f"?status=open&due_after={today:%Y-%m-%d}", due.count(), items,
                 "warning" if items else "success")


@panel
def fire_panel(request):
    """The director's (and the principal's) red fire items: 送修 / 报废 due, checks missed or
    faulty and not yet fixed; the guard's checks still open this period."""
    if request.school is None or not set(request.roles) & {Role.GUARD, Role.PRINCIPAL, Role.DIRECTOR}:
        return None

    today = timezone.localdate()
    checks = visible(FireCheck.objects.all(), request)
    if Role.GUARD in request.roles and not set(request.roles) & {Role.PRINCIPAL, Role.DIRECTOR}:
        open_checks = checks.filter(status=CheckStatus.OPEN, period_start__lte=today).select_related("equipment")
        items = [(str(c), c.get_absolute_url(), f"{c.due_by:%m-%d}前")
                 for c in open_checks.order_by("due_by", "pk")[:8]]
        if not items:
            return None
        return Panel("待检查的消防器材", reverse("safety:firecheck_list") + "?status=open", open_checks.count(),
                     items, "warning")
    due, bad = red_items(visible(FireEquipment.objects.all(), request), checks, today)
    if not due and not bad:
        return None
    items = [(f"{e} {e.where}", e.get_absolute_url(), "、".join(e.red(today))) for e in due]
    items += [(str(c), c.get_absolute_url(), c.get_status_display()) for c in bad]
    return Panel("消防器材（到期、漏检、有问题）", reverse("safety:fireequipment_list") + "?red=true", len(items),
                 items[:8], "danger")
