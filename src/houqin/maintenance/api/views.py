"""API viewsets of the maintenance app (维修). Thin: the tenant scope comes from
core/api/base.py, who may do what from the rules table (maintenance/rules.py) and the services
(only the assignee finishes, only the reporter verifies), every change from services.py.
A non-manager sees only his own reports and the orders assigned to him, as on the pages."""

from django.db import transaction
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.response import Response

from houqin.core.api.base import (
    ActionInput,
    BodyFirstUpdateMixin,
    NoDeleteViewSet,
    SchoolScopedReadOnlyViewSet,
    SchoolScopedViewSet,
    ServiceWriteMixin,
)
from houqin.core.rules import ADD, CHANGE, VIEW
from houqin.core.tenancy import scope

from .. import services
from ..filtersets import (
    PreventivePlanFilterSet,
    PreventiveTaskFilterSet,
    SpecialEquipmentFilterSet,
    WorkOrderFilterSet,
)
from ..models import (
    MaintenanceRecord,
    WorkOrderEvent,
    WorkOrderPart,
)
from . import serializers as s


@extend_schema_view(
    list=extend_schema(summary="报修单",
                       description="总务主任、校长和勤办看到全部；其他人只看到自己报修的和派给自己的。"),
    retrieve=extend_schema(summary="报修单详情"),
    create=extend_schema(summary="报修", description="人人可报修；学校取当前学校，报修人取当前用户。"),
    update=extend_schema(summary="修改报修单（总务主任）"),
    partial_update=extend_schema(summary="修改报修单（部分）"),
)
class WorkOrderViewSet(BodyFirstUpdateMixin, ServiceWriteMixin, NoDeleteViewSet):
    """Work orders (报修单) and their steps: assign (派单), start, parts (领料), finish (完工),
    verify (报修人验收签字), reopen (返修), cancel (取消)."""

    serializer_class = s.WorkOrderSerializer
    filterset_class = WorkOrderFilterSet
    select_related = ("room", "worker", "reporter", "school__maintenancesettings")
    create_service = services.report
    body_first = True
    action_rules = {
        "assign": "dispatch", "start": "work", "finish": "work",
        "verify": "verify", "reopen": "reopen", "cancel": "cancel",
        "events": VIEW, "parts": (ADD, WorkOrderPart),
    }

    @extend_schema(summary="派单", request=s.AssignSerializer, responses=s.WorkOrderSerializer)
    @action(detail=True, methods=["post"])
    def assign(self, request, pk=None):
        data = self.input(s.AssignSerializer)
        order = self.get_object()
        services.assign(order, by=request.user, worker=data.get("worker"), contractor=data["contractor"],
                        note=data["note"])
        return self.fresh(order)

    @extend_schema(summary="开始维修", request=ActionInput, responses=s.WorkOrderSerializer)
    @action(detail=True, methods=["post"])
    def start(self, request, pk=None):
        return self.step(services.start)

    @extend_schema(summary="领用材料", description="从库房出库（按移动加权平均计价），记入本单材料费。",
                   request=s.PartInputSerializer, responses={201: s.WorkOrderPartSerializer(many=True)})
    @action(detail=True, methods=["post"])
    def parts(self, request, pk=None):
        data = self.input(s.PartInputSerializer)
        order = self.get_object()
        with transaction.atomic():
            parts = services.issue_part(order, by=request.user, warehouse=data["warehouse"],
                                        item=data["item"], quantity=data["quantity"])
        return Response(s.WorkOrderPartSerializer(parts, many=True).data, status=status.HTTP_201_CREATED)

    @extend_schema(summary="完工", request=s.FinishSerializer, responses=s.WorkOrderSerializer)
    @action(detail=True, methods=["post"])
    def finish(self, request, pk=None):
        return self.step(services.finish, s.FinishSerializer)

    @extend_schema(summary="验收签字", description="报修人（或总务主任）验收；报修人可评分（1–5）。",
                   request=s.VerifySerializer, responses=s.WorkOrderSerializer)
    @action(detail=True, methods=["post"])
    def verify(self, request, pk=None):
        return self.step(services.verify, s.VerifySerializer)

    @extend_schema(summary="返修", request=s.ReasonSerializer, responses=s.WorkOrderSerializer)
    @action(detail=True, methods=["post"])
    def reopen(self, request, pk=None):
        return self.step(services.reopen, s.ReasonSerializer)

    @extend_schema(summary="取消", request=s.ReasonSerializer, responses=s.WorkOrderSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        return self.step(services.cancel, s.ReasonSerializer)

    @extend_schema(summary="办理记录", responses=s.WorkOrderEventSerializer(many=True), filters=False)
    @action(detail=True)
    def events(self, request, pk=None):
        order = self.get_object()
        events = scope(WorkOrderEvent.objects.filter(work_order=order), self.school).select_related("by")
        page = self.paginate_queryset(events.order_by("at", "pk"))
        return self.get_paginated_response(s.WorkOrderEventSerializer(page, many=True).data)


@extend_schema_view(list=extend_schema(summary="预防性维护计划"), retrieve=extend_schema(summary="计划详情"))
class PreventivePlanViewSet(BodyFirstUpdateMixin, SchoolScopedViewSet):
    """Preventive plans: recurrence, target and checklist; `houqin tick` makes their tasks."""

    serializer_class = s.PreventivePlanSerializer
    filterset_class = PreventivePlanFilterSet
    select_related = ("school",)
    prefetch_related = ("rooms",)
    action_rules = {"install_seeds": ADD}

    @extend_schema(summary="载入常用检查计划", request=ActionInput,
                   responses={201: s.PreventivePlanSerializer(many=True)})
    @action(detail=False, methods=["post"], url_path="install-seeds", pagination_class=None)
    def install_seeds(self, request):
        self.input(ActionInput)
        created = services.install_seed_plans(self.school)
        return Response(s.PreventivePlanSerializer(created, many=True, context=self.get_serializer_context()).data,
                        status=status.HTTP_201_CREATED)


@extend_schema_view(list=extend_schema(summary="巡检任务"), retrieve=extend_schema(summary="巡检任务详情"))
class PreventiveTaskViewSet(SchoolScopedReadOnlyViewSet):
    """The checks due (made by `houqin tick`); `complete` records the results."""

    serializer_class = s.PreventiveTaskSerializer
    filterset_class = PreventiveTaskFilterSet
    select_related = ("plan",)
    body_first = True
    action_rules = {"complete": CHANGE}

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "with_targets": self.action != "list"}

    def get_queryset(self):
        qs = super().get_queryset()
        return qs if self.action == "list" else qs.select_related(*services.TASK_RELATED)

    @extend_schema(summary="记录检查结果",
                   description="检查是“检查对象 × 检查项目”的矩阵（对象见任务详情的 targets）：每格一条结果，"
                               "未列出的格视为正常。每个有问题（ok=false）的对象生成一张报修单，"
                               "列出它有问题的项目，并填好资产和房间。对象不属于该任务（他校或其他类别的资产、"
                               "已不在用的资产）时返回 400。",
                   request=s.CompleteSerializer, responses=s.PreventiveTaskSerializer)
    @action(detail=True, methods=["post"])
    def complete(self, request, pk=None):
        return self.step(services.complete_task, s.CompleteSerializer)


