"""API viewsets of the assets app (校产). Thin, like the core API: the tenant scope comes from
core/api/base.py, who may do what from the rules table (assets/rules.py), and every change
from the domain services (assets/services.py). A teacher who holds no other role sees only
his own rooms' holdings (the rows the rules table declares for him), here as on the pages."""

import django_filters
from django.core.exceptions import ValidationError
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from houqin.core import approvals
from houqin.core.api.base import ActionInput, NoDeleteViewSet, SchoolScopedReadOnlyViewSet, SchoolScopedViewSetMixin
from houqin.core.filtersets import SchoolFilterSet
from houqin.core.models import Room
from houqin.core.rules import ADD, CHANGE, VIEW, visible
from houqin.core.tenancy import scope

from .. import services
from ..choices import LineResult
from ..filtersets import AssetFilterSet, CompensationFilterSet, LoanFilterSet, ScrapRequestFilterSet
from ..models import (
    Asset,
    AssetEvent,
    Category,
    Loan,
    ScrapRequest,
    Stocktake,
    StocktakeLine,
    StocktakeRoom,
)
from . import serializers as s


class AssetsViewSetMixin(SchoolScopedViewSetMixin):
    pass

    def by(self):
        return self.request.user


class ReadOnlyViewSet(AssetsViewSetMixin, viewsets.ReadOnlyModelViewSet):
    pass


# --- categories -------------------------------------------------------------------------------


@extend_schema_view(list=extend_schema(summary="资产分类"), retrieve=extend_schema(summary="资产分类详情"))
class CategoryViewSet(SchoolScopedReadOnlyViewSet):
    """The asset classification shared by every school (GB/T 14885 top levels and the usual
    school sub-categories), with the depreciation life of each."""

    serializer_class = s.CategorySerializer
    filterset_fields = ["parent"]

    def get_queryset(self):
        return Category.objects.all()  # global, not school-owned


# --- assets -----------------------------------------------------------------------------------


def _asset(pk):
    return Asset.objects.select_related(*AssetViewSet.select_related).get(pk=pk)


