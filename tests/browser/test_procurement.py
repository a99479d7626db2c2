"""The acceptance walk of procurement and stock (采购与库房), as its people would do it.

The buyer draws up a request of 4 boxes of copy paper (1,000.00 元: three quotes needed),
records three quotes, chooses the cheapest and submits; the director and the principal
approve (signed through core.approvals in the test); the buyer orders; the keeper opens the
acceptance and two people (keeper, teacher) sign it in the browser — the buyer is refused —
and the paper is in stock. The teacher's requisition, its issue and the signed receipt are
driven through houqin.stock.services (the requisition pages were being built at the time).
"""

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from .conftest import login


def relogin(page, username):
    page.context.clear_cookies()
    login(page, username)


@pytest.mark.django_db(transaction=True)
def test_request_quotes_approval_order_acceptance_stock_and_requisition(world, empties_ledgers, page):
    from houqin.core.choices import Role
    from houqin.procurement.models import Acceptance, PurchaseOrder, PurchaseRequest
    from houqin.stock import services as stock
    from houqin.stock.models import StockBalance
    from tests.procurement import factories as f
    from tests.stock.factories import ItemFactory, WarehouseFactory

    school = world.schools["a"]
    paper = ItemFactory(school=school, name="A4复印纸", spec="70g", unit="箱")
    warehouse = WarehouseFactory(school=school, name="总务仓库")
    sellers = [f.supplier(school, name=name) for name in ("文教商行", "数码城", "清洁公司")]

    relogin(page, "a.buyer")
    page.goto("/procurement/requests/add/")
    page.fill("#id_title", "期末考试用复印纸")
    page.fill("#id_reason", "期末考试印卷")
    page.fill("#id_budget_line", "公用经费")
    page.select_option("#id_lines-0-item", str(paper.pk))
    page.fill("#id_lines-0-quantity", "4")
    page.fill("#id_lines-0-unit", "箱")
    page.fill("#id_lines-0-unit_price", "250.00")
    page.click("text=保存")
    expect(page.locator("body")).to_contain_text("须有三家不同供应商的报价")
    for seller, amount in zip(sellers, ("980.00", "1000.00", "1020.00"), strict=True):
        page.click("summary:has-text('登记报价')")
        page.select_option("#id_quote-supplier", str(seller.pk))
        page.fill("#id_quote-amount", amount)
        page.click("button:has-text('登记报价')")
        expect(page.locator("body")).to_contain_text("已登记报价")
    page.locator("button:has-text('选定此报价')").first.click()
    expect(page.locator("body")).to_contain_text("已选定报价")
    page.click("button:has-text('提交审批')")
    expect(page.locator("body")).to_contain_text("已提交审批")
    req = PurchaseRequest.objects.get(school=school)
    assert req.amount == Decimal("1000.00") and req.status == "pending"
    approval = f.approval_of(req)
    assert [s["label"] for s in approval.steps] == ["总务主任审核", "校长审批"]  # 1,000.00 needs the principal
    f.sign_all(approval, school)

    page.goto(req.get_absolute_url())
    page.click("button:has-text('下单')")
    expect(page.locator("body")).to_contain_text("已下单")
    order = PurchaseOrder.objects.get(request=req)
    assert order.supplier == sellers[0]

    relogin(page, "a.keeper")
    page.goto(order.get_absolute_url())
    page.click("text=开始验收")
    page.select_option("#id_warehouse", str(warehouse.pk))
    page.click("button:has-text('保存')")
    expect(page.locator("body")).to_contain_text("已开始验收")
    page.click("button:has-text('提交验收签字')")
    expect(page.locator("body")).to_contain_text("等待两位验收人签字")
    acceptance = Acceptance.objects.get(order=order)

    relogin(page, "a.buyer")
    page.goto(acceptance.get_absolute_url())
    expect(page.locator("body")).to_contain_text("回避")  # the buyer may not accept his own purchase
    for username in ("a.keeper", "a.teacher"):
        relogin(page, username)
        page.goto(acceptance.get_absolute_url())
        page.click("summary:has-text('验收签字')")
        page.click("button:has-text('验收签字')")
        expect(page.locator("body")).to_contain_text("已签字")
    acceptance.refresh_from_db()
    assert acceptance.status == "approved"
    assert StockBalance.objects.get(warehouse=warehouse, item=paper).quantity == Decimal("4")

    # The teacher's requisition, issue and signed receipt (through the stock services).
    teacher, keeper = world.user(Role.TEACHER), world.user(Role.KEEPER)
    requisition = stock.create_requisition(school, by=teacher, warehouse=warehouse, purpose="六(3)班期末考试",
                                           lines=[(paper, Decimal("1"), "")], department="六(3)班")
    stock.submit_requisition(requisition, by=teacher)
    f.sign_all(stock.approval_of(requisition, "stock.requisition"), school)
    requisition.refresh_from_db()
    line = requisition.lines.get()
    stock.issue_requisition(requisition, by=keeper, quantities={line.pk: Decimal("1")})
    stock.confirm_receipt(requisition, by=teacher)
    requisition.refresh_from_db()
    assert requisition.status == "received"
    assert StockBalance.objects.get(warehouse=warehouse, item=paper).quantity == Decimal("3")
