"""Filters of the assets app, shared by the list pages and the API.

The search box fits Chinese users: ``q`` matches the tag (exact or prefix), the name
(contains) or the pinyin initials of the name (``tyj`` finds 投影机)."""

import re

import django_filters as filters
from django import forms
from django.db.models import Q

from houqin.core.filtersets import SchoolFilterSet, YearFilter, YesNoFilter
from houqin.core.models import Person, Room

from .choices import AssetStatus, CompensationStatus, HoldingKind
from .models import Asset, Category, Compensation, Loan, ScrapRequest
from .services import overdue_loans

PINYIN = re.compile(r"^[a-zA-Z]+$")
TAG = re.compile(r"^[A-Za-z][A-Za-z0-9]*-\d{4}-\d+$")


def category_and_descendants(category):
    """Primary keys of a category and all its sub-categories (the tree is small and shared)."""
    children = {}
    for pk, parent in Category.objects.values_list("pk", "parent_id"):
        children.setdefault(parent, []).append(pk)
    found, todo = [], [category.pk]
    while todo:
        pk = todo.pop()
        found.append(pk)
        todo.extend(children.get(pk, ()))
    return found


class AssetFilterSet(SchoolFilterSet):
    q = filters.CharFilter(label="搜索（编号、名称或拼音首字母）", method="search")
    # By id for the API and for links (a room's page, a person's page); hidden on the page,
    # where a school's thousands of rooms and people would make the form itself the slow part.
    room = filters.ModelChoiceFilter(label="存放地点", queryset=Room.objects.all(), widget=forms.HiddenInput)
    custodian = filters.ModelChoiceFilter(label="保管人", queryset=Person.objects.all(), widget=forms.HiddenInput)
    place = filters.CharFilter(label="存放地点", method="filter_place")
    person = filters.CharFilter(label="保管人", field_name="custodian__name", lookup_expr="icontains")
    category = filters.ModelChoiceFilter(label="分类（含下级）", queryset=Category.objects.all(),
                                         method="filter_category")
    status = filters.ChoiceFilter(label="状态", choices=AssetStatus.choices)
    kind = filters.ChoiceFilter(label="管理方式", choices=HoldingKind.choices)
    purchase_year = YearFilter(label="购置年份", field_name="purchase_date")
    capitalised = YesNoFilter(label="固定资产")

    class Meta:
        model = Asset
        fields = ["q", "place", "person", "room", "custodian", "category", "status", "kind", "purchase_year",
                  "capitalised"]

    def filter_place(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(Q(room__name__icontains=value) | Q(room__building__name__icontains=value))

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        if TAG.match(value):  # a whole tag, as typed by a scanner: the unique index answers
            return queryset.filter(tag__in={value, value.upper()})
        q = Q(tag__istartswith=value) | Q(name__icontains=value)  # a tag matches exactly or by its prefix
        if PINYIN.match(value):
            q |= Q(pinyin__contains=value.lower())
        return queryset.filter(q)

    def filter_category(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(category__in=category_and_descendants(value))


class LoanFilterSet(SchoolFilterSet):
    search_fields = ("asset__name", "asset__tag", "borrower__name")
    overdue = YesNoFilter(label="已逾期", method="filter_overdue")
    open = YesNoFilter(label="未归还", field_name="returned_on", lookup_expr="isnull")

    class Meta:
        model = Loan
        fields = ["q", "overdue", "open"]

    def filter_overdue(self, queryset, name, value):
        if value:
            return queryset.filter(pk__in=overdue_loans(getattr(self.request, "school", None)).values("pk"))
        return queryset


class CompensationFilterSet(SchoolFilterSet):
    search_fields = ("asset__name", "asset__tag", "liable_name")
    status = filters.ChoiceFilter(label="状态", choices=CompensationStatus.choices)

    class Meta:
        model = Compensation
        fields = ["q", "status"]


class ScrapRequestFilterSet(SchoolFilterSet):
    search_fields = ("asset__name", "asset__tag", "reason")
    state = filters.ChoiceFilter(label="状态", choices=ScrapRequest._meta.get_field("state").choices)

    class Meta:
        model = ScrapRequest
        fields = ["q", "state"]
