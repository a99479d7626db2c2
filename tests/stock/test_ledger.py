"""The stock ledger (材料账): moving-average cost, the last units, never below zero,
first-expiring-first batches, reversal, transfer at value, append-only at every level."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.db.models import Sum

from houqin.core.ledger import LedgerError
from houqin.stock import services
from houqin.stock.choices import MovementKind
from houqin.stock.models import Batch, Movement, StockBalance

from .factories import ItemFactory, WarehouseFactory, food, person_user

pytestmark = pytest.mark.django_db
D = Decimal


@pytest.fixture
def place(world):
    school = world.schools["a"]
    return WarehouseFactory(school=school), ItemFactory(school=school), world.user("keeper")


def balance_of(warehouse, item):
    return StockBalance.objects.get(warehouse=warehouse, item=item)


def assert_ledger_matches(warehouse, item):
    """The running totals are exactly the sum of the ledger."""
    sums = Movement.objects.filter(warehouse=warehouse, item=item).aggregate(q=Sum("quantity"), v=Sum("amount"))
    b = balance_of(warehouse, item)
    assert (b.quantity, b.value) == (sums["q"], sums["v"])


def test_moving_average_after_several_receipts(place):
    warehouse, item, keeper = place
    services.receive(warehouse=warehouse, item=item, quantity=10, unit_cost=D("2.00"), by=keeper)
    services.receive(warehouse=warehouse, item=item, quantity=30, unit_cost=D("3.00"), by=keeper)
    b = balance_of(warehouse, item)
    assert (b.quantity, b.value, b.unit_cost) == (D("40"), D("110.00"), D("2.7500"))
    out = services.issue(warehouse=warehouse, item=item, quantity=4, by=keeper)[0]
    assert (out.quantity, out.amount) == (D("-4"), D("-11.00"))
    services.receive(warehouse=warehouse, item=item, quantity=4, unit_cost=D("4.25"), by=keeper)
    b = balance_of(warehouse, item)
    assert (b.quantity, b.value, b.unit_cost) == (D("40"), D("116.00"), D("2.9000"))
    assert_ledger_matches(warehouse, item)


def test_issuing_the_last_units_leaves_value_zero(place):
    warehouse, item, keeper = place
    # 3 units for 10.00: 3.3333… each; rounding must not leave a cent behind.
    services.post(warehouse=warehouse, item=item, kind=MovementKind.RECEIPT, quantity=3, amount=D("10.00"), by=keeper)
    amounts = [services.issue(warehouse=warehouse, item=item, quantity=1, by=keeper)[0].amount for _ in range(3)]
    assert amounts == [D("-3.33"), D("-3.34"), D("-3.33")] and sum(amounts) == D("-10.00")
    b = balance_of(warehouse, item)
    assert (b.quantity, b.value) == (D("0"), D("0.00"))
    assert_ledger_matches(warehouse, item)


def test_never_below_zero_with_a_clear_chinese_error(place):
    warehouse, item, keeper = place
    services.receive(warehouse=warehouse, item=item, quantity=5, unit_cost=D("1.00"), by=keeper)
    with pytest.raises(ValidationError) as error:
        services.issue(warehouse=warehouse, item=item, quantity=6, by=keeper)
    assert "库存不足" in error.value.messages[0] and "现有 5盒" in error.value.messages[0]
    assert balance_of(warehouse, item).quantity == D("5")
    assert Movement.objects.count() == 1
    with pytest.raises(ValidationError, match="数量不能为零"):
        services.post(warehouse=warehouse, item=item, kind=MovementKind.ISSUE, quantity=0, by=keeper)


def test_the_database_refuses_a_negative_balance(place):
    warehouse, item, keeper = place
    services.receive(warehouse=warehouse, item=item, quantity=1, unit_cost=D("1.00"), by=keeper)
    with pytest.raises(IntegrityError), transaction.atomic():
        StockBalance.objects.filter(warehouse=warehouse, item=item).update(quantity=D("-1"))


def test_batches_are_issued_first_expiring_first(world):
    school = world.schools["a"]
    warehouse, rice, keeper = WarehouseFactory(school=school), food(school), world.user("keeper")
    today = datetime.date.today()
    late = services.receive(warehouse=warehouse, item=rice, quantity=5, unit_cost=D("100"), by=keeper,
                            batch_code="B-LATE", expires_on=today + datetime.timedelta(days=60)).batch
    soon = services.receive(warehouse=warehouse, item=rice, quantity=3, unit_cost=D("110"), by=keeper,
                            batch_code="B-SOON", expires_on=today + datetime.timedelta(days=10)).batch
    moves = services.issue(warehouse=warehouse, item=rice, quantity=4, by=keeper)
    assert [(m.batch.code, m.quantity) for m in moves] == [("B-SOON", D("-3")), ("B-LATE", D("-1"))]
    soon.refresh_from_db()
    late.refresh_from_db()
    assert (soon.quantity, late.quantity) == (D("0"), D("4"))
    with pytest.raises(ValidationError, match="须填写保质期"):
        services.receive(warehouse=warehouse, item=rice, quantity=1, unit_cost=D("1"), by=keeper)
    assert Batch.objects.count() == 2


def test_reversal_restores_the_balance(place):
    warehouse, item, keeper = place
    services.receive(warehouse=warehouse, item=item, quantity=10, unit_cost=D("2.00"), by=keeper)
    wrong = services.receive(warehouse=warehouse, item=item, quantity=5, unit_cost=D("4.00"), by=keeper)
    entry = services.reverse_movement(wrong, by=keeper, note="数量录错")
    assert (entry.quantity, entry.amount, entry.reverses) == (D("-5"), D("-20.00"), wrong)
    b = balance_of(warehouse, item)
    assert (b.quantity, b.value) == (D("10"), D("20.00"))
    with pytest.raises(ValidationError, match="已冲销"):
        services.reverse_movement(wrong, by=keeper, note="再冲")
    with pytest.raises(ValidationError, match="冲销须写明原因"):
        services.reverse_movement(services.issue(warehouse=warehouse, item=item, quantity=1, by=keeper)[0],
                                  by=keeper, note=" ")
    with pytest.raises(PermissionDenied):
        services.reverse_movement(wrong, by=person_user(warehouse.school, "teacher"), note="x")
    assert_ledger_matches(warehouse, item)


def test_a_receipt_already_issued_cannot_be_reversed(place):
    warehouse, item, keeper = place
    receipt = services.receive(warehouse=warehouse, item=item, quantity=2, unit_cost=D("1.00"), by=keeper)
    services.issue(warehouse=warehouse, item=item, quantity=2, by=keeper)
    with pytest.raises(ValidationError, match="库存将为负数"):
        services.reverse_movement(receipt, by=keeper, note="退货")


def test_append_only_at_model_queryset_and_database_level(place):
    warehouse, item, keeper = place
    movement = services.receive(warehouse=warehouse, item=item, quantity=1, unit_cost=D("1.00"), by=keeper)
    movement.note = "改写"
    with pytest.raises(LedgerError):
        movement.save()
    with pytest.raises(LedgerError):
        movement.delete()
    with pytest.raises(LedgerError):
        Movement.objects.filter(pk=movement.pk).update(note="改写")
    with pytest.raises(LedgerError):
        Movement.objects.filter(pk=movement.pk).delete()
    table = Movement._meta.db_table
    for sql in (f"UPDATE {table} SET note = 'x' WHERE id = %s", f"DELETE FROM {table} WHERE id = %s"):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, [movement.pk])
    assert Movement.objects.get(pk=movement.pk).note == "入库"


def test_transfer_keeps_the_value(world):
    school = world.schools["a"]
    keeper = world.user("keeper")
    general, canteen = WarehouseFactory(school=school), WarehouseFactory(school=school, name="食堂仓库")
    item = ItemFactory(school=school)
    services.receive(warehouse=general, item=item, quantity=3, unit_cost=D("3.3333"), by=keeper)  # 10.00
    out, into = services.transfer(source_warehouse=general, target_warehouse=canteen, item=item, quantity=2,
                                  by=keeper)
    assert out.amount == -into.amount == D("-6.67")
    assert balance_of(general, item).value + balance_of(canteen, item).value == D("10.00")
    assert (into.kind, balance_of(canteen, item).quantity) == (MovementKind.TRANSFER_IN, D("2"))
    with pytest.raises(ValidationError, match="不能相同"):
        services.transfer(source_warehouse=general, target_warehouse=general, item=item, quantity=1, by=keeper)
    other = WarehouseFactory(school=world.schools["b"])
    with pytest.raises(ValidationError, match="本校"):
        services.transfer(source_warehouse=general, target_warehouse=other, item=item, quantity=1, by=keeper)
    assert_ledger_matches(general, item)


def test_an_item_of_another_school_is_refused(place, world):
    warehouse, _item, keeper = place
    theirs = ItemFactory(school=world.schools["c"])
    with pytest.raises(ValidationError, match="不属于同一所学校"):
        services.receive(warehouse=warehouse, item=theirs, quantity=1, unit_cost=D("1"), by=keeper)
    assert not Movement.objects.exists()
