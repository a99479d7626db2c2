"""The stock API: a contract for every school-owned model it serves, then the operations
through their actions: a requisition from draft to signed receipt, reversal, a count."""

import datetime
from decimal import Decimal

import pytest
from rest_framework.test import APIClient

from houqin.core.approvals import sign
from houqin.core.choices import Role
from houqin.core.models import ApprovalRequest
from houqin.stock.choices import CountStatus, RequisitionStatus
from houqin.stock.models import Batch, Item, Movement, Requisition, StockBalance, StockCount, Warehouse

from ..api_contracts import API, ApiContract, api_client, assert_error
from ..factories import RoomFactory
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


def schema_sample_ids(world):
    """An id of school a for each stock collection, for the schema walk in tests/core/test_api.py."""
    a = world.schools["a"]
    return {
        "warehouses": WarehouseFactory(school=a).pk, "stock-items": ItemFactory(school=a).pk,
        "stock-balances": balance(a).pk, "stock-batches": batch(a).pk, "stock-movements": movement(a).pk,
        "requisitions": requisition(a, requested_by=world.user(Role.DIRECTOR)).pk, "stock-counts": count(a).pk,
    }


class TestWarehouseApi(ApiContract):
    model, factory, path = Warehouse, WarehouseFactory, "warehouses"

    def valid_payload(self, world):
        return {"name": "食堂仓库", "kind": "canteen", "active": True}

    def edit_payload(self, world, obj):
        return {"name": "总务仓库（东）"}

    def other_school_payload(self, world):
        return {**self.valid_payload(world), "room": RoomFactory(school=world.schools["b"]).pk}


class TestItemApi(ApiContract):
    model, factory, path = Item, ItemFactory, "stock-items"

    def valid_payload(self, world):
        return {"code": "BG0001", "name": "白板笔", "unit": "支", "category": "office", "kind": "consumable",
                "reorder_level": "10.00"}

    def edit_payload(self, world, obj):
        return {"name": "黑板擦"}


class ReadOnlyApi(ApiContract):
    writable = False

    def valid_payload(self, world):
        return {"quantity": "1"}


class TestStockBalanceApi(ReadOnlyApi):
    model, path = StockBalance, "stock-balances"

    def make(self, world, school="a", **kwargs):
        return balance(world.schools[school])


class TestBatchApi(ReadOnlyApi):
    model, path = Batch, "stock-batches"

    def make(self, world, school="a", **kwargs):
        return batch(world.schools[school])


class TestMovementApi(ReadOnlyApi):
    model, path = Movement, "stock-movements"

    def make(self, world, school="a", **kwargs):
        return movement(world.schools[school])


class TestRequisitionApi(ApiContract):
    """Each role's test works on a requisition of his own: a requester sees only his own."""

    model, path = Requisition, "requisitions"

    @pytest.fixture(autouse=True)
    def _requester(self, request):
        callspec = getattr(request.node, "callspec", None)
        self.role = callspec.params.get("role", Role.PRINCIPAL) if callspec else Role.PRINCIPAL

    def make(self, world, school="a", **kwargs):
        return requisition(world.schools[school], requested_by=world.user(self.role, school))

    def valid_payload(self, world):
        a = world.schools["a"]
        return {"warehouse": WarehouseFactory(school=a).pk, "purpose": "教学用", "department": "六(3)班",
                "lines": [{"item": ItemFactory(school=a).pk, "quantity": "2.00"}]}

    def edit_payload(self, world, obj):
        return {"purpose": "改为美术课用"}

    def other_school_payload(self, world):
        return {**self.valid_payload(world), "warehouse": WarehouseFactory(school=world.schools["c"]).pk}


class TestStockCountApi(ApiContract):
    model, path = StockCount, "stock-counts"

    def make(self, world, school="a", **kwargs):
        return count(world.schools[school])

    def valid_payload(self, world):
        warehouse = WarehouseFactory(school=world.schools["a"])
        stock(world.schools["a"], warehouse=warehouse)
        return {"warehouse": warehouse.pk, "month": MONTH.isoformat(), "note": ""}

    def edit_payload(self, world, obj):
        return {"note": "月末盘存"}

    def other_school_payload(self, world):
        return {"warehouse": WarehouseFactory(school=world.schools["c"]).pk, "month": MONTH.isoformat()}


