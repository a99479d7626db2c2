"""Every list page exports its filtered rows to Excel (导出Excel), from the columns the list
declares: Chinese headers, money as numbers shown with two decimals, dates as dates, choices by
label. The page contract proves, for every model and role, that the export has the list page's
rows (own school only) and its permission; these tests look at the cells, one list per app."""

import datetime
from decimal import Decimal

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from houqin.core.choices import Role
from houqin.core.excel import DATE_FORMAT, DATETIME_FORMAT, MONEY_FORMAT
from houqin.core.views.generic import ObjectListView

from ..assets.test_pages import _compensation
from ..contracts import export_records, export_sheet
from ..factories import PersonFactory, TermFactory
from ..maintenance.factories import WorkOrderFactory
from ..stock.factories import WarehouseFactory, balance

pytestmark = pytest.mark.django_db


def routes(patterns, prefix=""):
    for p in patterns:
        if isinstance(p, URLResolver):
            yield from routes(p.url_patterns, f"{prefix}{p.namespace}:" if p.namespace else prefix)
        elif isinstance(p, URLPattern) and p.name:
            yield f"{prefix}{p.name}", p


def test_every_list_page_has_an_export():
    found = dict(routes(get_resolver().url_patterns))
    lists = [name for name, p in found.items()
             if issubclass(getattr(p.callback, "view_class", object), ObjectListView)
             and not p.callback.view_initkwargs.get("exporting")]
    assert len(lists) > 25
    # a printed list (e.g. the hazard ledger's print page) shares its list's export
    assert [n for n in lists if n.removesuffix("_list").removesuffix("_print") + "_export" not in found] == []


def test_the_list_page_links_to_its_export_with_the_filters(world):
    client = world.client(Role.DIRECTOR)
    page = client.get(reverse("core:person_list") + "?q=张&page=1")
    assert page.context["export_url"] == reverse("core:person_export") + "?q=%E5%BC%A0"
    assert "导出Excel" in page.content.decode()
    fragment = client.get(reverse("core:person_list") + "?q=张", HTTP_HX_REQUEST="true").content.decode()
    assert 'id="export-link"' in fragment and 'hx-swap-oob="true"' in fragment


def test_people_export_follows_the_filter_with_labels(world):
    school = world.schools["a"]
    PersonFactory(school=school, name="张师傅", employment="contract", active=True)
    PersonFactory(school=school, name="李老师")
    PersonFactory(school=world.schools["c"], name="张三丰")
    ws = export_sheet(world.client(Role.DIRECTOR).get(reverse("core:person_export") + "?q=张"))
    assert "搜索：张" in ws.cell(2, 1).value
    [row] = export_records(ws)
    assert row["姓名"].value == "张师傅" and row["用工性质"].value == "合同工/临时工" and row["在岗"].value == "是"


def test_compensations_export_money_typed(world):
    owed = _compensation(world, "a")
    _compensation(world, "c")
    ws = export_sheet(world.client(Role.DIRECTOR).get(reverse("assets:compensation_export")))
    [row] = export_records(ws)
    assert row["资产"].value == str(owed.asset) and row["状态"].value == owed.get_status_display()
    amount = next(cell for header, cell in row.items() if header.startswith("赔偿金额"))
    assert amount.data_type == "n" and amount.value == 100 and amount.number_format == MONEY_FORMAT


def test_stock_balances_export_money_typed_and_filtered_by_warehouse(world):
    school = world.schools["a"]
    shelf = WarehouseFactory(school=school, name="食堂仓库")
    kept = balance(school, warehouse=shelf, quantity=Decimal("4"), unit_cost=Decimal("2.25"))
    balance(school)
    ws = export_sheet(world.client(Role.KEEPER).get(reverse("stock:stockbalance_export") + f"?warehouse={shelf.pk}"))
    [row] = export_records(ws)
    assert row["仓库"].value == "食堂仓库" and row["物品"].value == str(kept.item)
    value = next(cell for header, cell in row.items() if header.startswith("结存金额"))
    assert value.value == pytest.approx(9.0) and value.number_format == MONEY_FORMAT


def test_work_orders_export_dates_and_a_teacher_sees_her_own(world):
    school = world.schools["a"]
    mine = WorkOrderFactory(school=school, reporter=world.user(Role.TEACHER))
    WorkOrderFactory(school=school)
    ws = export_sheet(world.client(Role.TEACHER).get(reverse("maintenance:workorder_export")))
    [row] = export_records(ws)
    assert row["报修单号"].value == mine.number
    reported = next(cell for header, cell in row.items() if header.startswith("报修时间"))
    assert isinstance(reported.value, datetime.datetime) and reported.number_format == DATETIME_FORMAT
    assert len(export_records(export_sheet(world.client(Role.DIRECTOR).get(
        reverse("maintenance:workorder_export"))))) == 2


def test_a_date_column_is_a_date(world):
    TermFactory(school=world.schools["a"], starts_on=datetime.date(2026, 9, 1), ends_on=datetime.date(2027, 1, 20))
    [row] = export_records(export_sheet(world.client(Role.DIRECTOR).get(reverse("core:term_export"))))
    start = next(cell for header, cell in row.items() if header.startswith("开学"))
    assert start.is_date and start.value.date() == datetime.date(2026, 9, 1) and start.number_format == DATE_FORMAT
