"""The work order's life: report → assign → start → parts → finish → verify, reopen, cancel,
auto-verify; who may take each step; the event log, notifications, the asset register and the
stock ledger."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from houqin.assets.choices import AssetStatus, EventKind
from houqin.core.choices import Role
from houqin.core.ledger import LedgerError
from houqin.core.models import Notification
from houqin.maintenance import services
from houqin.maintenance.choices import Status
from houqin.maintenance.models import WorkOrder, WorkOrderEvent
from houqin.maintenance.tick import auto_verify
from tests.factories import RoomFactory

from .helpers import person

pytestmark = pytest.mark.django_db


def new_order(world, role=Role.TEACHER, **kwargs):
    a = world.schools["a"]
    kwargs.setdefault("room", RoomFactory(school=a))
    order = WorkOrder(school=a, category="door", description="教室门关不上", **kwargs)
    return services.report(order, by=world.user(role))


def stock(world, quantity=10, unit_cost="6.50"):
    from houqin.stock import services as stock_services
    from houqin.stock.models import Item, Warehouse

    a = world.schools["a"]
    warehouse = Warehouse.objects.create(school=a, name="总务仓库")
    item = Item.objects.create(school=a, code="WJ-001", name="合页", spec="4寸", unit="个")
    stock_services.receive(warehouse=warehouse, item=item, quantity=quantity, unit_cost=Decimal(unit_cost),
                           by=world.user(Role.KEEPER))
    return warehouse, item


def test_full_life_with_parts(world):
    teacher, director, worker = (world.user(r) for r in (Role.TEACHER, Role.DIRECTOR, Role.WORKER))
    order = new_order(world)
    assert order.status == Status.SUBMITTED and order.number.startswith("BX")
    assert Notification.objects.filter(recipient=director, title__contains="新报修").exists()

    services.assign(order, by=director, worker=person(world, Role.WORKER))
    assert Notification.objects.filter(recipient=worker, title__contains="派单给您").exists()
    services.start(order, by=worker)
    warehouse, item = stock(world)
    parts = services.issue_part(order, by=worker, warehouse=warehouse, item=item, quantity=2)
    assert len(parts) == 1 and parts[0].cost == Decimal("13.00") and parts[0].movement.quantity == -2
    assert parts[0].movement.source == WorkOrder.objects.get(pk=order.pk)
    services.finish(order, by=worker, work_done="换了两个合页", labour_hours=Decimal("1.5"))
    order.refresh_from_db()
    assert order.status == Status.DONE and order.parts_cost == Decimal("13.00")
    assert Notification.objects.filter(recipient=teacher, title__contains="请验收").exists()

    services.verify(order, by=teacher)
    order.refresh_from_db()
    assert order.status == Status.VERIFIED and order.verified_by == teacher and not order.auto_verified
    kinds = list(WorkOrderEvent.objects.filter(work_order=order).values_list("kind", flat=True))
    assert kinds == ["submit", "assign", "start", "part", "finish", "verify"]


def test_short_stock_writes_nothing(world):
    order = new_order(world)
    services.assign(order, by=world.user(Role.DIRECTOR), worker=person(world, Role.WORKER))
    warehouse, item = stock(world, quantity=1)
    with pytest.raises(ValidationError, match="库存不足"):
        services.issue_part(order, by=world.user(Role.WORKER), warehouse=warehouse,
                            item=item, quantity=2)
    assert not order.parts.exists()


def test_only_the_assignee_or_a_manager_works_the_order(world):
    order = new_order(world)
    director = world.user(Role.DIRECTOR)
    services.assign(order, by=director, contractor="恩施市鑫达水电维修部")
    with pytest.raises(PermissionDenied):
        services.start(order, by=world.user(Role.WORKER))
    with pytest.raises(ValidationError, match="发票号"):
        services.finish(order, by=director, work_done="外包维修", outsourced_cost=Decimal("350"))
    services.finish(order, by=director, work_done="外包维修", outsourced_cost=Decimal("350"),
                    invoice_number="04512345")
    with pytest.raises(PermissionDenied):
        services.verify(order, by=world.user(Role.KEEPER))


def test_transitions_refused_in_the_wrong_state(world):
    order = new_order(world)
    with pytest.raises(ValidationError, match="不能开始维修"):
        services.start(order, by=world.user(Role.DIRECTOR))
    with pytest.raises(ValidationError, match="不能验收"):
        services.verify(order, by=world.user(Role.TEACHER))
    with pytest.raises(ValidationError):
        services.assign(order, by=world.user(Role.DIRECTOR))


def test_reopen_counts_and_goes_back_to_the_worker(world):
    order = new_order(world)
    worker = world.user(Role.WORKER)
    services.assign(order, by=world.user(Role.DIRECTOR), worker=person(world, Role.WORKER))
    services.finish(order, by=worker, work_done="修好了")
    with pytest.raises(ValidationError):
        services.reopen(order, by=world.user(Role.TEACHER), reason=" ")
    services.reopen(order, by=world.user(Role.TEACHER), reason="门还是关不严")
    order.refresh_from_db()
    assert order.status == Status.ASSIGNED and order.reopen_count == 1 and order.done_at is None
    assert Notification.objects.filter(recipient=worker, title__contains="返修").exists()
    services.finish(order, by=worker, work_done="重新调整门框")
    services.verify(order, by=world.user(Role.TEACHER))
    assert WorkOrder.objects.get(pk=order.pk).status == Status.VERIFIED


def test_cancel_rules(world):
    order = new_order(world)
    with pytest.raises(PermissionDenied):
        services.cancel(order, by=world.user(Role.GUARD), reason="不是他的")
    services.cancel(order, by=world.user(Role.TEACHER), reason="自己修好了")
    assert WorkOrder.objects.get(pk=order.pk).status == Status.CANCELLED
    second = new_order(world)
    services.assign(second, by=world.user(Role.DIRECTOR), worker=person(world, Role.WORKER))
    with pytest.raises(PermissionDenied):
        services.cancel(second, by=world.user(Role.TEACHER), reason="算了")
    services.cancel(second, by=world.user(Role.DIRECTOR), reason="重复报修")


def test_asset_goes_to_repair_and_back(world):
    from tests.assets.factories import AssetFactory

    asset = AssetFactory(school=world.schools["a"])
    order = new_order(world, asset=asset, room=None)
    assert order.room == asset.room
    director, worker = world.user(Role.DIRECTOR), world.user(Role.WORKER)
    services.assign(order, by=director, worker=person(world, Role.WORKER))
    asset.refresh_from_db()
    assert asset.status == AssetStatus.IN_REPAIR and asset.events.last().kind == EventKind.REPAIR
    services.finish(order, by=worker, work_done="更换灯泡")
    services.verify(order, by=world.user(Role.TEACHER))
    asset.refresh_from_db()
    assert asset.status == AssetStatus.IN_USE and asset.events.last().kind == EventKind.REPAIRED


def test_auto_verify_after_the_schools_days_is_idempotent(world):
    order = new_order(world)
    worker = world.user(Role.WORKER)
    services.assign(order, by=world.user(Role.DIRECTOR), worker=person(world, Role.WORKER))
    services.finish(order, by=worker, work_done="好了")
    today = timezone.localdate()
    assert services.auto_verify(today + datetime.timedelta(days=1)) == 0
    assert auto_verify(today + datetime.timedelta(days=3)) == "自动验收报修单 1 张"
    assert services.auto_verify(today + datetime.timedelta(days=3)) == 0
    order.refresh_from_db()
    assert order.status == Status.VERIFIED and order.auto_verified
    assert order.events.last().kind == "auto_verify" and order.events.last().by is None


def test_event_log_is_append_only(world):
    event = new_order(world).events.get()
    with pytest.raises(LedgerError):
        event.save()
    with pytest.raises(LedgerError):
        WorkOrderEvent.objects.all().delete()


def test_numbers_run_per_day(world):
    first, second = new_order(world), new_order(world)
    assert first.number[:-3] == second.number[:-3]
    assert int(second.number[-3:]) == int(first.number[-3:]) + 1


@pytest.mark.parametrize("step", ["assign", "start", "issue_part", "finish"])
@pytest.mark.parametrize(("role", "school"), [(Role.KEEPER, "a"), (Role.TEACHER, "a"), (Role.DIRECTOR, "b")])
def test_a_step_is_refused_to_whoever_lacks_its_role_in_the_orders_school(world, step, role, school):
    """The services once took `roles=`, defaulting to the managers' roles: a caller that left
    it out acted as a manager. The roles are now those the user holds in the order's school."""
    order = new_order(world)
    warehouse, item = stock(world)
    if step != "assign":
        services.assign(order, by=world.user(Role.DIRECTOR), worker=person(world, Role.WORKER))
    by = world.user(role, school)
    calls = {
        "assign": lambda: services.assign(order, by=by, contractor="恩施市鑫达水电维修部"),
        "start": lambda: services.start(order, by=by),
        "issue_part": lambda: services.issue_part(order, by=by, warehouse=warehouse, item=item, quantity=1),
        "finish": lambda: services.finish(order, by=by, work_done="修好了"),
    }
    with pytest.raises(PermissionDenied, match="只有"):
        calls[step]()
    assert WorkOrder.objects.get(pk=order.pk).status == (Status.SUBMITTED if step == "assign" else Status.ASSIGNED)
    assert not order.parts.exists()
