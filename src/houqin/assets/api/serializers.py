"""Serializers of the assets API. Rows are created and changed through the domain services
(assets/services.py); the small input serializers below only check what an action receives.
Related fields accept the active school's rows only (SchoolScopedSerializer, ActionInput)."""

from decimal import Decimal
from urllib.parse import unquote

from django.utils import timezone
from rest_framework import serializers

from houqin.core import approvals
from houqin.core.api.base import ActionInput
from houqin.core.api.serializers import SchoolOwnedSerializer
from houqin.core.models import Building, Person, Room
from houqin.core.money import MONEY
from houqin.core.tenancy import scope

from .. import models, services
from ..choices import DisposalMethod

# --- categories ------------------------------------------------------------------------


class CategorySerializer(serializers.ModelSerializer):
    class Meta:
        model = models.Category
        fields = ["id", "parent", "code", "name", "depreciation_years"]
        read_only_fields = fields


# --- assets ----------------------------------------------------------------------------


# Fields an edit may not change: they move the books or the holding, and have their own action.
THROUGH_ACTIONS = {
    "room": "请通过“调拨”操作更改存放地点",
    "custodian": "请通过“调拨”操作更改保管人",
    "kind": "登记后不能更改管理方式",
    "quantity": "数量请通过拆分、报废或盘点调整更改",
    "unit_price": "单价影响帐目，登记后不能直接修改",
    "category": "分类决定折旧年限，登记后不能直接修改",
    "purchase_date": "购置日期决定折旧起始月，登记后不能直接修改",
    "tag": "资产编号登记后不能修改",
}


class AssetSerializer(SchoolOwnedSerializer):
    """An asset as listed and registered. Registering goes through services.register (the tag
    is generated when left empty); status, room and custodian then change only through the
    actions (调拨、借出、报损、送修、报废 …)."""

    category_name = serializers.CharField(source="category.name", read_only=True)
    room_name = serializers.CharField(source="room.name", read_only=True)
    custodian_name = serializers.CharField(source="custodian.name", read_only=True, allow_null=True, default=None)
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    original_value = serializers.DecimalField(**MONEY, read_only=True, help_text="原值 = 单价 × 数量")

    class Meta:
        model = models.Asset
        fields = ["id", "school", "tag", "kind", "name", "pinyin", "category", "category_name", "model_spec",
                  "brand", "unit_price", "quantity", "unit", "original_value", "purchase_date", "funding_source",
                  "supplier", "invoice_number", "warranty_end", "room", "room_name", "custodian",
                  "custodian_name", "status", "status_display", "capitalised", "notes", "created_at",
                  "updated_at"]
        read_only_fields = ["pinyin", "status", "capitalised", "created_at"]
        extra_kwargs = {"tag": {"required": False, "allow_blank": True,
                                "help_text": "留空自动生成，如 ESYX-2025-00123"}}

    def validate(self, attrs):
        tag = attrs.get("tag")
        taken = scope(models.Asset.objects.filter(tag=tag), self.context.get("school"))
        if self.instance is None and tag and taken.exists():
            raise serializers.ValidationError({"tag": f"资产编号 {tag} 已被使用"})
        if self.instance is not None:
            # An edit changes the descriptive fields only. The fields in THROUGH_ACTIONS may be
            # sent unchanged (a full PUT of what was read), never changed.
            errors = {}
            for name, message in THROUGH_ACTIONS.items():
                if name in attrs and attrs[name] != getattr(self.instance, name):
                    errors[name] = message
                attrs.pop(name, None)
            if errors:
                raise serializers.ValidationError(errors)
        return super().validate(attrs)

    def create(self, validated_data):
        return services.register(models.Asset(**validated_data), by=self.context["request"].user)

    def update(self, instance, validated_data):  # the page's edit service: pinyin, life, the EDIT event
        changed = [name for name, value in validated_data.items() if getattr(instance, name) != value]
        for name, value in validated_data.items():
            setattr(instance, name, value)
        return services.edit(instance, by=self.context["request"].user, changed=changed)


