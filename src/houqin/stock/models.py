"""Models of the stock app (库房): warehouses, items, balances with moving-average cost, food
batches, the append-only movement ledger (材料账), requisitions (领用) and monthly counts (月度盘存).

The ledger is the truth; `StockBalance` and `Batch.quantity` are its running totals, kept in
the same transaction as each movement and guarded by CHECK constraints (never below zero)."""

from decimal import Decimal

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from simple_history.models import HistoricalRecords

from houqin.core.ledger import LedgerEntry
from houqin.core.models import Person, Room, School, SchoolOwned
from houqin.core.money import MONEY, cents
from houqin.core.text import initials

from .choices import CountStatus, ItemCategory, ItemKind, MovementKind, RequisitionStatus, WarehouseKind

# Quantities: 2 places, because food is bought by the 斤 and the kilogram.
QTY = {"max_digits": 12, "decimal_places": 2}
POSITIVE = [MinValueValidator(Decimal("0.01"))]


class Warehouse(SchoolOwned):
    name = models.CharField("仓库", max_length=50)
    kind = models.CharField("类型", max_length=12, choices=WarehouseKind.choices, default=WarehouseKind.GENERAL)
    room = models.ForeignKey(Room, models.PROTECT, null=True, blank=True, related_name="+", verbose_name="位置")
    keeper = models.ForeignKey(Person, models.PROTECT, null=True, blank=True, related_name="+",
                               verbose_name="仓管员")
    active = models.BooleanField("启用", default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = "仓库"
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["school", "name"], name="warehouse_unique_name")]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("stock:warehouse_detail", args=[self.pk])


class Item(SchoolOwned):
    """A stock item (物品): what is bought, kept and issued by quantity."""

    code = models.CharField("物品编码", max_length=30)
    name = models.CharField("名称", max_length=100)
    pinyin = models.CharField("拼音首字母", max_length=100, blank=True, editable=False)
    spec = models.CharField("规格", max_length=100, blank=True)
    unit = models.CharField("单位", max_length=10, default="个")
    category = models.CharField("类别", max_length=16, choices=ItemCategory.choices, default=ItemCategory.OFFICE)
    kind = models.CharField("性质", max_length=12, choices=ItemKind.choices, default=ItemKind.CONSUMABLE)
    old_for_new = models.BooleanField("以旧换新", default=False, help_text="领新须交回旧物（如灯管、扫把、粉笔擦）")
    reorder_level = models.DecimalField("最低库存", **QTY, default=Decimal("0"),
                                        validators=[MinValueValidator(Decimal("0"))])
    tracks_batches = models.BooleanField("按批次和保质期管理", default=False, help_text="食品原料须按批次记录保质期")
    shelf_life_days = models.PositiveSmallIntegerField("保质期(天)", null=True, blank=True)
    active = models.BooleanField("启用", default=True)
    notes = models.TextField("备注", blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = "物品"
        ordering = ["code"]
        constraints = [models.UniqueConstraint(fields=["school", "code"], name="item_unique_code")]
        indexes = [models.Index(fields=["school", "category"], name="item_school_category")]

    def __str__(self):
        return f"{self.name}（{self.spec}）" if self.spec else self.name

    def get_absolute_url(self):
        return reverse("stock:item_detail", args=[self.pk])

    def save(self, *args, **kwargs):
        self.pinyin = initials(self.name)
        super().save(*args, **kwargs)


class StockBalance(SchoolOwned):
    """How much of an item a warehouse holds and at what value: the running total of the
    ledger. Locked (SELECT ... FOR UPDATE) by every movement; the moving-average unit cost
    is value / quantity."""

    warehouse = models.ForeignKey(Warehouse, models.PROTECT, related_name="balances", verbose_name="仓库")
    item = models.ForeignKey(Item, models.PROTECT, related_name="balances", verbose_name="物品")
    quantity = models.DecimalField("结存数量", **QTY, default=Decimal("0"))
    value = models.DecimalField("结存金额(元)", **MONEY, default=Decimal("0.00"))

    class Meta:
        verbose_name = verbose_name_plural = "库存结存"
        ordering = ["item__code"]
        constraints = [
            models.UniqueConstraint(fields=["warehouse", "item"], name="balance_unique_item"),
            models.CheckConstraint(condition=Q(quantity__gte=0), name="balance_quantity_not_negative"),
            models.CheckConstraint(condition=Q(value__gte=0), name="balance_value_not_negative"),
        ]

    def __str__(self):
        return f"{self.warehouse} {self.item}: {self.quantity}"

    @property
    def unit_cost(self):
        if not self.quantity:
            return Decimal("0.00")
        return (self.value / self.quantity).quantize(Decimal("0.0001"))


class Batch(SchoolOwned):
    """A received lot of a batch-tracked item (food) with its expiry; `quantity` is what is left."""

    warehouse = models.ForeignKey(Warehouse, models.PROTECT, related_name="batches", verbose_name="仓库")
    item = models.ForeignKey(Item, models.PROTECT, related_name="batches", verbose_name="物品")
    code = models.CharField("批号", max_length=50)
    produced_on = models.DateField("生产日期", null=True, blank=True)
    expires_on = models.DateField("保质期至")
    received_on = models.DateField("入库日期")
    quantity = models.DecimalField("剩余数量", **QTY, default=Decimal("0"))

    class Meta:
        verbose_name = verbose_name_plural = "批次"
        ordering = ["expires_on", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gte=0), name="batch_quantity_not_negative"),
        ]
        indexes = [models.Index(fields=["school", "expires_on"], name="batch_school_expiry")]

    def __str__(self):
        return f"{self.item} 批号{self.code}（至{self.expires_on}）"


