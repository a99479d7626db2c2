"""Demo and generated data of the assets app.

`houqin demo`: each demo school gets about 2,000 holdings, among them the seeds' own items —
4 多功能投影机, 610 sets of desks (课桌椅) as bulk holdings spread over the classrooms, a
computer for every head teacher, a book cabinet (图书柜) per class, 40 unicycles (独轮车) in
the sports equipment room, air conditioners in the offices — and one stocktake in progress.
Every holding has a fixed tag (its natural key); a second run finds them all and writes
nothing.

`houqin gendata`: 100,000 holdings per generated school (`-o assets=N` to change), with
their register events, inserted with bulk_create; derived fields are computed here in Python.
"""

import datetime
from decimal import Decimal

from django.db.models import Count
from django.utils import timezone

from houqin.core.choices import RoomKind
from houqin.core.demo import demo_step, gendata_step
from houqin.core.models import Building, Room, SchoolClass, User
from houqin.core.text import initials

from .choices import AssetStatus, EventKind, FundingSource, HoldingKind, LineResult
from .models import Asset, AssetEvent, Category, Compensation, Loan, ScrapRequest, Stocktake, StocktakeLine
from .services import lend, month_index, open_stocktake, report_damage, request_scrap

ONE, B = HoldingKind.INDIVIDUAL, HoldingKind.BULK
DEMO_HOLDINGS = 2000
STOCKTAKE_NAME = "2026年秋季学期资产清查"

# Items every classroom has: (name, category, brand, model, unit price, kind, quantity, unit).
CLASSROOM_ITEMS = [
    ("图书柜", "E04", "", "1800×900×400", "680.00", ONE, 1, "个"),
    ("讲台", "E02", "", "1200×600", "450.00", ONE, 1, "个"),
    ("教学一体机", "B09", "希沃", "86英寸", "9800.00", ONE, 1, "台"),
    ("黑板", "E05", "", "4000×1200", "1200.00", ONE, 1, "块"),
    ("饮水机", "E05", "美的", "MYR720T", "520.00", ONE, 1, "台"),
    ("风扇", "B07", "美的", "吊扇", "180.00", B, 4, "台"),
]
# Individually tagged items spread over the function rooms and offices to make up the
# school's ~2,000 holdings: (name, category, brand, model, price, unit).
FILLER = [
    ("计算机", "B01", "联想", "启天M437", "4200.00", "台"),
    ("笔记本电脑", "B01", "联想", "昭阳K4", "5200.00", "台"),
    ("打印机", "B02", "惠普", "M1136", "1350.00", "台"),
    ("复印机", "B02", "理光", "MP2014", "6800.00", "台"),
    ("文件柜", "E02", "", "1850×900×400", "860.00", "个"),
    ("办公桌", "E02", "", "1400×700", "780.00", "张"),
    ("办公椅", "E02", "", "", "260.00", "把"),
    ("显微镜", "B10", "凤凰", "XSP-02", "1280.00", "台"),
    ("天平", "B11", "", "托盘天平", "160.00", "台"),
    ("电子琴", "B13", "雅马哈", "PSR-E373", "1980.00", "台"),
    ("篮球架", "B12", "", "移动式", "3600.00", "副"),
    ("乒乓球台", "B12", "红双喜", "T2023", "2800.00", "张"),
    ("消毒柜", "B14", "康宝", "RTP350", "3200.00", "台"),
    ("蒸饭柜", "B14", "", "24盘", "5600.00", "台"),
    ("监控摄像机", "B07", "海康威视", "DS-2CD3T46", "680.00", "台"),
    ("交换机", "B15", "华为", "S5735", "3800.00", "台"),
    ("音箱", "B09", "", "有源音箱", "880.00", "对"),
    ("书架", "E04", "", "双面六层", "560.00", "个"),
]
FILLER_ROOM_KINDS = (RoomKind.OFFICE, RoomKind.FUNCTION, RoomKind.CANTEEN, RoomKind.WAREHOUSE, RoomKind.OTHER)


def _date(i, first_year=2015, years=11):
    """A fixed, spread-out purchase date for the i-th item (never relative to today)."""
    return datetime.date(first_year + i % years, 1 + (i * 7) % 12, 1 + (i * 11) % 28)


