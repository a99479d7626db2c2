"""Serializers of the maintenance API. Work orders are created and moved through the domain
services; the small input serializers below only check what an action receives. Related
fields accept the active school's rows only (SchoolScopedSerializer)."""

from decimal import Decimal

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from houqin.core.api.base import ActionInput
from houqin.core.api.serializers import SchoolOwnedSerializer
from houqin.core.models import Person
from houqin.core.money import MONEY
from houqin.stock.models import Item, Warehouse

from ..choices import Category, RecordKind
from ..models import (
    MaintenanceRecord,
    PreventivePlan,
    PreventiveTask,
    SpecialEquipment,
    WorkOrder,
    WorkOrderEvent,
    WorkOrderPart,
)
from ..targets import TARGET_KEY, resolve, rows, summary

# --- work orders ---------------------------------------------------------------------------


class WorkOrderSerializer(SchoolOwnedSerializer):
    """A work order (报修单). Creating one reports it (报修); afterwards only category,
    description, urgency and place may be corrected (by the director); the state changes
    through the actions (assign, start, parts, finish, verify, reopen, cancel)."""

    status_display = serializers.CharField(source="get_status_display", read_only=True)
    category_display = serializers.CharField(source="get_category_display", read_only=True)
    room_name = serializers.CharField(source="room.name", read_only=True, allow_null=True, default=None)
    reporter_name = serializers.CharField(source="reporter.__str__", read_only=True)
    worker_name = serializers.CharField(source="worker.name", read_only=True, allow_null=True, default=None)
    overdue = serializers.SerializerMethodField(help_text="未办结且超过学校的报修响应时限")

    class Meta:
        model = WorkOrder
        fields = ["id", "school", "number", "category", "category_display", "description", "urgency", "room",
                  "room_name", "place", "asset", "status", "status_display", "overdue", "reporter",
                  "reporter_name", "reported_at", "worker", "worker_name", "contractor", "assigned_at",
                  "started_at", "done_at", "work_done", "labour_hours", "outsourced_cost", "invoice_number",
                  "parts_cost", "verified_at", "verified_by", "auto_verified", "rating", "rating_comment",
                  "reopen_count", "cancel_reason", "task", "updated_at"]
        read_only_fields = ["number", "status", "reporter", "reported_at", "worker", "contractor", "assigned_at",
                            "started_at", "done_at", "work_done", "labour_hours", "outsourced_cost", "invoice_number",
                            "parts_cost", "verified_at", "verified_by", "auto_verified", "rating", "rating_comment",
                            "reopen_count", "cancel_reason", "task"]

    def get_overdue(self, obj) -> bool:
        return obj.overdue()

    def validate(self, attrs):
        attrs = super().validate(attrs)
        if self.instance is not None and "asset" in attrs and attrs["asset"] != self.instance.asset:
            raise serializers.ValidationError({"asset": "报修后不能更换资产，请取消后重新报修"})
        room = attrs.get("room", getattr(self.instance, "room", None))
        place = attrs.get("place", getattr(self.instance, "place", ""))
        asset = attrs.get("asset", getattr(self.instance, "asset", None))
        if room is None and not (place or "").strip() and asset is None:
            raise serializers.ValidationError({"room": "请选择报修地点或填写地点说明"})
        return attrs


class WorkOrderEventSerializer(serializers.ModelSerializer):
    status = serializers.CharField(read_only=True, help_text="办理后状态（同报修单的 status）")
    by_name = serializers.CharField(source="by.__str__", read_only=True, allow_null=True, default=None)

    class Meta:
        model = WorkOrderEvent
        fields = ["id", "kind", "status", "by", "by_name", "note", "at"]
        read_only_fields = fields


class WorkOrderPartSerializer(serializers.ModelSerializer):
    item_name = serializers.CharField(source="item.__str__", read_only=True)

    class Meta:
        model = WorkOrderPart
        fields = ["id", "work_order", "warehouse", "item", "item_name", "quantity", "movement", "cost", "by", "at"]
        read_only_fields = fields


