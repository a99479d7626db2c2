"""Demo data of the maintenance app (`houqin demo`).

Each demo school gets its terms (if it has none), the seeds' routine checks running (tasks of
the last four weeks, the past ones done, two with faults that opened work orders), a term of
work orders in every state — among them the broken door of 六(3)班, an order that was
reopened, and repairs that took parts from the 总务仓库 (合页, 水龙头, 开关面板, 螺丝 of the
stock demo, issued through the same service as the page, so they appear in the stock ledger
with the work order as their source) — and its special equipment: 恩施市实验小学's 食堂电梯
with its maintenance contractor, a maintenance 19 days ago (past the 15-day interval), the
annual inspection due in 25 days and the operator whose licence expired over a year ago (seed
000); 石台实验小学's boiler.

Some of the seeds' routine checks are given targets (the classrooms for 照明 and 电扇, the
canteen for 燃气, the school's 体育器材 and 空调 by asset category), so the past checks are
matrices of targets × items.

Work orders go through the services (so events and notifications are real) and their times are
then set back across the term. A second run finds the school's orders and writes none.

The parts come from the stock demo's 总务仓库, so the stock step must run first. Demo steps run
in the order their modules are imported and `houqin.maintenance` comes before `houqin.stock` in
INSTALLED_APPS: importing the stock demo here registers its step before this one. Without the
stock (or with too little of an item) the orders are made without parts.
"""

import contextlib
import datetime
import random
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db.models import Max, Q
from django.utils import timezone

from houqin.assets.models import Category
from houqin.core.choices import RoomKind
from houqin.core.demo import demo_step
from houqin.core.models import Notification, Person, Room, SchoolClass, Term
from houqin.stock import demo as stock_demo
from houqin.stock.models import Item, Warehouse

from . import services, targets
from .choices import EquipmentKind, RecordKind, Status, TargetKind, TaskStatus
from .models import PreventivePlan, PreventiveTask, SpecialEquipment, WorkOrder
from .tick import create_due_tasks

# (category, description, place hint, urgency) — the kind of repairs the seeds talk about.
REPAIRS = [
    ("door", "教室门合页松脱，门关不上", "class", "normal"),
    ("power", "教室两根灯管不亮", "class", "normal"),
    ("furniture", "学生课桌桌腿松动", "class", "normal"),
    ("water", "男厕所水龙头漏水", "place:教学楼二楼男厕所", "urgent"),
    ("aircon", "办公室空调不制冷", "office", "normal"),
    ("network", "多媒体教室网络不通", "office", "urgent"),
    ("phone", "门卫室电话没有拨号音", "place:校门门卫室", "normal"),
    ("gas", "食堂灶具点火困难，有燃气味", "place:食堂操作间", "urgent"),
    ("door", "窗户插销坏了，关不严", "class", "normal"),
    ("power", "走廊声控灯不亮", "place:教学楼三楼走廊", "normal"),
    ("other", "操场篮球架篮网破损", "place:操场", "normal"),
    ("water", "饮水机漏水", "office", "normal"),
]
# How the orders of a term end up: most verified, some still moving.
STATES = ["verified"] * 18 + ["auto"] * 3 + ["reopened"] * 2 + ["done"] * 3 + ["in_progress"] * 2 + \
         ["assigned"] * 2 + ["submitted"] * 3 + ["cancelled"] * 2
# Parts a repair of each category takes from the stock demo's 总务仓库: (item name, quantity).
PARTS = {"door": ("合页", 2), "water": ("水龙头", 1), "power": ("开关面板", 1), "furniture": ("螺丝", 1)}
# Targets of the seeds' routine checks in the demo: room kinds, or an asset category code.
PLAN_TARGETS = {
    "每周检查照明": [RoomKind.CLASSROOM],
    "每月初检查电扇": [RoomKind.CLASSROOM],
    "每周检查食堂燃气用具、电器、门窗": [RoomKind.CANTEEN],
    "每周一检查大型玩具、体育器材": "B12",
    "进入夏季前清洗空调": "B06",
}
CONTRACTOR = "恩施市鑫达水电维修部"
ELEVATOR_CONTRACTOR = "恩施奥的斯电梯维保有限公司"


def _terms(school, today):
    """Spring (March–early July) and autumn (September–late January) terms around today."""
    if Term.objects.filter(school=school).exists():
        return
    year = today.year if today.month >= 2 else today.year - 1
    Term.objects.get_or_create(school=school, name=f"{year}年春季学期",
                               defaults={"starts_on": datetime.date(year, 3, 2), "ends_on": datetime.date(year, 7, 10)})
    Term.objects.get_or_create(school=school, name=f"{year}年秋季学期",
                               defaults={"starts_on": datetime.date(year, 9, 1),
                                         "ends_on": datetime.date(year + 1, 1, 22)})


def _at(day, hour, minute=0):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


