"""Pages of the stock app: the page contract for every school-owned model (each role, other
schools, anonymous, bad input, constant queries), then the operations through their pages:
goods in, transfer, reversal, a whole requisition, the old-for-new waiver, a monthly count."""

import datetime
from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse

from houqin.core.approvals import sign
from houqin.core.choices import Role
from houqin.core.models import ApprovalRequest
from houqin.stock.choices import CountStatus, MovementKind, RequisitionStatus
from houqin.stock.models import Batch, Item, Movement, Requisition, StockBalance, StockCount, Warehouse

from ..conftest import ALL_ROLES
from ..contracts import PagesContract
from .factories import (
    ItemFactory,
    WarehouseFactory,
    balance,
    batch,
    count,
    food,
    movement,
    partly_issued,
    requisition,
    stock,
)

pytestmark = pytest.mark.django_db
D = Decimal
MONTH = datetime.date.today().replace(day=1)


def said(response):
    """The messages of the session; the last one is the answer to this request."""
    return [str(m) for m in get_messages(response.wsgi_request)]


def last(response):
    return said(response)[-1]


class TestWarehousePages(PagesContract):
    model = Warehouse
    factory = WarehouseFactory

    def valid_form(self, world):
        return {"name": "食堂仓库", "kind": "canteen", "active": "on"}

    def edit_form(self, world, obj):
        return {"name": "总务仓库（东）", "kind": "general", "active": "on"}


class TestItemPages(PagesContract):
    model = Item
    factory = ItemFactory

    def valid_form(self, world):
        return {"code": "BG0001", "name": "白板笔", "unit": "支", "category": "office", "kind": "consumable",
                "reorder_level": "10", "active": "on"}

    def edit_form(self, world, obj):
        return {"code": obj.code, "name": "黑板擦", "unit": "个", "category": "teaching", "kind": "consumable",
                "reorder_level": "5", "old_for_new": "on", "active": "on"}


class ReadOnlyPages(PagesContract):
    def valid_form(self, world):
        return {}


class TestStockBalancePages(ReadOnlyPages):
    model = StockBalance

    def make(self, world, school="a", **kwargs):
        return balance(world.schools[school])


class TestBatchPages(ReadOnlyPages):
    model = Batch

    def make(self, world, school="a", **kwargs):
        return batch(world.schools[school])


class TestMovementPages(ReadOnlyPages):
    model = Movement

    def make(self, world, school="a", **kwargs):
        return movement(world.schools[school])


class TestRequisitionPages(PagesContract):
    """Each role's test works on a requisition of his own: a requester sees only his own."""

    model = Requisition

    @pytest.fixture(autouse=True)
    def _requester(self, request):
        callspec = getattr(request.node, "callspec", None)
        self.role = callspec.params.get("role", Role.PRINCIPAL) if callspec else Role.PRINCIPAL

    def make(self, world, school="a", **kwargs):
        return requisition(world.schools[school], requested_by=world.user(self.role, school))

    def valid_form(self, world):
        a = world.schools["a"]
        return {"warehouse": WarehouseFactory(school=a).pk, "department": "六(3)班", "purpose": "教学用",
                "lines-TOTAL_FORMS": "2", "lines-INITIAL_FORMS": "0", "lines-0-item": ItemFactory(school=a).pk,
                "lines-0-quantity": "2", "lines-1-item": "", "lines-1-quantity": ""}

    def edit_form(self, world, obj):
        return {**self.valid_form(world), "warehouse": obj.warehouse_id, "purpose": "改为美术课用"}


class TestStockCountPages(PagesContract):
    model = StockCount

    def make(self, world, school="a", **kwargs):
        return count(world.schools[school])

    def valid_form(self, world):
        warehouse = WarehouseFactory(school=world.schools["a"])
        stock(world.schools["a"], warehouse=warehouse)
        return {"warehouse": warehouse.pk, "month": MONTH.strftime("%Y-%m"), "note": ""}

    def edit_form(self, world, obj):
        return {"note": "食堂仓库月末盘存"}


# --- items: search and low stock ------------------------------------------------------------