class AssignSerializer(ActionInput):
    worker = serializers.PrimaryKeyRelatedField(label="维修工", queryset=Person.objects.all(), required=False,
                                                allow_null=True)
    contractor = serializers.CharField(label="外包单位", max_length=100, required=False, allow_blank=True,
                                       default="")
    note = serializers.CharField(label="说明", max_length=200, required=False, allow_blank=True, default="")

    def validate(self, attrs):
        attrs = super().validate(attrs)
        if not attrs.get("worker") and not attrs.get("contractor", "").strip():
            raise serializers.ValidationError("请指定维修工（worker）或外包单位（contractor）")
        return attrs


class FinishSerializer(ActionInput):
    work_done = serializers.CharField(label="维修情况", max_length=1000)
    labour_hours = serializers.DecimalField(label="用工(小时)", max_digits=6, decimal_places=1,
                                            min_value=Decimal("0"), default=Decimal("0"))
    outsourced_cost = serializers.DecimalField(label="外包费用(元)", **MONEY, min_value=Decimal("0"),
                                               default=Decimal("0"))
    invoice_number = serializers.CharField(label="发票号", max_length=50, required=False, allow_blank=True,
                                           default="")


class VerifySerializer(ActionInput):
    rating = serializers.IntegerField(label="评分", min_value=1, max_value=5, required=False, allow_null=True,
                                      default=None, help_text="报修人本人的评分，1–5 分")
    comment = serializers.CharField(label="评价", max_length=200, required=False, allow_blank=True, default="")


class ReasonSerializer(ActionInput):
    reason = serializers.CharField(label="原因", max_length=200)


class PartInputSerializer(ActionInput):
    warehouse = serializers.PrimaryKeyRelatedField(label="仓库", queryset=Warehouse.objects.all(),
                                                   error_messages={"does_not_exist": "没有这个仓库"})
    item = serializers.PrimaryKeyRelatedField(label="物品", queryset=Item.objects.all(),
                                              error_messages={"does_not_exist": "没有这个物品"})
    quantity = serializers.DecimalField(label="数量", max_digits=12, decimal_places=2, min_value=Decimal("0.01"))


# --- preventive ----------------------------------------------------------------------------


class PreventivePlanSerializer(SchoolOwnedSerializer):
    class Meta:
        model = PreventivePlan
        fields = ["id", "school", "name", "recurrence", "weekday", "day_of_month", "summer_month", "target_kind",
                  "rooms", "asset_category", "equipment", "checklist", "assignee", "on_holidays", "in_vacations",
                  "active", "starts_on", "updated_at"]

    def validate(self, attrs):
        attrs = super().validate(attrs)
        dom = attrs.get("day_of_month")
        if dom is not None and not 1 <= dom <= 28:
            raise serializers.ValidationError({"day_of_month": "每月几号须在 1 到 28 之间"})
        month = attrs.get("summer_month")
        if month is not None and not 2 <= month <= 12:
            raise serializers.ValidationError({"summer_month": "夏季开始月份须在 2 到 12 之间"})
        return attrs


class TargetSerializer(serializers.Serializer):
    target = serializers.CharField(source="key", help_text="room:5、asset:12、equipment:3，或 plan（计划整体）")
    label = serializers.CharField()
    room = serializers.IntegerField(source="room.pk", allow_null=True, default=None)
    room_name = serializers.CharField(source="room.__str__", allow_null=True, default=None)
    asset = serializers.IntegerField(source="asset.pk", allow_null=True, default=None)
    equipment = serializers.IntegerField(source="equipment.pk", allow_null=True, default=None)


