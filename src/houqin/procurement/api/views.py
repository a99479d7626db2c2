"""API viewsets of procurement (采购). Thin: the tenant scope comes from core/api/base.py, who
may do what from the rules table (procurement/rules.py), every change from the services; the
actions (quote, choose, submit, rate, record a line, sign) are POST endpoints."""

from django.db.models import Avg
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.response import Response

from houqin.core.api.base import ActionInput, NoDeleteViewSet, SchoolScopedReadOnlyViewSet, SchoolScopedViewSet
from houqin.core.api.imports import ImportViewSet
from houqin.core.rules import CHANGE, VIEW

from .. import services
from ..filtersets import (
    AcceptanceFilterSet,
    LicenceFilterSet,
    PurchaseOrderFilterSet,
    PurchaseRequestFilterSet,
    SupplierFilterSet,
    VoucherFilterSet,
)
from ..importers import SupplierImporter
from ..models import (
    AcceptanceLine,
    Quote,
)
from . import serializers as s


@extend_schema(tags=["采购"])
class SupplierViewSet(NoDeleteViewSet):
    """Suppliers (供应商) with admission status, categories and average rating."""

    serializer_class = s.SupplierSerializer
    filterset_class = SupplierFilterSet

    def get_queryset(self):
        return super().get_queryset().annotate(rating=Avg("ratings__score")).order_by("name")


@extend_schema(tags=["采购"])
class LicenceViewSet(SchoolScopedViewSet):
    """Supplier licences (营业执照、食品经营许可证) with their expiry (索证)."""

    serializer_class = s.LicenceSerializer
    filterset_class = LicenceFilterSet


@extend_schema(tags=["采购"])
class DesignationViewSet(SchoolScopedViewSet):
    """Designated suppliers per category (定点)."""

    serializer_class = s.DesignationSerializer


@extend_schema(tags=["采购"])
class RatingViewSet(SchoolScopedReadOnlyViewSet):
    """Ratings of suppliers after each accepted delivery (given by POST purchase-orders/{id}/rate/)."""

    serializer_class = s.RatingSerializer


@extend_schema(tags=["采购"])
class PurchaseRequestViewSet(NoDeleteViewSet):
    """Purchase requests (采购申请) with their lines; quotes (货比三家), the choice and the
    submission for approval (director; principal from principal_threshold; district officer
    above district_threshold) are actions. Signing is POST approvals/{id}/sign/."""

    serializer_class = s.PurchaseRequestSerializer
    filterset_class = PurchaseRequestFilterSet
    select_related = ("requested_by",)
    prefetch_related = ("lines", "quotes")
    action_rules = {"quote": CHANGE, "choose": CHANGE,
                    "submit": CHANGE}

    @extend_schema(summary="登记报价", request=s.QuoteInput, responses={201: s.PurchaseRequestSerializer})
    @action(detail=True, methods=["post"])
    def quote(self, request, pk=None):
        obj = self.get_object()
        data = self.input(s.QuoteInput)
        services.add_quote(obj, by=request.user, supplier=data["supplier"], amount=data["amount"],
                           note=data.get("note", ""))
        return self.fresh(obj, status.HTTP_201_CREATED)

    @extend_schema(summary="选定报价", description="不是最低价时须写明理由；不是定点供应商时须写明非定点采购理由。",
                   request=s.ChooseInput,
                   responses=s.PurchaseRequestSerializer)
    @action(detail=True, methods=["post"])
    def choose(self, request, pk=None):
        obj = self.get_object()
        data = self.input(s.ChooseInput)
        quote = get_object_or_404(Quote, pk=data["quote"], request=obj)
        services.choose_quote(obj, by=request.user, quote=quote, reason=data["reason"],
                              off_designation_reason=data["off_designation_reason"])
        return self.fresh(obj)

    @extend_schema(summary="提交审批", request=ActionInput, responses=s.PurchaseRequestSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        return self.step(services.submit)


@extend_schema(tags=["采购"])
class PurchaseOrderViewSet(NoDeleteViewSet):
    """Orders (采购订单) from approved requests; refused when the supplier's licence has expired,
    it lacks a food licence for food, or it is suspended, and when the request's goods have a
    designated supplier (定点) other than it and the request gives no 非定点采购理由."""

    serializer_class = s.PurchaseOrderSerializer
    filterset_class = PurchaseOrderFilterSet
    select_related = ("supplier", "request", "buyer")
    action_rules = {"rate": CHANGE}

    @extend_schema(summary="评价供应商", request=s.RateInput, responses={201: s.RatingSerializer})
    @action(detail=True, methods=["post"])
    def rate(self, request, pk=None):
        order = self.get_object()
        data = self.input(s.RateInput)
        rating = services.rate(order, by=request.user, score=data["score"], comment=data["comment"])
        return Response(s.RatingSerializer(rating).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=["采购"])
class AcceptanceViewSet(NoDeleteViewSet):
    """Acceptances (验收): quantities per line, then two signatures by people other than the
    buyer; on approval consumables enter the stock ledger and fixed assets the register."""

    serializer_class = s.AcceptanceSerializer
    filterset_class = AcceptanceFilterSet
    prefetch_related = ("lines__request_line",)
    action_rules = {"line": CHANGE, "submit": CHANGE, "sign": VIEW}

    @extend_schema(summary="填写验收数量", request=s.LineInput, responses=s.AcceptanceSerializer)
    @action(detail=True, methods=["post"])
    def line(self, request, pk=None):
        acceptance = self.get_object()
        data = self.input(s.LineInput)
        line = get_object_or_404(AcceptanceLine, pk=data.pop("line"), acceptance=acceptance)
        services.record_line(line, by=request.user, **data)
        return self.fresh(acceptance)

    @extend_schema(summary="提交验收签字", request=ActionInput, responses=s.AcceptanceSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        return self.step(services.submit_acceptance)

    @extend_schema(summary="验收签字", description="须两人签字，采购员不能签。", request=s.SignInput,
                   responses=s.AcceptanceSerializer)
    @action(detail=True, methods=["post"])
    def sign(self, request, pk=None):
        return self.step(services.sign_acceptance, s.SignInput)


@extend_schema(tags=["采购"])
class VoucherViewSet(NoDeleteViewSet):
    """Reimbursement vouchers (报销单): 经手人 (the buyer), 验收人 (an acceptor) and 审核人
    (accountant or director) sign in turn, three different people; an invoice number is
    used once per supplier."""

    serializer_class = s.VoucherSerializer
    filterset_class = VoucherFilterSet
    action_rules = {"sign": VIEW}

    @extend_schema(summary="报销单签字", request=s.SignInput, responses=s.VoucherSerializer)
    @action(detail=True, methods=["post"])
    def sign(self, request, pk=None):
        return self.step(services.sign_voucher, s.SignInput)


class SupplierImportViewSet(ImportViewSet):
    importer_class = SupplierImporter
