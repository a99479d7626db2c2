"""Monthly counts (月度盘存): book quantities frozen at opening, counted quantities, variances
with their value, approval by amount, adjustment movements on approval, reopen on rejection."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from houqin.core.approvals import sign
from houqin.core.choices import Role
from houqin.core.models import ApprovalRequest
from houqin.stock import services
from houqin.stock.choices import CountStatus, MovementKind
from houqin.stock.models import Movement, StockCount

from .factories import ItemFactory, WarehouseFactory, stock

pytestmark = pytest.mark.django_db
D = Decimal
MONTH = datetime.date.today().replace(day=1)


@pytest.fixture
def store(world):
    """Chalk 100 × 5.00, tubes 10 × 20.00, and paper fully issued this month (a line at 0)."""
    school, keeper = world.schools["a"], world.user(Role.KEEPER)
    warehouse = WarehouseFactory(school=school)
    chalk = ItemFactory(school=school, name="粉笔")
    tube = ItemFactory(school=school, name="日光灯管")
    paper = ItemFactory(school=school, name="复印纸")
    stock(school, quantity=100, unit_cost=D("5.00"), warehouse=warehouse, item=chalk, by=keeper)
    stock(school, quantity=10, unit_cost=D("20.00"), warehouse=warehouse, item=tube, by=keeper)
    stock(school, quantity=2, unit_cost=D("25.00"), warehouse=warehouse, item=paper, by=keeper)
    services.issue(warehouse=warehouse, item=paper, quantity=2, by=keeper)
    return warehouse, chalk, tube, paper


def lines_of(count):
    return {line.item.name: line for line in count.lines.select_related("item")}


def enter(count, keeper, **counted):
    lines = lines_of(count)
    for name, value in counted.items():
        services.count_line(lines[name], by=keeper, counted=value, note="")


def approval(count):
    return ApprovalRequest.objects.filter(object_id=count.pk, policy="stock.count").latest("pk")


def test_opening_freezes_book_quantities_and_costs(world, store):
    warehouse = store[0]
    count = services.open_count(warehouse, by=world.user(Role.KEEPER), month=MONTH + datetime.timedelta(days=9))
    assert count.month == MONTH and count.status == CountStatus.OPEN
    assert {n: (line.expected, line.unit_cost) for n, line in lines_of(count).items()} == {
        "粉笔": (D("100"), D("5.0000")), "日光灯管": (D("10"), D("20.0000")), "复印纸": (D("0"), D("0.0000"))}
    with pytest.raises(ValidationError, match="已有盘存单"):
        services.open_count(warehouse, by=world.user(Role.KEEPER), month=MONTH)
    with pytest.raises(PermissionDenied):
        services.open_count(WarehouseFactory(school=world.schools["a"]), by=world.user(Role.TEACHER), month=MONTH)


def test_variances_approved_become_adjustments(world, store):
    warehouse, chalk, tube, _paper = store
    keeper = world.user(Role.KEEPER)
    count = services.open_count(warehouse, by=keeper, month=MONTH)
    enter(count, keeper, 粉笔=D("97"), 日光灯管=D("11"), 复印纸=D("0"))
    lines = lines_of(count)
    assert (lines["粉笔"].variance, lines["粉笔"].variance_value) == (D("-3"), D("-15.00"))
    assert (lines["日光灯管"].variance, lines["日光灯管"].variance_value) == (D("1"), D("20.00"))
    result = services.submit_count(count, by=keeper)
    count.refresh_from_db()
    assert count.status == CountStatus.PENDING and result.amount == D("35.00")  # gross: a surplus hides no loss
    assert [s["label"] for s in result.steps] == ["总务主任审核"]
    with pytest.raises(ValidationError, match="不能再录入"):
        services.count_line(lines["粉笔"], by=keeper, counted=1)
    sign(result, by=world.user(Role.DIRECTOR), decision="approve")
    count.refresh_from_db()
    assert count.status == CountStatus.APPROVED
    adjustments = Movement.objects.filter(kind=MovementKind.ADJUSTMENT, source_id=count.pk,
                                          source_type__model="stockcount")
    assert sorted((m.item.name, m.quantity, m.amount) for m in adjustments) == [
        ("日光灯管", D("1"), D("20.00")), ("粉笔", D("-3"), D("-15.00"))]
    assert warehouse.balances.get(item=chalk).quantity == D("97")
    assert warehouse.balances.get(item=tube).value == D("220.00")


def test_the_principal_signs_large_variances(world, store):
    warehouse = store[0]
    keeper = world.user(Role.KEEPER)
    count = services.open_count(warehouse, by=keeper, month=MONTH)
    enter(count, keeper, 粉笔=D("0"), 日光灯管=D("10"), 复印纸=D("0"))  # 500.00 lost
    world.schools["a"].principal_threshold = D("500.00")
    world.schools["a"].save()
    result = services.submit_count(count, by=keeper)
    assert [s["label"] for s in result.steps] == ["总务主任审核", "校长审批"]


def test_rejection_reopens_the_count(world, store):
    warehouse = store[0]
    keeper = world.user(Role.KEEPER)
    count = services.open_count(warehouse, by=keeper, month=MONTH)
    enter(count, keeper, 粉笔=D("90"), 日光灯管=D("10"), 复印纸=D("0"))
    sign(services.submit_count(count, by=keeper), by=world.user(Role.DIRECTOR), decision="reject",
         comment="请复盘粉笔")
    count.refresh_from_db()
    assert count.status == CountStatus.OPEN
    assert not Movement.objects.filter(kind=MovementKind.ADJUSTMENT).exists()
    enter(count, keeper, 粉笔=D("100"))
    assert services.submit_count(count, by=keeper) is None  # 账实相符
    count.refresh_from_db()
    assert count.status == CountStatus.APPROVED


def test_every_line_must_be_counted_and_quantities_not_negative(world, store):
    warehouse = store[0]
    keeper = world.user(Role.KEEPER)
    count = services.open_count(warehouse, by=keeper, month=MONTH)
    enter(count, keeper, 粉笔=D("100"))
    with pytest.raises(ValidationError, match="还有 2 项未录入"):
        services.submit_count(count, by=keeper)
    with pytest.raises(ValidationError, match="不能为负数"):
        services.count_line(lines_of(count)["粉笔"], by=keeper, counted=D("-1"))
    with pytest.raises(PermissionDenied):
        services.count_line(lines_of(count)["粉笔"], by=world.user(Role.TEACHER), counted=D("1"))


def test_cancel_and_open_again(world, store):
    warehouse = store[0]
    keeper = world.user(Role.KEEPER)
    count = services.open_count(warehouse, by=keeper, month=MONTH)
    services.cancel_count(count, by=keeper)
    again = services.open_count(warehouse, by=keeper, month=MONTH)
    assert StockCount.objects.filter(warehouse=warehouse).count() == 2 and again.status == CountStatus.OPEN
