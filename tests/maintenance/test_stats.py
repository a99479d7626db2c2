"""The statistics page: its monthly figures equal those computed directly from the orders; mean
time to repair; rooms and assets that keep failing; self-repair savings; constant queries."""

import datetime
from collections import defaultdict
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from houqin.core.choices import Role
from houqin.maintenance.models import WorkOrder
from tests.factories import RoomFactory

from .factories import WorkOrderFactory

pytestmark = pytest.mark.django_db
CATEGORIES = ["water", "power", "door", "furniture", "aircon"]


def at(day, hour=9):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def make_orders(world, n, seed=0):
    a = world.schools["a"]
    rooms = [RoomFactory(school=a) for _ in range(3)]
    today = timezone.localdate()
    for i in range(n):
        k = i + seed
        reported = at(today - datetime.timedelta(days=(k * 11) % 150), hour=8 + k % 6)
        status = ["submitted", "assigned", "done", "verified", "verified", "cancelled"][k % 6]
        WorkOrderFactory(
            school=a, category=CATEGORIES[k % 5], room=rooms[k % 3], reported_at=reported, status=status,
            labour_hours=Decimal(k % 4) / 2, outsourced_cost=Decimal(k % 3 * 125) + Decimal("0.50"),
            parts_cost=Decimal(k % 5) * Decimal("6.25"),
            done_at=reported + datetime.timedelta(hours=3 + k % 7) if status in ("done", "verified") else None)
    WorkOrderFactory(school=world.schools["c"], labour_hours=Decimal("9"), reported_at=at(today))


def expected(start, end):
    """The figures computed in Python, one order at a time."""
    rows = defaultdict(lambda: [0, Decimal("0"), Decimal("0"), Decimal("0")])
    for o in WorkOrder.objects.filter(school__code="schoola").exclude(status="cancelled"):
        day = timezone.localtime(o.reported_at).date()
        if start <= day <= end:
            r = rows[(day.replace(day=1), o.category)]
            r[0] += 1
            r[1] += o.labour_hours
            r[2] += o.outsourced_cost
            r[3] += o.parts_cost
    return {k: tuple(v) for k, v in rows.items()}


def test_monthly_figures_equal_those_computed_from_the_orders(world):
    make_orders(world, 40)
    today = timezone.localdate()
    start = today - datetime.timedelta(days=160)
    response = world.client(Role.DIRECTOR).get(reverse("maintenance:statistics"),
                                               {"start": start.isoformat(), "end": today.isoformat(), "rate": "100"})
    assert response.status_code == 200
    got = {(r.month, r.category): (r.count, r.hours, r.outsourced, r.parts) for r in response.context["rows"]}
    want = expected(start, today)
    assert got == want and len(got) > 5
    total = response.context["total"]
    assert total.count == sum(v[0] for v in want.values())
    hours = sum(v[1] for v in want.values())
    assert response.context["saved"] == (hours * 100).quantize(Decimal("0.01"))
    body = response.content.decode()
    for (month, _category), (_count, _h, outsourced, _p) in want.items():
        assert f"{month:%Y-%m}" in body and str(outsourced) in body


def test_mean_time_to_repair_and_keep_failing(world):
    a = world.schools["a"]
    room = RoomFactory(school=a, name="六(3)班")
    now = timezone.now()
    for hours in (2, 4, 6):
        WorkOrderFactory(school=a, room=room, status="verified", reported_at=now - datetime.timedelta(days=5),
                         done_at=now - datetime.timedelta(days=5) + datetime.timedelta(hours=hours))
    WorkOrderFactory(school=a, status="cancelled", reported_at=now, done_at=None)
    response = world.client(Role.PRINCIPAL).get(reverse("maintenance:statistics"))
    assert response.context["mttr"] == 4.0
    assert [r[2] for r in response.context["failing_rooms"]] == [3]
    assert "六(3)班" in response.content.decode()


def test_statistics_queries_are_constant(world):
    client = world.client(Role.DIRECTOR)
    make_orders(world, 6)
    client.get(reverse("maintenance:statistics"))
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("maintenance:statistics"))
    make_orders(world, 30, seed=7)
    with CaptureQueriesContext(connection) as many:
        client.get(reverse("maintenance:statistics"))
    assert len(many) == len(few)


def test_bad_parameters_do_not_fail(world):
    response = world.client(Role.DIRECTOR).get(reverse("maintenance:statistics"),
                                               {"start": "garbage", "end": "2026-13-40", "rate": "abc"})
    assert response.status_code == 200
