"""Serializers of the finance API. Every write goes through the services; a budget line's
figures (committed, spent, left) are the list query's annotations, read-only."""

from rest_framework import serializers

from houqin.core.api.base import ActionInput
from houqin.core.api.serializers import SchoolOwnedSerializer
from houqin.core.money import MONEY

from ..models import BudgetLine, JournalEntry, MonthClose, RequestCharge


class BudgetLineSerializer(SchoolOwnedSerializer):
    """A budget line (预算). Drafted and corrected by the accountant while 草稿 / 已退回;
    `submit` sends it to approval."""

    status_display = serializers.CharField(source="get_status_display", read_only=True)
    category_display = serializers.CharField(source="get_category_display", read_only=True)
    committed = serializers.DecimalField(**MONEY, read_only=True, help_text="已批准未报销的采购占用")
    spent = serializers.DecimalField(**MONEY, read_only=True, help_text="流水帐中列支（冲销已抵减）")
    left = serializers.DecimalField(**MONEY, read_only=True, help_text="预算 − 占用 − 支出")

    class Meta:
        model = BudgetLine
        fields = ["id", "school", "year", "term", "category", "category_display", "name", "amount", "note",
                  "status", "status_display", "committed", "spent", "left", "created_by", "updated_at"]
        read_only_fields = ["status", "created_by"]


class RequestChargeSerializer(SchoolOwnedSerializer):
    """预算占用: a purchase request charged to an approved budget line."""

    request_title = serializers.CharField(source="request.title", read_only=True)
    line_name = serializers.CharField(source="line.name", read_only=True)

    class Meta:
        model = RequestCharge
        fields = ["id", "school", "request", "request_title", "line", "line_name", "note", "created_by",
                  "updated_at"]
        read_only_fields = ["created_by"]


class JournalEntrySerializer(SchoolOwnedSerializer):
    """One journal entry (流水帐). Created by the accountant, never changed: `reverse` cancels it."""

    number = serializers.CharField(read_only=True)
    direction_display = serializers.CharField(source="get_direction_display", read_only=True)
    category_display = serializers.CharField(source="get_category_display", read_only=True)
    source_model = serializers.SerializerMethodField(help_text="来源单据的类型，如 procurement.voucher")

    class Meta:
        model = JournalEntry
        fields = ["id", "school", "number", "occurred_on", "direction", "direction_display", "account", "category",
                  "category_display", "budget_line", "amount", "summary", "handler", "voucher_number",
                  "source_model", "source_id", "reverses", "created_by", "created_at"]
        read_only_fields = ["source_id", "reverses", "created_by", "created_at"]

    def get_source_model(self, obj) -> str | None:
        return obj.source_type.model_class()._meta.label_lower if obj.source_type_id else None


class MonthCloseSerializer(SchoolOwnedSerializer):
    """月末结账: a closed month takes no new entry."""

    class Meta:
        model = MonthClose
        fields = ["id", "school", "year", "month", "note", "closed_by", "closed_at"]
        read_only_fields = ["closed_by", "closed_at"]


class ReverseEntryInput(ActionInput):
    note = serializers.CharField(label="冲销原因", max_length=150)


class MonthReportQuery(serializers.Serializer):
    year = serializers.IntegerField(min_value=2000, max_value=2100)
    month = serializers.IntegerField(min_value=1, max_value=12)


class MonthReportRowSerializer(serializers.Serializer):
    category = serializers.CharField()
    code = serializers.CharField()
    income = serializers.DecimalField(**MONEY)
    spending = serializers.DecimalField(**MONEY)
    income_year = serializers.DecimalField(**MONEY)
    spending_year = serializers.DecimalField(**MONEY)


class MonthTotalSerializer(serializers.Serializer):
    income = serializers.DecimalField(**MONEY)
    spending = serializers.DecimalField(**MONEY)
    income_year = serializers.DecimalField(**MONEY)
    spending_year = serializers.DecimalField(**MONEY)


class MonthReportSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    month = serializers.IntegerField()
    closed = serializers.BooleanField()
    rows = MonthReportRowSerializer(many=True)
    total = MonthTotalSerializer()
