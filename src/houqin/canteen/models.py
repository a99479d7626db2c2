"""Models of the canteen app (食堂): the canteen team drawn from the staff register, the
morning checks (晨检), the meals served and their retained samples (留样), tableware
disinfection (餐具消毒), the kitchen's daily checks and the accompanied meals (陪餐).

Every record is kept: none is deleted from the pages or the API, and each keeps its history."""

import datetime
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from houqin.core.ledger import AppendOnlyModel
from houqin.core.models import Person, SchoolOwned, SchoolSettings
from houqin.core.money import MONEY

from .choices import (
    FORBIDDEN_FOODS,
    WEEKDAYS,
    CheckKind,
    Companion,
    DishKind,
    DisinfectionMethod,
    EntryKind,
    Fund,
    MealKind,
    MenuStatus,
    Rating,
)

TEMPERATURE = {"max_digits": 4, "decimal_places": 1}


class CanteenSettings(SchoolSettings):
    """The school's (or district's) canteen rules; the defaults are the national ones."""

    serves_breakfast = models.BooleanField("供应早餐", default=False)
    serves_lunch = models.BooleanField("供应午餐", default=True)
    serves_dinner = models.BooleanField("供应晚餐", default=False)
    breakfast_ends = models.TimeField("早餐结束时间", default=datetime.time(8, 0))
    lunch_ends = models.TimeField("午餐结束时间", default=datetime.time(13, 0))
    dinner_ends = models.TimeField("晚餐结束时间", default=datetime.time(19, 0))
    fever_temperature = models.DecimalField("发热体温(℃)", **TEMPERATURE, default=Decimal("37.3"),
                                            help_text="晨检体温达到此值视为发热，须离岗")
    sample_min_grams = models.PositiveSmallIntegerField("每样留样量不少于(克)", default=125)
    sample_keep_hours = models.PositiveSmallIntegerField("留样保存不少于(小时)", default=48)
    sample_cabinet_min = models.DecimalField("留样柜温度下限(℃)", **TEMPERATURE, default=Decimal("0"))
    sample_cabinet_max = models.DecimalField("留样柜温度上限(℃)", **TEMPERATURE, default=Decimal("8"))
    fridge_max = models.DecimalField("冷藏温度上限(℃)", **TEMPERATURE, default=Decimal("8"))
    freezer_max = models.DecimalField("冷冻温度上限(℃)", **TEMPERATURE, default=Decimal("-18"))
    check_waste = models.BooleanField("每日检查废弃物与油烟", default=False)
    # 带量食谱 — seed 001 (district rule [L]): 每餐不少于两荤两素一汤、荤菜中荤的比例不低于50%.
    min_meat_dishes = models.PositiveSmallIntegerField("每餐荤菜不少于(道)", default=2)
    min_vegetable_dishes = models.PositiveSmallIntegerField("每餐素菜不少于(道)", default=2)
    min_soups = models.PositiveSmallIntegerField("每餐汤不少于(道)", default=1)
    meat_share_percent = models.PositiveSmallIntegerField("荤菜中荤料比例不低于(%)", default=50,
                                                          validators=[MaxValueValidator(100)])
    dish_rule_breakfast = models.BooleanField("早餐也执行荤素搭配规则", default=False)
    forbidden_foods = models.TextField("禁止加工的食品", default=FORBIDDEN_FOODS,
                                       help_text="每行一种；菜名或食材含其中任一词即拒绝（F1 第三十六条）")
    menu_days = models.PositiveSmallIntegerField("每周供餐天数", default=5,
                                                 validators=[MinValueValidator(1), MaxValueValidator(7)])
    menu_days_ahead = models.PositiveSmallIntegerField("带量食谱提前公示(天)", default=7)
    menu_committee_review = models.BooleanField("带量食谱须膳食委员会（校长）审核", default=True)
    # 食堂账: zero-profit (公益性、不以营利为目的, F1/F5); the margin is the district's [L].
    surplus_margin_percent = models.DecimalField("结余率预警线(%)", max_digits=5, decimal_places=2,
                                                 default=Decimal("3.00"),
                                                 help_text="当月结余超过伙食收入的此比例时预警（零利润经营）")
    subsidy_per_student_day = models.DecimalField("营养改善补助标准(元/生·天)", **MONEY, default=Decimal("5.00"),
                                                  help_text="国家基础标准 5 元（2021 年秋季起）")
    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = "食堂设置"

    def meals(self):
        """The meals the canteen serves, in the day's order."""
        served = {MealKind.BREAKFAST: self.serves_breakfast, MealKind.LUNCH: self.serves_lunch,
                  MealKind.DINNER: self.serves_dinner}
        return [kind for kind, on in served.items() if on]

    def forbidden(self):
        return [line.strip() for line in self.forbidden_foods.splitlines() if line.strip()]

    def dish_rule_applies(self, kind):
        return kind != MealKind.BREAKFAST or self.dish_rule_breakfast

    def meal_ends(self, kind):
        return {MealKind.BREAKFAST: self.breakfast_ends, MealKind.LUNCH: self.lunch_ends,
                MealKind.DINNER: self.dinner_ends}[kind]


