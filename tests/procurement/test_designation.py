"""定点采购: a category with a designated supplier binds the request's order to that supplier
unless the request gives a reason for buying elsewhere (非定点采购理由) — in the services (choose,
submit, order), on the pages and through the API. A designated supplier that cannot be ordered
from (suspended, licence expired) does not bind."""

from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.urls import reverse

from houqin.core.choices import Role
from houqin.procurement import services
from houqin.procurement.choices import Admission, RequestStatus
from houqin.procurement.models import PurchaseOrder, PurchaseRequest
from houqin.stock.choices import ItemCategory
from tests.stock.factories import ItemFactory

from ..api_contracts import API, api_client, assert_error
from . import factories as f

pytestmark = pytest.mark.django_db


def designate(school, category=ItemCategory.TEACHING, **kwargs):
    """A designated supplier (valid licence) of `category`."""
    seller = f.supplier(school, **kwargs)
    f.DesignationFactory(school=school, supplier=seller, category=category)
    return seller


def teaching(school, amount="500.00", **kwargs):
    return f.request(school, amount, item=ItemFactory(school=school, category=ItemCategory.TEACHING), **kwargs)


def mixed(school, **kwargs):
    """A request with a teaching line and an office line (500 元 in all)."""
    lines = [{"item": ItemFactory(school=school, category=category, name=name), "quantity": Decimal("1"),
              "unit": "盒", "unit_price": Decimal("250.00")}
             for category, name in ((ItemCategory.TEACHING, "粉笔"), (ItemCategory.OFFICE, "签字笔"))]
    return f.request(school, lines=lines, **kwargs)


def approve(req):
    services.submit(req, by=req.requested_by)
    f.sign_all(f.approval_of(req), req.school)
    req.refresh_from_db()
    return req


def error(excinfo):
    return "；".join(excinfo.value.messages)


def quote_all(req, sellers, amounts):
    return [services.add_quote(req, by=req.requested_by, supplier=s, amount=Decimal(a))
            for s, a in zip(sellers, amounts, strict=True)]


# --- services ------------------------------------------------------------------------------


def test_the_designated_supplier_is_ordered_from(world):
    school = world.schools["a"]
    chosen = designate(school)
    req = approve(teaching(school))
    order = services.place_order(req, by=req.requested_by, supplier=chosen)
    assert order.supplier == chosen


def test_another_supplier_is_refused_at_the_order_naming_the_designated_one(world):
    school = world.schools["a"]
    chosen = designate(school, name="恩施教材供应站")
    other = f.supplier(school, name="随便商行")
    req = approve(teaching(school))
    with pytest.raises(ValidationError) as excinfo:
        services.place_order(req, by=req.requested_by, supplier=other)
    text = error(excinfo)
    assert "“教学耗材”" in text and "恩施教材供应站" in text and "随便商行" in text
    assert "审批时没有写明非定点采购理由，只能向定点供应商下单" in text  # too late to add the reason now
    assert not PurchaseOrder.objects.exists()
    req.refresh_from_db()
    assert req.status == RequestStatus.APPROVED
    assert services.place_order(req, by=req.requested_by, supplier=chosen).supplier == chosen


def test_choosing_another_suppliers_quote_needs_the_reason(world):
    school = world.schools["a"]
    chosen = designate(school, name="定点文教")
    req = teaching(school, "1200.00")
    others = [f.supplier(school), f.supplier(school)]
    cheap, _, designated = quote_all(req, [*others, chosen], ("1100.00", "1150.00", "1200.00"))
    with pytest.raises(ValidationError) as excinfo:
        services.choose_quote(req, by=req.requested_by, quote=cheap)
    assert "定点文教" in error(excinfo) and "教学耗材" in error(excinfo)
    assert "或写明非定点采购理由，随申请送审批" in error(excinfo)  # still a draft: the reason can be given
    req.refresh_from_db()
    assert req.chosen_quote is None
    # the designated supplier's quote, dearer, needs only the price reason
    services.choose_quote(req, by=req.requested_by, quote=designated, reason="定点供应商")
    approve(req)
    assert services.place_order(req, by=req.requested_by).supplier == chosen