class _Maker:
    """Collects the holdings of one school with their tags numbered per purchase year."""

    def __init__(self, school, categories):
        self.school, self.categories = school, categories
        self.counters = {}
        self.rows = []

    def add(self, name, code, price, *, room, kind=ONE, quantity=1, unit="台", brand="", model_spec="",
            purchase_date, custodian=None, funding=FundingSource.PUBLIC_FUNDS, status=AssetStatus.IN_USE):
        year = purchase_date.year
        self.counters[year] = self.counters.get(year, 0) + 1
        tag = f"{self.school.code.upper()}-{year}-{self.counters[year]:05d}"
        self.rows.append(build(self.school, self.categories[code], tag=tag, name=name, price=Decimal(price),
                               room_id=room.pk, kind=kind, quantity=quantity, unit=unit, brand=brand,
                               model_spec=model_spec, purchase_date=purchase_date, funding_source=funding,
                               custodian_id=custodian.pk if custodian else None, status=status))


def build(school, category, *, tag, name, price, room_id, purchase_date, kind=ONE, quantity=1, unit="台",
          brand="", model_spec="", funding_source=FundingSource.PUBLIC_FUNDS, custodian_id=None,
          status=AssetStatus.IN_USE, pinyin=None):
    """An unsaved Asset with its derived fields computed as services.prepare does, without queries."""
    capitalised = price >= school.capitalisation_threshold
    years = category.depreciation_years
    return Asset(
        school=school, tag=tag, kind=kind, name=name, pinyin=(pinyin if pinyin is not None else initials(name))[:100],
        category=category, model_spec=model_spec, brand=brand, unit_price=price, quantity=quantity, unit=unit,
        purchase_date=purchase_date, funding_source=funding_source, room_id=room_id, custodian_id=custodian_id,
        status=status, capitalised=capitalised, start_month=month_index(purchase_date),
        life_months=years * 12 if (years and capitalised) else None,
    )


def register_events(assets, by_id, *, note="登记入账"):
    """REGISTER events (and SCRAP/LOST events for written-off holdings) for freshly inserted assets."""
    events = []
    for a in assets:
        value = a.unit_price * a.quantity
        events.append(AssetEvent(school_id=a.school_id, asset_id=a.pk, kind=EventKind.REGISTER, quantity=a.quantity,
                                 value_change=value, to_room_id=a.room_id, to_custodian_id=a.custodian_id,
                                 note=note, by_id=by_id))
        if a.status in (AssetStatus.SCRAPPED, AssetStatus.LOST):
            kind = EventKind.SCRAP if a.status == AssetStatus.SCRAPPED else EventKind.LOST
            events.append(AssetEvent(school_id=a.school_id, asset_id=a.pk, kind=kind, quantity=-a.quantity,
                                     value_change=-value, note="演示数据", by_id=by_id))
    return events


