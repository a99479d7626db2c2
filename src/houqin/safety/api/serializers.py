"""Serializers of the safety API. Hazards and gate entries are created and moved through the
services; the input serializers only check what an action receives. The identity number of
a gate entry is write-only: no response carries more than its last four (id_masked)."""

from rest_framework import serializers

from houqin.core.api.base import ActionInput
from houqin.core.api.serializers import SchoolOwnedSerializer
from houqin.core.models import Person
from houqin.maintenance.choices import Category

from ..choices import Level, Measure
from ..models import (
    CheckItem,
    Drill,
    FireCheck,
    FireEquipment,
    GateEntry,
    Hazard,
    HazardEvent,
    Patrol,
    PatrolResult,
    PatrolRoute,
    Training,
)
from ..services import id_digest


class HazardSerializer(SchoolOwnedSerializer):
    """A hazard (安全隐患). Creating one reports it; afterwards the director may correct level,
    place, description and measure; the state changes through assign, rectify and recheck."""

    number = serializers.CharField(read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    level_display = serializers.CharField(source="get_level_display", read_only=True)
    room_name = serializers.CharField(source="room.__str__", read_only=True, allow_null=True, default=None)
    assignee_name = serializers.CharField(source="assignee.name", read_only=True, allow_null=True, default=None)
    overdue = serializers.SerializerMethodField(help_text="整改中且已超过整改期限")

    class Meta:
        model = Hazard
        fields = ["id", "school", "number", "level", "level_display", "source", "room", "room_name", "place",
                  "description", "measure", "status", "status_display", "overdue", "reported_by", "reported_at",
                  "assigned_by", "assignee", "assignee_name", "deadline", "work_order", "rectification",
                  "rectified_by", "rectified_at", "checked_by", "checked_at", "check_note", "reopen_count",
                  "escalated_at", "updated_at"]
        read_only_fields = ["status", "reported_by", "reported_at", "assigned_by", "assignee", "deadline", "work_order",
                            "rectification", "rectified_by", "rectified_at", "checked_by", "checked_at", "check_note",
                            "reopen_count", "escalated_at"]

    def get_overdue(self, obj) -> bool:
        return obj.overdue()

    def validate(self, attrs):
        attrs = super().validate(attrs)
        room = attrs.get("room", getattr(self.instance, "room", None))
        place = attrs.get("place", getattr(self.instance, "place", ""))
        if room is None and not (place or "").strip():
            raise serializers.ValidationError({"room": "请选择隐患地点或填写地点说明"})
        return attrs


class HazardEventSerializer(serializers.ModelSerializer):
    by_name = serializers.CharField(source="by.__str__", read_only=True, allow_null=True, default=None)

    class Meta:
        model = HazardEvent
        fields = ["id", "kind", "status", "by", "by_name", "note", "at"]
        read_only_fields = fields


class HazardAssignSerializer(ActionInput):
    assignee = serializers.PrimaryKeyRelatedField(label="整改责任人", queryset=Person.objects.filter(active=True))
    deadline = serializers.DateField(label="整改期限")
    note = serializers.CharField(label="整改要求", max_length=200, required=False, default="", allow_blank=True)
    repair = serializers.BooleanField(label="同时生成报修单", required=False, default=False)
    category = serializers.ChoiceField(label="报修类别", choices=Category.choices, required=False,
                                       default=Category.OTHER)


class RectifySerializer(ActionInput):
    """The after-photo(s) come as multipart files named `photos`."""

    rectification = serializers.CharField(label="整改情况", max_length=1000)
    photos = serializers.ListField(label="整改后照片", child=serializers.FileField(), min_length=1, max_length=4)


class RecheckSerializer(ActionInput):
    passed = serializers.BooleanField(label="复查合格")
    note = serializers.CharField(label="复查意见", max_length=300, required=False, default="", allow_blank=True)


class GateEntrySerializer(SchoolOwnedSerializer):
    """门卫登记. `id_number` is taken on creating only and never returned; `id_masked` shows
    its last four. `refused_reason` given on creating records a refused entry."""

    id_number = serializers.CharField(label="身份证号", write_only=True, required=False, allow_blank=True,
                                      max_length=30, help_text="只保存后四位；响应中只有 id_masked")
    refused_reason = serializers.CharField(label="拒绝入校原因", write_only=True, required=False, allow_blank=True,
                                           max_length=200)
    id_masked = serializers.CharField(read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)

    class Meta:
        model = GateEntry
        fields = ["id", "school", "kind", "name", "id_number", "id_masked", "phone", "plate", "people", "reason",
                  "host", "refused_reason", "status", "status_display", "refusal_reason", "entered_at", "left_at",
                  "logged_by", "left_logged_by", "updated_at"]
        read_only_fields = ["status", "refusal_reason", "entered_at", "left_at", "logged_by", "left_logged_by"]

    def validate(self, attrs):
        if not self.partial and not (attrs.get("name") or attrs.get("plate")):
            raise serializers.ValidationError({"name": "请填写来访人姓名或车牌号"})
        if self.instance is not None:
            self._keep_identity(attrs)
        return super().validate(attrs)

    def _keep_identity(self, attrs):
        """After entry the card and the refusal stand: the same number again (a full update
        repeats it) is taken as no change, another one is refused."""
        number = attrs.pop("id_number", "")
        if number and id_digest(self.instance.school, number) != self.instance.id_digest:
            raise serializers.ValidationError({"id_number": "登记后不能修改证件号"})
        if attrs.pop("refused_reason", ""):
            raise serializers.ValidationError({"refused_reason": "登记后不能改为拒绝入校"})


# --- patrols ----------------------------------------------------------------------------------


class CheckItemSerializer(SchoolOwnedSerializer):
    class Meta:
        model = CheckItem
        fields = ["id", "school", "area", "kind", "text", "basis", "order", "active", "updated_at"]


class PatrolRouteSerializer(SchoolOwnedSerializer):
    class Meta:
        model = PatrolRoute
        fields = ["id", "school", "name", "frequency", "rounds", "weekday", "items", "patroller", "on_holidays",
                  "in_vacations", "starts_on", "active", "updated_at"]


class PatrolResultSerializer(serializers.ModelSerializer):
    class Meta:
        model = PatrolResult
        fields = ["id", "item", "area", "kind", "text", "ok", "note", "hazard"]
        read_only_fields = fields


class PatrolSerializer(serializers.ModelSerializer):
    route_name = serializers.CharField(source="route.name", read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)

    class Meta:
        model = Patrol
        fields = ["id", "school", "route", "route_name", "due_on", "round", "status", "status_display", "problems",
                  "done_by", "done_at", "updated_at"]
        read_only_fields = fields


class WalkResultSerializer(serializers.Serializer):
    item = serializers.IntegerField(label="检查项目")
    ok = serializers.BooleanField(label="正常", default=True)
    note = serializers.CharField(label="问题情况", max_length=300, required=False, default="", allow_blank=True)
    place = serializers.CharField(label="具体地点", max_length=100, required=False, default="", allow_blank=True)
    level = serializers.ChoiceField(label="隐患等级", choices=Level.choices, required=False, default=Level.GENERAL)
    measure = serializers.ChoiceField(label="已采取措施", choices=Measure.choices, required=False,
                                      default=Measure.NONE)


class WalkSerializer(ActionInput):
    results = WalkResultSerializer(many=True, label="巡查结果",
                                   help_text="每个检查项目一条；未列出的视为正常；有问题（ok=false）的须写明情况，并生成隐患")


# --- fire equipment ---------------------------------------------------------------------------


class FireEquipmentSerializer(SchoolOwnedSerializer):
    class Meta:
        model = FireEquipment
        fields = ["id", "school", "code", "kind", "agent", "spec", "room", "place", "dense_place", "made_on",
                  "installed_on", "last_serviced_on", "service_due_on", "scrap_due_on", "active", "note", "updated_at"]
        read_only_fields = ["service_due_on", "scrap_due_on"]

    def validate(self, attrs):
        attrs = super().validate(attrs)
        kind = attrs.get("kind", getattr(self.instance, "kind", "extinguisher"))
        agent = attrs.get("agent", getattr(self.instance, "agent", ""))
        if kind == "extinguisher" and not agent:
            raise serializers.ValidationError({"agent": "灭火器请选择灭火剂类型"})
        return attrs


class FireCheckSerializer(serializers.ModelSerializer):
    equipment_name = serializers.CharField(source="equipment.__str__", read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)

    class Meta:
        model = FireCheck
        fields = ["id", "school", "equipment", "equipment_name", "period_start", "due_by", "status",
                  "status_display", "note", "done_by", "done_at", "hazard", "updated_at"]
        read_only_fields = fields


class FireCheckInputSerializer(ActionInput):
    ok = serializers.BooleanField(label="合格")
    note = serializers.CharField(label="检查情况", max_length=300, required=False, default="", allow_blank=True)
    level = serializers.ChoiceField(label="隐患等级", choices=Level.choices, required=False, default=Level.GENERAL)
    measure = serializers.ChoiceField(label="已采取措施", choices=Measure.choices, required=False,
                                      default=Measure.NONE)


# --- drills and training ----------------------------------------------------------------------


class DrillSerializer(SchoolOwnedSerializer):
    class Meta:
        model = Drill
        fields = ["id", "school", "kind", "title", "held_on", "organiser", "scope", "participants",
                  "evacuation_seconds", "evaluation", "updated_at"]


class TrainingSerializer(SchoolOwnedSerializer):
    class Meta:
        model = Training
        fields = ["id", "school", "title", "held_on", "trainer", "hours", "attendees", "note", "updated_at"]
