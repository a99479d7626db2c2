"""Serializers of the procurement API. Documents are created and moved on through the services
(procurement/services.py), with the same rules as the pages; related fields accept the active
school's rows only (SchoolScopedSerializer)."""

from decimal import Decimal

from rest_framework import serializers

from houqin.core.api.base import ActionInput, SchoolScopedSerializer
from houqin.core.api.serializers import SchoolOwnedSerializer
from houqin.core.choices import Decision
from houqin.core.money import MONEY, capital_amount
from houqin.stock.choices import ItemCategory

from .. import models, services
from ..choices import AcceptanceStatus, RequestStatus

QTY = {"max_digits": 12, "decimal_places": 2}


class SupplierSerializer(SchoolOwnedSerializer):
    categories = serializers.ListField(label="供应类别", child=serializers.ChoiceField(choices=ItemCategory.choices),
                                       required=False)
    rating = serializers.DecimalField(label="平均评分", max_digits=4, decimal_places=2, read_only=True, allow_null=True)

    class Meta:
        model = models.Supplier
        fields = ["id", "school", "name", "credit_code", "contact", "phone", "address", "categories", "admission",
                  "food", "notes", "rating", "updated_at"]

    def validate_credit_code(self, value):
        value = value.strip().upper()
        if value and len(value) != 18:
            raise serializers.ValidationError("统一社会信用代码为18位")
        return value


class LicenceSerializer(SchoolOwnedSerializer):
    class Meta:
        model = models.Licence
        fields = ["id", "school", "supplier", "kind", "number", "expires_on", "updated_at"]


class DesignationSerializer(SchoolOwnedSerializer):
    class Meta:
        model = models.Designation
        fields = ["id", "school", "category", "supplier", "since", "updated_at"]


class RatingSerializer(serializers.ModelSerializer):
    class Meta:
        model = models.Rating
        fields = ["id", "school", "supplier", "order", "score", "comment", "by", "created_at"]
        read_only_fields = fields


# --- requests ------------------------------------------------------------------------------


class RequestLineSerializer(SchoolScopedSerializer):
    class Meta:
        model = models.RequestLine
        fields = ["id", "item", "description", "quantity", "unit", "unit_price", "is_asset", "asset_category", "room"]
        read_only_fields = ["id"]


class QuoteSerializer(serializers.ModelSerializer):
    class Meta:
        model = models.Quote
        fields = ["id", "supplier", "amount", "note", "created_at"]
        read_only_fields = fields


class PurchaseRequestSerializer(SchoolOwnedSerializer):
    """A request with its lines; the total, number and status are the system's. Editable while
    a draft; quotes, choice and submission are actions."""

    lines = RequestLineSerializer(many=True, label="明细")
    quotes = QuoteSerializer(many=True, read_only=True)

    class Meta:
        model = models.PurchaseRequest
        fields = ["id", "school", "number", "title", "reason", "budget_line", "requested_by", "status", "amount",
                  "lines", "quotes", "chosen_quote", "choice_reason", "off_designation_reason", "created_at",
                  "submitted_at", "updated_at"]
        read_only_fields = ["number", "requested_by", "status", "amount", "chosen_quote", "choice_reason", "created_at",
                            "submitted_at"]

    def validate_lines(self, value):
        if not value:
            raise serializers.ValidationError("采购申请至少要有一行明细")
        return value

    def validate(self, attrs):
        if self.instance is not None and self.instance.status != RequestStatus.DRAFT:
            raise serializers.ValidationError("只有草稿状态的申请可以修改")
        lines = attrs.pop("lines", None)
        attrs = super().validate(attrs)
        if lines is not None:
            attrs["lines"] = lines
        return attrs

    def create(self, validated_data):
        validated_data.pop("school", None)  # the active school, passed below
        return services.create_request(self.context["school"], by=self.context["request"].user, **validated_data)

    def update(self, instance, validated_data):
        lines = validated_data.pop("lines", None)
        for name, value in validated_data.items():
            setattr(instance, name, value)
        if lines is None:
            instance.save()
            return instance
        return services.set_lines(instance, lines, by=self.context["request"].user)  # one save, one history row


class QuoteInput(ActionInput, serializers.ModelSerializer):
    class Meta:
        model = models.Quote
        fields = ["supplier", "amount", "note"]


class ChooseInput(ActionInput):
    quote = serializers.IntegerField(label="报价编号")
    reason = serializers.CharField(label="未选最低价的理由", max_length=300, required=False, allow_blank=True,
                                   default="")
    off_designation_reason = serializers.CharField(
        label="非定点采购理由", max_length=300, required=False, allow_blank=True, default="",
        help_text="所选供应商不是该类别的定点供应商时必填（也可事先写在申请上）")


# --- orders --------------------------------------------------------------------------------


class PurchaseOrderSerializer(SchoolOwnedSerializer):
    """Placing an order runs services.place_order (licence, admission, food, chosen quote);
    afterwards only the delivery date and notes change."""

    supplier = serializers.PrimaryKeyRelatedField(label="供应商", queryset=models.Supplier.objects.all(),
                                                  required=False, allow_null=True,
                                                  help_text="有选定报价时自动取该报价的供应商")

    class Meta:
        model = models.PurchaseOrder
        fields = ["id", "school", "number", "request", "supplier", "buyer", "amount", "status", "ordered_on",
                  "deliver_by", "notes", "updated_at"]
        read_only_fields = ["number", "buyer", "amount", "status", "ordered_on"]

    def get_validators(self):
        return []  # one order per request is the service's rule (the request is then 已下单)

    def validate(self, attrs):
        if self.instance is not None:
            attrs.pop("request", None), attrs.pop("supplier", None)  # fixed once the order is placed
            return attrs
        if not attrs.get("request"):
            raise serializers.ValidationError({"request": "请选择采购申请"})
        return attrs

    def create(self, data):
        return services.place_order(data["request"], by=self.context["request"].user, supplier=data.get("supplier"),
                                    deliver_by=data.get("deliver_by"), notes=data.get("notes", ""))


