"""Ledger queries of the stock app (库存结存、材料账、按月分类、低库存、临期食品、学期对比).

Every report is a fixed number of queries whatever the data size: sums and counts are
computed by the database (GROUP BY), never by walking movements one by one in Python. Only
the item ledger lists rows, and its running balance is the opening balance (one aggregate)
plus the rows shown, added up in the order they are listed.

Each function takes the school and a queryset of the warehouses the reader may see (the
canteen manager sees only canteen warehouses), so narrowing is decided once, by the view.

Money amounts are signed in the ledger (+ in, − out) and a reversal (冲销) repeats the kind of
the entry it cancels with the signs flipped, so summing `amount` by kind gives net figures:
receipts minus reversed receipts, issues minus reversed issues.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, DateField, F, Func, Q, Sum

from houqin.core.models import Term
from houqin.core.money import ZERO, cents

from .choices import ItemCategory, ItemKind, MovementKind
from .models import Batch, Movement, StockBalance

QZERO = Decimal("0")
OUTGOING_USE = (MovementKind.ISSUE, MovementKind.RETURN)  # 领用 net of 退库
CATEGORY_NAMES = dict(ItemCategory.choices)


class Unindexed(Func):
    """A date column the SQLite planner cannot use an index for (SQLite's unary `+`), so that
    an item's ledger is read through the (school, item, id) index rather than the whole
    school's (school, occurred_on) range. PostgreSQL weighs the two by its statistics and
    gets the column as it is."""

    template = "%(expressions)s"
    output_field = DateField()

    def as_sqlite(self, compiler, connection, **extra):
        return super().as_sql(compiler, connection, template="+%(expressions)s", **extra)


def qty(value):
    return Decimal(value or 0)


def unit_cost(quantity, value):
    """Moving-average unit cost (value / quantity), 0.00 when nothing is held."""
    return (value / quantity).quantize(Decimal("0.0001")) if quantity else ZERO


# --- 库存结存 ------------------------------------------------------------------------------------


@dataclass
class BalanceGroup:
    warehouse: str
    code: str
    category: str
    items: int = 0
    value: Decimal = ZERO
    rows: list = field(default_factory=list)


def stock_balance(school, warehouses, *, category=None, include_empty=False):
    """库存结存: every item held, grouped by warehouse and category, with quantity, average cost
    and value; group subtotals and the total value come from one GROUP BY query."""
    balances = StockBalance.objects.filter(school=school, warehouse__in=warehouses)
    if category:
        balances = balances.filter(item__category=category)
    if not include_empty:
        balances = balances.filter(Q(quantity__gt=0) | Q(value__gt=0))
    groups = {}
    for r in (balances.order_by().values("warehouse_id", "warehouse__name", "item__category")
              .annotate(items=Count("id"), value=Sum("value"))
              .order_by("warehouse__name", "item__category")):
        groups[(r["warehouse_id"], r["item__category"])] = BalanceGroup(
            r["warehouse__name"], r["item__category"],
            CATEGORY_NAMES.get(r["item__category"], r["item__category"]), r["items"], cents(r["value"]))
    rows = (balances.select_related("warehouse", "item")
            .order_by("warehouse__name", "item__category", "item__code"))
    for b in rows:
        group = groups.get((b.warehouse_id, b.item.category))
        if group is not None:
            group.rows.append(b)
    order = list(CATEGORY_NAMES)
    result = sorted(groups.values(), key=lambda g: (g.warehouse, order.index(g.code) if g.code in order else 99))
    total = {"items": sum(g.items for g in result), "value": sum((g.value for g in result), ZERO)}
    return {"groups": result, "total": total}


# --- 材料账 ---------------------------------------------------------------------------------------


@dataclass
class LedgerLine:
    movement: Movement
    in_quantity: Decimal
    in_amount: Decimal
    out_quantity: Decimal
    out_amount: Decimal
    balance_quantity: Decimal
    balance_value: Decimal


def item_ledger(school, warehouse, item, start, end, *, limit=None, offset=0):
    """材料账 of one item in one warehouse from `start` to `end` (dates inclusive): the opening
    balance, each movement in date order with the running balance, and the closing balance.
    Opening and period totals are aggregates; only the rows shown are read (`limit` rows from
    `offset`: a page, whose first running balance adds up the rows before it in one more
    aggregate). The totals and closing balance always cover the whole period."""
    moves = Movement.objects.filter(school=school, warehouse=warehouse, item=item).alias(day=Unindexed("occurred_on"))
    before = moves.filter(day__lt=start).aggregate(q=Sum("quantity"), v=Sum("amount"))
    opening_q, opening_v = qty(before["q"]), cents(before["v"])
    period = moves.filter(day__gte=start, day__lte=end)
    sums = period.aggregate(
        in_q=Sum("quantity", filter=Q(quantity__gt=0)), in_v=Sum("amount", filter=Q(quantity__gt=0)),
        out_q=Sum("quantity", filter=Q(quantity__lt=0)), out_v=Sum("amount", filter=Q(quantity__lt=0)),
        n=Count("id"))
    ordered = period.order_by("day", "id")
    run_q, run_v = opening_q, opening_v
    if offset:
        head = ordered[:offset].aggregate(q=Sum("quantity"), v=Sum("amount"))
        run_q, run_v = run_q + qty(head["q"]), run_v + cents(head["v"])
    carried = {"quantity": run_q, "value": run_v}
    rows = ordered.select_related("person", "batch", "created_by")
    if limit is not None:
        rows = rows[offset:offset + limit]
    lines = []
    for m in rows:
        run_q += m.quantity
        run_v += m.amount
        inbound = m.quantity > 0
        lines.append(LedgerLine(
            m, m.quantity if inbound else QZERO, m.amount if inbound else ZERO,
            -m.quantity if not inbound else QZERO, -m.amount if not inbound else ZERO, run_q, run_v))
    in_q, in_v = qty(sums["in_q"]), cents(sums["in_v"])
    out_q, out_v = -qty(sums["out_q"]), -cents(sums["out_v"])
    return {
        "opening": {"quantity": opening_q, "value": opening_v, "unit_cost": unit_cost(opening_q, opening_v)},
        "lines": lines, "count": sums["n"], "offset": offset, "carried": carried,
        "truncated": limit is not None and sums["n"] > offset + limit,
        "totals": {"in_quantity": in_q, "in_amount": in_v, "out_quantity": out_q, "out_amount": out_v},
        "closing": {"quantity": opening_q + in_q - out_q, "value": opening_v + in_v - out_v,
                    "unit_cost": unit_cost(opening_q + in_q - out_q, opening_v + in_v - out_v)},
    }


# --- 按月分类 -------------------------------------------------------------------------------------


def monthly_spending(school, warehouses, year, *, item_kind=ItemKind.CONSUMABLE):
    """按月分类: per category and month of `year`, the value received (purchases, 入库) and the
    value issued (领用, net of 退库). `item_kind` None = every item. One GROUP BY query."""
    moves = Movement.objects.filter(
        school=school, warehouse__in=warehouses, occurred_on__gte=datetime.date(year, 1, 1),
        occurred_on__lte=datetime.date(year, 12, 31), kind__in=(MovementKind.RECEIPT, *OUTGOING_USE))
    if item_kind:
        moves = moves.filter(item__kind=item_kind)
    # grouped by day (at most 366 × categories groups), folded into months here: extracting
    # the month in SQL would call a Python function per row on SQLite
    data = (moves.order_by().values("item__category", "occurred_on")
            .annotate(received=Sum("amount", filter=Q(kind=MovementKind.RECEIPT)),
                      used=Sum("amount", filter=Q(kind__in=OUTGOING_USE))))
    table = {}
    for r in data:
        row = table.setdefault(r["item__category"], {
            "category": r["item__category"], "name": CATEGORY_NAMES.get(r["item__category"], r["item__category"]),
            "received": [ZERO] * 12, "issued": [ZERO] * 12})
        month = r["occurred_on"].month - 1
        row["received"][month] += cents(r["received"])
        row["issued"][month] -= cents(r["used"])
    order = list(CATEGORY_NAMES)
    rows = sorted(table.values(), key=lambda r: order.index(r["category"]) if r["category"] in order else 99)
    for row in rows:
        row["received_total"] = sum(row["received"], ZERO)
        row["issued_total"] = sum(row["issued"], ZERO)
    total = {
        "received": [sum((r["received"][m] for r in rows), ZERO) for m in range(12)],
        "issued": [sum((r["issued"][m] for r in rows), ZERO) for m in range(12)],
    }
    total["received_total"] = sum(total["received"], ZERO)
    total["issued_total"] = sum(total["issued"], ZERO)
    return {"year": year, "rows": rows, "total": total}


# --- 低库存 ---------------------------------------------------------------------------------------


def low_stock(school, warehouses):
    """Items at or below their reorder level (最低库存 > 0), active items only. One query."""
    return (StockBalance.objects.filter(school=school, warehouse__in=warehouses, item__active=True,
                                        item__reorder_level__gt=0, quantity__lte=F("item__reorder_level"))
            .select_related("warehouse", "item").order_by("warehouse__name", "item__code"))


# --- 临期食品 -------------------------------------------------------------------------------------


def expiring_batches(school, warehouses, today, days=7):
    """Batches with stock left that have expired or expire within `days` days. One query."""
    limit = today + datetime.timedelta(days=days)
    rows = list(Batch.objects.filter(school=school, warehouse__in=warehouses, quantity__gt=0,
                                     expires_on__lte=limit)
                .select_related("warehouse", "item").order_by("expires_on", "id"))
    for b in rows:
        b.days_left = (b.expires_on - today).days
        b.expired = b.days_left < 0
    return rows


# --- 学期对比（易耗品） ----------------------------------------------------------------------------


def term_pair(school, term=None, today=None):
    """(this term, the term before it): `term` if given, else the latest term begun by today."""
    terms = Term.objects.filter(school=school)
    if term is None:
        term = terms.filter(starts_on__lte=today or datetime.date.today()).order_by("-starts_on").first()
        if term is None:
            return None, None
    previous = terms.filter(starts_on__lt=term.starts_on).order_by("-starts_on").first()
    return term, previous


def term_comparison(school, warehouses, term, previous):
    """易耗品支出 term over term: the value of consumables received (入库, net of reversed
    receipts) within each term's dates, by category and in total, and the saving
    (节约 = previous term − this term; negative = spent more). Food (食品原料) is the
    canteen's own account, not 易耗品, and is left out. One GROUP BY query."""
    ranges = {"this": (term.starts_on, term.ends_on)}
    if previous is not None:
        ranges["previous"] = (previous.starts_on, previous.ends_on)
    start = min(r[0] for r in ranges.values())
    end = max(r[1] for r in ranges.values())
    moves = Movement.objects.filter(school=school, warehouse__in=warehouses, kind=MovementKind.RECEIPT,
                                    item__kind=ItemKind.CONSUMABLE, occurred_on__gte=start, occurred_on__lte=end
                                    ).exclude(item__category=ItemCategory.FOOD)
    sums = {key: Sum("amount", filter=Q(occurred_on__gte=a, occurred_on__lte=b)) for key, (a, b) in ranges.items()}
    rows = []
    for r in moves.order_by().values("item__category").annotate(**sums):
        this, prev = cents(r["this"]), cents(r.get("previous"))
        if this or prev:
            rows.append({"category": r["item__category"],
                         "name": CATEGORY_NAMES.get(r["item__category"], r["item__category"]),
                         "previous": prev, "this": this, "saving": prev - this})
    order = list(CATEGORY_NAMES)
    rows.sort(key=lambda r: order.index(r["category"]) if r["category"] in order else 99)
    total = {k: sum((r[k] for r in rows), ZERO) for k in ("previous", "this", "saving")}
    return {"term": term, "previous_term": previous, "rows": rows, "total": total}
