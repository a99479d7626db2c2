"""Domain operations of finance (财务). Each takes the acting user as `by`, checks the rule with
`require()` and raises a Chinese ValidationError when the books say no: 先批准再报支 (a budget
line is spent only once approved), 收支两条线 (income and spending under their own categories),
a closed month takes no entry, and a mistake is reversed, never edited."""

import datetime

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q, Sum
from django.utils import timezone

from houqin.core import approvals
from houqin.core.ledger import LedgerError
from houqin.core.models import Person, Term
from houqin.core.money import cents, yuan
from houqin.core.rules import VIEW, can, require

from .choices import EDITABLE, INCOME_CATEGORIES, Account, BudgetStatus, Category, Direction
from .models import BudgetLine, FinanceSettings, JournalEntry, MonthClose, RequestCharge

BUDGET_POLICY = approvals.register(approvals.Policy(
    key="finance.budget", label="预算审批",
    steps=approvals.school_ladder(district=False),
    on_approved=approvals.sets_status(BudgetStatus.APPROVED),
    on_rejected=approvals.sets_status(BudgetStatus.REJECTED),
))


# --- budget lines ------------------------------------------------------------------------------


@transaction.atomic
def save_line(line, *, by):
    """Draft or correct a budget line (草稿 or 已退回 only: a line under approval or approved stands)."""
    require(by, "draft", line)
    if line.pk:
        saved = BudgetLine.objects.select_for_update().get(pk=line.pk)
        if saved.status not in EDITABLE:
            raise ValidationError(f"预算“{saved}”{saved.get_status_display()}，不能修改")
    else:
        line.created_by = by
    line.amount = cents(line.amount)
    if line.amount <= 0:
        raise ValidationError({"amount": "预算金额须大于零"})
    if line.term_id and line.term.school_id != line.school_id:
        raise ValidationError({"term": "请选择本校的学期"})
    line.save()
    return line


@transaction.atomic
def submit_line(line, *, by):
    """Send the line to the director (and the principal from the school's threshold) for approval."""
    require(by, "submit", line)
    line = BudgetLine.objects.select_for_update().get(pk=line.pk)
    if line.status not in EDITABLE:
        raise ValidationError(f"预算“{line}”{line.get_status_display()}，不能再提交")
    approvals.request_approval(line, BUDGET_POLICY.key, by=by, amount=line.amount,
                               title=f"预算审批：{line}（{line.amount} 元）")
    line.status = BudgetStatus.PENDING
    line.save(update_fields=["status", "updated_at"])
    return line


def figures(line):
    """The line with its committed / spent / left, read again (one query)."""
    return BudgetLine.objects.with_figures().get(pk=line.pk)


# --- charges -----------------------------------------------------------------------------------


@transaction.atomic
def charge_request(charge, *, by):
    """Charge a purchase request to an approved budget line (预算占用)."""
    require(by, "charge", charge)
    line, request = charge.line, charge.request
    if line.school_id != charge.school_id or request.school_id != charge.school_id:
        raise ValidationError("预算项目和采购申请须为本校的")
    if line.status != BudgetStatus.APPROVED:
        raise ValidationError({"line": f"预算“{line}”尚未批准，不能占用（先批准再报支）"})
    if request.status == "reimbursed" and charge.pk:
        raise ValidationError("该采购已报销入账，不能再改预算项目")
    if not charge.pk:
        charge.created_by = by
    try:
        with transaction.atomic():
            charge.save()
    except IntegrityError:
        raise ValidationError({"request": "该采购申请已占用预算"})
    return charge


# --- the journal -------------------------------------------------------------------------------


def closed(school, on):
    return MonthClose.objects.filter(school=school, year=on.year, month=on.month).exists()


def ensure_open(school, on):
    """Refuse an entry dated in a closed month, saying what to do instead."""
    if closed(school, on):
        today = timezone.localdate()
        raise ValidationError({"occurred_on": f"{on.year}年{on.month}月已结账，不能再记入该月的流水；"
                                              f"请记入未结账的月份（如{today.year}年{today.month}月），"
                                              "错账用冲销更正"})


def _check(entry):
    income = entry.direction == Direction.INCOME
    if income != (entry.category in INCOME_CATEGORIES):
        raise ValidationError({"category": f"“{Category(entry.category).label}”不是{entry.get_direction_display()}科目"
                                           "（收支两条线）"})
    line = entry.budget_line
    if line is not None:
        if income:
            raise ValidationError({"budget_line": "收入不记入预算项目"})
        if line.school_id != entry.school_id:
            raise ValidationError({"budget_line": "请选择本校的预算项目"})
        if line.status != BudgetStatus.APPROVED:
            raise ValidationError({"budget_line": f"预算“{line}”尚未批准，不能列支（先批准再报支）"})
    if entry.handler_id and entry.handler.school_id != entry.school_id:
        raise ValidationError({"handler": "请选择本校的经手人"})


