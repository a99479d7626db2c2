"""Pages of procurement: the page contract of every school-owned model (each role, the other
schools, anonymous, bad input, constant queries), then the whole chain through the pages —
request with lines, quotes, submit, order, acceptance by two people, voucher and its three
signatures, the print views — with the refusals shown as Chinese messages that write nothing."""

import datetime
from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from houqin.core.choices import Role
from houqin.procurement import services
from houqin.procurement.choices import RequestStatus
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

from ..contracts import PagesContract
from . import factories as f

pytestmark = pytest.mark.django_db
TODAY = datetime.date.today


def said(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


class TestSupplierPages(PagesContract):
    model = Supplier
    factory = f.SupplierFactory

    def valid_form(self, world):
        return {"name": "恩施粮油批发部", "credit_code": "91422801ma4f000001", "contact": "李四", "phone": "138",
                "categories": ["food", "kitchen"], "admission": "admitted", "food": "on"}

    def edit_form(self, world, obj):
        return {"name": obj.name, "admission": "suspended", "categories": ["office"],
                "loaded_at": obj.updated_at.isoformat()}


class TestLicencePages(PagesContract):
    model = Licence
    factory = f.LicenceFactory

    def make(self, world, school="a", **kwargs):
        return self.factory(supplier=f.SupplierFactory(school=world.schools[school]), **kwargs)

    def valid_form(self, world):
        return {"supplier": f.SupplierFactory(school=world.schools["a"]).pk, "kind": "food",
                "number": "JY14228010000001", "expires_on": "2027-06-30"}

    def edit_form(self, world, obj):
        return {"supplier": obj.supplier_id, "kind": obj.kind, "number": "NEW-1", "expires_on": "2028-01-01",
                "loaded_at": obj.updated_at.isoformat()}


class TestDesignationPages(PagesContract):
    model = Designation
    factory = f.DesignationFactory

    def make(self, world, school="a", **kwargs):
        return self.factory(supplier=f.SupplierFactory(school=world.schools[school]), **kwargs)

    def valid_form(self, world):
        # a category school a has no designated supplier for yet (one per category)
        taken = set(Designation.objects.filter(school=world.schools["a"]).values_list("category", flat=True))
        free = next(c for c in ItemCategory.values if c not in taken)
        return {"category": free, "supplier": f.SupplierFactory(school=world.schools["a"]).pk,
                "since": "2026-09-01"}

    def edit_form(self, world, obj):
        return {"category": obj.category, "supplier": f.SupplierFactory(school=obj.school).pk,
                "since": "2026-09-02", "loaded_at": obj.updated_at.isoformat()}


class TestRatingPages(PagesContract):
    model = Rating
    factory = f.RatingFactory

    def valid_form(self, world):
        return {"score": 5}


class TestPurchaseRequestPages(PagesContract):
    model = PurchaseRequest
    factory = f.PurchaseRequestFactory

    def valid_form(self, world):
        item = ItemFactory(school=world.schools["a"])
        return {"title": "采购粉笔", "reason": "教学需要", "budget_line": "公用经费",
                "lines-TOTAL_FORMS": "1", "lines-INITIAL_FORMS": "0", "lines-MIN_NUM_FORMS": "1",
                "lines-MAX_NUM_FORMS": "1000", "lines-0-item": item.pk, "lines-0-quantity": "10",
                "lines-0-unit": "盒", "lines-0-unit_price": "2.50"}

    def edit_form(self, world, obj):
        line = obj.lines.first()
        return {"title": "采购白板笔", "reason": obj.reason, "budget_line": obj.budget_line,
                "loaded_at": obj.updated_at.isoformat(),
                "lines-TOTAL_FORMS": "1", "lines-INITIAL_FORMS": "1", "lines-MIN_NUM_FORMS": "1",
                "lines-MAX_NUM_FORMS": "1000", "lines-0-id": line.pk if line else "", "lines-0-request": obj.pk,
                "lines-0-description": "白板笔", "lines-0-quantity": "20", "lines-0-unit": "支",
                "lines-0-unit_price": "1.50"}


class TestPurchaseOrderPages(PagesContract):
    model = PurchaseOrder
    factory = f.PurchaseOrderFactory

    def valid_form(self, world):
        school = world.schools["a"]
        req = f.approved(school)
        return {"request": req.pk, "supplier": f.supplier(school).pk, "deliver_by": "2026-09-10"}

    def edit_form(self, world, obj):
        return {"deliver_by": "2026-09-12", "notes": "送到总务仓库", "loaded_at": obj.updated_at.isoformat()}


class TestAcceptancePages(PagesContract):
    model = Acceptance
    factory = f.AcceptanceFactory

    def valid_form(self, world):
        school = world.schools["a"]
        return {"order": f.order(school).pk, "warehouse": WarehouseFactory(school=school).pk,
                "received_on": TODAY().isoformat()}

    def edit_form(self, world, obj):
        return {"warehouse": obj.warehouse_id, "received_on": TODAY().isoformat(), "invoice_number": "FP1",
                "note": "外包装完好", "loaded_at": obj.updated_at.isoformat()}


class TestVoucherPages(PagesContract):
    model = Voucher
    factory = f.VoucherFactory

    def valid_form(self, world):
        made = f.accepted(world.schools["a"])
        return {"acceptance": made.pk, "invoice_number": f"NO{made.pk}", "invoice_date": TODAY().isoformat(),
                "amount": str(made.accepted_value)}

    def edit_form(self, world, obj):
        return {"invoice_number": obj.invoice_number + "X", "invoice_date": TODAY().isoformat(),
                "amount": str(obj.amount), "loaded_at": obj.updated_at.isoformat()}


# --- the chain through the pages ---------------------------------------------------------------


def test_the_whole_chain_through_the_pages(world):
    school = world.schools["a"]
    buyer = world.client(Role.BUYER)
    item = ItemFactory(school=school, name="A4复印纸", unit="箱")
    form = TestPurchaseRequestPages().valid_form(world)
    form.update({"lines-0-item": item.pk, "lines-0-quantity": "4", "lines-0-unit_price": "250.00"})
    response = buyer.post(reverse("procurement:purchaserequest_add"), form)
    req = PurchaseRequest.objects.get(school=school)
    assert response.status_code == 302 and req.amount == Decimal("1000.00") and req.requested_by.username == "a.buyer"
    page = buyer.get(req.get_absolute_url()).content.decode()
    assert "须有三家不同供应商的报价" in page
    suppliers = [f.supplier(school) for _ in range(3)]
    for seller, amount in zip(suppliers, ("1000.00", "980.00", "1050.00"), strict=True):
        buyer.post(reverse("procurement:purchaserequest_quote", args=[req.pk]),
                   {"quote-supplier": seller.pk, "quote-amount": amount})
    assert req.quotes.count() == 3
    dearer = req.quotes.get(amount=Decimal("1000.00"))
    response = buyer.post(reverse("procurement:purchaserequest_choose", args=[req.pk]), {"choose-quote": dearer.pk})
    assert any("须写明理由" in m for m in said(response))
    buyer.post(reverse("procurement:purchaserequest_choose", args=[req.pk]),
               {"choose-quote": dearer.pk, "choose-reason": "定点供应商，送货上门"})
    response = buyer.post(reverse("procurement:purchaserequest_submit", args=[req.pk]))
    req.refresh_from_db()
    assert req.status == RequestStatus.PENDING, said(response)
    f.sign_all(f.approval_of(req), school)
    assert [s["label"] for s in f.approval_of(req).steps] == ["总务主任审核", "校长审批"]

    response = buyer.post(reverse("procurement:purchaseorder_add"), {"request": req.pk})
    order = PurchaseOrder.objects.get(request=req)
    assert response.status_code == 302 and order.supplier == dearer.supplier
    printed = buyer.get(reverse("procurement:purchaseorder_print", args=[order.pk])).content.decode()
    assert "采购订单" in printed and "A4复印纸" in printed and order.supplier.name in printed

    keeper = world.client(Role.KEEPER)
    warehouse = WarehouseFactory(school=school, name="总务仓库")
    keeper.post(reverse("procurement:acceptance_add"), {"order": order.pk, "warehouse": warehouse.pk,
                                                        "received_on": TODAY().isoformat()})
    acceptance = Acceptance.objects.get(order=order)
    line = acceptance.lines.get()
    keeper.post(reverse("procurement:acceptance_line", args=[acceptance.pk]), {
        "line": line.pk, f"line{line.pk}-line": line.pk, f"line{line.pk}-accepted": "4",
        f"line{line.pk}-rejected": "0", f"line{line.pk}-unit_price": "250.00"})
    keeper.post(reverse("procurement:acceptance_submit", args=[acceptance.pk]))
    response = buyer.post(reverse("procurement:acceptance_sign", args=[acceptance.pk]), {"sign-decision": "approve"})
    assert any("回避" in m for m in said(response))
    for role in (Role.KEEPER, Role.TEACHER):
        world.client(role).post(reverse("procurement:acceptance_sign", args=[acceptance.pk]),
                                {"sign-decision": "approve"})
    acceptance.refresh_from_db()
    assert acceptance.status == "approved"
    assert Movement.objects.get(item=item).quantity == Decimal("4")

    buyer.post(reverse("procurement:voucher_add"), {"acceptance": acceptance.pk, "invoice_number": "04401",
                                                    "invoice_date": TODAY().isoformat(), "amount": "1000.00"})
    voucher = Voucher.objects.get(acceptance=acceptance)
    second = f.accepted(school, seller=order.supplier)
    response = buyer.post(reverse("procurement:voucher_add"), {
        "acceptance": second.pk, "invoice_number": "04401", "invoice_date": TODAY().isoformat(),
        "amount": str(second.accepted_value)})
    assert response.status_code == 200 and "已经报销过" in response.content.decode()
    for role in (Role.BUYER, Role.TEACHER, Role.ACCOUNTANT):
        response = world.client(role).post(reverse("procurement:voucher_sign", args=[voucher.pk]),
                                           {"sign-decision": "approve"})
        assert said(response) == ["已签字"], (role, said(response))
    voucher.refresh_from_db()
    assert voucher.status == "approved"
    printed = buyer.get(reverse("procurement:voucher_print", args=[voucher.pk])).content.decode()
    assert "报 销 单" in printed and "壹仟元整" in printed and "a采购员" in printed and "a会计" in printed
    req.refresh_from_db()
    assert req.status == RequestStatus.REIMBURSED
    world.client(Role.DIRECTOR).post(reverse("procurement:purchaseorder_rate", args=[order.pk]),
                                     {"rate-score": "5", "rate-comment": "好"})
    assert order.ratings.get().score == 5
    assert "5.0" in buyer.get(order.supplier.get_absolute_url()).content.decode()


def test_an_expired_supplier_cannot_be_ordered_from_on_the_page(world):
    school = world.schools["a"]
    req = f.approved(school)
    expired = f.supplier(school, expires_in=-3)
    response = world.client(Role.BUYER).post(reverse("procurement:purchaseorder_add"),
                                             {"request": req.pk, "supplier": expired.pk})
    assert response.status_code == 200 and "营业执照已过期" in response.content.decode()
    assert not PurchaseOrder.objects.exists()


def test_the_buyer_is_refused_as_voucher_acceptor_on_the_page(world):
    school = world.schools["a"]
    voucher = f.voucher(school)
    buyer = world.client(Role.BUYER)
    buyer.post(reverse("procurement:voucher_sign", args=[voucher.pk]), {"sign-decision": "approve"})
    response = buyer.post(reverse("procurement:voucher_sign", args=[voucher.pk]), {"sign-decision": "approve"})
    assert any("三个不同的人" in m for m in said(response))
    voucher.refresh_from_db()
    assert voucher.acceptor is None


def test_a_signed_voucher_offers_no_edit_and_refuses_one(world):
    school = world.schools["a"]
    voucher = f.voucher(school)
    buyer = world.client(Role.BUYER)
    edit = reverse("procurement:voucher_edit", args=[voucher.pk])
    assert edit in buyer.get(voucher.get_absolute_url()).content.decode()  # not signed yet
    buyer.post(reverse("procurement:voucher_sign", args=[voucher.pk]), {"sign-decision": "approve"})
    voucher.refresh_from_db()
    assert voucher.handler_id is not None
    assert edit not in buyer.get(voucher.get_absolute_url()).content.decode()
    response = buyer.post(edit, {"invoice_number": "99999999", "invoice_date": "2026-11-20", "amount": "1.00",
                                 "difference_reason": "改"})
    assert "报销单已有人签字，不能再修改" in response.content.decode()
    voucher.refresh_from_db()
    assert voucher.invoice_number != "99999999"


def test_other_schools_actions_are_404_and_write_nothing(world):
    theirs = f.request(world.schools["c"])
    client = world.client(Role.BUYER)
    for name in ("purchaserequest_quote", "purchaserequest_choose", "purchaserequest_submit"):
        assert client.post(reverse(f"procurement:{name}", args=[theirs.pk]), {}).status_code == 404
    acceptance = f.acceptance(world.schools["c"])
    assert world.client(Role.TEACHER).post(reverse("procurement:acceptance_sign", args=[acceptance.pk]),
                                           {"sign-decision": "approve"}).status_code == 404
    voucher = f.voucher(world.schools["b"])
    assert client.get(reverse("procurement:voucher_print", args=[voucher.pk])).status_code == 404
    theirs.refresh_from_db()
    assert theirs.status == RequestStatus.DRAFT and not theirs.quotes.exists()


def test_a_teacher_cannot_draw_up_requests(world):
    response = world.client(Role.TEACHER).post(reverse("procurement:purchaserequest_quote",
                                                       args=[f.request(world.schools["a"]).pk]), {})
    assert response.status_code == 403


def test_home_panel_lists_expiring_licences_for_buyer_keeper_director(world):
    school = world.schools["a"]
    soon = f.supplier(school, name="将到期商行", expires_in=20)
    f.supplier(school, name="长期商行", expires_in=200)
    for role in (Role.BUYER, Role.KEEPER, Role.DIRECTOR):
        page = world.client(role).get(reverse("core:home")).content.decode()
        assert "供应商证照已过期或30天内到期" in page and soon.name in page and "长期商行" not in page
    assert "供应商证照" not in world.client(Role.TEACHER).get(reverse("core:home")).content.decode()
    listing = world.client(Role.BUYER).get(reverse("procurement:licence_list") + "?expiring=true")
    assert [lic.supplier.name for lic in listing.context["object_list"]] == ["将到期商行"]


def test_request_detail_and_acceptance_pages_render_for_their_people(world):
    school = world.schools["a"]
    made = f.acceptance(school)
    services.submit_acceptance(made, by=f.user(school, Role.KEEPER))
    page = world.client(Role.TEACHER).get(made.get_absolute_url()).content.decode()
    assert "验收签字" in page
    page = world.client(Role.BUYER).get(made.get_absolute_url()).content.decode()
    assert "回避" in page
    detail = world.client(Role.DISTRICT_OFFICER).get(made.order.request.get_absolute_url())
    assert detail.status_code == 200 and "提交审批" not in detail.content.decode()


@pytest.mark.django_db
def test_the_supplier_page_names_its_categories_in_chinese(world):
    """The categories are stored as codes (a JSON list): the record page showed ['cleaning']."""
    supplier = f.SupplierFactory(school=world.schools["a"], categories=[ItemCategory.CLEANING, ItemCategory.OFFICE])
    page = world.client(Role.DIRECTOR).get(supplier.get_absolute_url()).content.decode()
    assert "清洁卫生用品、办公用品" in page and "cleaning" not in page