# --- operations ---------------------------------------------------------------------------------


def test_a_requisition_through_the_api(world):
    a = world.schools["a"]
    warehouse, chalk = WarehouseFactory(school=a), ItemFactory(school=a, name="粉笔")
    tube = ItemFactory(school=a, name="日光灯管", old_for_new=True)
    stock(a, quantity=10, unit_cost=D("5.00"), warehouse=warehouse, item=chalk)
    stock(a, quantity=10, unit_cost=D("20.00"), warehouse=warehouse, item=tube)
    teacher, keeper = api_client(world, Role.TEACHER), api_client(world, Role.KEEPER)
    body = {"warehouse": warehouse.pk, "purpose": "教学", "lines": [{"item": chalk.pk, "quantity": "4"},
                                                                   {"item": tube.pk, "quantity": "1"}]}
    response = teacher.post(f"{API}requisitions/", body, format="json")
    assert response.status_code == 201, response.data
    pk = response.json()["id"]
    url = f"{API}requisitions/{pk}/"
    assert api_client(world, Role.WORKER).get(url).status_code == 404
    assert_error(keeper.post(f"{url}submit/", {}, format="json"), 403)
    assert teacher.post(f"{url}submit/", {}, format="json").json()["amount"] == "40.00"
    sign(ApprovalRequest.objects.get(policy="stock.requisition"), by=world.user(Role.DIRECTOR), decision="approve")
    lines = {row["item"]: row["id"] for row in teacher.get(url).json()["lines"]}
    assert_error(teacher.post(f"{url}issue/", {"lines": [{"line": lines[chalk.pk], "quantity": "4"}]},
                              format="json"), 403)
    response = keeper.post(f"{url}issue/", {"lines": [{"line": lines[tube.pk], "quantity": "1"}]}, format="json")
    assert_error(response)
    assert "以旧换新" in str(response.json())
    response = api_client(world, Role.DIRECTOR).post(f"{url}waive-old/", {"line": lines[tube.pk],
                                                                           "reason": "旧灯管已碎"}, format="json")
    assert response.status_code == 200, response.data
    response = keeper.post(f"{url}issue/", {"lines": [{"line": lines[chalk.pk], "quantity": "4"},
                                                      {"line": lines[tube.pk], "quantity": "1"}]}, format="json")
    assert response.json()["status"] == RequisitionStatus.ISSUED
    assert_error(keeper.post(f"{url}confirm/", {}, format="json"), 403)
    assert teacher.post(f"{url}confirm/", {}, format="json").json()["status"] == RequisitionStatus.RECEIVED
    assert_error(teacher.post(f"{url}confirm/", {"bad": 1}, format="json"))


def test_reverse_and_count_through_the_api(world):
    a = world.schools["a"]
    entry = movement(a)
    keeper = api_client(world, Role.KEEPER)
    assert_error(api_client(world, Role.ACCOUNTANT).post(f"{API}stock-movements/{entry.pk}/reverse/",
                                                         {"note": "录错"}, format="json"), 403)
    response = keeper.post(f"{API}stock-movements/{entry.pk}/reverse/", {"note": "录错"}, format="json")
    assert response.status_code == 201 and response.json()["reverses"] == entry.pk
    sheet = count(a)
    line = sheet.lines.get()
    url = f"{API}stock-counts/{sheet.pk}/"
    assert_error(keeper.post(f"{url}count/", {"lines": [{"line": line.pk, "counted": "-1"}]}, format="json"))
    response = keeper.post(f"{url}count/", {"lines": [{"line": line.pk, "counted": "9", "note": "破损"}]},
                           format="json")
    assert response.json()[0]["variance_value"] == "-2.50"
    assert keeper.post(f"{url}submit/", {}, format="json").json()["status"] == CountStatus.PENDING
    assert_error(api_client(world, Role.TEACHER).post(f"{url}cancel/", {}, format="json"), 403)


