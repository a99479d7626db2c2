"""Services of the stock app. The ledger primitives live in `ledger.py`; re-exported here so
other apps (procurement, maintenance) have one import: `from houqin.stock import services`.

Below them: requisitions (领用: create → submit → approval → issue, possibly in part →
签收) and monthly counts (月度盘存: open → count → submit → approval → adjustments). Every
transition locks its row, checks, raises a clear Chinese error when not allowed, and writes
through the ledger, in one transaction. Services take the acting user explicitly (`by=`)."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone

from houqin.core import approvals
from houqin.core.models import Person
from houqin.core.money import cents, yuan
from houqin.core.rules import require

from .choices import CountStatus, RequisitionStatus
from .ledger import (  # noqa: F401
    adjust,
    check_warehouse,
    first_of_month,
    issue,
    post,
    receive,
    return_to_stock,
    reverse,
    transfer,
)
from .models import Batch, Item, Movement, Requisition, RequisitionLine, StockBalance, StockCount, StockCountLine


def _fmt(quantity):
    return f"{Decimal(quantity).normalize():f}"


@transaction.atomic
def reverse_movement(movement, *, by, note):
    """A keeper cancels a wrong movement with a reversing entry (冲销), with the reason."""
    require(by, "reverse", movement)
    if not (note or "").strip():
        raise ValidationError({"note": "冲销须写明原因"})
    return reverse(movement, by=by, note=f"冲销 #{movement.pk}：{note.strip()}")


# --- requisitions (领用) --------------------------------------------------------------------


def _next_number(school, today):
    """LY-202611-0007: per school and month; the unique constraint catches a race."""
    prefix = f"LY{today:%Y%m}-"
    last = (Requisition.objects.filter(school=school, number__startswith=prefix)
            .order_by("-number").values_list("number", flat=True).first())
    seq = int(last.rsplit("-", 1)[1]) + 1 if last else 1
    return f"{prefix}{seq:04d}"


def _clean_lines(school, lines):
    """[(item, quantity, note)] → checked list; every bad line is named in one error."""
    errors, seen, clean = [], set(), []
    for item, quantity, note in lines:
        if item.school_id != school.pk:
            errors.append("物品不属于本校")
            continue
        if not item.active:
            errors.append(f"“{item}”已停用，不能领用")
        if item.pk in seen:
            errors.append(f"“{item}”重复，请合并为一行")
        seen.add(item.pk)
        quantity = Decimal(quantity)
        if quantity <= 0:
            errors.append(f"“{item}”的申领数量须大于零")
        clean.append((item, quantity, note or ""))
    if not clean and not errors:
        errors.append("请至少填写一项领用物品")
    if errors:
        raise ValidationError(errors)
    return clean


def _check_warehouse(school, warehouse):
    check_warehouse(school.pk, warehouse)


@transaction.atomic
def create_requisition(school, *, by, warehouse, purpose, lines, department=""):
    """A draft requisition of `by` with its lines [(item, quantity, note)]."""
    _check_warehouse(school, warehouse)
    if not purpose.strip():
        raise ValidationError({"purpose": "请填写用途"})
    lines = _clean_lines(school, lines)
    today = timezone.localdate()
    for _attempt in range(5):
        try:
            with transaction.atomic():
                requisition = Requisition.objects.create(
                    school=school, number=_next_number(school, today), warehouse=warehouse, requested_by=by,
                    department=department, purpose=purpose.strip())
            break
        except IntegrityError:
            continue  # another requisition took the number a moment ago
    else:
        raise ValidationError("单号生成冲突，请重试")
    RequisitionLine.objects.bulk_create(
        RequisitionLine(requisition=requisition, item=item, quantity=qty, note=note) for item, qty, note in lines)
    return requisition


def _locked(requisition):
    return Requisition.objects.select_for_update().select_related("warehouse", "school").get(pk=requisition.pk)


@transaction.atomic
def update_requisition(requisition, *, by, warehouse, purpose, lines, department=""):
    """Change a draft (or a rejected one, before submitting it again): lines are replaced."""
    requisition = _locked(requisition)
    require(by, "edit", requisition)
    if requisition.status not in (RequisitionStatus.DRAFT, RequisitionStatus.REJECTED):
        raise ValidationError("只有草稿或已驳回的领用单可以修改")
    _check_warehouse(requisition.school, warehouse)
    if not purpose.strip():
        raise ValidationError({"purpose": "请填写用途"})
    lines = _clean_lines(requisition.school, lines)
    requisition.warehouse, requisition.purpose, requisition.department = warehouse, purpose.strip(), department
    requisition.status = RequisitionStatus.DRAFT
    requisition.save()
    requisition.lines.all().delete()
    RequisitionLine.objects.bulk_create(
        RequisitionLine(requisition=requisition, item=item, quantity=qty, note=note) for item, qty, note in lines)
    return requisition


def estimate(requisition):
    """Σ quantity × the item's current moving-average cost in the requisition's warehouse."""
    lines = list(requisition.lines.all())
    costs = {b.item_id: b.unit_cost for b in StockBalance.objects.filter(
        warehouse_id=requisition.warehouse_id, item_id__in=[line.item_id for line in lines])}
    return cents(sum((line.quantity * costs.get(line.item_id, Decimal("0")) for line in lines), Decimal("0")))


REQUISITION = approvals.register(approvals.Policy(
    key="stock.requisition", label="领用审批",
    steps=approvals.school_ladder(district=False, director="总务主任审批"),
    on_approved=approvals.sets_status(RequisitionStatus.APPROVED),
    on_rejected=approvals.sets_status(RequisitionStatus.REJECTED),
))


@transaction.atomic
def submit_requisition(requisition, *, by):
    """Send a draft to approval; the amount (at today's average costs) decides the steps."""
    requisition = _locked(requisition)
    require(by, "submit", requisition)
    if requisition.status not in (RequisitionStatus.DRAFT, RequisitionStatus.REJECTED):
        raise ValidationError(f"领用单{requisition.get_status_display()}，不能提交")
    if not requisition.lines.exists():
        raise ValidationError("请至少填写一项领用物品")
    requisition.amount = estimate(requisition)
    requisition.status, requisition.submitted_at = RequisitionStatus.PENDING, timezone.now()
    requisition.save()
    approvals.request_approval(requisition, REQUISITION.key, by=by, amount=requisition.amount,
                               title=f"领用单 {requisition.number}：{requisition.purpose}"
                                     f"（约 {yuan(requisition.amount)} 元）")
    return requisition


def approval_of(subject, policy_key):
    return approvals.latest(subject, policy_key)


def requester_person(requisition):
    return Person.objects.filter(school_id=requisition.school_id, user_id=requisition.requested_by_id).first()


def _old_for_new_line(line, *, by, step, not_old, not_now):
    """The line locked, once `by` may take `step` on its requisition, its item is one given
    old for new (else `not_old`) and the requisition is waiting to be issued (else `not_now`)."""
    requisition = _locked(line.requisition)
    require(by, step, requisition)
    line = RequisitionLine.objects.select_for_update().select_related("item").get(pk=line.pk)
    if not line.item.old_for_new:
        raise ValidationError(f"“{line.item}”{not_old}")
    if requisition.status not in (RequisitionStatus.APPROVED, RequisitionStatus.PARTLY_ISSUED):
        raise ValidationError(not_now)
    return line


@transaction.atomic
def record_old_returned(line, *, by, quantity):
    """The keeper records old items handed back (以旧换新) for a line."""
    line = _old_for_new_line(line, by=by, step="return_old", not_old="不是以旧换新物品",
                             not_now="只有待发放的领用单可以登记交回旧物")
    quantity = Decimal(quantity)
    if quantity <= 0:
        raise ValidationError("交回旧物数量须大于零")
    line.old_returned += quantity
    line.save(update_fields=["old_returned"])
    return line


@transaction.atomic
def waive_old(line, *, by, reason):
    """The director lets a line be issued without the old item (lost, used up …), with the reason."""
    line = _old_for_new_line(line, by=by, step="waive", not_old="不是以旧换新物品，无需免交",
                             not_now="只有待发放的领用单可以免交旧物")
    if not (reason or "").strip():
        raise ValidationError({"reason": "免交旧物须写明理由"})
    line.old_waived_by, line.old_waiver_reason = by, reason.strip()[:200]
    line.save(update_fields=["old_waived_by", "old_waiver_reason"])
    return line


@transaction.atomic
def issue_requisition(requisition, *, by, quantities, old_returned=None, on=None):
    """Issue (发放) some or all of what is outstanding: `quantities` {line id: quantity},
    `old_returned` {line id: old items handed back now}. Each issue is a ledger movement with
    the line as source and the requester as person; the balance never goes below zero."""
    requisition = _locked(requisition)
    require(by, "issue", requisition)
    if requisition.status not in (RequisitionStatus.APPROVED, RequisitionStatus.PARTLY_ISSUED):
        raise ValidationError(f"领用单{requisition.get_status_display()}，不能发放")
    lines = {line.pk: line for line in requisition.lines.select_for_update().select_related("item")}
    old_returned = {int(k): Decimal(v) for k, v in (old_returned or {}).items() if Decimal(v)}
    quantities = {int(k): Decimal(v) for k, v in quantities.items() if Decimal(v)}
    unknown = (set(quantities) | set(old_returned)) - set(lines)
    if unknown:
        raise ValidationError("明细不属于该领用单")
    if not quantities:
        raise ValidationError("请填写本次发放数量")
    person = requester_person(requisition)
    for pk, quantity in quantities.items():
        line = lines[pk]
        _issue_line(requisition, line, quantity, old_returned.get(pk, Decimal("0")), by=by, person=person, on=on)
    outstanding = any(line.issued < line.quantity for line in lines.values())
    requisition.status = RequisitionStatus.PARTLY_ISSUED if outstanding else RequisitionStatus.ISSUED
    requisition.save(update_fields=["status", "updated_at"])
    return requisition


def _issue_line(requisition, line, quantity, returned, *, by, person, on):
    item = line.item
    if quantity < 0 or returned < 0:
        raise ValidationError(f"“{item}”的数量不能为负数")
    if quantity > line.outstanding:
        raise ValidationError(f"“{item}”最多还可发放 {_fmt(line.outstanding)}{item.unit}")
    if returned and not item.old_for_new:
        raise ValidationError(f"“{item}”不是以旧换新物品")
    line.old_returned += returned
    if item.old_for_new and line.old_waived_by_id is None and line.issued + quantity > line.old_returned:
        raise ValidationError(
            f"“{item}”以旧换新：已交回旧物 {_fmt(line.old_returned)}{item.unit}，最多可发 "
            f"{_fmt(max(line.old_returned - line.issued, Decimal('0')))}{item.unit}；未交旧物须总务主任批准免交")
    issue(warehouse=requisition.warehouse, item=item, quantity=quantity, by=by, person=person, source=line,
          note=f"领用单 {requisition.number}", on=on)
    line.issued += quantity
    line.save(update_fields=["issued", "old_returned"])


@transaction.atomic
def close_short(requisition, *, by, reason):
    """Close a partly issued requisition whose remaining goods will not come (部分发放后结案):
    the keeper or the requester, with the reason. What is still outstanding is no longer
    issued; the requisition becomes 已发放待签收 and the requester signs for what he got."""
    requisition = _locked(requisition)
    require(by, "close", requisition)
    if requisition.status != RequisitionStatus.PARTLY_ISSUED:
        raise ValidationError(f"领用单{requisition.get_status_display()}，只有部分发放的领用单可以结案")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "结案须写明原因（如：缺货、不再需要）"})
    requisition.status = RequisitionStatus.ISSUED
    requisition.closed_short_by, requisition.closed_short_at = by, timezone.now()
    requisition.closed_short_reason = reason[:200]
    requisition.save(update_fields=["status", "closed_short_by", "closed_short_at", "closed_short_reason",
                                    "updated_at"])
    return requisition