class Movement(LedgerEntry):
    """One line of the stock ledger (材料账). `quantity` and `amount` are signed: + in, - out;
    `balance_quantity` / `balance_value` are the warehouse's balance of the item after it."""

    REVERSED_FIELDS = ("quantity", "amount")

    school = models.ForeignKey(School, models.PROTECT, related_name="+", verbose_name="学校")
    warehouse = models.ForeignKey(Warehouse, models.PROTECT, related_name="movements", verbose_name="仓库")
    item = models.ForeignKey(Item, models.PROTECT, related_name="movements", verbose_name="物品")
    batch = models.ForeignKey(Batch, models.PROTECT, null=True, blank=True, related_name="movements",
                              verbose_name="批次")
    kind = models.CharField("类型", max_length=16, choices=MovementKind.choices)
    occurred_on = models.DateField("日期")
    quantity = models.DecimalField("数量", **QTY)
    amount = models.DecimalField("金额(元)", **MONEY)
    balance_quantity = models.DecimalField("结存数量", **QTY)
    balance_value = models.DecimalField("结存金额(元)", **MONEY)
    person = models.ForeignKey(Person, models.PROTECT, null=True, blank=True, related_name="+",
                               verbose_name="领用人")
    # The document that caused it: an acceptance line, a requisition line, a count, a work order.
    source_type = models.ForeignKey(ContentType, models.PROTECT, null=True, blank=True, related_name="+")
    source_id = models.PositiveBigIntegerField(null=True, blank=True)
    source = GenericForeignKey("source_type", "source_id")
    note = models.CharField("摘要", max_length=200, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "出入库流水"
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["school", "-id"], name="movement_school_newest"),  # the list's order
            models.Index(fields=["school", "item", "id"], name="movement_item_ledger"),
            models.Index(fields=["school", "occurred_on"], name="movement_school_date"),
            models.Index(fields=["source_type", "source_id"], name="movement_source"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.item} {self.quantity}"

    def get_absolute_url(self):
        return reverse("stock:movement_detail", args=[self.pk])

    @property
    def unit_cost(self):
        return cents(abs(self.amount) / abs(self.quantity)) if self.quantity else Decimal("0")


