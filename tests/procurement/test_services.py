"""The procurement rules of the seeds, on the services: approval by amount (999.99 / 1,000.00,
50,000.00 / 50,000.01), three quotes from the quote threshold and a reason for a dearer choice,
licences and admission before ordering, two acceptors who are not the buyer, stock and asset
register on acceptance only, three different signers on the voucher and no invoice twice."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from houqin.assets.models import Asset
from houqin.core.choices import Decision, Role
from houqin.core.models import ApprovalRequest, Notification
from houqin.core.money import capital_amount
from houqin.procurement import services
from houqin.procurement.choices import AcceptanceStatus, Admission, LicenceKind, OrderStatus, RequestStatus
from houqin.procurement.models import ProcurementSettings, Rating, Voucher
from houqin.stock.models import Movement, StockBalance
from tests.stock.factories import ItemFactory, WarehouseFactory, food

from . import factories as f

TODAY = datetime.date.today


def steps(req):
    return [s["label"] for s in f.approval_of(req).steps]


# --- approval by amount ------------------------------------------------------------------


@pytest.mark.parametrize(("amount", "expected"), [
    ("999.99", ["总务主任审核"]),
    ("1000.00", ["总务主任审核", "校长审批"]),
    ("50000.00", ["总务主任审核", "校长审批"]),
    ("50000.01", ["总务主任审核", "校长审批", "勤办审批"]),
])
def test_the_approval_chain_follows_the_amount(world, amount, expected):
    school = world.schools["a"]
    if Decimal(amount) >= ProcurementSettings.of(school).quote_threshold:
        req = f.quoted(school, (amount, str(Decimal(amount) + 1), str(Decimal(amount) + 2)), amount=amount)
    else:
        req = f.request(school, amount)
    services.submit(req, by=req.requested_by)
    assert steps(req) == expected
    f.sign_all(f.approval_of(req), school)
    req.refresh_from_db()
    assert req.status == RequestStatus.APPROVED


def test_the_total_is_the_sum_of_the_lines(world):
    school = world.schools["a"]
    item = ItemFactory(school=school)
    req = f.request(school, lines=[
        {"item": item, "quantity": Decimal("3"), "unit": "盒", "unit_price": Decimal("333.33")},
        {"description": "扫把", "quantity": Decimal("0.5"), "unit": "把", "unit_price": Decimal("0.02")},
    ])
    assert req.amount == Decimal("1000.00")  # 999.99 + 0.01


def test_a_line_needs_an_item_or_a_name_and_an_asset_its_room(world):
    school = world.schools["a"]
    with pytest.raises(ValidationError, match="品名规格"):
        f.request(school, lines=[{"quantity": Decimal("1"), "unit_price": Decimal("1")}])
    with pytest.raises(ValidationError, match="资产分类和存放地点"):
        f.request(school, lines=[{"description": "投影机", "quantity": Decimal("1"), "unit_price": Decimal("1"),
                                  "is_asset": True}])


# --- quotes --------------------------------------------------------------------------------


def test_three_quotes_from_different_suppliers_are_required_at_the_threshold(world):
    school = world.schools["a"]
    below = f.request(school, "999.99")
    services.submit(below, by=below.requested_by)  # no quotes needed below the threshold
    req = f.quoted(school, ("1000.00", "1100.00"), amount="1000.00")
    with pytest.raises(ValidationError, match="三家不同供应商"):
        services.submit(req, by=req.requested_by)
    assert not ApprovalRequest.objects.filter(object_id=req.pk, policy="procurement.request").exists()
    req.refresh_from_db()
    assert req.status == RequestStatus.DRAFT
    same = req.quotes.first().supplier
    with pytest.raises(ValidationError, match="不同供应商"):
        services.add_quote(req, by=req.requested_by, supplier=same, amount=Decimal("900"))
    services.add_quote(req, by=req.requested_by, supplier=f.supplier(school), amount=Decimal("1200.00"))
    services.submit(req, by=req.requested_by)
    req.refresh_from_db()
    assert req.status == RequestStatus.PENDING


def test_choosing_a_dearer_quote_needs_a_reason(world):
    school = world.schools["a"]
    req = f.quoted(school, ("1200.00", "1100.00", "1300.00"), choose=None, amount="1200.00")
    dearer, cheapest = req.quotes.get(amount=Decimal("1200.00")), req.quotes.get(amount=Decimal("1100.00"))
    with pytest.raises(ValidationError, match="不是最低价"):
        services.choose_quote(req, by=req.requested_by, quote=dearer)
    services.choose_quote(req, by=req.requested_by, quote=dearer, reason="该商家为定点供应商，质量更可靠")
    req.refresh_from_db()
    assert req.chosen_quote == dearer and req.choice_reason
    services.choose_quote(req, by=req.requested_by, quote=cheapest, reason="")
    req.refresh_from_db()
    assert req.chosen_quote == cheapest and req.choice_reason == ""


def test_a_chosen_quote_is_required_above_the_threshold(world):
    school = world.schools["a"]
    req = f.quoted(school, ("1200.00", "1100.00", "1300.00"), choose=None, amount="1200.00")
    with pytest.raises(ValidationError, match="选定"):
        services.submit(req, by=req.requested_by)


# --- suppliers and orders --------------------------------------------------------------------


def test_an_expired_licence_supplier_cannot_be_ordered_from(world):
    school = world.schools["a"]
    req = f.approved(school, "500.00")
    expired = f.supplier(school, expires_in=-1)
    with pytest.raises(ValidationError, match="营业执照已过期"):
        services.place_order(req, by=req.requested_by, supplier=expired)
    req.refresh_from_db()
    assert req.status == RequestStatus.APPROVED and not req.orders.exists()
    valid = f.supplier(school, expires_in=0)  # valid through today
    assert services.place_order(req, by=req.requested_by, supplier=valid).status == OrderStatus.PLACED


def test_suspended_unlicensed_and_non_food_suppliers_are_refused(world):
    school = world.schools["a"]
    req = f.approved(school, "500.00")
    suspended = f.supplier(school, admission=Admission.SUSPENDED)
    with pytest.raises(ValidationError, match="暂停准入"):
        services.place_order(req, by=req.requested_by, supplier=suspended)
    unlicensed = f.SupplierFactory(school=school)
    with pytest.raises(ValidationError, match="没有登记营业执照"):
        services.place_order(req, by=req.requested_by, supplier=unlicensed)
    food_supplier = f.supplier(school, food=True)
    food_supplier.licences.filter(kind=LicenceKind.FOOD).update(expires_on=TODAY() - datetime.timedelta(days=1))
    with pytest.raises(ValidationError, match="食品经营许可证"):
        services.place_order(req, by=req.requested_by, supplier=food_supplier)
    rice = f.approved(school, "300.00", item=food(school))
    with pytest.raises(ValidationError, match="食品原料"):
        services.place_order(rice, by=rice.requested_by, supplier=f.supplier(school))
    assert services.place_order(rice, by=rice.requested_by, supplier=f.supplier(school, food=True))


def test_an_order_goes_to_the_chosen_quotes_supplier_only(world):
    school = world.schools["a"]
    req = f.quoted(school, ("1200.00", "1250.00", "1300.00"), amount="1200.00")
    services.submit(req, by=req.requested_by)
    f.sign_all(f.approval_of(req), school)
    req.refresh_from_db()
    with pytest.raises(ValidationError, match="选定报价的供应商"):
        services.place_order(req, by=req.requested_by, supplier=f.supplier(school))
    placed = services.place_order(req, by=req.requested_by)
    assert placed.supplier == req.chosen_quote.supplier and placed.amount == Decimal("1200.00")


def test_only_an_approved_request_is_ordered(world):
    school = world.schools["a"]
    req = f.request(school)
    with pytest.raises(ValidationError, match="批准后才能下单"):
        services.place_order(req, by=req.requested_by, supplier=f.supplier(school))


def test_licences_expiring_are_notified_once(world):
    school = world.schools["a"]
    f.supplier(school, expires_in=20)
    f.supplier(school, expires_in=90)
    first = services.remind_expiring_licences()
    assert first == 3  # buyer, keeper, director of school a
    assert services.remind_expiring_licences() == 0
    recipients = set(Notification.objects.filter(dedupe_key__startswith="licence:").values_list(
        "recipient__username", flat=True))
    assert recipients == {"a.buyer", "a.keeper", "a.director"}


def test_the_tick_task_is_registered():
    from houqin.core.tick import discover

    assert "procurement.licences" in discover()


# --- acceptance -------------------------------------------------------------------------------


def test_the_buyer_cannot_sign_his_own_acceptance(world):
    school = world.schools["a"]
    made = f.acceptance(school)
    services.submit_acceptance(made, by=f.user(school, Role.KEEPER))
    buyer = made.order.buyer
    with pytest.raises(PermissionDenied, match="回避"):
        services.sign_acceptance(made, by=buyer)
    services.sign_acceptance(made, by=f.user(school, Role.KEEPER))
    with pytest.raises(PermissionDenied, match="另一人"):
        services.sign_acceptance(made, by=f.user(school, Role.KEEPER))
    made.refresh_from_db()
    assert made.status == AcceptanceStatus.PENDING
    assert not Movement.objects.filter(school=school).exists()  # 不验收不入库
    services.sign_acceptance(made, by=f.user(school, Role.CANTEEN))
    made.refresh_from_db()
    assert made.status == AcceptanceStatus.APPROVED


def test_acceptance_puts_consumables_into_the_stock_ledger(world):
    school = world.schools["a"]
    item = ItemFactory(school=school)
    warehouse = WarehouseFactory(school=school)
    made = f.acceptance(school, lines=[{"item": item, "quantity": Decimal("10"), "unit": "盒",
                                       "unit_price": Decimal("2.50")}], warehouse=warehouse)
    line = made.lines.get()
    with pytest.raises(ValidationError, match="原因"):
        services.record_line(line, by=f.user(school, Role.KEEPER), accepted=8, rejected=2)
    with pytest.raises(ValidationError, match="不能超过"):
        services.record_line(line, by=f.user(school, Role.KEEPER), accepted=9, rejected=2, reason="破损")
    services.record_line(line, by=f.user(school, Role.KEEPER), accepted=8, rejected=2, reason="包装破损",
                         unit_price=Decimal("2.40"))
    services.submit_acceptance(made, by=f.user(school, Role.KEEPER))
    with pytest.raises(ValidationError, match="已提交"):
        services.record_line(line, by=f.user(school, Role.KEEPER), accepted=10, rejected=0)
    for role in (Role.KEEPER, Role.TEACHER):
        services.sign_acceptance(made, by=f.user(school, role))
    movement = Movement.objects.get(school=school, item=item)
    assert movement.kind == "receipt" and movement.quantity == Decimal("8") and movement.amount == Decimal("19.20")
    assert movement.source == made.lines.get()
    assert StockBalance.objects.get(warehouse=warehouse, item=item).quantity == Decimal("8")
    made.order.refresh_from_db()
    assert made.order.status == OrderStatus.ACCEPTED
    assert made.order.request.status == RequestStatus.ACCEPTED


def test_food_needs_its_expiry_and_goes_in_as_a_batch(world):
    school = world.schools["a"]
    rice = food(school)
    seller = f.supplier(school, food=True)
    made = f.acceptance(school, lines=[{"item": rice, "quantity": Decimal("4"), "unit": "袋",
                                       "unit_price": Decimal("150")}], seller=seller)
    keeper = f.user(school, Role.KEEPER)
    with pytest.raises(ValidationError, match="保质期"):
        services.submit_acceptance(made, by=keeper)
    line = made.lines.get()
    services.record_line(line, by=keeper, accepted=4, rejected=0, batch_code="B0901",
                         expires_on=TODAY() + datetime.timedelta(days=180))
    services.submit_acceptance(made, by=keeper)
    for role in (Role.KEEPER, Role.CANTEEN):
        services.sign_acceptance(made, by=f.user(school, role))
    movement = Movement.objects.get(school=school, item=rice)
    assert movement.batch.code == "B0901" and movement.batch.quantity == Decimal("4")


def test_acceptance_registers_fixed_assets(world):
    from houqin.assets.models import Category
    from tests.factories import RoomFactory

    school = world.schools["a"]
    room = RoomFactory(school=school, name="多媒体教室")
    seller = f.supplier(school, name="恩施数码城")
    made = f.acceptance(school, "4800.00", seller=seller, lines=[
        {"description": "多功能投影机", "quantity": Decimal("2"), "unit": "台", "unit_price": Decimal("2400.00"),
         "is_asset": True, "asset_category": Category.objects.get(code="B09"), "room": room}])
    made.invoice_number = "FP20260901"
    made.save()
    services.submit_acceptance(made, by=f.user(school, Role.KEEPER))
    for role in (Role.KEEPER, Role.TEACHER):
        services.sign_acceptance(made, by=f.user(school, role))
    asset = Asset.objects.get(school=school, name="多功能投影机")
    assert asset.quantity == 2 and asset.unit_price == Decimal("2400.00") and asset.room == room
    assert asset.supplier == "恩施数码城" and asset.invoice_number == "FP20260901"
    assert asset.purchase_date == made.received_on and asset.category.code == "B09"
    assert asset.events.get().kind == "register"
    assert not Movement.objects.filter(school=school).exists()


def test_a_rejected_acceptance_writes_nothing_and_the_order_waits(world):
    school = world.schools["a"]
    made = f.acceptance(school)
    services.submit_acceptance(made, by=f.user(school, Role.KEEPER))
    services.sign_acceptance(made, by=f.user(school, Role.KEEPER), decision=Decision.REJECT, comment="货不对板")
    made.refresh_from_db()
    made.order.refresh_from_db()
    assert made.status == AcceptanceStatus.REJECTED and made.order.status == OrderStatus.PLACED
    assert not Movement.objects.filter(school=school).exists()
    again = services.start_acceptance(made.order, by=f.user(school, Role.KEEPER), warehouse=made.warehouse)
    assert again.pk != made.pk


def test_the_supplier_is_rated_after_acceptance_once(world):
    school = world.schools["a"]
    placed = f.order(school)
    with pytest.raises(ValidationError, match="验收通过后"):
        services.rate(placed, by=f.user(school, Role.DIRECTOR), score=5)
    made = f.accepted(school)
    rating = services.rate(made.order, by=f.user(school, Role.DIRECTOR), score=4, comment="准时")
    assert rating.supplier == made.order.supplier
    with pytest.raises(ValidationError, match="评价过"):
        services.rate(made.order, by=f.user(school, Role.DIRECTOR), score=5)
    with pytest.raises(ValidationError):
        services.rate(f.accepted(school).order, by=f.user(school, Role.DIRECTOR), score=6)
    assert services.average_ratings([made.order.supplier])[made.order.supplier.pk] == (Decimal("4.0"), 1)
    assert Rating.objects.count() == 1


# --- vouchers ---------------------------------------------------------------------------------


def test_a_duplicate_invoice_of_the_supplier_is_refused(world):
    school = world.schools["a"]
    seller = f.supplier(school)
    first = f.voucher(school, invoice_number="04400123", seller=seller)
    second = f.accepted(school, seller=seller)
    with pytest.raises(ValidationError, match="已经报销过"):
        services.create_voucher(second, by=f.user(school, Role.BUYER), invoice_number="04400123",
                                invoice_date=TODAY(), amount=second.accepted_value)
    # The database refuses it too, whoever writes.
    with pytest.raises(IntegrityError), transaction.atomic():
        Voucher.objects.create(school=school, acceptance=second, supplier=seller, invoice_number="04400123",
                               invoice_date=TODAY(), amount=Decimal("1"), goods_value=Decimal("1"),
                               created_by=first.created_by)
    # Another supplier may use the same number.
    assert f.voucher(school, invoice_number="04400123")


def test_a_voucher_amount_differing_from_the_goods_needs_a_reason(world):
    school = world.schools["a"]
    made = f.accepted(school, "500.00")
    buyer = f.user(school, Role.BUYER)
    with pytest.raises(ValidationError, match="须说明差异原因"):
        services.create_voucher(made, by=buyer, invoice_number="A1", invoice_date=TODAY(), amount=Decimal("520.00"))
    voucher = services.create_voucher(made, by=buyer, invoice_number="A1", invoice_date=TODAY(),
                                      amount=Decimal("520.00"), difference_reason="含运费20元")
    assert voucher.goods_value == Decimal("500.00") and voucher.difference == Decimal("20.00")


def test_a_voucher_needs_an_accepted_delivery(world):
    school = world.schools["a"]
    made = f.acceptance(school)
    with pytest.raises(ValidationError, match="验收通过后"):
        services.create_voucher(made, by=f.user(school, Role.BUYER), invoice_number="A1", invoice_date=TODAY(),
                                amount=Decimal("500.00"))


def test_three_signatures_by_three_different_people(world):
    school = world.schools["a"]
    voucher = f.voucher(school)
    buyer, keeper, teacher = (f.user(school, r) for r in (Role.BUYER, Role.KEEPER, Role.TEACHER))
    accountant = f.user(school, Role.ACCOUNTANT)
    with pytest.raises(PermissionDenied, match="经手人须由采购员"):
        services.sign_voucher(voucher, by=keeper)
    services.sign_voucher(voucher, by=buyer)
    # The buyer cannot sign again as 验收人 (he did not accept, and he already signed).
    with pytest.raises(PermissionDenied, match="三个不同的人"):
        services.sign_voucher(voucher, by=buyer)
    with pytest.raises(PermissionDenied, match="验收签字人之一"):
        services.sign_voucher(voucher, by=accountant)
    services.sign_voucher(voucher, by=teacher)
    with pytest.raises(PermissionDenied, match="会计或总务主任"):
        services.sign_voucher(voucher, by=keeper)
    services.sign_voucher(voucher, by=accountant, comment="票据真实")
    voucher.refresh_from_db()
    assert (voucher.handler, voucher.acceptor, voucher.auditor) == (buyer, teacher, accountant)
    assert voucher.status == "approved"
    assert voucher.acceptance.order.request.status == RequestStatus.REIMBURSED


def test_an_acceptor_who_is_also_the_director_cannot_audit_his_own_voucher(world):
    school = world.schools["a"]
    voucher = f.voucher(school, signers=(Role.DIRECTOR, Role.KEEPER))
    director = f.user(school, Role.DIRECTOR)
    services.sign_voucher(voucher, by=voucher.acceptance.order.buyer)
    services.sign_voucher(voucher, by=director)
    with pytest.raises(PermissionDenied, match="三个不同的人"):
        services.sign_voucher(voucher, by=director)


def test_the_auditor_sends_a_voucher_back_with_a_reason(world):
    school = world.schools["a"]
    voucher = f.voucher(school, invoice_number="X9")
    services.sign_voucher(voucher, by=voucher.acceptance.order.buyer)
    services.sign_voucher(voucher, by=f.user(school, Role.KEEPER))
    accountant = f.user(school, Role.ACCOUNTANT)
    with pytest.raises(ValidationError, match="理由"):
        services.sign_voucher(voucher, by=accountant, decision=Decision.REJECT)
    services.sign_voucher(voucher, by=accountant, decision=Decision.REJECT, comment="发票抬头有误")
    voucher.refresh_from_db()
    assert voucher.status == "rejected"
    # A corrected voucher may then use the number again.
    again = services.create_voucher(voucher.acceptance, by=voucher.created_by, invoice_number="X9",
                                    invoice_date=TODAY(), amount=voucher.amount)
    assert again.pk != voucher.pk


# --- money in words -----------------------------------------------------------------------------


@pytest.mark.parametrize(("amount", "words"), [
    ("0", "零元整"),
    ("0.05", "伍分"),
    ("0.50", "伍角"),
    ("1", "壹元整"),
    ("10", "壹拾元整"),
    ("20.30", "贰拾元叁角"),
    ("999.99", "玖佰玖拾玖元玖角玖分"),
    ("1000.00", "壹仟元整"),
    ("1010.01", "壹仟零壹拾元零壹分"),
    ("1234.56", "壹仟贰佰叁拾肆元伍角陆分"),
    ("10005", "壹万零伍元整"),
    ("28102.00", "贰万捌仟壹佰零贰元整"),
    ("50000.01", "伍万元零壹分"),
    ("100100", "壹拾万零壹佰元整"),
    ("100000005", "壹亿零伍元整"),
    ("150000000.5", "壹亿伍仟万元伍角"),
])
def test_capital_amount(amount, words):
    assert capital_amount(amount) == words


def test_only_a_requester_role_sets_a_requests_lines(world):
    a = world.schools["a"]
    draft = f.request(a)
    lines = [{"description": "白板笔", "quantity": Decimal("2"), "unit": "支", "unit_price": Decimal("3.00")}]
    for role, school in ((Role.TEACHER, "a"), (Role.ACCOUNTANT, "a"), (Role.BUYER, "b")):
        with pytest.raises(PermissionDenied, match="只有"):
            services.set_lines(draft, lines, by=world.user(role, school))
    assert services.set_lines(draft, lines, by=world.user(Role.BUYER)).amount == Decimal("6.00")