@transaction.atomic
def confirm_receipt(requisition, *, by):
    """The requester signs for what he received (签收); only he can."""
    requisition = _locked(requisition)
    require(by, "confirm", requisition)
    if requisition.status != RequisitionStatus.ISSUED:
        raise ValidationError("物品全部发放后才能签收（不再发放的可先结案）")
    requisition.status, requisition.received_at = RequisitionStatus.RECEIVED, timezone.now()
    requisition.save(update_fields=["status", "received_at", "updated_at"])
    return requisition


@transaction.atomic
def cancel_requisition(requisition, *, by):
    """The requester withdraws a requisition nothing of which has been issued yet."""
    requisition = _locked(requisition)
    require(by, "cancel", requisition)
    if requisition.status not in (RequisitionStatus.DRAFT, RequisitionStatus.PENDING, RequisitionStatus.REJECTED,
                                  RequisitionStatus.APPROVED):
        raise ValidationError(f"领用单{requisition.get_status_display()}，不能取消")
    if requisition.status == RequisitionStatus.PENDING:
        approval = approval_of(requisition, REQUISITION.key)
        if approval is not None and approval.status == "pending":
            approvals.withdraw(approval, by=approval.requested_by)
    requisition.status = RequisitionStatus.CANCELLED
    requisition.save(update_fields=["status", "updated_at"])
    return requisition