class Requisition(SchoolOwned):
    """A 领用申请: a teacher or office asks for items; approved, issued (possibly in part),
    then the requester signs for receipt (签收)."""

    number = models.CharField("单号", max_length=30)
    warehouse = models.ForeignKey(Warehouse, models.PROTECT, related_name="requisitions", verbose_name="仓库")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+",
                                     verbose_name="申请人")
    department = models.CharField("部门/班级", max_length=50, blank=True)
    purpose = models.CharField("用途", max_length=200)
    status = models.CharField("状态", max_length=16, choices=RequisitionStatus.choices,
                              default=RequisitionStatus.DRAFT)
    amount = models.DecimalField("估算金额(元)", **MONEY, default=Decimal("0.00"),
                                 help_text="按提交时的移动平均单价估算，用于确定审批环节")
    created_at = models.DateTimeField("申请时间", auto_now_add=True)
    submitted_at = models.DateTimeField("提交时间", null=True, blank=True)
    received_at = models.DateTimeField("签收时间", null=True, blank=True)
    # 部分发放后结案: what is still outstanding will not be issued; the requester then signs.
    closed_short_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True,
                                        related_name="+", verbose_name="结案人")
    closed_short_at = models.DateTimeField("结案时间", null=True, blank=True)
    closed_short_reason = models.CharField("结案原因", max_length=200, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = "领用单"
        ordering = ["-id"]
        constraints = [models.UniqueConstraint(fields=["school", "number"], name="requisition_unique_number")]
        indexes = [models.Index(fields=["school", "status"], name="requisition_school_status")]

    def __str__(self):
        return f"领用单 {self.number}"

    def get_absolute_url(self):
        return reverse("stock:requisition_detail", args=[self.pk])

    def status_label(self):
        """The status, with the reason when it was closed short (部分发放后结案)."""
        label = self.get_status_display()
        return f"{label}（结案：{self.closed_short_reason}）" if self.closed_short_at else label

    status_label.short_description = "状态"


class RequisitionLine(models.Model):
    requisition = models.ForeignKey(Requisition, models.CASCADE, related_name="lines", verbose_name="领用单")
    item = models.ForeignKey(Item, models.PROTECT, related_name="+", verbose_name="物品")
    quantity = models.DecimalField("申领数量", **QTY, validators=POSITIVE)
    issued = models.DecimalField("已发数量", **QTY, default=Decimal("0"))
    old_returned = models.DecimalField("交回旧物数量", **QTY, default=Decimal("0"))
    old_waived_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True,
                                      related_name="+", verbose_name="免交旧物批准人")
    old_waiver_reason = models.CharField("免交旧物理由", max_length=200, blank=True)
    note = models.CharField("备注", max_length=200, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "领用明细"
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(condition=Q(issued__lte=models.F("quantity")), name="requisition_not_overissued"),
        ]

    def __str__(self):
        return f"{self.item} × {self.quantity}"

    @property
    def outstanding(self):
        return self.quantity - self.issued


class StockCount(SchoolOwned):
    """A monthly count (月度盘存) of one warehouse. A line's book quantity is taken from the
    live balance (or batch) when its counted quantity is entered, so goods issued or received
    while the count is open do not distort the variance; lines are added for stock that
    arrives after the count was opened."""

    warehouse = models.ForeignKey(Warehouse, models.PROTECT, related_name="counts", verbose_name="仓库")
    month = models.DateField("月份", help_text="该月第一天")
    status = models.CharField("状态", max_length=12, choices=CountStatus.choices, default=CountStatus.OPEN)
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name="盘点人")
    opened_at = models.DateTimeField("开始时间", auto_now_add=True)
    closed_at = models.DateTimeField("提交时间", null=True, blank=True)
    note = models.TextField("说明", blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = "月度盘存"
        ordering = ["-month", "warehouse__name"]
        constraints = [
            models.UniqueConstraint(fields=["warehouse", "month"], condition=~Q(status="cancelled"),
                                    name="count_one_per_month"),
        ]

    def __str__(self):
        return f"{self.warehouse} {self.month:%Y年%m月}盘存"

    def get_absolute_url(self):
        return reverse("stock:stockcount_detail", args=[self.pk])


class StockCountLine(models.Model):
    """One line of the count sheet: an item, or for a batch-tracked item (food) one batch. A
    batch-tracked item's line without a batch is what the book holds outside any batch (it
    should be none; counting it brings the balance back to the sum of its batches)."""

    count = models.ForeignKey(StockCount, models.CASCADE, related_name="lines", verbose_name="盘存单")
    item = models.ForeignKey(Item, models.PROTECT, related_name="+", verbose_name="物品")
    batch = models.ForeignKey(Batch, models.PROTECT, null=True, blank=True, related_name="+", verbose_name="批次")
    expected = models.DecimalField("账面数量", **QTY, help_text="录入实盘数量时的账面数量")
    unit_cost = models.DecimalField("账面单价(元)", max_digits=14, decimal_places=4)
    counted = models.DecimalField("实盘数量", **QTY, null=True, blank=True,
                                  validators=[MinValueValidator(Decimal("0"))])
    counted_at = models.DateTimeField("录入时间", null=True, blank=True)
    note = models.CharField("差异原因", max_length=200, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "盘存明细"
        ordering = ["item__code", "batch__expires_on", "id"]
        constraints = [
            models.UniqueConstraint(fields=["count", "item", "batch"], name="countline_unique_batch"),
            models.UniqueConstraint(fields=["count", "item"], condition=Q(batch__isnull=True),
                                    name="countline_unique_item"),
        ]

    def __str__(self):
        return f"{self.item}: {self.expected} → {self.counted}"

    @property
    def variance(self):
        return None if self.counted is None else self.counted - self.expected

    @property
    def variance_value(self):
        if self.counted is None:
            return None
        return cents(self.variance * self.unit_cost)