def test_a_designation_made_after_the_choice_stops_the_submission(world):
    school = world.schools["a"]
    req = f.quoted(school, item=ItemFactory(school=school, category=ItemCategory.TEACHING))
    designate(school, name="新定点商行")
    problems = services.submit_problems(req)
    assert any("新定点商行" in p and "教学耗材" in p for p in problems), problems
    with pytest.raises(ValidationError) as excinfo:
        services.submit(req, by=req.requested_by)
    assert "新定点商行" in error(excinfo)
    req.refresh_from_db()
    assert req.status == RequestStatus.DRAFT


def test_with_a_written_reason_another_supplier_is_allowed(world):
    school = world.schools["a"]
    designate(school)
    req = teaching(school, "1200.00")
    sellers = [f.supplier(school) for _ in range(3)]
    cheap = quote_all(req, sellers, ("1100.00", "1150.00", "1200.00"))[0]
    services.choose_quote(req, by=req.requested_by, quote=cheap,
                          off_designation_reason="定点供应商缺货，两周内无法供应")
    req.refresh_from_db()
    assert req.chosen_quote == cheap and req.off_designation_reason == "定点供应商缺货，两周内无法供应"
    approve(req)
    assert "非定点采购" in f.approval_of(req).title and "定点供应商缺货" in f.approval_of(req).title
    assert services.place_order(req, by=req.requested_by).supplier == sellers[0]


def test_below_the_threshold_the_reason_on_the_request_allows_another_supplier(world):
    school = world.schools["a"]
    designate(school)
    other = f.supplier(school)
    req = approve(teaching(school))
    with pytest.raises(ValidationError):
        services.place_order(req, by=req.requested_by, supplier=other)
    req = services.create_request(school, by=req.requested_by, title="采购粉笔", reason="教学", budget_line="公用经费",
                                  off_designation_reason="  学生活动急用，定点商店关门  ",
                                  lines=[{"item": ItemFactory(school=school, category=ItemCategory.TEACHING),
                                          "quantity": Decimal("2"), "unit_price": Decimal("10")}])
    assert req.off_designation_reason == "学生活动急用，定点商店关门"
    approve(req)
    assert services.place_order(req, by=req.requested_by, supplier=other).supplier == other


@pytest.mark.parametrize("voided", ["suspended", "expired"])
def test_a_void_designation_does_not_bind(world, voided):
    school = world.schools["a"]
    if voided == "suspended":
        chosen = designate(school, admission=Admission.SUSPENDED)
    else:
        chosen = designate(school, expires_in=-1)
    other = f.supplier(school)
    req = teaching(school)
    [designated] = services.designations(req)
    assert designated.supplier == chosen and designated.void
    assert ("暂停准入" if voided == "suspended" else "已过期") in designated.void
    assert services.designation_problem(req, other) is None
    approve(req)
    assert services.place_order(req, by=req.requested_by, supplier=other).supplier == other


def test_lines_of_categories_with_different_designated_suppliers_need_splitting_or_a_reason(world):
    school = world.schools["a"]
    paper = designate(school, ItemCategory.TEACHING, name="教材站")
    designate(school, ItemCategory.OFFICE, name="文具店")
    req = mixed(school)
    problems = services.submit_problems(req)
    assert any("请按类别分开申请，或写明理由" in p and "教材站" in p and "文具店" in p for p in problems), problems
    with pytest.raises(ValidationError):
        services.submit(req, by=req.requested_by)
    PurchaseRequest.objects.filter(pk=req.pk).update(off_designation_reason="同一批采购，教材站可一并供应")
    req.refresh_from_db()
    approve(req)
    assert services.place_order(req, by=req.requested_by, supplier=paper).supplier == paper


def test_mixed_categories_with_one_void_designation_go_to_the_other(world):
    school = world.schools["a"]
    paper = designate(school, ItemCategory.TEACHING)
    designate(school, ItemCategory.OFFICE, expires_in=-5)
    req = approve(mixed(school))
    with pytest.raises(ValidationError) as excinfo:
        services.place_order(req, by=req.requested_by, supplier=f.supplier(school))
    assert "请按类别分开申请" not in error(excinfo) and paper.name in error(excinfo)
    assert services.place_order(req, by=req.requested_by, supplier=paper).supplier == paper