# --- monthly counts (月度盘存) ---------------------------------------------------------------


@transaction.atomic
def open_count(warehouse, *, by, month, note=""):
    """Open the count of a warehouse for a month: one line per item the warehouse holds or
    has moved this month, and for a batch-tracked item (food) one line per batch holding
    stock. The book quantity of a line is taken again when its counted quantity is entered."""
    require(by, "open_count", warehouse)
    _check_warehouse(warehouse.school, warehouse)
    month = first_of_month(month)
    taken = StockCount.objects.filter(warehouse=warehouse, month=month).exclude(status=CountStatus.CANCELLED)
    if taken.exists():
        raise ValidationError(f"{warehouse}{month:%Y年%m月}已有盘存单")
    count = StockCount.objects.create(school=warehouse.school, warehouse=warehouse, month=month, opened_by=by,
                                      note=note)
    sync_count_lines(count, by=by)
    return count


def _book(warehouse, item, batch, balance=None):
    """The live book quantity of a count line: the batch's, the item's balance, or for a
    batch-tracked item's line without batch what the balance holds outside its batches."""
    if batch is not None:
        return Batch.objects.get(pk=batch.pk).quantity
    if balance is None:
        balance = StockBalance.objects.filter(warehouse=warehouse, item=item).first()
    quantity = balance.quantity if balance else Decimal("0")
    if item.tracks_batches:
        in_batches = Batch.objects.filter(warehouse=warehouse, item=item).aggregate(total=Sum("quantity"))["total"]
        quantity -= in_batches or Decimal("0")
    return quantity