@pytest.mark.parametrize("role", [Role.TEACHER, Role.KEEPER, Role.ACCOUNTANT, Role.WORKER])
def test_close_short_through_the_api(world, role):
    req = partly_issued(world.schools["a"], requested_by=world.user(Role.TEACHER))
    url = f"{API}requisitions/{req.pk}/close-short/"
    client = api_client(world, role)
    response = client.post(url, {"reason": "缺货，不再采购"}, format="json")
    req.refresh_from_db()
    if role == Role.WORKER:  # not his requisition: he does not see it
        assert response.status_code == 404
    elif role == Role.ACCOUNTANT:  # sees it, may not close it
        assert_error(response, 403)
    if role in (Role.WORKER, Role.ACCOUNTANT):
        assert (req.status, req.closed_short_reason) == (RequisitionStatus.PARTLY_ISSUED, "")
        return
    assert response.status_code == 200, response.data
    body = response.json()
    assert (body["status"], body["closed_short_reason"], body["closed_short_by"]) == (
        RequisitionStatus.ISSUED, "缺货，不再采购", world.user(role).pk)
    assert_error(client.post(url, {"reason": "再结"}, format="json"))  # no longer partly issued


def test_close_short_api_refuses_bad_input_other_schools_and_anonymous(world):
    req = partly_issued(world.schools["a"], requested_by=world.user(Role.TEACHER))
    keeper = api_client(world, Role.KEEPER)
    url = f"{API}requisitions/{req.pk}/close-short/"
    assert_error(keeper.post(url, {}, format="json"))
    assert_error(keeper.post(url, {"reason": "  "}, format="json"))
    assert_error(keeper.post(url, {"reason": "缺货", "lines": []}, format="json"))
    assert_error(APIClient().post(url, {"reason": "缺货"}, format="json"), 401)
    for other in ("b", "c"):
        theirs = partly_issued(world.schools[other])
        response = keeper.post(f"{API}requisitions/{theirs.pk}/close-short/", {"reason": "缺货"}, format="json")
        assert response.status_code == 404
        assert Requisition.objects.get(pk=theirs.pk).status == RequisitionStatus.PARTLY_ISSUED
    req.refresh_from_db()
    assert req.status == RequisitionStatus.PARTLY_ISSUED


def count_with_a_late_arrival(world):
    """A keeper's open count of rice batch R1 (5), and batch R2 (2) received after opening."""
    a = world.schools["a"]
    warehouse, rice = WarehouseFactory(school=a), food(a)
    expiry = MONTH + datetime.timedelta(days=120)
    stock(a, quantity=5, warehouse=warehouse, item=rice, batch_code="R1", expires_on=expiry)
    keeper = api_client(world, Role.KEEPER)
    pk = keeper.post(f"{API}stock-counts/", {"warehouse": warehouse.pk, "month": MONTH.isoformat()},
                     format="json").json()["id"]
    stock(a, quantity=2, warehouse=warehouse, item=rice, batch_code="R2", expires_on=expiry)
    return keeper, pk, expiry


def test_count_lines_through_the_api_show_batches_and_late_arrivals(world):
    keeper, pk, expiry = count_with_a_late_arrival(world)
    rows = keeper.get(f"{API}stock-counts/{pk}/lines/").json()
    assert sorted((r["batch_code"], r["expires_on"], r["expected"]) for r in rows) == [
        ("R1", expiry.isoformat(), "5.00"), ("R2", expiry.isoformat(), "2.00")]
    line = next(r["id"] for r in rows if r["batch_code"] == "R1")
    response = keeper.post(f"{API}stock-counts/{pk}/count/", {"lines": [{"line": line, "counted": "4"}]},
                           format="json")
    counted = next(r for r in response.json() if r["id"] == line)
    assert (counted["variance"], counted["counted_at"] is not None) == ("-1.00", True)


def test_reading_a_count_sheet_through_the_api_writes_nothing(world):
    """GET lines shows a late arrival without an id and saves nothing; counting adds it."""
    from houqin.stock.models import StockCountLine

    keeper, pk, expiry = count_with_a_late_arrival(world)
    before = StockCountLine.objects.filter(count_id=pk).count()
    rows = keeper.get(f"{API}stock-counts/{pk}/lines/").json()
    assert StockCountLine.objects.filter(count_id=pk).count() == before == 1
    assert [r["id"] is None for r in sorted(rows, key=lambda r: r["batch_code"])] == [False, True]
    line = next(r["id"] for r in rows if r["id"])
    counted = keeper.post(f"{API}stock-counts/{pk}/count/", {"lines": [{"line": line, "counted": "5"}]},
                          format="json")
    assert counted.status_code == 200 and all(r["id"] for r in counted.json())
    assert StockCountLine.objects.filter(count_id=pk).count() == 2
