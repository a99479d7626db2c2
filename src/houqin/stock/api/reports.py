"""API of the stock reports: read-only JSON twins of the report pages, same rule (the ledger's
view rule), same tenant scope, same warehouse narrowing (the canteen manager reads the canteen
warehouses only), same figures (stock/reports.py). Money and quantities are strings, never
floats. Bad parameters answer 400 with a Chinese message; another school's ids answer 404.

    GET /api/v1/stock-reports/balance/?warehouse=&category=
    GET /api/v1/stock-reports/ledger/?item=ID&warehouse=ID&start=YYYY-MM-DD&end=YYYY-MM-DD&page=1
    GET /api/v1/stock-reports/spending/?year=2026&kind=consumable|durable|all
    GET /api/v1/stock-reports/low-stock/
    GET /api/v1/stock-reports/expiring/?days=7
    GET /api/v1/stock-reports/terms/?term=ID
"""


from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.response import Response

from houqin.core.api.base import SchoolScopedViewSetMixin
from houqin.core.models import Term
from houqin.core.params import date_param, int_param

from .. import reports
from ..choices import ItemCategory, ItemKind
from ..models import Item, Movement
from ..views.reports import LEDGER_ROWS, visible_warehouses


def s(value):
    return None if value is None else str(value)


def _id(params, name, label):
    text = params.get(name)
    if not text:
        raise ValidationError({name: f"请指定{label}"})
    if not text.isdigit():
        raise NotFound(f"没有这个{label}")
    return int(text)


REPORT = extend_schema(responses=OpenApiTypes.OBJECT)