def _wanted_lines(count):
    """What an open sheet should list by the ledger now: {(item id, batch id or None): (book
    quantity, unit cost)}, with the warehouse's balances by item id."""
    warehouse = count.warehouse
    balances = {b.item_id: b for b in StockBalance.objects.filter(warehouse=warehouse).select_related("item")}
    moved = set(Movement.objects.filter(warehouse=warehouse, occurred_on__gte=count.month)
                .values_list("item_id", flat=True).order_by().distinct())
    batches = list(Batch.objects.filter(warehouse=warehouse, quantity__gt=0, item__tracks_batches=True))
    in_batches = {}
    for row in Batch.objects.filter(warehouse=warehouse).values("item_id").annotate(total=Sum("quantity")):
        in_batches[row["item_id"]] = row["total"] or Decimal("0")
    wanted = {}
    for b in balances.values():
        if not b.item.tracks_batches:
            if b.quantity > 0 or b.item_id in moved:
                wanted[(b.item_id, None)] = (b.quantity, b.unit_cost)
            continue
        outside = b.quantity - in_batches.get(b.item_id, Decimal("0"))
        if outside:
            wanted[(b.item_id, None)] = (outside, b.unit_cost)
    for batch in batches:
        b = balances.get(batch.item_id)
        wanted[(batch.item_id, batch.pk)] = (batch.quantity, b.unit_cost if b else Decimal("0"))
    return wanted, balances


