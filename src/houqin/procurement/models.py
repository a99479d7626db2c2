"""Models of the procurement app (采购): suppliers with their licences (索证、准入), designated
suppliers per category (定点), purchase requests with lines and quotes (请购、货比三家), orders,
acceptances (验收) with their lines, reimbursement vouchers (报销单) and supplier ratings.

Lines and quotes belong to their document and carry no school of their own: they are reached
only through the document, which is tenant-scoped."""

import datetime
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from houqin.core.models import ExpiringQuerySet, Room, SchoolOwned, SchoolSettings
from houqin.core.money import MONEY, cents
from houqin.stock.choices import ItemCategory
from houqin.stock.models import QTY, Item, Warehouse

from .choices import AcceptanceStatus, Admission, LicenceKind, OrderStatus, RequestStatus, VoucherStatus

POSITIVE = [MinValueValidator(Decimal("0.01"))]
NOT_NEGATIVE = [MinValueValidator(Decimal("0"))]


class ProcurementSettings(SchoolSettings):
    quote_threshold = models.DecimalField(
        "三家比价起点(元)", **MONEY, default=Decimal("1000.00"), validators=[MinValueValidator(0)],
        help_text="采购申请金额达到此数须有三家不同供应商的报价（货比三家）",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = "采购设置"


class Supplier(SchoolOwned):
    """A supplier admitted by the school (准入), with the categories it supplies."""

    name = models.CharField("供应商名称", max_length=100)
    credit_code = models.CharField("统一社会信用代码", max_length=18, blank=True)
    contact = models.CharField("联系人", max_length=50, blank=True)
    phone = models.CharField("联系电话", max_length=30, blank=True)
    address = models.CharField("地址", max_length=200, blank=True)
    categories = models.JSONField("供应类别", default=list, blank=True)
    admission = models.CharField("准入状态", max_length=12, choices=Admission.choices, default=Admission.ADMITTED)
    food = models.BooleanField("食品供应商", default=False, help_text="食品供应商须有有效的食品经营许可证")
    notes = models.TextField("备注", blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = "供应商"
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["school", "name"], name="supplier_unique_name")]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("procurement:supplier_detail", args=[self.pk])

    def category_labels(self):
        labels = dict(ItemCategory.choices)
        return "、".join(str(labels.get(c, c)) for c in self.categories or [])

    def refusal(self, today=None, licences=None):
        """Why this supplier cannot be chosen for a new order today, or None (索证、准入).
        `licences` may be passed in (prefetched) to avoid a query."""
        today = today or timezone.localdate()
        if self.admission == Admission.SUSPENDED:
            return f"供应商“{self}”已暂停准入，不能向其下单"
        licences = list(self.licences.all()) if licences is None else licences
        valid = {lic.kind for lic in licences if lic.expires_on is None or lic.expires_on >= today}
        expired = [lic for lic in licences if lic.expires_on is not None and lic.expires_on < today]
        if LicenceKind.BUSINESS not in valid:
            if any(lic.kind == LicenceKind.BUSINESS for lic in expired):
                return f"供应商“{self}”的营业执照已过期，不能向其下单，请先更新证照"
            return f"供应商“{self}”没有登记营业执照，不能向其下单（索证）"
        if self.food and LicenceKind.FOOD not in valid:
            return f"供应商“{self}”是食品供应商，但没有有效的食品经营许可证，不能向其下单"
        if expired:
            return f"供应商“{self}”的{expired[0].get_kind_display()}已过期，不能向其下单，请先更新证照"
        return None


class Licence(SchoolOwned):
    """A licence of a supplier (营业执照、食品经营许可证) with its number and expiry (索证)."""

    supplier = models.ForeignKey(Supplier, models.CASCADE, related_name="licences", verbose_name="供应商")
    kind = models.CharField("证照类型", max_length=12, choices=LicenceKind.choices, default=LicenceKind.BUSINESS)
    number = models.CharField("证照编号", max_length=50)
    expires_on = models.DateField("有效期至", null=True, blank=True, help_text="留空表示长期有效")
    history = HistoricalRecords()

    objects = ExpiringQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "供应商证照"
        ordering = ["expires_on", "pk"]
        indexes = [models.Index(fields=["school", "expires_on"], name="licence_school_expiry")]

    def __str__(self):
        return f"{self.supplier} {self.get_kind_display()}"

    def get_absolute_url(self):
        return reverse("procurement:licence_detail", args=[self.pk])

    def days_left(self, today=None):
        return None if self.expires_on is None else (self.expires_on - (today or timezone.localdate())).days