class AssetEventSerializer(serializers.ModelSerializer):
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    by_name = serializers.CharField(source="by.__str__", read_only=True)
    from_room_name = serializers.CharField(source="from_room.name", read_only=True, allow_null=True, default=None)
    to_room_name = serializers.CharField(source="to_room.name", read_only=True, allow_null=True, default=None)

    class Meta:
        model = models.AssetEvent
        fields = ["id", "school", "asset", "kind", "kind_display", "quantity", "value_change", "from_room",
                  "from_room_name", "to_room", "to_room_name", "from_custodian", "to_custodian", "note", "by",
                  "by_name", "at"]
        read_only_fields = fields


# --- action inputs ----------------------------------------------------------------------


def _school_field(model, label, **kwargs):
    return serializers.PrimaryKeyRelatedField(label=label, queryset=model.objects.all(), **kwargs)


class MoveSerializer(ActionInput):
    room = _school_field(Room, "新地点", required=False, allow_null=True)
    custodian = _school_field(Person, "新保管人", required=False, allow_null=True)
    quantity = serializers.IntegerField(label="数量", min_value=1, required=False, allow_null=True,
                                        help_text="批量资产只调拨一部分时填写；不填为全部")
    note = serializers.CharField(label="说明", max_length=200, required=False, allow_blank=True, default="")

    def validate(self, attrs):
        if not attrs.get("room") and not attrs.get("custodian"):
            raise serializers.ValidationError("请选择新地点或新保管人")
        return attrs


class SplitSerializer(ActionInput):
    quantity = serializers.IntegerField(label="拆出数量", min_value=1)
    note = serializers.CharField(label="说明", max_length=200, required=False, allow_blank=True, default="")


class LendSerializer(ActionInput):
    borrower = _school_field(Person, "借用人")
    due_on = serializers.DateField(label="应还日期")
    quantity = serializers.IntegerField(label="数量", min_value=1, default=1)
    lent_on = serializers.DateField(label="借出日期", required=False, allow_null=True, help_text="不填为今天")
    note = serializers.CharField(label="说明", max_length=200, required=False, allow_blank=True, default="")


class DamageSerializer(ActionInput):
    description = serializers.CharField(label="损坏情况", max_length=300)
    liable_name = serializers.CharField(label="责任人", max_length=50, required=False, allow_blank=True,
                                        default="", help_text="填写则生成赔偿记录")
    amount = serializers.DecimalField(label="赔偿金额(元)", **MONEY, min_value=Decimal("0"), required=False,
                                      allow_null=True)

    def validate(self, attrs):
        if attrs.get("liable_name") and attrs.get("amount") is None:
            raise serializers.ValidationError({"amount": "请填写赔偿金额"})
        return attrs


class NoteSerializer(ActionInput):
    note = serializers.CharField(label="说明", max_length=300, required=False, allow_blank=True, default="")


class LostSerializer(ActionInput):
    note = serializers.CharField(label="丢失经过", max_length=300)


class ScrapInputSerializer(ActionInput):
    reason = serializers.CharField(label="报废原因", max_length=300)
    quantity = serializers.IntegerField(label="数量", min_value=1, required=False, allow_null=True,
                                        help_text="批量资产只报废一部分时填写；不填为全部")


class ReturnSerializer(ActionInput):
    condition = serializers.CharField(label="归还时状况", max_length=200, required=False, default="完好")
    damaged = serializers.BooleanField(label="归还时已损坏", required=False, default=False)
    returned_on = serializers.DateField(label="归还日期", required=False, allow_null=True, help_text="不填为今天")


class SettleSerializer(ActionInput):
    paid = serializers.BooleanField(label="已赔偿", help_text="true 已赔偿；false 免赔（须写明理由）")
    note = serializers.CharField(label="办结说明", max_length=200, required=False, allow_blank=True, default="")


class DisposeSerializer(ActionInput):
    disposal_method = serializers.ChoiceField(label="处置方式", choices=DisposalMethod.choices)
    disposal_proceeds = serializers.DecimalField(label="处置收入(元)", **MONEY, min_value=Decimal("0"),
                                                 default=Decimal("0.00"))
    disposed_on = serializers.DateField(label="处置日期", required=False, allow_null=True, help_text="不填为今天")


