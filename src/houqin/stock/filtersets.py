"""Filters of the stock app, shared by the list pages and the API.

An item is found the way a keeper thinks of it: by code, by name or by the pinyin initials of
its name (``fb`` finds 粉笔)."""

import django_filters as filters
from django import forms
from django.db.models import Q

from houqin.core.filtersets import AboveZeroFilter, SchoolFilterSet, YesNoFilter, day_filter, day_range

from .choices import CountStatus, ItemCategory, ItemKind, MovementKind, RequisitionStatus, WarehouseKind
from .models import Batch, Item, Movement, Requisition, StockBalance, StockCount, Warehouse


def item_q(prefix=""):
    """The search of an item by code, name or pinyin initials, from a related model too."""

    def search(queryset, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(**{f"{prefix}code__istartswith": value}) | Q(**{f"{prefix}name__icontains": value})
                               | Q(**{f"{prefix}pinyin__istartswith": value.lower()}))

    return search


class WarehouseFilterSet(SchoolFilterSet):
    search_fields = ("name",)
    kind = filters.ChoiceFilter(label="类型", choices=WarehouseKind.choices)

    class Meta:
        model = Warehouse
        fields = ["q", "kind", "active"]


class ItemFilterSet(SchoolFilterSet):
    q = filters.CharFilter(label="搜索（编码、名称或拼音首字母）", method="search")
    category = filters.ChoiceFilter(label="类别", choices=ItemCategory.choices)
    kind = filters.ChoiceFilter(label="性质", choices=ItemKind.choices)
    low = YesNoFilter(label="低于最低库存", method="filter_low")

    class Meta:
        model = Item
        fields = ["q", "category", "kind", "old_for_new", "active", "low"]

    def search(self, queryset, name, value):
        return item_q()(queryset, value)

    def filter_low(self, queryset, name, value):
        # `low` is annotated by the views (views.stock.with_stock); without it, no narrowing.
        if value is None or "low" not in queryset.query.annotations:
            return queryset
        return queryset.filter(low=value)


class StockBalanceFilterSet(SchoolFilterSet):
    q = filters.CharFilter(label="物品（编码、名称或拼音）", method="search")
    warehouse = filters.ModelChoiceFilter(label="仓库", queryset=Warehouse.objects.all())
    category = filters.ChoiceFilter(label="类别", field_name="item__category", choices=ItemCategory.choices)
    in_stock = AboveZeroFilter(label="有库存", field_name="quantity")

    class Meta:
        model = StockBalance
        fields = ["q", "warehouse", "category", "in_stock"]

    def search(self, queryset, name, value):
        return item_q("item__")(queryset, value)



class BatchFilterSet(SchoolFilterSet):
    q = filters.CharFilter(label="物品或批号", method="search")
    warehouse = filters.ModelChoiceFilter(label="仓库", queryset=Warehouse.objects.all())
    expires_before = day_filter("保质期早于", "expires_on", "lt")
    remaining = AboveZeroFilter(label="有剩余", field_name="quantity")

    class Meta:
        model = Batch
        fields = ["q", "warehouse", "expires_before", "remaining"]

    def search(self, queryset, name, value):
        return item_q("item__")(queryset, value) | queryset.filter(code__icontains=value.strip())



class MovementFilterSet(SchoolFilterSet):
    q = filters.CharFilter(label="物品（编码、名称或拼音）", method="search")
    warehouse = filters.ModelChoiceFilter(label="仓库", queryset=Warehouse.objects.all())
    # By id for the API and for links from an item's page; hidden on the page.
    item = filters.ModelChoiceFilter(label="物品", queryset=Item.objects.all(), widget=forms.HiddenInput)
    kind = filters.ChoiceFilter(label="类型", choices=MovementKind.choices)
    date_from, date_to = day_range("occurred_on", "起始日期", "截止日期")

    class Meta:
        model = Movement
        fields = ["q", "warehouse", "item", "kind", "date_from", "date_to"]

    def search(self, queryset, name, value):
        return item_q("item__")(queryset, value)


class RequisitionFilterSet(SchoolFilterSet):
    search_fields = ("number", "purpose", "department")
    status = filters.ChoiceFilter(label="状态", choices=RequisitionStatus.choices)
    warehouse = filters.ModelChoiceFilter(label="仓库", queryset=Warehouse.objects.all())

    class Meta:
        model = Requisition
        fields = ["q", "status", "warehouse"]


class StockCountFilterSet(SchoolFilterSet):
    warehouse = filters.ModelChoiceFilter(label="仓库", queryset=Warehouse.objects.all())
    status = filters.ChoiceFilter(label="状态", choices=CountStatus.choices)

    class Meta:
        model = StockCount
        fields = ["warehouse", "status"]