@extend_schema_view(balance=REPORT, ledger=REPORT, spending=REPORT, low_stock=REPORT, expiring=REPORT, terms=REPORT)
class StockReportViewSet(SchoolScopedViewSetMixin, viewsets.GenericViewSet):
    """Stock reports (库存结存、材料账、按月分类、低库存、临期食品、易耗品学期对比)."""

    queryset = Movement.objects.none()  # the rule checked is the ledger's (stock.movement, view)
    serializer_class = serializers.Serializer  # answers are built by hand from stock/reports.py
    pagination_class = None

    @property
    def today(self):
        return timezone.localdate()

    def warehouses(self):
        return visible_warehouses(self.request)

    @action(detail=False, methods=["get"])
    def balance(self, request):
        params, warehouses = request.query_params, self.warehouses()
        if params.get("warehouse"):
            warehouses = warehouses.filter(pk=_id(params, "warehouse", "仓库"))
        category = params.get("category") or None
        if category and category not in ItemCategory.values:
            raise ValidationError({"category": f"没有类别“{category}”"})
        report = reports.stock_balance(self.school, warehouses, category=category)
        groups = [{"warehouse": g.warehouse, "category": g.category, "items": g.items, "value": s(g.value),
                   "rows": [{"item": b.item_id, "code": b.item.code, "name": b.item.name, "unit": b.item.unit,
                             "quantity": s(b.quantity), "unit_cost": s(b.unit_cost), "value": s(b.value)}
                            for b in g.rows]}
                  for g in report["groups"]]
        return Response({"date": self.today, "groups": groups,
                         "total": {"items": report["total"]["items"], "value": s(report["total"]["value"])}})

    @action(detail=False, methods=["get"])
    def ledger(self, request):
        params = request.query_params
        item = Item.objects.filter(school=self.school, pk=_id(params, "item", "物品")).first()
        if item is None:
            raise NotFound("没有这个物品")
        warehouse = self.warehouses().filter(pk=_id(params, "warehouse", "仓库")).first()
        if warehouse is None:
            raise NotFound("没有这个仓库")
        start = date_param(params, "start", self.today.replace(month=1, day=1), strict=True)
        end = date_param(params, "end", self.today, strict=True)
        if end < start:
            raise ValidationError({"end": "结束日期不能早于开始日期"})
        page = int_param(params, "page", 1, 1, 100_000, "页码", strict=True)
        data = reports.item_ledger(self.school, warehouse, item, start, end, limit=LEDGER_ROWS,
                                   offset=(page - 1) * LEDGER_ROWS)
        lines = [{"id": line.movement.pk, "date": line.movement.occurred_on, "kind": line.movement.kind,
                  "note": line.movement.note, "in_quantity": s(line.in_quantity), "in_amount": s(line.in_amount),
                  "out_quantity": s(line.out_quantity), "out_amount": s(line.out_amount),
                  "balance_quantity": s(line.balance_quantity), "balance_value": s(line.balance_value)}
                 for line in data["lines"]]
        return Response({
            "item": item.pk, "warehouse": warehouse.pk, "start": start, "end": end, "count": data["count"],
            "page": page, "page_size": LEDGER_ROWS, "more": data["truncated"],
            "opening": {k: s(v) for k, v in data["opening"].items()},
            "lines": lines,
            "totals": {k: s(v) for k, v in data["totals"].items()},
            "closing": {k: s(v) for k, v in data["closing"].items()},
        })

    @action(detail=False, methods=["get"])
    def spending(self, request):
        params = request.query_params
        year = int_param(params, "year", self.today.year, 2000, 2100, "年度", strict=True)
        kind = params.get("kind") or ItemKind.CONSUMABLE
        if kind not in (*ItemKind.values, "all"):
            raise ValidationError({"kind": "物品性质须为 consumable、durable 或 all"})
        report = reports.monthly_spending(self.school, self.warehouses(), year,
                                          item_kind=None if kind == "all" else kind)

        def row(r):
            return {"received": [s(v) for v in r["received"]], "issued": [s(v) for v in r["issued"]],
                    "received_total": s(r["received_total"]), "issued_total": s(r["issued_total"])}

        return Response({"year": year, "kind": kind,
                         "rows": [{"category": r["category"], "name": r["name"], **row(r)} for r in report["rows"]],
                         "total": row(report["total"])})

    @action(detail=False, methods=["get"], url_path="low-stock")
    def low_stock(self, request):
        rows = [{"warehouse": b.warehouse.name, "item": b.item_id, "code": b.item.code, "name": b.item.name,
                 "unit": b.item.unit, "quantity": s(b.quantity), "reorder_level": s(b.item.reorder_level)}
                for b in reports.low_stock(self.school, self.warehouses())]
        return Response({"date": self.today, "rows": rows})

    @action(detail=False, methods=["get"])
    def expiring(self, request):
        days = int_param(request.query_params, "days", 7, 0, 365, "天数", strict=True)
        rows = [{"warehouse": b.warehouse.name, "item": b.item_id, "name": b.item.name, "batch": b.code,
                 "quantity": s(b.quantity), "expires_on": b.expires_on, "days_left": b.days_left,
                 "expired": b.expired}
                for b in reports.expiring_batches(self.school, self.warehouses(), self.today, days)]
        return Response({"date": self.today, "days": days, "rows": rows})

    @action(detail=False, methods=["get"])
    def terms(self, request):
        term = None
        if request.query_params.get("term"):
            term = Term.objects.filter(school=self.school, pk=_id(request.query_params, "term", "学期")).first()
            if term is None:
                raise NotFound("没有这个学期")
        term, previous = reports.term_pair(self.school, term, self.today)
        if term is None:
            raise NotFound("本校还没有学期")
        report = reports.term_comparison(self.school, self.warehouses(), term, previous)

        def info(t):
            return None if t is None else {"id": t.pk, "name": t.name, "starts_on": t.starts_on, "ends_on": t.ends_on}

        return Response({
            "term": info(term), "previous_term": info(previous),
            "rows": [{"category": r["category"], "name": r["name"], "previous": s(r["previous"]),
                      "this": s(r["this"]), "saving": s(r["saving"])} for r in report["rows"]],
            "total": {k: s(v) for k, v in report["total"].items()},
        })