class CountSerializer(ActionInput):
    counted = serializers.IntegerField(label="实盘数量", min_value=0)
    damaged = serializers.IntegerField(label="其中损坏", min_value=0, default=0)
    note = serializers.CharField(label="说明", max_length=200, required=False, allow_blank=True, default="")

    def validate(self, attrs):
        if attrs["damaged"] > attrs["counted"]:
            raise serializers.ValidationError({"damaged": "损坏数量不能超过实盘数量"})
        return attrs


class SurplusSerializer(ActionInput):
    description = serializers.CharField(label="盘盈物品", max_length=100)
    quantity = serializers.IntegerField(label="数量", min_value=1)
    note = serializers.CharField(label="说明", max_length=200, required=False, allow_blank=True, default="")


class ScanSerializer(ActionInput):
    tag = serializers.CharField(label="资产编号", max_length=300, help_text="扫描标签得到的资产编号或标签网址")

    def validate_tag(self, value):
        value = value.strip().rstrip("/")
        if "/scan/" in value:  # the label's URL: …/assets/scan/<tag>/
            value = unquote(value.rsplit("/scan/", 1)[1])
        if not value or len(value) > 40:
            raise serializers.ValidationError("不是有效的资产编号")
        return value


# --- loans, compensations, scrapping ------------------------------------------------------


class OfAssetSerializer(serializers.ModelSerializer):
    # A record about one asset (a loan, a compensation, a scrap request), shown with the asset's
    # tag and name. A comment, not a docstring: the schema would describe the three by it.
    asset_tag = serializers.CharField(source="asset.tag", read_only=True)
    asset_name = serializers.CharField(source="asset.name", read_only=True)


class LoanSerializer(OfAssetSerializer):
    borrower_name = serializers.CharField(source="borrower.name", read_only=True)
    overdue = serializers.SerializerMethodField(help_text="未归还且已过应还日期")

    class Meta:
        model = models.Loan
        fields = ["id", "school", "asset", "asset_tag", "asset_name", "borrower", "borrower_name", "quantity",
                  "lent_on", "due_on", "returned_on", "return_condition", "note", "overdue", "updated_at"]
        read_only_fields = fields

    def get_overdue(self, obj) -> bool:
        today = self.context.setdefault("today", timezone.localdate())
        return obj.returned_on is None and obj.due_on < today


class CompensationSerializer(OfAssetSerializer):
    status_display = serializers.CharField(source="get_status_display", read_only=True)

    class Meta:
        model = models.Compensation
        fields = ["id", "school", "asset", "asset_tag", "asset_name", "description", "liable_name", "amount",
                  "status", "status_display", "settled_by", "settled_on", "settle_note", "updated_at"]
        read_only_fields = fields


class ScrapRequestSerializer(OfAssetSerializer):
    state_display = serializers.CharField(source="get_state_display", read_only=True)
    approval = serializers.SerializerMethodField(help_text="审批编号（/api/v1/approvals/{id}/）")

    class Meta:
        model = models.ScrapRequest
        fields = ["id", "school", "asset", "asset_tag", "asset_name", "quantity", "reason", "amount",
                  "requested_by", "state", "state_display", "approval", "disposal_method", "disposal_proceeds",
                  "disposed_on", "created_at", "updated_at"]
        read_only_fields = fields

    def get_approval(self, obj) -> int | None:
        if hasattr(obj, "approval_id"):
            return obj.approval_id  # annotated by the viewset: no query per row
        approval = approvals.latest(obj)
        return approval and approval.pk


# --- stocktakes -----------------------------------------------------------------------------


