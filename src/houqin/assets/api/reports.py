"""API of the asset ledgers and reports (总帐、月折旧、季度报表) and of the Excel import — the
same figures as the pages (assets/reports.py), for the same roles (view on assets.asset;
import needs add), with the teacher narrowed to his own rooms' holdings."""

import dataclasses
from decimal import Decimal

from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from houqin.core.api.base import SchoolScopedViewSetMixin
from houqin.core.api.imports import ImportViewSet
from houqin.core.params import date_param

from .. import reports
from ..importers import AssetImporter, totals
from ..models import Asset
from ..rules import own_rooms_only


def exact(value):
    """Decimals as strings ("4800.00"), as the serializers give them: DRF's JSON encoder would
    turn a bare Decimal into a float and lose the cents."""
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dict):
        return {k: exact(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [exact(v) for v in value]
    return value


def _row(row):
    return {**dataclasses.asdict(row), "net": row.net}


class AssetReportViewSet(SchoolScopedViewSetMixin, viewsets.GenericViewSet):
    """Ledgers and reports of the active school's register."""

    queryset = Asset.objects.all()
    serializer_class = serializers.Serializer  # answers are plain figures, documented per action
    pagination_class = None

    def assets(self):
        return self.get_queryset()  # the school's assets this user may see (rules.visible)

    @extend_schema(parameters=[OpenApiParameter("date", OpenApiTypes.DATE)], responses=OpenApiTypes.OBJECT)
    @action(detail=False)
    def ledger(self, request):
        """总帐 by category at a date (default today): fixed assets and low-value items apart."""
        ledger = reports.general_ledger(self.assets(), date_param(request.query_params, "date", timezone.localdate()))
        return Response(exact({
            "date": ledger.date, "fixed": [_row(r) for r in ledger.fixed],
            "low_value": [_row(r) for r in ledger.low_value], "fixed_total": _row(ledger.total(True)),
            "low_value_total": _row(ledger.total(False)), "total": _row(ledger.total()),
        }))

    @extend_schema(parameters=[OpenApiParameter("month", str, description="YYYY-MM")],
                   responses=OpenApiTypes.OBJECT)
    @action(detail=False)
    def depreciation(self, request):
        """Depreciation charged in one month, by category."""
        year, month = reports.parse_month(request.query_params.get("month"), timezone.localdate())
        return Response(exact({"year": year, "month": month,
                               "rows": reports.monthly_depreciation(self.assets(), year, month)}))

    @extend_schema(parameters=[OpenApiParameter("year", int), OpenApiParameter("quarter", int)],
                   responses=OpenApiTypes.OBJECT)
    @action(detail=False)
    def quarterly(self, request):
        """固定资产季度报表: opening, additions, disposals, closing, depreciation by category."""
        year, quarter = reports.parse_quarter(request.query_params.get("year"), request.query_params.get("quarter"),
                                              timezone.localdate())
        report = reports.quarterly_report(self.school, year, quarter, assets=self.assets(),
                                          narrow=own_rooms_only(self.request.roles))
        return Response(exact({"year": year, "quarter": quarter, **report}))


class AssetImportViewSet(ImportViewSet):
    """Check an asset ledger file row by row and, when asked and every row is valid, import it.
    Nothing is written unless every row is valid; every bad row is named. The answer keeps the
    shape it has always had (errors as "第 n 行：…", the count and value of the holdings)."""

    importer_class = AssetImporter

    def body(self, outcome, commit):
        quantity, value = totals([form.instance for form in outcome.valid])
        return exact({"rows": outcome.rows, "skipped": outcome.skipped, "notes": outcome.notes[:100],
                      "errors": outcome.messages(), "assets": len(outcome.valid), "quantity": quantity,
                      "value": value, "committed": bool(commit and outcome.ok), "imported": outcome.imported})
