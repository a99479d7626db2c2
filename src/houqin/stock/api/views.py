"""API of the stock app. Thin like the pages: the tenant scope comes from core/api/base.py,
who may do what from the rules table (stock/rules.py), every change from the services. A
requester sees only his own requisitions (the rows stock/rules.py declares), here as on the pages."""

from django.core.exceptions import ValidationError
from django.db import transaction
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.response import Response

from houqin.core.api.base import (
    ActionInput,
    NoDeleteViewSet,
    SchoolScopedReadOnlyViewSet,
    SchoolScopedViewSet,
)
from houqin.core.api.imports import ImportViewSet
from houqin.core.rules import VIEW

from .. import filtersets, services
from ..importers import ItemImporter
from ..views.stock import with_stock
from . import serializers as s


class WarehouseViewSet(SchoolScopedViewSet):
    """Warehouses of the school (总务仓库、食堂仓库 …)."""

    serializer_class = s.WarehouseSerializer
    filterset_class = filtersets.WarehouseFilterSet


class ItemViewSet(NoDeleteViewSet):
    """Stock items; `q` searches code, name and pinyin initials; `low=true` lists low stock."""

    serializer_class = s.ItemSerializer
    filterset_class = filtersets.ItemFilterSet

    def get_queryset(self):
        return with_stock(super().get_queryset()).order_by("code")


class StockBalanceViewSet(SchoolScopedReadOnlyViewSet):
    """Balances per warehouse and item with the moving-average cost (read-only)."""

    serializer_class = s.StockBalanceSerializer
    filterset_class = filtersets.StockBalanceFilterSet
    select_related = ("warehouse", "item")


class BatchViewSet(SchoolScopedReadOnlyViewSet):
    """Food batches with expiry (read-only)."""

    serializer_class = s.BatchSerializer
    filterset_class = filtersets.BatchFilterSet
    select_related = ("item",)


class MovementViewSet(SchoolScopedReadOnlyViewSet):
    """The movement ledger (材料账), append-only; a keeper cancels a wrong entry with `reverse`."""

    serializer_class = s.MovementSerializer
    filterset_class = filtersets.MovementFilterSet
    select_related = ("warehouse", "item", "person", "source_type")
    action_rules = {"reverse": VIEW}

    @extend_schema(summary="冲销", request=s.ReverseSerializer, responses={201: s.MovementSerializer})
    @action(detail=True, methods=["post"])
    def reverse(self, request, pk=None):
        movement = self.get_object()
        data = self.input(s.ReverseSerializer)
        entry = services.reverse_movement(movement, by=request.user, note=data["note"])
        return self.fresh(entry, status.HTTP_201_CREATED)


class RequisitionViewSet(NoDeleteViewSet):
    """Requisitions (领用) with their lines: create (draft), `submit` to approval, the keeper
    `issue`s (possibly in part), the director `waive-old`s, the keeper or the requester
    `close-short`s a partly issued one (部分发放后结案), the requester `confirm`s (签收) or
    `cancel`s. A requester sees only his own."""

    serializer_class = s.RequisitionSerializer
    filterset_class = filtersets.RequisitionFilterSet
    select_related = ("requested_by",)
    prefetch_related = ("lines__item",)
    action_rules = dict.fromkeys(("submit", "issue", "confirm", "cancel", "waive_old", "close_short"),
                                 VIEW)

    @extend_schema(summary="提交审批", request=ActionInput, responses=s.RequisitionSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        return self.step(services.submit_requisition)

    @extend_schema(summary="发放", request=s.IssueSerializer, responses=s.RequisitionSerializer)
    @action(detail=True, methods=["post"])
    def issue(self, request, pk=None):
        requisition = self.get_object()
        lines = self.input(s.IssueSerializer)["lines"]
        services.issue_requisition(requisition, by=request.user,
                                   quantities={row["line"]: row["quantity"] for row in lines},
                                   old_returned={row["line"]: row["old_returned"] for row in lines})
        return self.fresh(requisition)

    @extend_schema(summary="免交旧物", request=s.WaiveSerializer, responses=s.RequisitionSerializer)
    @action(detail=True, methods=["post"], url_path="waive-old")
    def waive_old(self, request, pk=None):
        requisition = self.get_object()
        data = self.input(s.WaiveSerializer)
        line = requisition.lines.filter(pk=data["line"]).first()
        if line is None:
            raise ValidationError({"line": "明细不属于该领用单"})
        services.waive_old(line, by=request.user, reason=data["reason"])
        return self.fresh(requisition)

    @extend_schema(summary="部分发放后结案", request=s.CloseShortSerializer, responses=s.RequisitionSerializer)
    @action(detail=True, methods=["post"], url_path="close-short")
    def close_short(self, request, pk=None):
        return self.step(services.close_short, s.CloseShortSerializer)

    @extend_schema(summary="签收", request=ActionInput, responses=s.RequisitionSerializer)
    @action(detail=True, methods=["post"])
    def confirm(self, request, pk=None):
        return self.step(services.confirm_receipt)

    @extend_schema(summary="取消", request=ActionInput, responses=s.RequisitionSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        return self.step(services.cancel_requisition)


class StockCountViewSet(NoDeleteViewSet):
    """Monthly counts (月度盘存): create opens one; `lines` lists them (adding lines for stock
    that arrived since opening; a food item has one line per batch), `count` enters counted
    quantities (the book quantity is taken at that moment), `submit` sends the variances to
    approval, `cancel` abandons an open one."""

    serializer_class = s.StockCountSerializer
    filterset_class = filtersets.StockCountFilterSet
    action_rules = {"lines": VIEW}

    @extend_schema(summary="盘存明细", responses=s.StockCountLineSerializer(many=True), filters=False)
    @action(detail=True, pagination_class=None)
    def lines(self, request, pk=None):
        """Read only: stock that arrived since the sheet was opened shows as lines without an
        id, which the next step (count, submit) adds, as on the page."""
        lines, _arrived = services.count_sheet(self.get_object())
        return Response(s.StockCountLineSerializer(lines, many=True).data)

    @extend_schema(summary="录入实盘数量", request=s.CountLinesSerializer,
                   responses=s.StockCountLineSerializer(many=True))
    @action(detail=True, methods=["post"])
    def count(self, request, pk=None):
        count = self.get_object()
        rows = self.input(s.CountLinesSerializer)["lines"]
        with transaction.atomic():
            services.sync_count_lines(count, by=request.user)  # late arrivals get their line
            lines = {line.pk: line for line in count.lines.all()}
            if any(row["line"] not in lines for row in rows):
                raise ValidationError({"lines": "明细不属于该盘存单"})
            for row in rows:
                services.count_line(lines[row["line"]], by=request.user, counted=row["counted"],
                                    note=row.get("note"))
        return Response(s.StockCountLineSerializer(count.lines.select_related("item", "batch"), many=True).data)

    @extend_schema(summary="提交盘存", request=ActionInput, responses=s.StockCountSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        return self.step(services.submit_count)

    @extend_schema(summary="取消盘存", request=ActionInput, responses=s.StockCountSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        return self.step(services.cancel_count)


class ItemImportViewSet(ImportViewSet):
    importer_class = ItemImporter