def _plan_count_lines(count, lines):
    """Compare an open sheet's lines with the ledger, writing nothing: (the uncounted lines
    whose book quantity or cost moved, the new values set on them; the uncounted lines of
    batches used up since; unsaved lines for stock that arrived since opening)."""
    wanted, balances = _wanted_lines(count)
    existing = {(line.item_id, line.batch_id): line for line in lines}
    moved, emptied = [], []
    for key, line in existing.items():
        if line.counted is not None:
            continue
        if key not in wanted and (line.batch_id is not None or line.item.tracks_batches):
            emptied.append(line)  # the batch was used up (or the book squared) before anyone counted it
            continue
        held = balances.get(line.item_id)
        quantity, cost = wanted.get(key) or (held.quantity if held else Decimal("0"),
                                             held.unit_cost if held else line.unit_cost)
        if (line.expected, line.unit_cost) != (quantity, cost):
            line.expected, line.unit_cost = quantity, cost
            moved.append(line)
    new = [StockCountLine(count=count, item_id=item_id, batch_id=batch_id, expected=quantity, unit_cost=cost)
           for (item_id, batch_id), (quantity, cost) in wanted.items() if (item_id, batch_id) not in existing]
    return moved, emptied, new


@transaction.atomic
def sync_count_lines(count, *, by):
    """Bring an open sheet up to date with the ledger: add lines for items (and food batches)
    that got stock since it was opened, refresh the book quantity and cost of lines not yet
    counted, and drop uncounted lines of batches that are now empty. Counted lines keep the
    book quantity of the moment they were counted. Returns the number of lines added."""
    count = StockCount.objects.select_for_update().select_related("warehouse", "school").get(pk=count.pk)
    require(by, "count", count)
    if count.status != CountStatus.OPEN:
        return 0
    lines = count.lines.select_for_update(of=("self",)).select_related("item")
    moved, emptied, new = _plan_count_lines(count, lines)
    for line in emptied:
        line.delete()
    for line in moved:
        line.save(update_fields=["expected", "unit_cost"])
    StockCountLine.objects.bulk_create(new)
    return len(new)


def count_sheet(count):
    """The lines of a count as its page shows them, read without writing (the page is a
    GET): an open sheet as sync_count_lines would leave it, its uncounted lines at today's
    book quantity, and unsaved lines (no pk) at the end for stock that arrived since it was
    opened; the next step (saving counted quantities, submitting) adds them. Returns the
    lines and how many arrived."""
    lines = list(count.lines.select_related("item", "batch"))
    if count.status != CountStatus.OPEN:
        return lines, 0
    _moved, emptied, new = _plan_count_lines(count, lines)
    items = Item.objects.in_bulk({line.item_id for line in new})
    batches = Batch.objects.in_bulk({line.batch_id for line in new} - {None})
    for line in new:
        line.item, line.batch = items[line.item_id], batches.get(line.batch_id)
    gone = {line.pk for line in emptied}
    return [line for line in lines if line.pk not in gone] + new, len(new)


def _open_count(count):
    count = StockCount.objects.select_for_update().select_related("warehouse", "school").get(pk=count.pk)
    if count.status != CountStatus.OPEN:
        raise ValidationError(f"盘存单{count.get_status_display()}，不能再录入或提交")
    return count


@transaction.atomic
def count_line(line, *, by, counted, note=None):
    """Enter the counted quantity of one line (实盘数量). The book quantity and cost are taken
    from the live balance (or batch) now, so the variance is what was counted against what
    the book held at this moment; entering the same quantity again changes only the note."""
    count = _open_count(line.count)
    require(by, "count", count)
    counted = Decimal(counted)
    if counted < 0:
        raise ValidationError({"counted": "实盘数量不能为负数"})
    line = StockCountLine.objects.select_for_update(of=("self",)).select_related("item", "batch").get(pk=line.pk)
    fields = []
    if line.counted is None or counted != line.counted:
        if line.batch_id is None and line.item.tracks_batches and counted:
            raise ValidationError({"counted": f"“{line.item}”按批次管理：批次以外的数量只能盘为 0，"
                                              f"实物请按批次入库后再盘"})
        balance = StockBalance.objects.select_for_update().filter(warehouse=count.warehouse, item=line.item).first()
        line.expected = _book(count.warehouse, line.item, line.batch, balance)
        line.unit_cost = balance.unit_cost if balance else line.unit_cost
        line.counted, line.counted_at = counted, timezone.now()
        fields = ["expected", "unit_cost", "counted", "counted_at"]
    if note is not None:
        line.note = note[:200]
        fields.append("note")
    if fields:
        line.save(update_fields=fields)
    return line


def variance_value(count):
    """The gross value of the variances (Σ |variance × cost|): a surplus does not hide a loss."""
    return cents(sum((abs(line.variance_value) for line in count.lines.all() if line.counted is not None),
                     Decimal("0")))


