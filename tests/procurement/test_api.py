"""The procurement API: a contract for every school-owned model it serves, then the chain
through the endpoints with the same rules as the pages (approval by amount, three quotes,
expired licence, the buyer barred from acceptance and as 验收人, duplicate invoice)."""

import datetime
from decimal import Decimal

import pytest

from houqin.core.choices import Role
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
from houqin.stock.choices import ItemCategory
from houqin.stock.models import Movement
from tests.stock.factories import ItemFactory, WarehouseFactory

from ..api_contracts import API, ApiContract, api_client, assert_error
from . import factories as f

pytestmark = pytest.mark.django_db
TODAY = datetime.date.today


class TestSupplierApi(ApiContract):
    model, factory, path = Supplier, f.SupplierFactory, "suppliers"

    def valid_payload(self, world):
        return {"name": "恩施粮油批发部", "credit_code": "91422801MA4F000001", "categories": ["food"], "food": True}

    def edit_payload(self, world, obj):
        return {"name": obj.name + "（新）", "admission": "suspended", "categories": ["office"]}


class TestLicenceApi(ApiContract):
    model, factory, path = Licence, f.LicenceFactory, "supplier-licences"

    def make(self, world, school="a", **kwargs):
        return self.factory(supplier=f.SupplierFactory(school=world.schools[school]), **kwargs)

    def valid_payload(self, world):
        return {"supplier": f.SupplierFactory(school=world.schools["a"]).pk, "kind": "business",
                "number": "91422801", "expires_on": "2027-01-01"}

    def edit_payload(self, world, obj):
        return {"supplier": obj.supplier_id, "kind": obj.kind, "number": "NEW", "expires_on": "2028-01-01"}

    def other_school_payload(self, world):
        return {**self.valid_payload(world), "supplier": f.SupplierFactory(school=world.schools["c"]).pk}


class TestDesignationApi(ApiContract):
    model, factory, path = Designation, f.DesignationFactory, "supplier-designations"

    def make(self, world, school="a", **kwargs):
        return self.factory(supplier=f.SupplierFactory(school=world.schools[school]), **kwargs)

    def valid_payload(self, world):
        # a category school a has no designated supplier for yet (one per category); never
        # delete one, which may be the very row a full update is about to write
        taken = set(Designation.objects.filter(school=world.schools["a"]).values_list("category", flat=True))
        free = next(c for c in ItemCategory.values if c not in taken)
        return {"category": free, "supplier": f.SupplierFactory(school=world.schools["a"]).pk,
                "since": "2026-09-01"}

    def edit_payload(self, world, obj):
        return {"category": obj.category, "supplier": f.SupplierFactory(school=obj.school).pk, "since": "2026-09-02"}

    def other_school_payload(self, world):
        return {**self.valid_payload(world), "supplier": f.SupplierFactory(school=world.schools["b"]).pk}


class TestRatingApi(ApiContract):
    model, factory, path = Rating, f.RatingFactory, "supplier-ratings"
    writable = False

    def valid_payload(self, world):
        return {"score": 5}


class TestPurchaseRequestApi(ApiContract):
    model, factory, path = PurchaseRequest, f.PurchaseRequestFactory, "purchase-requests"

    def valid_payload(self, world):
        return {"title": "采购粉笔", "reason": "教学需要", "budget_line": "公用经费",
                "lines": [{"item": ItemFactory(school=world.schools["a"]).pk, "quantity": "10", "unit": "盒",
                           "unit_price": "2.50"}]}

    def edit_payload(self, world, obj):
        return {"title": "采购白板笔", "lines": [{"description": "白板笔", "quantity": "20", "unit": "支",
                                              "unit_price": "1.50"}]}

    def other_school_payload(self, world):
        payload = self.valid_payload(world)
        payload["lines"][0]["item"] = ItemFactory(school=world.schools["c"]).pk
        return payload


class TestPurchaseOrderApi(ApiContract):
    model, factory, path = PurchaseOrder, f.PurchaseOrderFactory, "purchase-orders"

    def valid_payload(self, world):
        school = world.schools["a"]
        return {"request": f.approved(school).pk, "supplier": f.supplier(school).pk, "deliver_by": "2026-09-10"}

    def edit_payload(self, world, obj):
        return {"deliver_by": "2026-09-12", "notes": "送到总务仓库"}

    def other_school_payload(self, world):
        return {**self.valid_payload(world), "supplier": f.supplier(world.schools["c"]).pk}


class TestAcceptanceApi(ApiContract):
    model, factory, path = Acceptance, f.AcceptanceFactory, "acceptances"

    def valid_payload(self, world):
        school = world.schools["a"]
        return {"order": f.order(school).pk, "warehouse": WarehouseFactory(school=school).pk,
                "received_on": TODAY().isoformat()}

    def edit_payload(self, world, obj):
        return {"invoice_number": "FP1", "note": "外包装完好"}

    def other_school_payload(self, world):
        return {**self.valid_payload(world), "warehouse": WarehouseFactory(school=world.schools["c"]).pk}