class PreventiveTaskSerializer(serializers.ModelSerializer):
    plan_name = serializers.CharField(source="plan.name", read_only=True)
    checklist = serializers.SerializerMethodField()
    summary = serializers.SerializerMethodField(help_text="检查后：N 项目 × M 对象，K 处问题")
    targets = serializers.SerializerMethodField(
        help_text="检查对象（矩阵的行），仅在任务详情中给出（列表中为 null）：待检查的任务为计划当前的对象"
                  "（房间、该类别及下级分类的在用资产、特种设备），已检查的取检查结果中的对象")

    class Meta:
        model = PreventiveTask
        fields = ["id", "school", "plan", "plan_name", "due_on", "status", "checklist", "summary", "targets",
                  "results", "done_by", "done_at", "updated_at"]
        read_only_fields = fields

    def get_checklist(self, obj) -> list[str]:
        return obj.plan.items()

    def get_summary(self, obj) -> str:
        return summary(obj.results)

    @extend_schema_field(TargetSerializer(many=True, allow_null=True))
    def get_targets(self, obj):
        if not self.context.get("with_targets"):
            return None
        if obj.results:
            grouped, _items = rows(obj.results)
            return [{"target": r["key"], "label": r["label"], "room": None, "room_name": None, "asset": None,
                     "equipment": None} | _ids(r["key"]) for r in grouped]
        return TargetSerializer(resolve(obj.plan, obj.school_id), many=True).data


def _ids(key):
    kind, _sep, pk = key.partition(":")
    return {kind: int(pk)} if kind in ("room", "asset", "equipment") and pk.isdigit() else {}


class ResultSerializer(serializers.Serializer):
    target = serializers.RegexField(
        TARGET_KEY, label="检查对象", max_length=40, required=False, allow_blank=True,
        help_text="room:5、asset:12、equipment:3 或 plan；任务只有一个对象时可省略",
        error_messages={"invalid": "检查对象格式应为 room:5、asset:12、equipment:3 或 plan"})
    item = serializers.CharField(label="检查项目", max_length=200)
    ok = serializers.BooleanField(label="正常", default=True)
    note = serializers.CharField(label="情况", max_length=200, required=False, allow_blank=True, default="")
    category = serializers.ChoiceField(label="报修类别", choices=Category.choices, required=False,
                                       default=Category.OTHER)


class CompleteSerializer(ActionInput):
    results = ResultSerializer(many=True, label="检查结果",
                               help_text="每个对象的每个检查项目一条；未列出的视为正常；每个有问题（ok=false）的对象自动生成一张报修单")


# --- special equipment -----------------------------------------------------------------------


class SpecialEquipmentSerializer(SchoolOwnedSerializer):
    maintenance_due_on = serializers.DateField(read_only=True, allow_null=True)
    maintenance_overdue = serializers.SerializerMethodField()

    class Meta:
        model = SpecialEquipment
        fields = ["id", "school", "kind", "name", "room", "registration_number", "use_certificate_number",
                  "contractor", "contractor_phone", "maintenance_interval_days", "last_maintained_on",
                  "maintenance_due_on", "maintenance_overdue", "inspection_due_on", "operators", "active",
                  "updated_at"]

    def get_maintenance_overdue(self, obj) -> bool:
        return obj.maintenance_overdue()


class MaintenanceRecordSerializer(serializers.ModelSerializer):
    kind = serializers.CharField(read_only=True, help_text="maintenance 维保 / inspection 年检")

    class Meta:
        model = MaintenanceRecord
        fields = ["id", "equipment", "kind", "done_on", "contractor", "next_inspection_on", "note", "by", "at"]
        read_only_fields = fields


class RecordInputSerializer(ActionInput):
    kind = serializers.ChoiceField(label="类型", choices=RecordKind.choices, default=RecordKind.MAINTENANCE)
    done_on = serializers.DateField(label="日期", required=False, allow_null=True)
    contractor = serializers.CharField(label="实施单位", max_length=100, required=False, allow_blank=True, default="")
    next_inspection_on = serializers.DateField(label="下次年检", required=False, allow_null=True)
    note = serializers.CharField(label="情况", max_length=300, required=False, allow_blank=True, default="")