class Designation(SchoolOwned):
    """The designated supplier (定点供应商) of a category of goods."""

    category = models.CharField("物品类别", max_length=16, choices=ItemCategory.choices)
    supplier = models.ForeignKey(Supplier, models.CASCADE, related_name="designations", verbose_name="定点供应商")
    since = models.DateField("定点日期", default=datetime.date.today)
    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = "定点供应商"
        ordering = ["category"]
        constraints = [models.UniqueConstraint(fields=["school", "category"], name="designation_unique_category")]

    def __str__(self):
        return f"{self.get_category_display()}：{self.supplier}"

    def get_absolute_url(self):
        return reverse("procurement:designation_detail", args=[self.pk])


class PurchaseRequest(SchoolOwned):
    """A purchase request (请购单): lines, reason, budget line, the approval by amount and,
    from the quote threshold, three quotes from different suppliers (货比三家)."""

    number = models.CharField("申请单号", max_length=30, editable=False)
    title = models.CharField("采购事项", max_length=100)
    reason = models.TextField("申请理由")
    budget_line = models.CharField("经费来源/预算科目", max_length=100)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+",
                                     verbose_name="申请人(采购员)")
    status = models.CharField("状态", max_length=12, choices=RequestStatus.choices, default=RequestStatus.DRAFT)
    amount = models.DecimalField("预算金额(元)", **MONEY, default=Decimal("0.00"), editable=False)
    chosen_quote = models.ForeignKey("Quote", models.SET_NULL, null=True, blank=True, related_name="+",
                                     verbose_name="选定报价")
    choice_reason = models.CharField("未选最低价的理由", max_length=300, blank=True)
    off_designation_reason = models.CharField(
        "非定点采购理由", max_length=300, blank=True,
        help_text="物品所属类别有定点供应商而不向其采购时必填，随申请送审批人审阅")
    created_at = models.DateTimeField("申请时间", auto_now_add=True)
    submitted_at = models.DateTimeField("提交时间", null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = "采购申请"
        ordering = ["-id"]
        constraints = [models.UniqueConstraint(fields=["school", "number"], name="purchaserequest_unique_number")]
        indexes = [models.Index(fields=["school", "status"], name="purchaserequest_school_status")]

    def __str__(self):
        return f"{self.number} {self.title}"

    def get_absolute_url(self):
        return reverse("procurement:purchaserequest_detail", args=[self.pk])

    @property
    def buyer(self):
        return self.requested_by

    @property
    def status_badge(self):
        return RequestStatus(self.status).badge


class RequestLine(models.Model):
    """One line of a request: a stock item or free text; a fixed asset names its asset category
    and the room it goes to, so that acceptance can register it."""

    request = models.ForeignKey(PurchaseRequest, models.CASCADE, related_name="lines", verbose_name="采购申请")
    item = models.ForeignKey(Item, models.PROTECT, null=True, blank=True, related_name="+", verbose_name="库存物品")
    description = models.CharField("品名规格", max_length=100, blank=True)
    quantity = models.DecimalField("数量", **QTY, validators=POSITIVE)
    unit = models.CharField("单位", max_length=10, default="个")
    unit_price = models.DecimalField("估计单价(元)", **MONEY, validators=NOT_NEGATIVE)
    is_asset = models.BooleanField("固定资产", default=False)
    asset_category = models.ForeignKey("assets.Category", models.PROTECT, null=True, blank=True,
                                       related_name="+", verbose_name="资产分类")
    room = models.ForeignKey(Room, models.PROTECT, null=True, blank=True, related_name="+", verbose_name="存放地点")

    class Meta:
        verbose_name = verbose_name_plural = "采购明细"
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="requestline_quantity_positive"),
            models.CheckConstraint(condition=Q(unit_price__gte=0), name="requestline_price_not_negative"),
        ]

    def __str__(self):
        return f"{self.name} × {self.quantity.normalize():f}{self.unit}"

    @property
    def name(self):
        return self.description or (str(self.item) if self.item_id else "")

    @property
    def amount(self):
        return cents(self.quantity * self.unit_price)


