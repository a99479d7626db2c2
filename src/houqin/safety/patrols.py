"""Patrols (巡查): the checklist templates pre-loaded from the seeds and domain-rules §5/§6, the
routes' due patrols made by `houqin tick` once, the walk on a phone (each item OK or a problem
with a note and photos; a problem opens a hazard through services.report, source = patrol),
missed patrols (漏巡) and the weekly statistics (每周统计).

Every step takes the acting user as `by` and checks its rule (core.rules.require)."""

import datetime
from collections import Counter

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.utils import timezone

from houqin.core.calendar import Calendar
from houqin.core.choices import Role
from houqin.core.models import School
from houqin.core.rules import require
from houqin.core.services import holders, notify

from . import services
from .choices import Area, CheckKind, Frequency, Level, Measure, PatrolStatus, Source
from .models import CheckItem, Hazard, Patrol, PatrolResult, PatrolRoute, SafetySettings
from .schedule import is_due, rounds

A, K = Area, CheckKind

# (area, kind, text, basis): the seeds' routine checks (门窗、照明、电器、燃气) and §5 (消防), §6 (校园安全).
SEED_ITEMS = [
    (A.GATE, K.SECURITY, "门卫室有人值守，外来人员、车辆登记", "§6 S1、S4 第29、30条"),
    (A.GATE, K.SECURITY, "校门防冲撞设施完好，校门按时关闭", "§6 S2"),
    (A.GATE, K.SECURITY, "一键报警、视频监控正常", "§6 三个100%"),
    (A.TEACHING, K.DOORS, "教室、走廊门窗完好，门锁正常", "种子：门窗"),
    (A.TEACHING, K.LIGHTING, "教室、走廊、楼梯照明正常", "种子：照明"),
    (A.TEACHING, K.FIRE, "应急照明灯、疏散指示标志完好", "§5 X1 第16条"),
    (A.TEACHING, K.ELECTRIC, "插座、开关、电器线路无破损，人走断电", "种子：电器"),
    (A.TEACHING, K.FACILITY, "楼梯扶手、栏杆稳固", "§6 S4 第25条"),
    (A.CANTEEN, K.GAS, "燃气管道、阀门无泄漏，燃气报警器正常", "种子：燃气"),
    (A.CANTEEN, K.GAS, "用气结束关闭总阀", "种子：燃气"),
    (A.CANTEEN, K.ELECTRIC, "厨房电器、线路完好", "种子：电器"),
    (A.CANTEEN, K.DOORS, "食堂门窗、纱窗完好，下班关闭上锁", "种子：门窗"),
    (A.CANTEEN, K.FIRE, "灭火器、灭火毯在位有效", "§5 X3"),
    (A.POWER, K.ELECTRIC, "配电柜无异响异味，无私拉乱接", "§6 S1 第20条"),
    (A.POWER, K.DOORS, "配电房门锁好，无杂物堆放", "§6 S1 第20条"),
    (A.POWER, K.FIRE, "配电房灭火器在位有效", "§5 X3"),
    (A.LAB, K.CHEMICALS, "危化品柜双人双锁，领用登记", "§6 S1 第22条"),
    (A.LAB, K.ELECTRIC, "实验室水电关闭", "§6 S1 第20条"),
    (A.SPORTS, K.FACILITY, "篮球架、单双杠、大型玩具稳固无破损", "种子：每周一检查体育器材"),
    (A.FIRE_EXIT, K.FIRE, "疏散通道、安全出口畅通，无锁闭、无堆放", "§5 X1 第17条"),
    (A.FIRE_EXIT, K.FIRE, "消火栓箱完好，器材齐全", "§5 X1 第16条"),
    (A.DORM, K.SECURITY, "宿舍夜间值班到岗，学生就寝清点", "§5 X2 第25条（寄宿制夜间巡查）"),
    (A.DORM, K.ELECTRIC, "宿舍无违规电器，无私拉电线", "§5 X2 第25条"),
    (A.BOILER, K.FIRE, "锅炉房无易燃物堆放，灭火器在位", "§5 X3 5.2.2"),
    (A.GROUNDS, K.FACILITY, "围墙、护栏无破损松动", "§6 S4 第25条"),
]

