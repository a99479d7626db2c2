"""The acceptance walk of procurement and stock (采购与库房), every step through the pages as
its people would do it.

The buyer draws up a request of 4 boxes of copy paper (1,000.00 元: three quotes needed, and
the principal must approve), records three quotes, chooses the cheapest and submits; the
director and then the principal open the approval from their inbox and sign; the buyer
orders; the keeper opens the acceptance and two people (keeper, teacher) sign it — the buyer
is refused — and the paper is in stock. A teacher asks for a box (领用单), the director
approves it from his inbox, the keeper issues it and the teacher signs for it (签收).
"""

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from .conftest import login


def relogin(page, username):
    page.context.clear_cookies()
    login(page, username)


def sign_from_inbox(page, username, number):
    """An approver finds the item in 待我审批, reads the original, comes back and approves."""
    relogin(page, username)
    page.goto("/approvals/")
    page.click(f"a:has-text('{number}')")
    expect(page.locator("#approval-subject")).to_contain_text(number)
    page.select_option("#id_decision", "approve")
    page.fill("#id_comment", "同意")
    page.click("button:has-text('签字')")
    expect(page.locator("body")).to_contain_text("已签字")


@pytest.mark.heavy
@pytest.mark.django_db(transaction=True)
def test_request_quotes_approval_order_acceptance_stock_and_requisition(world, empties_ledgers, page):
    from houqin.procurement.models import Acceptance, PurchaseOrder, PurchaseRequest
    from houqin.stock.models import Movement, Requisition, StockBalance
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

    relogin(page, "a.buyer")  # the requester cannot approve his own request
    page.goto(approval.get_absolute_url())
    expect(page.locator(".alert-secondary")).to_contain_text("须由总务主任签字")
    expect(page.locator("form:has(button:has-text('签字'))")).to_have_count(0)
    for username in ("a.director", "a.principal"):
        sign_from_inbox(page, username, req.number)
    req.refresh_from_db()
    assert req.status == "approved"

    relogin(page, "a.buyer")
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

    # A teacher asks for one box; the director approves from his inbox; the keeper issues; the
    # teacher signs for it.
    relogin(page, "a.teacher")
    page.goto("/stock/requisitions/add/")
    page.select_option("#id_warehouse", str(warehouse.pk))
    page.fill("#id_department", "六(3)班")
    page.fill("#id_purpose", "六(3)班期末考试")
    page.select_option("#id_lines-0-item", str(paper.pk))
    page.fill("#id_lines-0-quantity", "1")
    page.click("button:has-text('保存')")
    expect(page.locator("body")).to_contain_text("已保存")
    page.click("#submit-requisition")
    expect(page.locator("body")).to_contain_text("已提交审批")
    requisition = Requisition.objects.get(school=school)
    assert requisition.status == "pending" and requisition.amount == Decimal("250.00")

    sign_from_inbox(page, "a.director", requisition.number)
    requisition.refresh_from_db()
    assert requisition.status == "approved"  # 250.00 元: the director alone

    relogin(page, "a.keeper")
    page.goto(requisition.get_absolute_url())
    expect(page.locator("#issue-form input[name^=issue_]")).to_have_value("1")
    page.click("#issue-requisition")
    expect(page.locator("#requisition-status")).to_have_text("已发放待签收")
    assert StockBalance.objects.get(warehouse=warehouse, item=paper).quantity == Decimal("3")

    relogin(page, "a.teacher")
    page.goto(requisition.get_absolute_url())
    page.once("dialog", lambda dialog: dialog.accept())  # 确认已收到全部物品？
    page.click("#confirm-requisition")
    expect(page.locator("#requisition-status")).to_have_text("已签收")
    requisition.refresh_from_db()
    assert requisition.status == "received" and requisition.received_at is not None
    issued = Movement.objects.get(school=school, kind="issue")
    assert (issued.quantity, issued.amount, issued.item) == (Decimal("-1"), Decimal("-250.00"), paper)
    assert issued.person.user.username == "a.teacher"
