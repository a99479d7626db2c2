"""Demo and generated data of the stock app (库房).

`houqin demo`: each demo school gets a 总务仓库 and a 食堂仓库 (food kept by batch with its
expiry), about 60 items, and two terms of movements written through the ledger services so
that every report shows real figures. Consumable purchases add up exactly to the seed's
figures for 恩施市实验小学 (seed 000: 易耗品支出 春季 46,046.00 元，秋季 17,944.00 元，节约
28,102.00 元): the term before the current one (core's demo step "terms") gets 46,046.00, the
current term 17,944.00. Some items end below their reorder level, one batch of eggs expires
within 7 days, and requisitions stand in several states next to one open monthly count.
Items and warehouses are found by their natural keys; the movements, requisitions and count
are written only when the school has no movement yet, so a second run writes nothing.

`houqin gendata`: a year of movements per generated school (`-o stock_movements=N`, default
100,000 — 1,000,000 over the default 10 schools) over the same catalogue, in bulk, with the
balances, batches and running balances computed here exactly as the ledger computes them
(balance rows equal the ledger sums).
"""

import datetime
from collections import deque
from decimal import Decimal

from django.db.models import Sum

from houqin.core import approvals
from houqin.core.choices import Decision, Role
from houqin.core.demo import demo_step, gendata_step
from houqin.core.models import Room, Term, User
from houqin.core.money import cents
from houqin.core.text import initials

from . import reports, services
from .choices import ItemCategory as C
from .choices import ItemKind, MovementKind, WarehouseKind
from .models import Batch, Item, Movement, Requisition, StockBalance, StockCount, Warehouse

CON, DUR = ItemKind.CONSUMABLE, ItemKind.DURABLE
GENERAL, CANTEEN = "总务仓库", "食堂仓库"

