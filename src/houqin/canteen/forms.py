"""Forms of the canteen app. The services check the rules; the forms only ask."""

import datetime

from django import forms
from django.core.exceptions import ValidationError

from houqin.core.forms import SchoolForm, StyledForm
from houqin.core.models import Person

from . import services
from .choices import CHECKLISTS, CheckKind, MealKind
from .models import (
    AccompaniedMeal,
    CanteenEntry,
    CanteenSettings,
    CanteenWorker,
    DinerCount,
    Dish,
    Disinfection,
    KitchenCheck,
    Meal,
    MorningCheck,
    SampleRecord,
    WeekMenu,
)

DATE = forms.DateInput(attrs={"type": "date"})
DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
NUMBER = {"inputmode": "decimal"}
CHECKBOX = {"class": "form-check-input"}


def team_people(form, *names):
    """Narrow the person dropdowns to the active canteen team (the staff register's rows)."""
    if form.school is None:
        return
    team = Person.objects.filter(school=form.school, canteen_posts__active=True).distinct()
    for name in names:
        form.fields[name].queryset = team


class CanteenWorkerForm(SchoolForm):
    class Meta:
        model = CanteenWorker
        fields = ["person", "post", "active"]


class MorningCheckForm(SchoolForm):
    """One worker's morning check (the team screen shows one of these per worker)."""

    class Meta:
        model = MorningCheck
        fields = ["worker", "date", "temperature", "fever", "diarrhea", "hand_wound", "throat", "hygiene_ok",
                  "sent_off", "note"]
        widgets = {"date": DATE, "temperature": forms.NumberInput(attrs={**NUMBER, "step": "0.1"})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["worker"].queryset = self.fields["worker"].queryset.filter(active=True).select_related("person")


class TeamRowForm(StyledForm):
    """One row of the team's 晨检 screen; the worker and the day come from the page."""

    temperature = forms.DecimalField(label="体温", max_digits=4, decimal_places=1, initial="36.5",
                                     widget=forms.NumberInput(attrs={**NUMBER, "step": "0.1"}))
    fever = forms.BooleanField(label="发热", required=False)
    diarrhea = forms.BooleanField(label="腹泻", required=False)
    hand_wound = forms.BooleanField(label="手部伤口", required=False)
    throat = forms.BooleanField(label="咽部炎症", required=False)
    hygiene_ok = forms.BooleanField(label="个人卫生合格", required=False, initial=True)
    sent_off = forms.BooleanField(label="安排离岗", required=False)
    note = forms.CharField(label="备注", required=False, max_length=200)


class MealForm(SchoolForm):
    class Meta:
        model = Meal
        fields = ["date", "kind", "dishes"]
        widgets = {"date": DATE, "dishes": forms.Textarea(attrs={"rows": 5})}


class SampleForm(SchoolForm):
    class Meta:
        model = SampleRecord
        fields = ["meal", "dish", "weight_grams", "sampled_at", "container", "cabinet", "cabinet_temperature",
                  "sampled_by"]
        widgets = {"sampled_at": DATETIME, "weight_grams": forms.NumberInput(attrs={"inputmode": "numeric"}),
                   "cabinet_temperature": forms.NumberInput(attrs={**NUMBER, "step": "0.1"})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        team_people(self, "sampled_by")
        self.fields["sampled_at"].input_formats = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"]


class DisposeForm(StyledForm):
    person = forms.ModelChoiceField(label="处置人", queryset=Person.objects.all())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        team_people(self, "person")


class DisinfectionForm(SchoolForm):
    class Meta:
        model = Disinfection
        fields = ["date", "meal", "method", "temperature", "seconds", "chlorine", "items", "done_by", "done_at"]
        widgets = {"date": DATE, "done_at": DATETIME, "temperature": forms.NumberInput(attrs=NUMBER),
                   "seconds": forms.NumberInput(attrs={"inputmode": "numeric"})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        team_people(self, "done_by")
        self.fields["done_at"].input_formats = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"]


class KitchenCheckForm(SchoolForm):
    """The checklist of one kind: each item ticked 合格 by default; an unticked one is recorded
    as failed. The kind is chosen before the form opens (?kind=…)."""

    class Meta:
        model = KitchenCheck
        fields = ["date", "kind", "fridge_temperature", "freezer_temperature", "note", "checked_by"]
        widgets = {"date": DATE, "kind": forms.HiddenInput,
                   "fridge_temperature": forms.NumberInput(attrs={**NUMBER, "step": "0.1"}),
                   "freezer_temperature": forms.NumberInput(attrs={**NUMBER, "step": "0.1"})}

    def __init__(self, *args, kind=CheckKind.HYGIENE, **kwargs):
        super().__init__(*args, **kwargs)
        kind = self.data.get("kind") or self.initial.get("kind") or kind
        self.check_kind = CheckKind(kind) if kind in CheckKind.values else CheckKind.HYGIENE
        self.fields["kind"].initial = self.check_kind
        self.items = CHECKLISTS[self.check_kind]
        for i, item in enumerate(self.items):
            self.fields[f"item_{i}"] = forms.BooleanField(
                label=item, required=False, initial=True, widget=forms.CheckboxInput(attrs=CHECKBOX))
        if self.check_kind != CheckKind.COLD:
            del self.fields["fridge_temperature"], self.fields["freezer_temperature"]
        team_people(self, "checked_by")

    def save(self, commit=True):
        self.instance.failed_items = [item for i, item in enumerate(self.items)
                                      if not self.cleaned_data.get(f"item_{i}")]
        return super().save(commit)


class AccompaniedMealForm(SchoolForm):
    class Meta:
        model = AccompaniedMeal
        fields = ["date", "meal", "companion_kind", "person", "companion_name", "rating", "comments"]
        widgets = {"date": DATE, "comments": forms.Textarea(attrs={"rows": 3})}


class RespondForm(StyledForm):
    response = forms.CharField(label="处理反馈", max_length=1000, widget=forms.Textarea(attrs={"rows": 3}))


# --- 带量食谱 -------------------------------------------------------------------------------------


class DishForm(SchoolForm):
    """A dish and its ingredients, one a line: `猪里脊 60 荤` (grams per student; 荤 marks a meat
    ingredient, which the meat share counts)."""

    ingredients = forms.CharField(
        label="食材及每生用量", widget=forms.Textarea(attrs={"rows": 5}), required=False,
        help_text="每行一种：食材 每生克数，荤料后加“荤”，如“猪里脊 60 荤”“青椒 30”")

    class Meta:
        model = Dish
        fields = ["name", "kind", "ingredients", "notes", "active"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["ingredients"].initial = services.ingredients_text(self.instance)

    def clean_ingredients(self):
        try:
            return services.parse_ingredients(self.cleaned_data["ingredients"])
        except ValidationError as refusal:
            raise ValidationError(refusal.message_dict["ingredients"])


class WeekMenuForm(SchoolForm):
    """The week: for each serving day and meal, the dishes ticked from the school's list."""

    class Meta:
        model = WeekMenu
        fields = ["week_start", "note"]
        widgets = {"week_start": DATE}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.meal_fields = []
        if self.school is None:
            return
        settings = CanteenSettings.of(self.school)
        dishes = Dish.objects.filter(school=self.school, active=True)
        chosen = {}
        if self.instance.pk:
            for entry in self.instance.entries.all():
                key = ((entry.day - self.instance.week_start).days, entry.meal)
                chosen.setdefault(key, []).append(entry.dish_id)
        for n in range(settings.menu_days):
            for kind in settings.meals():
                name = f"d{n}_{kind}"
                self.fields[name] = forms.ModelMultipleChoiceField(
                    label=f"周{'一二三四五六日'[n]} {MealKind(kind).label}", queryset=dishes, required=False,
                    initial=chosen.get((n, kind), []), widget=forms.CheckboxSelectMultiple)
                self.meal_fields.append((n, kind, name))

    def entries(self, week_start):
        start = services.monday(week_start)
        return [(start + datetime.timedelta(days=n), kind, dish) for n, kind, name in self.meal_fields
                for dish in self.cleaned_data.get(name) or ()]


class CopyMenuForm(StyledForm):
    week_start = forms.DateField(label="沿用到（该周任一天）", widget=DATE)


# --- 就餐人数与食堂账 -------------------------------------------------------------------------------


class DinerCountForm(SchoolForm):
    class Meta:
        model = DinerCount
        fields = ["date", "meal", "students", "entitled_students", "staff"]
        widgets = {"date": DATE, **{name: forms.NumberInput(attrs={"inputmode": "numeric"})
                                    for name in ("students", "entitled_students", "staff")}}


class CanteenEntryForm(SchoolForm):
    class Meta:
        model = CanteenEntry
        fields = ["date", "kind", "amount", "note"]
        widgets = {"date": DATE, "amount": forms.NumberInput(attrs=NUMBER)}