@extend_schema_view(list=extend_schema(summary="特种设备"), retrieve=extend_schema(summary="特种设备详情"))
class SpecialEquipmentViewSet(BodyFirstUpdateMixin, SchoolScopedViewSet):
    """Special equipment (特种设备) and its maintenance / inspection records."""

    serializer_class = s.SpecialEquipmentSerializer
    filterset_class = SpecialEquipmentFilterSet
    prefetch_related = ("operators",)
    action_rules = {"record": (ADD, MaintenanceRecord), "records": (VIEW, MaintenanceRecord)}

    @extend_schema(summary="登记维保或年检", request=s.RecordInputSerializer,
                   responses={201: s.MaintenanceRecordSerializer})
    @action(detail=True, methods=["post"])
    def record(self, request, pk=None):
        data = self.input(s.RecordInputSerializer)
        equipment = self.get_object()
        record = services.record_maintenance(equipment, by=request.user, **data)
        return Response(s.MaintenanceRecordSerializer(record).data, status=status.HTTP_201_CREATED)

    @extend_schema(summary="维保与年检记录", responses=s.MaintenanceRecordSerializer(many=True), filters=False)
    @action(detail=True)
    def records(self, request, pk=None):
        equipment = self.get_object()
        page = self.paginate_queryset(scope(MaintenanceRecord.objects.filter(equipment=equipment), self.school))
        return self.get_paginated_response(s.MaintenanceRecordSerializer(page, many=True).data)
