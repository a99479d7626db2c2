"""Models of the finance app (财务): budget lines (预算) approved through the approval engine,
the charge of a purchase request to a line (预算占用), the append-only journal (流水帐) and the
month closes (月末结账).

A line's figures — budget, committed, spent, left — are never stored: `BudgetLine.objects
.with_figures()` computes them in the list's own query (one subquery each, no query per row)."""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import DecimalField, F, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.urls import reverse
from simple_history.models import HistoricalRecords

from houqin.core.ledger import AppendOnlyModel, LedgerEntry
from houqin.core.models import Person, School, SchoolOwned, SchoolQuerySet, SchoolSettings, Term
from houqin.core.money import MONEY, ZERO

from .choices import INCOME_CATEGORIES, Account, BudgetStatus, Category, Direction

# The purchase request statuses in which its amount is committed to its line: approved and
# not yet reimbursed (once reimbursed, its voucher's journal entry counts as spent).
COMMITTED = ("approved", "ordered", "accepted")

AMOUNT = DecimalField(**MONEY)


class FinanceSettings(SchoolSettings):
    """The school's rule for a purchase above what is left of its budget line [L]."""

    over_budget_needs_principal = models.BooleanField(
        "超出预算结余的采购须校长审批", default=True,
        help_text="采购申请金额超过所记预算项目的结余时，即使低于校长审批起点也须校长审批")
    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = "财务设置"


def _sum(queryset, field, group):
    """A subquery summing `field` of `queryset` grouped by `group` (the outer row's key), 0 without rows."""
    summed = queryset.values(group).annotate(total=Sum(field)).values("total")
    return Coalesce(Subquery(summed, output_field=AMOUNT), Value(ZERO), output_field=AMOUNT)


class BudgetLineQuerySet(SchoolQuerySet):
    def with_figures(self):
        """Each line with `committed` (approved purchase requests charged to it and not yet
        reimbursed), `spent` (its journal's spending, reversals netted) and `left`."""
        spent = _sum(JournalEntry.objects.filter(budget_line=OuterRef("pk"), direction=Direction.SPENDING),
                     "amount", "budget_line")
        committed = _sum(RequestCharge.objects.filter(line=OuterRef("pk"), request__status__in=COMMITTED),
                         "request__amount", "line")
        return self.annotate(committed=committed, spent=spent).annotate(
            left=models.ExpressionWrapper(F("amount") - F("committed") - F("spent"), output_field=AMOUNT))


class BudgetLine(SchoolOwned):
    """One line of the school's budget for a year (and a term, when it is a term's): its
    category, the amount, approved by the director and the principal (core.approvals)."""

    year = models.PositiveSmallIntegerField("年度")
    term = models.ForeignKey(Term, models.PROTECT, null=True, blank=True, related_name="+", verbose_name="学期",
                             help_text="全年预算不选")
    category = models.CharField("预算科目", max_length=16, choices=Category.choices)
    name = models.CharField("预算项目", max_length=100, help_text="如 办公用品、屋顶防水工程")
    amount = models.DecimalField("预算金额(元)", **MONEY)
    note = models.CharField("说明", max_length=300, blank=True)
    status = models.CharField("状态", max_length=12, choices=BudgetStatus.choices, default=BudgetStatus.DRAFT,
                              editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+",
                                   verbose_name="编制人", editable=False)
    history = HistoricalRecords()

    objects = BudgetLineQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "预算"
        ordering = ["-year", "category", "name"]
        constraints = [
            models.UniqueConstraint(fields=["school", "year", "name"], name="budgetline_unique_name",
                                    violation_error_message="本年度已有同名的预算项目"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="budgetline_amount_positive",
                                   violation_error_message="预算金额须大于零"),
        ]
        indexes = [models.Index(fields=["school", "year"], name="budgetline_school_year")]

    def __str__(self):
        return f"{self.year}年 {self.name}"

    def get_absolute_url(self):
        return reverse("finance:budgetline_detail", args=[self.pk])

    @property
    def status_badge(self):
        return BudgetStatus(self.status).badge


