"""Demo data of the canteen app (`houqin demo`).

Each demo school gets its canteen rules (恩施市实验小学 serves lunch; 石台实验小学, a boarding
school, three meals), its canteen team from the staff register (the canteen manager, the cooks
and the kitchen helpers, with the 健康证 and 培训合格证 of the core demo — among them 龚桂英's
health certificate expiring in 12 days and 檀金莲 without a 培训合格证), and three weeks of
serving days before today, each with the whole record: the team's 晨检, the meal's dishes and
their samples (disposed once 48 hours had passed), the tableware disinfection, the kitchen's
checks and the leader's 陪餐. On one day a worker failed the morning check and went 离岗; on
another a lunch dish was not sampled, so that day stays red on the board and on the director's
home page. A parent's complaint about the 胡萝卜 in the 熘肉段 (seed 002) has its response.
Today is left for the manager to do.

The 带量食谱: the school's dishes with their quantities per student, four weeks of menus
approved by the director and the principal (膳食委员会) and published, and next week's — at
恩施 a draft whose Wednesday lunch has one meat dish, waiting for correction.

The books: the diners of each meal, and last month's accounts with the 营养改善补助 fund.

A second run finds the school's checks and writes none.
"""

import datetime
from decimal import Decimal

from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from houqin.core import approvals
from houqin.core.choices import Decision, Role
from houqin.core.demo import demo_step
from houqin.core.models import ApprovalRequest
from houqin.core.money import cents

from . import board, services
from .choices import CheckKind, Companion, DishKind, DisinfectionMethod, EntryKind, MealKind, MenuStatus, Rating
from .models import (
    AccompaniedMeal,
    CanteenEntry,
    CanteenSettings,
    CanteenWorker,
    DinerCount,
    Dish,
    Disinfection,
    KitchenCheck,
    Meal,
    MorningCheck,
    SampleRecord,
    WeekMenu,
)

TEAM = [(Role.CANTEEN.value, "食堂管理员"), ("cook1", "厨师"), ("cook2", "厨师"), ("helper1", "帮厨"),
        ("helper2", "帮厨")]
MENUS = {
    MealKind.BREAKFAST: [["肉包", "白粥", "煮鸡蛋", "凉拌黄瓜"], ["花卷", "小米粥", "茶叶蛋", "炒青菜"]],
    MealKind.LUNCH: [["熘肉段", "番茄炒蛋", "清炒白菜", "蒜蓉西兰花", "紫菜蛋花汤"],
                     ["红烧鸡块", "土豆烧牛肉", "炒豆芽", "清炒菠菜", "冬瓜排骨汤"],
                     ["鱼香肉丝", "红烧带鱼", "手撕包菜", "炒胡萝卜丝", "西红柿鸡蛋汤"]],
    MealKind.DINNER: [["米饭", "宫保鸡丁", "麻婆豆腐", "炒油麦菜", "海带汤"],
                      ["面条", "卤鸡腿", "炒茄子", "炒生菜", "绿豆汤"]],
}
MEAL_TIMES = {MealKind.BREAKFAST: datetime.time(7, 10), MealKind.LUNCH: datetime.time(11, 40),
              MealKind.DINNER: datetime.time(17, 40)}
# (school, days before the last demo day, staff key, what failed)
FAILED_CHECK = {"esyx": (3, "helper1", {"diarrhea": True}), "styx": (6, "cook2", {"temperature": Decimal("37.9")})}
MISSING_SAMPLE = {"esyx": (5, "炒胡萝卜丝"), "styx": (8, "冬瓜排骨汤")}
SETTINGS = {"esyx": {}, "styx": {"serves_breakfast": True, "serves_dinner": True, "check_waste": True}}
SERVING_DAYS = 15


def _at(day, time, minutes=0):
    moment = datetime.datetime.combine(day, time) + datetime.timedelta(minutes=minutes)
    return timezone.make_aware(moment)


@demo_step("canteen", after=("people", "terms", "certificates"))
def canteen(demo):
    for code, school in demo.schools.items():
        demo.ensure(CanteenSettings, {"school": school}, SETTINGS.get(code, {}))
        team = {key: demo.ensure(CanteenWorker, {"school": school, "person": demo.person(code, key)}, {"post": post})
                for key, post in TEAM if (code, key) in demo.people}
        if MorningCheck.objects.filter(school=school).exists():
            continue
        days = board.serving_days(school, demo.today - datetime.timedelta(days=40),
                                  demo.today - datetime.timedelta(days=1))[-SERVING_DAYS:]
        _records(demo, code, school, team, days)