def _demo_school(demo, code):
    school = demo.school(code)
    director = demo.user(f"{code}.director")
    categories = {c.code: c for c in Category.objects.all()}
    rooms = list(Room.objects.filter(school=school).select_related("building").order_by("pk"))
    sports = next((r for r in rooms if r.name == "体育器材室"), None)
    if sports is None:
        building = Building.objects.get(school=school, name="综合楼")
        sports = demo.ensure(Room, {"school": school, "building": building, "name": "体育器材室"},
                             {"floor": 1, "number": "104", "kind": RoomKind.FUNCTION})
        rooms.append(sports)
    by_name = {r.name: r for r in rooms}
    classes = list(SchoolClass.objects.filter(school=school).select_related("room", "head_teacher")
                   .order_by("grade", "number"))
    offices = [r for r in rooms if r.kind == RoomKind.OFFICE]
    m = _Maker(school, categories)

    # The seeds' items.
    for i, room_name in enumerate(("多媒体教室", "会议室", "科学实验室", "音乐室")):
        m.add("多功能投影机", "B09", "4800.00", room=by_name[room_name], brand="爱普生", model_spec="CB-X50",
              purchase_date=datetime.date(2024, 9, 1 + i))
    desks, n = 610, len(classes)
    for i, c in enumerate(classes):
        quantity = desks // n + (1 if i < desks % n else 0)
        m.add("学生课桌椅", "E01", "320.00", room=c.room, kind=B, quantity=quantity, unit="套",
              model_spec="升降式 单人", purchase_date=datetime.date(2019, 8, 20), custodian=c.head_teacher)
    for i, c in enumerate(classes):
        m.add("计算机", "B01", "4500.00", room=c.room, brand="联想", model_spec="启天M437",
              purchase_date=datetime.date(2023, 3, 10 + i % 10), custodian=c.head_teacher)
    for i, c in enumerate(classes):
        for name, cat, brand, model, price, kind, qty, unit in CLASSROOM_ITEMS:
            m.add(name, cat, price, room=c.room, kind=kind, quantity=qty, unit=unit, brand=brand, model_spec=model,
                  purchase_date=_date(i + len(name)), custodian=c.head_teacher)
    m.add("独轮车", "B12", "260.00", room=sports, kind=B, quantity=40, unit="辆", model_spec="20寸",
          purchase_date=datetime.date(2022, 4, 15), funding=FundingSource.SPECIAL)
    for i, office in enumerate(offices):
        m.add("空调", "B06", "3600.00", room=office, brand="格力", model_spec="KFR-35GW 1.5匹",
              purchase_date=_date(i, 2016, 9), custodian=office.responsible)
    # The rest of the school's holdings, spread over the other rooms.
    others = [r for r in rooms if r.kind in FILLER_ROOM_KINDS and r != sports] or rooms
    i = 0
    while len(m.rows) < DEMO_HOLDINGS:
        name, cat, brand, model, price, unit = FILLER[i % len(FILLER)]
        room = others[(i * 7) % len(others)]
        status = AssetStatus.IN_USE
        if i % 97 == 13:
            status = AssetStatus.IDLE
        elif i % 131 == 29:
            status = AssetStatus.SCRAPPED
        m.add(name, cat, price, room=room, unit=unit, brand=brand, model_spec=model, purchase_date=_date(i),
              custodian=room.responsible, status=status)
        i += 1

    existing = set(Asset.objects.filter(school=school).values_list("tag", flat=True))
    new = [a for a in m.rows if a.tag not in existing]
    if new:
        new = Asset.objects.bulk_create(new, batch_size=1000)
        AssetEvent.objects.bulk_create(register_events(new, director.pk, note="期初登记（演示数据）"), batch_size=1000)
        demo.created[Asset._meta.verbose_name] += len(new)

    # One stocktake in progress: the first two grades' classrooms and the sports room.
    if not Stocktake.objects.filter(school=school, name=STOCKTAKE_NAME).exists():
        st_rooms = [c.room for c in classes if c.grade <= 2 and c.room] + [sports]
        stocktake = open_stocktake(school, by=director, name=STOCKTAKE_NAME, rooms=st_rooms)
        demo.created[Stocktake._meta.verbose_name] += 1
        counted_rooms = {r.pk for r in st_rooms[:3]}
        lines = list(stocktake.lines.filter(stocktake_room__room_id__in=counted_rooms).select_related("asset"))
        now = timezone.now()
        for line in lines:
            line.counted, line.result = line.expected, LineResult.FOUND
            line.counted_by, line.counted_at = director, now
            if line.asset and line.asset.name == "饮水机":
                line.counted, line.result = 0, LineResult.MISSING
        if lines:
            StocktakeLine.objects.bulk_update(lines, ["counted", "result", "counted_by", "counted_at"])


@demo_step("assets")
def demo_assets(demo):
    for code in demo.schools:
        _demo_school(demo, code)


def _first_in_use(school, name):
    return Asset.objects.filter(school=school, name=name, status=AssetStatus.IN_USE).order_by("tag").first()


@demo_step("asset_cases", after=("assets",))
def demo_asset_cases(demo):
    """Each school's everyday cases, made through the services: a laptop lent and overdue, a
    keyboard lent and not yet due, a microscope broken with a compensation to settle, and a
    worn-out copier waiting for the principal's approval to be scrapped."""
    for code in demo.schools:
        school, director = demo.school(code), demo.user(f"{code}.director")
        teacher = demo.person(code, "teacher")
        if not Loan.objects.filter(school=school).exists():
            today = demo.today
            lend(_first_in_use(school, "笔记本电脑"), by=director, borrower=teacher, note="外出教研",
                 lent_on=today - datetime.timedelta(days=20), due_on=today - datetime.timedelta(days=6))
            lend(_first_in_use(school, "电子琴"), by=director, borrower=teacher, note="六一汇演排练",
                 lent_on=today - datetime.timedelta(days=3), due_on=today + datetime.timedelta(days=11))
            demo.created[Loan._meta.verbose_name] += 2
        if not Compensation.objects.filter(school=school).exists():
            report_damage(_first_in_use(school, "显微镜"), by=director, description="实验课中跌落，物镜碎裂",
                          liable_name="五(2)班 学生家长", amount=Decimal("320.00"))
            demo.created[Compensation._meta.verbose_name] += 1
        if not ScrapRequest.objects.filter(school=school).exists():
            reason = "使用超过八年，定影组件老化，维修费高于残值"
            request_scrap(_first_in_use(school, "复印机"), by=director, reason=reason)
            demo.created[ScrapRequest._meta.verbose_name] += 1


