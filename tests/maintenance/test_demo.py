"""The maintenance demo: a term of orders in every state, the seeds' schedules running, the
食堂电梯 with its contractor and the expired operator licence; a second run writes nothing."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse

from houqin.core.demo import build_demo
from houqin.core.models import School
from houqin.maintenance.choices import Status
from houqin.maintenance.models import PreventivePlan, PreventiveTask, SpecialEquipment, WorkOrder, WorkOrderEvent
from houqin.maintenance.services import equipment_alerts

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
    from houqin.core.models import Notification

    mine = Notification.objects.filter(url__startswith="/maintenance/")
    assert not mine.exists()  # the demo's own work does not fill the inboxes
    counts = (WorkOrder.objects.count(), WorkOrderEvent.objects.count(), PreventiveTask.objects.count(),
              SpecialEquipment.objects.count())
    build_demo(today=today)
    assert counts == (WorkOrder.objects.count(), WorkOrderEvent.objects.count(), PreventiveTask.objects.count(),
                      SpecialEquipment.objects.count())
    client = Client()
    client.force_login(lift.school.memberships.get(role="director").user)
    for name in ("maintenance:board", "maintenance:statistics", "maintenance:workorder_list",
                 "maintenance:preventiveplan_list", "maintenance:specialequipment_list", "core:home"):
        assert client.get(reverse(name)).status_code == 200, name
