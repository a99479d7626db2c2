"""Demo data of procurement (`houqin demo`): per demo school four suppliers (one food supplier,
one whose licence expires in about 20 days) with designations, and purchase requests in every
state — draft, pending, approved, rejected, ordered, accepted, reimbursed — made through the
real services, with their quotes, approvals, orders, acceptances, stock receipts, an asset
registered from an acceptance, vouchers and a rating.

Self-sufficient: the warehouses and items it needs are ensured here (the stock step may have
made them already). Idempotent: a school that already has requests gets no new ones."""

import datetime
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from houqin.assets.models import Category
from houqin.core import approvals
from houqin.core.choices import Decision
from houqin.core.demo import demo_step
from houqin.core.models import ApprovalRequest, Room
from houqin.stock.choices import ItemCategory, WarehouseKind
from houqin.stock.models import Item, Warehouse

from . import services
from .choices import LicenceKind
from .models import Designation, Licence, PurchaseRequest, Supplier

# (name, credit code, contact, phone, categories, food, licence expires in days)
SUPPLIERS = [
    ("恩施市文教用品商行", "91422801MA4F1A2B3C", "谭红梅", "13972701101", ["office", "teaching"], False, 700),
    ("恩施市绿源蔬菜配送中心", "91422801MA4F2B3C4D", "向国华", "13972701102", ["food"], True, 400),
    ("恩施数码城电教设备部", "91422801MA4F3C4D5E", "黄晓东", "13972701103", ["electronic"], False, 20),
    ("华中清洁用品有限公司", "91420100MA4F4D5E6F", "刘芳", "13972701104", ["cleaning"], False, 500),
]

# (code, name, spec, unit, category, warehouse kind, batches)
ITEMS = [
    ("CG001", "A4复印纸", "70g 500张/包×5", "箱", ItemCategory.OFFICE, WarehouseKind.GENERAL, False),
    ("CG002", "粉笔", "白色 50支/盒", "盒", ItemCategory.TEACHING, WarehouseKind.GENERAL, False),
    ("CG003", "洗洁精", "5kg/桶", "桶", ItemCategory.CLEANING, WarehouseKind.GENERAL, False),
    ("CG004", "大米", "25kg/袋", "袋", ItemCategory.FOOD, WarehouseKind.CANTEEN, True),
]


def _item(demo, school, code, name, spec, unit, category, batches):
    found = Item.objects.filter(school=school, name=name).order_by("pk").first()
    return found or demo.ensure(Item, {"school": school, "code": code}, {
        "name": name, "spec": spec, "unit": unit, "category": category, "tracks_batches": batches,
        "shelf_life_days": 365 if batches else None})


def _suppliers(demo, school):
    made = {}
    for name, code, contact, phone, categories, food, days in SUPPLIERS:
        supplier = demo.ensure(Supplier, {"school": school, "name": name}, {
            "credit_code": code, "contact": contact, "phone": phone, "categories": categories, "food": food})
        # Ordering checks licences against the real date: a demo dated in the past must not
        # start with its suppliers' licences already expired.
        expiry = {"expires_on": max(demo.today, timezone.localdate()) + datetime.timedelta(days=days)}
        demo.ensure(Licence, {"school": school, "supplier": supplier, "kind": LicenceKind.BUSINESS},
                    {"number": code}, initial=expiry)
        if food:
            demo.ensure(Licence, {"school": school, "supplier": supplier, "kind": LicenceKind.FOOD},
                        {"number": f"JY1422801{code[-6:]}"}, initial=expiry)
        for category in categories:
            demo.ensure(Designation, {"school": school, "category": category}, {"supplier": supplier})
        made[name] = supplier
    return made


