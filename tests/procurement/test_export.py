"""Excel exports of the procurement lists (“导出Excel”): each list's `<prefix>/export/` gives the
list page's rows — same school scope, filters and permission — as an .xlsx with Chinese
headers, money as numbers with two decimals and dates as dates, in a constant number of
queries. The export contract below is the page contract's twin for the new URLs."""

import datetime
import io
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from houqin.core.choices import Role
from houqin.core.excel import DATE_FORMAT, HEADER_ROW, MONEY_FORMAT
from houqin.core.rules import VIEW, can
from houqin.procurement.models import (
    Acceptance,
    Designation,
    Licence,
    PurchaseOrder,
    PurchaseRequest,
    Rating,
    Supplier,
    Voucher,
)
from houqin.procurement.views import procurement as views

from ..conftest import ALL_ROLES
from . import factories as f
from . import test_pages

pytestmark = pytest.mark.django_db
TODAY = datetime.date.today

# model → (the page contract whose `make` builds a row of a school, a text cell unique to the row)
CONTRACTS = {
    Supplier: (test_pages.TestSupplierPages, lambda o: o.name),
    Licence: (test_pages.TestLicencePages, lambda o: o.number),
    Designation: (test_pages.TestDesignationPages, lambda o: o.supplier.name),
    Rating: (test_pages.TestRatingPages, lambda o: o.order.number),
    PurchaseRequest: (test_pages.TestPurchaseRequestPages, lambda o: o.number),
    PurchaseOrder: (test_pages.TestPurchaseOrderPages, lambda o: o.number),
    Acceptance: (test_pages.TestAcceptancePages, lambda o: o.order.number),
    Voucher: (test_pages.TestVoucherPages, lambda o: o.invoice_number),
}
MODELS = list(CONTRACTS)


def export_url(model, query=""):
    return reverse(f"procurement:{model._meta.model_name}_export") + (f"?{query}" if query else "")


def sheet(response):
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.spreadsheetml")
    assert "attachment" in response["Content-Disposition"] and ".xlsx" in response["Content-Disposition"]
    return load_workbook(io.BytesIO(b"".join(response.streaming_content))).active


def headers(ws):
    return [c.value for c in ws[HEADER_ROW] if c.value is not None]


def records(ws):
    """The data rows as {header: cell}."""
    names = [c.value for c in ws[HEADER_ROW]]
    return [dict(zip(names, row, strict=False)) for row in ws.iter_rows(min_row=HEADER_ROW + 1)
            if any(c.value is not None for c in row)]


def texts(ws):
    return {str(c.value) for row in ws.iter_rows(min_row=HEADER_ROW + 1) for c in row if c.value is not None}


def make(world, model, school="a"):
    contract, _ = CONTRACTS[model]
    return contract().make(world, school)


def viewer(model):
    return next(r for r in ALL_ROLES if can({r}, VIEW, model))


# --- the export contract: permission, tenant, anonymous, constant queries ---------------------


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m._meta.model_name)
@pytest.mark.parametrize("role", ALL_ROLES)
def test_export_has_the_list_pages_permission_and_own_school_rows_only(world, model, role):
    _, key = CONTRACTS[model]
    mine, same_district, other = make(world, model, "a"), make(world, model, "b"), make(world, model, "c")
    response = world.client(role).get(export_url(model))
    if not can({role}, VIEW, model):
        assert response.status_code == 403
        return
    found = texts(sheet(response))
    assert key(mine) in found
    assert key(same_district) not in found and key(other) not in found


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m._meta.model_name)
def test_export_anonymous_gets_login(world, model):
    response = Client().get(export_url(model))
    assert response.status_code == 302 and "/login/" in response["Location"]


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m._meta.model_name)
def test_export_queries_constant(world, model):
    client = world.client(viewer(model))
    make(world, model)
    client.get(export_url(model))  # warm caches
    with CaptureQueriesContext(connection) as few:
        assert len(records(sheet(client.get(export_url(model))))) == 1
    for _ in range(6):
        make(world, model)
    with CaptureQueriesContext(connection) as many:
        assert len(records(sheet(client.get(export_url(model))))) == 7
    assert len(many) == len(few), [q["sql"] for q in many.captured_queries]
    assert len(many) <= 10, [q["sql"] for q in many.captured_queries]


def test_every_list_page_has_an_export_and_every_export_is_covered():
    names = {p.name for p in views.urlpatterns}
    lists = {n[: -len("_list")] for n in names if n.endswith("_list")}
    exports = {n[: -len("_export")] for n in names if n.endswith("_export")}
    assert lists == exports == {m._meta.model_name for m in MODELS}


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m._meta.model_name)
def test_the_list_page_links_to_the_export_with_its_filters(world, model):
    client = world.client(viewer(model))
    page = client.get(reverse(f"procurement:{model._meta.model_name}_list") + "?q=abc")
    assert "导出Excel" in page.content.decode()
    assert page.context["export_url"] == export_url(model, "q=abc")
    fragment = client.get(reverse(f"procurement:{model._meta.model_name}_list") + "?q=abc",
                          HTTP_HX_REQUEST="true").content.decode()
    assert 'id="export-link"' in fragment and 'hx-swap-oob="true"' in fragment and "<html" not in fragment