def test_a_category_without_designation_rides_with_the_designated_one(world):
    school = world.schools["a"]
    designate(school, ItemCategory.TEACHING)  # office has no designated supplier
    req = approve(mixed(school))
    with pytest.raises(ValidationError):
        services.place_order(req, by=req.requested_by, supplier=f.supplier(school))


def test_free_text_lines_and_other_schools_designations_do_not_bind(world):
    school = world.schools["a"]
    designate(school, ItemCategory.OTHER)
    designate(world.schools["b"], ItemCategory.TEACHING)
    req = f.request(school, lines=[{"description": "横幅 定制", "quantity": Decimal("1"),
                                    "unit_price": Decimal("300")}])
    other = f.supplier(school)
    assert services.designations(req) == []
    req2 = approve(teaching(school))
    assert services.place_order(req2, by=req2.requested_by, supplier=other).supplier == other
    assert services.designation_problem(req, other) is None


# --- pages -----------------------------------------------------------------------------------


def said(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_the_request_page_shows_the_designated_supplier_per_category(world):
    school = world.schools["a"]
    designate(school, ItemCategory.TEACHING, name="教材站")
    designate(school, ItemCategory.OFFICE, name="停业文具店", admission=Admission.SUSPENDED)
    designate(school, ItemCategory.CLEANING, name="无关清洁公司")
    req = mixed(school)
    response = world.client(Role.BUYER).get(req.get_absolute_url())
    page = response.content.decode()
    assert [d.category for d in response.context["designations"]] == ["office", "teaching"]
    assert "定点供应商（定点采购）" in page
    assert "教学耗材：" in page and "教材站" in page and "须向定点供应商采购" in page
    assert "办公用品：" in page and "停业文具店" in page and "定点已失效" in page and "暂停准入" in page
    assert "非定点采购理由" in page  # the hint for the buyer


def test_choosing_another_quote_on_the_page_needs_the_reason_then_the_approvers_see_it(world):
    school = world.schools["a"]
    buyer = world.client(Role.BUYER)
    chosen = designate(school, name="定点教材站")
    req = teaching(school, "1200.00")
    cheap = quote_all(req, [f.supplier(school), f.supplier(school), chosen], ("1100.00", "1150.00", "1200.00"))[0]
    page = buyer.get(req.get_absolute_url()).content.decode()
    assert 'name="choose-off_designation_reason"' in page and "非定点" in page
    url = reverse("procurement:purchaserequest_choose", args=[req.pk])
    response = buyer.post(url, {"choose-quote": cheap.pk})
    assert any("定点教材站" in m for m in said(response)), said(response)
    req.refresh_from_db()
    assert req.chosen_quote is None
    buyer.post(url, {"choose-quote": cheap.pk, "choose-off_designation_reason": "定点站报价高出太多"})
    req.refresh_from_db()
    assert req.chosen_quote == cheap and req.off_designation_reason == "定点站报价高出太多"
    response = buyer.post(reverse("procurement:purchaserequest_submit", args=[req.pk]))
    req.refresh_from_db()
    assert req.status == RequestStatus.PENDING, said(response)
    page = world.client(Role.DIRECTOR).get(req.get_absolute_url()).content.decode()
    assert "非定点采购理由" in page and "定点站报价高出太多" in page
    assert "定点站报价高出太多" in f.approval_of(req).title


def test_the_reason_is_written_on_the_edit_page_while_a_draft(world):
    school = world.schools["a"]
    designate(school)
    req = teaching(school)
    buyer = world.client(Role.BUYER)
    edit = reverse("procurement:purchaserequest_edit", args=[req.pk])
    assert 'id="id_off_designation_reason"' in buyer.get(edit).content.decode()
    line = req.lines.get()
    form = {"title": req.title, "reason": req.reason, "budget_line": req.budget_line,
            "off_designation_reason": "  外出比赛急需  ", "loaded_at": req.updated_at.isoformat(),
            "lines-TOTAL_FORMS": "1", "lines-INITIAL_FORMS": "1", "lines-MIN_NUM_FORMS": "1",
            "lines-MAX_NUM_FORMS": "1000", "lines-0-id": line.pk, "lines-0-request": req.pk,
            "lines-0-item": line.item_id, "lines-0-quantity": "1", "lines-0-unit": "盒", "lines-0-unit_price": "500"}
    response = buyer.post(edit, form)
    assert response.status_code == 302, (response.context["form"].errors, response.context["formset"].errors)
    req.refresh_from_db()
    assert req.off_designation_reason == "外出比赛急需"
    approve(req)
    form["off_designation_reason"] = "改掉理由"
    form["loaded_at"] = req.updated_at.isoformat()
    assert buyer.post(edit, form).status_code == 200  # no longer a draft
    req.refresh_from_db()
    assert req.off_designation_reason == "外出比赛急需"


def test_the_order_page_refuses_another_supplier_and_offers_the_designated_one(world):
    school = world.schools["a"]
    chosen = designate(school, name="定点教材站")
    req = approve(teaching(school))
    buyer = world.client(Role.BUYER)
    detail = buyer.get(req.get_absolute_url())
    assert detail.context["order_form"].initial["supplier"] == chosen.pk
    response = buyer.post(reverse("procurement:purchaseorder_add"), {"request": req.pk,
                                                                      "supplier": f.supplier(school).pk})
    assert response.status_code == 200 and "定点教材站" in response.content.decode()
    assert not PurchaseOrder.objects.exists()
    response = buyer.post(reverse("procurement:purchaseorder_add"), {"request": req.pk, "supplier": chosen.pk})
    assert response.status_code == 302 and PurchaseOrder.objects.get().supplier == chosen


# --- API -----------------------------------------------------------------------------------------


def post(client, path, body=None):
    return client.post(f"{API}{path}", body or {}, format="json")


def test_the_api_applies_the_designation(world):
    school = world.schools["a"]
    buyer = api_client(world, Role.BUYER)
    chosen = designate(school, name="定点教材站")
    item = ItemFactory(school=school, category=ItemCategory.TEACHING)
    response = post(buyer, "purchase-requests/", {
        "title": "采购粉笔", "reason": "教学", "budget_line": "公用经费",
        "lines": [{"item": item.pk, "quantity": "4", "unit": "盒", "unit_price": "300.00"}]})
    assert response.status_code == 201, response.json()
    req = response.json()
    assert req["off_designation_reason"] == ""
    others = [f.supplier(school), f.supplier(school)]
    for seller, amount in zip([*others, chosen], ("1100.00", "1150.00", "1200.00"), strict=True):
        post(buyer, f"purchase-requests/{req['id']}/quote/", {"supplier": seller.pk, "amount": amount})
    quotes = {q["supplier"]: q["id"] for q in buyer.get(f"{API}purchase-requests/{req['id']}/").json()["quotes"]}
    refused = post(buyer, f"purchase-requests/{req['id']}/choose/", {"quote": quotes[others[0].pk]})
    assert_error(refused)
    assert "定点教材站" in str(refused.json())
    done = post(buyer, f"purchase-requests/{req['id']}/choose/",
                {"quote": quotes[others[0].pk], "off_designation_reason": "定点站缺货"})
    assert done.status_code == 200, done.json()
    assert done.json()["off_designation_reason"] == "定点站缺货"
    # the reason can be taken back while a draft: then the submission is refused
    patched = buyer.patch(f"{API}purchase-requests/{req['id']}/", {"off_designation_reason": ""}, format="json")
    assert patched.status_code == 200, patched.json()
    assert_error(post(buyer, f"purchase-requests/{req['id']}/submit/"))
    buyer.patch(f"{API}purchase-requests/{req['id']}/", {"off_designation_reason": "定点站缺货"}, format="json")
    assert post(buyer, f"purchase-requests/{req['id']}/submit/").json()["status"] == "pending"


def test_the_api_refuses_an_order_to_another_supplier_without_reason(world):
    school = world.schools["a"]
    chosen = designate(school, name="定点教材站")
    req = approve(teaching(school))
    buyer = api_client(world, Role.BUYER)
    response = post(buyer, "purchase-orders/", {"request": req.pk, "supplier": f.supplier(school).pk})
    assert_error(response)
    assert "定点教材站" in str(response.json()) and "教学耗材" in str(response.json())
    assert not PurchaseOrder.objects.exists()
    response = post(buyer, "purchase-orders/", {"request": req.pk, "supplier": chosen.pk})
    assert response.status_code == 201, response.json()