# --- generated data ---------------------------------------------------------------------------

# (name, category, price low, price high, kind, unit, bulk quantity range)
GEN_ITEMS = [
    ("多功能投影机", "B09", 3000, 9000, ONE, "台", None),
    ("教学一体机", "B09", 6000, 15000, ONE, "台", None),
    ("计算机", "B01", 3000, 7000, ONE, "台", None),
    ("笔记本电脑", "B01", 4000, 9000, ONE, "台", None),
    ("打印机", "B02", 800, 3000, ONE, "台", None),
    ("空调", "B06", 2500, 6000, ONE, "台", None),
    ("学生课桌椅", "E01", 200, 450, B, "套", (20, 60)),
    ("图书柜", "E04", 400, 1500, ONE, "个", None),
    ("办公桌", "E02", 500, 1500, ONE, "张", None),
    ("文件柜", "E02", 600, 1200, ONE, "个", None),
    ("独轮车", "B12", 150, 400, B, "辆", (10, 40)),
    ("篮球", "B12", 80, 200, B, "个", (10, 50)),
    ("显微镜", "B10", 800, 2500, ONE, "台", None),
    ("消毒柜", "B14", 2000, 6000, ONE, "台", None),
    ("图书", "D01", 20, 60, B, "册", (100, 2000)),
    ("监控摄像机", "B07", 400, 1200, ONE, "台", None),
    ("交换机", "B15", 1500, 8000, ONE, "台", None),
    ("电子琴", "B13", 1200, 3000, ONE, "台", None),
]


@gendata_step("assets")
def gen_assets(gen):
    """`-o assets=N` holdings (default 100,000) with their register events, in bulk."""
    n = int(gen.options.get("assets", 100_000))
    if n <= 0 or not gen.ids.get("rooms"):
        return
    school, rng = gen.school, gen.rng
    director = User.objects.filter(username=f"{school.code}.director").values_list("pk", flat=True).first()
    categories = {c.code: c for c in Category.objects.all()}
    pinyin = {item[0]: initials(item[0]) for item in GEN_ITEMS}
    rooms, people = gen.ids["rooms"], gen.ids.get("people") or [None]
    counters, done = {}, 0
    chunk = 10_000
    while done < n:
        assets = []
        for i in range(done, min(n, done + chunk)):
            name, code, low, high, kind, unit, qty = GEN_ITEMS[rng.randrange(len(GEN_ITEMS))]
            purchase = datetime.date(2008 + rng.randrange(18), 1 + rng.randrange(12), 1 + rng.randrange(28))
            purchase = min(purchase, gen.today)
            year = purchase.year
            counters[year] = counters.get(year, 0) + 1
            roll = rng.random()
            status = (AssetStatus.SCRAPPED if roll < 0.02 else AssetStatus.LOST if roll < 0.025
                      else AssetStatus.IDLE if roll < 0.06 else AssetStatus.IN_USE)
            assets.append(build(
                school, categories[code], tag=f"{school.code.upper()}-{year}-{counters[year]:06d}", name=name,
                price=Decimal(rng.randrange(low * 100, high * 100)) / 100, room_id=rooms[i % len(rooms)],
                purchase_date=purchase, kind=kind, quantity=rng.randint(*qty) if qty else 1, unit=unit,
                custodian_id=people[i % len(people)] if i % 4 == 0 else None, status=status, pinyin=pinyin[name],
            ))
        assets = gen.bulk(Asset, assets)
        if director:
            gen.bulk(AssetEvent, register_events(assets, director))
        done += len(assets)


def asset_counts(school):
    """Holdings per status of a school (for tests and the demo summary)."""
    return dict(Asset.objects.filter(school=school).values_list("status").annotate(n=Count("id")))