# --- the content --------------------------------------------------------------------------------


def test_orders_export_types_money_and_dates_and_follows_the_filters(world):
    school = world.schools["a"]
    placed = f.order(school, "1234.50")
    done = f.PurchaseOrderFactory(school=school, status="accepted", amount=Decimal("88.00"))
    f.PurchaseOrderFactory(school=world.schools["c"], amount=Decimal("77.00"))
    client = world.client(Role.BUYER)
    ws = sheet(client.get(export_url(PurchaseOrder)))
    assert ws["A1"].value == "A小学 采购订单"
    assert headers(ws) == ["订单号", "供应商", "采购申请", "采购事项", "订单金额(元)", "状态", "下单日期",
                           "要求送货日期", "采购员", "备注"]
    rows = {r["订单号"].value: r for r in records(ws)}
    assert set(rows) == {placed.number, done.number}
    row = rows[placed.number]
    assert row["供应商"].value == placed.supplier.name and row["状态"].value == "已下单待验收"
    assert row["订单金额(元)"].value == pytest.approx(1234.50) and row["订单金额(元)"].number_format == MONEY_FORMAT
    assert row["订单金额(元)"].data_type == "n"
    assert row["下单日期"].is_date and row["下单日期"].value.date() == placed.ordered_on
    assert row["下单日期"].number_format == DATE_FORMAT
    assert row["要求送货日期"].value is None
    assert row["采购员"].value == str(placed.buyer)

    ws = sheet(client.get(export_url(PurchaseOrder, "status=accepted")))
    assert [r["订单号"].value for r in records(ws)] == [done.number]
    assert "状态：已验收" in ws["A2"].value
    ws = sheet(client.get(export_url(PurchaseOrder, f"q={placed.supplier.name}")))
    assert [r["订单号"].value for r in records(ws)] == [placed.number]


def test_requests_export_carries_the_choice_and_the_reasons(world):
    school = world.schools["a"]
    req = f.quoted(school, choose=1, reason="送货快")
    ws = sheet(world.client(Role.DIRECTOR).get(export_url(PurchaseRequest)))
    [row] = records(ws)
    assert row["申请单号"].value == req.number and row["状态"].value == "草稿"
    assert row["预算金额(元)"].value == pytest.approx(500.0) and row["预算金额(元)"].number_format == MONEY_FORMAT
    assert row["选定供应商"].value == req.chosen_quote.supplier.name
    assert row["选定报价(元)"].value == pytest.approx(1250.0)
    assert row["未选最低价的理由"].value == "送货快"
    assert row["申请时间"].is_date and row["提交时间"].value is None
    assert "非定点采购理由" in headers(ws)


def test_acceptances_and_vouchers_export_their_values(world):
    school = world.schools["a"]
    voucher = f.voucher(school, "640.25")
    keeper = world.client(Role.KEEPER)
    [row] = records(sheet(keeper.get(export_url(Acceptance))))
    assert row["订单号"].value == voucher.acceptance.order.number and row["状态"].value == "已验收入库"
    assert row["合格货物金额(元)"].value == pytest.approx(640.25)
    assert row["合格货物金额(元)"].number_format == MONEY_FORMAT and row["到货日期"].is_date
    [row] = records(sheet(world.client(Role.ACCOUNTANT).get(export_url(Voucher))))
    assert row["发票号码"].value == voucher.invoice_number and row["状态"].value == "签字中"
    assert row["报销金额(元)"].value == pytest.approx(640.25) and row["差额(元)"].value == 0
    assert row["开票日期"].value.date() == TODAY() and row["开票日期"].number_format == DATE_FORMAT
    assert row["经手人"].value is None  # nobody has signed yet


def test_suppliers_export_and_formula_text_is_neutralised(world):
    school = world.schools["a"]
    f.supplier(school, name="=HYPERLINK(\"http://x\")商行", food=True, categories=["food", "kitchen"])
    ws = sheet(world.client(Role.BUYER).get(export_url(Supplier, "food=true")))
    [row] = records(ws)
    assert row["供应商名称"].value.startswith("'=") and row["食品供应商"].value == "是"
    assert row["供应类别"].value == "食品原料、食堂用品" and row["准入状态"].value == "准入"
    assert row["平均评分"].value is None


def test_licences_export_shows_long_term_and_dates(world):
    school = world.schools["a"]
    seller = f.supplier(school, expires_in=10)
    f.LicenceFactory(supplier=seller, kind="other", number="CQ-1", expires_on=None)
    rows = {r["证照编号"].value: r for r in records(sheet(world.client(Role.BUYER).get(export_url(Licence))))}
    assert rows["CQ-1"]["有效期至"].value == "长期"
    dated = next(r for n, r in rows.items() if n != "CQ-1")
    assert dated["有效期至"].is_date and dated["有效期至"].value.date() == TODAY() + datetime.timedelta(days=10)
