"""API viewsets of the canteen app (食堂). Thin: the tenant scope comes from core/api/base.py,
who may do what from the rules table (canteen/rules.py), every write from services.py. Nothing
is deleted; the checks are not changed once recorded."""

import datetime

from django.db import transaction
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from houqin.core.api.base import NoDeleteViewSet, SchoolScopedViewSetMixin, ServiceWriteMixin

from .. import board, filtersets, services
from ..models import MorningCheck
from . import serializers as s


class RecordViewSet(SchoolScopedViewSetMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """List, detail and create: a record is not changed once taken (a new one corrects it)."""


@extend_schema_view(list=extend_schema(summary="食堂从业人员"), retrieve=extend_schema(summary="从业人员详情"))
class CanteenWorkerViewSet(NoDeleteViewSet):
    serializer_class = s.CanteenWorkerSerializer
    select_related = ("person",)


@extend_schema_view(list=extend_schema(summary="晨检记录"), retrieve=extend_schema(summary="晨检记录详情"),
                    create=extend_schema(summary="登记一人晨检",
                                         description="不合格（发热、腹泻、手部伤口、咽部炎症、个人卫生）即离岗；"
                                                     "健康证过期或未登记的人员不能通过晨检（400，写明证件）。"))
class MorningCheckViewSet(ServiceWriteMixin, RecordViewSet):
    serializer_class = s.MorningCheckSerializer
    filterset_class = filtersets.MorningCheckFilterSet
    select_related = ("worker__person", "checked_by")
    create_service = services.record_check
    action_rules = {"team": "add"}

    @extend_schema(summary="登记全组晨检", description="一次登记多人，全部成功或全部不写（第一个被拒的人员写明原因）。",
                   request=s.TeamInput, responses={201: s.MorningCheckSerializer(many=True)})
    @action(detail=False, methods=["post"])
    def team(self, request):
        data = self.input(s.TeamInput)
        if data["date"] > timezone.localdate():
            raise serializers.ValidationError({"date": "不能登记以后日期的晨检"})
        checks = [MorningCheck(school=self.school, date=data["date"], **row) for row in data["checks"]]
        with transaction.atomic():
            services.record_team(checks, by=request.user)
        return Response(s.MorningCheckSerializer(self.get_queryset().filter(pk__in=[c.pk for c in checks]),
                                                 many=True).data, status=status.HTTP_201_CREATED)


@extend_schema_view(list=extend_schema(summary="餐次（应留样的菜品）"), retrieve=extend_schema(summary="餐次详情"))
class MealViewSet(NoDeleteViewSet):
    serializer_class = s.MealSerializer
    filterset_class = filtersets.MealFilterSet
    prefetch_related = ("samples",)
    action_rules = {"board": "board"}

    @extend_schema(summary="食品安全日管控", parameters=[
        OpenApiParameter("date", str, description="起始日期 YYYY-MM-DD，默认今天"),
        OpenApiParameter("days", int, description="天数，1–31，默认 1")], responses=s.BoardDaySerializer(many=True),
        filters=False)
    @action(detail=False, pagination_class=None)  # the days asked for (at most 31), not a page
    def board(self, request):
        params = s.BoardQuery(data=request.query_params)
        params.is_valid(raise_exception=True)
        start = params.validated_data.get("date") or timezone.localdate()
        end = start + datetime.timedelta(days=params.validated_data["days"] - 1)
        return Response(s.BoardDaySerializer(board.days(self.school, start, end), many=True).data)


@extend_schema_view(list=extend_schema(summary="留样记录"), retrieve=extend_schema(summary="留样记录详情"),
                    create=extend_schema(summary="留样", description="每样不少于学校设定的克数（默认125克），"
                                                                  "留样柜 0–8℃；每餐每道菜一份。"))
class SampleRecordViewSet(ServiceWriteMixin, RecordViewSet):
    serializer_class = s.SampleRecordSerializer
    filterset_class = filtersets.SampleRecordFilterSet
    select_related = ("meal",)
    create_service = services.record_sample
    action_rules = {"dispose": "dispose"}

    @extend_schema(summary="登记留样处置", description="保存未满学校设定的小时数（默认48小时）时拒绝（400）。",
                   request=s.DisposeInput, responses=s.SampleRecordSerializer)
    @action(detail=True, methods=["post"])
    def dispose(self, request, pk=None):
        sample = self.get_object()
        data = self.input(s.DisposeInput)
        with transaction.atomic():
            services.dispose_sample(sample, by=request.user, person=data["person"])
        return self.fresh(sample)


@extend_schema_view(list=extend_schema(summary="餐具消毒记录"), retrieve=extend_schema(summary="消毒记录详情"))
class DisinfectionViewSet(ServiceWriteMixin, RecordViewSet):
    serializer_class = s.DisinfectionSerializer
    filterset_class = filtersets.DisinfectionFilterSet
    create_service = services.record_disinfection


@extend_schema_view(list=extend_schema(summary="厨房日检"), retrieve=extend_schema(summary="厨房日检详情"))
class KitchenCheckViewSet(ServiceWriteMixin, RecordViewSet):
    serializer_class = s.KitchenCheckSerializer
    filterset_class = filtersets.KitchenCheckFilterSet
    create_service = services.record_kitchen_check


@extend_schema_view(list=extend_schema(summary="陪餐记录"), retrieve=extend_schema(summary="陪餐记录详情"))
class AccompaniedMealViewSet(ServiceWriteMixin, NoDeleteViewSet):
    serializer_class = s.AccompaniedMealSerializer
    filterset_class = filtersets.AccompaniedMealFilterSet
    select_related = ("person",)
    create_service = update_service = services.record_accompanied
    action_rules = {"respond": "respond"}

    @extend_schema(summary="记录陪餐意见的处理反馈", request=s.RespondInput, responses=s.AccompaniedMealSerializer)
    @action(detail=True, methods=["post"])
    def respond(self, request, pk=None):
        record = self.get_object()
        data = self.input(s.RespondInput)
        with transaction.atomic():
            services.respond(record, by=request.user, text=data["response"])
        return self.fresh(record)
