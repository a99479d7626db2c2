"""Demo data of the safety app (`houqin demo`).

Each demo school gets a hazard ledger in every state, gone through the services so the trail
and the notifications are real: one waiting to be assigned (the emergency light at 教学楼二楼),
one being rectified, one overdue, one waiting for its re-check, one reopened after a failed
re-check, one closed by the principal's re-check, and one closed through a work order that
maintenance repaired and the director verified. Dates are then set back across the last weeks.
It also gets a week of gate records: visitors and vehicles in and out each day, a refused
entry, and today's people still on campus. A second run finds the school's hazards and writes
nothing.
"""

import datetime

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Max
from django.utils import timezone

from houqin.core.demo import demo_step
from houqin.core.models import Notification, Person, Room, Term
from houqin.maintenance import services as maintenance

from . import fire, patrols, services
from .choices import EntryKind, Level, Measure, Source
from .models import (
    CheckItem,
    Drill,
    FireCheck,
    FireEquipment,
    GateEntry,
    Hazard,
    HazardEvent,
    Patrol,
    PatrolResult,
    PatrolRoute,
    Training,
)

# A 1×1 PNG: the after-photo the demo's rectifications carry.
PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000"
                    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082")

# (key, level, source, room name or place, description, measure, days ago found)
HAZARDS = [
    ("waiting", Level.LARGER, Source.PATROL, "place:教学楼二楼走廊", "二楼应急照明灯不亮，停电时楼道无照明",
     Measure.WARN, 0),
    ("assigned", Level.GENERAL, Source.REPORT, "科学实验室", "实验室危化品柜门锁损坏", Measure.STOP, 2),
    ("overdue", Level.LARGER, Source.CHECK, "place:操场东侧围墙", "围墙顶部砖块松动，有坠落危险",
     Measure.STOP_WARN, 12),
    ("rectified", Level.GENERAL, Source.REPORT, "学生餐厅", "餐厅地面瓷砖破损，易绊倒", Measure.WARN, 6),
    ("reopened", Level.GENERAL, Source.PATROL, "place:教学楼三楼男厕所", "厕所地面积水，防滑垫缺失",
     Measure.WARN, 9),
    ("closed", Level.GENERAL, Source.INSPECTION, "配电房", "配电房门口堆放杂物，堵塞通道", Measure.NONE, 20),
    ("repaired", Level.MAJOR, Source.PATROL, "place:教学楼一楼楼梯间", "楼梯扶手松动脱落", Measure.STOP_WARN, 15),
]

# A week at the gate: (name, id number, phone, reason, host, plate)
VISITORS = [
    ("张建国", "422801198003150012", "13972710001", "送教材", "教务处", ""),
    ("李秀英", "422801198507220026", "13972710002", "家长来访", "六(3)班班主任", ""),
    ("王师傅", "422802197912010037", "13972710003", "维修空调", "总务处", "鄂Q3A721"),
    ("刘红", "422801199001050048", "13972710004", "食材配送", "食堂", "鄂QD1234"),
    ("陈志明", "42280119881111005X", "13972710005", "检查消防设施", "总务处", ""),
]


def _photo():
    return [SimpleUploadedFile("after.png", PNG, content_type="image/png")]


def _backdate(hazard, days, today):
    found = timezone.make_aware(datetime.datetime.combine(today - datetime.timedelta(days=days), datetime.time(9)))
    Hazard.objects.filter(pk=hazard.pk).update(reported_at=found)
    hazard.reported_at = found


def _where(school, spec):
    if spec.startswith("place:"):
        return None, spec[6:]
    room = Room.objects.filter(school=school, name=spec).first()
    return room, ("" if room else spec)


def _hazard(demo, code, spec):
    key, level, source, where, description, measure, days = spec
    school = demo.school(code)
    room, place = _where(school, where)
    reporter = demo.user(f"{code}.guard" if source == Source.PATROL else f"{code}.teacher")
    hazard = services.report(Hazard(school=school, level=level, source=source, room=room, place=place,
                                    description=description, measure=measure), by=reporter)
    _backdate(hazard, days, demo.today)
    return key, hazard


