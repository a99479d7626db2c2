"""Stock reports (库存结存、材料账、按月分类、低库存、临期食品、易耗品学期对比): each figure
computed here independently from the movements the test writes and compared with the page,
the Excel export and the API; who may read them; another school's ids are a 404; the pages
run a constant number of queries."""

import datetime
import io
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from houqin.core.choices import Role
from houqin.core.models import Term
from houqin.stock import ledger, reports
from houqin.stock.choices import ItemCategory, ItemKind, WarehouseKind
from houqin.stock.models import Warehouse
from houqin.stock.views.reports import visible_warehouses
from tests.api_contracts import api_client, assert_error
from tests.conftest import ALL_ROLES
from tests.stock.factories import ItemFactory, WarehouseFactory

pytestmark = pytest.mark.django_db

D = Decimal
SPRING = ("2026年春季学期", datetime.date(2026, 2, 24), datetime.date(2026, 7, 3))
AUTUMN = ("2026年秋季学期", datetime.date(2026, 9, 1), datetime.date(2027, 1, 22))
READERS = {Role.PRINCIPAL, Role.DIRECTOR, Role.KEEPER, Role.ACCOUNTANT, Role.CANTEEN, Role.DISTRICT_OFFICER}
PAGES = ["stock:report_balance", "stock:report_ledger", "stock:report_spending", "stock:report_low",
         "stock:report_expiring", "stock:report_terms"]


def keeper(world, school="a"):
    return world.user(Role.KEEPER, school)


def item(school, code, name, category=ItemCategory.OFFICE, kind=ItemKind.CONSUMABLE, **kwargs):
    return ItemFactory(school=school, code=code, name=name, category=category, kind=kind, **kwargs)


def receive(world, warehouse, it, quantity, unit_cost, on, school="a", **kwargs):
    return ledger.receive(warehouse=warehouse, item=it, quantity=D(quantity), unit_cost=D(unit_cost),
                          by=keeper(world, school), on=on, **kwargs)


def issue(world, warehouse, it, quantity, on, school="a"):
    return ledger.issue(warehouse=warehouse, item=it, quantity=D(quantity), by=keeper(world, school), on=on)


def workbook_rows(response):
    data = b"".join(response.streaming_content)
    sheet = load_workbook(io.BytesIO(data), read_only=True).active
    rows = []
    for r in sheet.iter_rows(values_only=True):
        row = [None if v == "" else v for v in r]
        while row and row[-1] is None:
            row.pop()
        rows.append(row)
    return rows


def row_with(rows, label):
    return next(r for r in rows if label in r)


# --- 易耗品学期对比: the seed's 46,046.00 / 17,944.00 / 28,102.00 --------------------------------