@extend_schema_view(
    list=extend_schema(summary="资产登记簿", description="教师只看到本人负责房间（及任班主任的教室）的资产。"
                       "`q` 按编号、名称或拼音首字母（如 tyj 找到投影机）搜索。"),
    retrieve=extend_schema(summary="资产详情"),
    create=extend_schema(summary="登记资产", description="资产编号留空时自动生成；学校取当前学校。"),
    update=extend_schema(summary="修改资产信息", description="只能修改描述性信息；地点、保管人、数量、单价、分类等"
                         "须通过相应操作办理（原值不变时可原样提交）。"),
    partial_update=extend_schema(summary="修改资产信息（部分）"),
)
class AssetViewSet(AssetsViewSetMixin, NoDeleteViewSet):
    """The asset register (资产登记簿) of the active school, and the lifecycle operations on
    each holding: move (调拨), split (拆分), lend (借出), report damage (报损), repair (送修/修复),
    mark lost (丢失) and ask to scrap (申请报废)."""

    serializer_class = s.AssetSerializer
    filterset_class = AssetFilterSet
    select_related = ("category", "room", "custodian")
    action_rules = {
        "events": VIEW, "move": CHANGE, "split": CHANGE, "lend": (ADD, Loan),
        "report_damage": CHANGE, "repair": CHANGE, "repaired": CHANGE,
        "lost": CHANGE, "scrap": (ADD, ScrapRequest),
    }

    def _done(self, asset, code=status.HTTP_200_OK):
        return Response(s.AssetSerializer(_asset(asset.pk), context=self.get_serializer_context()).data,
                        status=code)

    @extend_schema(summary="资产明细帐", description="该资产的全部事项（登记、调拨、借出、报损、报废 …），按时间先后。",
                   responses=s.AssetEventSerializer(many=True), filters=False)
    @action(detail=True)
    def events(self, request, pk=None):
        asset = self.get_object()
        events = scope(AssetEvent.objects.filter(asset=asset), self.school).select_related(
            "by", "from_room", "to_room").order_by("at", "pk")
        page = self.paginate_queryset(events)
        return self.get_paginated_response(s.AssetEventSerializer(page, many=True).data)

    @extend_schema(summary="调拨", description="换地点和/或保管人；批量资产可只调拨一部分（自动拆分）。",
                   request=s.MoveSerializer, responses=s.AssetSerializer)
    @action(detail=True, methods=["post"])
    def move(self, request, pk=None):
        asset = self.get_object()
        data = self.input(s.MoveSerializer)
        moved = services.move(asset, by=self.by(), room=data.get("room"), custodian=data.get("custodian"),
                              quantity=data.get("quantity"), note=data["note"])
        return self._done(moved)

    @extend_schema(summary="拆分", description="从批量资产中拆出一部分，成为同一地点的新资产。",
                   request=s.SplitSerializer, responses={201: s.AssetSerializer})
    @action(detail=True, methods=["post"])
    def split(self, request, pk=None):
        asset = self.get_object()
        data = self.input(s.SplitSerializer)
        part = services.split(asset, data["quantity"], by=self.by(), note=data["note"])
        return self._done(part, status.HTTP_201_CREATED)

    @extend_schema(summary="借出", request=s.LendSerializer, responses={201: s.LoanSerializer})
    @action(detail=True, methods=["post"])
    def lend(self, request, pk=None):
        asset = self.get_object()
        data = self.input(s.LendSerializer)
        loan = services.lend(asset, by=self.by(), borrower=data["borrower"], due_on=data["due_on"],
                             quantity=data["quantity"], lent_on=data.get("lent_on"), note=data["note"])
        loan = Loan.objects.select_related("asset", "borrower").get(pk=loan.pk)
        return Response(s.LoanSerializer(loan).data, status=status.HTTP_201_CREATED)

    @extend_schema(summary="报损", description="登记损坏；填写责任人和金额时同时生成赔偿记录（谁损坏谁赔偿）。",
                   request=s.DamageSerializer, responses=s.DamageResultSerializer)
    @action(detail=True, methods=["post"], url_path="report-damage")
    def report_damage(self, request, pk=None):
        asset = self.get_object()
        data = self.input(s.DamageSerializer)
        compensation = services.report_damage(asset, by=self.by(), description=data["description"],
                                              liable_name=data["liable_name"], amount=data.get("amount"))
        context = self.get_serializer_context()
        return Response({
            "asset": s.AssetSerializer(_asset(asset.pk), context=context).data,
            "compensation": s.CompensationSerializer(compensation).data if compensation else None,
        })

    @extend_schema(summary="送修", request=s.NoteSerializer, responses=s.AssetSerializer)
    @action(detail=True, methods=["post"])
    def repair(self, request, pk=None):
        asset = self.get_object()
        return self._done(services.send_to_repair(asset, by=self.by(), note=self.input(s.NoteSerializer)["note"]))

    @extend_schema(summary="登记修复", request=s.NoteSerializer, responses=s.AssetSerializer)
    @action(detail=True, methods=["post"])
    def repaired(self, request, pk=None):
        asset = self.get_object()
        return self._done(services.repaired(asset, by=self.by(), note=self.input(s.NoteSerializer)["note"]))

    @extend_schema(summary="登记丢失", request=s.LostSerializer, responses=s.AssetSerializer)
    @action(detail=True, methods=["post"])
    def lost(self, request, pk=None):
        asset = self.get_object()
        return self._done(services.mark_lost(asset, by=self.by(), note=self.input(s.LostSerializer)["note"]))

    @extend_schema(summary="申请报废", description="金额为原值；按学校的审批起点走审批（达到校长审批起点须校长签字），"
                   "审批见 /api/v1/approvals/{id}/。", request=s.ScrapInputSerializer,
                   responses={201: s.ScrapRequestSerializer})
    @action(detail=True, methods=["post"])
    def scrap(self, request, pk=None):
        asset = self.get_object()
        data = self.input(s.ScrapInputSerializer)
        scrap = services.request_scrap(asset, by=self.by(), reason=data["reason"], quantity=data.get("quantity"))
        scrap = ScrapRequestViewSet.annotated(ScrapRequest.objects.select_related("asset")).get(pk=scrap.pk)
        return Response(s.ScrapRequestSerializer(scrap).data, status=status.HTTP_201_CREATED)


# --- loans, compensations, scrapping ----------------------------------------------------------


@extend_schema_view(
    list=extend_schema(summary="借用登记", description="`overdue=true` 列出逾期未还的借用；`open=true` 未归还的。"),
    retrieve=extend_schema(summary="借用详情"),
)
class LoanViewSet(ReadOnlyViewSet):
    """Loans of the active school's assets (借用); a loan is made with the asset's `lend` action
    and ended with `return`."""

    serializer_class = s.LoanSerializer
    filterset_class = LoanFilterSet
    select_related = ("asset", "borrower")
    action_rules = {"return_": CHANGE}

    @extend_schema(summary="归还", request=s.ReturnSerializer, responses=s.LoanSerializer)
    @action(detail=True, methods=["post"], url_path="return", url_name="return")
    def return_(self, request, pk=None):
        loan = self.get_object()
        data = self.input(s.ReturnSerializer)
        services.return_loan(loan, by=self.by(), condition=data["condition"] or "完好", damaged=data["damaged"],
                             returned_on=data.get("returned_on"))
        return self.fresh(loan)


