"""Filters of the safety app, shared by the list pages and the API."""

import django_filters as filters
from django.utils import timezone

from houqin.core.filtersets import SchoolFilterSet, YesNoFilter, day_range

from .choices import EntryKind, EntryStatus, HazardStatus, Level, Source
from .models import GateEntry, Hazard, overdue_q


class HazardFilterSet(SchoolFilterSet):
    q = filters.CharFilter(label="搜索（描述、地点）", method="search")
    search_fields = ("description", "place", "room__name")
    status = filters.ChoiceFilter(label="状态", choices=HazardStatus.choices)
    level = filters.ChoiceFilter(label="等级", choices=Level.choices)
    source = filters.ChoiceFilter(label="来源", choices=Source.choices)
    overdue = YesNoFilter(label="逾期", method="filter_overdue")
    reported_after, reported_before = day_range("reported_at", "发现日期起", "发现日期止", datetime_field=True)

    class Meta:
        model = Hazard
        fields = ["q", "status", "level", "source", "overdue", "reported_after", "reported_before"]

    def filter_overdue(self, queryset, name, value):
        q = overdue_q(timezone.localdate())
        return queryset.filter(q) if value else queryset.exclude(q)


class GateEntryFilterSet(SchoolFilterSet):
    q = filters.CharFilter(label="搜索（姓名、车牌、事由、被访人）", method="search")
    search_fields = ("name", "plate", "reason", "host")
    kind = filters.ChoiceFilter(label="类别", choices=EntryKind.choices)
    status = filters.ChoiceFilter(label="状态", choices=EntryStatus.choices)
    entered_after, entered_before = day_range("entered_at", "进校日期起", "进校日期止", datetime_field=True)

    class Meta:
        model = GateEntry
        fields = ["q", "kind", "status", "entered_after", "entered_before"]