class RequestCharge(SchoolOwned):
    """预算占用: a purchase request charged to a budget line. Kept here, beside procurement's
    request, so that procurement needs no field of finance's: from its approval the request's
    amount is committed on the line, and its voucher, once audited, is spent from it."""

    request = models.OneToOneField("procurement.PurchaseRequest", models.PROTECT, related_name="finance_charge",
                                   verbose_name="采购申请")
    line = models.ForeignKey(BudgetLine, models.PROTECT, related_name="charges", verbose_name="预算项目")
    note = models.CharField("说明", max_length=200, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+",
                                   verbose_name="登记人", editable=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = "预算占用"
        ordering = ["-pk"]

    def __str__(self):
        return f"{self.request} → {self.line.name}"

    def get_absolute_url(self):
        return reverse("finance:requestcharge_detail", args=[self.pk])


class JournalEntry(LedgerEntry):
    """One line of the journal (流水帐): money in or out of the cash or the bank, under a
    category and (spending) a budget line, with the document it comes from and who handled it.
    Append-only at the database too; a mistake is corrected by a reversing entry, whose amount
    is the negative (so every sum nets it)."""

    REVERSED_FIELDS = ("amount",)

    school = models.ForeignKey(School, models.PROTECT, related_name="+", verbose_name="学校")
    occurred_on = models.DateField("记账日期")
    direction = models.CharField("收支", max_length=8, choices=Direction.choices)
    account = models.CharField("账户", max_length=8, choices=Account.choices, default=Account.BANK)
    category = models.CharField("科目", max_length=16, choices=Category.choices)
    budget_line = models.ForeignKey(BudgetLine, models.PROTECT, null=True, blank=True, related_name="entries",
                                    verbose_name="预算项目")
    amount = models.DecimalField("金额(元)", **MONEY)
    summary = models.CharField("摘要", max_length=200)
    handler = models.ForeignKey(Person, models.PROTECT, null=True, blank=True, related_name="+",
                                verbose_name="经手人")
    voucher_number = models.CharField("凭证/票据号", max_length=50, blank=True)
    # The document it comes from: a reimbursement voucher, a fee collection …
    source_type = models.ForeignKey(ContentType, models.PROTECT, null=True, blank=True, related_name="+",
                                    verbose_name="来源单据类型")
    source_id = models.PositiveBigIntegerField("来源单据", null=True, blank=True)
    source = GenericForeignKey("source_type", "source_id")
    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = "流水帐"
        ordering = ["-occurred_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=~Q(amount=0), name="journalentry_amount_not_zero"),
        ]
        indexes = [
            models.Index(fields=["school", "occurred_on"], name="journal_school_date"),
            models.Index(fields=["source_type", "source_id"], name="journal_source"),
        ]

    def __str__(self):
        return f"{self.number} {self.summary}"

    def get_absolute_url(self):
        return reverse("finance:journalentry_detail", args=[self.pk])

    @property
    def number(self):
        return f"JZ{self.occurred_on:%Y%m}-{self.pk or 0:05d}"

    @property
    def income(self):
        return self.amount if self.direction == Direction.INCOME else None

    @property
    def spending(self):
        return self.amount if self.direction == Direction.SPENDING else None

    @property
    def is_income_category(self):
        return self.category in INCOME_CATEGORIES


class MonthClose(AppendOnlyModel):
    """月末结账: the accountant closes a month; from then on the month takes no entry. A close
    is final (append-only, at the database too): a late correction goes into an open month."""

    school = models.ForeignKey(School, models.PROTECT, related_name="+", verbose_name="学校")
    year = models.PositiveSmallIntegerField("年度")
    month = models.PositiveSmallIntegerField("月份")
    note = models.CharField("说明", max_length=200, blank=True)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+",
                                  verbose_name="结账人", editable=False)
    closed_at = models.DateTimeField("结账时间", auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = "月末结账"
        ordering = ["-year", "-month"]
        constraints = [
            models.UniqueConstraint(fields=["school", "year", "month"], name="monthclose_unique_month",
                                    violation_error_message="该月已结账"),
            models.CheckConstraint(condition=Q(month__gte=1, month__lte=12), name="monthclose_month_valid",
                                   violation_error_message="月份须为 1–12"),
        ]

    def __str__(self):
        return f"{self.year}年{self.month}月"

    def get_absolute_url(self):
        return reverse("finance:monthclose_detail", args=[self.pk])
