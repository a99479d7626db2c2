"""Domain operations on assets (校产). Each takes the acting user as `by`, runs in one
transaction, writes the event ledger (明细帐), and raises ValidationError in Chinese when the
operation is not allowed. Views and serializers call these, never assign a status."""

from decimal import Decimal
from urllib.parse import unquote, urlsplit

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Max, Q
from django.urls import Resolver404, resolve
from django.utils import timezone

from houqin.core import approvals
from houqin.core.money import yuan
from houqin.core.rules import require
from houqin.core.text import initials

from .choices import (
    ON_BOOKS,
    AssetStatus,
    CompensationStatus,
    EventKind,
    HoldingKind,
    LineResult,
    StocktakeStatus,
)
from .models import (
    Asset,
    AssetEvent,
    Compensation,
    Loan,
    ScrapRequest,
    Stocktake,
    StocktakeLine,
    StocktakeRoom,
)

# --- helpers -------------------------------------------------------------------


def month_index(date):
    return date.year * 12 + date.month - 1


def _event(asset, kind, *, by, quantity=0, value_change=Decimal("0.00"), note="", **places):
    return AssetEvent.objects.create(school=asset.school, asset=asset, kind=kind, quantity=quantity,
                                     value_change=value_change, note=note[:300], by=by, **places)


def _locked(asset):
    return Asset.objects.select_for_update().get(pk=asset.pk)


def _require(asset, *statuses, action):
    if asset.status not in statuses:
        raise ValidationError(f"{asset}当前状态为“{asset.get_status_display()}”，不能{action}")


def _quantity(asset, quantity):
    quantity = asset.quantity if quantity is None else int(quantity)
    if quantity < 1 or quantity > asset.quantity:
        raise ValidationError(f"数量须在 1 到 {asset.quantity} 之间")
    return quantity


# --- register --------------------------------------------------------------------


def next_tag(school, year):
    """The next free tag of the school for the year, e.g. ESYX-2025-00123."""
    prefix = f"{school.code.upper()}-{year}-"
    last = Asset.objects.filter(school=school, tag__startswith=prefix).aggregate(m=Max("tag"))["m"]
    number = int(last.rsplit("-", 1)[1]) + 1 if last and last.rsplit("-", 1)[1].isdigit() else 1
    return f"{prefix}{number:05d}"


def life_months(asset):
    """The depreciation life in months: the category's, for a capitalised asset only."""
    years = asset.category.depreciation_years
    return years * 12 if (years and asset.capitalised) else None


def prepare(asset):
    """Fill the derived fields of an unsaved asset from its school, category and price."""
    school = asset.school
    if asset.kind == HoldingKind.INDIVIDUAL and asset.quantity != 1:
        raise ValidationError({"quantity": "单件资产数量只能为 1；多件请选“批量”"})
    if asset.room_id and asset.room.school_id != school.pk:
        raise ValidationError({"room": "地点不属于本校"})
    if asset.custodian_id and asset.custodian.school_id != school.pk:
        raise ValidationError({"custodian": "保管人不属于本校"})
    asset.pinyin = initials(asset.name)[:100]
    asset.capitalised = asset.unit_price >= school.capitalisation_threshold
    asset.start_month = month_index(asset.purchase_date)
    asset.life_months = life_months(asset)
    return asset


@transaction.atomic
def register(asset, *, by):
    """Register an unsaved Asset (tag generated when empty); returns it saved."""
    prepare(asset)
    given = bool(asset.tag)
    taken = ValidationError({"tag": f"资产编号 {asset.tag} 已被使用"})
    if given and Asset.objects.filter(school=asset.school, tag=asset.tag).exists():
        raise taken
    for _attempt in range(5):
        if not given:
            asset.tag = next_tag(asset.school, asset.purchase_date.year)
        try:
            with transaction.atomic():
                asset.save()
            break
        except IntegrityError:
            if given:
                raise taken
            # someone took the number meanwhile: take the next one
    else:
        raise ValidationError("无法生成资产编号，请重试")
    _event(asset, EventKind.REGISTER, by=by, quantity=asset.quantity, value_change=asset.original_value,
           to_room=asset.room, to_custodian=asset.custodian, note="登记入账")
    return asset


