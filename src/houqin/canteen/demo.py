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

A second run finds the school's checks and writes none.
"""

import datetime
from decimal import Decimal

from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from houqin.core.choices import Role
from houqin.core.demo import demo_step

from . import board, services
from .choices import CheckKind, Companion, DisinfectionMethod, MealKind, Rating
from .models import (
    AccompaniedMeal,
    CanteenSettings,
    CanteenWorker,
    Disinfection,
    KitchenCheck,
    Meal,
    MorningCheck,
    SampleRecord,
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