class Quote(models.Model):
    """A supplier's quote for the whole request (询价). One per supplier and request."""

    request = models.ForeignKey(PurchaseRequest, models.CASCADE, related_name="quotes", verbose_name="采购申请")
    supplier = models.ForeignKey(Supplier, models.PROTECT, related_name="quotes", verbose_name="供应商")
    amount = models.DecimalField("报价金额(元)", **MONEY, validators=NOT_NEGATIVE)
    note = models.CharField("说明", max_length=200, blank=True)
    created_at = models.DateTimeField("登记时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "报价"
        ordering = ["amount", "id"]
        constraints = [
            models.UniqueConstraint(fields=["request", "supplier"], name="quote_one_per_supplier",
                                    violation_error_message="该供应商已有报价，三家报价须来自不同供应商"),
        ]

    def __str__(self):
        return f"{self.supplier} {self.amount} 元"


class PurchaseOrder(SchoolOwned):
    """An order to one supplier for an approved request, printable for the supplier."""

    number = models.CharField("订单号", max_length=30, editable=False)
    request = models.ForeignKey(PurchaseRequest, models.PROTECT, related_name="orders", verbose_name="采购申请")
    supplier = models.ForeignKey(Supplier, models.PROTECT, related_name="orders", verbose_name="供应商")
    buyer = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name="采购员")
    amount = models.DecimalField("订单金额(元)", **MONEY, editable=False)
    status = models.CharField("状态", max_length=12, choices=OrderStatus.choices, default=OrderStatus.PLACED)
    ordered_on = models.DateField("下单日期", default=datetime.date.today)
    deliver_by = models.DateField("要求送货日期", null=True, blank=True)
    notes = models.TextField("备注", blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = "采购订单"
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(fields=["school", "number"], name="purchaseorder_unique_number"),
            models.UniqueConstraint(fields=["request", "supplier"], name="purchaseorder_one_per_supplier"),
        ]

    def __str__(self):
        return f"{self.number} {self.supplier}"

    def get_absolute_url(self):
        return reverse("procurement:purchaseorder_detail", args=[self.pk])

    @property
    def status_badge(self):
        return OrderStatus(self.status).badge


class Acceptance(SchoolOwned):
    """The acceptance (验收) of an order's delivery: accepted and rejected quantities per line,
    then signed by two people, neither of them the buyer (不验收不入库)."""

    order = models.ForeignKey(PurchaseOrder, models.PROTECT, related_name="acceptances", verbose_name="采购订单")
    warehouse = models.ForeignKey(Warehouse, models.PROTECT, null=True, blank=True, related_name="+",
                                  verbose_name="入库仓库", help_text="库存物品验收后入此仓库")
    received_on = models.DateField("到货日期", default=datetime.date.today)
    invoice_number = models.CharField("随货发票号", max_length=50, blank=True,
                                      help_text="登记固定资产时记入资产卡片")
    status = models.CharField("状态", max_length=12, choices=AcceptanceStatus.choices,
                              default=AcceptanceStatus.DRAFT)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name="登记人")
    note = models.TextField("验收说明", blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = "验收单"
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(fields=["order"], condition=~Q(status="rejected"),
                                    name="acceptance_one_open_per_order"),
        ]

    def __str__(self):
        return f"验收单 {self.order.number}"

    def get_absolute_url(self):
        return reverse("procurement:acceptance_detail", args=[self.pk])

    @property
    def buyer(self):
        """Who may not sign (操作人员不验收): the order's buyer ..."""
        return self.order.buyer

    @property
    def requester(self):
        """... and the request's requester."""
        return self.order.request.requested_by

    @property
    def status_badge(self):
        return AcceptanceStatus(self.status).badge

    @property
    def accepted_value(self):
        return sum((line.accepted_value for line in self.lines.all()), Decimal("0.00"))