def assign_tags(school, assets):
    """Tags for the imported holdings without one, continuing each purchase year's numbering
    as next_tag does (one query per year, not per holding)."""
    taken = {a.tag for a in assets if a.tag}
    for year in sorted({a.purchase_date.year for a in assets if not a.tag}):
        number = int(next_tag(school, year).rsplit("-", 1)[1]) - 1
        for a in assets:
            if not a.tag and a.purchase_date.year == year:
                number += 1
                while f"{school.code.upper()}-{year}-{number:05d}" in taken:
                    number += 1
                a.tag = f"{school.code.upper()}-{year}-{number:05d}"


def registered_in_bulk(assets, *, by, batch_size=2000):
    """The REGISTER events of holdings inserted by an import, as register() writes one each."""
    AssetEvent.objects.bulk_create([
        AssetEvent(school_id=a.school_id, asset_id=a.pk, kind=EventKind.REGISTER, quantity=a.quantity,
                   value_change=a.original_value, to_room_id=a.room_id, to_custodian_id=a.custodian_id,
                   note="批量导入", by=by) for a in assets], batch_size=batch_size)


@transaction.atomic
def edit(asset, *, by, changed):
    """Save the descriptive fields of a registered asset (the page's form or the API's PUT),
    recompute what follows from them (pinyin, depreciation life) and write the EDIT event
    naming the fields in `changed`."""
    asset.pinyin = initials(asset.name)[:100]
    asset.life_months = life_months(asset)
    asset.save()
    fields = {f.name: f for f in Asset._meta.concrete_fields}
    labels = "、".join(str(fields[name].verbose_name) for name in changed if name in fields)
    _event(asset, EventKind.EDIT, by=by, note=f"修改：{labels}" if labels else "修改")
    return asset


@transaction.atomic
def split(asset, quantity, *, by, note=""):
    """Split `quantity` off a bulk holding into a new holding in the same room; returns it."""
    asset = _locked(asset)
    if asset.kind != HoldingKind.BULK:
        raise ValidationError("只有批量资产可以拆分")
    quantity = int(quantity)
    if not 1 <= quantity < asset.quantity:
        raise ValidationError(f"拆分数量须在 1 到 {asset.quantity - 1} 之间")
    asset.quantity -= quantity
    asset.save(update_fields=["quantity", "updated_at"])
    value = asset.unit_price * quantity
    part = Asset.objects.get(pk=asset.pk)
    part.pk = part.id = None
    part._state.adding = True
    part.quantity, part.tag = quantity, next_tag(asset.school, asset.purchase_date.year)
    part.save()
    _event(asset, EventKind.SPLIT, by=by, quantity=-quantity, value_change=-value, note=f"拆出至 {part.tag} {note}")
    _event(part, EventKind.SPLIT, by=by, quantity=quantity, value_change=value, note=f"自 {asset.tag} 拆出 {note}",
           to_room=part.room, to_custodian=part.custodian)
    return part


@transaction.atomic
def move(asset, *, by, room=None, custodian=None, quantity=None, note=""):
    """Move a holding (or part of a bulk holding) to another room and/or custodian."""
    asset = _locked(asset)
    _require(asset, AssetStatus.IN_USE, AssetStatus.IDLE, AssetStatus.DAMAGED, action="调拨")
    if room is None and custodian is None:
        raise ValidationError("请选择新地点或新保管人")
    for other, label in ((room, "地点"), (custodian, "保管人")):
        if other is not None and other.school_id != asset.school_id:
            raise ValidationError(f"{label}不属于本校")
    quantity = _quantity(asset, quantity)
    if quantity < asset.quantity:
        asset = split(asset, quantity, by=by, note="调拨")
    before_room, before_custodian = asset.room, asset.custodian
    asset.room = room or asset.room
    asset.custodian = custodian or asset.custodian
    asset.save(update_fields=["room", "custodian", "updated_at"])
    _event(asset, EventKind.MOVE, by=by, from_room=before_room, to_room=asset.room,
           from_custodian=before_custodian, to_custodian=asset.custodian, note=note)
    return asset


# --- loans, damage, repair, loss ----------------------------------------------------


@transaction.atomic
def lend(asset, *, by, borrower, due_on, quantity=1, lent_on=None, note=""):
    asset = _locked(asset)
    _require(asset, AssetStatus.IN_USE, AssetStatus.IDLE, action="借出")
    if borrower.school_id != asset.school_id:
        raise ValidationError("借用人不属于本校")
    lent_on = lent_on or timezone.localdate()
    if due_on < lent_on:
        raise ValidationError({"due_on": "应还日期不能早于借出日期"})
    quantity = _quantity(asset, quantity)
    if quantity < asset.quantity:
        asset = split(asset, quantity, by=by, note="借出")
    asset.status = AssetStatus.LENT
    asset.save(update_fields=["status", "updated_at"])
    loan = Loan.objects.create(school=asset.school, asset=asset, borrower=borrower, quantity=quantity,
                               lent_on=lent_on, due_on=due_on, note=note)
    _event(asset, EventKind.LEND, by=by, note=f"借给 {borrower}，应还 {due_on:%Y-%m-%d} {note}")
    return loan