@pytest.fixture
def terms_world(world):
    """School a with the two 2026 terms and real movements adding up to the seed's totals,
    and movements that must not count: durables, food, the summer vacation, issues, a
    reversed receipt, and school b's purchases."""
    a = world.schools["a"]
    for name, starts, ends in (SPRING, AUTUMN):
        Term.objects.create(school=a, name=name, starts_on=starts, ends_on=ends)
    general = WarehouseFactory(school=a, name="总务仓库")
    canteen = WarehouseFactory(school=a, name="食堂仓库", kind=WarehouseKind.CANTEEN)
    chalk = item(a, "JX001", "粉笔", ItemCategory.TEACHING)
    paper = item(a, "BG001", "A4复印纸")
    tube = item(a, "WX001", "灯管", ItemCategory.REPAIR, old_for_new=True)
    ink = item(a, "DJ001", "墨盒", ItemCategory.ELECTRONIC)
    broom = item(a, "QJ001", "扫把", ItemCategory.CLEANING, old_for_new=True)
    kettle = item(a, "QJ009", "垃圾桶", ItemCategory.CLEANING, kind=ItemKind.DURABLE)
    rice = item(a, "SP001", "大米", ItemCategory.FOOD, tracks_batches=True)
    # spring: 4,200 + 26,000 + 9,000 + 6,784 + 62 = 46,046.00
    for it, qty, cost, on in ((chalk, 1200, "3.50", "2026-03-01"), (paper, 1000, "26.00", "2026-03-02"),
                              (tube, 500, "18.00", "2026-04-10"), (ink, 53, "128.00", "2026-05-06"),
                              (broom, 4, "15.50", "2026-07-03")):
        receive(world, general, it, qty, cost, datetime.date.fromisoformat(on))
    # autumn: 10,400 + 3,600 + 2,100 + 1,792 + 52 = 17,944.00
    for it, qty, cost, on in ((paper, 400, "26.00", "2026-09-01"), (tube, 200, "18.00", "2026-09-15"),
                              (chalk, 600, "3.50", "2026-10-08"), (ink, 14, "128.00", "2026-11-02"),
                              (broom, 4, "13.00", "2026-11-03")):
        receive(world, general, it, qty, cost, datetime.date.fromisoformat(on))
    # none of these count
    receive(world, general, kettle, 10, "25.00", datetime.date(2026, 3, 5))  # durable
    receive(world, canteen, rice, 20, "165.00", datetime.date(2026, 3, 5), expires_on=datetime.date(2026, 9, 1))
    receive(world, general, paper, 50, "26.00", datetime.date(2026, 8, 10))  # summer vacation
    issue(world, general, paper, 300, datetime.date(2026, 3, 20))
    wrong = receive(world, general, chalk, 10, "3.50", datetime.date(2026, 9, 20))
    ledger.reverse(wrong, by=keeper(world))  # cancelled: dated today, but it nets the autumn receipt out
    b = world.schools["b"]
    Term.objects.create(school=b, name=AUTUMN[0], starts_on=AUTUMN[1], ends_on=AUTUMN[2])
    receive(world, WarehouseFactory(school=b), item(b, "BG001", "A4复印纸"), 100, "26.00",
            datetime.date(2026, 9, 2), school="b")
    return world


def test_term_comparison_shows_the_seeds_saving(terms_world):
    a = terms_world.schools["a"]
    autumn = Term.objects.get(school=a, name=AUTUMN[0])
    term, previous = reports.term_pair(a, autumn)
    assert previous.name == SPRING[0]
    report = reports.term_comparison(a, Warehouse.objects.filter(school=a), term, previous)
    # the reversal is dated today; whether today is inside the autumn term or not, the
    # cancelled 35.00 must not remain in the autumn figure
    reversal_in_term = AUTUMN[1] <= datetime.date.today() <= AUTUMN[2]
    expected_autumn = D("17944.00") if reversal_in_term else D("17979.00")
    assert report["total"] == {"previous": D("46046.00"), "this": expected_autumn,
                               "saving": D("46046.00") - expected_autumn}
    by_category = {r["category"]: (r["previous"], r["this"]) for r in report["rows"]}
    assert by_category[ItemCategory.OFFICE] == (D("26000.00"), D("10400.00"))
    assert by_category[ItemCategory.REPAIR] == (D("9000.00"), D("3600.00"))
    assert by_category[ItemCategory.ELECTRONIC] == (D("6784.00"), D("1792.00"))
    assert by_category[ItemCategory.CLEANING] == (D("62.00"), D("52.00"))
    assert ItemCategory.FOOD not in by_category


