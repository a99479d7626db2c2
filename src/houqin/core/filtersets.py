"""Filters shared by the list pages and the API. Related-object choices are narrowed to the
request's school through SchoolFilterSet."""


import django_filters as filters
from django import forms
from django.db.models import Q

from .choices import CertificateKind, Employment, RoomKind
from .forms import style
from .models import EXPIRING_DAYS, Building, Campus, Certificate, Person, Room, SchoolClass, Term, expiry_limit
from .narrowing import narrow_choices


class YesNoFilter(filters.BooleanFilter):
    """A 全部 / 是 / 否 choice. django-filter's own select offers “未知” for “any”, which
    reads like a value of its own; the query values stay true / false."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", forms.Select(choices=[("", "全部"), ("true", "是"), ("false", "否")]))
        super().__init__(*args, **kwargs)


class ExpiringFilter(YesNoFilter):
    """已过期或30天内到期: 是 keeps the rows whose `expires_on` is at most 30 days from today;
    否 and 全部 keep every row."""

    def __init__(self, *args, days=EXPIRING_DAYS, **kwargs):
        self.days = days
        kwargs.setdefault("label", f"已过期或{days}天内到期")
        kwargs.setdefault("field_name", "expires_on")
        super().__init__(*args, **kwargs)

    def filter(self, qs, value):
        if not value:
            return qs
        return self.get_method(qs)(**{f"{self.field_name}__lte": expiry_limit(within_days=self.days)})


class AboveZeroFilter(YesNoFilter):
    """是: the rows whose `field_name` (a quantity) is above zero; 否: those at zero."""

    def filter(self, qs, value):
        if value is None:
            return qs
        return qs.filter(**{f"{self.field_name}__gt": 0}) if value else qs.filter(**{self.field_name: 0})


DATE_INPUT = forms.DateInput(attrs={"type": "date"})


def day_filter(label, field_name, lookup_expr, **kwargs):
    """A date picked on the page, compared with `lookup_expr` (“gte”, “date__lte” on a datetime …)."""
    return filters.DateFilter(label=label, field_name=field_name, lookup_expr=lookup_expr,
                              widget=kwargs.pop("widget", DATE_INPUT), **kwargs)


def day_range(field_name, since, until, *, datetime_field=False):
    """The two filters of a range of days on `field_name`, labelled `since` and `until`."""
    day = "date__" if datetime_field else ""
    return day_filter(since, field_name, f"{day}gte"), day_filter(until, field_name, f"{day}lte")


class YearFilter(filters.NumberFilter):
    """A calendar year (购置年份 2024): a whole number from 1 to 9999, else a 400 naming the
    filter — a `__year` lookup on 0 or 10000 has no date range and would fail as a 500."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("lookup_expr", "year")
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", 9999)
        super().__init__(*args, **kwargs)


class SchoolFilterSet(filters.FilterSet):
    q = filters.CharFilter(label="搜索", method="search")
    search_fields = ()

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, request=request, **kwargs)
        narrow_choices(self.filters.values(), getattr(request, "school", None))

    @property
    def form(self):
        if not hasattr(self, "_form"):
            self._form = style(super().form, small=True)
        return self._form

    def search(self, queryset, name, value):
        q = Q()
        for field in self.search_fields:
            q |= Q(**{f"{field}__icontains": value})
        return queryset.filter(q)


class CampusFilterSet(SchoolFilterSet):
    search_fields = ("name", "address")

    class Meta:
        model = Campus
        fields = ["q"]


class TermFilterSet(SchoolFilterSet):
    search_fields = ("name",)

    class Meta:
        model = Term
        fields = ["q"]


class BuildingFilterSet(SchoolFilterSet):
    search_fields = ("name",)
    campus = filters.ModelChoiceFilter(label="校区", queryset=Campus.objects.all())

    class Meta:
        model = Building
        fields = ["q", "campus"]


class RoomFilterSet(SchoolFilterSet):
    search_fields = ("name", "number")
    building = filters.ModelChoiceFilter(label="楼栋", queryset=Building.objects.all())
    kind = filters.ChoiceFilter(label="类型", choices=RoomKind.choices)

    class Meta:
        model = Room
        fields = ["q", "building", "kind"]


class SchoolClassFilterSet(SchoolFilterSet):
    grade = filters.NumberFilter(label="年级")

    class Meta:
        model = SchoolClass
        fields = ["grade"]


class PersonFilterSet(SchoolFilterSet):
    search_fields = ("name", "phone", "position")
    employment = filters.ChoiceFilter(label="用工性质", choices=Employment.choices)

    class Meta:
        model = Person
        fields = ["q", "employment", "active"]


class CertificateFilterSet(SchoolFilterSet):
    search_fields = ("person__name", "number")
    kind = filters.ChoiceFilter(label="证件类型", choices=CertificateKind.choices)
    expiring = ExpiringFilter()

    class Meta:
        model = Certificate
        fields = ["q", "kind", "expiring"]