@transaction.atomic
def return_loan(loan, *, by, condition="完好", damaged=False, returned_on=None):
    loan = Loan.objects.select_for_update().get(pk=loan.pk)
    if loan.returned_on:
        raise ValidationError("该借用已归还")
    asset = _locked(loan.asset)
    loan.returned_on = returned_on or timezone.localdate()
    loan.return_condition = condition
    loan.save(update_fields=["returned_on", "return_condition", "updated_at"])
    asset.status = AssetStatus.DAMAGED if damaged else AssetStatus.IN_USE
    asset.save(update_fields=["status", "updated_at"])
    _event(asset, EventKind.RETURN, by=by, note=f"{loan.borrower} 归还：{condition}")
    return loan


def overdue_loans(school, today=None):
    today = today or timezone.localdate()
    return Loan.objects.filter(school=school, returned_on__isnull=True, due_on__lt=today)


@transaction.atomic
def report_damage(asset, *, by, description, liable_name="", amount=None):
    """Mark a holding damaged; with a liable person, open a compensation record."""
    asset = _locked(asset)
    _require(asset, AssetStatus.IN_USE, AssetStatus.IDLE, AssetStatus.LENT, action="报损")
    asset.status = AssetStatus.DAMAGED
    asset.save(update_fields=["status", "updated_at"])
    _event(asset, EventKind.DAMAGE, by=by, note=description)
    if liable_name:
        if amount is None or Decimal(amount) < 0:
            raise ValidationError({"amount": "请填写赔偿金额"})
        return Compensation.objects.create(school=asset.school, asset=asset, description=description,
                                           liable_name=liable_name, amount=amount)
    return None


@transaction.atomic
def settle_compensation(compensation, *, by, paid, note=""):
    """Record a compensation as paid, or waived (免赔: needs a reason)."""
    compensation = Compensation.objects.select_for_update().get(pk=compensation.pk)
    if compensation.status != CompensationStatus.PENDING:
        raise ValidationError("该赔偿已办结")
    if not paid and not note.strip():
        raise ValidationError({"settle_note": "免赔须写明理由"})
    compensation.status = CompensationStatus.PAID if paid else CompensationStatus.WAIVED
    compensation.settled_by, compensation.settled_on, compensation.settle_note = by, timezone.localdate(), note
    compensation.save()
    return compensation


@transaction.atomic
def send_to_repair(asset, *, by, note=""):
    asset = _locked(asset)
    _require(asset, AssetStatus.IN_USE, AssetStatus.IDLE, AssetStatus.DAMAGED, action="送修")
    asset.status = AssetStatus.IN_REPAIR
    asset.save(update_fields=["status", "updated_at"])
    _event(asset, EventKind.REPAIR, by=by, note=note)
    return asset


@transaction.atomic
def repaired(asset, *, by, note=""):
    asset = _locked(asset)
    _require(asset, AssetStatus.IN_REPAIR, action="登记修复")
    asset.status = AssetStatus.IN_USE
    asset.save(update_fields=["status", "updated_at"])
    _event(asset, EventKind.REPAIRED, by=by, note=note)
    return asset


@transaction.atomic
def mark_lost(asset, *, by, note):
    asset = _locked(asset)
    _require(asset, *[s for s in ON_BOOKS if s != AssetStatus.PENDING_SCRAP], action="登记丢失")
    if not note.strip():
        raise ValidationError({"note": "请写明丢失经过"})
    asset.status = AssetStatus.LOST
    asset.save(update_fields=["status", "updated_at"])
    _event(asset, EventKind.LOST, by=by, quantity=-asset.quantity, value_change=-asset.original_value, note=note)
    return asset


# --- scrapping ------------------------------------------------------------------------


def _decide_scrap(scrap, *, state, status, by, kind, note, write_off=False):
    """The asset takes `status` and the request `state`, with the asset's event (which takes
    the holding off the books when `write_off`)."""
    asset = _locked(scrap.asset)
    asset.status = status
    asset.save(update_fields=["status", "updated_at"])
    scrap.state = state
    scrap.save(update_fields=["state", "updated_at"])
    books = {"quantity": -asset.quantity, "value_change": -asset.original_value} if write_off else {}
    _event(asset, kind, by=by, note=note, **books)