def _orders(demo, code, school):
    if WorkOrder.objects.filter(school=school, task__isnull=True).exists():
        return
    rng = random.Random(f"maintenance-{code}")
    today = demo.today
    term = Term.objects.filter(school=school, starts_on__lte=today).order_by("-starts_on").first()
    start = term.starts_on if term else today - datetime.timedelta(days=90)
    span = max((today - start).days, 14)
    director, teacher = demo.user(f"{code}.director"), demo.user(f"{code}.teacher")
    worker = Person.objects.filter(school=school, user=demo.user(f"{code}.worker")).first()
    reporters = [teacher, demo.user(f"{code}.canteen"), demo.user(f"{code}.guard"), demo.user(f"{code}.keeper")]
    classes = list(SchoolClass.objects.filter(school=school, room__isnull=False).select_related("room")
                   .order_by("grade", "number"))
    own_class = next((c for c in classes if c.head_teacher_id and c.head_teacher.user_id == teacher.pk),
                     classes[-1] if classes else None)
    offices = list(Room.objects.filter(school=school, kind="office").order_by("pk")[:5])
    stock = _stock(school)
    n = len(STATES)
    for i, state in enumerate(STATES):
        category, description, where, urgency = REPAIRS[i % len(REPAIRS)]
        reporter = reporters[i % len(reporters)]
        room, place = None, ""
        if i == 0 and own_class:  # the seed's door of 六(3)班, fixed over the weekend
            room, reporter, state = own_class.room, teacher, "verified"
        elif where == "class" and classes:
            room = classes[rng.randrange(len(classes))].room
        elif where == "office" and offices:
            room = offices[i % len(offices)]
        else:
            place = where.split(":", 1)[-1] if where.startswith("place:") else "校园"
        # spread over the term; the still-open ones are the recent ones
        age = span * (n - i) // n if state in ("verified", "auto", "reopened", "cancelled") else i % 2
        reported = _at(today - datetime.timedelta(days=age), 7 + i % 9, (i * 13) % 60)
        order = services.report(WorkOrder(school=school, category=category, description=description,
                                          urgency=urgency, room=room, place=place), by=reporter)
        times = {"reported_at": reported}
        if state != "submitted" and state != "cancelled":
            outsourced = category in ("aircon", "gas") or i % 7 == 3
            services.assign(order, by=director, worker=None if outsourced else worker,
                            contractor=CONTRACTOR if outsourced else "")
            times["assigned_at"] = reported + datetime.timedelta(hours=1 + i % 5)
            if state in ("in_progress", "done", "verified", "auto", "reopened"):
                services.start(order, by=director)
                times["started_at"] = reported + datetime.timedelta(hours=2 + i % 5)
                if state != "in_progress" and not outsourced and worker is not None:
                    _parts(order, stock, by=worker.user, on=min(times["started_at"].date(), today))
            if state in ("done", "verified", "auto", "reopened"):
                cost = Decimal(150 + 40 * (i % 5)) if outsourced else Decimal("0")
                services.finish(order, by=director, work_done=f"已处理：{description.split('，')[0]}",
                                labour_hours=Decimal("0.5") if outsourced else Decimal(1 + i % 4) / 2,
                                outsourced_cost=cost, invoice_number=f"0451{i:04d}" if cost else "")
                if state == "reopened":
                    services.reopen(order, by=reporter, reason="还是有问题，请再看看")
                    services.finish(order, by=director, work_done="返修：重新更换配件", labour_hours=Decimal("1"))
                times["done_at"] = reported + datetime.timedelta(hours=4 + (i * 7) % 40)
                if state in ("verified", "reopened"):
                    services.verify(order, by=reporter)
                    times["verified_at"] = times["done_at"] + datetime.timedelta(hours=5)
                elif state == "auto":
                    order.refresh_from_db()
                    times["done_at"] = reported + datetime.timedelta(hours=6)
        elif state == "cancelled":
            services.cancel(order, by=director, reason="重复报修")
        WorkOrder.objects.filter(pk=order.pk).update(**times)
    # the orders done long enough ago are verified by the system, as `houqin tick` would
    services.auto_verify(today)
    WorkOrder.objects.filter(school=school, status=Status.VERIFIED, auto_verified=False,
                             verified_at__isnull=True).update(verified_at=_at(today, 8))


def _stock(school):
    """(the 总务仓库, {item name: item}) of the stock demo, or None when there is none."""

    warehouse = Warehouse.objects.filter(school=school, name=stock_demo.GENERAL).first()
    if warehouse is None:
        return None
    names = [name for name, _quantity in PARTS.values()]
    return warehouse, {i.name: i for i in Item.objects.filter(school=school, name__in=names, active=True)}


def _parts(order, stock, *, by, on):
    """The repair's parts through the page's service (a stock issue with the order as source);
    skipped when the stock demo has not run or the item ran out."""
    if stock is None or order.category not in PARTS:
        return
    warehouse, items = stock
    name, quantity = PARTS[order.category]
    if name not in items:
        return
    with contextlib.suppress(ValidationError):  # not enough in stock: repaired without parts
        services.issue_part(order, by=by, warehouse=warehouse, item=items[name], quantity=quantity, on=on)


