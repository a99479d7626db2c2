"""Models of the assets app (校产): categories, holdings, their event ledger (明细帐), loans,
damage and compensation, scrapping and disposal, and stocktakes (清查盘点)."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from houqin.core.ledger import AppendOnlyModel
from houqin.core.models import Person, Room, School, SchoolOwned
from houqin.core.money import MONEY

from .choices import (
    AssetStatus,
    CompensationStatus,
    DisposalMethod,
    EventKind,
    FundingSource,
    HoldingKind,
    LineResult,
    StocktakeStatus,
)


class Category(models.Model):
    """The asset classification, shared by every school: the top levels of GB/T 14885-2022
    and the usual school sub-categories, each with its depreciation life in years (None for
    land, books, heritage items: not depreciated)."""

    parent = models.ForeignKey("self", models.PROTECT, null=True, blank=True, related_name="children",
                               verbose_name="上级分类")
    code = models.CharField("分类代码", max_length=20, unique=True)
    name = models.CharField("名称", max_length=50)
    depreciation_years = models.PositiveSmallIntegerField("折旧年限(年)", null=True, blank=True,
                                                          help_text="空表示不计提折旧")
    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = "资产分类"
        ordering = ["code"]

    def __str__(self):
        return self.name


class Asset(SchoolOwned):
    """One holding: an individually tagged asset (quantity 1) or a bulk holding counted by
    quantity in a room (40 sets of desks in 六(3)班)."""

    tag = models.CharField("资产编号", max_length=40)
    kind = models.CharField("管理方式", max_length=12, choices=HoldingKind.choices, default=HoldingKind.INDIVIDUAL)
    name = models.CharField("名称", max_length=100)
    pinyin = models.CharField("拼音首字母", max_length=100, blank=True, editable=False)
    category = models.ForeignKey(Category, models.PROTECT, related_name="assets", verbose_name="分类")
    model_spec = models.CharField("规格型号", max_length=100, blank=True)
    brand = models.CharField("品牌", max_length=50, blank=True)
    unit_price = models.DecimalField("单价(元)", **MONEY, validators=[MinValueValidator(Decimal("0"))])
    quantity = models.PositiveIntegerField("数量", default=1)
    unit = models.CharField("计量单位", max_length=10, default="台")
    purchase_date = models.DateField("购置日期")
    funding_source = models.CharField("经费来源", max_length=16, choices=FundingSource.choices,
                                      default=FundingSource.PUBLIC_FUNDS)
    supplier = models.CharField("供应商", max_length=100, blank=True)
    invoice_number = models.CharField("发票号", max_length=50, blank=True)
    warranty_end = models.DateField("保修截止", null=True, blank=True)
    room = models.ForeignKey(Room, models.PROTECT, related_name="assets", verbose_name="存放地点")
    custodian = models.ForeignKey(Person, models.PROTECT, null=True, blank=True, related_name="assets",
                                  verbose_name="保管人")
    status = models.CharField("状态", max_length=16, choices=AssetStatus.choices, default=AssetStatus.IN_USE)
    capitalised = models.BooleanField("固定资产", default=True,
                                      help_text="单价达到学校固定资产起点的记为固定资产，否则为低值易耗品")
    # Depreciation inputs fixed at registration: months since year 0 of the purchase month
    # (当月增加当月计提) and the life in months (None: not depreciated).
    start_month = models.PositiveIntegerField("起始计提月", editable=False)
    life_months = models.PositiveSmallIntegerField("折旧月数", null=True, blank=True, editable=False)
    notes = models.TextField("备注", blank=True)
    created_at = models.DateTimeField("登记时间", auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = "资产"
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(fields=["school", "tag"], name="asset_unique_tag"),
            models.CheckConstraint(name="asset_quantity_positive", condition=Q(quantity__gte=1)),
            models.CheckConstraint(name="asset_price_not_negative", condition=Q(unit_price__gte=0)),
            models.CheckConstraint(name="asset_individual_is_one",
                                   condition=~Q(kind=HoldingKind.INDIVIDUAL) | Q(quantity=1)),
        ]
        indexes = [
            # The list's default order (newest first) within a school, plain and by status.
            models.Index(fields=["school", "-id"], name="asset_school_newest"),
            models.Index(fields=["school", "status", "-id"], name="asset_school_status_newest"),
            models.Index(fields=["school", "category"], name="asset_school_category"),
            models.Index(fields=["school", "room"], name="asset_school_room"),
            models.Index(fields=["school", "pinyin"], name="asset_school_pinyin"),
            models.Index(fields=["school", "purchase_date"], name="asset_school_purchase"),
        ]

    def __str__(self):
        return f"{self.tag} {self.name}"

    def get_absolute_url(self):
        return reverse("assets:asset_detail", args=[self.pk])

    @property
    def original_value(self):
        return self.unit_price * self.quantity


class AssetEvent(AppendOnlyModel):
    """The asset's detail ledger (明细帐): every registration, move, loan, damage, scrapping
    and stocktake adjustment, append-only, with who and when."""

    school = models.ForeignKey(School, models.PROTECT, related_name="+", verbose_name="学校")
    asset = models.ForeignKey(Asset, models.PROTECT, related_name="events", verbose_name="资产")
    kind = models.CharField("事项", max_length=16, choices=EventKind.choices)
    quantity = models.IntegerField("数量变动", default=0)
    value_change = models.DecimalField("原值变动(元)", **MONEY, default=Decimal("0.00"))
    from_room = models.ForeignKey(Room, models.PROTECT, null=True, blank=True, related_name="+",
                                  verbose_name="原地点")
    to_room = models.ForeignKey(Room, models.PROTECT, null=True, blank=True, related_name="+",
                                verbose_name="新地点")
    from_custodian = models.ForeignKey(Person, models.PROTECT, null=True, blank=True, related_name="+",
                                       verbose_name="原保管人")
    to_custodian = models.ForeignKey(Person, models.PROTECT, null=True, blank=True, related_name="+",
                                     verbose_name="新保管人")
    note = models.CharField("说明", max_length=300, blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name="经办人")
    at = models.DateTimeField("时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "资产明细帐"
        ordering = ["at", "pk"]
        indexes = [
            models.Index(fields=["school", "at"], name="assetevent_school_at"),
            models.Index(fields=["asset", "at", "id"], name="assetevent_asset_ledger"),  # the detail page's
        ]

    def __str__(self):
        return f"{self.asset} {self.get_kind_display()}"


class Loan(SchoolOwned):
    asset = models.ForeignKey(Asset, models.PROTECT, related_name="loans", verbose_name="资产")
    borrower = models.ForeignKey(Person, models.PROTECT, related_name="loans", verbose_name="借用人")
    quantity = models.PositiveIntegerField("数量", default=1, validators=[MinValueValidator(1)])
    lent_on = models.DateField("借出日期")
    due_on = models.DateField("应还日期")
    returned_on = models.DateField("归还日期", null=True, blank=True)
    return_condition = models.CharField("归还时状况", max_length=200, blank=True)
    note = models.CharField("说明", max_length=200, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = "借用"
        ordering = ["-lent_on", "-pk"]
        constraints = [models.CheckConstraint(name="loan_due_after_lent", condition=Q(due_on__gte=models.F("lent_on")))]
        indexes = [models.Index(fields=["school", "returned_on", "due_on"], name="loan_open_due")]

    def __str__(self):
        return f"{self.asset} → {self.borrower}"

    def overdue(self):
        """“逾期 N 天” for an open loan past its due date, else empty (a list column)."""
        days = (timezone.localdate() - self.due_on).days
        return f"逾期 {days} 天" if self.returned_on is None and days > 0 else ""

    overdue.short_description = "逾期"


class Compensation(SchoolOwned):
    """Damage and who pays for it (谁损坏谁赔偿)."""

    asset = models.ForeignKey(Asset, models.PROTECT, related_name="compensations", verbose_name="资产")
    description = models.CharField("损坏情况", max_length=300)
    liable_name = models.CharField("责任人", max_length=50, help_text="学生或教职工姓名；班级可写在说明里")
    amount = models.DecimalField("赔偿金额(元)", **MONEY, validators=[MinValueValidator(Decimal("0"))])
    status = models.CharField("状态", max_length=10, choices=CompensationStatus.choices,
                              default=CompensationStatus.PENDING)
    settled_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name="经办人")
    settled_on = models.DateField("办结日期", null=True, blank=True)
    settle_note = models.CharField("办结说明", max_length=200, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = "损坏赔偿"
        ordering = ["-pk"]
        constraints = [models.CheckConstraint(name="compensation_amount_not_negative", condition=Q(amount__gte=0))]

    def __str__(self):
        return f"{self.asset} · {self.liable_name}"


class ScrapRequest(SchoolOwned):
    """A request to scrap (报废报损) a quantity of a holding; approved through the core
    approval mechanism by amount, then disposed of (method, proceeds)."""

    asset = models.ForeignKey(Asset, models.PROTECT, related_name="scrap_requests", verbose_name="资产")
    quantity = models.PositiveIntegerField("数量", validators=[MinValueValidator(1)])
    reason = models.CharField("报废原因", max_length=300)
    amount = models.DecimalField("报废原值(元)", **MONEY)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+",
                                     verbose_name="申请人")
    previous_status = models.CharField("申请前状态", max_length=16, choices=AssetStatus.choices, editable=False)
    state = models.CharField("状态", max_length=12, default="pending", choices=[
        ("pending", "审批中"), ("approved", "已批准待处置"), ("rejected", "未批准"), ("disposed", "已处置")])
    disposal_method = models.CharField("处置方式", max_length=12, choices=DisposalMethod.choices, blank=True)
    disposal_proceeds = models.DecimalField("处置收入(元)", **MONEY, null=True, blank=True)
    disposed_on = models.DateField("处置日期", null=True, blank=True)
    created_at = models.DateTimeField("申请时间", auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = "报废申请"
        ordering = ["-pk"]

    def __str__(self):
        return f"报废 {self.asset.name} ×{self.quantity}"

    def get_absolute_url(self):
        return reverse("assets:scraprequest_detail", args=[self.pk])


class Stocktake(SchoolOwned):
    name = models.CharField("盘点名称", max_length=100)
    status = models.CharField("状态", max_length=10, choices=StocktakeStatus.choices, default=StocktakeStatus.OPEN)
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name="发起人")
    opened_at = models.DateTimeField("开始时间", auto_now_add=True)
    closed_at = models.DateTimeField("结束时间", null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = "盘点"
        ordering = ["-opened_at"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("assets:stocktake_detail", args=[self.pk])


class StocktakeRoom(SchoolOwned):
    """One room of a stocktake: counted, then signed by its responsible person (班主任)."""

    stocktake = models.ForeignKey(Stocktake, models.CASCADE, related_name="rooms", verbose_name="盘点")
    room = models.ForeignKey(Room, models.PROTECT, related_name="+", verbose_name="房间")
    signed_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True,
                                  related_name="+", verbose_name="签字人")
    signed_at = models.DateTimeField("签字时间", null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = "盘点房间"
        ordering = ["room__building__name", "room__name"]
        constraints = [models.UniqueConstraint(fields=["stocktake", "room"], name="stocktakeroom_unique")]

    def __str__(self):
        return f"{self.stocktake} · {self.room}"


class StocktakeLine(SchoolOwned):
    """Expected (frozen when the stocktake opened) against counted, per holding and room."""

    stocktake = models.ForeignKey(Stocktake, models.CASCADE, related_name="lines", verbose_name="盘点")
    stocktake_room = models.ForeignKey(StocktakeRoom, models.CASCADE, related_name="lines", verbose_name="盘点房间")
    asset = models.ForeignKey(Asset, models.PROTECT, null=True, blank=True, related_name="+", verbose_name="资产")
    description = models.CharField("盘盈物品", max_length=100, blank=True)
    expected = models.PositiveIntegerField("账面数量", default=0)
    counted = models.PositiveIntegerField("实盘数量", null=True, blank=True)
    damaged = models.PositiveIntegerField("其中损坏", default=0)
    result = models.CharField("结果", max_length=10, choices=LineResult.choices, default=LineResult.PENDING)
    note = models.CharField("说明", max_length=200, blank=True)
    counted_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name="盘点人")
    counted_at = models.DateTimeField("盘点时间", null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = "盘点明细"
        ordering = ["stocktake_room", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["stocktake", "asset"], condition=Q(asset__isnull=False),
                                    name="stocktakeline_unique_asset"),
            models.CheckConstraint(name="stocktakeline_damaged_le_counted",
                                   condition=Q(counted__isnull=True) | Q(damaged__lte=models.F("counted"))),
        ]

    def __str__(self):
        return str(self.asset or self.description)