def test_term_comparison_without_the_reversal_is_exactly_28102(world):
    """The acceptance figures on their own: spring 46,046.00, autumn 17,944.00, saving 28,102.00,
    on the page, in the export and from the API."""
    a = world.schools["a"]
    for name, starts, ends in (SPRING, AUTUMN):
        Term.objects.create(school=a, name=name, starts_on=starts, ends_on=ends)
    general = WarehouseFactory(school=a)
    paper, tube = item(a, "BG001", "A4复印纸"), item(a, "WX001", "灯管", ItemCategory.REPAIR)
    receive(world, general, paper, 1000, "26.00", datetime.date(2026, 3, 2))     # 26,000.00
    receive(world, general, tube, 1113, "18.00", datetime.date(2026, 4, 2))      # 20,034.00
    receive(world, general, tube, 1, "12.00", datetime.date(2026, 6, 30))        # 12.00 → 46,046.00
    receive(world, general, paper, 600, "26.00", datetime.date(2026, 9, 3))      # 15,600.00
    receive(world, general, tube, 130, "18.03", datetime.date(2026, 10, 9))      # 2,343.90
    receive(world, general, tube, 1, "0.10", datetime.date(2026, 11, 9))         # 0.10 → 17,944.00
    autumn = Term.objects.get(school=a, name=AUTUMN[0])
    client = world.client(Role.DIRECTOR)
    page = client.get(reverse("stock:report_terms"), {"term": autumn.pk})
    assert page.status_code == 200
    html = page.content.decode()
    assert '<td class="text-end" id="total-previous">46,046.00</td>' in html
    assert '<td class="text-end" id="total-this">17,944.00</td>' in html
    assert '<td class="text-end" id="total-saving">28,102.00</td>' in html
    assert "节约 28,102.00 元" in html
    rows = workbook_rows(client.get(reverse("stock:report_terms"), {"term": autumn.pk, "format": "xlsx"}))
    assert row_with(rows, "合计")[1:] == [46046.0, 17944.0, 28102.0]
    data = api_client(world, Role.ACCOUNTANT).get("/api/v1/stock-reports/terms/", {"term": autumn.pk}).json()
    assert data["total"] == {"previous": "46046.00", "this": "17944.00", "saving": "28102.00"}
    assert data["previous_term"]["name"] == SPRING[0]


def test_term_page_of_another_schools_term_is_404(terms_world):
    other = Term.objects.get(school=terms_world.schools["b"])
    assert terms_world.client(Role.DIRECTOR).get(reverse("stock:report_terms"), {"term": other.pk}).status_code == 404
    response = api_client(terms_world, Role.DIRECTOR).get("/api/v1/stock-reports/terms/", {"term": other.pk})
    assert_error(response, 404)


def test_school_without_terms_gets_a_message(world):
    response = world.client(Role.DIRECTOR).get(reverse("stock:report_terms"))
    assert response.status_code == 200 and "还没有登记学期" in response.content.decode()
    assert_error(api_client(world, Role.DIRECTOR).get("/api/v1/stock-reports/terms/"), 404)


# --- 库存结存 -------------------------------------------------------------------------------------


@pytest.fixture
def stocked(world):
    """Two warehouses of school a with moving-average figures worked out by hand."""
    a = world.schools["a"]
    general = WarehouseFactory(school=a, name="总务仓库")
    canteen = WarehouseFactory(school=a, name="食堂仓库", kind=WarehouseKind.CANTEEN)
    chalk = item(a, "JX001", "粉笔", ItemCategory.TEACHING, reorder_level=D("10"))
    hinge = item(a, "WX003", "合页", ItemCategory.REPAIR, reorder_level=D("5"))
    oil = item(a, "SP002", "食用油", ItemCategory.FOOD, tracks_batches=True, reorder_level=D("3"))
    day = datetime.date(2026, 3, 1)
    receive(world, general, chalk, 10, "3.00", day)            # 10 × 3.00 = 30.00
    receive(world, general, chalk, 5, "3.60", day)             # 15, 48.00
    issue(world, general, chalk, 4, day)                       # 48 × 4 / 15 = 12.80 → 11, 35.20
    receive(world, general, hinge, 3, "6.50", day)             # 3, 19.50 (≤ 5: low)
    receive(world, canteen, oil, 6, "82.00", day, expires_on=datetime.date(2027, 3, 1))  # 6, 492.00
    issue(world, canteen, oil, 4, day)                         # 2, 164.00 (≤ 3: low)
    b = world.schools["b"]
    receive(world, WarehouseFactory(school=b), item(b, "JX001", "粉笔"), 99, "1.00", day, school="b")
    return world


def test_balance_report_figures(stocked):
    a = stocked.schools["a"]
    report = reports.stock_balance(a, Warehouse.objects.filter(school=a))
    rows = {(g.warehouse, g.category): [(b.item.code, b.quantity, b.unit_cost, b.value) for b in g.rows]
            for g in report["groups"]}
    assert rows == {
        ("总务仓库", "教学耗材"): [("JX001", D("11"), D("3.2000"), D("35.20"))],
        ("总务仓库", "维修材料"): [("WX003", D("3"), D("6.5000"), D("19.50"))],
        ("食堂仓库", "食品原料"): [("SP002", D("2"), D("82.0000"), D("164.00"))],
    }
    assert report["total"] == {"items": 3, "value": D("218.70")}


