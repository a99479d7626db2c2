"""API viewsets of the finance app (财务). Thin: the tenant scope comes from core/api/base.py,
who may do what from the rules table (finance/rules.py), every write from services.py.
Nothing is deleted; journal entries and month closes are never changed."""

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from houqin.core.api.base import ActionInput, NoDeleteViewSet, SchoolScopedViewSetMixin, ServiceWriteMixin
from houqin.core.rules import VIEW

from .. import filtersets, services
from . import serializers as s


class AppendOnlyViewSet(SchoolScopedViewSetMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """List, detail and create: a row of the books is never changed once written."""


@extend_schema_view(list=extend_schema(summary="预算（含已占用、已支出、结余）"),
                    retrieve=extend_schema(summary="预算详情"), create=extend_schema(summary="编制预算（会计）"),
                    update=extend_schema(summary="修改预算（草稿或已退回）"),
                    partial_update=extend_schema(summary="修改预算（部分）"))
class BudgetLineViewSet(ServiceWriteMixin, NoDeleteViewSet):
    serializer_class = s.BudgetLineSerializer
    filterset_class = filtersets.BudgetLineFilterSet
    select_related = ("term",)
    create_service = update_service = services.save_line
    action_rules = {"submit": "submit"}

    def get_queryset(self):
        return super().get_queryset().with_figures()

    @extend_schema(summary="提交审批", description="送总务主任审核，达到学校限额的再送校长审批。", request=ActionInput,
                   responses=s.BudgetLineSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        return self.step(services.submit_line)


@extend_schema_view(list=extend_schema(summary="预算占用"), retrieve=extend_schema(summary="预算占用详情"),
                    create=extend_schema(summary="把采购申请记入预算项目"),
                    update=extend_schema(summary="改记预算项目"),
                    partial_update=extend_schema(summary="改记预算项目（部分）"))
class RequestChargeViewSet(ServiceWriteMixin, NoDeleteViewSet):
    serializer_class = s.RequestChargeSerializer
    filterset_class = filtersets.RequestChargeFilterSet
    select_related = ("request", "line")
    create_service = update_service = services.charge_request


@extend_schema_view(list=extend_schema(summary="流水帐"), retrieve=extend_schema(summary="流水详情"),
                    create=extend_schema(summary="记一笔流水（会计）",
                                         description="已结账的月份不能再记；收入科目只记收入，支出科目只记支出。"))
class JournalEntryViewSet(ServiceWriteMixin, AppendOnlyViewSet):
    serializer_class = s.JournalEntrySerializer
    filterset_class = filtersets.JournalEntryFilterSet
    select_related = ("source_type",)
    create_service = services.record_entry
    action_rules = {"reverse": "reverse", "month_report": VIEW}

    @extend_schema(summary="冲销", request=s.ReverseEntryInput, responses={201: s.JournalEntrySerializer})
    @action(detail=True, methods=["post"])
    def reverse(self, request, pk=None):
        entry = self.get_object()
        data = self.input(s.ReverseEntryInput)
        reversal = services.reverse_entry(entry, by=request.user, note=data["note"])
        return self.fresh(reversal, status.HTTP_201_CREATED)

    @extend_schema(summary="收支月报（按科目）", parameters=[s.MonthReportQuery], responses=s.MonthReportSerializer,
                   filters=False)
    @action(detail=False, url_path="month-report", pagination_class=None)
    def month_report(self, request):
        params = s.MonthReportQuery(data=request.query_params)
        params.is_valid(raise_exception=True)
        report = services.month_report(self.school, params.validated_data["year"], params.validated_data["month"])
        return Response(s.MonthReportSerializer(report).data)


@extend_schema_view(list=extend_schema(summary="月末结账"), retrieve=extend_schema(summary="结账详情"),
                    create=extend_schema(summary="结账（会计）", description="结账后该月不再接受新的流水。"))
class MonthCloseViewSet(ServiceWriteMixin, AppendOnlyViewSet):
    serializer_class = s.MonthCloseSerializer
    filterset_class = filtersets.MonthCloseFilterSet
    create_service = services.close_month