def test_items_are_found_by_pinyin_and_flagged_when_low(world):
    a = world.schools["a"]
    chalk = ItemFactory(school=a, name="粉笔", reorder_level=D("20"))
    paper = ItemFactory(school=a, name="复印纸", reorder_level=D("5"))
    stock(a, quantity=10, item=chalk)
    stock(a, quantity=10, item=paper)
    client = world.client(Role.KEEPER)
    found = client.get(reverse("stock:item_list"), {"q": "fb"}).context["object_list"]
    assert [i.pk for i in found] == [chalk.pk]
    low = client.get(reverse("stock:item_list"), {"low": "true"}).context["object_list"]
    assert [(i.pk, i.on_hand, i.low) for i in low] == [(chalk.pk, D("10"), True)]


def test_balances_show_average_cost_and_total_value(world):
    a = world.schools["a"]
    warehouse, item = WarehouseFactory(school=a), ItemFactory(school=a)
    stock(a, quantity=10, unit_cost=D("2.00"), warehouse=warehouse, item=item)
    stock(a, quantity=10, unit_cost=D("3.00"), warehouse=warehouse, item=item)
    response = world.client(Role.ACCOUNTANT).get(reverse("stock:stockbalance_list"), {"warehouse": warehouse.pk})
    assert response.context["total_value"] == D("50.00")
    assert "2.5000" in response.content.decode()


# --- goods in, transfer, reversal ----------------------------------------------------------


def test_keeper_receives_a_donation(world):
    a = world.schools["a"]
    warehouse, item = WarehouseFactory(school=a), ItemFactory(school=a)
    form = {"warehouse": warehouse.pk, "item": item.pk, "quantity": "20", "unit_cost": "1.50",
            "on": datetime.date.today().isoformat(), "note": "家长委员会捐赠"}
    assert world.client(Role.TEACHER).post(reverse("stock:receive"), form).status_code == 403
    response = world.client(Role.KEEPER).post(reverse("stock:receive"), form)
    assert response.status_code == 302
    entry = Movement.objects.get()
    assert (entry.kind, entry.quantity, entry.amount, entry.note) == (MovementKind.RECEIPT, D("20"), D("30.00"),
                                                                      "家长委员会捐赠")
    rice = food(a)
    response = world.client(Role.KEEPER).post(reverse("stock:receive"), {**form, "item": rice.pk})
    assert response.status_code == 200 and "须填写保质期" in str(response.context["form"].errors)
    theirs = WarehouseFactory(school=world.schools["c"])
    response = world.client(Role.KEEPER).post(reverse("stock:receive"), {**form, "warehouse": theirs.pk})
    assert response.status_code == 200 and Movement.objects.count() == 1


def test_transfer_through_the_page(world):
    a = world.schools["a"]
    general, canteen, item = WarehouseFactory(school=a), WarehouseFactory(school=a), ItemFactory(school=a)
    stock(a, quantity=5, unit_cost=D("2.00"), warehouse=general, item=item)
    form = {"source": general.pk, "target": canteen.pk, "item": item.pk, "quantity": "6"}
    response = world.client(Role.KEEPER).post(reverse("stock:transfer"), form)
    assert response.status_code == 200 and "库存不足" in str(response.context["form"].errors)
    response = world.client(Role.KEEPER).post(reverse("stock:transfer"), {**form, "quantity": "2"})
    assert response.status_code == 302
    assert canteen.balances.get(item=item).value == D("4.00")


def test_reverse_a_movement_through_the_page(world):
    entry = movement(world.schools["a"])
    url = reverse("stock:movement_reverse", args=[entry.pk])
    response = world.client(Role.ACCOUNTANT).post(url, {"reverse-note": "录错"})
    assert "只有" in last(response) and Movement.objects.count() == 1
    response = world.client(Role.KEEPER).post(url, {"reverse-note": ""})
    assert Movement.objects.count() == 1
    response = world.client(Role.KEEPER).post(url, {"reverse-note": "数量录错"})
    assert last(response) == "已冲销"
    assert Movement.objects.filter(reverses=entry).exists()
    other = movement(world.schools["b"])
    assert world.client(Role.KEEPER).post(reverse("stock:movement_reverse", args=[other.pk]),
                                          {"reverse-note": "x"}).status_code == 404
    page = world.client(Role.KEEPER).get(entry.get_absolute_url()).content.decode()
    assert "已被" in page and "冲销" in page


# --- a requisition through its pages ----------------------------------------------------------