def test_balance_page_export_and_api_agree(stocked):
    client = stocked.client(Role.KEEPER)
    html = client.get(reverse("stock:report_balance")).content.decode()
    assert '<td class="text-end" id="total-value">218.70</td>' in html
    rows = workbook_rows(client.get(reverse("stock:report_balance"), {"format": "xlsx"}))
    assert row_with(rows, "合计")[-1] == 218.70
    assert [r[-1] for r in rows if "小计" in r] == [35.20, 19.50, 164.00]
    data = api_client(stocked, Role.KEEPER).get("/api/v1/stock-reports/balance/").json()
    assert data["total"] == {"items": 3, "value": "218.70"}


def test_canteen_manager_sees_the_canteen_warehouse_only(stocked):
    html = stocked.client(Role.CANTEEN).get(reverse("stock:report_balance")).content.decode()
    assert "食用油" in html and "粉笔" not in html
    assert '<td class="text-end" id="total-value">164.00</td>' in html
    data = api_client(stocked, Role.CANTEEN).get("/api/v1/stock-reports/balance/").json()
    assert data["total"]["value"] == "164.00"
    request = SimpleNamespace(school=stocked.schools["a"], user=stocked.user(Role.CANTEEN), roles={Role.CANTEEN})
    assert list(visible_warehouses(request).values_list("name", flat=True)) == ["食堂仓库"]


def test_balance_page_queries_do_not_grow_with_items(stocked):
    client = stocked.client(Role.KEEPER)

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("stock:report_balance")).status_code == 200
        return len(captured)

    before = queries()
    a = stocked.schools["a"]
    general = Warehouse.objects.get(school=a, name="总务仓库")
    for n in range(15):
        receive(stocked, general, item(a, f"X{n:03d}", f"物品{n}", ItemCategory.OTHER), 2, "1.00",
                datetime.date(2026, 3, 2))
    assert queries() == before


# --- 材料账 ---------------------------------------------------------------------------------------


@pytest.fixture
def ledger_world(world):
    a = world.schools["a"]
    general = WarehouseFactory(school=a, name="总务仓库")
    paper = item(a, "BG001", "A4复印纸")
    receive(world, general, paper, 100, "25.00", datetime.date(2026, 1, 5))   # before: 100, 2,500.00
    issue(world, general, paper, 30, datetime.date(2026, 1, 20))             # 70, 1,750.00
    receive(world, general, paper, 50, "28.00", datetime.date(2026, 2, 3))   # in: 120, 3,150.00
    issue(world, general, paper, 20, datetime.date(2026, 2, 10))             # out 525.00: 100, 2,625.00
    issue(world, general, paper, 10, datetime.date(2026, 3, 31))             # after the period
    # written later but dated inside the period: the ledger lists it in date order
    receive(world, general, paper, 10, "30.00", datetime.date(2026, 2, 5))
    return world, general, paper


def test_item_ledger_opening_running_and_closing(ledger_world):
    world, general, paper = ledger_world
    a = world.schools["a"]
    result = reports.item_ledger(a, general, paper, datetime.date(2026, 2, 1), datetime.date(2026, 2, 28))
    assert result["opening"]["quantity"] == D("70") and result["opening"]["value"] == D("1750.00")
    lines = [(line.movement.occurred_on.day, line.in_quantity, line.out_quantity, line.balance_quantity,
              line.balance_value) for line in result["lines"]]
    # the issue of 10 Feb was priced when 120 held 3,150.00 (the back-dated receipt came later)
    issued = D("525.00")
    assert lines == [
        (3, D("50"), D("0"), D("120"), D("3150.00")),
        (5, D("10"), D("0"), D("130"), D("3450.00")),
        (10, D("0"), D("20"), D("110"), D("3450.00") - issued),
    ]
    assert result["totals"] == {"in_quantity": D("60"), "in_amount": D("1700.00"), "out_quantity": D("20"),
                                "out_amount": issued}
    assert result["closing"]["quantity"] == D("110")
    assert result["closing"]["value"] == D("1750.00") + D("1700.00") - issued


