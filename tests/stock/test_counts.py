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
from houqin.stock.models import Batch, Movement, StockCount

from .factories import ItemFactory, WarehouseFactory, food, stock

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


# --- food: one line per batch ------------------------------------------------------------------


def batches_match_balance(warehouse, item):
    """Σ batch quantities == the balance quantity."""
    held = warehouse.balances.get(item=item).quantity
    return sum((b.quantity for b in Batch.objects.filter(warehouse=warehouse, item=item)), D("0")) == held


@pytest.fixture
def pantry(world):
    """Rice in two batches (A: 10 at 100.00, expiring first; B: 5 at 100.00) and an empty batch."""
    school, keeper = world.schools["a"], world.user(Role.KEEPER)
    warehouse, rice = WarehouseFactory(school=school), food(school)
    today = datetime.date.today()
    stock(school, quantity=3, unit_cost=D("100.00"), warehouse=warehouse, item=rice, by=keeper, batch_code="E",
          expires_on=today + datetime.timedelta(days=10))
    services.issue(warehouse=warehouse, item=rice, quantity=3, by=keeper)  # batch E is empty now
    stock(school, quantity=10, unit_cost=D("100.00"), warehouse=warehouse, item=rice, by=keeper, batch_code="A",
          expires_on=today + datetime.timedelta(days=30))
    stock(school, quantity=5, unit_cost=D("100.00"), warehouse=warehouse, item=rice, by=keeper, batch_code="B",
          expires_on=today + datetime.timedelta(days=60))
    return warehouse, rice


def batch_lines(count):
    return {(line.batch.code if line.batch_id else None): line for line in count.lines.select_related("batch")}


def test_food_is_counted_batch_by_batch_and_adjusted_on_its_batches(world, pantry):
    warehouse, rice = pantry
    keeper = world.user(Role.KEEPER)
    count = services.open_count(warehouse, by=keeper, month=MONTH)
    lines = batch_lines(count)
    assert {code: line.expected for code, line in lines.items()} == {"A": D("10"), "B": D("5")}
    services.count_line(lines["A"], by=keeper, counted=D("8"), note="受潮")
    services.count_line(lines["B"], by=keeper, counted=D("6"))
    sign(services.submit_count(count, by=keeper), by=world.user(Role.DIRECTOR), decision="approve")
    adjustments = Movement.objects.filter(kind=MovementKind.ADJUSTMENT, item=rice)
    assert sorted((m.batch.code, m.quantity, m.amount) for m in adjustments) == [
        ("A", D("-2"), D("-200.00")), ("B", D("1"), D("100.00"))]
    assert {b.code: b.quantity for b in Batch.objects.filter(item=rice)} == {"E": D("0"), "A": D("8"), "B": D("6")}
    assert warehouse.balances.get(item=rice).quantity == D("14")
    assert batches_match_balance(warehouse, rice)


def test_stock_outside_the_batches_is_squared_by_the_count(world, pantry):
    """A loss once posted without a batch (the old behaviour) left the batches above the
    balance; the sheet shows the difference as its own line, counted 0, and the approval
    brings the balance back to the sum of the batches."""
    warehouse, rice = pantry
    keeper = world.user(Role.KEEPER)
    services.adjust(warehouse=warehouse, item=rice, delta=D("-2"), by=keeper, note="旧盘亏（无批次）")
    assert not batches_match_balance(warehouse, rice)
    count = services.open_count(warehouse, by=keeper, month=MONTH)
    lines = batch_lines(count)
    assert {code: line.expected for code, line in lines.items()} == {"A": D("10"), "B": D("5"), None: D("-2")}
    with pytest.raises(ValidationError, match="批次以外的数量只能盘为 0"):
        services.count_line(lines[None], by=keeper, counted=D("1"))
    services.count_line(lines[None], by=keeper, counted=D("0"))
    services.count_line(lines["A"], by=keeper, counted=D("0"))  # A was lost entirely: -10 on a balance of 13
    services.count_line(lines["B"], by=keeper, counted=D("5"))
    result = services.submit_count(count, by=keeper)  # 1,200.00 元: the principal signs too
    sign(result, by=world.user(Role.DIRECTOR), decision="approve")
    sign(result, by=world.user(Role.PRINCIPAL), decision="approve")
    assert {b.code: b.quantity for b in Batch.objects.filter(item=rice)} == {"E": D("0"), "A": D("0"), "B": D("5")}
    assert warehouse.balances.get(item=rice).quantity == D("5")
    assert batches_match_balance(warehouse, rice)


def test_a_batch_received_after_opening_gets_its_line(world, pantry):
    warehouse, rice = pantry
    keeper = world.user(Role.KEEPER)
    count = services.open_count(warehouse, by=keeper, month=MONTH)
    for line in count.lines.all():
        services.count_line(line, by=keeper, counted=line.expected)
    stock(world.schools["a"], quantity=4, unit_cost=D("100.00"), warehouse=warehouse, item=rice, by=keeper,
          batch_code="C")
    with pytest.raises(ValidationError, match="还有 1 项未录入"):
        services.submit_count(count, by=keeper)
    line = batch_lines(count)["C"]
    assert (line.expected, line.counted) == (D("4"), None)
    services.count_line(line, by=keeper, counted=D("4"))
    assert services.submit_count(count, by=keeper) is None  # 账实相符
    assert batches_match_balance(warehouse, rice)


# --- goods moving while the count is open ---------------------------------------------------------


