"""API viewsets of the safety app (安全). Thin: the tenant scope comes from core/api/base.py,
who may do what from the rules table (safety/rules.py) and the services (only a third person
re-checks; the identity number is reduced on entry), every change from services.py.

The steps look their hazard up before reading the body, so another school's id is a 404
whatever is posted (and the route walk reaches them without a body declared for it)."""

from drf_spectacular.utils import extend_schema, extend_schema_view
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
from houqin.core.rules import VIEW
from houqin.core.tenancy import scope

from .. import fire, patrols, services
from ..filtersets import (
    CheckItemFilterSet,
    DrillFilterSet,
    FireCheckFilterSet,
    FireEquipmentFilterSet,
    GateEntryFilterSet,
    HazardFilterSet,
    PatrolFilterSet,
    PatrolRouteFilterSet,
    TrainingFilterSet,
)
from ..forms import repair_spec
from ..models import HazardEvent, PatrolResult
from . import serializers as s


@extend_schema_view(
    list=extend_schema(summary="安全隐患（隐患台帐）",
                       description="总务主任、校长和勤办看到全部；其他人只看到自己报告的和由自己整改的。"),
    retrieve=extend_schema(summary="隐患详情"),
    create=extend_schema(summary="上报隐患", description="人人可上报；学校取当前学校，报告人取当前用户。"),
    update=extend_schema(summary="修改隐患（总务主任、校长）"),
    partial_update=extend_schema(summary="修改隐患（部分）"),
)
class HazardViewSet(BodyFirstUpdateMixin, ServiceWriteMixin, NoDeleteViewSet):
    """Hazards and their steps: assign (指派整改), rectify (整改完成，附整改后照片),
    recheck (复查：合格销号 / 不合格重新整改), events (办理记录)."""

    serializer_class = s.HazardSerializer
    filterset_class = HazardFilterSet
    select_related = ("room__building", "assignee", "school__safetysettings")
    create_service = services.report
    action_rules = {"assign": "assign", "rectify": "rectify", "recheck": "recheck",
                    "events": VIEW}

    @extend_schema(summary="指派整改", description="repair=true 时同时生成报修单（维修模块）。",
                   request=s.HazardAssignSerializer, responses=s.HazardSerializer)
    @action(detail=True, methods=["post"])
    def assign(self, request, pk=None):
        hazard = self.get_object()
        data = self.input(s.HazardAssignSerializer)
        services.assign(hazard, by=request.user, assignee=data["assignee"], deadline=data["deadline"],
                        note=data["note"], repair=repair_spec(data))
        return self.fresh(hazard)

    @extend_schema(summary="登记整改", description="multipart：rectification 和至少一张 photos。",
                   request={"multipart/form-data": s.RectifySerializer}, responses=s.HazardSerializer)
    @action(detail=True, methods=["post"])
    def rectify(self, request, pk=None):
        hazard = self.get_object()
        data = self.input(s.RectifySerializer)
        services.rectify(hazard, by=request.user, rectification=data["rectification"], photos=data["photos"])
        return self.fresh(hazard)

    @extend_schema(summary="复查", description="复查人不能是指派人或整改人。", request=s.RecheckSerializer,
                   responses=s.HazardSerializer)
    @action(detail=True, methods=["post"])
    def recheck(self, request, pk=None):
        return self.step(services.recheck, s.RecheckSerializer)

    @extend_schema(summary="办理记录", responses=s.HazardEventSerializer(many=True), filters=False)
    @action(detail=True)
    def events(self, request, pk=None):
        hazard = self.get_object()
        events = scope(HazardEvent.objects.filter(hazard=hazard), self.school).select_related("by")
        page = self.paginate_queryset(events.order_by("at", "pk"))
        return self.get_paginated_response(s.HazardEventSerializer(page, many=True).data)


@extend_schema_view(
    list=extend_schema(summary="门卫登记", description="on_campus=true 只列仍在校内的来访人员和车辆。"),
    retrieve=extend_schema(summary="登记详情"),
    create=extend_schema(summary="进校登记或拒绝入校", description="身份证号只保存后四位，任何响应都不返回全号。"),
    update=extend_schema(summary="更正登记"),
    partial_update=extend_schema(summary="更正登记（部分）"),
)
class GateEntryViewSet(BodyFirstUpdateMixin, ServiceWriteMixin, NoDeleteViewSet):
    """The gate log: in (create), out (leave), the live list (on-campus), earlier visitors by
    their first characters (returning)."""

    serializer_class = s.GateEntrySerializer
    filterset_class = GateEntryFilterSet
    create_service, update_service = services.log_in, services.update_entry
    service_fields = ("id_number", "refused_reason")  # the number is reduced before it is saved
    body_first = True
    action_rules = {"leave": "leave", "on_campus": VIEW,
                    "returning": VIEW}

    @extend_schema(summary="离校登记", request=ActionInput, responses=s.GateEntrySerializer)
    @action(detail=True, methods=["post"])
    def leave(self, request, pk=None):
        return self.step(services.log_out)

    @extend_schema(summary="仍在校内", responses=s.GateEntrySerializer(many=True), filters=False)
    @action(detail=False, url_path="on-campus")
    def on_campus(self, request):
        page = self.paginate_queryset(services.still_on_campus(self.get_queryset()))
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    @extend_schema(summary="再次来访：按姓名、拼音首字母或车牌开头查找", responses=s.GateEntrySerializer(many=True),
                   filters=False)
    @action(detail=False, pagination_class=None)  # a short list of matches, not a page
    def returning(self, request):
        found = services.returning(self.get_queryset(), request.query_params.get("q", "")[:20])
        return Response(self.get_serializer(found, many=True).data)