class StocktakeSerializer(SchoolOwnedSerializer):
    """A stocktake; creating one freezes the expected list of its rooms — the whole school, the
    rooms of some buildings, or some rooms. Afterwards only its name can be edited."""

    rooms = serializers.PrimaryKeyRelatedField(
        label="盘点房间", queryset=Room.objects.all(), many=True, write_only=True, required=False,
        help_text="要盘点的房间编号（与 buildings、whole_school 三选一，创建后不能更改）")
    buildings = serializers.PrimaryKeyRelatedField(
        label="盘点楼栋", queryset=Building.objects.all(), many=True, write_only=True, required=False,
        help_text="盘点这些楼栋的全部房间")
    whole_school = serializers.BooleanField(label="全校盘点", write_only=True, required=False, default=False)
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    opened_by_name = serializers.CharField(source="opened_by.__str__", read_only=True)

    class Meta:
        model = models.Stocktake
        fields = ["id", "school", "name", "rooms", "buildings", "whole_school", "status", "status_display",
                  "opened_by", "opened_by_name", "opened_at", "closed_at", "updated_at"]
        read_only_fields = ["status", "opened_by", "opened_at", "closed_at"]

    def validate(self, attrs):
        rooms, buildings = attrs.pop("rooms", None), attrs.pop("buildings", None)
        whole_school = attrs.pop("whole_school", False)
        attrs = super().validate(attrs)
        if self.instance is not None:
            return attrs
        if sum(map(bool, (rooms, buildings, whole_school))) != 1:
            raise serializers.ValidationError(
                {"rooms": "请选择盘点范围：全校（whole_school）、楼栋（buildings）或房间（rooms）之一"})
        if whole_school:
            rooms = scope(Room.objects.all(), self.context["school"])
        elif buildings:
            rooms = scope(Room.objects.filter(building__in=buildings), self.context["school"])
        if not rooms:
            raise serializers.ValidationError({"rooms": "所选范围内没有房间"})
        attrs["rooms"] = list(rooms)
        return attrs

    def create(self, validated_data):
        return services.open_stocktake(validated_data["school"], by=self.context["request"].user,
                                       name=validated_data["name"], rooms=validated_data["rooms"])


class StocktakeRoomSerializer(serializers.ModelSerializer):
    room_name = serializers.CharField(source="room.name", read_only=True)
    building_name = serializers.CharField(source="room.building.name", read_only=True)
    signed_by_name = serializers.CharField(source="signed_by.__str__", read_only=True, allow_null=True, default=None)

    class Meta:
        model = models.StocktakeRoom
        fields = ["id", "school", "stocktake", "room", "room_name", "building_name", "signed_by",
                  "signed_by_name", "signed_at", "updated_at"]
        read_only_fields = fields


class ProgressSerializer(StocktakeRoomSerializer):
    total = serializers.IntegerField(read_only=True, help_text="物品行数")
    done = serializers.IntegerField(read_only=True, help_text="已盘行数")

    class Meta(StocktakeRoomSerializer.Meta):
        fields = [*StocktakeRoomSerializer.Meta.fields, "total", "done"]
        read_only_fields = fields


class StocktakeLineSerializer(serializers.ModelSerializer):
    asset_tag = serializers.CharField(source="asset.tag", read_only=True, allow_null=True, default=None)
    asset_name = serializers.CharField(source="asset.name", read_only=True, allow_null=True, default=None)
    room = serializers.IntegerField(source="stocktake_room.room_id", read_only=True)
    result_display = serializers.CharField(source="get_result_display", read_only=True)

    class Meta:
        model = models.StocktakeLine
        fields = ["id", "school", "stocktake", "stocktake_room", "room", "asset", "asset_tag", "asset_name",
                  "description", "expected", "counted", "damaged", "result", "result_display", "note",
                  "counted_by", "counted_at", "updated_at"]
        read_only_fields = fields


class CloseResultSerializer(serializers.Serializer):
    stocktake = StocktakeSerializer(read_only=True)
    approval = serializers.IntegerField(read_only=True, allow_null=True,
                                        help_text="差异调整的审批编号；全部相符时为空")


class DamageResultSerializer(serializers.Serializer):
    asset = AssetSerializer(read_only=True)
    compensation = CompensationSerializer(read_only=True, allow_null=True)

