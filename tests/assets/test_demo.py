"""Demo and generated data of the assets app: the seeds' items, about 2,000 holdings per demo
school, a stocktake in progress, nothing written by a second run; gendata in bulk."""

import datetime

import pytest
from django.db.models import Sum

from houqin.assets.choices import EventKind, LineResult, StocktakeStatus
from houqin.assets.demo import DEMO_HOLDINGS, STOCKTAKE_NAME
from houqin.assets.models import Asset, AssetEvent, Stocktake, StocktakeLine
from houqin.assets.services import month_index
from houqin.core.demo import SCHOOLS, build_demo, generate
from houqin.core.models import Room, School
from houqin.core.text import initials

from ..conftest import built_once_per_module

pytestmark = pytest.mark.django_db


def snapshot():
    return {
        "assets": Asset.objects.count(),
        "asset_history": Asset.history.count(),
        "events": AssetEvent.objects.count(),
        "stocktakes": Stocktake.objects.count(),
        "lines": StocktakeLine.objects.count(),
        "counted": StocktakeLine.objects.exclude(result=LineResult.PENDING).count(),
        "updated": list(Asset.objects.order_by("pk").values_list("updated_at", flat=True)[:50]),
    }


@pytest.fixture
def demo(_demo, db):
    return _demo


_demo = built_once_per_module(lambda: build_demo(today=datetime.date(2026, 9, 1)))


def test_demo_schools_get_the_seeds_items(demo):
    for code in SCHOOLS:
        school = School.objects.get(code=code)
        # the assets step's own holdings; procurement's demo registers what its acceptances bought
        assets = Asset.objects.filter(school=school).exclude(notes__startswith="采购验收")
        assert assets.count() == DEMO_HOLDINGS
        assert assets.filter(name="多功能投影机").count() == 4
        desks = assets.filter(name="学生课桌椅")
        assert desks.aggregate(n=Sum("quantity"))["n"] == 610
        assert desks.count() == 18 and desks.filter(room__kind="classroom").count() == 18
        computers = assets.filter(name="计算机", custodian__head_of__isnull=False)
        assert computers.count() == 18  # one for every head teacher of the 6 grades × 3 classes
        assert assets.filter(name="图书柜", room__kind="classroom").count() == 18
        unicycles = assets.get(name="独轮车")
        assert (unicycles.quantity, unicycles.room.name) == (40, "体育器材室")
        offices = Room.objects.filter(school=school, kind="office").count()
        assert assets.filter(name="空调", room__kind="office").values("room").distinct().count() == offices
        # derived fields as the service computes them
        projector = assets.filter(name="多功能投影机").first()
        assert (projector.pinyin, projector.capitalised, projector.life_months) == ("dgntyj", True, 60)
        assert projector.start_month == month_index(projector.purchase_date)
        registered = AssetEvent.objects.filter(school=school, kind=EventKind.REGISTER, asset__in=assets)
        assert registered.count() == DEMO_HOLDINGS
        stocktake = Stocktake.objects.get(school=school, name=STOCKTAKE_NAME)
        assert stocktake.status == StocktakeStatus.OPEN
        lines = stocktake.lines.all()
        assert lines.exclude(result=LineResult.PENDING).exists() and lines.filter(result=LineResult.PENDING).exists()
        assert lines.filter(result=LineResult.MISSING).exists()


def test_second_run_writes_nothing(demo):
    before = snapshot()
    again = build_demo(today=datetime.date(2026, 9, 2))
    assert snapshot() == before
    assert not again.created.get(Asset._meta.verbose_name)
    assert not again.created.get(Stocktake._meta.verbose_name)


def test_gendata_in_bulk(db):
    gen = generate(schools=1, rooms=40, people=20, options={"assets": "1500", "stock_movements": "0"})
    school = School.objects.get(code="gen1")
    assets = Asset.objects.filter(school=school)
    assert assets.count() == 1500 == gen.counts["assets.Asset"]
    assert AssetEvent.objects.filter(school=school, kind=EventKind.REGISTER).count() == 1500
    assert assets.values("tag").distinct().count() == 1500
    for a in assets.select_related("category")[:200]:
        assert a.pinyin == initials(a.name)
        assert a.start_month == month_index(a.purchase_date)
        assert a.capitalised == (a.unit_price >= school.capitalisation_threshold)
        years = a.category.depreciation_years
        assert a.life_months == (years * 12 if years and a.capitalised else None)
        assert a.quantity == 1 or a.kind == "bulk"
    # written-off holdings carry their write-off event, so the quarterly report balances
    written_off = assets.filter(status__in=["scrapped", "lost"]).count()
    assert AssetEvent.objects.filter(school=school, kind__in=["scrap", "lost"]).count() == written_off