@transaction.atomic
def record_entry(entry, *, by, system=False):
    """Write one journal entry. `system`: posted by another record's step (an audited voucher),
    whose own rule was checked there."""
    if not system:
        require(by, "post", entry)
    if entry.pk:
        raise ValidationError("流水已记账，不能修改；错账请冲销")
    entry.amount = cents(entry.amount)
    if entry.amount <= 0:
        raise ValidationError({"amount": "金额须大于零（更正用冲销）"})
    if entry.occurred_on is None:
        entry.occurred_on = timezone.localdate()
    if entry.occurred_on > timezone.localdate():
        raise ValidationError({"occurred_on": "记账日期不能晚于今天"})
    _check(entry)
    ensure_open(entry.school, entry.occurred_on)
    entry.created_by = by
    entry.save()
    return entry


@transaction.atomic
def reverse_entry(entry, *, by, note=""):
    """A reversing entry (冲销), dated today, cancelling `entry`."""
    require(by, "reverse", entry)
    entry = JournalEntry.objects.select_for_update().get(pk=entry.pk)
    today = timezone.localdate()
    ensure_open(entry.school, today)

    try:
        reversal = entry.reversal(by=by, occurred_on=today,
                                  summary=f"冲销 {entry.number}{'：' + note.strip() if note.strip() else ''}"[:200])
    except LedgerError as refusal:
        raise ValidationError(str(refusal))
    reversal.save()
    return reversal


@transaction.atomic
def reclassify(entry, *, by, line, note=""):
    """改记预算项目: a spending entry moved onto another (approved) budget line — reversed,
    and booked again today against `line` under its category. Returns the new entry."""
    reverse_entry(entry, by=by, note=note or f"改记预算项目“{line.name}”")
    again = JournalEntry(
        school=entry.school, occurred_on=timezone.localdate(), direction=entry.direction, account=entry.account,
        category=line.category, budget_line=line, amount=entry.amount, summary=entry.summary, handler=entry.handler,
        voucher_number=entry.voucher_number, source_type=entry.source_type, source_id=entry.source_id)
    return record_entry(again, by=by)


# --- month close -------------------------------------------------------------------------------


@transaction.atomic
def close_month(close, *, by):
    """Close a month (月末结账): it takes no entry any more."""
    require(by, "close", close)
    today = timezone.localdate()
    if not 1 <= (close.month or 0) <= 12:
        raise ValidationError({"month": "月份须为 1–12"})
    if (close.year, close.month) > (today.year, today.month):
        raise ValidationError({"month": f"{close.year}年{close.month}月还没有到，不能结账"})
    if MonthClose.objects.filter(school=close.school, year=close.year, month=close.month).exists():
        raise ValidationError({"month": f"{close.year}年{close.month}月已结账"})
    close.closed_by = by
    close.save()
    return close


def month_report(school, year, month):
    """The month-end report by category: income and spending of the month and of the year to
    its end, reversals netted. {"rows": [...], "total": {...}} in two queries."""

    start = datetime.date(year, month, 1)
    end = datetime.date(year + (month == 12), month % 12 + 1, 1)
    entries = JournalEntry.objects.filter(school=school, occurred_on__gte=datetime.date(year, 1, 1),
                                          occurred_on__lt=end)
    rows = {}
    for r in entries.values("category", "direction").annotate(
            month=Sum("amount", filter=Q(occurred_on__gte=start)), year=Sum("amount")):
        row = rows.setdefault(r["category"], {"category": Category(r["category"]).label, "code": r["category"],
                                              "income": cents(0), "spending": cents(0), "income_year": cents(0),
                                              "spending_year": cents(0)})
        key = "income" if r["direction"] == Direction.INCOME else "spending"
        row[key] += cents(r["month"])
        row[f"{key}_year"] += cents(r["year"])
    order = list(Category.values)
    ordered = sorted(rows.values(), key=lambda r: order.index(r["code"]))
    total = {k: sum((r[k] for r in ordered), cents(0)) for k in ("income", "spending", "income_year", "spending_year")}
    return {"year": year, "month": month, "rows": ordered, "total": total, "closed": closed(school, start)}


# --- posting -----------------------------------------------------------------------------------


def line_for_request(request, year):
    """The line a purchase request is charged to: its RequestCharge, else the school's approved
    line of the year named as the request's 经费来源 (procurement's text field)."""
    charge = RequestCharge.objects.filter(request=request).select_related("line").first()
    if charge is not None:
        return charge.line
    return BudgetLine.objects.filter(school=request.school, year=year, name=request.budget_line.strip(),
                                     status=BudgetStatus.APPROVED).first()


