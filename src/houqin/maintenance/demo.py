"""Demo data of the maintenance app (`houqin demo`).

Each demo school gets its terms (if it has none), the seeds' routine checks running (tasks of
the last four weeks, the past ones done, one with a fault that opened a work order), a term of
work orders in every state — among them the broken door of 六(3)班 and an order that was
reopened — and its special equipment: 恩施市实验小学's 食堂电梯 with its maintenance contractor,
a maintenance 19 days ago (past the 15-day interval), the annual inspection due in 25 days and
the operator whose licence expired over a year ago (seed 000); 石台实验小学's boiler.

Work orders go through the services (so events and notifications are real) and their times are
then set back across the term. A second run finds the school's orders and writes none.
"""

import datetime
import random
from decimal import Decimal

from django.db.models import Max, Q
from django.utils import timezone

from houqin.core.demo import demo_step
from houqin.core.models import Notification, Person, Room, SchoolClass, Term

from . import services
from .choices import EquipmentKind, RecordKind, Status, TaskStatus
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
            if state in ("done", "verified", "auto", "reopened"):
                cost = Decimal(150 + 40 * (i % 5)) if outsourced else Decimal("0")
                services.finish(order, by=director, work_done=f"已处理：{description.split('，')[0]}",
                                labour_hours=Decimal("0.5") if outsourced else Decimal(1 + i % 4) / 2,
                                outsourced_cost=cost, invoice_number=f"0451{i:04d}" if cost else "")
                if state == "reopened":
                    services.reopen(order, by=reporter, reason="还是有问题，请再看看", roles=())
                    services.finish(order, by=director, work_done="返修：重新更换配件", labour_hours=Decimal("1"))
                times["done_at"] = reported + datetime.timedelta(hours=4 + (i * 7) % 40)
                if state in ("verified", "reopened"):
                    services.verify(order, by=reporter, roles=())
                    times["verified_at"] = times["done_at"] + datetime.timedelta(hours=5)
                elif state == "auto":
                    order.refresh_from_db()
                    times["done_at"] = reported + datetime.timedelta(hours=6)
        elif state == "cancelled":
            services.cancel(order, by=director, roles=("director",), reason="重复报修")
        WorkOrder.objects.filter(pk=order.pk).update(**times)
    # the orders done long enough ago are verified by the system, as `houqin tick` would
    services.auto_verify(today)
    WorkOrder.objects.filter(school=school, status=Status.VERIFIED, auto_verified=False,
                             verified_at__isnull=True).update(verified_at=_at(today, 8))


def _plans(demo, code, school):
    """The past checks of the schedule done by the worker; one found a fault."""
    worker_user = demo.user(f"{code}.worker")
    past = (PreventiveTask.objects.filter(school=school, status=TaskStatus.OPEN, due_on__lt=demo.today)
            .select_related("plan").order_by("due_on"))
    for i, task in enumerate(past):
        faulty = i == 2 and not WorkOrder.objects.filter(school=school, task__isnull=False).exists()
        results = [{"item": item, "ok": not (faulty and j == 0), "note": "有松动，已报修" if faulty and j == 0 else "",
                    "category": "other"} for j, item in enumerate(task.plan.items())]
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


@demo_step("maintenance")
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
            demo.created[PreventivePlan._meta.verbose_name] += len(plans)
    if fresh:  # the last four weeks of the schedule, as `houqin tick` would have made them
        for back in range(28, -1, -1):
            create_due_tasks(demo.today - datetime.timedelta(days=back))
    for code, school in schools.items():
        _orders(demo, code, school)
        _plans(demo, code, school)
    Notification.objects.filter(pk__gt=last_notification, school__in=schools.values()).delete()
