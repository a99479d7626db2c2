"""The stock ledger: every change of a warehouse's holding of an item goes through `post`,
which locks the item's balance row, refuses to go below zero, prices issues at the moving
average and writes the movement with the balance after it — all in one transaction.

Concurrency: on PostgreSQL the balance row is locked with SELECT ... FOR UPDATE, so two
keepers issuing the last units queue on the row and the second sees the first's result; on
SQLite the write transaction is IMMEDIATE (settings), which serialises writers. The CHECK
constraints on the balance and batch rows are the last guard on both."""

import datetime
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from houqin.core.money import cents

from .choices import MovementKind
from .models import Batch, Movement, StockBalance

INBOUND = {MovementKind.RECEIPT, MovementKind.RETURN, MovementKind.TRANSFER_IN}


def locked_balance(warehouse, item):
    """The (warehouse, item) balance row, created if missing, locked for this transaction."""
    balance = StockBalance.objects.select_for_update().filter(warehouse=warehouse, item=item).first()
    if balance is None:
        try:
            with transaction.atomic():
                StockBalance.objects.create(school_id=warehouse.school_id, warehouse=warehouse, item=item)
        except IntegrityError:
            pass  # created by a concurrent transaction a moment ago
        balance = StockBalance.objects.select_for_update().get(warehouse=warehouse, item=item)
    return balance


def _source_fields(source):
    if source is None:
        return {}
    return {"source_type": ContentType.objects.get_for_model(source), "source_id": source.pk}


def check_warehouse(school_id, warehouse, *, foreign="仓库不属于本校"):
    """The warehouse is the school's (else `foreign`) and in use."""
    if warehouse.school_id != school_id:
        raise ValidationError(foreign)
    if not warehouse.active:
        raise ValidationError(f"仓库“{warehouse}”已停用")


def _check(warehouse, item):
    check_warehouse(item.school_id, warehouse, foreign="物品和仓库不属于同一所学校")


@transaction.atomic
def post(*, warehouse, item, kind, quantity, by, unit_cost=None, amount=None, batch=None, person=None,
         source=None, note="", on=None):
    """Write one movement. `quantity` is positive; the kind says the direction. Inbound
    movements need `unit_cost` (or `amount`); outbound ones are priced at the moving average,
    and the last units take the whole remaining value so the balance value ends at 0.00."""
    kind = MovementKind(kind)
    quantity = Decimal(quantity)
    if quantity == 0:
        raise ValidationError("数量不能为零")
    _check(warehouse, item)
    balance = locked_balance(warehouse, item)
    inbound = kind in INBOUND or (kind == MovementKind.ADJUSTMENT and quantity > 0)
    size = abs(quantity)
    if inbound:
        if amount is None:
            if unit_cost is None:
                unit_cost = balance.unit_cost
            amount = cents(Decimal(unit_cost) * size)
        amount = cents(amount)
        if amount < 0:
            raise ValidationError("金额不能为负数")
        signed_qty, signed_amount = size, amount
    else:
        if size > balance.quantity:
            raise ValidationError(
                f"“{item}”库存不足：{warehouse}现有 {balance.quantity.normalize():f}{item.unit}，"
                f"不能出库 {size.normalize():f}{item.unit}")
        cost = balance.value
        if size < balance.quantity:
            cost = min(balance.value, cents(balance.value * size / balance.quantity))
        signed_qty, signed_amount = -size, -cost
    balance.quantity += signed_qty
    balance.value += signed_amount
    balance.save(update_fields=["quantity", "value", "updated_at"])
    if batch is not None:
        _move_batch(batch, signed_qty)
    return Movement.objects.create(
        school_id=warehouse.school_id, warehouse=warehouse, item=item, batch=batch, kind=kind,
        occurred_on=on or timezone.localdate(), quantity=signed_qty, amount=signed_amount,
        balance_quantity=balance.quantity, balance_value=balance.value, person=person, note=note[:200],
        created_by=by, **_source_fields(source),
    )


def _move_batch(batch, signed_qty):
    batch = Batch.objects.select_for_update().get(pk=batch.pk)
    if batch.quantity + signed_qty < 0:
        raise ValidationError(f"批次 {batch.code} 剩余 {batch.quantity.normalize():f}，不够出库")
    batch.quantity += signed_qty
    batch.save(update_fields=["quantity", "updated_at"])