@transaction.atomic
def post_voucher(voucher, *, by):
    """Post an audited reimbursement voucher (报销单) to the journal, against its request's
    budget line; idempotent (a voucher is posted once)."""

    source_type = ContentType.objects.get_for_model(voucher)
    found = JournalEntry.objects.filter(source_type=source_type, source_id=voucher.pk)
    if found.exists():
        return found.order_by("-pk").first()
    request = voucher.acceptance.order.request
    on = timezone.localdate(voucher.auditor_at) if voucher.auditor_at else timezone.localdate()
    line = line_for_request(request, on.year)
    handler = Person.objects.filter(school=voucher.school, user=voucher.handler_id).first() \
        if voucher.handler_id else None
    entry = JournalEntry(
        school=voucher.school, occurred_on=on, direction=Direction.SPENDING, account=Account.BANK,
        category=line.category if line else Category.PUBLIC_OTHER, budget_line=line, amount=voucher.amount,
        summary=f"报销：{request.title}（{voucher.supplier.name}，发票 {voucher.invoice_number}）"[:200],
        handler=handler, voucher_number=voucher.invoice_number, source_type=source_type, source_id=voucher.pk)
    return record_entry(entry, by=by, system=True)


# --- the purchase request's approval ------------------------------------------------------------

PURCHASE_POLICY = "procurement.request"


def charged_line(request_id, school):
    """The budget line a purchase request is charged to, with its figures, or None."""
    charge = RequestCharge.objects.filter(request_id=request_id, school=school).values("line_id").first()
    return BudgetLine.objects.with_figures().get(pk=charge["line_id"]) if charge else None


def over_budget(policy, subject, amount):
    """A purchase above what is left of its line needs the principal (the next tier), when
    the school's FinanceSettings say so; core.approvals asks this on opening the approval."""
    if policy.key != PURCHASE_POLICY or amount is None:
        return ()
    if not FinanceSettings.of(subject.school).over_budget_needs_principal:
        return ()
    line = charged_line(subject.pk, subject.school)
    if line is None or cents(amount) <= line.left:
        return ()
    return (approvals.PRINCIPAL_STEP.label,)


def budget_panel(approval, request):
    """The line's budget, committed, spent and left beside a purchase request's approval, for
    who may read the budget."""
    if approval.policy != PURCHASE_POLICY or not can(request.roles, VIEW, BudgetLine):
        return None
    line = charged_line(approval.object_id, approval.school)
    if line is None:
        return {"title": "预算", "rows": [], "warning": "该采购申请尚未记入预算项目"}
    amount = cents(approval.amount)
    pending = approval.status == "pending"
    after = line.left - amount if pending else line.left
    rows = [("预算金额", yuan(line.amount)), ("已占用", yuan(line.committed)), ("已支出", yuan(line.spent)),
            ("结余", yuan(line.left))]
    if pending:
        rows.append(("本次批准后结余", yuan(after)))
    warning = f"本次申请 {yuan(amount)} 元超出预算结余 {yuan(line.left)} 元" if pending and after < 0 else ""
    return {"title": f"预算：{line}", "rows": rows, "warning": warning}


approvals.STEP_FORCERS.append(over_budget)
approvals.APPROVAL_PANELS.append(budget_panel)


# --- the term's 收支情况说明 -------------------------------------------------------------------


def term_pair(school, term=None, today=None):
    """(the term, the one before it): `term`, or the latest begun by today; either may be None."""

    terms = Term.objects.filter(school=school).order_by("-starts_on")
    if term is None:
        term = terms.filter(starts_on__lte=today or timezone.localdate()).first()
    previous = terms.filter(starts_on__lt=term.starts_on).first() if term else None
    return term, previous


def term_statement(school, term, previous):
    """收支情况说明: each category's spending in the term against the term before, the saving
    (positive) or the increase (negative), and the income — every figure summed from the
    journal (reversals netted), in one query."""

    def within(t):
        return Q(occurred_on__gte=t.starts_on, occurred_on__lte=t.ends_on) if t else Q(pk__in=[])

    found = (JournalEntry.objects.filter(school=school).filter(within(term) | within(previous))
             .values("direction", "category")
             .annotate(now=Sum("amount", filter=within(term)), before=Sum("amount", filter=within(previous))))
    rows = {Direction.SPENDING: {}, Direction.INCOME: {}}
    for r in found:
        rows[r["direction"]][r["category"]] = (cents(r["before"]), cents(r["now"]))
    order = list(Category.values)

    def listed(direction):
        out = []
        for code in sorted(rows[direction], key=order.index):
            before, now = rows[direction][code]
            out.append({"code": code, "category": Category(code).label, "previous": before, "current": now,
                        "saving": before - now, "increase": now - before})
        return out

    spending, income = listed(Direction.SPENDING), listed(Direction.INCOME)

    def total(lines):
        before = sum((r["previous"] for r in lines), cents(0))
        now = sum((r["current"] for r in lines), cents(0))
        return {"previous": before, "current": now, "saving": before - now}

    return {"term": term, "previous": previous, "spending": spending, "income": income,
            "spending_total": total(spending), "income_total": total(income),
            "saved": sum((r["saving"] for r in spending if r["saving"] > 0), cents(0))}