def test_item_ledger_page_export_and_api(ledger_world):
    world, general, paper = ledger_world
    params = {"item": paper.pk, "warehouse": general.pk, "start": "2026-02-01", "end": "2026-02-28"}
    client = world.client(Role.ACCOUNTANT)
    html = client.get(reverse("stock:report_ledger"), params).content.decode()
    assert 'id="opening-value">1,750.00<' in html and 'id="closing-value">2,925.00<' in html
    rows = workbook_rows(client.get(reverse("stock:report_ledger"), {**params, "format": "xlsx"}))
    assert row_with(rows, "期初结存")[7:9] == [70, 1750.0]
    assert row_with(rows, "期末结存")[7:9] == [110, 2925.0]
    assert row_with(rows, "本期合计")[3:7] == [60, 1700.0, 20, 525.0]
    data = api_client(world, Role.KEEPER).get("/api/v1/stock-reports/ledger/", params).json()
    assert data["closing"]["value"] == "2925.00" and data["count"] == 3
    assert [D(line["balance_quantity"]) for line in data["lines"]] == [120, 130, 110]


def test_item_ledger_of_another_schools_item_or_warehouse_is_404(ledger_world):
    world, general, paper = ledger_world
    b = world.schools["b"]
    their_item, their_warehouse = item(b, "BG001", "A4复印纸"), WarehouseFactory(school=b)
    client, api = world.client(Role.KEEPER), api_client(world, Role.KEEPER)
    for params in ({"item": their_item.pk, "warehouse": general.pk},
                   {"item": paper.pk, "warehouse": their_warehouse.pk}, {"item": "abc"}):
        assert client.get(reverse("stock:report_ledger"), params).status_code == 404
        assert_error(api.get("/api/v1/stock-reports/ledger/", params), 404)
    assert_error(api.get("/api/v1/stock-reports/ledger/", {"item": paper.pk, "warehouse": general.pk,
                                                           "start": "2026-13-01"}), 400)
    assert_error(api.get("/api/v1/stock-reports/ledger/"), 400)


def test_item_ledger_page_without_selection_shows_the_form(world):
    response = world.client(Role.KEEPER).get(reverse("stock:report_ledger"))
    assert response.status_code == 200 and "请选择物品和仓库" in response.content.decode()


# --- 按月分类 -------------------------------------------------------------------------------------


def test_monthly_spending_by_category(world):
    a = world.schools["a"]
    general = WarehouseFactory(school=a)
    chalk = item(a, "JX001", "粉笔", ItemCategory.TEACHING)
    soap = item(a, "QJ003", "洗洁精", ItemCategory.CLEANING)
    bin_ = item(a, "QJ009", "垃圾桶", ItemCategory.CLEANING, kind=ItemKind.DURABLE)
    receive(world, general, chalk, 100, "3.50", datetime.date(2026, 3, 2))   # Mar teaching in 350.00
    issue(world, general, chalk, 40, datetime.date(2026, 3, 20))             # Mar teaching out 140.00
    ledger.return_to_stock(warehouse=general, item=chalk, quantity=D("10"), by=keeper(world),
                           on=datetime.date(2026, 4, 1))                       # Apr teaching back 35.00
    receive(world, general, soap, 20, "12.00", datetime.date(2026, 4, 8))    # Apr cleaning in 240.00
    issue(world, general, soap, 5, datetime.date(2026, 9, 9))                # Sep cleaning out 60.00
    receive(world, general, bin_, 4, "25.00", datetime.date(2026, 4, 8))     # durable: not consumable
    receive(world, general, soap, 1, "12.00", datetime.date(2025, 12, 31))   # last year
    report = reports.monthly_spending(a, Warehouse.objects.filter(school=a), 2026)
    rows = {r["category"]: r for r in report["rows"]}
    z = D("0.00")
    assert rows[ItemCategory.TEACHING]["received"] == [z, z, D("350.00")] + [z] * 9
    assert rows[ItemCategory.TEACHING]["issued"] == [z, z, D("140.00"), D("-35.00")] + [z] * 8
    assert rows[ItemCategory.CLEANING]["received"] == [z, z, z, D("240.00")] + [z] * 8
    assert rows[ItemCategory.CLEANING]["issued"][8] == D("60.00")
    assert report["total"]["received_total"] == D("590.00")
    assert report["total"]["issued_total"] == D("165.00")
    everything = reports.monthly_spending(a, Warehouse.objects.filter(school=a), 2026, item_kind=None)
    assert everything["total"]["received_total"] == D("690.00")
    client = world.client(Role.PRINCIPAL)
    html = client.get(reverse("stock:report_spending"), {"year": 2026}).content.decode()
    assert 'id="total-received">590.00<' in html and 'id="total-issued">165.00<' in html
    rows = workbook_rows(client.get(reverse("stock:report_spending"), {"year": 2026, "format": "xlsx"}))
    total_in = next(r for r in rows if r[0] == "合计" and r[1] == "入库")
    assert total_in[-1] == 590.0 and total_in[4] == 350.0
    api = api_client(world, Role.DISTRICT_OFFICER, header="schoola")
    data = api.get("/api/v1/stock-reports/spending/", {"year": 2026, "kind": "all"}).json()
    assert data["total"]["received_total"] == "690.00"
    assert_error(api.get("/api/v1/stock-reports/spending/", {"year": "x"}), 400)
    assert_error(api.get("/api/v1/stock-reports/spending/", {"kind": "food"}), 400)