def _work_through(demo, code, key, hazard):
    """Take the hazard as far as its key says, through the same services as the pages."""
    director, principal = demo.user(f"{code}.director"), demo.user(f"{code}.principal")
    worker = demo.person(code, "worker")
    worker_user = demo.user(f"{code}.worker")
    if key == "waiting":
        return
    found = timezone.localdate(hazard.reported_at)
    if key == "overdue":  # three days to do it, nine days ago
        deadline = found + datetime.timedelta(days=3)
    else:
        deadline = max(found + datetime.timedelta(days=7), demo.today + datetime.timedelta(days=2))
    repair = {"category": "other"} if key == "repaired" else None
    services.assign(hazard, by=director, assignee=worker, deadline=deadline, note="请按期整改", repair=repair)
    if key == "repaired":
        _repair(demo, code, Hazard.objects.get(pk=hazard.pk).work_order)
    if key in ("rectified", "reopened", "closed"):
        services.rectify(hazard, by=worker_user, rectification="已整改完毕", photos=_photo())
    if key == "reopened":
        services.recheck(hazard, by=principal, passed=False, note="防滑垫仍未铺设，地面仍有积水")
    if key in ("closed", "repaired"):
        services.recheck(hazard, by=principal, passed=True, note="现场复查合格")


def _repair(demo, code, order):
    """Maintenance's own steps: the worker repairs, the director (who reported it) verifies."""

    director, worker = demo.user(f"{code}.director"), demo.person(code, "worker")
    maintenance.assign(order, by=director, worker=worker)
    maintenance.finish(order, by=demo.user(f"{code}.worker"), work_done="重新固定楼梯扶手，更换膨胀螺栓")
    maintenance.verify(order, by=director)


def _gate_week(demo, code):
    school, guard = demo.school(code), demo.user(f"{code}.guard")
    now = timezone.localtime()
    for day in range(7, -1, -1):
        for i, (name, number, phone, reason, host, plate) in enumerate(VISITORS):
            if (day + i) % 3 == 0:
                continue
            kind = EntryKind.VEHICLE if plate and i % 2 == 0 else EntryKind.VISITOR
            entry = services.log_in(GateEntry(school=school, kind=kind, name=name, phone=phone, reason=reason,
                                              host=host, plate=plate), by=guard, id_number=number)
            came = (now - datetime.timedelta(days=day)).replace(hour=8 + i, minute=10 * i, second=0, microsecond=0)
            if day == 0:
                came = now - datetime.timedelta(minutes=30 * (len(VISITORS) - i))
            if day > 0 or i < 2:
                services.log_out(entry, by=guard)
                GateEntry.objects.filter(pk=entry.pk).update(entered_at=came, left_at=came + datetime.timedelta(
                    minutes=40 + 5 * i))
            else:
                GateEntry.objects.filter(pk=entry.pk).update(entered_at=came)
    services.log_in(GateEntry(school=school, name="推销人员", reason="推销教辅资料", host="无"), by=guard,
                    refused_reason="无预约、无被访人，谢绝入校")


@demo_step("safety", after=("maintenance",))
def safety(demo):
    # the work orders of the repaired hazard notify as real work would: not in a demo's inboxes
    last_notification = Notification.objects.aggregate(m=Max("pk"))["m"] or 0
    _hazards_and_gate(demo)
    _patrols(demo)
    _fire(demo)
    _drills(demo)
    Notification.objects.filter(pk__gt=last_notification, url__startswith="/maintenance/").delete()


def _hazards_and_gate(demo):
    for code, school in demo.schools.items():
        if Hazard.objects.filter(school=school).exists():
            continue
        for spec in HAZARDS:
            key, hazard = _hazard(demo, code, spec)
            _work_through(demo, code, key, hazard)
        demo.created[Hazard._meta.verbose_name] += len(HAZARDS)
        demo.created[HazardEvent._meta.verbose_name] += HazardEvent.objects.filter(school=school).count()
        _gate_week(demo, code)
        services.escalate_overdue(demo.today)
        demo.created[GateEntry._meta.verbose_name] += GateEntry.objects.filter(school=school).count()