class TestVoucherApi(ApiContract):
    model, factory, path = Voucher, f.VoucherFactory, "vouchers"

    def valid_payload(self, world):
        made = f.accepted(world.schools["a"])
        return {"acceptance": made.pk, "invoice_number": f"NO{made.pk}", "invoice_date": TODAY().isoformat(),
                "amount": str(made.accepted_value)}

    def edit_payload(self, world, obj):
        return {"invoice_number": obj.invoice_number + "X"}

    def other_school_payload(self, world):
        made = f.accepted(world.schools["c"])
        return {**self.valid_payload(world), "acceptance": made.pk}


def schema_sample_ids(world):
    """An existing id of school a for each procurement collection, for the schema walk of
    tests/core/test_api.py: a draft request, a placed order, a draft acceptance, an unsigned
    voucher — so that every action answers a bad body with 400."""
    school = world.schools["a"]
    voucher = f.voucher(school)
    return {
        "suppliers": f.supplier(school).pk,
        "supplier-licences": f.LicenceFactory(supplier=f.SupplierFactory(school=school)).pk,
        "supplier-designations": f.DesignationFactory(supplier=f.SupplierFactory(school=school)).pk,
        "supplier-ratings": f.RatingFactory(school=school).pk,
        "purchase-requests": f.request(school).pk,
        "purchase-orders": voucher.acceptance.order.pk,
        "acceptances": f.acceptance(school).pk,
        "vouchers": voucher.pk,
    }


# --- the chain through the API -------------------------------------------------------------


def post(client, path, body=None):
    return client.post(f"{API}{path}", body or {}, format="json")


def test_actions_refuse_fields_they_do_not_take(world):
    """A quote with a delivery date, which the action does not record, is refused and names
    it; nothing is quoted."""
    school = world.schools["a"]
    buyer = api_client(world, Role.BUYER)
    response = post(buyer, "purchase-requests/", {
        "title": "采购复印纸", "reason": "期中考试", "budget_line": "公用经费",
        "lines": [{"item": ItemFactory(school=school).pk, "quantity": "4", "unit": "箱", "unit_price": "250.00"}]})
    assert response.status_code == 201, response.json()
    request = PurchaseRequest.objects.get(pk=response.json()["id"])
    response = post(buyer, f"purchase-requests/{request.pk}/quote/",
                    {"supplier": f.supplier(school).pk, "amount": "990.00", "deliver_by": "2026-12-01"})
    assert_error(response)
    assert "deliver_by" in response.json()
    assert not request.quotes.exists()


def test_the_chain_through_the_api(world):
    school = world.schools["a"]
    buyer = api_client(world, Role.BUYER)
    item = ItemFactory(school=school)
    response = post(buyer, "purchase-requests/", {
        "title": "采购复印纸", "reason": "期中考试", "budget_line": "公用经费",
        "lines": [{"item": item.pk, "quantity": "4", "unit": "箱", "unit_price": "250.00"}]})
    assert response.status_code == 201, response.json()
    req = response.json()
    assert req["amount"] == "1000.00" and req["status"] == "draft"
    assert_error(post(buyer, f"purchase-requests/{req['id']}/submit/"))  # 三家报价
    sellers = [f.supplier(school) for _ in range(3)]
    for seller, amount in zip(sellers, ("990.00", "1000.00", "1010.00"), strict=True):
        assert post(buyer, f"purchase-requests/{req['id']}/quote/",
                    {"supplier": seller.pk, "amount": amount}).status_code == 201
    quotes = {q["amount"]: q["id"] for q in buyer.get(f"{API}purchase-requests/{req['id']}/").json()["quotes"]}
    assert_error(post(buyer, f"purchase-requests/{req['id']}/choose/", {"quote": quotes["1000.00"]}))
    assert post(buyer, f"purchase-requests/{req['id']}/choose/", {"quote": quotes["990.00"]}).status_code == 200
    assert post(buyer, f"purchase-requests/{req['id']}/submit/").json()["status"] == "pending"
    obj = PurchaseRequest.objects.get(pk=req["id"])
    assert [s["label"] for s in f.approval_of(obj).steps] == ["总务主任审核", "校长审批"]
    f.sign_all(f.approval_of(obj), school)

    response = post(buyer, "purchase-orders/", {"request": req["id"]})
    assert response.status_code == 201, response.json()
    order = response.json()
    assert order["supplier"] == sellers[0].pk and order["amount"] == "990.00"

    keeper = api_client(world, Role.KEEPER)
    warehouse = WarehouseFactory(school=school)
    acceptance = post(keeper, "acceptances/", {"order": order["id"], "warehouse": warehouse.pk}).json()
    line = acceptance["lines"][0]["id"]
    assert_error(post(keeper, f"acceptances/{acceptance['id']}/line/",
                      {"line": line, "accepted": "3", "rejected": "1"}))  # reason needed
    post(keeper, f"acceptances/{acceptance['id']}/line/",
         {"line": line, "accepted": "3", "rejected": "1", "reason": "受潮", "unit_price": "247.50"})
    post(keeper, f"acceptances/{acceptance['id']}/submit/")
    assert_error(post(buyer, f"acceptances/{acceptance['id']}/sign/", {"decision": "approve"}), 403)
    post(keeper, f"acceptances/{acceptance['id']}/sign/", {"decision": "approve"})
    body = post(api_client(world, Role.TEACHER), f"acceptances/{acceptance['id']}/sign/",
                {"decision": "approve"}).json()
    assert body["status"] == "approved"
    assert Movement.objects.get(item=item).quantity == Decimal("3")

    voucher = post(buyer, "vouchers/", {"acceptance": acceptance["id"], "invoice_number": "0440",
                                        "invoice_date": TODAY().isoformat(), "amount": "742.50"})
    assert voucher.status_code == 201, voucher.json()
    voucher = voucher.json()
    assert voucher["amount_in_words"] == "柒佰肆拾贰元伍角"
    second = f.accepted(school, seller=sellers[0])
    assert_error(post(buyer, "vouchers/", {"acceptance": second.pk, "invoice_number": "0440",
                                           "invoice_date": TODAY().isoformat(), "amount": "500.00"}))
    post(buyer, f"vouchers/{voucher['id']}/sign/", {"decision": "approve"})
    assert_error(post(buyer, f"vouchers/{voucher['id']}/sign/", {"decision": "approve"}), 403)
    post(api_client(world, Role.KEEPER), f"vouchers/{voucher['id']}/sign/", {"decision": "approve"})
    done = post(api_client(world, Role.ACCOUNTANT), f"vouchers/{voucher['id']}/sign/", {"decision": "approve"})
    assert done.json()["status"] == "approved"
    assert PurchaseRequest.objects.get(pk=req["id"]).status == "reimbursed"
    rated = post(api_client(world, Role.DIRECTOR), f"purchase-orders/{order['id']}/rate/", {"score": 4})
    assert rated.status_code == 201
    assert buyer.get(f"{API}suppliers/{sellers[0].pk}/").json()["rating"] == "4.00"


