"""Filters of the finance lists, shared by the pages and the API."""

import django_filters as filters

from houqin.core.filtersets import SchoolFilterSet, day_range

from .choices import Account, BudgetStatus, Category, Direction
from .models import BudgetLine, JournalEntry, MonthClose, RequestCharge


class BudgetLineFilterSet(SchoolFilterSet):
    q = filters.CharFilter(label="搜索（预算项目、说明）", method="search")
    search_fields = ("name", "note")
    year = filters.NumberFilter(label="年度", field_name="year")
    category = filters.ChoiceFilter(label="预算科目", choices=Category.choices)
    status = filters.ChoiceFilter(label="状态", choices=BudgetStatus.choices)

    class Meta:
        model = BudgetLine
        fields = ["q", "year", "category", "status", "term"]


class RequestChargeFilterSet(SchoolFilterSet):
    q = filters.CharFilter(label="搜索（采购事项、单号）", method="search")
    search_fields = ("request__title", "request__number", "line__name")

    class Meta:
        model = RequestCharge
        fields = ["q", "line"]


class JournalEntryFilterSet(SchoolFilterSet):
    q = filters.CharFilter(label="搜索（摘要、票据号）", method="search")
    search_fields = ("summary", "voucher_number")
    direction = filters.ChoiceFilter(label="收支", choices=Direction.choices)
    account = filters.ChoiceFilter(label="账户", choices=Account.choices)
    category = filters.ChoiceFilter(label="科目", choices=Category.choices)
    on_after, on_before = day_range("occurred_on", "记账日期起", "记账日期止")

    class Meta:
        model = JournalEntry
        fields = ["q", "direction", "account", "category", "budget_line", "on_after", "on_before"]


class MonthCloseFilterSet(SchoolFilterSet):
    year = filters.NumberFilter(label="年度", field_name="year")

    class Meta:
        model = MonthClose
        fields = ["year"]