@transaction.atomic
def receive(*, warehouse, item, quantity, unit_cost, by, batch_code="", expires_on=None, produced_on=None,
            source=None, note="", on=None):
    """Goods into stock (入库). A batch-tracked item needs its batch number and expiry."""
    on = on or timezone.localdate()
    batch = None
    if item.tracks_batches:
        if not expires_on:
            raise ValidationError(f"“{item}”按批次管理，入库须填写保质期")
        batch = Batch.objects.create(
            school_id=warehouse.school_id, warehouse=warehouse, item=item, code=batch_code or on.strftime("%Y%m%d"),
            produced_on=produced_on, expires_on=expires_on, received_on=on,
        )
    return post(warehouse=warehouse, item=item, kind=MovementKind.RECEIPT, quantity=quantity, unit_cost=unit_cost,
                by=by, batch=batch, source=source, note=note or "入库", on=on)


@transaction.atomic
def issue(*, warehouse, item, quantity, by, person=None, source=None, note="", on=None):
    """Goods out to a user (领用出库). Batch-tracked items are taken first-expiring-first;
    returns the movements written (one per batch touched, else one)."""
    quantity = Decimal(quantity)
    if quantity <= 0:
        raise ValidationError("出库数量须大于零")
    note = note or "领用出库"
    if not item.tracks_batches:
        return [post(warehouse=warehouse, item=item, kind=MovementKind.ISSUE, quantity=quantity, by=by,
                     person=person, source=source, note=note, on=on)]
    movements, left = [], quantity
    batches = Batch.objects.select_for_update().filter(warehouse=warehouse, item=item, quantity__gt=0)
    for batch in batches.order_by("expires_on", "id"):
        take = min(left, batch.quantity)
        movements.append(post(warehouse=warehouse, item=item, kind=MovementKind.ISSUE, quantity=take, by=by,
                              batch=batch, person=person, source=source, note=note, on=on))
        left -= take
        if not left:
            return movements
    # Not enough in batches: post the rest so the message names the real shortage.
    movements.append(post(warehouse=warehouse, item=item, kind=MovementKind.ISSUE, quantity=left, by=by,
                          person=person, source=source, note=note, on=on))
    return movements


@transaction.atomic
def return_to_stock(*, warehouse, item, quantity, by, person=None, source=None, note="", on=None):
    """Unused goods back into stock (退库) at the current average cost."""
    return post(warehouse=warehouse, item=item, kind=MovementKind.RETURN, quantity=quantity, by=by, person=person,
                source=source, note=note or "退库", on=on)


@transaction.atomic
def adjust(*, warehouse, item, delta, by, source=None, note, on=None, batch=None):
    """A count variance (盘盈 +, 盘亏 -), priced at the average cost. A batch-tracked item is
    adjusted on one of its batches, so its batches keep summing to its balance."""
    if not note.strip():
        raise ValidationError("调整须写明原因")
    if batch is not None and (batch.item_id != item.pk or batch.warehouse_id != warehouse.pk):
        raise ValidationError("批次不属于该仓库的该物品")
    delta = Decimal(delta)
    return post(warehouse=warehouse, item=item, kind=MovementKind.ADJUSTMENT, quantity=delta, by=by, source=source,
                batch=batch, note=note, on=on)


@transaction.atomic
def transfer(*, source_warehouse, target_warehouse, item, quantity, by, note="", on=None):
    """Move goods between two warehouses of the school at their average cost (调拨)."""
    if source_warehouse.pk == target_warehouse.pk:
        raise ValidationError("调出和调入仓库不能相同")
    if source_warehouse.school_id != target_warehouse.school_id:
        raise ValidationError("只能在本校仓库之间调拨")
    out = post(warehouse=source_warehouse, item=item, kind=MovementKind.TRANSFER_OUT, quantity=quantity, by=by,
               note=note or f"调往{target_warehouse}", on=on)
    into = post(warehouse=target_warehouse, item=item, kind=MovementKind.TRANSFER_IN, quantity=quantity,
                amount=-out.amount, by=by, note=note or f"自{source_warehouse}调入", on=on)
    return out, into


@transaction.atomic
def reverse(movement, *, by, note=""):
    """Cancel a wrong movement with a reversing entry (冲销) that restores the balance."""
    if movement.reverses_id is not None:
        raise ValidationError("冲销条目不能再冲销")
    if Movement.objects.filter(reverses=movement).exists():
        raise ValidationError("该条目已冲销")
    balance = locked_balance(movement.warehouse, movement.item)
    quantity, amount = -movement.quantity, -movement.amount
    if balance.quantity + quantity < 0 or balance.value + amount < 0:
        raise ValidationError("冲销后库存将为负数，不能冲销（货物已发出）")
    balance.quantity += quantity
    balance.value += amount
    balance.save(update_fields=["quantity", "value", "updated_at"])
    if movement.batch_id:
        _move_batch(movement.batch, quantity)
    entry = movement.reversal(by=by, note=(note or f"冲销 #{movement.pk}")[:200], occurred_on=timezone.localdate(),
                              balance_quantity=balance.quantity, balance_value=balance.value)
    entry.save()
    return entry


def first_of_month(day: datetime.date):
    return day.replace(day=1)