class RateInput(ActionInput):
    score = serializers.IntegerField(label="评分", min_value=1, max_value=5)
    comment = serializers.CharField(label="评价", max_length=300, required=False, allow_blank=True, default="")


# --- acceptance -------------------------------------------------------------------------------


class AcceptanceLineSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="request_line.name", read_only=True)
    ordered = serializers.DecimalField(source="request_line.quantity", **QTY, read_only=True)

    class Meta:
        model = models.AcceptanceLine
        fields = ["id", "request_line", "name", "ordered", "accepted", "rejected", "reason", "unit_price",
                  "batch_code", "expires_on"]
        read_only_fields = fields


class AcceptanceSerializer(SchoolOwnedSerializer):
    lines = AcceptanceLineSerializer(many=True, read_only=True)

    class Meta:
        model = models.Acceptance
        fields = ["id", "school", "order", "warehouse", "received_on", "invoice_number", "status", "created_by",
                  "note", "lines", "updated_at"]
        read_only_fields = ["status", "created_by"]

    def validate(self, attrs):
        if self.instance is not None:
            if self.instance.status != AcceptanceStatus.DRAFT:
                raise serializers.ValidationError("验收单已提交签字，不能再修改")
            attrs.pop("order", None)
            return attrs
        if not attrs.get("order"):
            raise serializers.ValidationError({"order": "请选择采购订单"})
        return attrs

    def create(self, data):
        return services.start_acceptance(data["order"], by=self.context["request"].user,
                                         warehouse=data.get("warehouse"), received_on=data.get("received_on"),
                                         invoice_number=data.get("invoice_number", ""), note=data.get("note", ""))


class LineInput(ActionInput):
    line = serializers.IntegerField(label="验收明细编号")
    accepted = serializers.DecimalField(label="合格数量", **QTY, min_value=Decimal("0"))
    rejected = serializers.DecimalField(label="不合格数量", **QTY, min_value=Decimal("0"), default=Decimal("0"))
    reason = serializers.CharField(label="不合格原因", max_length=200, required=False, allow_blank=True, default="")
    unit_price = serializers.DecimalField(label="实际单价(元)", **MONEY, min_value=Decimal("0"), required=False,
                                          allow_null=True)
    batch_code = serializers.CharField(label="批号", max_length=50, required=False, allow_blank=True, default="")
    expires_on = serializers.DateField(label="保质期至", required=False, allow_null=True, default=None)


class SignInput(ActionInput):
    decision = serializers.ChoiceField(label="意见", choices=Decision.choices)
    comment = serializers.CharField(label="说明", max_length=300, required=False, allow_blank=True, default="")


# --- vouchers -----------------------------------------------------------------------------------


class VoucherSerializer(SchoolOwnedSerializer):
    amount_in_words = serializers.SerializerMethodField(label="大写金额")

    class Meta:
        model = models.Voucher
        fields = ["id", "school", "acceptance", "supplier", "invoice_number", "invoice_date", "amount", "goods_value",
                  "amount_in_words", "difference_reason", "status", "created_by", "handler", "handler_at",
                  "acceptor", "acceptor_at", "auditor", "auditor_at", "audit_comment", "updated_at"]
        read_only_fields = ["supplier", "goods_value", "status", "created_by", "handler", "handler_at", "acceptor",
                            "acceptor_at", "auditor", "auditor_at", "audit_comment"]

    def get_amount_in_words(self, voucher) -> str:
        return capital_amount(voucher.amount)

    def validate(self, attrs):
        voucher = self.instance
        if voucher is not None:
            if voucher.handler_id:
                raise serializers.ValidationError("报销单已有人签字，不能再修改")
            attrs.pop("acceptance", None)
        acceptance = attrs.get("acceptance") or (voucher.acceptance if voucher else None)
        if acceptance is None:
            raise serializers.ValidationError({"acceptance": "请选择验收单"})
        number = attrs.get("invoice_number", voucher.invoice_number if voucher else "").strip()
        if number and services.invoice_used(self.context["school"], acceptance.order.supplier, number,
                                            exclude=voucher.pk if voucher else None):
            raise serializers.ValidationError({"invoice_number": services.DUPLICATE_INVOICE.format(number)})
        if voucher is not None:
            amount = attrs.get("amount", voucher.amount)
            reason = attrs.get("difference_reason", voucher.difference_reason)
            if amount != voucher.goods_value and not reason.strip():
                raise serializers.ValidationError({"difference_reason": "报销金额与验收货物金额不符，须说明差异原因"})
        return attrs

    def create(self, data):
        return services.create_voucher(data["acceptance"], by=self.context["request"].user,
                                       invoice_number=data["invoice_number"], invoice_date=data["invoice_date"],
                                       amount=data["amount"], difference_reason=data.get("difference_reason", ""))
