"""Models of the safety app (安全): the hazard ledger (隐患台帐) with its append-only trail, the
gate log (门卫登记) and the school's safety settings."""

import datetime

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from houqin.core.ledger import Trail
from houqin.core.models import Person, Room, SchoolOwned, SchoolSettings

from .choices import (
    OPEN,
    Agent,
    Area,
    CheckKind,
    CheckStatus,
    DrillKind,
    EntryKind,
    EntryStatus,
    EquipmentKind,
    Frequency,
    HazardEventKind,
    HazardStatus,
    Level,
    Measure,
    PatrolStatus,
    Source,
)


class SafetySettings(SchoolSettings):
    """The rectification deadline (整改期限) a hazard gets by level; the school's rule [L]."""

    deadline_days_general = models.PositiveSmallIntegerField("一般隐患整改期限(天)", default=7)
    deadline_days_larger = models.PositiveSmallIntegerField("较大隐患整改期限(天)", default=3)
    deadline_days_major = models.PositiveSmallIntegerField("重大隐患整改期限(天)", default=1)
    key_rounds_per_day = models.PositiveSmallIntegerField(
        "重点部位每日巡查次数", default=5, validators=[MinValueValidator(5), MaxValueValidator(24)],
        help_text="重点部位巡查每日不少于5次（domain-rules §6，S2）；巡查路线未填次数时按此生成")
    term_checks = models.PositiveSmallIntegerField(
        "每学期安全检查次数", default=2, validators=[MinValueValidator(1), MaxValueValidator(12)],
        help_text="每学期至少2次安全检查（domain-rules §6，宁波 [L]）；“每学期”路线在学期内均匀生成")
    fire_checks_per_month = models.PositiveSmallIntegerField(
        "消防器材每月检查次数（一般场所）", default=1, validators=[MinValueValidator(1), MaxValueValidator(4)],
        help_text="灭火器一般场所每月检查1次（domain-rules §5，GB 50444 5.2.1）")
    fire_checks_per_month_dense = models.PositiveSmallIntegerField(
        "消防器材每月检查次数（人员密集场所、锅炉房、地下室）", default=2,
        validators=[MinValueValidator(2), MaxValueValidator(4)],
        help_text="人员密集场所、锅炉房、地下室等每半月检查1次（domain-rules §5，GB 50444 5.2.2）")
    evacuation_drills_per_month = models.PositiveSmallIntegerField(
        "每月应急疏散演练次数", default=1, validators=[MinValueValidator(1), MaxValueValidator(4)],
        help_text="中小学每月至少1次应急疏散演练（domain-rules §5，X4）")
    fire_drills_per_term = models.PositiveSmallIntegerField(
        "每学期灭火演练次数", default=1, validators=[MinValueValidator(1), MaxValueValidator(6)],
        help_text="消防安全重点单位至少每半年1次灭火和应急疏散演练（domain-rules §5，X2 第40条）")
    evacuation_seconds = models.PositiveSmallIntegerField(
        "疏散时间要求(秒)", default=120, validators=[MinValueValidator(30), MaxValueValidator(600)],
        help_text="4层以下学校原则上2分钟内疏散完毕（domain-rules §5，X4）")
    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = "安全设置"

    def deadline_days(self, level):
        return {Level.GENERAL: self.deadline_days_general, Level.LARGER: self.deadline_days_larger,
                Level.MAJOR: self.deadline_days_major}[level]