def test_a_requisition_from_request_to_signed_receipt(world):
    a = world.schools["a"]
    warehouse, chalk = WarehouseFactory(school=a), ItemFactory(school=a, name="粉笔")
    stock(a, quantity=10, unit_cost=D("5.00"), warehouse=warehouse, item=chalk)
    teacher, keeper = world.client(Role.TEACHER), world.client(Role.KEEPER)
    form = {"warehouse": warehouse.pk, "purpose": "六(3)班教学", "department": "六(3)班",
            "lines-TOTAL_FORMS": "1", "lines-INITIAL_FORMS": "0", "lines-0-item": chalk.pk, "lines-0-quantity": "4"}
    response = teacher.post(reverse("stock:requisition_add"), form)
    req = Requisition.objects.get()
    assert response["Location"] == req.get_absolute_url()
    teacher.post(reverse("stock:requisition_submit", args=[req.pk]))
    # Someone else's requisition is not shown to another requester.
    assert world.client(Role.WORKER).get(req.get_absolute_url()).status_code == 404
    assert req.pk not in [r.pk for r in world.client(Role.WORKER).get(
        reverse("stock:requisition_list")).context["object_list"]]
    sign(ApprovalRequest.objects.get(policy="stock.requisition"), by=world.user(Role.DIRECTOR), decision="approve")
    line = req.lines.get()
    page = keeper.get(req.get_absolute_url()).content.decode()
    assert f'name="issue_{line.pk}"' in page
    assert f'name="issue_{line.pk}"' not in teacher.get(req.get_absolute_url()).content.decode()
    response = teacher.post(reverse("stock:requisition_issue", args=[req.pk]), {f"issue_{line.pk}": "4"})
    assert "只有" in last(response)
    response = keeper.post(reverse("stock:requisition_issue", args=[req.pk]), {f"issue_{line.pk}": "abc"})
    assert "不是有效数字" in last(response)
    keeper.post(reverse("stock:requisition_issue", args=[req.pk]), {f"issue_{line.pk}": "1"})
    keeper.post(reverse("stock:requisition_issue", args=[req.pk]), {f"issue_{line.pk}": "3"})
    req.refresh_from_db()
    assert req.status == RequisitionStatus.ISSUED
    assert "只有申请人本人可以签收" in last(keeper.post(reverse("stock:requisition_confirm", args=[req.pk])))
    assert last(teacher.post(reverse("stock:requisition_confirm", args=[req.pk]))) == "已签收"
    req.refresh_from_db()
    assert req.status == RequisitionStatus.RECEIVED
    printed = teacher.get(reverse("stock:requisition_print", args=[req.pk])).content.decode()
    assert "物品领用单" in printed and req.number in printed and "已签收" in printed


def test_requisition_actions_on_another_schools_requisition_are_404(world):
    theirs = requisition(world.schools["b"], submit=True)
    for name in ("submit", "cancel", "issue", "waive", "confirm", "close", "print"):
        client = world.client(Role.DIRECTOR)
        url = reverse(f"stock:requisition_{name}", args=[theirs.pk])
        response = client.get(url) if name == "print" else client.post(url)
        assert response.status_code == 404, name
    assert Requisition.objects.get(pk=theirs.pk).status == RequisitionStatus.PENDING


def test_the_director_waives_the_old_item_on_the_page(world):
    a = world.schools["a"]
    warehouse, tube = WarehouseFactory(school=a), ItemFactory(school=a, name="日光灯管", old_for_new=True)
    stock(a, quantity=5, warehouse=warehouse, item=tube)
    req = requisition(a, requested_by=world.user(Role.TEACHER), warehouse=warehouse, lines=[(tube, D("1"), "")],
                      submit=True)
    sign(ApprovalRequest.objects.get(policy="stock.requisition"), by=world.user(Role.DIRECTOR), decision="approve")
    line = req.lines.get()
    url = reverse("stock:requisition_waive", args=[req.pk])
    assert "只有" in last(world.client(Role.KEEPER).post(url, {"waive-line": line.pk, "waive-reason": "碎了"}))
    director = world.client(Role.DIRECTOR)
    assert "免交旧物" in director.get(req.get_absolute_url()).content.decode()
    assert last(director.post(url, {"waive-line": line.pk, "waive-reason": "旧灯管已碎"})) == "已批准免交旧物"
    line.refresh_from_db()
    assert line.old_waived_by == world.user(Role.DIRECTOR)