# --- 低库存、临期食品 ------------------------------------------------------------------------------


def test_low_stock(stocked):
    a = stocked.schools["a"]
    low = reports.low_stock(a, Warehouse.objects.filter(school=a))
    assert [(b.item.code, b.quantity) for b in low] == [("WX003", D("3")), ("SP002", D("2"))]
    html = stocked.client(Role.DIRECTOR).get(reverse("stock:report_low")).content.decode()
    assert "合页" in html and "食用油" in html and "共 2 种" in html
    rows = workbook_rows(stocked.client(Role.DIRECTOR).get(reverse("stock:report_low"), {"format": "xlsx"}))
    assert {r[1] for r in rows[3:]} == {"WX003", "SP002"}
    data = api_client(stocked, Role.DIRECTOR).get("/api/v1/stock-reports/low-stock/").json()
    assert [r["code"] for r in data["rows"]] == ["WX003", "SP002"]


def test_expiring_batches(world):
    a = world.schools["a"]
    canteen = WarehouseFactory(school=a, kind=WarehouseKind.CANTEEN)
    eggs = item(a, "SP004", "鸡蛋", ItemCategory.FOOD, tracks_batches=True)
    today = datetime.date.today()

    def lot(code, expires_in, quantity=10, used=0):
        receive(world, canteen, eggs, quantity, "5.50", today - datetime.timedelta(days=20), batch_code=code,
                expires_on=today + datetime.timedelta(days=expires_in))
        if used:
            issue(world, canteen, eggs, used, today - datetime.timedelta(days=19))

    lot("GONE", -5, used=10)      # expired and used up: not shown (FIFO takes it first)
    lot("OLD", -2)                # expired with stock left
    lot("SOON", 4)
    lot("EDGE", 7)
    lot("LATER", 8)
    batches = reports.expiring_batches(a, Warehouse.objects.filter(school=a), today)
    assert [(b.code, b.expired, b.days_left) for b in batches] == [("OLD", True, -2), ("SOON", False, 4),
                                                                   ("EDGE", False, 7)]
    client = world.client(Role.CANTEEN)
    html = client.get(reverse("stock:report_expiring")).content.decode()
    assert "SOON" in html and "已过期" in html and "LATER" not in html
    assert "LATER" in client.get(reverse("stock:report_expiring"), {"days": 8}).content.decode()
    rows = workbook_rows(client.get(reverse("stock:report_expiring"), {"format": "xlsx"}))
    assert [r[2] for r in rows[3:]] == ["OLD", "SOON", "EDGE"]
    data = api_client(world, Role.CANTEEN).get("/api/v1/stock-reports/expiring/", {"days": 30}).json()
    assert [r["batch"] for r in data["rows"]] == ["OLD", "SOON", "EDGE", "LATER"]
    assert_error(api_client(world, Role.CANTEEN).get("/api/v1/stock-reports/expiring/", {"days": "-1"}), 400)


