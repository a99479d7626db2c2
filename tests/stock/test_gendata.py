"""`houqin gendata` for the stock app: a year of movements in bulk whose balance rows, batch
quantities and running balances are exactly what the ledger would have written."""

import datetime
from collections import defaultdict
from decimal import Decimal

import pytest

from houqin.core.demo import generate
from houqin.core.models import School
from houqin.stock import reports
from houqin.stock.choices import ItemKind, MovementKind
from houqin.stock.demo import CATALOGUE, FOOD, ledger_mismatches
from houqin.stock.models import Batch, Item, Movement, StockBalance, Warehouse

pytestmark = pytest.mark.django_db


@pytest.fixture
def generated(db):
    gen = generate(schools=1, rooms=20, people=10, options={"assets": "0", "stock_movements": "3000"})
    return gen, School.objects.get(code="gen1")


def test_counts_and_catalogue(generated):
    gen, school = generated
    assert Movement.objects.filter(school=school).count() == 3000 == gen.counts["stock.Movement"]
    assert Item.objects.filter(school=school).count() == len(CATALOGUE) + len(FOOD)
    assert Warehouse.objects.filter(school=school).count() == 2
    dates = Movement.objects.filter(school=school).values_list("occurred_on", flat=True)
    assert max(dates) <= gen.today and min(dates) >= gen.today - datetime.timedelta(days=364)


def test_balances_equal_the_ledger_sums(generated):
    _gen, school = generated
    assert ledger_mismatches(school) == []
    # the running balance written on each movement, replayed here in id order
    running = defaultdict(lambda: [Decimal("0"), Decimal("0.00")])
    for m in Movement.objects.filter(school=school).order_by("id"):
        book = running[(m.warehouse_id, m.item_id)]
        book[0] += m.quantity
        book[1] += m.amount
        assert (m.balance_quantity, m.balance_value) == (book[0], book[1])
        assert book[0] >= 0 and book[1] >= 0
    for b in StockBalance.objects.filter(school=school):
        assert (b.quantity, b.value) == tuple(running[(b.warehouse_id, b.item_id)])
    for b in Batch.objects.filter(school=school):
        moved = sum((m.quantity for m in b.movements.all()), Decimal("0"))
        assert b.quantity == moved >= 0


def test_reports_run_on_generated_data(generated):
    gen, school = generated
    warehouses = Warehouse.objects.filter(school=school)
    received = sum((m.amount for m in Movement.objects.filter(school=school, kind=MovementKind.RECEIPT,
                                                               item__kind=ItemKind.CONSUMABLE,
                                                               occurred_on__year=gen.today.year)), Decimal("0"))
    spending = reports.monthly_spending(school, warehouses, gen.today.year)
    assert spending["total"]["received_total"] == received
    balance = reports.stock_balance(school, warehouses)
    assert balance["total"]["value"] == sum((b.value for b in StockBalance.objects.filter(school=school)),
                                            Decimal("0"))
