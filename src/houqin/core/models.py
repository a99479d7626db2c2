"""Core models: tenancy (district, school), users and memberships, places, people,
certificates, approvals, attachments and notifications."""

import datetime
import uuid
from decimal import Decimal

from django.contrib.auth.models import AbstractUser
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from simple_history.models import HistoricalRecords

from .choices import (
    ApprovalStatus,
    AttachmentKind,
    CertificateKind,
    Decision,
    Employment,
    Gender,
    Role,
    RoomKind,
    WebhookKind,
)
from .ledger import AppendOnlyModel
from .money import MONEY
from .webhooks import check_url as check_webhook_url


class District(models.Model):
    code = models.SlugField("代码", max_length=32, unique=True)
    name = models.CharField("名称", max_length=100)
    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = "教育局辖区"
        ordering = ["code"]

    def __str__(self):
        return self.name


class School(models.Model):
    district = models.ForeignKey(District, models.PROTECT, related_name="schools", verbose_name="辖区")
    code = models.SlugField("学校代码", max_length=32, unique=True, help_text="用于资产编号和登录名，如 esyx")
    name = models.CharField("校名", max_length=100)
    address = models.CharField("地址", max_length=200, blank=True)
    pupils = models.PositiveIntegerField("在校学生数", default=0)
    boarding = models.BooleanField("寄宿制", default=False)
    principal_threshold = models.DecimalField(
        "校长审批起点(元)", **MONEY, default=Decimal("1000.00"), validators=[MinValueValidator(0)],
        help_text="金额达到此数需校长审批（种子：1000元以上报上级审核）",
    )
    district_threshold = models.DecimalField(
        "报勤办审批起点(元)", **MONEY, default=Decimal("50000.00"), validators=[MinValueValidator(0)],
        help_text="金额超过此数需区教育局勤办审批",
    )
    capitalisation_threshold = models.DecimalField(
        "固定资产起点(元)", **MONEY, default=Decimal("1000.00"), validators=[MinValueValidator(0)]
    )
    require_two_factor = models.BooleanField("校长、主任、会计须两步验证", default=False)
    staff_contacts_open = models.BooleanField(
        "教职工电话和证件号全校可见", default=False,
        help_text="关闭时只有校长、总务主任、会计和仓管员（及勤办）能看到教职工的电话和证件号，其他人只看到姓名和岗位")
    webhook_kind = models.CharField("群机器人", max_length=16, choices=WebhookKind.choices, blank=True)
    webhook_url = models.URLField("群机器人地址", blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = "学校"
        ordering = ["district", "code"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("core:school_detail", args=[self.pk])

    def clean(self):
        super().clean()
        if self.webhook_url:
            check_webhook_url(self.webhook_url)  # no robot inside the network (SSRF)


class User(AbstractUser):
    """A person who logs in. Which schools and roles he has is in Membership."""

    display_name = models.CharField("姓名", max_length=50, blank=True)
    phone = models.CharField("手机", max_length=20, blank=True)
    history = HistoricalRecords(excluded_fields=["password", "last_login"])

    class Meta:
        verbose_name = verbose_name_plural = "用户"

    def __str__(self):
        return self.display_name or self.username


class Membership(models.Model):
    """A user's role at one school, or (district officer) over one district."""

    user = models.ForeignKey(User, models.CASCADE, related_name="memberships", verbose_name="用户")
    role = models.CharField("角色", max_length=20, choices=Role.choices)
    school = models.ForeignKey(
        School, models.CASCADE, null=True, blank=True, related_name="memberships", verbose_name="学校"
    )
    district = models.ForeignKey(
        District, models.CASCADE, null=True, blank=True, related_name="memberships", verbose_name="辖区"
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = "角色任职"
        constraints = [
            models.CheckConstraint(
                name="membership_school_xor_district",
                condition=(
                    Q(role=Role.DISTRICT_OFFICER, school__isnull=True, district__isnull=False)
                    | (~Q(role=Role.DISTRICT_OFFICER) & Q(school__isnull=False, district__isnull=True))
                ),
            ),
            models.UniqueConstraint(fields=["user", "school", "role"], name="membership_unique_school_role"),
            models.UniqueConstraint(fields=["user", "district", "role"], name="membership_unique_district_role"),
        ]

    def __str__(self):
        return f"{self.user} · {self.school or self.district} · {self.get_role_display()}"


class SchoolQuerySet(models.QuerySet):
    def for_school(self, school):
        return self.filter(school=school)


class SchoolOwned(models.Model):
    """Base of every row that belongs to one school. `updated_at` guards against stale edits."""

    school = models.ForeignKey(School, models.PROTECT, related_name="+", verbose_name="学校")
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    objects = SchoolQuerySet.as_manager()

    class Meta:
        abstract = True


class SchoolSettings(models.Model):
    """Base of an app's settings for one school (procurement's quote threshold, maintenance's
    repair times), one-to-one with it, so an app adds its settings without a core migration.
    A school without its row reads the defaults: the row is written when they are changed,
    never on reading. The school's page shows every subclass."""

    school = models.OneToOneField(School, models.CASCADE, primary_key=True, related_name="%(class)s",
                                  verbose_name="学校")

    class Meta:
        abstract = True

    def __str__(self):
        return f"{self.school}{self._meta.verbose_name}"

    @classmethod
    def of(cls, school):
        """The school's row, or one with the defaults (unsaved). With the list's
        select_related("school__<model name>") this asks no query per row."""
        try:
            return getattr(school, cls._meta.model_name)
        except cls.DoesNotExist:
            return cls(school=school)  # the one-to-one caches it on `school` for the next read


# --- Places ---------------------------------------------------------------


class Campus(SchoolOwned):
    name = models.CharField("校区", max_length=100)
    address = models.CharField("地址", max_length=200, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = "校区"
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["school", "name"], name="campus_unique_name")]

    def __str__(self):
        return self.name


class Building(SchoolOwned):
    campus = models.ForeignKey(Campus, models.PROTECT, related_name="buildings", verbose_name="校区")
    name = models.CharField("楼栋", max_length=100)
    floors = models.PositiveSmallIntegerField("层数", default=1)
    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = "楼栋"
        ordering = ["campus__name", "name"]
        constraints = [models.UniqueConstraint(fields=["campus", "name"], name="building_unique_name")]

    def __str__(self):
        return self.name


class Room(SchoolOwned):
    building = models.ForeignKey(Building, models.PROTECT, related_name="rooms", verbose_name="楼栋")
    name = models.CharField("房间", max_length=100)
    number = models.CharField("门牌号", max_length=20, blank=True)
    floor = models.SmallIntegerField("楼层", default=1)
    kind = models.CharField("类型", max_length=16, choices=RoomKind.choices, default=RoomKind.CLASSROOM)
    responsible = models.ForeignKey(
        "Person", models.SET_NULL, null=True, blank=True, related_name="rooms", verbose_name="负责人"
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = "房间"
        ordering = ["building__name", "floor", "number", "name"]
        constraints = [models.UniqueConstraint(fields=["building", "name"], name="room_unique_name")]
        indexes = [models.Index(fields=["school", "kind"], name="room_school_kind")]

    def __str__(self):
        return f"{self.building.name} {self.name}" if self.building_id else self.name


class SchoolClass(SchoolOwned):
    """A class of pupils, e.g. 六(3)班, with its head teacher (班主任) and classroom."""

    grade = models.PositiveSmallIntegerField("年级", validators=[MinValueValidator(1)])
    number = models.PositiveSmallIntegerField("班号", validators=[MinValueValidator(1)])
    head_teacher = models.ForeignKey(
        "Person", models.SET_NULL, null=True, blank=True, related_name="head_of", verbose_name="班主任"
    )
    room = models.ForeignKey(Room, models.SET_NULL, null=True, blank=True, related_name="classes",
                             verbose_name="教室")
    pupils = models.PositiveSmallIntegerField("学生数", default=0)
    history = HistoricalRecords()

    GRADE_NAMES = "一二三四五六七八九"

    class Meta:
        verbose_name = verbose_name_plural = "班级"
        ordering = ["grade", "number"]
        constraints = [models.UniqueConstraint(fields=["school", "grade", "number"], name="class_unique")]

    def __str__(self):
        grade = self.GRADE_NAMES[self.grade - 1] if 1 <= self.grade <= 9 else str(self.grade)
        return f"{grade}({self.number})班"


# --- People ---------------------------------------------------------------


class Person(SchoolOwned):
    """The staff register: everyone who works at the school, including contract workers
    (cooks, guards, cleaners) who never log in."""

    name = models.CharField("姓名", max_length=50)
    gender = models.CharField("性别", max_length=1, choices=Gender.choices, blank=True)
    phone = models.CharField("电话", max_length=20, blank=True)
    position = models.CharField("岗位", max_length=50, blank=True)
    employment = models.CharField("用工性质", max_length=16, choices=Employment.choices,
                                  default=Employment.STAFF)
    user = models.ForeignKey(User, models.SET_NULL, null=True, blank=True, related_name="people",
                             verbose_name="登录账号")
    active = models.BooleanField("在岗", default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = "教职工"
        ordering = ["name"]
        indexes = [models.Index(fields=["school", "name"], name="person_school_name")]
        constraints = [
            models.UniqueConstraint(fields=["school", "user"], condition=Q(user__isnull=False),
                                    name="person_unique_user"),
        ]

    def __str__(self):
        return self.name


EXPIRING_DAYS = 30  # 已过期或30天内到期: the warning window of certificates, licences and inspections


def expiry_limit(today=None, within_days=EXPIRING_DAYS):
    """The last expiry date that is already a warning: today plus the window."""
    return (today or timezone.localdate()) + datetime.timedelta(days=within_days)


class ExpiringQuerySet(SchoolQuerySet):
    """Rows with an `expires_on` (certificates, licences)."""

    def expiring(self, today=None, within_days=EXPIRING_DAYS):
        """Already expired or expiring within `within_days`."""
        return self.filter(expires_on__lte=expiry_limit(today, within_days))


class Certificate(SchoolOwned):
    person = models.ForeignKey(Person, models.CASCADE, related_name="certificates", verbose_name="持证人")
    kind = models.CharField("证件类型", max_length=20, choices=CertificateKind.choices)
    number = models.CharField("证号", max_length=50, blank=True)
    issuer = models.CharField("发证机关", max_length=100, blank=True)
    issued_on = models.DateField("发证日期", null=True, blank=True)
    expires_on = models.DateField("有效期至", null=True, blank=True)
    history = HistoricalRecords()

    objects = ExpiringQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "证件"
        ordering = ["expires_on"]
        indexes = [models.Index(fields=["school", "expires_on"], name="certificate_school_expiry")]
        constraints = [
            models.CheckConstraint(
                name="certificate_expiry_after_issue",
                condition=(Q(issued_on__isnull=True) | Q(expires_on__isnull=True)
                           | Q(expires_on__gte=models.F("issued_on"))),
            )
        ]

    def __str__(self):
        return f"{self.person} {self.get_kind_display()}"

    def days_left(self, today=None):
        if self.expires_on is None:
            return None
        return (self.expires_on - (today or timezone.localdate())).days

    @property
    def state_badge(self):
        label, tone = {"expired": ("已过期", "danger"), "expiring": ("将到期", "warning")}.get(
            self.state, ("有效", "success"))
        return format_html('<span class="badge text-bg-{}">{}</span>', tone, label)

    @property
    def state(self):
        """'expired', 'expiring' (within 30 days) or 'valid', for the badge."""
        days = self.days_left()
        if days is None:
            return "valid"
        return "expired" if days < 0 else "expiring" if days <= 30 else "valid"


# --- Approvals and sign-offs ------------------------------------------------


class ApprovalRequest(SchoolOwned):
    """One approval (审批/验收/签字) of one object, run by a policy in core.approvals.

    The steps that apply are fixed when the request is made (`steps`); `awaiting` and `barred`
    are denormalised as "|a|b|" strings so the 待我审批 inbox is one query.
    """

    policy = models.CharField("审批规则", max_length=64)
    title = models.CharField("事项", max_length=200)
    amount = models.DecimalField("金额(元)", **MONEY, null=True, blank=True)
    content_type = models.ForeignKey(ContentType, models.PROTECT, verbose_name="对象类型")
    object_id = models.PositiveBigIntegerField("对象编号")
    subject = GenericForeignKey("content_type", "object_id")
    status = models.CharField("状态", max_length=16, choices=ApprovalStatus.choices,
                              default=ApprovalStatus.PENDING)
    steps = models.JSONField("审批环节", default=list)
    step = models.PositiveSmallIntegerField("当前环节", default=0)
    awaiting = models.CharField("待签角色", max_length=200, blank=True)
    barred = models.CharField("回避人员", max_length=200, blank=True)
    requested_by = models.ForeignKey(User, models.PROTECT, related_name="+", verbose_name="申请人")
    created_at = models.DateTimeField("申请时间", auto_now_add=True)
    decided_at = models.DateTimeField("办结时间", null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = "审批"
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["school", "status"], name="approval_school_status"),
            models.Index(fields=["content_type", "object_id"], name="approval_subject"),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("core:approval_detail", args=[self.pk])

    @property
    def current_step(self):
        return self.steps[self.step] if self.status == ApprovalStatus.PENDING else None


class SignOff(AppendOnlyModel):
    """One signature on an approval: who, in which role, when, the decision and a comment.
    Append-only: a signature is never edited."""

    approval = models.ForeignKey(ApprovalRequest, models.PROTECT, related_name="signoffs",
                                 verbose_name="审批")
    school = models.ForeignKey(School, models.PROTECT, related_name="+", verbose_name="学校")
    step = models.PositiveSmallIntegerField("环节")
    step_label = models.CharField("环节名称", max_length=50)
    user = models.ForeignKey(User, models.PROTECT, related_name="signoffs", verbose_name="签字人")
    role = models.CharField("以何角色", max_length=20, choices=Role.choices)
    decision = models.CharField("意见", max_length=10, choices=Decision.choices)
    comment = models.CharField("说明", max_length=500, blank=True)
    signed_at = models.DateTimeField("签字时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "签字记录"
        ordering = ["signed_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["approval", "step", "user"], name="signoff_once_per_step"),
        ]

    def __str__(self):
        return f"{self.user} {self.get_decision_display()}"


# --- Attachments and notifications -----------------------------------------


def attachment_path(instance, filename):
    # The stored name never comes from the user: a random name keeps the extension only.

    ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    today = timezone.localdate()
    return f"attachments/{instance.school.code}/{today:%Y/%m}/{uuid.uuid4().hex}.{ext}"


class Attachment(SchoolOwned):
    content_type = models.ForeignKey(ContentType, models.PROTECT, verbose_name="对象类型")
    object_id = models.PositiveBigIntegerField("对象编号")
    subject = GenericForeignKey("content_type", "object_id")
    kind = models.CharField("类别", max_length=16, choices=AttachmentKind.choices, default=AttachmentKind.PHOTO)
    file = models.FileField("文件", upload_to=attachment_path, max_length=200)
    original_name = models.CharField("原文件名", max_length=200)
    mime = models.CharField("文件类型", max_length=100)
    size = models.PositiveIntegerField("大小(字节)")
    uploaded_by = models.ForeignKey(User, models.PROTECT, related_name="+", verbose_name="上传人")
    created_at = models.DateTimeField("上传时间", auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = "附件"
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["content_type", "object_id"], name="attachment_subject")]

    def __str__(self):
        return self.original_name

    def get_absolute_url(self):
        return reverse("core:attachment_download", args=[self.pk])


class Notification(SchoolOwned):
    recipient = models.ForeignKey(User, models.CASCADE, related_name="notifications", verbose_name="接收人")
    title = models.CharField("标题", max_length=200)
    body = models.TextField("内容", blank=True)
    url = models.CharField("链接", max_length=300, blank=True)
    created_at = models.DateTimeField("时间", auto_now_add=True)
    read_at = models.DateTimeField("已读时间", null=True, blank=True)
    # Scheduled work (houqin tick) sets a key so running it twice notifies once.
    dedupe_key = models.CharField("去重键", max_length=200, null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "通知"
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["recipient", "read_at"], name="notification_unread")]
        constraints = [
            models.UniqueConstraint(fields=["recipient", "dedupe_key"], name="notification_dedupe"),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("core:notification_list")


# --- Calendar ---------------------------------------------------------------


class Term(SchoolOwned):
    """A school term (学期). The days between terms are vacations; reports compare terms."""

    name = models.CharField("学期", max_length=50, help_text="如 2025年春季学期")
    starts_on = models.DateField("开学日期")
    ends_on = models.DateField("结束日期")
    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = "学期"
        ordering = ["-starts_on"]
        constraints = [
            models.UniqueConstraint(fields=["school", "name"], name="term_unique_name"),
            models.CheckConstraint(condition=Q(ends_on__gte=F("starts_on")), name="term_ends_after_start",
                                   violation_error_message="结束日期不能早于开学日期"),
        ]

    def __str__(self):
        return self.name


class Holiday(models.Model):
    """A national public holiday (法定节假日), the same for every school; `workday` marks a
    weekend day made a working day (调休上班)."""

    date = models.DateField("日期", unique=True)
    name = models.CharField("节日", max_length=50)
    workday = models.BooleanField("调休上班", default=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = "节假日"
        ordering = ["date"]

    def __str__(self):
        return f"{self.date} {self.name}"


class ImportJob(SchoolOwned):
    """An Excel import run in the background (core/importer.py): the uploaded file until the
    worker has read it, how far the check has got, and the result the page shows."""

    class Status(models.TextChoices):
        QUEUED = "queued", "排队中"
        RUNNING = "running", "检查中"
        CHECKED = "checked", "待确认"  # checked, nothing written: the importer asks for confirmation
        DONE = "done", "已导入"
        FAILED = "failed", "未导入"

    importer = models.CharField("导入器", max_length=200)  # the Importer's dotted path
    file = models.FileField("文件", upload_to="imports/", blank=True)
    filename = models.CharField("文件名", max_length=200)
    by = models.ForeignKey(User, models.PROTECT, related_name="+", verbose_name="导入人")
    created_at = models.DateTimeField("上传时间", auto_now_add=True)
    status = models.CharField("状态", max_length=8, choices=Status.choices, default=Status.QUEUED)
    checked = models.PositiveIntegerField("已检查行数", default=0)
    size = models.PositiveIntegerField("总行数", null=True, blank=True)
    rows = models.PositiveIntegerField("数据行数", default=0)
    imported = models.PositiveIntegerField("已导入行数", default=0)
    errors = models.JSONField("错误", default=list, blank=True)  # [[row, column, message], …]
    summary = models.JSONField("汇总", default=dict, blank=True)  # {"lines": […], "skipped": n, "notes": […]}

    class Meta:
        verbose_name = verbose_name_plural = "导入任务"
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.filename}（{self.get_status_display()}）"

    @property
    def finished(self):
        return self.status in (self.Status.CHECKED, self.Status.DONE, self.Status.FAILED)

    @property
    def percent(self):
        if self.finished:
            return 100
        return min(99, round(100 * self.checked / self.size)) if self.size else 0


class ExportJob(SchoolOwned):
    """A list's Excel export written in the background (core/exports.py) because it has more
    rows than a request should write: the export and its filters, how far the worker has got,
    and the file, which only the person who asked for it downloads."""

    class Status(models.TextChoices):
        QUEUED = "queued", "排队中"
        RUNNING = "running", "生成中"
        DONE = "done", "已完成"
        FAILED = "failed", "失败"

    view = models.CharField("导出", max_length=200)  # the export's URL name, e.g. assets:asset_export
    query = models.TextField("筛选条件", blank=True)  # the list's query string
    label = models.CharField("内容", max_length=200)
    by = models.ForeignKey(User, models.PROTECT, related_name="+", verbose_name="导出人")
    created_at = models.DateTimeField("开始时间", auto_now_add=True)
    status = models.CharField("状态", max_length=8, choices=Status.choices, default=Status.QUEUED)
    size = models.PositiveIntegerField("总行数", default=0)
    done = models.PositiveIntegerField("已写行数", default=0)
    file = models.FileField("文件", upload_to="exports/", blank=True)
    filename = models.CharField("文件名", max_length=200, blank=True)
    error = models.CharField("失败原因", max_length=200, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "导出任务"
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.label}（{self.get_status_display()}）"

    @property
    def finished(self):
        return self.status in (self.Status.DONE, self.Status.FAILED)

    @property
    def percent(self):
        if self.finished:
            return 100
        return min(99, round(100 * self.done / self.size)) if self.size else 0


# --- API tokens ---------------------------------------------------------------


class ApiToken(models.Model):
    """An API token (`Authorization: Token <key>`). Only the key's SHA-256 is stored, so a
    copy of the database gives nobody a working key; `prefix` (its first 8 characters) lets
    the owner tell his tokens apart on his account page. A token unused for
    HOUQIN_TOKEN_IDLE_DAYS expires; core/tokens.py issues, checks and revokes them."""

    user = models.ForeignKey(User, models.CASCADE, related_name="api_tokens", verbose_name="用户")
    digest = models.CharField("摘要", max_length=64, unique=True, editable=False)
    prefix = models.CharField("前缀", max_length=8, editable=False)
    name = models.CharField("用途", max_length=100, blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    last_used_at = models.DateTimeField("最近使用", default=timezone.now)

    class Meta:
        verbose_name = verbose_name_plural = "API 令牌"
        ordering = ["-last_used_at", "-pk"]

    def __str__(self):
        return f"{self.prefix}…"