def _plan_targets(school, plans):
    """Targets for the seeds' checks just installed (rooms by kind, or an asset category)."""

    for plan in plans:
        spec = PLAN_TARGETS.get(plan.name)
        if isinstance(spec, list):
            rooms = list(Room.objects.filter(school=school, kind__in=spec))
            if rooms:
                plan.rooms.set(rooms)
        elif spec:
            category = Category.objects.filter(code=spec).first()
            if category is not None:
                plan.target_kind, plan.asset_category = TargetKind.ASSET_CATEGORY, category
                plan.save(update_fields=["target_kind", "asset_category", "updated_at"])


def _plans(demo, code, school):
    """The past checks of the schedule done by the worker: one found two faulty items on one
    target, one a fault on each of two targets, and the first check of an asset category one
    faulty asset (a 篮球架 when there is one)."""
    worker_user = demo.user(f"{code}.worker")
    past = (PreventiveTask.objects.filter(school=school, status=TaskStatus.OPEN, due_on__lt=demo.today)
            .select_related(*services.TASK_RELATED).order_by("due_on"))
    first = not WorkOrder.objects.filter(school=school, task__isnull=False).exists()
    asset_fault = not first
    for i, task in enumerate(past):
        rows = targets.resolve(task.plan, school.pk)
        items = task.plan.items()
        results = []
        if not asset_fault and rows[0].asset is not None:
            hoop = next((t for t in rows if "篮球架" in t.label), rows[0])
            results = [{"target": hoop.key, "item": items[min(2, len(items) - 1)], "ok": False,
                        "note": "晃动，底座螺栓松动", "category": "other"}]
            asset_fault = True
        elif first and i == 2:
            results = [{"target": rows[0].key, "item": item, "ok": False, "note": "有松动，已报修"}
                       for item in items[:2]]
        elif first and i == 5 and len(rows) > 1:
            results = [{"target": t.key, "item": items[-1], "ok": False, "note": ""} for t in (rows[0], rows[-1])]
        services.complete_task(task, by=worker_user, results=results)


def _equipment(demo, code, school):
    today = demo.today
    director = demo.user(f"{code}.director")
    if code == "esyx":
        spec = {"kind": EquipmentKind.ELEVATOR, "name": "食堂电梯", "contractor": ELEVATOR_CONTRACTOR,
                "contractor_phone": "0718-8226688", "registration_number": "31104228002016070012",
                "use_certificate_number": "梯11鄂Q01234(16)", "maintenance_interval_days": 15}
        operator_key, last, inspection = "elevator", 19, 25
        room = Room.objects.filter(Q(name="电梯机房") | Q(building__name="食堂"), school=school).order_by("pk").first()
    else:
        spec = {"kind": EquipmentKind.BOILER, "name": "学生宿舍热水锅炉", "contractor": "池州市特种设备维保中心",
                "contractor_phone": "0566-2021234", "registration_number": "21103417002018050003",
                "use_certificate_number": "锅皖R00456(18)", "maintenance_interval_days": 30}
        operator_key, last, inspection = "boiler", 10, 160
        room = Room.objects.filter(school=school, building__name="食堂").order_by("pk").first()
    name = spec.pop("name")
    eq = SpecialEquipment.objects.filter(school=school, name=name).first()
    if eq is None:
        eq = SpecialEquipment.objects.create(school=school, name=name, room=room,
                                             inspection_due_on=today + datetime.timedelta(days=inspection), **spec)
        demo.created[SpecialEquipment._meta.verbose_name] += 1
        for back in (last + 30, last + 15, last):
            services.record_maintenance(eq, by=director, done_on=today - datetime.timedelta(days=back),
                                        note="例行维保，运行正常")
        services.record_maintenance(eq, by=director, kind=RecordKind.INSPECTION,
                                    done_on=today + datetime.timedelta(days=inspection - 365),
                                    next_inspection_on=today + datetime.timedelta(days=inspection),
                                    contractor="特种设备检验检测所", note="定期检验合格")
    operator = demo.people.get((code, operator_key))
    if operator is not None:
        eq.operators.add(operator)
    return eq


@demo_step("maintenance", after=("stock",))  # the repairs take their parts from stock
def maintenance(demo):
    schools = demo.schools
    # The steps below notify like real work would; a demo should not fill every inbox with
    # hundreds of old messages, so the notifications written here are removed at the end.
    last_notification = Notification.objects.aggregate(m=Max("pk"))["m"] or 0
    fresh = not PreventiveTask.objects.filter(school__in=schools.values()).exists()
    for code, school in schools.items():
        _terms(school, demo.today)
        _equipment(demo, code, school)
        worker = Person.objects.filter(school=school, user=demo.user(f"{code}.worker")).first()
        plans = services.install_seed_plans(school, assignee=worker)
        if plans:
            _plan_targets(school, plans)
            demo.created[PreventivePlan._meta.verbose_name] += len(plans)
    if fresh:  # the last four weeks of the schedule, as `houqin tick` would have made them
        for back in range(28, -1, -1):
            create_due_tasks(demo.today - datetime.timedelta(days=back))
    for code, school in schools.items():
        _orders(demo, code, school)
        _plans(demo, code, school)
    Notification.objects.filter(pk__gt=last_notification, school__in=schools.values()).delete()