PATROL_DAYS = 21  # three weeks of patrols (a term's worth would be thousands of rows)
# (route name, the n-th patrol of that route, item text, note, place, level, measure): what the
# guards found; the broken emergency light at 教学楼二楼 is the evening patrol's.
FINDINGS = [
    ("每日防火巡查", 2, "应急照明灯、疏散指示标志完好", "二楼东侧应急照明灯不亮", "教学楼二楼东侧走廊",
     Level.LARGER, Measure.WARN),
    ("重点部位巡查", 7, "配电柜无异响异味，无私拉乱接", "配电柜旁有私拉的插线板", "配电房", Level.GENERAL,
     Measure.STOP),
    ("每日防火巡查", 9, "疏散通道、安全出口畅通，无锁闭、无堆放", "一楼安全出口堆放课桌", "教学楼一楼西侧安全出口",
     Level.GENERAL, Measure.WARN),
]


def _patrols(demo):
    """The seeds' checklists and routes, three weeks of patrols walked by the guard (a few
    missed, today's still open), and what they found as hazards."""

    for code, school in demo.schools.items():
        if PatrolRoute.objects.filter(school=school).exists():
            continue
        items, routes = patrols.install_seeds(school, patroller=demo.person(code, "guard"))
        demo.created[CheckItem._meta.verbose_name] += len(items)
        demo.created[PatrolRoute._meta.verbose_name] += len(routes)
    schools = list(demo.schools.values())
    if Patrol.objects.filter(school__in=schools).exists():
        return
    for back in range(PATROL_DAYS, -1, -1):
        patrols.create_due_patrols(demo.today - datetime.timedelta(days=back))
    findings = {(route, n): rest for route, n, *rest in FINDINGS}
    for code, school in demo.schools.items():
        guard = demo.user(f"{code}.guard")
        seen = {}
        past = Patrol.objects.filter(school=school, due_on__lt=demo.today).select_related("route")
        for i, patrol in enumerate(past.order_by("due_on", "route__name", "round")):
            if i % 17 == 5:
                continue  # missed (漏巡)
            seen[patrol.route.name] = seen.get(patrol.route.name, 0) + 1
            found = findings.get((patrol.route.name, seen[patrol.route.name]))
            results = []
            if found:
                text, note, place, level, measure = found
                item = patrol.route.items.filter(text=text).first()
                if item is not None:
                    results = [{"item": item.pk, "ok": False, "note": note, "place": place, "level": level,
                                "measure": measure, "photos": _photo()}]
            patrols.walk(patrol, by=guard, results=results)
            at = timezone.make_aware(datetime.datetime.combine(patrol.due_on, datetime.time(8 + patrol.round * 2)))
            Patrol.objects.filter(pk=patrol.pk).update(done_at=at)
        demo.created[Patrol._meta.verbose_name] += Patrol.objects.filter(school=school).count()
        demo.created[PatrolResult._meta.verbose_name] += PatrolResult.objects.filter(school=school).count()
    patrols.mark_missed(demo.today)


# (code, kind, agent, spec, room name or place, dense, years and days since made, serviced years ago)
FIRE = [
    ("MHQ-JX-01", "extinguisher", "powder", "MFZ/ABC4", "place:教学楼一楼东侧楼梯口", False, (2, 40), None),
    ("MHQ-JX-02", "extinguisher", "powder", "MFZ/ABC4", "place:教学楼二楼东侧楼梯口", False, (2, 40), None),
    ("MHQ-JX-03", "extinguisher", "powder", "MFZ/ABC4", "place:教学楼三楼东侧楼梯口", False, (3, 10), None),
    ("MHQ-JX-05", "extinguisher", "powder", "MFZ/ABC4", "place:教学楼一楼西侧楼梯口", False, (5, 20), None),
    ("MHQ-ST-01", "extinguisher", "water", "MSWZ/6", "学生餐厅", True, (1, 100), None),
    ("MHQ-ST-03", "extinguisher", "water", "MSWZ/6", "place:食堂操作间", True, (6, 15), 2),
    ("MHQ-PD-01", "extinguisher", "co2", "MT/5", "配电房", False, (4, 0), None),
    ("XHS-JX-1F", "hydrant", "", "SN65", "place:教学楼一楼走廊", False, (8, 0), None),
    ("BJQ-ZH-01", "alarm", "", "JTY-GD", "place:综合楼一楼大厅", False, (3, 0), None),
    ("YJD-JX-2E", "light", "", "LED 3W", "place:教学楼二楼东侧走廊", False, (2, 0), None),
    ("YJD-JX-2W", "light", "", "LED 3W", "place:教学楼二楼西侧走廊", False, (2, 0), None),
]
BOILER = ("MHQ-GL-01", "extinguisher", "powder", "MFZ/ABC8", "place:锅炉房", True, (1, 200), None)


