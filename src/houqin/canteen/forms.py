"""Forms of the canteen app. The services check the rules; the forms only ask."""

from django import forms

from houqin.core.forms import SchoolForm, StyledForm
from houqin.core.models import Person

from .choices import CHECKLISTS, CheckKind
from .models import AccompaniedMeal, CanteenWorker, Disinfection, KitchenCheck, Meal, MorningCheck, SampleRecord

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
