"""Serializers of the stock API. Stock changes only through the services (ledger,
requisitions, counts); the input serializers below only check what an action receives.
Related fields accept the active school's rows only (SchoolScopedSerializer)."""

from decimal import Decimal

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import serializers
from rest_framework.exceptions import PermissionDenied

from houqin.core.api.base import ActionInput, SchoolScopedSerializer
from houqin.core.api.serializers import SchoolOwnedSerializer

from .. import services
from ..models import (
    Batch,
    Item,
    Movement,
    Requisition,
    RequisitionLine,
    StockBalance,
    StockCount,
    StockCountLine,
    Warehouse,
)

QTY = {"max_digits": 12, "decimal_places": 2}


class WarehouseSerializer(SchoolOwnedSerializer):
    class Meta:
        model = Warehouse
        fields = ["id", "school", "name", "kind", "room", "keeper", "active"]


class ItemSerializer(SchoolOwnedSerializer):
    on_hand = serializers.DecimalField(**QTY, read_only=True, help_text="各仓库库存合计")
    low = serializers.BooleanField(read_only=True, help_text="库存不高于最低库存")

    class Meta:
        model = Item
        fields = ["id", "school", "code", "name", "pinyin", "spec", "unit", "category", "kind", "old_for_new",
                  "reorder_level", "tracks_batches", "shelf_life_days", "active", "notes", "on_hand", "low"]
        read_only_fields = ["pinyin"]


class StockBalanceSerializer(serializers.ModelSerializer):
    warehouse_name = serializers.CharField(source="warehouse.name", read_only=True)
    item_name = serializers.CharField(source="item.__str__", read_only=True)
    unit = serializers.CharField(source="item.unit", read_only=True)
    unit_cost = serializers.DecimalField(max_digits=14, decimal_places=4, read_only=True, help_text="移动平均单价")

    class Meta:
        model = StockBalance
        fields = ["id", "school", "warehouse", "warehouse_name", "item", "item_name", "unit", "quantity", "value",
                  "unit_cost"]
        read_only_fields = fields


class BatchSerializer(serializers.ModelSerializer):
    item_name = serializers.CharField(source="item.__str__", read_only=True)

    class Meta:
        model = Batch
        fields = ["id", "school", "warehouse", "item", "item_name", "code", "produced_on", "expires_on",
                  "received_on", "quantity"]
        read_only_fields = fields


class MovementSerializer(serializers.ModelSerializer):
    item_name = serializers.CharField(source="item.__str__", read_only=True)
    warehouse_name = serializers.CharField(source="warehouse.name", read_only=True)
    person_name = serializers.CharField(source="person.name", read_only=True, default=None)
    source_model = serializers.CharField(source="source_type.model", read_only=True, default=None)

    class Meta:
        model = Movement
        fields = ["id", "school", "warehouse", "warehouse_name", "item", "item_name", "batch", "kind", "occurred_on",
                  "quantity", "amount", "balance_quantity", "balance_value", "person", "person_name", "source_model",
                  "source_id", "note", "reverses", "created_by", "created_at"]
        read_only_fields = fields


class ReverseSerializer(ActionInput):
    note = serializers.CharField(max_length=200, help_text="冲销原因")


# --- requisitions ---------------------------------------------------------------------------


class RequisitionLineSerializer(SchoolScopedSerializer):
    item_name = serializers.CharField(source="item.__str__", read_only=True)

    class Meta:
        model = RequisitionLine
        fields = ["id", "item", "item_name", "quantity", "issued", "old_returned", "old_waived_by",
                  "old_waiver_reason", "note"]
        read_only_fields = ["issued", "old_returned", "old_waived_by", "old_waiver_reason"]


def _service(call):
    """Run a service; its Django errors become DRF's (400 / 403) inside the serializer."""
    try:
        return call()
    except DjangoValidationError as error:
        raise serializers.ValidationError(error.message_dict if hasattr(error, "error_dict") else error.messages)
    except DjangoPermissionDenied as error:
        raise PermissionDenied(str(error))