class Hazard(SchoolOwned):
    """A hazard (安全隐患): reported by anyone, assigned by the director to a person with a
    deadline, rectified, and closed (闭环销号) only after a re-check by someone who neither
    assigned nor rectified it; a failed re-check sends it back to rectification."""

    level = models.CharField("隐患等级", max_length=8, choices=Level.choices, default=Level.GENERAL)
    source = models.CharField("来源", max_length=12, choices=Source.choices, default=Source.REPORT)
    room = models.ForeignKey(Room, models.PROTECT, null=True, blank=True, related_name="+", verbose_name="地点")
    place = models.CharField("地点说明", max_length=100, blank=True, help_text="没有对应房间时填写，如 操场东侧围墙")
    description = models.TextField("隐患描述", max_length=1000)
    measure = models.CharField("已采取措施", max_length=12, choices=Measure.choices, default=Measure.NONE,
                               help_text="发现后立即采取的措施")
    status = models.CharField("状态", max_length=12, choices=HazardStatus.choices, default=HazardStatus.REPORTED,
                              editable=False)
    reported_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+",
                                    verbose_name="报告人", editable=False)
    reported_at = models.DateTimeField("发现时间", default=timezone.now, editable=False)
    assigned_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True,
                                    related_name="+", verbose_name="指派人", editable=False)
    assignee = models.ForeignKey(Person, models.PROTECT, null=True, blank=True, related_name="+",
                                 verbose_name="整改责任人", editable=False)
    deadline = models.DateField("整改期限", null=True, blank=True, editable=False)
    work_order = models.ForeignKey("maintenance.WorkOrder", models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name="报修单", editable=False)
    rectification = models.TextField("整改情况", blank=True, editable=False)
    rectified_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True,
                                     related_name="+", verbose_name="整改登记人", editable=False)
    rectified_at = models.DateTimeField("整改完成时间", null=True, blank=True, editable=False)
    checked_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name="复查人", editable=False)
    checked_at = models.DateTimeField("复查时间", null=True, blank=True, editable=False)
    check_note = models.CharField("复查意见", max_length=300, blank=True, editable=False)
    reopen_count = models.PositiveSmallIntegerField("复查不合格次数", default=0, editable=False)
    escalated_at = models.DateTimeField("逾期上报时间", null=True, blank=True, editable=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = "安全隐患"
        ordering = ["-reported_at", "-pk"]
        indexes = [models.Index(fields=["school", "status"], name="hazard_school_status")]

    def __str__(self):
        return f"{self.number} {self.where}"

    def get_absolute_url(self):
        return reverse("safety:hazard_detail", args=[self.pk])

    @property
    def number(self):
        """YH-20261207-0042: the day found and the row's id (no counter to race for)."""
        return f"YH-{timezone.localtime(self.reported_at):%Y%m%d}-{self.pk or 0:04d}"

    @property
    def where(self):
        return str(self.room) if self.room_id else (self.place or "—")

    @property
    def status_badge(self):
        return HazardStatus(self.status).badge

    @property
    def is_open(self):
        return self.status in OPEN

    def overdue(self, today=None):
        """Assigned, not yet rectified, and past its deadline."""
        today = today or timezone.localdate()
        return self.status == HazardStatus.ASSIGNED and self.deadline is not None and self.deadline < today

    def default_deadline(self, today=None):
        days = SafetySettings.of(self.school).deadline_days(self.level)
        return (today or timezone.localdate()) + datetime.timedelta(days=days)


def overdue_q(today):
    return Q(status=HazardStatus.ASSIGNED, deadline__lt=today)


class HazardEvent(Trail):
    """The trail of a hazard (who reported, assigned, rectified, re-checked, when); append-only."""

    RECORD = "hazard"
    hazard = models.ForeignKey(Hazard, models.PROTECT, related_name="events", verbose_name="隐患")
    kind = models.CharField("事项", max_length=12, choices=HazardEventKind.choices)
    status = models.CharField("办理后状态", max_length=12, choices=HazardStatus.choices)

    class Meta(Trail.Meta):
        verbose_name = verbose_name_plural = "隐患办理记录"


class GateEntry(SchoolOwned):
    """门卫登记: a visitor or a vehicle let in (or refused) and let out.

    The identity number is never stored whole: only its last four characters (shown as
    ****1234) and a keyed digest, which recognises a returning visitor who shows the same
    card without the school holding the number (a leaked table gives no ID numbers)."""

    kind = models.CharField("类别", max_length=8, choices=EntryKind.choices, default=EntryKind.VISITOR)
    name = models.CharField("姓名", max_length=50, blank=True, help_text="来访人员或驾驶人")
    id_last4 = models.CharField("证件号后四位", max_length=4, blank=True, editable=False)
    id_digest = models.CharField("证件号摘要", max_length=64, blank=True, editable=False, db_index=True)
    phone = models.CharField("电话", max_length=20, blank=True)
    plate = models.CharField("车牌号", max_length=12, blank=True)
    people = models.PositiveSmallIntegerField("人数", default=1)
    reason = models.CharField("事由", max_length=200, blank=True)
    host = models.CharField("被访人/部门", max_length=50, blank=True)
    status = models.CharField("状态", max_length=12, choices=EntryStatus.choices, default=EntryStatus.ON_CAMPUS,
                              editable=False)
    refusal_reason = models.CharField("拒绝原因", max_length=200, blank=True, editable=False)
    entered_at = models.DateTimeField("进校时间", default=timezone.now, editable=False)
    left_at = models.DateTimeField("离校时间", null=True, blank=True, editable=False)
    logged_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+",
                                  verbose_name="登记人", editable=False)
    left_logged_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True,
                                       related_name="+", verbose_name="离校登记人", editable=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = "门卫登记"
        ordering = ["-entered_at", "-pk"]
        indexes = [
            models.Index(fields=["school", "status"], name="gateentry_school_status"),
            models.Index(fields=["school", "plate"], name="gateentry_school_plate"),
        ]

    def __str__(self):
        who = " ".join(filter(None, [self.name, self.plate])) or "—"
        return f"{self.get_kind_display()} {who}"

    def get_absolute_url(self):
        return reverse("safety:gateentry_detail", args=[self.pk])

    @property
    def id_masked(self):
        """The only form in which the identity number is ever shown."""
        return f"****{self.id_last4}" if self.id_last4 else ""

    @property
    def status_badge(self):
        return EntryStatus(self.status).badge

    @property
    def on_campus(self):
        return self.status == EntryStatus.ON_CAMPUS