# --- patrols ----------------------------------------------------------------------------------


@extend_schema_view(list=extend_schema(summary="巡查检查项目"), retrieve=extend_schema(summary="检查项目详情"))
class CheckItemViewSet(BodyFirstUpdateMixin, SchoolScopedViewSet):
    """The patrol checklist's items by area (总务主任、校长维护)."""

    serializer_class = s.CheckItemSerializer
    filterset_class = CheckItemFilterSet


@extend_schema_view(list=extend_schema(summary="巡查路线"), retrieve=extend_schema(summary="巡查路线详情"))
class PatrolRouteViewSet(BodyFirstUpdateMixin, SchoolScopedViewSet):
    """Patrol routes with their items and frequency (总务主任、校长维护)."""

    serializer_class = s.PatrolRouteSerializer
    filterset_class = PatrolRouteFilterSet
    prefetch_related = ("items",)


@extend_schema_view(
    list=extend_schema(summary="巡查记录", description="由 houqin tick 按路线频次生成；status=missed 为漏巡。"),
    retrieve=extend_schema(summary="巡查详情"))
class PatrolViewSet(SchoolScopedReadOnlyViewSet):
    """The due patrols; `walk` records one, `results` lists what was found."""

    serializer_class = s.PatrolSerializer
    filterset_class = PatrolFilterSet
    select_related = ("route",)
    body_first = True
    action_rules = {"walk": "walk", "results": VIEW}

    @extend_schema(summary="登记巡查",
                   description="每个检查项目一条结果；未列出的视为正常。有问题的生成隐患（来源：巡查发现）。"
                               "照片请在网页上传，或在隐患上另行上传附件。",
                   request=s.WalkSerializer, responses=s.PatrolSerializer)
    @action(detail=True, methods=["post"])
    def walk(self, request, pk=None):
        return self.step(patrols.walk, s.WalkSerializer)

    @extend_schema(summary="巡查结果", responses=s.PatrolResultSerializer(many=True), filters=False)
    @action(detail=True)
    def results(self, request, pk=None):
        patrol = self.get_object()
        rows = scope(PatrolResult.objects.filter(patrol=patrol), self.school).order_by("pk")
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(s.PatrolResultSerializer(page, many=True).data)


# --- fire equipment ---------------------------------------------------------------------------


@extend_schema_view(list=extend_schema(summary="消防器材", description="red=true 只列到期送修或报废的器材。"),
                    retrieve=extend_schema(summary="消防器材详情"))
class FireEquipmentViewSet(BodyFirstUpdateMixin, SchoolScopedViewSet):
    """The fire equipment register; 送修 and 报废 dates follow from the agent and dates (§5)."""

    serializer_class = s.FireEquipmentSerializer
    filterset_class = FireEquipmentFilterSet
    select_related = ("room",)


@extend_schema_view(list=extend_schema(summary="消防器材检查", description="由 houqin tick 每个检查周期生成一次。"),
                    retrieve=extend_schema(summary="检查详情"))
class FireCheckViewSet(SchoolScopedReadOnlyViewSet):
    """The checks of each period; `check` records one (有问题的生成隐患)."""

    serializer_class = s.FireCheckSerializer
    filterset_class = FireCheckFilterSet
    select_related = ("equipment",)
    body_first = True
    action_rules = {"check": "check"}

    @extend_schema(summary="登记检查", request=s.FireCheckInputSerializer, responses=s.FireCheckSerializer)
    @action(detail=True, methods=["post"])
    def check(self, request, pk=None):
        return self.step(fire.check, s.FireCheckInputSerializer)


# --- drills and training ----------------------------------------------------------------------


@extend_schema_view(list=extend_schema(summary="安全演练"), retrieve=extend_schema(summary="演练详情"))
class DrillViewSet(BodyFirstUpdateMixin, SchoolScopedViewSet):
    """Drills planned and held (演练); photos as attachments."""

    serializer_class = s.DrillSerializer
    filterset_class = DrillFilterSet


@extend_schema_view(list=extend_schema(summary="安全培训"), retrieve=extend_schema(summary="培训详情"))
class TrainingViewSet(BodyFirstUpdateMixin, SchoolScopedViewSet):
    """Safety training sessions with their attendees."""

    serializer_class = s.TrainingSerializer
    filterset_class = TrainingFilterSet
    prefetch_related = ("attendees",)