def test_an_issue_before_counting_is_not_a_loss(world, store):
    warehouse, chalk, _tube, _paper = store
    keeper = world.user(Role.KEEPER)
    count = services.open_count(warehouse, by=keeper, month=MONTH)
    services.issue(warehouse=warehouse, item=chalk, quantity=2, by=keeper)  # 98 on the book now
    enter(count, keeper, 粉笔=D("97"), 日光灯管=D("10"), 复印纸=D("0"))
    line = lines_of(count)["粉笔"]
    assert (line.expected, line.variance) == (D("98"), D("-1")) and line.counted_at is not None
    sign(services.submit_count(count, by=keeper), by=world.user(Role.DIRECTOR), decision="approve")
    assert warehouse.balances.get(item=chalk).quantity == D("97")  # what was counted
    assert Movement.objects.get(kind=MovementKind.ADJUSTMENT).quantity == D("-1")


def test_an_issue_after_counting_is_kept(world, store):
    warehouse, chalk, _tube, _paper = store
    keeper = world.user(Role.KEEPER)
    count = services.open_count(warehouse, by=keeper, month=MONTH)
    enter(count, keeper, 粉笔=D("97"), 日光灯管=D("10"), 复印纸=D("0"))
    services.issue(warehouse=warehouse, item=chalk, quantity=2, by=keeper)
    # Saving the sheet again with the same figure keeps the book quantity of the counting.
    services.count_line(lines_of(count)["粉笔"], by=keeper, counted=D("97"), note="破损")
    line = lines_of(count)["粉笔"]
    assert (line.expected, line.variance, line.note) == (D("100"), D("-3"), "破损")
    sign(services.submit_count(count, by=keeper), by=world.user(Role.DIRECTOR), decision="approve")
    assert warehouse.balances.get(item=chalk).quantity == D("95")  # counted 97 − 2 issued later


def test_stock_arriving_after_opening_gets_a_line_and_must_be_counted(world, store):
    warehouse = store[0]
    keeper = world.user(Role.KEEPER)
    count = services.open_count(warehouse, by=keeper, month=MONTH)
    enter(count, keeper, 粉笔=D("100"), 日光灯管=D("10"), 复印纸=D("0"))
    stock(world.schools["a"], quantity=6, warehouse=warehouse, item=ItemFactory(school=world.schools["a"],
                                                                                 name="扫把"), by=keeper)
    with pytest.raises(ValidationError, match="还有 1 项未录入"):
        services.submit_count(count, by=keeper)
    assert lines_of(count)["扫把"].expected == D("6")
    enter(count, keeper, 扫把=D("6"))
    assert services.submit_count(count, by=keeper) is None


def test_a_loss_beyond_what_is_left_refuses_the_whole_approval(world, store):
    warehouse, chalk, tube, _paper = store
    keeper, director = world.user(Role.KEEPER), world.user(Role.DIRECTOR)
    count = services.open_count(warehouse, by=keeper, month=MONTH)
    enter(count, keeper, 粉笔=D("30"), 日光灯管=D("11"), 复印纸=D("0"))  # -70 and +1
    services.issue(warehouse=warehouse, item=chalk, quantity=60, by=keeper)  # 40 left
    result = services.submit_count(count, by=keeper)
    with pytest.raises(ValidationError, match="盘存调整无法入账.*“粉笔.*”盘亏 70盒，现有库存只有 40盒"):
        sign(result, by=director, decision="approve")
    count.refresh_from_db()
    result.refresh_from_db()
    assert (count.status, result.status, result.signoffs.count()) == (CountStatus.PENDING, "pending", 0)
    assert not Movement.objects.filter(kind=MovementKind.ADJUSTMENT).exists()  # the surplus neither
    assert (warehouse.balances.get(item=chalk).quantity, warehouse.balances.get(item=tube).quantity) == (
        D("40"), D("10"))
    sign(result, by=director, decision="reject", comment="盘点后已发出，请重新盘点")
    count.refresh_from_db()
    assert count.status == CountStatus.OPEN


def test_a_batch_emptied_after_counting_refuses_the_approval(world, pantry):
    warehouse, rice = pantry
    keeper = world.user(Role.KEEPER)
    count = services.open_count(warehouse, by=keeper, month=MONTH)
    lines = batch_lines(count)
    services.count_line(lines["A"], by=keeper, counted=D("4"))  # -6 on batch A
    services.count_line(lines["B"], by=keeper, counted=D("5"))
    services.issue(warehouse=warehouse, item=rice, quantity=8, by=keeper)  # first-expiring first: A has 2 left
    with pytest.raises(ValidationError, match="批号A盘亏 6袋，该批次现只剩 2袋"):
        sign(services.submit_count(count, by=keeper), by=world.user(Role.DIRECTOR), decision="approve")
    assert not Movement.objects.filter(kind=MovementKind.ADJUSTMENT).exists()
    assert batches_match_balance(warehouse, rice)


def test_only_a_keeper_brings_a_sheet_up_to_date(world, store):
    sheet = services.open_count(store[0], by=world.user(Role.KEEPER), month=datetime.date.today())
    for role, school in ((Role.TEACHER, "a"), (Role.ACCOUNTANT, "a"), (Role.KEEPER, "b")):
        with pytest.raises(PermissionDenied, match="只有"):
            services.sync_count_lines(sheet, by=world.user(role, school))
    assert services.sync_count_lines(sheet, by=world.user(Role.KEEPER)) == 0
