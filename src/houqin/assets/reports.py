"""Ledger queries of the assets app (总帐、明细帐、折旧、季度报表), each one aggregate query
computed by the database.

Depreciation is straight-line by month with no residual value, counted from the month of
purchase (当月增加当月计提): at month index m (year × 12 + month − 1) a depreciable holding
(life_months set) has accumulated

    original × min(max(m − start_month + 1, 0), life_months) / life_months

rounded to 0.01 yuan per holding; anything else (books, land, low-value items) accumulates 0.
The arithmetic is done in the database with expressions that behave the same on SQLite
(where decimals are stored as numbers and must be made REAL before dividing) and PostgreSQL
(numeric).
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import (
    Case,
    Count,
    DateField,
    DecimalField,
    ExpressionWrapper,
    F,
    Func,
    IntegerField,
    Prefetch,
    Q,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce, Greatest, Least, Round, TruncDate
from django.utils import timezone

from houqin.core.models import Room
from houqin.core.money import ZERO, cents

from .choices import ON_BOOKS, EventKind
from .models import Asset, AssetEvent, Category
from .services import month_index

MONEY_FIELD = DecimalField(max_digits=18, decimal_places=2)


class ToDecimal(Func):
    """A number the database divides without truncating: numeric on PostgreSQL, REAL on SQLite
    (whose NUMERIC affinity would keep 4800.00 as the integer 4800 and divide as integers)."""

    template = "CAST(%(expressions)s AS numeric)"
    output_field = DecimalField(max_digits=24, decimal_places=6)

    def as_sqlite(self, compiler, connection, **extra):
        return super().as_sql(compiler, connection, template="CAST(%(expressions)s AS REAL)", **extra)


def month_of(date):
    return month_index(date)


def original_expr(prefix=""):
    return ToDecimal(F(f"{prefix}unit_price") * F(f"{prefix}quantity"))


def months_expr(m, prefix=""):
    """Months depreciated by the end of month index m (0 … life_months)."""
    integer = IntegerField()
    elapsed = ExpressionWrapper(Value(m + 1, output_field=integer) - F(f"{prefix}start_month"), output_field=integer)
    return Least(Greatest(elapsed, Value(0, output_field=integer), output_field=integer),
                 Cast(F(f"{prefix}life_months"), integer), output_field=integer)


def accumulated_expr(m, prefix=""):
    """Accumulated depreciation of one holding at the end of month index m, rounded to cents."""
    return Case(
        When(**{f"{prefix}life_months__isnull": True}, then=Value(ZERO)),
        When(**{f"{prefix}life_months": 0}, then=Value(ZERO)),
        default=Round(original_expr(prefix) * months_expr(m, prefix) / F(f"{prefix}life_months"), 2),
        output_field=MONEY_FIELD,
    )


def accumulated_py(asset, date):
    """The same figure in Python, for tests and single-asset pages."""
    if not asset.life_months:
        return ZERO
    months = min(max(month_of(date) - asset.start_month + 1, 0), asset.life_months)
    return cents(asset.unit_price * asset.quantity * months / asset.life_months)


def on_books(queryset):
    return queryset.filter(status__in=ON_BOOKS)


# --- 总帐 ------------------------------------------------------------------------------------


@dataclass
class LedgerRow:
    code: str
    name: str
    capitalised: bool
    holdings: int = 0
    quantity: int = 0
    original: Decimal = ZERO
    accumulated: Decimal = ZERO

    @property
    def net(self):
        return self.original - self.accumulated


@dataclass
class Ledger:
    date: datetime.date
    rows: list = field(default_factory=list)

    def total(self, capitalised=None):
        rows = [r for r in self.rows if capitalised is None or r.capitalised == capitalised]
        t = LedgerRow("", "合计", bool(capitalised))
        for r in rows:
            t.holdings += r.holdings
            t.quantity += r.quantity
            t.original += r.original
            t.accumulated += r.accumulated
        return t

    @property
    def fixed(self):
        return [r for r in self.rows if r.capitalised]

    @property
    def low_value(self):
        return [r for r in self.rows if not r.capitalised]


def general_ledger(assets, date):
    """总帐 by category at `date` for holdings on the books, fixed assets and low-value items
    apart. `assets` is a school-scoped Asset queryset (filters allowed). One aggregate query,
    grouped on the category key without a join, and one for the category names."""
    m = month_of(date)
    rows = list(on_books(assets).filter(purchase_date__lte=date).order_by()
                .values("capitalised", "category_id")
                .annotate(holdings=Count("id"), qty=Sum("quantity"),
                          original=Sum(original_expr(), output_field=MONEY_FIELD),
                          accumulated=Sum(accumulated_expr(m), output_field=MONEY_FIELD)))
    names = category_names()
    result = [LedgerRow(*names.get(r["category_id"], ("?", "?")), r["capitalised"], r["holdings"], r["qty"] or 0,
                        cents(r["original"]), cents(r["accumulated"])) for r in rows]
    result.sort(key=lambda r: (not r.capitalised, r.code))
    return Ledger(date, result)


def category_names():
    """{category id: (code, name)} of the shared, small classification (a few dozen rows)."""

    return {pk: (code, name) for pk, code, name in Category.objects.values_list("pk", "code", "name")}


def with_depreciation(assets, date):
    """Annotate each holding with original, accumulated and net value at `date`."""
    m = month_of(date)
    return assets.annotate(original=original_expr(), accumulated=accumulated_expr(m))


# --- 月折旧 -----------------------------------------------------------------------------------


def monthly_depreciation(assets, year, month):
    """Depreciation charged in one month by category (fixed assets on the books). One query."""
    m = year * 12 + month - 1
    rows = (on_books(assets).filter(life_months__isnull=False, life_months__gt=0, start_month__lte=m).order_by()
            .values("category__code", "category__name", "category__depreciation_years")
            .annotate(holdings=Count("id", filter=Q(start_month__lte=m, start_month__gt=m - F("life_months"))),
                      original=Sum(original_expr(), output_field=MONEY_FIELD),
                      upto=Sum(accumulated_expr(m), output_field=MONEY_FIELD),
                      before=Sum(accumulated_expr(m - 1), output_field=MONEY_FIELD))
            .order_by("category__code"))
    result = []
    for r in rows:
        amount = cents(r["upto"]) - cents(r["before"])
        result.append({"code": r["category__code"], "name": r["category__name"],
                       "years": r["category__depreciation_years"], "holdings": r["holdings"],
                       "original": cents(r["original"]), "amount": amount, "accumulated": cents(r["upto"])})
    return result


# --- 固定资产季度报表 ------------------------------------------------------------------------


def parse_month(text, today):
    """(year, month) from "YYYY-MM"; this month when the text is missing or invalid."""
    try:
        year, month = (int(x) for x in (text or "").split("-")[:2])
        datetime.date(year, month, 1)
    except ValueError:
        year, month = today.year, today.month
    return year, month


def parse_quarter(year_text, quarter_text, today):
    """(year, quarter) from the query; this quarter when missing or invalid."""
    current = (today.year, (today.month - 1) // 3 + 1)
    try:
        year, quarter = int(year_text or current[0]), int(quarter_text or current[1])
    except ValueError:
        return current
    return (year, quarter) if 1 <= quarter <= 4 and 1990 <= year <= 2100 else current


def quarter_bounds(year, quarter):
    start = datetime.date(year, 3 * quarter - 2, 1)
    end = datetime.date(year + (quarter == 4), 1 if quarter == 4 else 3 * quarter + 1, 1) - datetime.timedelta(1)
    return start, end


def event_day():
    """The day an event counts in the books: a registration on the purchase date (an imported
    ledger keeps its history), anything else on the day it happened."""
    return Case(When(kind=EventKind.REGISTER, then=F("asset__purchase_date")), default=TruncDate("at"),
                output_field=DateField())


def quarterly_report(school, year, quarter, assets=None, narrow=False):
    """固定资产季度报表 by category: opening balance, additions, disposals (scrapped, lost,
    split off, stocktake losses), closing balance (original values, from the event ledger),
    and the depreciation of the quarter. opening + additions − disposals = closing."""
    start, end = quarter_bounds(year, quarter)
    events = AssetEvent.objects.filter(school=school, asset__capitalised=True).annotate(day=event_day())
    if narrow and assets is not None:
        events = events.filter(asset__in=assets)
    value = F("value_change")
    money = Value(ZERO, output_field=MONEY_FIELD)
    in_quarter = Q(day__gte=start, day__lte=end)
    rows = (events.filter(day__lte=end).order_by()
            .values("asset__category__code", "asset__category__name")
            .annotate(opening=Coalesce(Sum(value, filter=Q(day__lt=start)), money),
                      additions=Coalesce(Sum(value, filter=in_quarter & Q(value_change__gt=0)), money),
                      disposals=Coalesce(Sum(-value, filter=in_quarter & Q(value_change__lt=0)), money),
                      closing=Coalesce(Sum(value), money))
            .order_by("asset__category__code"))
    dep = {}
    assets = assets if assets is not None else Asset.objects.filter(school=school)
    m_end, m_before = month_of(end), month_of(start) - 1
    for r in (on_books(assets).filter(capitalised=True, life_months__isnull=False).order_by()
              .values("category__code")
              .annotate(upto=Sum(accumulated_expr(m_end), output_field=MONEY_FIELD),
                        before=Sum(accumulated_expr(m_before), output_field=MONEY_FIELD))):
        dep[r["category__code"]] = (cents(r["upto"]), cents(r["before"]))
    result = []
    for r in rows:
        upto, before = dep.get(r["asset__category__code"], (ZERO, ZERO))
        row = {"code": r["asset__category__code"], "name": r["asset__category__name"],
               "opening": cents(r["opening"]), "additions": cents(r["additions"]),
               "disposals": cents(r["disposals"]), "closing": cents(r["closing"]),
               "depreciation": upto - before, "accumulated": upto}
        if any(row[k] for k in ("opening", "additions", "disposals", "closing")):
            result.append(row)
    return {"start": start, "end": end, "rows": result,
            "total": {k: sum((r[k] for r in result), ZERO)
                      for k in ("opening", "additions", "disposals", "closing", "depreciation", "accumulated")}}


# --- 明细帐 ------------------------------------------------------------------------------------


def _midnight(day):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def event_ledger(school, *, start=None, end=None, category=None, kind=None, asset=None, assets=None):
    """AssetEvent rows of the school, filtered; `assets` narrows to visible holdings."""
    # the optional rooms are fetched after the LIMIT (prefetch), not LEFT JOINed: those joins
    # made PostgreSQL hash-join the whole period instead of reading (school, at) backwards
    rooms = Room.objects.select_related("building")
    qs = AssetEvent.objects.filter(school=school).select_related("asset__category", "by").prefetch_related(
        Prefetch("from_room", queryset=rooms), Prefetch("to_room", queryset=rooms))
    if assets is not None:
        qs = qs.filter(asset__in=assets)
    # a range on the stored timestamp (not at__date, which no index serves)
    if start:
        qs = qs.filter(at__gte=_midnight(start))
    if end:
        qs = qs.filter(at__lt=_midnight(end + datetime.timedelta(days=1)))
    if category:
        qs = qs.filter(Q(asset__category=category) | Q(asset__category__parent=category))
    if kind:
        qs = qs.filter(kind=kind)
    if asset:
        qs = qs.filter(asset=asset)
    return qs.order_by("-at")  # the (school, at) index read backwards: no sort of the period's rows


# --- 期初登记 -----------------------------------------------------------------------------------


def room_list(room, assets):
    """The room's holdings on the books, for the head teacher's signature at term start."""
    return (on_books(assets).filter(room=room).select_related("category", "custodian")
            .order_by("category__code", "name", "tag"))