@extend_schema_view(list=extend_schema(summary="损坏赔偿"), retrieve=extend_schema(summary="赔偿详情"))
class CompensationViewSet(ReadOnlyViewSet):
    """Damage compensations (谁损坏谁赔偿), opened by the asset's `report-damage` action and
    settled (paid or waived, with the reason) with `settle`."""

    serializer_class = s.CompensationSerializer
    filterset_class = CompensationFilterSet
    select_related = ("asset",)
    action_rules = {"settle": CHANGE}

    @extend_schema(summary="办结赔偿", description="`paid=true` 已赔偿；`paid=false` 免赔，须写明理由。",
                   request=s.SettleSerializer, responses=s.CompensationSerializer)
    @action(detail=True, methods=["post"])
    def settle(self, request, pk=None):
        return self.step(services.settle_compensation, s.SettleSerializer)


@extend_schema_view(list=extend_schema(summary="报废申请"), retrieve=extend_schema(summary="报废申请详情"))
class ScrapRequestViewSet(ReadOnlyViewSet):
    """Scrap requests (报废报损), made with the asset's `scrap` action, approved through
    /api/v1/approvals/{id}/sign/ by the amount rules, then disposed of with `dispose`."""

    serializer_class = s.ScrapRequestSerializer
    filterset_class = ScrapRequestFilterSet
    select_related = ("asset",)
    action_rules = {"dispose": CHANGE}

    @staticmethod
    def annotated(queryset):
        return queryset.annotate(approval_id=approvals.latest_id(ScrapRequest))

    def get_queryset(self):
        return self.annotated(super().get_queryset())

    @extend_schema(summary="登记处置", description="已批准的报废登记处置方式（出售、拍卖、销毁 …）和处置收入。",
                   request=s.DisposeSerializer, responses=s.ScrapRequestSerializer)
    @action(detail=True, methods=["post"])
    def dispose(self, request, pk=None):
        scrap = self.get_object()
        data = self.input(s.DisposeSerializer)
        services.dispose(scrap, by=self.by(), method=data["disposal_method"], proceeds=data["disposal_proceeds"],
                         disposed_on=data.get("disposed_on"))
        return self.fresh(scrap)


# --- stocktakes -------------------------------------------------------------------------------


class StocktakeRoomFilterSet(SchoolFilterSet):
    search_fields = ("room__name", "room__number")
    stocktake = django_filters.ModelChoiceFilter(label="盘点", queryset=Stocktake.objects.all())
    room = django_filters.ModelChoiceFilter(label="房间", queryset=Room.objects.all())
    signed = django_filters.BooleanFilter(label="已签字", field_name="signed_at", lookup_expr="isnull", exclude=True)

    class Meta:
        model = StocktakeRoom
        fields = ["q", "stocktake", "room", "signed"]


class StocktakeLineFilterSet(SchoolFilterSet):
    search_fields = ("asset__tag", "asset__name", "description")
    stocktake = django_filters.ModelChoiceFilter(label="盘点", queryset=Stocktake.objects.all())
    stocktake_room = django_filters.ModelChoiceFilter(label="盘点房间", queryset=StocktakeRoom.objects.all())
    room = django_filters.ModelChoiceFilter(label="房间", field_name="stocktake_room__room",
                                            queryset=Room.objects.all())
    result = django_filters.ChoiceFilter(label="结果", choices=LineResult.choices)

    class Meta:
        model = StocktakeLine
        fields = ["q", "stocktake", "stocktake_room", "room", "result"]