# The catalogue: (code, name, spec, unit, category, kind, unit price, base quantity a term,
# old-for-new). Food (食品原料) and kitchen supplies are kept in the 食堂仓库.
CATALOGUE = [
    ("BG001", "A4复印纸", "70g 500张/包", "包", C.OFFICE, CON, "26.00", 0, False),  # balances the term totals
    ("BG002", "签字笔", "0.5mm 黑色", "支", C.OFFICE, CON, "1.50", 600, False),
    ("BG003", "笔芯", "0.5mm 黑色", "支", C.OFFICE, CON, "0.60", 1000, False),
    ("BG004", "文件夹", "A4 单强力夹", "个", C.OFFICE, CON, "4.50", 200, False),
    ("BG005", "档案盒", "A4 5cm", "个", C.OFFICE, CON, "6.00", 150, False),
    ("BG006", "订书机", "12#", "个", C.OFFICE, DUR, "18.00", 20, False),
    ("BG007", "订书钉", "12#", "盒", C.OFFICE, CON, "2.00", 200, False),
    ("BG008", "胶水", "50ml", "瓶", C.OFFICE, CON, "2.50", 120, False),
    ("BG009", "笔记本", "B5 60页", "本", C.OFFICE, CON, "5.00", 300, False),
    ("BG010", "长尾夹", "25mm 12只/盒", "盒", C.OFFICE, CON, "8.00", 60, False),
    ("BG011", "信封", "牛皮纸 5号", "个", C.OFFICE, CON, "0.50", 500, False),
    ("JX001", "粉笔", "白色无尘 100支/盒", "盒", C.TEACHING, CON, "3.50", 1200, False),
    ("JX002", "彩色粉笔", "无尘 48支/盒", "盒", C.TEACHING, CON, "6.00", 300, False),
    ("JX003", "粉笔擦", "", "个", C.TEACHING, CON, "5.00", 150, True),
    ("JX004", "红墨水", "60ml", "瓶", C.TEACHING, CON, "3.00", 100, False),
    ("JX005", "作业本", "16K", "本", C.TEACHING, CON, "1.20", 3000, False),
    ("JX006", "三角板", "教学用 套装", "套", C.TEACHING, DUR, "12.00", 40, False),
    ("DJ001", "墨盒", "HP 803 黑色", "个", C.ELECTRONIC, CON, "128.00", 40, False),
    ("DJ002", "硒鼓", "HP 88A", "个", C.ELECTRONIC, CON, "260.00", 20, False),
    ("DJ003", "U盘", "32G", "个", C.ELECTRONIC, DUR, "45.00", 30, False),
    ("DJ004", "电池", "5号 碱性", "节", C.ELECTRONIC, CON, "1.50", 400, False),
    ("DJ005", "无线话筒", "", "个", C.ELECTRONIC, DUR, "180.00", 6, False),
    ("QJ001", "扫把", "", "把", C.CLEANING, CON, "15.00", 200, True),
    ("QJ002", "拖把", "", "把", C.CLEANING, CON, "22.00", 120, True),
    ("QJ003", "洗洁精", "1.5kg", "瓶", C.CLEANING, CON, "12.00", 100, False),
    ("QJ004", "垃圾袋", "大号 50只/卷", "卷", C.CLEANING, CON, "6.00", 500, False),
    ("QJ005", "洗手液", "500ml", "瓶", C.CLEANING, CON, "9.50", 200, False),
    ("QJ006", "84消毒液", "5kg", "桶", C.CLEANING, CON, "35.00", 60, False),
    ("QJ007", "卫生纸", "卷纸", "卷", C.CLEANING, CON, "1.80", 2000, False),
    ("QJ008", "抹布", "", "块", C.CLEANING, CON, "2.00", 400, False),
    ("QJ009", "垃圾桶", "分类 60L", "个", C.CLEANING, DUR, "25.00", 40, False),
    ("QJ010", "簸箕", "", "个", C.CLEANING, CON, "8.00", 100, True),
    ("WX001", "灯管", "T8 1.2m LED", "支", C.REPAIR, CON, "18.00", 300, True),
    ("WX002", "LED灯泡", "12W", "个", C.REPAIR, CON, "12.00", 150, True),
    ("WX003", "合页", "4寸 不锈钢", "个", C.REPAIR, CON, "6.50", 200, False),
    ("WX004", "门锁", "执手锁", "把", C.REPAIR, CON, "45.00", 40, False),
    ("WX005", "水龙头", "铜芯", "个", C.REPAIR, CON, "35.00", 40, False),
    ("WX006", "开关面板", "86型 单开", "个", C.REPAIR, CON, "12.00", 80, False),
    ("WX007", "插座", "86型 五孔", "个", C.REPAIR, CON, "15.00", 60, False),
    ("WX008", "电线", "BV2.5 100m", "卷", C.REPAIR, CON, "260.00", 5, False),
    ("WX009", "螺丝", "自攻 混装", "盒", C.REPAIR, CON, "15.00", 30, False),
    ("WX010", "玻璃胶", "300ml", "支", C.REPAIR, CON, "18.00", 40, False),
    ("TY001", "跳绳", "", "根", C.SPORTS, CON, "8.00", 200, False),
    ("TY002", "篮球", "7号", "个", C.SPORTS, DUR, "120.00", 20, False),
    ("TY003", "足球", "4号", "个", C.SPORTS, DUR, "110.00", 15, False),
    ("TY004", "羽毛球", "12只/筒", "筒", C.SPORTS, CON, "45.00", 40, False),
    ("TY005", "乒乓球", "三星 10只/盒", "盒", C.SPORTS, CON, "25.00", 40, False),
    ("TY006", "哨子", "", "个", C.SPORTS, CON, "5.00", 30, False),
    ("CT001", "一次性手套", "100只/盒", "盒", C.KITCHEN, CON, "15.00", 60, False),
    ("CT002", "保鲜膜", "30cm×100m", "卷", C.KITCHEN, CON, "18.00", 40, False),
    ("CT003", "餐具洗涤剂", "5kg", "桶", C.KITCHEN, CON, "48.00", 30, False),
    ("CT004", "口罩", "50只/盒", "盒", C.KITCHEN, CON, "20.00", 40, False),
    ("CT005", "不锈钢餐盘", "五格", "个", C.KITCHEN, DUR, "25.00", 100, False),
]
# Food, batch-tracked: (code, name, spec, unit, unit price, shelf life in days, quantity a delivery).
FOOD = [
    ("SP001", "大米", "25kg/袋", "袋", "165.00", 180, 20),
    ("SP002", "食用油", "5L/桶", "桶", "82.00", 365, 12),
    ("SP003", "面粉", "25kg/袋", "袋", "140.00", 180, 6),
    ("SP004", "鸡蛋", "", "斤", "5.50", 30, 200),
    ("SP005", "食盐", "400g/袋", "袋", "2.00", 720, 60),
    ("SP006", "酱油", "500ml", "瓶", "12.00", 540, 24),
    ("SP007", "挂面", "", "斤", "4.00", 365, 80),
    ("SP008", "黄豆", "", "斤", "5.00", 365, 60),
]
# Items that end at or below their reorder level (the low-stock report has something to show).
LOW = {"JX001", "QJ004", "QJ003", "DJ001", "WX001"}
# Consumable purchases (previous term, current term) of each demo school; esyx's are the seed's.
TERM_TOTALS = {"esyx": (Decimal("46046.00"), Decimal("17944.00")),
               "styx": (Decimal("38520.00"), Decimal("21365.50"))}