# --- patrols (巡查) ---------------------------------------------------------------------------


class CheckItem(SchoolOwned):
    """One item of the patrol checklist (检查项目) of an area: 应急照明正常, 燃气阀门关闭 …"""

    area = models.CharField("区域", max_length=12, choices=Area.choices)
    kind = models.CharField("检查类别", max_length=12, choices=CheckKind.choices)
    text = models.CharField("检查内容", max_length=100)
    basis = models.CharField("依据", max_length=100, blank=True, help_text="如 消防 X1 第17条")
    order = models.PositiveSmallIntegerField("排序", default=0)
    active = models.BooleanField("启用", default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = "巡查检查项目"
        ordering = ["area", "order", "pk"]
        constraints = [models.UniqueConstraint(fields=["school", "area", "text"], name="checkitem_unique_text")]

    def __str__(self):
        return f"{self.get_area_display()}：{self.text}"

    def get_absolute_url(self):
        return reverse("safety:checkitem_detail", args=[self.pk])


class PatrolRoute(SchoolOwned):
    """A patrol route (巡查路线) with its check items and its frequency on the school calendar."""

    name = models.CharField("路线名称", max_length=100)
    frequency = models.CharField("频次", max_length=12, choices=Frequency.choices, default=Frequency.DAILY)
    rounds = models.PositiveSmallIntegerField(
        "每日次数", null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(24)],
        help_text="重点部位每日巡查次数；空着按学校设置（不少于5次）")
    weekday = models.PositiveSmallIntegerField("星期", default=0, choices=[
        (0, "星期一"), (1, "星期二"), (2, "星期三"), (3, "星期四"), (4, "星期五"), (5, "星期六"), (6, "星期日")],
        help_text="每周巡查的那一天")
    items = models.ManyToManyField(CheckItem, related_name="routes", verbose_name="检查项目")
    patroller = models.ForeignKey(Person, models.SET_NULL, null=True, blank=True, related_name="+",
                                  verbose_name="巡查人")
    on_holidays = models.BooleanField("节假日、周末照常", default=False)
    in_vacations = models.BooleanField("寒暑假照常", default=False)
    starts_on = models.DateField("开始日期", default=datetime.date(2025, 1, 1))
    active = models.BooleanField("启用", default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = "巡查路线"
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["school", "name"], name="patrolroute_unique_name")]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("safety:patrolroute_detail", args=[self.pk])