def test_an_expired_licence_supplier_is_refused_by_the_api(world):
    school = world.schools["a"]
    req = f.approved(school)
    expired = f.supplier(school, expires_in=-1)
    response = post(api_client(world, Role.BUYER), "purchase-orders/", {"request": req.pk, "supplier": expired.pk})
    assert_error(response)
    assert "营业执照已过期" in str(response.json())
    assert not PurchaseOrder.objects.exists()


def test_officer_reads_but_does_not_write(world):
    req = f.request(world.schools["a"])
    officer = api_client(world, Role.DISTRICT_OFFICER, header="schoola")
    assert officer.get(f"{API}purchase-requests/{req.pk}/").status_code == 200
    assert officer.post(f"{API}purchase-requests/{req.pk}/submit/", {}, format="json").status_code == 403
    req.refresh_from_db()
    assert req.status == "draft"


PROCUREMENT = {"suppliers", "supplier-licences", "supplier-designations", "supplier-ratings", "purchase-requests",
               "purchase-orders", "acceptances", "vouchers"}


def test_every_procurement_operation_answers_bad_input_with_4xx(world):
    """The schema walk of tests/core/test_api.py, on this app's endpoints: a wrong body is a
    400 in Chinese for every write, never a 500, and nothing moves on."""
    import json

    from drf_spectacular.generators import SchemaGenerator

    from tests.core.test_api import wrong_value

    schema = SchemaGenerator().get_schema(request=None, public=True)
    components = schema["components"]["schemas"]
    ids = schema_sample_ids(world)
    client = api_client(world, Role.DIRECTOR, auth="force")
    checked = 0
    for path, operations in schema["paths"].items():
        collection = path.removeprefix(API).split("/")[0]
        if collection not in PROCUREMENT:
            continue
        url = path.replace("{id}", str(ids[collection]))
        for method, operation in operations.items():
            if method == "get":
                assert client.get(url, {"page": "abc", "status": "nope", "expiring": "maybe"}).status_code < 500
            elif method in ("post", "put", "patch"):
                content = operation.get("requestBody", {}).get("content", {}).get("application/json", {})
                ref = content.get("schema", {}).get("$ref", "")
                props = components.get(ref.rsplit("/", 1)[-1], {}).get("properties", {}) if ref else {}
                body = {name: wrong_value(prop) for name, prop in props.items() if not prop.get("readOnly")}
                for payload in (body or {"bad": 1}, [1, 2]):
                    response = client.generic(method.upper(), url, data=json.dumps(payload),
                                              content_type="application/json")
                    assert response.status_code == 400, (path, method, response.status_code)
                    assert_error(response)
            checked += 1
    assert checked >= 20
    assert PurchaseRequest.objects.get(pk=ids["purchase-requests"]).status == "draft"
    assert Voucher.objects.get(pk=ids["vouchers"]).handler is None