def _scrap_approved(scrap, approval, by):
    _decide_scrap(scrap, state="approved", status=AssetStatus.SCRAPPED, by=by, kind=EventKind.SCRAP,
                  note=f"报废已批准：{scrap.reason}", write_off=True)


def _scrap_rejected(scrap, approval, by):
    _decide_scrap(scrap, state="rejected", status=scrap.previous_status, by=by, kind=EventKind.SCRAP_REJECTED,
                  note="报废未获批准")


SCRAP = approvals.register(approvals.Policy(
    key="assets.scrap", label="资产报废",
    steps=approvals.school_ladder(district=True),
    on_approved=_scrap_approved, on_rejected=_scrap_rejected,
))


@transaction.atomic
def request_scrap(asset, *, by, reason, quantity=None):
    """Ask to scrap a holding (or part of a bulk holding). The amount is its original value;
    the approval follows the school's thresholds (principal from principal_threshold)."""
    asset = _locked(asset)
    _require(asset, AssetStatus.IN_USE, AssetStatus.IDLE, AssetStatus.DAMAGED, action="申请报废")
    if not reason.strip():
        raise ValidationError({"reason": "请写明报废原因"})
    quantity = _quantity(asset, quantity)
    if quantity < asset.quantity:
        asset = split(asset, quantity, by=by, note="报废")
    previous = asset.status
    asset.status = AssetStatus.PENDING_SCRAP
    asset.save(update_fields=["status", "updated_at"])
    scrap = ScrapRequest.objects.create(school=asset.school, asset=asset, quantity=quantity, reason=reason,
                                        amount=asset.original_value, requested_by=by, previous_status=previous)
    _event(asset, EventKind.SCRAP_REQUEST, by=by, note=reason)
    approvals.request_approval(scrap, SCRAP.key, by=by, amount=scrap.amount,
                               title=f"报废 {asset.tag} {asset.name} ×{quantity}（{yuan(scrap.amount)} 元）")
    return scrap


@transaction.atomic
def dispose(scrap, *, by, method, proceeds=Decimal("0.00"), disposed_on=None):
    """Record how an approved scrapping was disposed of (出售、拍卖、销毁 …) and its proceeds."""
    scrap = ScrapRequest.objects.select_for_update().get(pk=scrap.pk)
    if scrap.state != "approved":
        raise ValidationError("只有已批准的报废才能登记处置")
    if Decimal(proceeds) < 0:
        raise ValidationError({"disposal_proceeds": "处置收入不能为负"})
    scrap.state, scrap.disposal_method, scrap.disposal_proceeds = "disposed", method, Decimal(proceeds)
    scrap.disposed_on = disposed_on or timezone.localdate()
    scrap.save()
    return scrap


# --- stocktakes ---------------------------------------------------------------------------


@transaction.atomic
def open_stocktake(school, *, by, name, rooms):
    """Open a stocktake of the given rooms; the expected list is frozen now."""
    rooms = list(rooms)
    if not rooms:
        raise ValidationError("请选择要盘点的房间")
    if any(r.school_id != school.pk for r in rooms):
        raise ValidationError("房间不属于本校")
    stocktake = Stocktake.objects.create(school=school, name=name, opened_by=by)
    by_room = {r.pk: StocktakeRoom(school=school, stocktake=stocktake, room=r) for r in rooms}
    StocktakeRoom.objects.bulk_create(by_room.values())
    assets = Asset.objects.filter(school=school, room_id__in=by_room, status__in=ON_BOOKS).only("id", "room_id",
                                                                                                 "quantity")
    StocktakeLine.objects.bulk_create(
        [StocktakeLine(school=school, stocktake=stocktake, stocktake_room=by_room[a.room_id], asset_id=a.pk,
                       expected=a.quantity) for a in assets.iterator(chunk_size=2000)],
        batch_size=1000,
    )
    return stocktake


def _open(stocktake):
    if stocktake.status != StocktakeStatus.OPEN:
        raise ValidationError("盘点已结束，不能再修改")


def result_of(expected, counted, damaged):
    if counted < expected:
        return LineResult.MISSING
    if damaged:
        return LineResult.DAMAGED
    if counted > expected:
        return LineResult.SURPLUS
    return LineResult.FOUND