@pytest.mark.parametrize("role", ALL_ROLES)
def test_close_short_on_the_page_per_role(world, role):
    """部分发放后结案: the requester and the keepers (keeper, director, principal) close it;
    another role is refused (or, not seeing the requisition, gets a 404); nothing changes."""
    req = partly_issued(world.schools["a"], requested_by=world.user(Role.TEACHER))
    client, url = world.client(role), reverse("stock:requisition_close", args=[req.pk])
    allowed = role in (Role.TEACHER, Role.KEEPER, Role.DIRECTOR, Role.PRINCIPAL)
    sees = allowed or role in (Role.ACCOUNTANT, Role.DISTRICT_OFFICER)
    response = client.post(url, {"close-reason": "缺货，不再采购"})
    req.refresh_from_db()
    if not sees:
        assert response.status_code in (403, 404)
        assert req.status == RequisitionStatus.PARTLY_ISSUED
        return
    if not allowed:
        assert "只有申请人或仓管员" in last(response)
        assert (req.status, req.closed_short_reason) == (RequisitionStatus.PARTLY_ISSUED, "")
        assert 'id="close-requisition"' not in client.get(req.get_absolute_url()).content.decode()
        return
    assert last(response) == "已结案：未发的物品不再发放，请申请人签收"
    assert (req.status, req.closed_short_by, req.closed_short_reason) == (
        RequisitionStatus.ISSUED, world.user(role), "缺货，不再采购")


def test_close_short_through_the_page(world):
    a = world.schools["a"]
    req = partly_issued(a, requested_by=world.user(Role.TEACHER))
    teacher, keeper = world.client(Role.TEACHER), world.client(Role.KEEPER)
    url = reverse("stock:requisition_close", args=[req.pk])
    page = keeper.get(req.get_absolute_url()).content.decode()
    assert 'id="close-requisition"' in page and 'name="close-reason"' in page
    assert 'id="issue-requisition"' in page  # the issue form is still there
    assert 'id="close-requisition"' in teacher.get(req.get_absolute_url()).content.decode()
    assert "结案原因" in last(keeper.post(url, {"close-reason": ""}))
    req.refresh_from_db()
    assert req.status == RequisitionStatus.PARTLY_ISSUED
    assert last(keeper.post(url, {"close-reason": "缺货，不再采购"})) == "已结案：未发的物品不再发放，请申请人签收"
    page = teacher.get(req.get_absolute_url()).content.decode()
    assert "结案：缺货，不再采购" in page and 'id="confirm-requisition"' in page
    assert 'id="close-requisition"' not in page and 'id="issue-requisition"' not in page
    listed = teacher.get(reverse("stock:requisition_list")).content.decode()
    assert "已发放待签收（结案：缺货，不再采购）" in listed
    printed = teacher.get(reverse("stock:requisition_print", args=[req.pk])).content.decode()
    assert "结案：缺货，不再采购" in printed
    assert "只有部分发放" in last(keeper.post(url, {"close-reason": "再结"}))
    assert last(teacher.post(reverse("stock:requisition_confirm", args=[req.pk]))) == "已签收"
    theirs = partly_issued(world.schools["b"])
    response = keeper.post(reverse("stock:requisition_close", args=[theirs.pk]), {"close-reason": "缺货"})
    assert response.status_code == 404
    assert Requisition.objects.get(pk=theirs.pk).status == RequisitionStatus.PARTLY_ISSUED
    response = Client().post(reverse("stock:requisition_close", args=[theirs.pk]), {"close-reason": "缺货"})
    assert response.status_code == 302 and "/login/" in response["Location"]


# --- a monthly count through its pages ---------------------------------------------------------


def test_a_monthly_count_through_its_pages(world):
    a = world.schools["a"]
    warehouse, chalk = WarehouseFactory(school=a), ItemFactory(school=a, name="粉笔")
    stock(a, quantity=10, unit_cost=D("5.00"), warehouse=warehouse, item=chalk)
    keeper = world.client(Role.KEEPER)
    response = keeper.post(reverse("stock:stockcount_add"),
                           {"warehouse": warehouse.pk, "month": MONTH.strftime("%Y-%m")})
    count_ = StockCount.objects.get()
    assert response["Location"] == count_.get_absolute_url()
    line = count_.lines.get()
    assert world.client(Role.TEACHER).post(reverse("stock:stockcount_enter", args=[count_.pk]),
                                           {f"counted_{line.pk}": "1"}).status_code == 403
    response = keeper.post(reverse("stock:stockcount_enter", args=[count_.pk]), {f"counted_{line.pk}": "-2"})
    assert "不能为负数" in last(response)
    keeper.post(reverse("stock:stockcount_enter", args=[count_.pk]), {f"counted_{line.pk}": "8",
                                                                      f"note_{line.pk}": "受潮报废"})
    page = keeper.get(count_.get_absolute_url()).content.decode()
    assert "盘亏 -2" in page and "-10.00" in page
    keeper.post(reverse("stock:stockcount_submit", args=[count_.pk]))
    count_.refresh_from_db()
    assert count_.status == CountStatus.PENDING
    sign(ApprovalRequest.objects.get(policy="stock.count"), by=world.user(Role.DIRECTOR), decision="approve")
    assert warehouse.balances.get(item=chalk).quantity == D("8")
    adjustment = Movement.objects.get(kind=MovementKind.ADJUSTMENT)
    assert adjustment.note == f"{MONTH:%Y年%m月}盘存盘亏：受潮报废"
    theirs = count(world.schools["b"])
    assert keeper.post(reverse("stock:stockcount_submit", args=[theirs.pk])).status_code == 404


