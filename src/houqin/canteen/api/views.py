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
from ..models import MorningCheck, WeekMenu
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


# --- 带量食谱 -------------------------------------------------------------------------------------


@extend_schema_view(list=extend_schema(summary="菜品（带量）"), retrieve=extend_schema(summary="菜品详情"),
                    create=extend_schema(summary="新建菜品", description="含禁止加工食品（四季豆、鲜黄花菜、野生蘑菇、"
                                                                     "发芽土豆等，学校可设）的菜品拒绝（400）。"))
class DishViewSet(NoDeleteViewSet):
    serializer_class = s.DishSerializer
    filterset_class = filtersets.DishFilterSet
    prefetch_related = ("ingredients",)

    def _save(self, serializer, dish):
        data = dict(serializer.validated_data)
        ingredients = data.pop("ingredients", None)
        for name, value in data.items():
            setattr(dish, name, value)
        if ingredients is None:
            ingredients = [{"name": i.name, "grams": i.grams, "meat": i.meat} for i in dish.ingredients.all()] \
                if dish.pk else []
        with transaction.atomic():
            services.save_dish(dish, by=self.request.user, ingredients=ingredients)
        serializer.instance = dish

    def perform_create(self, serializer):
        self._save(serializer, s.DishSerializer.Meta.model(school=self.school))

    def perform_update(self, serializer):
        self._save(serializer, serializer.instance)


@extend_schema_view(list=extend_schema(summary="带量食谱", description="教师等只看到已公示的食谱。"),
                    retrieve=extend_schema(summary="带量食谱详情"))
class WeekMenuViewSet(NoDeleteViewSet):
    serializer_class = s.WeekMenuSerializer
    filterset_class = filtersets.WeekMenuFilterSet
    prefetch_related = ("entries__dish__ingredients",)
    action_rules = {"submit": "submit", "copy": "copy"}
    body_first = True  # a bad body is a 400 whatever the id

    def _save(self, serializer, menu):
        data = dict(serializer.validated_data)
        entries = data.pop("entries", None)
        for name, value in data.items():
            setattr(menu, name, value)
        rows = None if entries is None else [(e["day"], e["meal"], e["dish"]) for e in entries]
        with transaction.atomic():
            services.save_menu(menu, by=self.request.user, entries=rows)
        serializer.instance = menu

    def perform_create(self, serializer):
        self._save(serializer, WeekMenu(school=self.school))

    def perform_update(self, serializer):
        self._save(serializer, serializer.instance)

    @extend_schema(summary="提交审批", description="不符合配餐规则（两荤两素一汤、荤料比例等学校设置）时拒绝（400），"
                                                "逐条写明；总务主任（及膳食委员会）审核通过即公示。",
                   request=None, responses=s.WeekMenuSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        return self.step(services.submit_menu)

    @extend_schema(summary="沿用为新一周的食谱", request=s.CopyInput, responses={201: s.WeekMenuSerializer})
    @action(detail=True, methods=["post"])
    def copy(self, request, pk=None):
        data = self.input(s.CopyInput)
        menu = self.get_object()
        with transaction.atomic():
            new = services.copy_menu(menu, by=request.user, week_start=data["week_start"])
        return self.fresh(new, status.HTTP_201_CREATED)


# --- 就餐人数与食堂账 -------------------------------------------------------------------------------


@extend_schema_view(list=extend_schema(summary="就餐人数"), retrieve=extend_schema(summary="就餐人数详情"))
class DinerCountViewSet(ServiceWriteMixin, NoDeleteViewSet):
    serializer_class = s.DinerCountSerializer
    filterset_class = filtersets.DinerCountFilterSet
    create_service = update_service = services.record_diners


@extend_schema_view(list=extend_schema(summary="食堂收支"), retrieve=extend_schema(summary="食堂收支详情"),
                    create=extend_schema(summary="登记收支", description="营养改善补助专款专用：只能用于受助学生膳食，"
                                                                   "至多本月受助学生人·天×补助标准（400）。"))
class CanteenEntryViewSet(ServiceWriteMixin, RecordViewSet):
    serializer_class = s.CanteenEntrySerializer
    filterset_class = filtersets.CanteenEntryFilterSet
    select_related = ("recorded_by",)
    create_service = services.record_entry
    action_rules = {"accounts": "notice"}

    @extend_schema(summary="食堂月度收支（公示）",
                   parameters=[OpenApiParameter("month", str, description="该月任一天")],
                   responses=s.AccountsSerializer, filters=False)
    @action(detail=False, pagination_class=None)
    def accounts(self, request):
        params = s.MonthQuery(data=request.query_params)
        params.is_valid(raise_exception=True)
        month = params.validated_data.get("month") or timezone.localdate()
        return Response(s.AccountsSerializer(services.month_accounts(self.school, month)).data)
