"""Filters of the canteen lists, shared by the pages and the API."""

import django_filters as filters

from houqin.core.filtersets import SchoolFilterSet, day_range

from .choices import DishKind, EntryKind, Fund, MealKind, MenuStatus
from .models import (
    AccompaniedMeal,
    CanteenEntry,
    DinerCount,
    Dish,
    Disinfection,
    KitchenCheck,
    Meal,
    MorningCheck,
    SampleRecord,
    WeekMenu,
)


def by_date(model, field="date", search=()):
    """A filterset of `model` by a day range (and a search), the shape every canteen list takes."""
    on_after, on_before = day_range(field, "日期起", "日期止")
    attrs = {
        "on_after": on_after,
        "on_before": on_before,
        "search_fields": search,
        "Meta": type("Meta", (), {"model": model, "fields": ["q", "on_after", "on_before"]}),
    }
    return type(f"{model.__name__}FilterSet", (SchoolFilterSet,), attrs)


MorningCheckFilterSet = by_date(MorningCheck, search=("worker__person__name", "reasons"))
MealFilterSet = by_date(Meal, search=("dishes",))
SampleRecordFilterSet = by_date(SampleRecord, "meal__date", search=("dish",))
DisinfectionFilterSet = by_date(Disinfection, search=("items",))
KitchenCheckFilterSet = by_date(KitchenCheck, search=("note",))
AccompaniedMealFilterSet = by_date(AccompaniedMeal, search=("companion_name", "person__name", "comments"))
MealFilterSet.base_filters["kind"] = filters.ChoiceFilter(label="餐次", field_name="kind", choices=MealKind.choices)



class DishFilterSet(SchoolFilterSet):
    search_fields = ("name", "ingredients__name")
    kind = filters.ChoiceFilter(label="类别", field_name="kind", choices=DishKind.choices)

    class Meta:
        model = Dish
        fields = ["q", "kind", "active"]

    def search(self, queryset, name, value):
        return super().search(queryset, name, value).distinct()


WeekMenuFilterSet = by_date(WeekMenu, "week_start", search=("note",))
WeekMenuFilterSet.base_filters["status"] = filters.ChoiceFilter(label="状态", field_name="status",
                                                               choices=MenuStatus.choices)


DinerCountFilterSet = by_date(DinerCount)
DinerCountFilterSet.base_filters["meal"] = filters.ChoiceFilter(label="餐次", field_name="meal",
                                                               choices=MealKind.choices)
CanteenEntryFilterSet = by_date(CanteenEntry, search=("note",))
CanteenEntryFilterSet.base_filters["kind"] = filters.ChoiceFilter(label="项目", field_name="kind",
                                                                 choices=EntryKind.choices)
CanteenEntryFilterSet.base_filters["fund"] = filters.ChoiceFilter(label="账户", field_name="fund",
                                                                 choices=Fund.choices)