class RequisitionSerializer(SchoolOwnedSerializer):
    """A requisition with its lines. Created and changed (while a draft) by the requester;
    status and amount change only through the actions."""

    lines = RequisitionLineSerializer(many=True)
    requested_by_name = serializers.CharField(source="requested_by.__str__", read_only=True)

    class Meta:
        model = Requisition
        fields = ["id", "school", "number", "warehouse", "requested_by", "requested_by_name", "department",
                  "purpose", "status", "amount", "created_at", "submitted_at", "received_at", "closed_short_by",
                  "closed_short_at", "closed_short_reason", "lines"]
        read_only_fields = ["number", "requested_by", "status", "amount", "created_at", "submitted_at", "received_at",
                            "closed_short_by", "closed_short_at", "closed_short_reason"]

    def validate(self, attrs):
        if attrs.get("lines") == [] or (self.instance is None and not attrs.get("lines")):
            raise serializers.ValidationError({"lines": "请至少填写一项领用物品"})
        return attrs  # the number is generated by the service; the constraint check is not needed here

    @staticmethod
    def _lines(lines):
        return [(line["item"], line["quantity"], line.get("note", "")) for line in lines]

    def create(self, data):
        request = self.context["request"]
        return _service(lambda: services.create_requisition(
            self.context["school"], by=request.user, warehouse=data["warehouse"], purpose=data["purpose"],
            department=data.get("department", ""), lines=self._lines(data["lines"])))

    def update(self, requisition, data):
        request = self.context["request"]
        lines = self._lines(data["lines"]) if "lines" in data else [
            (line.item, line.quantity, line.note) for line in requisition.lines.select_related("item")]
        return _service(lambda: services.update_requisition(
            requisition, by=request.user, warehouse=data.get("warehouse", requisition.warehouse),
            purpose=data.get("purpose", requisition.purpose),
            department=data.get("department", requisition.department), lines=lines))


class IssueLineSerializer(serializers.Serializer):
    line = serializers.IntegerField(min_value=1, help_text="领用明细 id")
    quantity = serializers.DecimalField(**QTY, min_value=Decimal("0"), help_text="本次发放数量")
    old_returned = serializers.DecimalField(**QTY, min_value=Decimal("0"), default=Decimal("0"),
                                            help_text="本次交回旧物数量（以旧换新）")


class IssueSerializer(ActionInput):
    lines = IssueLineSerializer(many=True, allow_empty=False)


class CloseShortSerializer(ActionInput):
    reason = serializers.CharField(max_length=200, help_text="结案原因（剩余物品不再发放：缺货、不再需要……）")


class WaiveSerializer(ActionInput):
    line = serializers.IntegerField(min_value=1, help_text="领用明细 id")
    reason = serializers.CharField(max_length=200, help_text="免交旧物理由")


# --- monthly counts --------------------------------------------------------------------------


class StockCountLineSerializer(serializers.ModelSerializer):
    """A line of the sheet: an item, or one batch of a batch-tracked item. `expected` is the
    book quantity when `counted` was entered (`counted_at`); before that, today's."""

    item_name = serializers.CharField(source="item.__str__", read_only=True)
    batch_code = serializers.CharField(source="batch.code", read_only=True, default=None)
    expires_on = serializers.DateField(source="batch.expires_on", read_only=True, default=None)
    variance = serializers.DecimalField(**QTY, read_only=True, allow_null=True)
    variance_value = serializers.DecimalField(**QTY, read_only=True, allow_null=True)

    class Meta:
        model = StockCountLine
        fields = ["id", "item", "item_name", "batch", "batch_code", "expires_on", "expected", "unit_cost", "counted",
                  "counted_at", "note", "variance", "variance_value"]
        read_only_fields = fields


class StockCountSerializer(SchoolOwnedSerializer):
    """A monthly count. Creating one opens it (its lines are made); only the note
    is changed afterwards; counting and submitting are actions."""

    class Meta:
        model = StockCount
        fields = ["id", "school", "warehouse", "month", "status", "opened_by", "opened_at", "closed_at", "note"]
        read_only_fields = ["status", "opened_by", "opened_at", "closed_at"]
        validators = []  # one count per warehouse and month: checked by services.open_count

    def validate(self, attrs):
        if self.instance is not None:
            # The warehouse and month are fixed once the sheet is made: only the
            # note is changed (a full PUT may repeat or omit them).
            return {"note": attrs["note"]} if "note" in attrs else {}
        for name in ("warehouse", "month"):
            if name not in attrs:
                raise serializers.ValidationError({name: "该字段是必填项。"})
        return attrs

    def create(self, data):
        request = self.context["request"]
        return _service(lambda: services.open_count(data["warehouse"], by=request.user, month=data["month"],
                                                    note=data.get("note", "")))

    def update(self, count, data):
        count.note = data.get("note", count.note)
        count.save(update_fields=["note", "updated_at"])
        return count


class CountEntrySerializer(serializers.Serializer):
    line = serializers.IntegerField(min_value=1, help_text="盘存明细 id")
    counted = serializers.DecimalField(**QTY, min_value=Decimal("0"), help_text="实盘数量")
    note = serializers.CharField(max_length=200, required=False, allow_blank=True, help_text="差异原因")


class CountLinesSerializer(ActionInput):
    lines = CountEntrySerializer(many=True, allow_empty=False)