class AcceptanceLine(models.Model):
    acceptance = models.ForeignKey(Acceptance, models.CASCADE, related_name="lines", verbose_name="验收单")
    request_line = models.ForeignKey(RequestLine, models.PROTECT, related_name="+", verbose_name="采购明细")
    accepted = models.DecimalField("合格数量", **QTY, default=Decimal("0"), validators=NOT_NEGATIVE)
    rejected = models.DecimalField("不合格数量", **QTY, default=Decimal("0"), validators=NOT_NEGATIVE)
    reason = models.CharField("不合格原因", max_length=200, blank=True)
    unit_price = models.DecimalField("实际单价(元)", **MONEY, validators=NOT_NEGATIVE)
    batch_code = models.CharField("批号", max_length=50, blank=True)
    expires_on = models.DateField("保质期至", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "验收明细"
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(condition=Q(accepted__gte=0) & Q(rejected__gte=0),
                                   name="acceptanceline_not_negative"),
        ]

    def __str__(self):
        return f"{self.request_line.name} 合格{self.accepted.normalize():f}"

    @property
    def accepted_value(self):
        return cents(self.accepted * self.unit_price)


class Voucher(SchoolOwned):
    """A reimbursement voucher (报销单) for an accepted delivery: the invoice, and the three
    signatures 经手人 (the buyer), 验收人 (an acceptor) and 审核人 (accountant or director)."""

    acceptance = models.ForeignKey(Acceptance, models.PROTECT, related_name="vouchers", verbose_name="验收单")
    supplier = models.ForeignKey(Supplier, models.PROTECT, related_name="vouchers", verbose_name="供应商",
                                 editable=False)
    invoice_number = models.CharField("发票号码", max_length=50)
    invoice_date = models.DateField("开票日期")
    amount = models.DecimalField("报销金额(元)", **MONEY, validators=POSITIVE)
    goods_value = models.DecimalField("验收货物金额(元)", **MONEY, editable=False)
    difference_reason = models.CharField("金额差异说明", max_length=300, blank=True)
    status = models.CharField("状态", max_length=12, choices=VoucherStatus.choices, default=VoucherStatus.SIGNING)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name="填单人")
    handler = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True,
                                related_name="+", verbose_name="经手人")
    handler_at = models.DateTimeField("经手人签字时间", null=True, blank=True)
    acceptor = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True,
                                 related_name="+", verbose_name="验收人")
    acceptor_at = models.DateTimeField("验收人签字时间", null=True, blank=True)
    auditor = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True,
                                related_name="+", verbose_name="审核人")
    auditor_at = models.DateTimeField("审核人签字时间", null=True, blank=True)
    audit_comment = models.CharField("审核意见", max_length=300, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = "报销单"
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(fields=["school", "supplier", "invoice_number"],
                                    condition=~Q(status="rejected"), name="voucher_unique_invoice",
                                    violation_error_message="该供应商的这张发票已经报销过，不能重复入账"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="voucher_amount_positive"),
        ]

    def __str__(self):
        return f"报销单 {self.invoice_number}"

    def get_absolute_url(self):
        return reverse("procurement:voucher_detail", args=[self.pk])

    @property
    def status_badge(self):
        return VoucherStatus(self.status).badge

    @property
    def difference(self):
        return self.amount - self.goods_value


class Rating(SchoolOwned):
    """The school's rating of a supplier after a delivery (1–5), one per order."""

    supplier = models.ForeignKey(Supplier, models.CASCADE, related_name="ratings", verbose_name="供应商")
    order = models.ForeignKey(PurchaseOrder, models.CASCADE, related_name="ratings", verbose_name="采购订单")
    score = models.PositiveSmallIntegerField("评分", validators=[MinValueValidator(1), MaxValueValidator(5)])
    comment = models.CharField("评价", max_length=300, blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name="评价人")
    created_at = models.DateTimeField("评价时间", auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = "供应商评价"
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(fields=["order"], name="rating_one_per_order"),
            models.CheckConstraint(condition=Q(score__gte=1, score__lte=5), name="rating_score_range"),
        ]

    def __str__(self):
        return f"{self.supplier} {self.score}分"

    def get_absolute_url(self):
        return reverse("procurement:rating_detail", args=[self.pk])
