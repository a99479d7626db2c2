"""Models of the maintenance app (维修): work orders (报修单) with their event log and the parts
issued for them, preventive plans and their tasks, special equipment (特种设备) and its
maintenance and inspection records."""

import datetime
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from houqin.core.ledger import AppendOnlyModel, Trail
from houqin.core.models import EXPIRING_DAYS, Person, Room, School, SchoolOwned, SchoolSettings, expiry_limit
from houqin.core.money import MONEY

from .choices import (
    OPEN,
    Category,
    EquipmentKind,
    EventKind,
    RecordKind,
    Recurrence,
    Status,
    TargetKind,
    TaskStatus,
    Urgency,
)
from .targets import summary

HOURS = {"max_digits": 6, "decimal_places": 1}


class MaintenanceSettings(SchoolSettings):
    repair_verify_days = models.PositiveSmallIntegerField(
        "报修自动验收天数", default=3, help_text="维修完毕后报修人这么多天未验收，系统自动验收")
    repair_response_hours_urgent = models.PositiveSmallIntegerField("紧急报修响应时限(小时)", default=4)
    repair_response_hours_normal = models.PositiveSmallIntegerField("一般报修响应时限(小时)", default=48)
    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = "维修设置"


class WorkOrder(SchoolOwned):
    """A repair work order (报修单): reported by anyone, dispatched by the director to a worker
    or an outside contractor, finished, then verified by the reporter (报修人验收签字)."""

    number = models.CharField("报修单号", max_length=30, editable=False)
    category = models.CharField("类别", max_length=12, choices=Category.choices)
    description = models.TextField("故障描述", max_length=1000)
    urgency = models.CharField("紧急程度", max_length=8, choices=Urgency.choices, default=Urgency.NORMAL)
    room = models.ForeignKey(Room, models.PROTECT, null=True, blank=True, related_name="work_orders",
                             verbose_name="地点")
    place = models.CharField("地点说明", max_length=100, blank=True, help_text="没有对应房间时填写，如 操场东侧")
    asset = models.ForeignKey("assets.Asset", models.PROTECT, null=True, blank=True, related_name="work_orders",
                              verbose_name="资产")
    status = models.CharField("状态", max_length=12, choices=Status.choices, default=Status.SUBMITTED)
    reporter = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name="报修人")
    reported_at = models.DateTimeField("报修时间", default=timezone.now)
    worker = models.ForeignKey(Person, models.PROTECT, null=True, blank=True, related_name="work_orders",
                               verbose_name="维修人")
    contractor = models.CharField("外包单位", max_length=100, blank=True)
    assigned_at = models.DateTimeField("派单时间", null=True, blank=True)
    started_at = models.DateTimeField("开始时间", null=True, blank=True)
    done_at = models.DateTimeField("完工时间", null=True, blank=True)
    work_done = models.TextField("维修情况", blank=True)
    labour_hours = models.DecimalField("用工(小时)", **HOURS, default=Decimal("0.0"),
                                       validators=[MinValueValidator(Decimal("0"))])
    outsourced_cost = models.DecimalField("外包费用(元)", **MONEY, default=Decimal("0.00"),
                                          validators=[MinValueValidator(Decimal("0"))])
    invoice_number = models.CharField("发票号", max_length=50, blank=True)
    parts_cost = models.DecimalField("材料费(元)", **MONEY, default=Decimal("0.00"), editable=False)
    verified_at = models.DateTimeField("验收时间", null=True, blank=True)
    verified_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True,
                                    related_name="+", verbose_name="验收人")
    auto_verified = models.BooleanField("系统自动验收", default=False)
    rating = models.PositiveSmallIntegerField("评分", null=True, blank=True, editable=False,
                                              validators=[MinValueValidator(1), MaxValueValidator(5)],
                                              help_text="报修人验收时的评分，1–5 分")
    rating_comment = models.CharField("评价", max_length=200, blank=True, editable=False)
    reopen_count = models.PositiveSmallIntegerField("返修次数", default=0)
    cancel_reason = models.CharField("取消原因", max_length=200, blank=True)
    task = models.ForeignKey("PreventiveTask", models.SET_NULL, null=True, blank=True, related_name="work_orders",
                             verbose_name="来自巡检任务")
    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = "报修单"
        ordering = ["-reported_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["school", "number"], name="workorder_unique_number"),
            models.CheckConstraint(name="workorder_cost_not_negative",
                                   condition=Q(outsourced_cost__gte=0) & Q(labour_hours__gte=0)),
            models.CheckConstraint(name="workorder_rating_1_to_5",
                                   condition=Q(rating__isnull=True) | Q(rating__gte=1, rating__lte=5)),
        ]
        indexes = [
            # The list's default order (newest report first) within a school, plain and by status.
            models.Index(fields=["school", "-reported_at", "-id"], name="workorder_school_newest"),
            models.Index(fields=["school", "status", "-reported_at", "-id"], name="workorder_status_newest"),
        ]

    def __str__(self):
        return f"{self.number} {self.get_category_display()}"

    def get_absolute_url(self):
        return reverse("maintenance:workorder_detail", args=[self.pk])

    @property
    def status_badge(self):
        return Status(self.status).badge

    @property
    def where(self):
        return str(self.room) if self.room_id else (self.place or "—")

    @property
    def assignee(self):
        return self.worker.name if self.worker_id else (self.contractor or "—")

    @property
    def is_open(self):
        return self.status in OPEN

    def response_hours(self):
        limits = MaintenanceSettings.of(self.school)
        return (limits.repair_response_hours_urgent if self.urgency == Urgency.URGENT
                else limits.repair_response_hours_normal)

    def due_at(self):
        return self.reported_at + datetime.timedelta(hours=self.response_hours())

    def overdue(self, now=None):
        """Open and past the school's response time (紧急 / 一般 报修响应时限)."""
        return self.status in OPEN and (now or timezone.now()) > self.due_at()

    def age_days(self, now=None):
        return ((now or timezone.now()) - self.reported_at).days

    @property
    def total_cost(self):
        return self.outsourced_cost + self.parts_cost