def _line_label(line):
    return f"“{line.item}”批号{line.batch.code}" if line.batch_id else f"“{line.item}”"


def _apply_count(count, approval, by):
    """Post each line's variance (counted − book at counting) against today's balance, so
    what was issued or received after counting stays. Surpluses first; a loss that would take
    the balance (or batch) below zero refuses the whole approval and writes nothing."""
    count = StockCount.objects.select_for_update().select_related("warehouse").get(pk=count.pk)
    lines = [line for line in count.lines.select_related("item", "batch") if line.variance]
    balances = {b.item_id: b for b in StockBalance.objects.select_for_update().filter(
        warehouse=count.warehouse, item_id__in={line.item_id for line in lines})}
    short, losses = [], {}
    for line in lines:
        if line.variance < 0:
            losses.setdefault(line.item_id, []).append(line)
        if line.batch_id and line.variance < 0:
            batch = Batch.objects.select_for_update().get(pk=line.batch_id)
            if batch.quantity + line.variance < 0:
                short.append(f"{_line_label(line)}盘亏 {_fmt(-line.variance)}{line.item.unit}，"
                             f"该批次现只剩 {_fmt(batch.quantity)}{line.item.unit}")
    for item_id, item_losses in losses.items():
        held = balances[item_id].quantity if item_id in balances else Decimal("0")
        after = held + sum((line.variance for line in lines if line.item_id == item_id), Decimal("0"))
        if after < 0:
            item = item_losses[0].item
            lost = -sum((line.variance for line in item_losses), Decimal("0"))
            short.append(f"“{item}”盘亏 {_fmt(lost)}{item.unit}，现有库存只有 {_fmt(held)}{item.unit}")
    if short:
        raise ValidationError("盘存调整无法入账（盘点后已有出库）：" + "；".join(short) + "。请驳回后重新盘点。")
    for line in sorted(lines, key=lambda line: -line.variance):
        kind = "盘盈" if line.variance > 0 else "盘亏"
        adjust(warehouse=count.warehouse, item=line.item, delta=line.variance, by=by, source=count,
               batch=line.batch,
               note=f"{count.month:%Y年%m月}盘存{kind}" + (f"（批号{line.batch.code}）" if line.batch_id else "")
               + (f"：{line.note}" if line.note else ""))
    count.status = CountStatus.APPROVED
    count.save(update_fields=["status", "updated_at"])


def _reopen_count(count, approval, by):
    count = StockCount.objects.select_for_update().get(pk=count.pk)
    count.status, count.closed_at = CountStatus.OPEN, None
    count.save(update_fields=["status", "closed_at", "updated_at"])


COUNT = approvals.register(approvals.Policy(
    key="stock.count", label="月度盘存差异",
    steps=approvals.school_ladder(district=False),
    on_approved=_apply_count, on_rejected=_reopen_count,
))


def submit_count(count, *, by):
    """Submit a fully counted sheet. Without variances it is closed at once; otherwise the
    variances go to approval and become adjustment movements when approved. Lines for stock
    that arrived since the sheet was shown are added first (and must then be counted).
    Returns the approval or None."""
    require(by, "submit", count)
    sync_count_lines(count, by=by)
    return _submit_count(count, by=by)


@transaction.atomic
def _submit_count(count, *, by):
    count = _open_count(count)
    missing = count.lines.filter(counted__isnull=True).count()
    if missing:
        raise ValidationError(f"还有 {missing} 项未录入实盘数量")
    count.closed_at = timezone.now()
    lines = list(count.lines.all())
    if not any(line.variance for line in lines):
        count.status = CountStatus.APPROVED
        count.save(update_fields=["status", "closed_at", "updated_at"])
        return None
    count.status = CountStatus.PENDING
    count.save(update_fields=["status", "closed_at", "updated_at"])
    return approvals.request_approval(count, COUNT.key, by=by, amount=variance_value(count),
                                      title=f"{count}：差异调整")


@transaction.atomic
def cancel_count(count, *, by):
    count = _open_count(count)
    require(by, "cancel", count)
    count.status, count.closed_at = CountStatus.CANCELLED, timezone.now()
    count.save(update_fields=["status", "closed_at", "updated_at"])
    return count