# (name, frequency, areas, only for boarding schools)
SEED_ROUTES = [
    ("每日防火巡查", Frequency.DAILY, (A.TEACHING, A.CANTEEN, A.FIRE_EXIT), False),
    ("重点部位巡查", Frequency.KEY, (A.GATE, A.POWER, A.CANTEEN), False),
    ("夜间巡查", Frequency.NIGHTLY, (A.DORM, A.FIRE_EXIT, A.GATE), True),
    ("每周实验室、体育器材检查", Frequency.WEEKLY, (A.LAB, A.SPORTS, A.GROUNDS), False),
    ("学期安全大检查", Frequency.TERMLY, tuple(Area), False),
]


def install_seeds(school, *, patroller=None):
    """The seeds' check items and routes as the school's (each once, by its text / name); the
    night patrol for boarding schools only. Returns (items created, routes created)."""
    have = set(CheckItem.objects.filter(school=school).values_list("area", "text"))
    new_items = [CheckItem(school=school, area=area, kind=kind, text=text, basis=basis, order=i)
                 for i, (area, kind, text, basis) in enumerate(SEED_ITEMS) if (area, text) not in have]
    for item in new_items:
        item.save()
    routes = set(PatrolRoute.objects.filter(school=school).values_list("name", flat=True))
    new_routes = []
    for name, frequency, areas, boarding in SEED_ROUTES:
        if name in routes or (boarding and not school.boarding):
            continue
        route = PatrolRoute.objects.create(school=school, name=name, frequency=frequency, patroller=patroller,
                                           on_holidays=frequency in (Frequency.KEY, Frequency.NIGHTLY))
        route.items.set(CheckItem.objects.filter(school=school, area__in=areas, active=True))
        new_routes.append(route)
    return new_items, new_routes


# --- the tick ---------------------------------------------------------------------------------


def create_due_patrols(today):
    """Today's patrols of every active route, each round once (the unique constraint guards a
    concurrent run); returns how many were created."""
    routes = list(PatrolRoute.objects.filter(active=True, starts_on__lte=today).select_related(
        "school__safetysettings", "patroller"))
    cal = Calendar.load({r.school_id for r in routes})
    existing = set(Patrol.objects.filter(due_on=today).values_list("route_id", "round"))
    created = 0
    for route in routes:
        settings = SafetySettings.of(route.school)
        if not is_due(route, today, cal, settings):
            continue
        for n in range(1, rounds(route, settings) + 1):
            if (route.pk, n) in existing:
                continue
            try:
                with transaction.atomic():
                    patrol = Patrol.objects.create(school=route.school, route=route, due_on=today, round=n)
            except IntegrityError:
                continue
            created += 1
            if n == 1 and route.patroller_id and route.patroller.user_id:
                notify([route.patroller.user], school=route.school, title=f"今日巡查：{route.name}",
                       url=patrol.get_absolute_url(), dedupe_key=f"patrol:{patrol.pk}")
    return created


def mark_missed(today):
    """Patrols of a day gone by that nobody walked become 漏巡, and the director and the
    principal are told once per school and day. Returns how many."""
    missed = Patrol.objects.filter(status=PatrolStatus.OPEN, due_on__lt=today)
    by_school = Counter(missed.values_list("school_id", flat=True))
    count = missed.update(status=PatrolStatus.MISSED, updated_at=timezone.now())

    for school in School.objects.filter(pk__in=by_school):
        notify(holders(school, [Role.DIRECTOR, Role.PRINCIPAL]), school=school,
               title=f"漏巡：{by_school[school.pk]} 次巡查未按时完成", url="/safety/patrols/?status=missed",
               dedupe_key=f"patrol-missed:{school.pk}:{today:%Y%m%d}")
    return count


# --- the walk ---------------------------------------------------------------------------------


def items_of(patrol):
    return list(patrol.route.items.filter(active=True).order_by("area", "order", "pk"))


def _locked(patrol):
    return Patrol.objects.select_for_update(of=("self",)).select_related("route", "school").get(pk=patrol.pk)


