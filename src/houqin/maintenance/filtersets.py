"""Filters of the maintenance app, shared by the list pages and the API."""

import django_filters as filters
from django import forms

from houqin.core.filtersets import SchoolFilterSet, day_filter, day_range
from houqin.core.models import Room

from .choices import Category, EquipmentKind, Recurrence, Status, TaskStatus, Urgency
from .models import PreventivePlan, PreventiveTask, SpecialEquipment, WorkOrder


class WorkOrderFilterSet(SchoolFilterSet):
    q = filters.CharFilter(label="搜索（单号、描述、地点）", method="search")
    search_fields = ("number", "description", "place", "room__name")
    status = filters.ChoiceFilter(label="状态", choices=Status.choices)
    category = filters.ChoiceFilter(label="类别", choices=Category.choices)
    urgency = filters.ChoiceFilter(label="紧急程度", choices=Urgency.choices)
    room = filters.ModelChoiceFilter(label="地点", queryset=Room.objects.all(), widget=forms.HiddenInput)
    reported_after, reported_before = day_range("reported_at", "报修日期起", "报修日期止", datetime_field=True)

    class Meta:
        model = WorkOrder
        fields = ["q", "status", "category", "urgency", "room", "reported_after", "reported_before"]


class PreventivePlanFilterSet(SchoolFilterSet):
    search_fields = ("name", "checklist")
    recurrence = filters.ChoiceFilter(label="周期", choices=Recurrence.choices)

    class Meta:
        model = PreventivePlan
        fields = ["q", "recurrence", "active"]


class PreventiveTaskFilterSet(SchoolFilterSet):
    search_fields = ("plan__name",)
    status = filters.ChoiceFilter(label="状态", choices=TaskStatus.choices)
    due_on = day_filter("检查日期", "due_on", "exact")
    plan = filters.ModelChoiceFilter(label="计划", queryset=PreventivePlan.objects.all(), widget=forms.HiddenInput)

    class Meta:
        model = PreventiveTask
        fields = ["q", "status", "due_on", "plan"]


class SpecialEquipmentFilterSet(SchoolFilterSet):
    search_fields = ("name", "registration_number", "contractor")
    kind = filters.ChoiceFilter(label="类型", choices=EquipmentKind.choices)

    class Meta:
        model = SpecialEquipment
        fields = ["q", "kind", "active"]