@extend_schema_view(
    list=extend_schema(summary="盘点"),
    retrieve=extend_schema(summary="盘点详情"),
    create=extend_schema(summary="开始盘点", description="账面清单在此刻按所选房间冻结。"),
    update=extend_schema(summary="修改盘点名称"),
    partial_update=extend_schema(summary="修改盘点名称（部分）"),
)
class StocktakeViewSet(AssetsViewSetMixin, NoDeleteViewSet):
    """Stocktakes (清查盘点): open one for some rooms, count (`scan` a label, or the lines'
    `count`), have each room signed, see the `progress`, and `close` it: the discrepancies go
    to approval before they change the register."""

    serializer_class = s.StocktakeSerializer
    select_related = ("opened_by",)
    action_rules = {"progress": VIEW, "close": CHANGE, "cancel": CHANGE,
                    "scan": (CHANGE, StocktakeLine)}

    @extend_schema(summary="盘点进度", description="每个房间：物品行数、已盘行数、是否已签字。",
                   responses=s.ProgressSerializer(many=True), filters=False)
    @action(detail=True, pagination_class=None)
    def progress(self, request, pk=None):
        stocktake = self.get_object()
        return Response(s.ProgressSerializer(services.progress(stocktake), many=True).data)

    @extend_schema(summary="结束盘点", description="所有房间签字后才能结束；有差异时生成差异调整审批。",
                   request=None, responses=s.CloseResultSerializer)
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        stocktake = self.get_object()
        self.input(ActionInput)
        approval = services.close_stocktake(stocktake, by=self.by())
        stocktake = self.get_queryset().get(pk=stocktake.pk)
        context = self.get_serializer_context()
        return Response({"stocktake": s.StocktakeSerializer(stocktake, context=context).data,
                         "approval": approval.pk if approval else None})

    @extend_schema(summary="取消盘点", description="作废进行中的盘点，资产账不作调整。", request=None,
                   responses=s.StocktakeSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        return self.step(services.cancel_stocktake)

    @extend_schema(summary="扫码盘点", description="扫描资产标签（编号或标签网址），该资产记为相符（按账面数量）。",
                   request=s.ScanSerializer, responses=s.StocktakeLineSerializer)
    @action(detail=True, methods=["post"])
    def scan(self, request, pk=None):
        stocktake = self.get_object()
        tag = self.input(s.ScanSerializer)["tag"]
        lines = visible(StocktakeLine.objects.filter(stocktake=stocktake), request)
        if not lines.filter(asset__tag__iexact=tag).exists():
            if StocktakeLine.objects.filter(stocktake=stocktake, asset__tag__iexact=tag).exists():
                raise ValidationError(f"{tag} 不在您负责的房间")
            raise ValidationError(f"{tag} 不在本次盘点范围内")
        line = services.scan(stocktake, tag, by=self.by())
        line = StocktakeLine.objects.select_related(*StocktakeLineViewSet.select_related).get(pk=line.pk)
        return Response(s.StocktakeLineSerializer(line).data)


@extend_schema_view(list=extend_schema(summary="盘点房间"), retrieve=extend_schema(summary="盘点房间详情"))
class StocktakeRoomViewSet(ReadOnlyViewSet):
    """The rooms of the stocktakes; each is signed (`sign`) by its responsible person (班主任) or
    the director once every line is counted. A teacher sees his own rooms only."""

    serializer_class = s.StocktakeRoomSerializer
    filterset_class = StocktakeRoomFilterSet
    select_related = ("room__building", "signed_by")
    action_rules = {"sign": CHANGE, "surplus": (ADD, StocktakeLine)}

    @extend_schema(summary="签字确认", description="房间负责人（班主任）或总务主任确认该房间的盘点结果；"
                   "须全部物品已盘。", request=None, responses=s.StocktakeRoomSerializer)
    @action(detail=True, methods=["post"])
    def sign(self, request, pk=None):
        return self.step(services.sign_room)

    @extend_schema(summary="登记盘盈", description="房间里有、账上没有的物品（如多出的椅子），记为盘盈。",
                   request=s.SurplusSerializer, responses={201: s.StocktakeLineSerializer})
    @action(detail=True, methods=["post"])
    def surplus(self, request, pk=None):
        room = self.get_object()
        data = self.input(s.SurplusSerializer)
        line = services.add_surplus(room, by=self.by(), description=data["description"], quantity=data["quantity"],
                                    note=data["note"])
        line = StocktakeLine.objects.select_related(*StocktakeLineViewSet.select_related).get(pk=line.pk)
        return Response(s.StocktakeLineSerializer(line).data, status=status.HTTP_201_CREATED)


@extend_schema_view(
    list=extend_schema(summary="盘点明细", description="按盘点（stocktake）、盘点房间或房间（room）筛选。"),
    retrieve=extend_schema(summary="盘点明细详情"),
)
class StocktakeLineViewSet(ReadOnlyViewSet):
    """The lines of the stocktakes (账面 against 实盘), counted with `count`. A teacher sees and
    counts his own rooms' lines only."""

    serializer_class = s.StocktakeLineSerializer
    filterset_class = StocktakeLineFilterSet
    select_related = ("asset", "stocktake_room")
    action_rules = {"count": CHANGE}

    @extend_schema(summary="录入实盘数量", request=s.CountSerializer, responses=s.StocktakeLineSerializer)
    @action(detail=True, methods=["post"])
    def count(self, request, pk=None):
        return self.step(services.count_line, s.CountSerializer)
