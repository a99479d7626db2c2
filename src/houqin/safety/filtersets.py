"""Filters of the safety app, shared by the list pages and the API."""

import django_filters as filters
from django.utils import timezone

from houqin.core.filtersets import SchoolFilterSet, YesNoFilter, day_range

from .choices import (
    Agent,
    Area,
    CheckKind,
    CheckStatus,
    DrillKind,
    EntryKind,
    EntryStatus,
    EquipmentKind,
    Frequency,
    HazardStatus,
    Level,
    PatrolStatus,
    Source,
)
from .models import (
    CheckItem,
    Drill,
    FireCheck,
    FireEquipment,
    GateEntry,
    Hazard,
    Patrol,
    PatrolRoute,
    Training,
    fire_red_q,
    overdue_q,
)


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


class CheckItemFilterSet(SchoolFilterSet):
    q = filters.CharFilter(label="搜索（检查内容）", method="search")
    search_fields = ("text", "basis")
    area = filters.ChoiceFilter(label="区域", choices=Area.choices)
    kind = filters.ChoiceFilter(label="检查类别", choices=CheckKind.choices)
    active = YesNoFilter(label="启用")

    class Meta:
        model = CheckItem
        fields = ["q", "area", "kind", "active"]


class PatrolRouteFilterSet(SchoolFilterSet):
    q = filters.CharFilter(label="搜索（路线名称）", method="search")
    search_fields = ("name",)
    frequency = filters.ChoiceFilter(label="频次", choices=Frequency.choices)
    active = YesNoFilter(label="启用")

    class Meta:
        model = PatrolRoute
        fields = ["q", "frequency", "active"]


class PatrolFilterSet(SchoolFilterSet):
    route = filters.ModelChoiceFilter(label="路线", queryset=PatrolRoute.objects.all())
    status = filters.ChoiceFilter(label="状态", choices=PatrolStatus.choices)
    due_after, due_before = day_range("due_on", "巡查日期起", "巡查日期止")
    problems = YesNoFilter(label="发现问题", method="filter_problems")

    class Meta:
        model = Patrol
        fields = ["route", "status", "due_after", "due_before", "problems"]

    def filter_problems(self, queryset, name, value):
        return queryset.filter(problems__gt=0) if value else queryset.filter(problems=0)


class FireEquipmentFilterSet(SchoolFilterSet):
    q = filters.CharFilter(label="搜索（编号、位置、型号）", method="search")
    search_fields = ("code", "place", "spec", "room__name")
    kind = filters.ChoiceFilter(label="类别", choices=EquipmentKind.choices)
    agent = filters.ChoiceFilter(label="灭火剂", choices=Agent.choices)
    dense_place = YesNoFilter(label="人员密集场所等")
    red = YesNoFilter(label="到期送修或报废", method="filter_red")
    active = YesNoFilter(label="在用")

    class Meta:
        model = FireEquipment
        fields = ["q", "kind", "agent", "dense_place", "red", "active"]

    def filter_red(self, queryset, name, value):
        q = fire_red_q(timezone.localdate())
        return queryset.filter(q) if value else queryset.exclude(q)


class FireCheckFilterSet(SchoolFilterSet):
    q = filters.CharFilter(label="搜索（器材编号、位置）", method="search")
    search_fields = ("equipment__code", "equipment__place")
    status = filters.ChoiceFilter(label="状态", choices=CheckStatus.choices)
    kind = filters.ChoiceFilter(label="器材类别", field_name="equipment__kind", choices=EquipmentKind.choices)
    due_after, due_before = day_range("due_by", "截止日期起", "截止日期止")

    class Meta:
        model = FireCheck
        fields = ["q", "status", "kind", "due_after", "due_before"]


class DrillFilterSet(SchoolFilterSet):
    q = filters.CharFilter(label="搜索（名称、范围）", method="search")
    search_fields = ("title", "scope")
    kind = filters.ChoiceFilter(label="类别", choices=DrillKind.choices)
    held_after, held_before = day_range("held_on", "日期起", "日期止")

    class Meta:
        model = Drill
        fields = ["q", "kind", "held_after", "held_before"]


class TrainingFilterSet(SchoolFilterSet):
    q = filters.CharFilter(label="搜索（培训内容、主讲人）", method="search")
    search_fields = ("title", "trainer")
    held_after, held_before = day_range("held_on", "日期起", "日期止")

    class Meta:
        model = Training
        fields = ["q", "held_after", "held_before"]