def _parents_complaint(complaint, manager):
    complaint.companion_kind, complaint.person, complaint.companion_name = Companion.PARENT, None, "家长 刘女士"
    complaint.rating, complaint.comments = Rating.FAIR, "熘肉段里胡萝卜太多，孩子不爱吃"
    complaint.response = "已与厨师沟通，熘肉段减少胡萝卜，改配青椒；下周起执行"
    complaint.responded_by, complaint.responded_at = manager, _at(complaint.date, datetime.time(16, 0))


def _records(demo, code, school, team, days):
    settings = CanteenSettings.of(school)
    manager = demo.user(f"{code}.{Role.CANTEEN.value}")
    keeper = team[Role.CANTEEN.value].person
    leaders = [demo.person(code, Role.PRINCIPAL.value), demo.person(code, Role.DIRECTOR.value)]
    certificates = services.certificates_of([w.person for w in team.values()])
    now = timezone.now()
    rows = {model: [] for model in (MorningCheck, Meal, Disinfection, KitchenCheck, AccompaniedMeal)}
    samples = []
    for n, day in enumerate(days):
        ago = len(days) - 1 - n
        for key, worker in team.items():
            if services.health_refusal(worker.person, certificates, day):
                continue  # the core demo's certificates are valid over these weeks
            check = MorningCheck(school=school, worker=worker, date=day,
                                 temperature=Decimal("36.4") + Decimal(n % 4) / 10,
                                 checked_by=manager, checked_at=_at(day, datetime.time(6, 50)))
            failed, who, what = FAILED_CHECK[code][0] == ago, FAILED_CHECK[code][1], FAILED_CHECK[code][2]
            if failed and key == who:
                for name, value in what.items():
                    setattr(check, name, value)
            reasons = services.check_failures(check, settings)
            check.passed, check.off_duty, check.reasons = not reasons, bool(reasons), "、".join(reasons)
            rows[MorningCheck].append(check)
        for i, kind in enumerate(settings.meals()):
            menu = MENUS[kind][n % len(MENUS[kind])]
            meal = Meal(school=school, date=day, kind=kind, dishes="\n".join(menu))
            rows[Meal].append(meal)
            at = _at(day, MEAL_TIMES[kind])
            for dish in menu:
                if MISSING_SAMPLE[code] == (ago, dish):
                    continue
                sample = SampleRecord(school=school, meal=meal, dish=dish, weight_grams=150 + len(dish) * 5,
                                      sampled_at=at, cabinet_temperature=Decimal("4.0"), sampled_by=keeper)
                disposal = sample.keep_until(settings.sample_keep_hours) + datetime.timedelta(hours=2)
                if disposal <= now:
                    sample.disposed_at, sample.disposed_by = disposal, keeper
                samples.append(sample)
            method = DisinfectionMethod.STEAM if i % 2 == 0 else DisinfectionMethod.INFRARED
            rows[Disinfection].append(Disinfection(
                school=school, date=day, meal=kind, method=method, temperature=Decimal(100 if i % 2 == 0 else 120),
                seconds=900, done_by=team["cook1"].person, done_at=at + datetime.timedelta(minutes=90)))
            leader = leaders[(n + i) % 2]
            rows[AccompaniedMeal].append(AccompaniedMeal(
                school=school, date=day, meal=kind, companion_kind=Companion.LEADER, person=leader,
                rating=Rating.GOOD, comments="饭菜温度适宜，分量足"))
        kinds = [CheckKind.HYGIENE, CheckKind.COLD] + ([CheckKind.WASTE] if settings.check_waste else [])
        for kind in kinds:
            cold = {"fridge_temperature": Decimal("4.5"), "freezer_temperature": Decimal("-19.0")} \
                if kind == CheckKind.COLD else {}
            rows[KitchenCheck].append(KitchenCheck(school=school, date=day, kind=kind, checked_by=keeper,
                                                   checked_at=_at(day, datetime.time(14, 0)), **cold))
    if rows[AccompaniedMeal]:  # none when the span has no serving day (a demo built in the holidays)
        _parents_complaint(rows[AccompaniedMeal][len(rows[AccompaniedMeal]) // 2], manager)
    for model, objs in rows.items():
        bulk_create_with_history(objs, model, default_user=manager)
    for sample in samples:
        sample.meal_id = sample.meal.pk
    bulk_create_with_history(samples, SampleRecord, default_user=manager)
    for model, objs in [*rows.items(), (SampleRecord, samples)]:
        demo.created[model._meta.verbose_name] += len(objs)


# --- 带量食谱 -------------------------------------------------------------------------------------
# (name, kind, [(ingredient, grams per student, meat)]); 食用油 / 大米 / 面粉 / 鸡蛋 are the stock
# demo's 食品原料, so those ingredients link to their stock items.
M, V, S, T = DishKind.MEAT, DishKind.VEGETABLE, DishKind.SOUP, DishKind.STAPLE
DISHES = [
    ("熘肉段", M, [("猪里脊", 60, True), ("青椒", 20, False), ("胡萝卜", 15, False), ("食用油", 5, False)]),
    ("番茄炒蛋", M, [("鸡蛋", 60, True), ("番茄", 55, False), ("食用油", 5, False)]),
    ("红烧鸡块", M, [("鸡腿肉", 70, True), ("土豆", 30, False), ("食用油", 5, False)]),
    ("土豆烧牛肉", M, [("牛肉", 50, True), ("土豆", 45, False), ("食用油", 5, False)]),
    ("鱼香肉丝", M, [("猪肉丝", 50, True), ("木耳", 15, False), ("胡萝卜", 15, False), ("食用油", 5, False)]),
    ("红烧带鱼", M, [("带鱼", 80, True), ("食用油", 5, False)]),
    ("宫保鸡丁", M, [("鸡胸肉", 50, True), ("花生", 10, False), ("黄瓜", 20, False), ("食用油", 5, False)]),
    ("卤鸡腿", M, [("鸡腿", 100, True)]),
    ("煮鸡蛋", M, [("鸡蛋", 50, True)]),
    ("茶叶蛋", M, [("鸡蛋", 50, True)]),
    ("清炒白菜", V, [("白菜", 120, False), ("食用油", 5, False)]),
    ("蒜蓉西兰花", V, [("西兰花", 100, False), ("大蒜", 5, False), ("食用油", 5, False)]),
    ("炒豆芽", V, [("绿豆芽", 100, False), ("食用油", 5, False)]),
    ("清炒菠菜", V, [("菠菜", 100, False), ("食用油", 5, False)]),
    ("手撕包菜", V, [("包菜", 110, False), ("食用油", 5, False)]),
    ("炒胡萝卜丝", V, [("胡萝卜", 90, False), ("食用油", 5, False)]),
    ("麻婆豆腐", V, [("豆腐", 100, False), ("食用油", 5, False)]),
    ("炒油麦菜", V, [("油麦菜", 110, False), ("食用油", 5, False)]),
    ("炒茄子", V, [("茄子", 110, False), ("食用油", 8, False)]),
    ("炒生菜", V, [("生菜", 110, False), ("食用油", 5, False)]),
    ("凉拌黄瓜", V, [("黄瓜", 60, False)]),
    ("炒青菜", V, [("青菜", 90, False), ("食用油", 5, False)]),
    ("紫菜蛋花汤", S, [("紫菜", 3, False), ("鸡蛋", 15, True)]),
    ("冬瓜排骨汤", S, [("冬瓜", 60, False), ("排骨", 30, True)]),
    ("西红柿鸡蛋汤", S, [("番茄", 30, False), ("鸡蛋", 15, True)]),
    ("海带汤", S, [("海带", 20, False)]),
    ("绿豆汤", S, [("绿豆", 20, False)]),
    ("米饭", T, [("大米", 130, False)]),
    ("面条", T, [("挂面", 120, False)]),
    ("肉包", T, [("面粉", 60, False), ("猪肉末", 20, True)]),
    ("白粥", T, [("大米", 30, False)]),
    ("花卷", T, [("面粉", 60, False)]),
    ("小米粥", T, [("小米", 30, False)]),
]
WEEK = {  # the dishes of each meal, the days of the week taking them in turn
    MealKind.BREAKFAST: MENUS[MealKind.BREAKFAST],
    MealKind.LUNCH: [["米饭", *m] for m in MENUS[MealKind.LUNCH]],
    MealKind.DINNER: [["米饭", "宫保鸡丁", "卤鸡腿", "麻婆豆腐", "炒油麦菜", "海带汤"],
                      ["面条", "红烧带鱼", "番茄炒蛋", "炒茄子", "炒生菜", "绿豆汤"]],
}
# Next week's menu of 恩施市实验小学 waits for correction: on Wednesday the cook put 炒茄子 in
# place of 番茄炒蛋, so lunch has one meat dish (the district's 两荤两素一汤 names the breach).
BREACH = {"esyx": (2, MealKind.LUNCH, "番茄炒蛋", "炒茄子")}


@demo_step("canteen_menus", after=("canteen", "stock"))
def canteen_menus(demo):
    for code, school in demo.schools.items():
        manager = demo.user(f"{code}.{Role.CANTEEN.value}")
        dishes = {}
        for name, kind, rows in DISHES:
            dish = Dish.objects.filter(school=school, name=name).first()
            if dish is None:
                dish = services.save_dish(Dish(school=school, name=name, kind=kind), by=manager, ingredients=[
                    {"name": n, "grams": Decimal(g), "meat": meat} for n, g, meat in rows])
                demo.created[Dish._meta.verbose_name] += 1
            dishes[name] = dish
        if WeekMenu.objects.filter(school=school).exists():
            continue
        _menus(demo, code, school, dishes, manager)


def _week_entries(settings, start, dishes, breach=None):
    entries = []
    for n in range(settings.menu_days):
        day = start + datetime.timedelta(days=n)
        for kind in settings.meals():
            names = list(WEEK[kind][n % len(WEEK[kind])])
            if breach and breach[:2] == (n, kind):
                names = [breach[3] if name == breach[2] else name for name in names]
            entries += [(day, kind, dishes[name]) for name in names]
    return entries


def _menus(demo, code, school, dishes, manager):
    """Four weeks of published menus (approved by the director and the principal) up to this
    week, and next week's: published at 石台, a draft breaking the rule at 恩施."""
    settings = CanteenSettings.of(school)
    this_week = services.monday(demo.today)
    for weeks in (-3, -2, -1, 0, 1):
        start = this_week + datetime.timedelta(days=7 * weeks)
        breach = BREACH.get(code) if weeks == 1 else None
        menu = services.save_menu(WeekMenu(school=school, week_start=start), by=manager,
                                  entries=_week_entries(settings, start, dishes, breach))
        demo.created[WeekMenu._meta.verbose_name] += 1
        if breach:
            menu.note = "周三午餐待调整"
            menu.save(update_fields=["note", "updated_at"])
            continue
        menu.status, menu.submitted_at = MenuStatus.PENDING, timezone.now()
        menu.save(update_fields=["status", "submitted_at", "updated_at"])
        approval = approvals.request_approval(menu, services.MENU.key, by=manager, title=str(menu))
        for role in (Role.DIRECTOR, Role.PRINCIPAL):
            if approval.steps and ApprovalRequest.objects.get(pk=approval.pk).status == "pending":
                approvals.sign(approval, by=demo.user(f"{code}.{role.value}"), decision=Decision.APPROVE,
                               comment="同意公示")


# --- 就餐人数与食堂账 -------------------------------------------------------------------------------
# Diners of each demo meal (students, of whom entitled to the 营养改善补助, and staff), and last
# month's books: the 营养改善补助 allocation and its spending on the entitled students' food,
# labour and fuel, and the 伙食费 set so that the month closes with a small surplus (about 1 %,
# under the warning line) once the ingredients issued from the 食堂仓库 are counted.
DINERS = {"esyx": (420, 150, 28), "styx": (260, 180, 16)}  # students, entitled, staff at lunch
COSTS = {"esyx": (Decimal("9600.00"), Decimal("1850.00")), "styx": (Decimal("7200.00"), Decimal("2380.00"))}


@demo_step("canteen_accounts", after=("canteen", "stock", "stock_totals"))
def canteen_accounts(demo):
    for code, school in demo.schools.items():
        if DinerCount.objects.filter(school=school).exists():
            continue
        students, entitled, staff = DINERS.get(code, (300, 100, 20))
        counts = []
        for n, meal in enumerate(Meal.objects.filter(school=school).order_by("date", "kind")):
            share = Decimal("1") if meal.kind == MealKind.LUNCH else Decimal("0.6")
            counts.append(DinerCount(school=school, date=meal.date, meal=meal.kind,
                                     students=int(students * share) - n % 5, entitled_students=int(entitled * share),
                                     staff=int(staff * share)))
        manager = demo.user(f"{code}.{Role.CANTEEN.value}")
        bulk_create_with_history(counts, DinerCount, default_user=manager)
        demo.created[DinerCount._meta.verbose_name] += len(counts)
        _books(demo, code, school, manager)


def _books(demo, code, school, manager):
    first, last = services.month_span(demo.today.replace(day=1) - datetime.timedelta(days=1))
    labour, fuel = COSTS.get(code, (Decimal("8000.00"), Decimal("2000.00")))
    settings = CanteenSettings.of(school)

    def book(kind, amount, day, note):
        services.record_entry(CanteenEntry(school=school, kind=kind, amount=amount, date=day, note=note), by=manager)
        demo.created[CanteenEntry._meta.verbose_name] += 1

    days = services.entitled_days(school, first, last)["entitled"]
    subsidy = cents(days * settings.subsidy_per_student_day)
    book(EntryKind.SUBSIDY_IN, subsidy + Decimal("3000.00"), first, "营养改善计划膳食补助拨款")
    if subsidy:
        book(EntryKind.SUBSIDY_FOOD, subsidy, last, f"受助学生 {days} 人·天 × {settings.subsidy_per_student_day} 元")
    book(EntryKind.LABOUR, labour, last, "食堂工勤人员工资")
    book(EntryKind.FUEL, fuel, last, "液化气、电费")
    costs = services.ingredient_cost(school, first, last) + labour + fuel
    fees = cents(costs / Decimal("0.99")) - subsidy
    if fees > 0:
        book(EntryKind.FEES, fees, first + datetime.timedelta(days=4), f"{first:%m}月伙食费")