BALANCING = "BG001"


def warehouse_of(category):
    return CANTEEN if category in (C.FOOD, C.KITCHEN) else GENERAL


# --- demo -------------------------------------------------------------------------------------


def _catalogue(demo, school, warehouses):
    """The school's items (by code), created or brought in line with the catalogue."""
    items = {}
    for code, name, spec, unit, category, kind, _price, base, old in CATALOGUE:
        reorder = Decimal(max(base // 25, 1)) if base else Decimal("20")
        items[code] = demo.ensure(Item, {"school": school, "code": code}, {
            "name": name, "spec": spec, "unit": unit, "category": category, "kind": kind, "old_for_new": old,
            "reorder_level": reorder})
    for code, name, spec, unit, _price, shelf, per in FOOD:
        items[code] = demo.ensure(Item, {"school": school, "code": code}, {
            "name": name, "spec": spec, "unit": unit, "category": C.FOOD, "kind": CON, "tracks_batches": True,
            "shelf_life_days": shelf, "reorder_level": Decimal(per // 4)})
    return items


def _warehouses(demo, code, school):
    rooms = {r.name: r for r in Room.objects.filter(school=school, name__in=(GENERAL, CANTEEN))}
    return {
        GENERAL: demo.ensure(Warehouse, {"school": school, "name": GENERAL}, {
            "kind": WarehouseKind.GENERAL, "room": rooms.get(GENERAL), "keeper": demo.person(code, Role.KEEPER.value)}),
        CANTEEN: demo.ensure(Warehouse, {"school": school, "name": CANTEEN}, {
            "kind": WarehouseKind.CANTEEN, "room": rooms.get(CANTEEN),
            "keeper": demo.person(code, Role.CANTEEN.value)}),
    }


def term_plan(target, scale_to=Decimal("0.85")):
    """{item code: quantity} of the consumables bought in a term, scaled so that they come to
    about 85 % of `target`; the balancing item (A4 paper) takes the exact rest."""
    raw = sum(Decimal(price) * base for code, _n, _s, _u, _c, kind, price, base, _o in CATALOGUE
              if kind == CON and code != BALANCING)
    factor = target * scale_to / raw
    plan = {}
    for code, _n, _s, _u, _c, kind, _price, base, _o in CATALOGUE:
        if code != BALANCING and base:
            plan[code] = max(1, int(base * (factor if kind == CON else Decimal("0.5"))))
    spent = sum(Decimal(price) * plan[code] for code, _n, _s, _u, _c, kind, price, _b, _o in CATALOGUE
                if kind == CON and code in plan)
    rest = cents(target - spent)
    plan[BALANCING] = (max(1, int(rest / Decimal("26.00"))), rest)
    return plan


def _buy_term(school_items, warehouses, plan, start, end, today, keeper, people, by_code):
    """The term's purchases (two deliveries) and issues (three rounds) of the general items,
    posted in date order so that each movement's balance is the balance on its date."""

    first = min(start + datetime.timedelta(days=2), today)
    second = min(start + datetime.timedelta(days=45), today, end)
    events = [(first, 0, "buy"), (second, 1, "buy2")]
    events += [(min(start + datetime.timedelta(days=d), today, end), 2 + i, "use") for i, d in enumerate((15, 50, 90))]
    for day, step, what in sorted(events):
        for j, (code, planned) in enumerate(plan.items()):
            item = school_items[code]
            warehouse = warehouses[warehouse_of(item.category)]
            if what == "buy" and code == BALANCING:
                quantity, amount = planned
                services.post(warehouse=warehouse, item=item, kind=MovementKind.RECEIPT, quantity=quantity,
                              amount=amount, by=keeper, note="采购入库", on=day)
            elif what in ("buy", "buy2") and code != BALANCING:
                half = planned // 2
                quantity = half if what == "buy" else planned - half
                if quantity:
                    services.receive(warehouse=warehouse, item=item, quantity=quantity,
                                     unit_cost=Decimal(by_code[code][6]), by=keeper, note="采购入库", on=day)
            elif what == "use":
                balance = StockBalance.objects.get(warehouse=warehouse, item=item).quantity
                share = int(balance * Decimal("0.4"))
                if code in LOW and step == 4:  # the last round leaves these at or below the reorder level
                    share = max(balance - item.reorder_level + 1, 0)
                if share > 0:
                    services.issue(warehouse=warehouse, item=item, quantity=share, by=keeper,
                                   person=people[(step + j) % len(people)], note="领用出库", on=day)


def _food(school_items, warehouse, today, by):
    """Three deliveries of each food: two months ago (used up), a month ago, and recently;
    the eggs delivered 26 days ago (30 days' shelf life) expire in 4 days with some left."""

    for code, _n, _s, _u, price, shelf, per in FOOD:
        item = school_items[code]
        for ago, used in ((60, per), (30, per // 2), (10, per // 4)):
            on = today - datetime.timedelta(days=26 if code == "SP004" and ago == 30 else ago)
            services.receive(warehouse=warehouse, item=item, quantity=per, unit_cost=Decimal(price), by=by,
                             batch_code=f"{on:%Y%m%d}-{code}", expires_on=on + datetime.timedelta(days=shelf),
                             produced_on=on - datetime.timedelta(days=2), note="食材入库", on=on)
            services.issue(warehouse=warehouse, item=item, quantity=used, by=by, note="食堂领用",
                           on=min(on + datetime.timedelta(days=3), today))


def _requisitions(demo, code, school, warehouses, items):
    """Requisitions in several states and one open monthly count, through the services."""

    keeper, director = demo.user(f"{code}.keeper"), demo.user(f"{code}.director")
    teacher, worker = demo.user(f"{code}.teacher"), demo.user(f"{code}.worker")
    general = warehouses[GENERAL]

    def make(by, purpose, lines, department=""):
        return services.create_requisition(school, by=by, warehouse=general, purpose=purpose, department=department,
                                           lines=[(items[c], q, "") for c, q in lines])

    def approve(requisition):
        approval = services.approval_of(requisition, services.REQUISITION.key)
        approvals.sign(approval, by=director, decision=Decision.APPROVE, comment="同意")

    make(teacher, "六(3)班教学用", [("JX002", 5), ("BG009", 10)], "六(3)班")  # draft
    services.submit_requisition(make(teacher, "班级卫生", [("QJ008", 10)], "六(3)班"), by=teacher)  # pending
    approved = make(worker, "维修教室门窗", [("WX003", 8), ("WX010", 2)], "总务处")
    services.submit_requisition(approved, by=worker)
    approve(approved)  # waiting to be issued
    issued = make(teacher, "期中考试用纸", [("BG001", 2), ("BG002", 10)], "六(3)班")
    services.submit_requisition(issued, by=teacher)
    approve(issued)
    services.issue_requisition(issued, by=keeper,
                               quantities={line.pk: line.quantity for line in issued.lines.all()})
    received = make(teacher, "教室日常", [("BG007", 2), ("BG008", 2)], "六(3)班")
    services.submit_requisition(received, by=teacher)
    approve(received)
    services.issue_requisition(received, by=keeper,
                               quantities={line.pk: line.quantity for line in received.lines.all()})
    services.confirm_receipt(received, by=teacher)
    rejected = make(teacher, "班级活动", [("TY004", 10)], "六(3)班")
    services.submit_requisition(rejected, by=teacher)
    approval = services.approval_of(rejected, services.REQUISITION.key)
    approvals.sign(approval, by=director, decision=Decision.REJECT, comment="体育组已统一领用，请向体育组借用")
    partly = make(teacher, "六(3)班美术课", [("BG002", 20), ("BG003", 40)], "六(3)班")
    services.submit_requisition(partly, by=teacher)
    approve(partly)
    pen, refill = sorted(partly.lines.all(), key=lambda line: line.item.code)
    services.issue_requisition(partly, by=keeper, quantities={pen.pk: 20, refill.pk: 15})  # the rest to come
    short = make(teacher, "班级读书角", [("BG002", 30)], "六(3)班")
    services.submit_requisition(short, by=teacher)
    approve(short)
    services.issue_requisition(short, by=keeper, quantities={short.lines.get().pk: 12})
    services.close_short(short, by=teacher, reason="其余的班级已从家中带来，不再需要")
    demo.created[Requisition._meta.verbose_name] += 8
    services.open_count(general, by=keeper, month=demo.today, note="月末盘存")
    demo.created[StockCount._meta.verbose_name] += 1


def _demo_school(demo, code):
    school = demo.school(code)
    warehouses = _warehouses(demo, code, school)
    items = _catalogue(demo, school, warehouses)
    if Movement.objects.filter(school=school).exists():
        return  # the movements were written by an earlier run
    term, previous = _terms(school, demo.today)
    if term is None or previous is None:
        return
    keeper = demo.user(f"{code}.keeper")
    people = [demo.person(code, f"head{i}") for i in range(1, 7)] + [demo.person(code, Role.WORKER.value)]
    by_code = {row[0]: row for row in CATALOGUE}
    before, now = TERM_TOTALS.get(code, (Decimal("30000.00"), Decimal("20000.00")))
    _buy_term(items, warehouses, term_plan(before), previous.starts_on, previous.ends_on, demo.today, keeper,
              people, by_code)
    current = term_plan(now)
    current.pop(BALANCING)  # bought by `demo_stock_totals`, after procurement's receipts
    _buy_term(items, warehouses, current, term.starts_on, term.ends_on, demo.today, keeper, people, by_code)
    demo.stock_to_balance = [*getattr(demo, "stock_to_balance", []), (code, now)]
    _food(items, warehouses[CANTEEN], demo.today, demo.user(f"{code}.canteen"))
    demo.created[Movement._meta.verbose_name] += Movement.objects.filter(school=school).count()
    _requisitions(demo, code, school, warehouses, items)


def _terms(school, today):
    """(the current term, the one before it): the latest term begun by today, and its predecessor."""
    terms = list(Term.objects.filter(school=school, starts_on__lte=today).order_by("-starts_on")[:2])
    return (terms[0], terms[1]) if len(terms) == 2 else (None, None)


@demo_step("stock")
def demo_stock(demo):
    for code in demo.schools:
        _demo_school(demo, code)


# Procurement's demo receives goods through its acceptances; the current term's last purchase
# is made after it, so that the term still adds up to the seed's figure.
@demo_step("stock_totals", after=("procurement",))
def demo_stock_totals(demo):
    """The current term's A4 paper purchase: whatever brings its consumables to the target."""

    for code, target in getattr(demo, "stock_to_balance", []):
        school = demo.school(code)
        term, previous = _terms(school, demo.today)
        report = reports.term_comparison(school, Warehouse.objects.filter(school=school), term, previous)
        rest = target - report["total"]["this"]
        if rest > 0:
            paper = Item.objects.get(school=school, code=BALANCING)
            services.post(warehouse=Warehouse.objects.get(school=school, name=GENERAL), item=paper,
                          kind=MovementKind.RECEIPT, quantity=max(1, int(rest / Decimal("26.00"))), amount=rest,
                          by=demo.user(f"{code}.keeper"), note="采购入库", on=min(demo.today, term.ends_on))
    demo.stock_to_balance = []


# --- generated data ---------------------------------------------------------------------------


class _Book:
    """Running balance of one (warehouse, item), computed as ledger.post computes it."""

    __slots__ = ("quantity", "value", "batches")

    def __init__(self):
        self.quantity, self.value, self.batches = Decimal("0"), Decimal("0.00"), deque()

    def receive(self, quantity, price):
        amount = cents(price * quantity)
        self.quantity += quantity
        self.value += amount
        return quantity, amount

    def issue(self, quantity):
        cost = self.value
        if quantity < self.quantity:
            cost = min(self.value, cents(self.value * quantity / self.quantity))
        self.quantity -= quantity
        self.value -= cost
        return -quantity, -cost


def _gen_catalogue(gen, school, warehouses):
    items = []
    for code, name, spec, unit, category, kind, price, base, old in CATALOGUE:
        items.append((Item(school=school, code=code, name=name, pinyin="", spec=spec, unit=unit, category=category,
                           kind=kind, old_for_new=old, reorder_level=Decimal(max(base // 25, 1))),
                      warehouses[0], Decimal(price), None))
    for code, name, spec, unit, price, shelf, per in FOOD:
        items.append((Item(school=school, code=code, name=name, pinyin="", spec=spec, unit=unit, category=C.FOOD,
                           kind=CON, tracks_batches=True, shelf_life_days=shelf, reorder_level=Decimal(per // 4)),
                      warehouses[1], Decimal(price), shelf))
    for item, *_rest in items:
        item.pinyin = initials(item.name)
    created = gen.bulk(Item, [i for i, *_r in items])
    return [(item, w, price, shelf) for item, (_i, w, price, shelf) in zip(created, items, strict=True)]


@gendata_step("stock")
def gen_stock(gen):
    """`-o stock_movements=N` movements (default 100,000) over the past year: receipts, then
    issues of part of what is held, each priced at the moving average; food by batch."""
    n = int(gen.options.get("stock_movements", 100_000))
    if n <= 0:
        return
    school, rng = gen.school, gen.rng
    by = User.objects.filter(username=f"{school.code}.director").values_list("pk", flat=True).first()
    if by is None:
        return
    warehouses = gen.bulk(Warehouse, [Warehouse(school=school, name=GENERAL, kind=WarehouseKind.GENERAL),
                                      Warehouse(school=school, name=CANTEEN, kind=WarehouseKind.CANTEEN)])
    items = _gen_catalogue(gen, school, warehouses)
    people = gen.ids.get("people") or [None]
    books = {item.pk: _Book() for item, *_r in items}
    start = gen.today - datetime.timedelta(days=364)
    per_day = max(1, n // 365)
    pending, batches, done, day = [], [], 0, 0
    while done < n:
        on = start + datetime.timedelta(days=min(day, 364))
        for _ in range(min(per_day, n - done)):
            item, warehouse, price, shelf = items[rng.randrange(len(items))]
            book = books[item.pk]
            batch = None
            if book.quantity <= 0 or rng.random() < 0.25:
                quantity = Decimal(rng.randint(5, 60))
                signed_q, amount = book.receive(quantity, price * Decimal(rng.choice((95, 100, 100, 105))) / 100)
                kind, person = MovementKind.RECEIPT, None
                if shelf:
                    batch = Batch(school=school, warehouse=warehouse, item=item, code=f"G{on:%Y%m%d}-{len(batches)}",
                                  expires_on=on + datetime.timedelta(days=shelf), received_on=on, quantity=quantity)
                    batches.append(batch)
                    book.batches.append([batch, quantity])
            else:
                quantity = Decimal(rng.randint(1, max(1, int(book.quantity) // 3 or 1)))
                if shelf:
                    head = book.batches[0]
                    quantity = min(quantity, head[1])
                    head[1] -= quantity
                    batch = head[0]
                    if not head[1]:
                        book.batches.popleft()
                quantity = min(quantity, book.quantity)
                signed_q, amount = book.issue(quantity)
                kind, person = MovementKind.ISSUE, people[rng.randrange(len(people))]
            pending.append(Movement(
                school=school, warehouse=warehouse, item=item, batch=batch, kind=kind, occurred_on=on,
                quantity=signed_q, amount=amount, balance_quantity=book.quantity, balance_value=book.value,
                person_id=person, note="采购入库" if kind == MovementKind.RECEIPT else "领用出库", created_by_id=by))
            done += 1
        day += 1
        if len(pending) >= 20_000 or done >= n:
            _flush(gen, pending, batches)
            pending = []
    # what each batch holds at the end, and the balance rows: the ledger's final totals
    for batch in batches:
        batch.quantity = Decimal("0")
    for book in books.values():
        for batch, left in book.batches:
            batch.quantity = left
    Batch.objects.bulk_update(batches, ["quantity"], batch_size=gen.batch_size)
    gen.bulk(StockBalance, [StockBalance(school=school, warehouse=w, item=item, quantity=books[item.pk].quantity,
                                         value=books[item.pk].value) for item, w, _p, _s in items])


def _flush(gen, movements, batches):
    """Insert the batches not yet saved (their rows are needed by the movements), then the movements."""
    new = [b for b in batches if b.pk is None]
    if new:
        gen.bulk(Batch, new)
    for m in movements:
        if m.batch is not None:
            m.batch_id = m.batch.pk
    gen.bulk(Movement, movements)


def ledger_mismatches(school):
    """Balance rows of the school that differ from the sum of its ledger: [] when consistent."""

    # sums are rounded: SQLite adds decimals as binary floating point
    sums = {(r["warehouse_id"], r["item_id"]): (cents(r["q"]), cents(r["v"])) for r in Movement.objects.filter(
        school=school).values("warehouse_id", "item_id").annotate(q=Sum("quantity"), v=Sum("amount"))}
    wrong = []
    for b in StockBalance.objects.filter(school=school):
        q, v = sums.pop((b.warehouse_id, b.item_id), (Decimal("0"), Decimal("0.00")))
        if b.quantity != q or b.value != v:
            wrong.append((b.warehouse_id, b.item_id, b.quantity, q, b.value, v))
    wrong += [(w, i, None, q, None, v) for (w, i), (q, v) in sums.items()]
    # a batch-tracked item's batches hold together what its balance holds
    held = {(r["warehouse_id"], r["item_id"]): cents(r["q"]) for r in Batch.objects.filter(school=school)
            .values("warehouse_id", "item_id").annotate(q=Sum("quantity"))}
    for b in StockBalance.objects.filter(school=school, item__tracks_batches=True):
        if held.get((b.warehouse_id, b.item_id), cents(0)) != b.quantity:
            wrong.append((b.warehouse_id, b.item_id, b.quantity, held.get((b.warehouse_id, b.item_id)), "batches", ""))
    return wrong