def test_the_count_page_writes_nothing_on_get(world):
    """An open sheet is shown as the ledger stands (late arrivals, today's book quantity of
    uncounted lines) without a write: lines, their values and the count's history stay."""
    a = world.schools["a"]
    warehouse, chalk, ink = WarehouseFactory(school=a), ItemFactory(school=a, name="粉笔"), ItemFactory(school=a)
    stock(a, quantity=10, unit_cost=D("5.00"), warehouse=warehouse, item=chalk)
    keeper = world.client(Role.KEEPER)
    keeper.post(reverse("stock:stockcount_add"), {"warehouse": warehouse.pk, "month": MONTH.strftime("%Y-%m")})
    count_ = StockCount.objects.get()
    stock(a, quantity=3, unit_cost=D("5.00"), warehouse=warehouse, item=chalk)
    stock(a, quantity=2, unit_cost=D("3.00"), warehouse=warehouse, item=ink)

    def rows():
        return (list(count_.lines.values_list("pk", "item", "expected", "unit_cost", "counted")),
                count_.history.count(), StockCount.objects.get(pk=count_.pk).updated_at)

    before = rows()
    for role in (Role.KEEPER, Role.DIRECTOR, Role.ACCOUNTANT):
        page = world.client(role).get(count_.get_absolute_url())
        assert page.status_code == 200
    assert rows() == before
    body = keeper.get(count_.get_absolute_url()).content.decode()
    assert "账面 13 " in body and "新入库 1 项" in body and rows() == before


@pytest.mark.parametrize("role", ALL_ROLES)
def test_menu_pages_answer_every_role(world, role):
    """Every page of the section answers 200 or 403, never a 500."""
    client = world.client(role)
    for name in ("requisition_list", "stockbalance_list", "movement_list", "item_list", "batch_list",
                 "stockcount_list", "warehouse_list", "receive", "transfer", "stockcount_add", "requisition_add"):
        assert client.get(reverse(f"stock:{name}")).status_code in (200, 403), name



def test_the_count_sheet_lists_food_by_batch_and_adds_late_arrivals(world):
    a = world.schools["a"]
    warehouse, rice = WarehouseFactory(school=a), food(a)
    expiry = datetime.date.today() + datetime.timedelta(days=40)
    stock(a, quantity=5, warehouse=warehouse, item=rice, batch_code="RICE-0901", expires_on=expiry)
    keeper = world.client(Role.KEEPER)
    keeper.post(reverse("stock:stockcount_add"), {"warehouse": warehouse.pk, "month": MONTH.strftime("%Y-%m")})
    count_ = StockCount.objects.get()
    page = keeper.get(count_.get_absolute_url()).content.decode()
    assert "批号 RICE-0901" in page and f"保质期至 {expiry:%Y-%m-%d}" in page
    stock(a, quantity=3, warehouse=warehouse, item=rice, batch_code="RICE-0915", expires_on=expiry)
    response = keeper.get(count_.get_absolute_url())
    assert "批号 RICE-0915" in response.content.decode() and "新入库 1 项" in response.content.decode()
    assert count_.lines.count() == 1  # the page shows the late arrival; a GET writes nothing
    response = keeper.post(reverse("stock:stockcount_enter", args=[count_.pk]))
    assert "已增加 1 项" in last(response)
    assert count_.lines.count() == 2
    # The accountant reads the sheet but does not change it.
    stock(a, quantity=3, warehouse=warehouse, item=rice, batch_code="RICE-0920", expires_on=expiry)
    assert world.client(Role.ACCOUNTANT).get(count_.get_absolute_url()).status_code == 200
    assert count_.lines.count() == 2