class Chain:
    """Walks one request as far as `until` through the services, with the school's people."""

    def __init__(self, demo, code, suppliers, warehouses):
        self.demo, self.code, self.suppliers, self.warehouses = demo, code, suppliers, warehouses
        self.school = demo.school(code)

    def user(self, role):
        return self.demo.user("district.officer" if role == "district_officer" else f"{self.code}.{role}")

    def sign_all(self, subject, decision=Decision.APPROVE):
        approval = ApprovalRequest.objects.filter(content_type=ContentType.objects.get_for_model(subject),
                                                  object_id=subject.pk).latest("pk")
        while approval.status == "pending":
            role = approval.current_step["roles"][0]
            comment = "" if decision == Decision.APPROVE else "本学期预算已用完，下学期再购"
            approvals.sign(approval, by=self.user(role), decision=decision, comment=comment)
            approval.refresh_from_db()

    def run(self, title, lines, until, *, supplier, quotes=(), reason=""):
        buyer = self.user("buyer")
        req = services.create_request(self.school, by=buyer, title=title, reason=reason or "教学和办公需要",
                                      budget_line="公用经费", lines=lines)
        if quotes:
            made = [services.add_quote(req, by=buyer, supplier=self.suppliers[name], amount=Decimal(amount))
                    for name, amount in quotes]
            services.choose_quote(req, by=buyer, quote=made[0])
        if until == "draft":
            return req
        services.submit(req, by=buyer)
        if until == "pending":
            return req
        self.sign_all(req, Decision.REJECT if until == "rejected" else Decision.APPROVE)
        if until in ("approved", "rejected"):
            return req
        order = services.place_order(req, by=buyer, supplier=None if quotes else self.suppliers[supplier])
        if until == "ordered":
            return req
        return self.accept(order, until)

    def accept(self, order, until):
        keeper = self.user("keeper")
        canteen_goods = order.supplier.food
        warehouse = self.warehouses[WarehouseKind.CANTEEN if canteen_goods else WarehouseKind.GENERAL]
        acceptance = services.start_acceptance(order, by=keeper, warehouse=warehouse,
                                               invoice_number=f"0440{order.pk:05d}")
        for line in acceptance.lines.select_related("request_line__item"):
            if line.request_line.item and line.request_line.item.tracks_batches:
                services.record_line(line, by=keeper, accepted=line.accepted, rejected=0, batch_code="DM01",
                                     expires_on=self.demo.today + datetime.timedelta(days=300))
        services.submit_acceptance(acceptance, by=keeper)
        second = "canteen" if canteen_goods else "teacher"
        for role in ("keeper", second):
            services.sign_acceptance(acceptance, by=self.user(role))
        acceptance.refresh_from_db()
        services.rate(order, by=self.user("director"), score=5 if canteen_goods else 4, comment="按时送货，质量合格")
        if until == "accepted":
            return order.request
        voucher = services.create_voucher(acceptance, by=self.user("buyer"), invoice_number=f"0440{order.pk:05d}",
                                          invoice_date=acceptance.received_on, amount=acceptance.accepted_value)
        for role in ("buyer", second, "accountant"):
            services.sign_voucher(voucher, by=self.user(role))
        return order.request


def _requests(chain, items, room):
    office, chalk, soap, rice = (items[c] for c in ("CG001", "CG002", "CG003", "CG004"))
    stationer, greens, digital, cleaner = (chain.suppliers[s[0]] for s in SUPPLIERS)

    def line(item, quantity, price):
        return {"item": item, "quantity": Decimal(quantity), "unit": item.unit, "unit_price": Decimal(price)}

    three = [(stationer.name, "1150.00"), (digital.name, "1180.00"), (cleaner.name, "1210.00")]
    chain.run("期末考试用复印纸", [line(office, "5", "230.00")], "reimbursed", supplier=stationer.name, quotes=three)
    projector = {"description": "多功能投影机 爱普生CB-X06", "quantity": Decimal("1"), "unit": "台",
                 "unit_price": Decimal("3600.00"), "is_asset": True, "room": room,
                 "asset_category": _category("B09")}
    if room is not None:
        chain.run("多媒体教室投影机更换", [projector], "reimbursed", supplier=digital.name,
                  quotes=[(digital.name, "3600.00"), (stationer.name, "3750.00"), (cleaner.name, "3800.00")])
    chain.run("食堂大米", [line(rice, "8", "115.00")], "accepted", supplier=greens.name)
    chain.run("教学用粉笔", [line(chalk, "40", "6.50")], "ordered", supplier=stationer.name)
    chain.run("清洁用洗洁精", [line(soap, "10", "38.00")], "approved", supplier=cleaner.name)
    chain.run("办公室装饰绿植", [{"description": "绿萝盆栽", "quantity": Decimal("20"), "unit": "盆",
                                 "unit_price": Decimal("25.00")}], "rejected", supplier=stationer.name)
    chain.run("体育器材补充", [{"description": "篮球 7号", "quantity": Decimal("10"), "unit": "个",
                               "unit_price": Decimal("85.00")}], "pending", supplier=stationer.name)
    chain.run("下学期教学耗材", [line(chalk, "60", "6.50")], "draft", supplier=stationer.name)


def _category(code):
    return Category.objects.filter(code=code).first()


@demo_step("procurement")
def demo_procurement(demo):
    for code in demo.schools:
        school = demo.school(code)
        warehouses = {
            WarehouseKind.GENERAL: demo.ensure(Warehouse, {"school": school, "name": "总务仓库"},
                                               initial={"kind": WarehouseKind.GENERAL}),
            WarehouseKind.CANTEEN: demo.ensure(Warehouse, {"school": school, "name": "食堂仓库"},
                                               initial={"kind": WarehouseKind.CANTEEN}),
        }
        items = {c: _item(demo, school, c, n, s, u, cat, b) for c, n, s, u, cat, _w, b in ITEMS}
        suppliers = _suppliers(demo, school)
        if PurchaseRequest.objects.filter(school=school).exists():
            continue  # already built: running the demo twice writes nothing new
        room = Room.objects.filter(school=school, name="多媒体教室").first()
        _requests(Chain(demo, code, suppliers, warehouses), items, room)
        demo.created[PurchaseRequest._meta.verbose_name] += PurchaseRequest.objects.filter(school=school).count()