@transaction.atomic
def count_line(line, *, by, counted, damaged=0, note=""):
    line = StocktakeLine.objects.select_for_update().select_related("stocktake", "stocktake_room").get(pk=line.pk)
    _open(line.stocktake)
    if line.stocktake_room.signed_at:
        raise ValidationError("该房间已签字确认，不能再修改")
    counted, damaged = int(counted), int(damaged or 0)
    if counted < 0 or damaged < 0 or damaged > counted:
        raise ValidationError("实盘数量不能为负，损坏数量不能超过实盘数量")
    if counted > 1 and line.asset_id and line.asset.kind == HoldingKind.INDIVIDUAL:
        raise ValidationError("单件资产实盘数量只能为 0 或 1；多出的物品请登记为盘盈")
    line.counted, line.damaged, line.note = counted, damaged, note
    line.result = result_of(line.expected, counted, damaged)
    line.counted_by, line.counted_at = by, timezone.now()
    line.save()
    return line


def _asset_lookup(text):
    """What a scanner typed, as a filter on StocktakeLine: a QR label carries the address of
    the scan page (/assets/scan/<tag>/) or of the asset page; a USB scanner types the tag."""

    if "/" in text:
        try:
            match = resolve(unquote(urlsplit(text).path))
        except Resolver404:
            match = None
        if match and match.view_name == "assets:scan":
            return {"asset__tag__iexact": match.kwargs["tag"]}
        if match and match.view_name == "assets:asset_detail":
            return {"asset_id": match.kwargs["pk"]}
    return {"asset__tag__iexact": text}


def scan(stocktake, tag, *, by, stocktake_room=None):
    """A scanned QR label (or typed tag) counts its holding as found (quantity as expected).
    With `stocktake_room`, a holding booked in another room of the stocktake is refused."""
    tag = (tag or "").strip()
    if not tag:
        raise ValidationError("请输入或扫描资产编号")
    lines = StocktakeLine.objects.filter(stocktake=stocktake).select_related("asset", "stocktake_room__room")
    line = lines.filter(**_asset_lookup(tag)).first()
    if line is None:
        raise ValidationError(f"{tag} 不在本次盘点的账面清单中；如是账外物品，请登记为盘盈")
    if stocktake_room is not None and line.stocktake_room_id != stocktake_room.pk:
        raise ValidationError(f"{line.asset} 账面在“{line.stocktake_room.room}”，不在本房间；"
                              "请到该房间盘点，或在本房间登记为盘盈")
    counted = count_line(line, by=by, counted=line.expected, note=line.note)
    counted.asset = line.asset
    return counted


@transaction.atomic
def add_surplus(stocktake_room, *, by, description, quantity, note=""):
    _open(stocktake_room.stocktake)
    if stocktake_room.signed_at:
        raise ValidationError("该房间已签字确认，不能再修改")
    return StocktakeLine.objects.create(
        school=stocktake_room.school, stocktake=stocktake_room.stocktake, stocktake_room=stocktake_room,
        description=description, expected=0, counted=int(quantity), result=LineResult.SURPLUS, note=note,
        counted_by=by, counted_at=timezone.now())


@transaction.atomic
def sign_room(stocktake_room, *, by):
    """`by` signs the room's count; who may is the rules' step `sign`, asked here with his
    roles in the school (never the caller's word for them)."""
    stocktake_room = StocktakeRoom.objects.select_for_update().select_related("room", "stocktake").get(
        pk=stocktake_room.pk)
    _open(stocktake_room.stocktake)
    if stocktake_room.signed_at:
        raise ValidationError("该房间已签字")
    require(by, "sign", stocktake_room)
    if stocktake_room.lines.filter(result=LineResult.PENDING).exists():
        raise ValidationError("还有未盘点的物品，不能签字")
    stocktake_room.signed_by, stocktake_room.signed_at = by, timezone.now()
    stocktake_room.save(update_fields=["signed_by", "signed_at", "updated_at"])
    return stocktake_room


def discrepancies(stocktake):
    return stocktake.lines.exclude(result=LineResult.FOUND).select_related("asset", "stocktake_room__room")


def line_value(line):
    """The original value a line's adjustment writes off or adds (0 for an unregistered surplus item)."""
    if line.asset_id is None or line.counted is None:
        return Decimal("0.00")
    return (abs(line.expected - line.counted) + line.damaged) * line.asset.unit_price


def discrepancy_value(stocktake):
    """The original value the adjustments would write off or add, for the approval amount."""
    return sum((line_value(line) for line in discrepancies(stocktake).filter(asset__isnull=False)),
               Decimal("0.00"))