class CanteenWorker(SchoolOwned):
    """A member of the canteen team: a person of the staff register (with his 健康证 and
    培训合格证 there), who takes the morning check each working day while active."""

    person = models.ForeignKey(Person, models.PROTECT, related_name="canteen_posts", verbose_name="人员")
    post = models.CharField("岗位", max_length=30, help_text="如 厨师、帮厨、面点、分餐、保洁")
    active = models.BooleanField("在岗", default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = "食堂从业人员"
        ordering = ["person__name"]
        constraints = [models.UniqueConstraint(fields=["school", "person"], name="canteenworker_unique_person")]

    def __str__(self):
        return f"{self.person.name}（{self.post}）"

    def get_absolute_url(self):
        return reverse("canteen:canteenworker_detail", args=[self.pk])


class MorningCheck(SchoolOwned):
    """One worker's 晨检 on one day. A failing check puts him 离岗 for the day."""

    worker = models.ForeignKey(CanteenWorker, models.PROTECT, related_name="checks", verbose_name="从业人员")
    date = models.DateField("日期", default=timezone.localdate)
    temperature = models.DecimalField("体温(℃)", **TEMPERATURE)
    fever = models.BooleanField("发热", default=False)
    diarrhea = models.BooleanField("腹泻", default=False)
    hand_wound = models.BooleanField("手部伤口或感染", default=False)
    throat = models.BooleanField("咽部炎症", default=False)
    hygiene_ok = models.BooleanField("个人卫生合格", default=True, help_text="工作衣帽整洁、不留长指甲、不戴饰物")
    sent_off = models.BooleanField("安排离岗", default=False, help_text="其他原因不上岗时勾选")
    passed = models.BooleanField("合格", default=True, editable=False)
    off_duty = models.BooleanField("离岗", default=False, editable=False)
    reasons = models.CharField("不合格原因", max_length=200, blank=True, editable=False)
    note = models.CharField("备注", max_length=200, blank=True)
    checked_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+",
                                   verbose_name="检查人", editable=False)
    checked_at = models.DateTimeField("检查时间", default=timezone.now, editable=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = "晨检记录"
        ordering = ["-date", "worker__person__name"]
        constraints = [models.UniqueConstraint(fields=["worker", "date"], name="morningcheck_once_a_day")]
        indexes = [models.Index(fields=["school", "date"], name="morningcheck_school_date")]

    def __str__(self):
        return f"{self.date:%Y-%m-%d} {self.worker.person.name} 晨检"

    def get_absolute_url(self):
        return reverse("canteen:morningcheck_detail", args=[self.pk])

    @property
    def result(self):
        return "合格" if self.passed else f"离岗（{self.reasons}）"


class Meal(SchoolOwned):
    """A meal served (餐次) with the dishes that must each be sampled."""

    date = models.DateField("日期", default=timezone.localdate)
    kind = models.CharField("餐次", max_length=10, choices=MealKind.choices, default=MealKind.LUNCH)
    dishes = models.TextField("菜品", help_text="每行一道菜，每道菜都要留样")
    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = "餐次"
        ordering = ["-date", "kind"]
        constraints = [models.UniqueConstraint(fields=["school", "date", "kind"], name="meal_unique_day_kind")]

    def __str__(self):
        return f"{self.date:%Y-%m-%d} {self.get_kind_display()}"

    def get_absolute_url(self):
        return reverse("canteen:meal_detail", args=[self.pk])

    def dish_list(self):
        return [line.strip() for line in self.dishes.splitlines() if line.strip()]

    def unsampled(self, samples=None):
        """The dishes without a sample; `samples` the meal's (prefetched) samples."""
        taken = {s.dish for s in (self.samples.all() if samples is None else samples)}
        return [d for d in self.dish_list() if d not in taken]


class SampleRecord(SchoolOwned):
    """One dish's retained sample (留样): ≥ 125 g in a sealed container in the cold cabinet at
    0–8 ℃ for ≥ 48 h (F1 第四十条); its disposal is recorded once the time is up."""

    meal = models.ForeignKey(Meal, models.PROTECT, related_name="samples", verbose_name="餐次")
    dish = models.CharField("菜品", max_length=50)
    weight_grams = models.PositiveSmallIntegerField("留样量(克)")
    sampled_at = models.DateTimeField("留样时间", default=timezone.now)
    container = models.CharField("容器", max_length=50, default="消毒密闭留样盒")
    cabinet = models.CharField("留样柜", max_length=50, default="留样专用冷藏柜")
    cabinet_temperature = models.DecimalField("留样柜温度(℃)", **TEMPERATURE)
    sampled_by = models.ForeignKey(Person, models.PROTECT, related_name="+", verbose_name="留样人")
    disposed_at = models.DateTimeField("处置时间", null=True, blank=True, editable=False)
    disposed_by = models.ForeignKey(Person, models.PROTECT, null=True, blank=True, related_name="+",
                                    verbose_name="处置人", editable=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = "留样记录"
        ordering = ["-sampled_at"]
        constraints = [models.UniqueConstraint(fields=["meal", "dish"], name="samplerecord_once_a_dish")]

    def __str__(self):
        return f"{self.meal} {self.dish} 留样"

    def get_absolute_url(self):
        return reverse("canteen:samplerecord_detail", args=[self.pk])

    def keep_until(self, hours):
        return self.sampled_at + datetime.timedelta(hours=hours)


class Disinfection(SchoolOwned):
    """Tableware disinfection for one meal, with the method's parameters (F4)."""

    date = models.DateField("日期", default=timezone.localdate)
    meal = models.CharField("餐次", max_length=10, choices=MealKind.choices, default=MealKind.LUNCH)
    method = models.CharField("消毒方式", max_length=12, choices=DisinfectionMethod.choices)
    temperature = models.DecimalField("温度(℃)", **TEMPERATURE, null=True, blank=True)
    seconds = models.PositiveIntegerField("时长(秒)", validators=[MinValueValidator(1)],
                                          help_text="10分钟 = 600秒")
    chlorine = models.PositiveIntegerField("有效氯浓度(mg/L)", null=True, blank=True)
    items = models.CharField("消毒物品", max_length=100, default="餐盘、碗、勺、筷")
    done_by = models.ForeignKey(Person, models.PROTECT, related_name="+", verbose_name="消毒人")
    done_at = models.DateTimeField("消毒时间", default=timezone.now)
    passed = models.BooleanField("达标", default=True, editable=False)
    shortfall = models.CharField("未达标项", max_length=200, blank=True, editable=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = "餐具消毒记录"
        ordering = ["-done_at"]
        indexes = [models.Index(fields=["school", "date"], name="disinfection_school_date")]

    def __str__(self):
        return f"{self.date:%Y-%m-%d} {self.get_meal_display()} {self.get_method_display()}"

    def get_absolute_url(self):
        return reverse("canteen:disinfection_detail", args=[self.pk])


class KitchenCheck(SchoolOwned):
    """A daily kitchen check (环境卫生, 冷藏冷冻温度, 废弃物与油烟): the items that failed and,
    for the cold check, the fridge and freezer temperatures."""

    date = models.DateField("日期", default=timezone.localdate)
    kind = models.CharField("检查项目", max_length=10, choices=CheckKind.choices)
    failed_items = models.JSONField("不合格项", default=list, blank=True)
    fridge_temperature = models.DecimalField("冷藏温度(℃)", **TEMPERATURE, null=True, blank=True)
    freezer_temperature = models.DecimalField("冷冻温度(℃)", **TEMPERATURE, null=True, blank=True)
    note = models.CharField("备注/整改", max_length=200, blank=True)
    checked_by = models.ForeignKey(Person, models.PROTECT, related_name="+", verbose_name="检查人")
    checked_at = models.DateTimeField("检查时间", default=timezone.now)
    passed = models.BooleanField("合格", default=True, editable=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = "厨房日检"
        ordering = ["-checked_at"]
        indexes = [models.Index(fields=["school", "date"], name="kitchencheck_school_date")]

    def __str__(self):
        return f"{self.date:%Y-%m-%d} {self.get_kind_display()}"

    def get_absolute_url(self):
        return reverse("canteen:kitchencheck_detail", args=[self.pk])

    @property
    def failures(self):
        return "、".join(self.failed_items) or "—"


class AccompaniedMeal(SchoolOwned):
    """陪餐: a school leader (or a parent of the 膳食监督家长委员会) who ate with the students,
    with his comments and the canteen's recorded response."""

    date = models.DateField("日期", default=timezone.localdate)
    meal = models.CharField("餐次", max_length=10, choices=MealKind.choices, default=MealKind.LUNCH)
    companion_kind = models.CharField("陪餐人身份", max_length=10, choices=Companion.choices,
                                      default=Companion.LEADER)
    person = models.ForeignKey(Person, models.PROTECT, null=True, blank=True, related_name="+",
                               verbose_name="陪餐人（教职工）")
    companion_name = models.CharField("陪餐人（家长等）", max_length=50, blank=True)
    rating = models.CharField("评价", max_length=8, choices=Rating.choices, default=Rating.GOOD)
    comments = models.TextField("意见建议", max_length=1000, blank=True)
    response = models.TextField("处理反馈", max_length=1000, blank=True, editable=False)
    responded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True,
                                     related_name="+", verbose_name="反馈人", editable=False)
    responded_at = models.DateTimeField("反馈时间", null=True, blank=True, editable=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = "陪餐记录"
        ordering = ["-date", "meal"]
        indexes = [models.Index(fields=["school", "date"], name="accompaniedmeal_school_date")]

    def __str__(self):
        return f"{self.date:%Y-%m-%d} {self.get_meal_display()} 陪餐 {self.companion}"

    def get_absolute_url(self):
        return reverse("canteen:accompaniedmeal_detail", args=[self.pk])

    @property
    def companion(self):
        return self.person.name if self.person_id else self.companion_name

    @property
    def awaiting_response(self):
        return bool(self.comments) and not self.response


# --- 带量食谱 ------------------------------------------------------------------------------------


class Dish(SchoolOwned):
    """A dish of the canteen with its ingredients and their quantity per student (带量)."""

    name = models.CharField("菜名", max_length=50)
    kind = models.CharField("类别", max_length=10, choices=DishKind.choices, default=DishKind.MEAT)
    notes = models.CharField("说明", max_length=200, blank=True)
    active = models.BooleanField("启用", default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = "菜品"
        ordering = ["kind", "name"]
        constraints = [models.UniqueConstraint(fields=["school", "name"], name="dish_unique_name")]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("canteen:dish_detail", args=[self.pk])

    def ingredient_text(self, ingredients=None):
        rows = self.ingredients.all() if ingredients is None else ingredients
        return "、".join(f"{i.name}{i.grams.normalize():f}克" for i in rows) or "—"

    ingredient_text.short_description = "食材（每生用量）"


class DishIngredient(models.Model):
    """One ingredient of a dish and its quantity per student in grams; `item` is the stock
    item of the same name (食品原料) when there is one, so issues can be traced to it."""

    dish = models.ForeignKey(Dish, models.CASCADE, related_name="ingredients", verbose_name="菜品")
    name = models.CharField("食材", max_length=50)
    item = models.ForeignKey("stock.Item", models.SET_NULL, null=True, blank=True, related_name="+",
                             verbose_name="库存物品")
    grams = models.DecimalField("每生用量(克)", max_digits=7, decimal_places=1,
                                validators=[MinValueValidator(Decimal("0.1"))])
    meat = models.BooleanField("荤料（畜禽肉、鱼虾、蛋）", default=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = "菜品食材"
        ordering = ["dish", "pk"]

    def __str__(self):
        return f"{self.name} {self.grams}克"


class WeekMenu(SchoolOwned):
    """The week's menu (带量食谱): each day's meals and their dishes, checked against the
    district's rules, approved by the director (and the 膳食委员会) and published a week ahead."""

    week_start = models.DateField("周一日期")
    status = models.CharField("状态", max_length=10, choices=MenuStatus.choices, default=MenuStatus.DRAFT,
                              editable=False)
    note = models.CharField("说明", max_length=200, blank=True)
    copied_from = models.ForeignKey("self", models.SET_NULL, null=True, blank=True, related_name="+",
                                    verbose_name="沿用自", editable=False)
    submitted_at = models.DateTimeField("提交时间", null=True, blank=True, editable=False)
    published_at = models.DateTimeField("公示时间", null=True, blank=True, editable=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = "带量食谱"
        ordering = ["-week_start"]
        constraints = [models.UniqueConstraint(fields=["school", "week_start"], name="weekmenu_unique_week")]

    def __str__(self):
        return f"{self.week_start:%Y-%m-%d} 起一周带量食谱"

    def get_absolute_url(self):
        return reverse("canteen:weekmenu_detail", args=[self.pk])

    @property
    def week_end(self):
        return self.week_start + datetime.timedelta(days=6)

    def days(self, count):
        return [self.week_start + datetime.timedelta(days=n) for n in range(count)]

    @staticmethod
    def weekday(day):
        return f"周{WEEKDAYS[day.weekday()]}"


class MenuEntry(models.Model):
    """One dish of one meal of one day of a week's menu."""

    menu = models.ForeignKey(WeekMenu, models.CASCADE, related_name="entries", verbose_name="带量食谱")
    day = models.DateField("日期")
    meal = models.CharField("餐次", max_length=10, choices=MealKind.choices, default=MealKind.LUNCH)
    dish = models.ForeignKey(Dish, models.PROTECT, related_name="+", verbose_name="菜品")
    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = "食谱菜品"
        ordering = ["day", "meal", "dish__kind", "pk"]
        constraints = [models.UniqueConstraint(fields=["menu", "day", "meal", "dish"], name="menuentry_unique")]

    def __str__(self):
        return f"{self.day:%m-%d} {self.get_meal_display()} {self.dish}"


# --- 就餐人数与食堂账 -------------------------------------------------------------------------------


class DinerCount(SchoolOwned):
    """The diners of one meal: students (of whom entitled to the 营养改善补助) and staff."""

    date = models.DateField("日期", default=timezone.localdate)
    meal = models.CharField("餐次", max_length=10, choices=MealKind.choices, default=MealKind.LUNCH)
    students = models.PositiveIntegerField("学生就餐人数")
    entitled_students = models.PositiveIntegerField("其中营养改善计划受助学生", default=0)
    staff = models.PositiveIntegerField("教职工就餐人数", default=0)
    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = "就餐人数"
        ordering = ["-date", "meal"]
        constraints = [models.UniqueConstraint(fields=["school", "date", "meal"], name="dinercount_unique_meal")]

    def __str__(self):
        return f"{self.date:%Y-%m-%d} {self.get_meal_display()} 就餐 {self.total} 人"

    def get_absolute_url(self):
        return reverse("canteen:dinercount_detail", args=[self.pk])

    @property
    def total(self):
        return (self.students or 0) + (self.staff or 0)


class CanteenEntry(AppendOnlyModel, SchoolOwned):
    """One entry of the canteen's books: income (伙食费), a cost (人工, 燃料 …), or a movement of
    the 营养改善补助 fund (拨入, spent on the entitled students' food). Ingredients are not
    entered: they are the food issued from the canteen's stock. Entries are never changed or
    deleted (the database refuses it too); a correction is a new entry with the opposite amount."""

    date = models.DateField("日期", default=timezone.localdate)
    kind = models.CharField("项目", max_length=16, choices=EntryKind.choices)
    fund = models.CharField("账户", max_length=10, choices=Fund.choices, default=Fund.CANTEEN, editable=False)
    amount = models.DecimalField("金额(元)", **MONEY, help_text="冲销填负数并写明原因")
    note = models.CharField("摘要", max_length=200, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+",
                                    verbose_name="登记人", editable=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = "食堂收支"
        ordering = ["-date", "-pk"]
        indexes = [models.Index(fields=["school", "date"], name="canteenentry_school_date")]

    def __str__(self):
        return f"{self.date:%Y-%m-%d} {self.get_kind_display()} {self.amount}"

    def get_absolute_url(self):
        return reverse("canteen:canteenentry_detail", args=[self.pk])