# --- who may read them -----------------------------------------------------------------------------


@pytest.mark.parametrize("role", ALL_ROLES)
def test_report_pages_by_role(stocked, role):
    client = stocked.client(role, "a")
    for name in PAGES:
        response = client.get(reverse(name))
        assert response.status_code == (200 if role in READERS else 403), (name, role)
        if role in READERS and name != "stock:report_ledger":
            assert client.get(reverse(name), {"format": "xlsx"}).status_code == (
                404 if name == "stock:report_terms" else 200), name


@pytest.mark.parametrize("role", ALL_ROLES)
def test_report_api_by_role(stocked, role):
    api = api_client(stocked, role, "a", header="schoola" if role == Role.DISTRICT_OFFICER else None)
    for endpoint in ("balance", "spending", "low-stock", "expiring"):
        response = api.get(f"/api/v1/stock-reports/{endpoint}/")
        if role in READERS:
            assert response.status_code == 200, (endpoint, role)
        else:
            assert_error(response, 403)


def test_anonymous_is_sent_to_login(world):
    response = world.client(Role.KEEPER).get(reverse("stock:report_balance"))
    assert response.status_code == 200
    from django.test import Client

    assert Client().get(reverse("stock:report_balance")).status_code == 302
    assert api_client().get("/api/v1/stock-reports/balance/").status_code in (401, 403)


def test_other_district_officer_cannot_read_the_school(stocked):
    api = api_client(stocked, Role.DISTRICT_OFFICER, "c", header="schoola")
    assert_error(api.get("/api/v1/stock-reports/balance/"), 403)


def test_reports_show_own_school_only(stocked):
    """School b's 99 boxes of chalk never appear in school a's figures."""
    html = stocked.client(Role.KEEPER).get(reverse("stock:report_balance")).content.decode()
    assert "99" not in html.split('id="total-value"')[0].split("<tbody>")[1]
    b_view = stocked.client(Role.KEEPER, "b").get(reverse("stock:report_balance")).content.decode()
    assert 'id="total-value">99.00<' in b_view


def test_item_ledger_pages_carry_the_running_balance(ledger_world, monkeypatch):
    """Page 2 starts from the balance the rows of page 1 left; totals cover the whole period."""
    from houqin.stock.views import reports as report_views

    world, general, paper = ledger_world
    a = world.schools["a"]
    second = reports.item_ledger(a, general, paper, datetime.date(2026, 2, 1), datetime.date(2026, 2, 28),
                                 limit=2, offset=2)
    assert second["carried"] == {"quantity": D("130"), "value": D("3450.00")}
    assert [line.balance_value for line in second["lines"]] == [D("2925.00")]
    assert second["closing"]["value"] == D("2925.00") and not second["truncated"]
    monkeypatch.setattr(report_views, "LEDGER_ROWS", 2)
    params = {"item": paper.pk, "warehouse": general.pk, "start": "2026-02-01", "end": "2026-02-28"}
    client = world.client(Role.KEEPER)
    first_page = client.get(reverse("stock:report_ledger"), params).content.decode()
    assert "第 1 / 2 页" in first_page and "下一页" in first_page
    html = client.get(reverse("stock:report_ledger"), {**params, "page": 2}).content.decode()
    assert "承前页" in html and 'id="opening-value">3,450.00<' in html and 'id="closing-value">2,925.00<' in html


def test_print_view_has_the_signature_lines(stocked):
    html = stocked.client(Role.KEEPER).get(reverse("stock:report_balance"), {"print": "1"}).content.decode()
    assert "仓管员（签字）" in html and "总务主任（签字）" in html
    assert "仓管员（签字）" not in stocked.client(Role.KEEPER).get(reverse("stock:report_balance")).content.decode()


def test_bad_page_parameters_fall_back_quietly(stocked):
    client = stocked.client(Role.DIRECTOR)
    for name, params in (("stock:report_spending", {"year": "abc", "kind": "x"}),
                         ("stock:report_expiring", {"days": "-3"}),
                         ("stock:report_balance", {"warehouse": "x", "category": "nope"}),
                         ("stock:report_ledger", {"start": "2026-99-01"})):
        assert client.get(reverse(name), params).status_code == 200, name