def _apply_adjustments(stocktake, approval, by):
    for line in discrepancies(stocktake).filter(asset__isnull=False):
        asset = _locked(line.asset)
        if asset.status not in ON_BOOKS:  # written off meanwhile (scrapped, lost): never twice
            continue
        # the holding may have been split or moved since the count: adjust no more than is left
        missing, damaged = min(max(line.expected - line.counted, 0), asset.quantity), line.damaged
        surplus = max(line.counted - line.expected, 0)
        if missing:
            part = asset if missing == asset.quantity else split(asset, missing, by=by, note="盘亏")
            part.status = AssetStatus.LOST
            part.save(update_fields=["status", "updated_at"])
            _event(part, EventKind.STOCKTAKE, by=by, quantity=-part.quantity, value_change=-part.original_value,
                   note=f"{stocktake.name}：盘亏")
            asset.refresh_from_db()
        if damaged and asset.status != AssetStatus.LOST:
            part = asset if damaged >= asset.quantity else split(asset, damaged, by=by, note="盘点损坏")
            part.status = AssetStatus.DAMAGED
            part.save(update_fields=["status", "updated_at"])
            _event(part, EventKind.STOCKTAKE, by=by, note=f"{stocktake.name}：损坏 {damaged}")
        if surplus:
            asset.quantity += surplus
            asset.save(update_fields=["quantity", "updated_at"])
            _event(asset, EventKind.STOCKTAKE, by=by, quantity=surplus, value_change=surplus * asset.unit_price,
                   note=f"{stocktake.name}：盘盈")
    stocktake.status = StocktakeStatus.ADJUSTED
    stocktake.save(update_fields=["status", "updated_at"])


def _reopen_for_recount(stocktake, approval, by):
    """A rejected adjustment sends the stocktake back to counting: the rooms sign again after
    the counts are corrected, and closing submits a new approval."""
    stocktake.status, stocktake.closed_at = StocktakeStatus.OPEN, None
    stocktake.save(update_fields=["status", "closed_at", "updated_at"])
    for room in stocktake.rooms.filter(signed_at__isnull=False):
        room.signed_by, room.signed_at = None, None
        room.save(update_fields=["signed_by", "signed_at", "updated_at"])


@transaction.atomic
def cancel_stocktake(stocktake, *, by):
    """Abandon an open stocktake: nothing in the register changes."""
    stocktake = Stocktake.objects.select_for_update().get(pk=stocktake.pk)
    if stocktake.status != StocktakeStatus.OPEN:
        raise ValidationError("只有进行中的盘点可以取消（待审批的请先在审批中驳回）")
    stocktake.status, stocktake.closed_at = StocktakeStatus.CANCELLED, timezone.now()
    stocktake.save(update_fields=["status", "closed_at", "updated_at"])
    return stocktake


STOCKTAKE_ADJUSTMENT = approvals.register(approvals.Policy(
    key="assets.stocktake", label="盘点差异调整",
    steps=approvals.school_ladder(district=False),
    on_approved=_apply_adjustments, on_rejected=_reopen_for_recount,
))


@transaction.atomic
def close_stocktake(stocktake, *, by):
    """Close a stocktake whose rooms are all signed; the proposed adjustments go to approval.
    Returns the approval, or None when everything was found as expected."""
    stocktake = Stocktake.objects.select_for_update().get(pk=stocktake.pk)
    _open(stocktake)
    if stocktake.rooms.filter(signed_at__isnull=True).exists():
        raise ValidationError("还有房间未签字确认，不能结束盘点")
    stocktake.status, stocktake.closed_at = StocktakeStatus.CLOSED, timezone.now()
    stocktake.save(update_fields=["status", "closed_at", "updated_at"])
    if not discrepancies(stocktake).exists():
        stocktake.status = StocktakeStatus.ADJUSTED
        stocktake.save(update_fields=["status", "updated_at"])
        return None
    return approvals.request_approval(stocktake, STOCKTAKE_ADJUSTMENT.key, by=by,
                                      amount=discrepancy_value(stocktake),
                                      title=f"{stocktake.name}：盘点差异调整")


def progress(stocktake):
    """Per room: lines counted / total, and whether signed — for the progress view."""

    return stocktake.rooms.select_related("room__building", "signed_by").annotate(
        total=Count("lines"), done=Count("lines", filter=~Q(lines__result=LineResult.PENDING)))