class Patrol(SchoolOwned):
    """One due patrol of a route (a day, and the round of the day for 重点部位); made by
    `houqin tick` once, walked on a phone, marked 漏巡 when its day passed unwalked."""

    route = models.ForeignKey(PatrolRoute, models.PROTECT, related_name="patrols", verbose_name="路线")
    due_on = models.DateField("巡查日期")
    round = models.PositiveSmallIntegerField("当日第几次", default=1)
    status = models.CharField("状态", max_length=8, choices=PatrolStatus.choices, default=PatrolStatus.OPEN,
                              editable=False)
    done_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+",
                                verbose_name="巡查人", editable=False)
    done_at = models.DateTimeField("巡查时间", null=True, blank=True, editable=False)
    problems = models.PositiveSmallIntegerField("发现问题", default=0, editable=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = "巡查记录"
        ordering = ["-due_on", "route__name", "round"]
        constraints = [models.UniqueConstraint(fields=["route", "due_on", "round"], name="patrol_once_per_round")]
        indexes = [models.Index(fields=["school", "status", "due_on"], name="patrol_school_status_due")]

    def __str__(self):
        suffix = f" 第{self.round}次" if self.round > 1 or self.route.frequency == Frequency.KEY else ""
        return f"{self.route.name} {self.due_on:%Y-%m-%d}{suffix}"

    def get_absolute_url(self):
        return reverse("safety:patrol_detail", args=[self.pk])

    @property
    def status_badge(self):
        return PatrolStatus(self.status).badge


class PatrolResult(SchoolOwned):
    """One item of a walked patrol: OK, or a problem with its note (and the hazard it opened)."""

    patrol = models.ForeignKey(Patrol, models.PROTECT, related_name="results", verbose_name="巡查")
    item = models.ForeignKey(CheckItem, models.PROTECT, related_name="+", verbose_name="检查项目")
    area = models.CharField("区域", max_length=12, choices=Area.choices)
    kind = models.CharField("检查类别", max_length=12, choices=CheckKind.choices)
    text = models.CharField("检查内容", max_length=100)
    ok = models.BooleanField("正常", default=True)
    note = models.CharField("情况", max_length=300, blank=True)
    hazard = models.ForeignKey(Hazard, models.PROTECT, null=True, blank=True, related_name="+",
                               verbose_name="隐患")

    class Meta:
        verbose_name = verbose_name_plural = "巡查检查结果"
        ordering = ["patrol", "pk"]
        constraints = [models.UniqueConstraint(fields=["patrol", "item"], name="patrolresult_once_per_item")]

    def __str__(self):
        return f"{self.text}：{'正常' if self.ok else '有问题'}"


# --- fire equipment (消防器材) ----------------------------------------------------------------

# §5 X3 (GB 50444 5.3.2, 表5.4.3; GA 95): an extinguisher's first 送修 so many years after it was
# made, then every so many years, and its 报废 so many years after it was made.
AGENT_YEARS = {
    Agent.WATER: (3, 1, 6),
    Agent.POWDER: (5, 2, 10),
    Agent.CLEAN: (5, 2, 10),
    Agent.CO2: (5, 2, 12),
}


def add_years(day, years):
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


class FireEquipment(SchoolOwned):
    """消防器材: an extinguisher, hydrant, alarm, emergency light or sign at its place, with its
    dates. An extinguisher's 送修 and 报废 dates follow from its agent and dates (§5)."""

    code = models.CharField("编号", max_length=30, help_text="器材标签上的编号，如 MHQ-1F-01")
    kind = models.CharField("类别", max_length=12, choices=EquipmentKind.choices, default=EquipmentKind.EXTINGUISHER)
    agent = models.CharField("灭火剂", max_length=8, choices=Agent.choices, blank=True,
                             help_text="灭火器填写；决定送修和报废年限")
    spec = models.CharField("型号规格", max_length=50, blank=True, help_text="如 MFZ/ABC4")
    room = models.ForeignKey(Room, models.PROTECT, null=True, blank=True, related_name="+", verbose_name="位置")
    place = models.CharField("位置说明", max_length=100, blank=True, help_text="如 教学楼二楼东侧楼梯口")
    dense_place = models.BooleanField("人员密集场所、锅炉房或地下室", default=False,
                                      help_text="勾选后每半月检查（按学校设置）")
    made_on = models.DateField("出厂日期", null=True, blank=True)
    installed_on = models.DateField("启用日期", null=True, blank=True)
    last_serviced_on = models.DateField("上次送修日期", null=True, blank=True, help_text="送修（维修、再充装）后填写")
    service_due_on = models.DateField("送修到期", null=True, blank=True, editable=False)
    scrap_due_on = models.DateField("报废到期", null=True, blank=True, editable=False)
    active = models.BooleanField("在用", default=True, help_text="报废或撤除后取消")
    note = models.CharField("备注", max_length=200, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = "消防器材"
        ordering = ["kind", "code"]
        constraints = [models.UniqueConstraint(fields=["school", "code"], name="fireequipment_unique_code")]
        indexes = [models.Index(fields=["school", "active", "service_due_on"], name="fire_school_service_due"),
                   models.Index(fields=["school", "active", "scrap_due_on"], name="fire_school_scrap_due")]

    def __str__(self):
        return f"{self.get_kind_display()} {self.code}"

    def get_absolute_url(self):
        return reverse("safety:fireequipment_detail", args=[self.pk])

    @property
    def where(self):
        return " ".join(filter(None, [str(self.room) if self.room_id else "", self.place])) or "—"

    def dues(self):
        """(送修到期, 报废到期) by §5 X3; None for what is not an extinguisher or has no date made."""
        years = AGENT_YEARS.get(self.agent) if self.kind == EquipmentKind.EXTINGUISHER else None
        if years is None or self.made_on is None:
            return None, None
        first, then, scrap = years
        if self.last_serviced_on is not None:  # after a 送修: every `then` years from it
            service = add_years(self.last_serviced_on, then)
        else:
            service = add_years(self.made_on, first)
        return service, add_years(self.made_on, scrap)

    def save(self, *args, **kwargs):
        self.service_due_on, self.scrap_due_on = self.dues()
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "service_due_on", "scrap_due_on"}
        super().save(*args, **kwargs)

    def red(self, today=None):
        """What is due now: 送修 or 报废 on or before today."""
        today = today or timezone.localdate()
        found = []
        if self.active and self.scrap_due_on and self.scrap_due_on <= today:
            found.append("到期报废")
        elif self.active and self.service_due_on and self.service_due_on <= today:
            found.append("到期送修")
        return found


def fire_red_q(today):
    return Q(active=True) & (Q(service_due_on__lte=today) | Q(scrap_due_on__lte=today))


class FireCheck(SchoolOwned):
    """The monthly (half-monthly in dense places) check of one piece of equipment; made by
    `houqin tick` once per period, done on a phone, 漏检 when its period ended undone."""

    equipment = models.ForeignKey(FireEquipment, models.PROTECT, related_name="checks", verbose_name="器材")
    period_start = models.DateField("检查周期起")
    due_by = models.DateField("应检查截止")
    status = models.CharField("状态", max_length=8, choices=CheckStatus.choices, default=CheckStatus.OPEN,
                              editable=False)
    note = models.CharField("检查情况", max_length=300, blank=True, editable=False)
    done_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+",
                                verbose_name="检查人", editable=False)
    done_at = models.DateTimeField("检查时间", null=True, blank=True, editable=False)
    hazard = models.ForeignKey(Hazard, models.PROTECT, null=True, blank=True, related_name="+",
                               verbose_name="隐患", editable=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = "消防器材检查"
        ordering = ["-period_start", "equipment__code"]
        constraints = [models.UniqueConstraint(fields=["equipment", "period_start"], name="firecheck_once_per_period")]
        indexes = [models.Index(fields=["school", "status", "due_by"], name="firecheck_school_status_due")]

    def __str__(self):
        return f"{self.equipment} {self.period_start:%Y-%m-%d}起检查"

    def get_absolute_url(self):
        return reverse("safety:firecheck_detail", args=[self.pk])

    @property
    def status_badge(self):
        return CheckStatus(self.status).badge


# --- drills and training (演练与培训) ----------------------------------------------------------


class Drill(SchoolOwned):
    """A drill (演练) planned or held: kind, day, participants, evacuation time, evaluation;
    the photos are its attachments. A drill whose day is to come is the term's plan."""

    kind = models.CharField("类别", max_length=12, choices=DrillKind.choices, default=DrillKind.EVACUATION)
    title = models.CharField("名称", max_length=100, help_text="如 九月消防应急疏散演练")
    held_on = models.DateField("日期")
    organiser = models.ForeignKey(Person, models.SET_NULL, null=True, blank=True, related_name="+",
                                  verbose_name="组织人")
    participants = models.PositiveIntegerField("参加人数", default=0)
    scope = models.CharField("参加范围", max_length=200, blank=True, help_text="如 全校师生、一至三年级")
    evacuation_seconds = models.PositiveIntegerField("疏散用时(秒)", null=True, blank=True)
    evaluation = models.TextField("评估总结", max_length=2000, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = "安全演练"
        ordering = ["-held_on", "-pk"]
        indexes = [models.Index(fields=["school", "kind", "held_on"], name="drill_school_kind_day")]

    def __str__(self):
        return f"{self.held_on:%Y-%m-%d} {self.title}"

    def get_absolute_url(self):
        return reverse("safety:drill_detail", args=[self.pk])

    @property
    def planned(self):
        return self.held_on > timezone.localdate()

    @property
    def state(self):
        return "计划" if self.planned else "已开展"


class Training(SchoolOwned):
    """A safety training session (安全培训) with the people who attended."""

    title = models.CharField("培训内容", max_length=100)
    held_on = models.DateField("日期")
    trainer = models.CharField("主讲人", max_length=50, blank=True)
    hours = models.DecimalField("学时", max_digits=4, decimal_places=1, default=1,
                                validators=[MinValueValidator(0)])
    attendees = models.ManyToManyField(Person, blank=True, related_name="+", verbose_name="参加人员")
    note = models.CharField("备注", max_length=300, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = "安全培训"
        ordering = ["-held_on", "-pk"]

    def __str__(self):
        return f"{self.held_on:%Y-%m-%d} {self.title}"

    def get_absolute_url(self):
        return reverse("safety:training_detail", args=[self.pk])