def _fire(demo):
    """The fire equipment of the buildings (two extinguishers due: one for 送修, one for 报废)
    and this period's checks, half of them done."""

    for code, school in demo.schools.items():
        if FireEquipment.objects.filter(school=school).exists():
            continue
        guard = demo.user(f"{code}.guard")
        for number, kind, agent, spec, where, dense, (years, days), serviced in FIRE + (
                [BOILER] if school.boarding else []):
            room = None if where.startswith("place:") else Room.objects.filter(school=school, name=where).first()
            place = where[6:] if where.startswith("place:") else ("" if room else where)
            made = demo.today.replace(year=demo.today.year - years) - datetime.timedelta(days=days)
            FireEquipment.objects.create(
                school=school, code=number, kind=kind, agent=agent, spec=spec, room=room, place=place,
                dense_place=dense, made_on=made, installed_on=made + datetime.timedelta(days=30),
                last_serviced_on=demo.today.replace(year=demo.today.year - serviced) if serviced else None)
        demo.created[FireEquipment._meta.verbose_name] += FireEquipment.objects.filter(school=school).count()
        fire.create_due_checks(demo.today)
        checks = FireCheck.objects.filter(school=school).select_related("equipment").order_by("equipment__code")
        for i, c in enumerate(checks):
            if i % 2 == 0:
                note = "压力正常，铅封完好" if c.equipment.kind == "extinguisher" else ""
                fire.check(c, by=guard, ok=True, note=note)
        demo.created[FireCheck._meta.verbose_name] += checks.count()



def _drills(demo):
    """The term's drills (monthly evacuation drills, a fire drill, one month still to come)
    and a safety training of the staff."""

    for code, school in demo.schools.items():
        if Drill.objects.filter(school=school).exists():
            continue
        term = Term.objects.filter(school=school, starts_on__lte=demo.today).order_by("-starts_on").first()
        start = term.starts_on if term else demo.today - datetime.timedelta(days=90)
        director = demo.person(code, "director")
        month, n = start.replace(day=1), 0
        while month <= demo.today.replace(day=1):
            day = max(month.replace(day=15), start)
            n += 1
            if n != 3:  # one month without its drill: the term page shows the gap
                Drill.objects.create(
                    school=school, kind="evacuation", title=f"{day.month}月应急疏散演练", held_on=day,
                    organiser=director, scope="全校师生", participants=600 + 10 * n,
                    evacuation_seconds=105 + 10 * n, evaluation="各班按路线有序疏散，个别班级楼梯口拥挤，需加强引导")
            month = (month + datetime.timedelta(days=32)).replace(day=1)
        Drill.objects.create(school=school, kind="fire", title="灭火器使用和初起火灾扑救演练",
                             held_on=start + datetime.timedelta(days=40), organiser=director, scope="全体教职工",
                             participants=45, evaluation="教职工均能正确使用灭火器")
        Drill.objects.create(school=school, kind="evacuation", title="下月应急疏散演练（计划）",
                             held_on=demo.today + datetime.timedelta(days=20), organiser=director, scope="全校师生")
        training = Training.objects.create(school=school, title="消防安全知识和灭火器使用培训",
                                           held_on=start + datetime.timedelta(days=20), trainer="恩施市消防救援大队",
                                           hours=2)
        training.attendees.set(Person.objects.filter(school=school, active=True)[:20])
        demo.created[Drill._meta.verbose_name] += Drill.objects.filter(school=school).count()
        demo.created[Training._meta.verbose_name] += 1
