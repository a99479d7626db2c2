"""Costs and results of maintenance (维修统计), computed with aggregates: a constant number of
queries whatever the number of orders."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Avg, Count, DurationField, ExpressionWrapper, F, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone

from houqin.core.money import cents

from .choices import Category, Status

ZERO = Decimal("0.00")
# What an outside repairer charges per hour (元), for the self-repair savings estimate.
DEFAULT_OUTSIDE_RATE = Decimal("80.00")
FAILING_WINDOW_DAYS = 90
FAILING_MIN_ORDERS = 3


@dataclass
class Row:
    month: datetime.date
    category: str
    count: int = 0
    hours: Decimal = Decimal("0.0")
    outsourced: Decimal = ZERO
    parts: Decimal = ZERO

    @property
    def category_label(self):
        return Category(self.category).label

    @property
    def total(self):
        return self.outsourced + self.parts


def counted(orders):
    """Of `orders` (the work orders the viewer may see: rules.visible), those that count in
    the figures: all but cancelled ones."""
    return orders.exclude(status=Status.CANCELLED)


def monthly(orders, start, end):
    """[Row] per month (of the report date) and category between two dates (inclusive)."""
    qs = counted(orders).filter(reported_at__date__gte=start, reported_at__date__lte=end)
    rows = {}
    for r in (qs.annotate(month=TruncMonth("reported_at")).values("month", "category")
              .annotate(n=Count("id"), hours=Sum("labour_hours"), outsourced=Sum("outsourced_cost"),
                        parts=Sum("parts_cost")).order_by("month", "category")):
        month = r["month"].date() if isinstance(r["month"], datetime.datetime) else r["month"]
        rows[(month, r["category"])] = Row(month, r["category"], r["n"], r["hours"] or Decimal("0.0"),
                                           r["outsourced"] or ZERO, r["parts"] or ZERO)
    return [rows[k] for k in sorted(rows)]


def totals(rows):
    t = Row(None, Category.OTHER)
    for r in rows:
        t.count += r.count
        t.hours += r.hours
        t.outsourced += r.outsourced
        t.parts += r.parts
    return t


def mean_time_to_repair(orders, start, end):
    """Mean hours from report to completion of the orders finished in the period, or None."""
    qs = counted(orders).filter(done_at__isnull=False, done_at__date__gte=start, done_at__date__lte=end)
    duration = ExpressionWrapper(F("done_at") - F("reported_at"), output_field=DurationField())
    mean = qs.aggregate(m=Sum(duration), n=Count("id"))
    if not mean["n"]:
        return None
    total = mean["m"]
    seconds = total.total_seconds() if isinstance(total, datetime.timedelta) else total / 1_000_000
    return round(seconds / 3600 / mean["n"], 1)


def keep_failing(orders, today=None):
    """Rooms and assets with three or more orders in the last 90 days: [(label, url, count)]."""
    today = today or timezone.localdate()
    since = today - datetime.timedelta(days=FAILING_WINDOW_DAYS)
    recent = counted(orders).filter(reported_at__date__gt=since)
    rooms = (recent.filter(room__isnull=False).values("room", "room__name", "room__building__name")
             .annotate(n=Count("id")).filter(n__gte=FAILING_MIN_ORDERS).order_by("-n"))
    assets = (recent.filter(asset__isnull=False).values("asset", "asset__tag", "asset__name")
              .annotate(n=Count("id")).filter(n__gte=FAILING_MIN_ORDERS).order_by("-n"))
    return ([(f"{r['room__building__name']} {r['room__name']}", r["room"], r["n"]) for r in rooms],
            [(f"{a['asset__tag']} {a['asset__name']}", a["asset"], a["n"]) for a in assets])


def savings(rows, rate=DEFAULT_OUTSIDE_RATE):
    """An estimate of what self-repair saved: own labour hours × an outside hourly rate."""
    hours = sum((r.hours for r in rows), Decimal("0.0"))
    return hours, cents(hours * rate)


def own_vs_outsourced(orders, start, end):
    qs = counted(orders).filter(reported_at__date__gte=start, reported_at__date__lte=end)
    own = qs.filter(worker__isnull=False).count()
    out = qs.filter(worker__isnull=True).exclude(contractor="").count()
    return own, out



def ratings(orders, start, end):
    """The reporters' average rating (1–5) per worker and per contractor, lowest first: the
    people served are who say how well a repair was done. One query."""
    qs = (counted(orders).filter(rating__isnull=False, verified_at__date__gte=start, verified_at__date__lte=end)
          .values("worker__name", "contractor").annotate(n=Count("pk"), mean=Avg("rating")))
    rows = [((r["worker__name"] or r["contractor"] or "—"), "维修工" if r["worker__name"] else "外包单位",
             r["n"], Decimal(str(r["mean"])).quantize(Decimal("0.1"))) for r in qs]
    return sorted(rows, key=lambda row: (row[3], row[0]))
