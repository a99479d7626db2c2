"""The maintenance demo: a term of orders in every state (some with parts from the stock demo,
in its ledger), the seeds' schedules running as target × item checks, the 食堂电梯 with its
contractor and the expired operator licence; a second run writes nothing."""

import datetime

import pytest
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.urls import reverse

from houqin.core.demo import build_demo
from houqin.core.models import School
from houqin.maintenance.choices import Status
from houqin.maintenance.models import (
    PreventivePlan,
    PreventiveTask,
    SpecialEquipment,
    WorkOrder,
    WorkOrderEvent,
    WorkOrderPart,
)
from houqin.maintenance.services import equipment_alerts
from houqin.maintenance.targets import rows
from houqin.stock.choices import MovementKind
from houqin.stock.demo import ledger_mismatches
from houqin.stock.models import Movement

from .helpers import seed_holidays

pytestmark = pytest.mark.django_db


def test_demo(db):
    seed_holidays()
    today = datetime.date(2026, 11, 20)
    import io

    out = io.StringIO()
    build_demo(today=today, stdout=out)
    assert "maintenance" in out.getvalue()
    esyx = School.objects.get(code="esyx")
    states = set(WorkOrder.objects.filter(school=esyx).values_list("status", flat=True))
    assert states == set(Status.values)
    assert WorkOrder.objects.filter(school=esyx, reopen_count__gt=0).exists()
    assert WorkOrder.objects.filter(school=esyx, auto_verified=True).exists()
    assert WorkOrder.objects.filter(school=esyx, task__isnull=False).exists()
    door = WorkOrder.objects.filter(school=esyx, room__name="六(3)班教室", category="door").first()
    assert door is not None and door.status == Status.VERIFIED
    assert PreventivePlan.objects.filter(school=esyx).count() == 8
    assert PreventiveTask.objects.filter(school=esyx, status="done").exists()
    lift = SpecialEquipment.objects.get(school=esyx, name="食堂电梯")
    assert lift.contractor and lift.maintenance_overdue(today)
    texts = " ".join(a[0] for a in equipment_alerts(esyx, today))
    assert "维保逾期" in texts and "卢德顺" in texts and "年检将到期" in texts
    # repairs took parts from the stock demo's 总务仓库: in the stock ledger with the order as source
    parts = list(WorkOrderPart.objects.filter(school=esyx).select_related("work_order", "movement", "item"))
    assert len(parts) >= 5
    assert {p.item.name for p in parts} >= {"合页", "水龙头"}
    orders = ContentType.objects.get_for_model(WorkOrder)
    ledger = Movement.objects.filter(school=esyx, kind=MovementKind.ISSUE, source_type=orders)
    assert {m.pk for m in ledger} == {p.movement_id for p in parts}
    for p in parts:
        assert p.movement.source == p.work_order and p.movement.warehouse.name == "总务仓库"
        assert p.cost == -p.movement.amount > 0 and p.work_order.parts_cost >= p.cost
        assert p.work_order.status in (Status.DONE, Status.VERIFIED) and not p.work_order.contractor
        assert p.movement.occurred_on <= today
    assert ledger_mismatches(esyx) == []
    # the routine checks are matrices of targets × items; faults opened orders on their targets
    checked = [t for t in PreventiveTask.objects.filter(school=esyx, status="done") if len(rows(t.results)[0]) > 1]
    assert checked and all(t.summary().endswith("处问题") for t in checked)
    from_checks = WorkOrder.objects.filter(school=esyx, task__isnull=False)
    assert from_checks.count() >= 3 and from_checks.filter(room__isnull=False).count() >= 2
    hoop = from_checks.get(asset__isnull=False)
    assert hoop.room == hoop.asset.room and hoop.asset.tag in hoop.description
    from houqin.core.models import Notification

    mine = Notification.objects.filter(url__startswith="/maintenance/")
    assert not mine.exists()  # the demo's own work does not fill the inboxes
    def counts():
        return (WorkOrder.objects.count(), WorkOrderEvent.objects.count(), PreventiveTask.objects.count(),
                SpecialEquipment.objects.count(), WorkOrderPart.objects.count(), Movement.objects.count())

    before = counts()
    build_demo(today=today)
    assert counts() == before
    client = Client()
    client.force_login(lift.school.memberships.get(role="director").user)
    for name in ("maintenance:board", "maintenance:statistics", "maintenance:workorder_list",
                 "maintenance:preventiveplan_list", "maintenance:specialequipment_list", "core:home"):
        assert client.get(reverse(name)).status_code == 200, name