class WorkOrderEvent(Trail):
    """What happened to a work order, who did it and when; append-only."""

    RECORD = "work_order"
    work_order = models.ForeignKey(WorkOrder, models.PROTECT, related_name="events", verbose_name="报修单")
    kind = models.CharField("事项", max_length=12, choices=EventKind.choices)
    status = models.CharField("办理后状态", max_length=12, choices=Status.choices)

    class Meta(Trail.Meta):
        verbose_name = verbose_name_plural = "报修单记录"


class WorkOrderPart(SchoolOwned):
    """Material issued from the stock for a work order; written in the same transaction as
    the stock movement, whose moving-average amount gives the cost."""

    work_order = models.ForeignKey(WorkOrder, models.PROTECT, related_name="parts", verbose_name="报修单")
    warehouse = models.ForeignKey("stock.Warehouse", models.PROTECT, related_name="+", verbose_name="仓库")
    item = models.ForeignKey("stock.Item", models.PROTECT, related_name="+", verbose_name="物品")
    quantity = models.DecimalField("数量", max_digits=12, decimal_places=2,
                                   validators=[MinValueValidator(Decimal("0.01"))])
    movement = models.ForeignKey("stock.Movement", models.PROTECT, related_name="+", verbose_name="出库流水")
    cost = models.DecimalField("金额(元)", **MONEY)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name="领用人")
    at = models.DateTimeField("时间", auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = "维修用料"
        ordering = ["at", "pk"]

    def __str__(self):
        return f"{self.item} ×{self.quantity}"


# --- special equipment -------------------------------------------------------------


class SpecialEquipment(SchoolOwned):
    """特种设备: elevators, boilers, pressure vessels, with their registration, use certificate,
    maintenance contractor and interval, annual inspection and licensed operators."""

    kind = models.CharField("类型", max_length=16, choices=EquipmentKind.choices, default=EquipmentKind.ELEVATOR)
    name = models.CharField("名称", max_length=100)
    room = models.ForeignKey(Room, models.PROTECT, null=True, blank=True, related_name="+", verbose_name="位置")
    registration_number = models.CharField("注册代码", max_length=50, blank=True)
    use_certificate_number = models.CharField("使用登记证号", max_length=50, blank=True)
    contractor = models.CharField("维保单位", max_length=100, blank=True)
    contractor_phone = models.CharField("维保电话", max_length=30, blank=True)
    maintenance_interval_days = models.PositiveSmallIntegerField(
        "维保周期(天)", default=15, validators=[MinValueValidator(1)], help_text="电梯每15天至少维保一次")
    last_maintained_on = models.DateField("上次维保", null=True, blank=True)
    inspection_due_on = models.DateField("年检到期", null=True, blank=True)
    operators = models.ManyToManyField(Person, blank=True, related_name="special_equipment",
                                       verbose_name="作业人员")
    active = models.BooleanField("在用", default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = "特种设备"
        ordering = ["kind", "name"]
        constraints = [models.UniqueConstraint(fields=["school", "name"], name="equipment_unique_name")]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("maintenance:specialequipment_detail", args=[self.pk])

    def maintenance_due_on(self):
        if self.last_maintained_on is None:
            return None
        return self.last_maintained_on + datetime.timedelta(days=self.maintenance_interval_days)

    def maintenance_overdue(self, today=None):
        today = today or timezone.localdate()
        due = self.maintenance_due_on()
        return self.active and (due is None or due < today)

    def inspection_due_soon(self, today=None, within_days=EXPIRING_DAYS):
        return self.active and self.inspection_due_on is not None and \
            self.inspection_due_on <= expiry_limit(today, within_days)


class MaintenanceRecord(AppendOnlyModel):
    """One maintenance (维保) or annual inspection (年检) of a piece of special equipment."""

    school = models.ForeignKey(School, models.PROTECT, related_name="+", verbose_name="学校")
    equipment = models.ForeignKey(SpecialEquipment, models.PROTECT, related_name="records", verbose_name="设备")
    kind = models.CharField("类型", max_length=12, choices=RecordKind.choices, default=RecordKind.MAINTENANCE)
    done_on = models.DateField("日期")
    contractor = models.CharField("实施单位", max_length=100, blank=True)
    next_inspection_on = models.DateField("下次年检", null=True, blank=True)
    note = models.CharField("情况", max_length=300, blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name="登记人")
    at = models.DateTimeField("登记时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "特种设备维保记录"
        ordering = ["-done_on", "-pk"]

    def __str__(self):
        return f"{self.equipment} {self.get_kind_display()} {self.done_on}"


# --- preventive maintenance ---------------------------------------------------------


class PreventivePlan(SchoolOwned):
    """A routine check (每周一检查大型玩具 …) with its recurrence, target and checklist."""

    name = models.CharField("计划名称", max_length=100)
    recurrence = models.CharField("周期", max_length=16, choices=Recurrence.choices, default=Recurrence.WEEKLY)
    weekday = models.PositiveSmallIntegerField("星期", default=0, choices=[
        (0, "星期一"), (1, "星期二"), (2, "星期三"), (3, "星期四"), (4, "星期五"), (5, "星期六"), (6, "星期日")],
        help_text="每周计划在这一天检查")
    day_of_month = models.PositiveSmallIntegerField("每月几号", default=1, help_text="每月计划在这一天检查（1–28）",
                                                    validators=[MinValueValidator(1)])
    summer_month = models.PositiveSmallIntegerField("夏季开始月份", default=5,
                                                    help_text="进入夏季前的计划在该月前一个月初检查")
    target_kind = models.CharField("检查对象", max_length=16, choices=TargetKind.choices, default=TargetKind.ROOMS)
    rooms = models.ManyToManyField(Room, blank=True, related_name="+", verbose_name="房间")
    asset_category = models.ForeignKey("assets.Category", models.PROTECT, null=True, blank=True, related_name="+",
                                       verbose_name="资产类别")
    equipment = models.ForeignKey(SpecialEquipment, models.PROTECT, null=True, blank=True, related_name="plans",
                                  verbose_name="特种设备")
    checklist = models.TextField("检查项目", help_text="每行一项")
    assignee = models.ForeignKey(Person, models.SET_NULL, null=True, blank=True, related_name="+",
                                 verbose_name="负责人")
    on_holidays = models.BooleanField("节假日照常", default=False, help_text="勾选后法定节假日也生成任务")
    in_vacations = models.BooleanField("寒暑假照常", default=False, help_text="勾选后寒暑假期间也生成任务")
    active = models.BooleanField("启用", default=True)
    starts_on = models.DateField("开始日期", default=datetime.date(2025, 1, 1))
    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = "预防性维护计划"
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["school", "name"], name="plan_unique_name")]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("maintenance:preventiveplan_detail", args=[self.pk])

    def items(self):
        return [line.strip() for line in self.checklist.splitlines() if line.strip()]

    @property
    def target(self):
        if self.target_kind == TargetKind.EQUIPMENT:
            return str(self.equipment or "—")
        if self.target_kind == TargetKind.ASSET_CATEGORY:
            return str(self.asset_category or "—")
        return "房间"


class PreventiveTask(SchoolOwned):
    """One due check of a plan; made by `houqin tick` once per plan and date."""

    plan = models.ForeignKey(PreventivePlan, models.PROTECT, related_name="tasks", verbose_name="计划")
    due_on = models.DateField("检查日期")
    status = models.CharField("状态", max_length=8, choices=TaskStatus.choices, default=TaskStatus.OPEN)
    results = models.JSONField("检查结果", default=list, blank=True,
                               help_text='每个检查对象的每个项目一条：[{"target": "asset:12", "label": "…", '
                                         '"item": "…", "ok": true, "note": ""}]')
    done_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True,
                                related_name="+", verbose_name="检查人")
    done_at = models.DateTimeField("检查时间", null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = "巡检任务"
        ordering = ["-due_on", "plan__name"]
        constraints = [models.UniqueConstraint(fields=["plan", "due_on"], name="task_once_per_plan_and_day")]
        indexes = [models.Index(fields=["school", "status", "due_on"], name="task_school_status_due")]

    def __str__(self):
        return f"{self.plan.name} {self.due_on:%Y-%m-%d}"

    def get_absolute_url(self):
        return reverse("maintenance:preventivetask_detail", args=[self.pk])

    @property
    def status_badge(self):
        return TaskStatus(self.status).badge

    def summary(self):
        """“4 项目 × 60 对象，2 处问题” once checked."""

        return summary(self.results) or "—"

    summary.short_description = "检查结果"
