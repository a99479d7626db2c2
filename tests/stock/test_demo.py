"""Demo data of the stock app: two warehouses and about 60 items per demo school, a term of
movements each, the seed's 易耗品 figures for 恩施市实验小学 (春季 46,046.00, 秋季 17,944.00,
节约 28,102.00), low stock, eggs expiring within 7 days, requisitions in several states and
an open monthly count; a second run writes nothing."""

import datetime
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from houqin.core.demo import SCHOOLS, build_demo
from houqin.core.models import School, Term, User
from houqin.stock import reports
from houqin.stock.choices import CountStatus, ItemCategory, ItemKind, MovementKind, RequisitionStatus
from houqin.stock.demo import ledger_mismatches
from houqin.stock.models import Batch, Item, Movement, Requisition, StockBalance, StockCount, Warehouse

from ..conftest import built_once_per_module

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 11, 21)


@pytest.fixture
def demo(_demo, db):
    return _demo


_demo = built_once_per_module(lambda: build_demo(today=TODAY))


def consumables_bought(school, term):
    """The term's consumable purchases, added up here row by row (food is the canteen's)."""
    total = Decimal("0.00")
    for m in Movement.objects.filter(school=school, kind=MovementKind.RECEIPT).select_related("item"):
        if (m.item.kind == ItemKind.CONSUMABLE and m.item.category != ItemCategory.FOOD
                and term.starts_on <= m.occurred_on <= term.ends_on):
            total += m.amount
    return total


def test_seed_figures_of_the_term_comparison(demo):
    school = School.objects.get(code="esyx")
    term, previous = reports.term_pair(school, None, TODAY)
    assert (previous.name, term.name) == ("2026年春季学期", "2026年秋季学期")
    assert consumables_bought(school, previous) == Decimal("46046.00")
    assert consumables_bought(school, term) == Decimal("17944.00")
    report = reports.term_comparison(school, Warehouse.objects.filter(school=school), term, previous)
    assert report["total"] == {"previous": Decimal("46046.00"), "this": Decimal("17944.00"),
                               "saving": Decimal("28102.00")}
    client = Client()
    client.force_login(User.objects.get(username="esyx.director"))
    html = client.get(reverse("stock:report_terms"), {"term": term.pk}).content.decode()
    assert 'id="total-saving">28,102.00<' in html


def test_every_demo_school_has_its_stock(demo):
    for code in SCHOOLS:
        school = School.objects.get(code=code)
        warehouses = Warehouse.objects.filter(school=school)
        assert set(warehouses.values_list("name", flat=True)) == {"总务仓库", "食堂仓库"}
        items = Item.objects.filter(school=school)
        assert 55 <= items.count() <= 70
        for name in ("粉笔", "A4复印纸", "洗洁精", "垃圾袋", "墨盒"):
            assert items.filter(name=name).exists(), name
        assert items.get(name="灯管").old_for_new and items.get(name="扫把").old_for_new
        assert items.get(name="合页").category == ItemCategory.REPAIR
        assert items.get(name="大米").tracks_batches and items.get(name="食用油").tracks_batches
        assert not Batch.objects.filter(school=school).exclude(warehouse__name="食堂仓库").exists()
        assert reports.low_stock(school, warehouses).count() >= 3
        expiring = reports.expiring_batches(school, warehouses, TODAY)
        assert [(b.item.name, b.days_left) for b in expiring] == [("鸡蛋", 4)]
        statuses = set(Requisition.objects.filter(school=school).values_list("status", flat=True))
        assert {RequisitionStatus.DRAFT, RequisitionStatus.PENDING, RequisitionStatus.APPROVED,
                RequisitionStatus.ISSUED, RequisitionStatus.RECEIVED, RequisitionStatus.REJECTED,
                RequisitionStatus.PARTLY_ISSUED} <= statuses
        short = Requisition.objects.get(school=school, purpose="班级读书角")
        assert short.status == RequisitionStatus.ISSUED and short.closed_short_reason
        assert short.lines.get().issued == 12 and short.lines.get().quantity == 30
        assert StockCount.objects.filter(school=school, status=CountStatus.OPEN).count() == 1
        assert ledger_mismatches(school) == []
        spending = reports.monthly_spending(school, warehouses, 2026)
        assert spending["total"]["received_total"] > 0 and spending["total"]["issued_total"] > 0
        assert Term.objects.filter(school=school).count() == 4


def test_second_run_writes_nothing(demo):
    def snapshot():
        return (Movement.objects.count(), Item.objects.count(), Item.history.count(), Warehouse.history.count(),
                Requisition.objects.count(), StockCount.objects.count(), Batch.objects.count(),
                list(StockBalance.objects.order_by("pk").values_list("quantity", "value", "updated_at")))

    before = snapshot()
    again = build_demo(today=TODAY)
    assert snapshot() == before
    assert not {k for k in again.created if k in ("仓库", "物品", "出入库流水", "领用单", "月度盘存")}
