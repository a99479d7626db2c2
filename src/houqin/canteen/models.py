"""Models of the canteen app (食堂): the canteen team drawn from the staff register, the
morning checks (晨检), the meals served and their retained samples (留样), tableware
disinfection (餐具消毒), the kitchen's daily checks and the accompanied meals (陪餐).

Every record is kept: none is deleted from the pages or the API, and each keeps its history."""

import datetime
from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from houqin.core.models import Person, SchoolOwned, SchoolSettings

from .choices import CheckKind, Companion, DisinfectionMethod, MealKind, Rating

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
    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = "食堂设置"

    def meals(self):
        """The meals the canteen serves, in the day's order."""
        served = {MealKind.BREAKFAST: self.serves_breakfast, MealKind.LUNCH: self.serves_lunch,
                  MealKind.DINNER: self.serves_dinner}
        return [kind for kind, on in served.items() if on]

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