@transaction.atomic
def walk(patrol, *, by, results):
    """Record a walked patrol. `results` is [{"item": CheckItem or id, "ok": bool, "note",
    "place", "level", "measure", "photos"}]; items left out are OK. A problem needs its note
    and opens a hazard (source 巡查发现) with its photos at the place given (else the area and
    route). Returns the patrol."""
    patrol = _locked(patrol)
    require(by, "walk", patrol)
    if patrol.status != PatrolStatus.OPEN:
        raise ValidationError(f"该巡查当前状态为“{patrol.get_status_display()}”，不能再登记")
    if patrol.due_on > timezone.localdate():
        raise ValidationError("还没到巡查日期")
    items = {i.pk: i for i in items_of(patrol)}
    marks = {}
    for r in results:
        key = r.get("item")
        key = getattr(key, "pk", key)
        if key not in items:
            raise ValidationError(f"检查项目不在该巡查路线中：{key}")
        marks[key] = r
    problems = 0
    for pk, item in items.items():
        r = marks.get(pk, {})
        ok = bool(r.get("ok", True))
        note = (r.get("note") or "").strip()[:300]
        hazard = None
        if not ok:
            if not note:
                raise ValidationError({"note": f"“{item.text}”有问题，请写明情况"})
            hazard = _hazard(patrol, item, r, note, by)
            problems += 1
        PatrolResult.objects.create(school=patrol.school, patrol=patrol, item=item, area=item.area, kind=item.kind,
                                    text=item.text, ok=ok, note=note, hazard=hazard)
    patrol.status, patrol.done_by, patrol.done_at, patrol.problems = PatrolStatus.DONE, by, timezone.now(), problems
    patrol.save()
    return patrol


def _hazard(patrol, item, r, note, by):
    place = (r.get("place") or "").strip() or f"{item.get_area_display()}（{patrol.route.name}）"
    hazard = Hazard(school=patrol.school, source=Source.PATROL, level=r.get("level") or Level.GENERAL,
                    measure=r.get("measure") or Measure.NONE, place=place[:100],
                    description=f"巡查发现：{item.text}——{note}"[:1000])
    return services.report(hazard, by=by, photos=r.get("photos") or ())


# --- the weekly statistics --------------------------------------------------------------------


def week_of(day):
    monday = day - datetime.timedelta(days=day.weekday())
    return monday, monday + datetime.timedelta(days=6)


def week_stats(patrols, results, monday):
    """每周统计 of the week from `monday`: patrols due / done / missed per route, and the
    problems found by area and kind. `patrols` and `results` are the school's visible rows;
    three queries whatever the week holds."""
    sunday = monday + datetime.timedelta(days=6)
    week = patrols.filter(due_on__range=(monday, sunday))
    per_route = list(week.values("route__name").annotate(
        due=Count("pk", distinct=True), done=Count("pk", filter=Q(status=PatrolStatus.DONE), distinct=True),
        missed=Count("pk", filter=Q(status=PatrolStatus.MISSED), distinct=True),
        problems=Count("results", filter=Q(results__ok=False))).order_by("route__name"))
    found = results.filter(patrol__due_on__range=(monday, sunday), ok=False)
    cells = Counter({(a, k): n for a, k, n in found.values_list("area", "kind").annotate(n=Count("pk"))
                     .values_list("area", "kind", "n")})
    areas = [a for a in Area if any(cells[(a.value, k.value)] for k in CheckKind)]
    kinds = [k for k in CheckKind if any(cells[(a.value, k.value)] for a in Area)]
    matrix = [(a.label, [cells[(a.value, k.value)] for k in kinds], sum(cells[(a.value, k.value)] for k in kinds))
              for a in areas]
    totals = {"due": sum(r["due"] for r in per_route), "done": sum(r["done"] for r in per_route),
              "missed": sum(r["missed"] for r in per_route), "problems": sum(cells.values())}
    return {"monday": monday, "sunday": sunday, "routes": per_route, "kinds": [k.label for k in kinds],
            "matrix": matrix, "kind_totals": [sum(cells[(a.value, k.value)] for a in areas) for k in kinds],
            "totals": totals}
