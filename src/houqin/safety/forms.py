"""Forms of the safety app. Dropdowns are narrowed to the active school (SchoolForm, StyledForm)."""

from django import forms
from django.core.exceptions import ValidationError

from houqin.core.forms import MAX_PHOTOS, MultipleFileField, SchoolForm, StyledForm
from houqin.core.models import Person
from houqin.maintenance.choices import Category

from .choices import Level, Measure
from .models import CheckItem, Drill, FireEquipment, GateEntry, Hazard, PatrolRoute, Training


class HazardReportForm(SchoolForm):
    """上报隐患 on a phone: level, where, what, the measure taken, photos."""

    photos = MultipleFileField(label="现场照片", required=False, help_text=f"可拍照上传，最多 {MAX_PHOTOS} 张")

    class Meta:
        model = Hazard
        fields = ["level", "source", "room", "place", "description", "measure"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["room"].queryset = self.fields["room"].queryset.select_related("building")

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("room") and not (cleaned.get("place") or "").strip():
            raise ValidationError("请选择隐患地点或填写地点说明")
        return cleaned


class HazardEditForm(HazardReportForm):
    """The director corrects what was reported (level, place, description, measure)."""

    photos = None

    class Meta(HazardReportForm.Meta):
        fields = ["level", "source", "room", "place", "description", "measure"]


class AssignForm(StyledForm):
    assignee = forms.ModelChoiceField(label="整改责任人", queryset=Person.objects.filter(active=True))
    deadline = forms.DateField(label="整改期限", widget=forms.DateInput(attrs={"type": "date"}))
    note = forms.CharField(label="整改要求", max_length=200, required=False)
    repair = forms.BooleanField(label="需要维修：同时生成报修单", required=False)
    category = forms.ChoiceField(label="报修类别", choices=Category.choices, initial=Category.OTHER, required=False)


def repair_spec(data):
    """The work order an assignment opens (AssignForm's or the API's data), or None."""
    return {"category": data.get("category") or Category.OTHER} if data.get("repair") else None


class RectifyForm(StyledForm):
    rectification = forms.CharField(label="整改情况", max_length=1000, widget=forms.Textarea(attrs={"rows": 2}))
    photos = MultipleFileField(label="整改后照片", required=True)


class RecheckForm(StyledForm):
    passed = forms.TypedChoiceField(label="复查结论", choices=[("1", "合格，销号"), ("0", "不合格，重新整改")],
                                    coerce=lambda v: v == "1", widget=forms.RadioSelect)
    note = forms.CharField(label="复查意见", max_length=300, required=False)


class IdNumberInput(forms.TextInput):
    """Typed once and never sent back: a form shown again after an error asks for it again."""

    def format_value(self, value):
        return None


class GateEntryForm(SchoolForm):
    """门卫登记 at the gate: a visitor or a vehicle, let in or refused."""

    id_number = forms.CharField(label="身份证号", max_length=30, required=False, widget=IdNumberInput(
        attrs={"autocomplete": "off", "inputmode": "text"}), help_text="只保存后四位")
    refused_reason = forms.CharField(label="拒绝入校原因", max_length=200, required=False,
                                     help_text="填写即登记为拒绝入校")

    field_order = ["kind", "name", "id_number", "phone", "plate", "people", "reason", "host", "refused_reason"]

    class Meta:
        model = GateEntry
        fields = ["kind", "name", "phone", "plate", "people", "reason", "host"]


class GateEntryEditForm(SchoolForm):
    """A correction of a gate record; the identity number and the times are not edited."""

    class Meta:
        model = GateEntry
        fields = ["kind", "name", "phone", "plate", "people", "reason", "host"]


# --- patrols ----------------------------------------------------------------------------------


class CheckItemForm(SchoolForm):
    class Meta:
        model = CheckItem
        fields = ["area", "kind", "text", "basis", "order", "active"]


class PatrolRouteForm(SchoolForm):
    class Meta:
        model = PatrolRoute
        fields = ["name", "frequency", "rounds", "weekday", "items", "patroller", "on_holidays", "in_vacations",
                  "starts_on", "active"]
        widgets = {"items": forms.CheckboxSelectMultiple, "starts_on": forms.DateInput(attrs={"type": "date"})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["items"].queryset = self.fields["items"].queryset.filter(active=True)


class WalkForm(StyledForm):
    """The patrol on a phone: per item 正常 / 有问题, and for a problem the note, the place, the
    level, the measure taken and photos. Field names: ok-<item id>, note-…, place-…, level-…,
    measure-…, photos-…"""

    def __init__(self, *args, items, school=None, **kwargs):
        super().__init__(*args, school=school, **kwargs)
        self.items = items
        for item in items:
            p = item.pk
            self.fields[f"ok-{p}"] = forms.TypedChoiceField(
                label=item.text, choices=[("1", "正常"), ("0", "有问题")], coerce=lambda v: v == "1",
                initial="1", widget=forms.RadioSelect)
            self.fields[f"note-{p}"] = forms.CharField(label="问题情况", max_length=300, required=False)
            self.fields[f"place-{p}"] = forms.CharField(label="具体地点", max_length=100, required=False,
                                                        help_text="如 教学楼二楼东侧走廊")
            self.fields[f"level-{p}"] = forms.ChoiceField(label="隐患等级", choices=Level.choices,
                                                          initial=Level.GENERAL, required=False)
            self.fields[f"measure-{p}"] = forms.ChoiceField(label="已采取措施", choices=Measure.choices,
                                                            initial=Measure.NONE, required=False)
            self.fields[f"photos-{p}"] = MultipleFileField(label="现场照片", required=False)

    def clean(self):
        cleaned = super().clean()
        for item in self.items:
            if cleaned.get(f"ok-{item.pk}") is False and not (cleaned.get(f"note-{item.pk}") or "").strip():
                self.add_error(f"note-{item.pk}", f"“{item.text}”有问题，请写明情况")
        return cleaned

    def rows(self):
        return [(item, {n: self[f"{n}-{item.pk}"] for n in ("ok", "note", "place", "level", "measure", "photos")})
                for item in self.items]

    def results(self):
        d = self.cleaned_data
        return [{"item": item.pk, "ok": d[f"ok-{item.pk}"], "note": d.get(f"note-{item.pk}", ""),
                 "place": d.get(f"place-{item.pk}", ""), "level": d.get(f"level-{item.pk}") or Level.GENERAL,
                 "measure": d.get(f"measure-{item.pk}") or Measure.NONE,
                 "photos": d.get(f"photos-{item.pk}") or []} for item in self.items]


# --- fire equipment ---------------------------------------------------------------------------


class FireEquipmentForm(SchoolForm):
    class Meta:
        model = FireEquipment
        fields = ["code", "kind", "agent", "spec", "room", "place", "dense_place", "made_on", "installed_on",
                  "last_serviced_on", "active", "note"]
        widgets = {f: forms.DateInput(attrs={"type": "date"}) for f in ("made_on", "installed_on", "last_serviced_on")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["room"].queryset = self.fields["room"].queryset.select_related("building")

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("kind") == "extinguisher" and not cleaned.get("agent"):
            self.add_error("agent", "灭火器请选择灭火剂类型（决定送修和报废年限）")
        if not cleaned.get("room") and not (cleaned.get("place") or "").strip():
            raise ValidationError("请选择位置或填写位置说明")
        return cleaned


# --- drills and training ----------------------------------------------------------------------


class DrillForm(SchoolForm):
    class Meta:
        model = Drill
        fields = ["kind", "title", "held_on", "organiser", "scope", "participants", "evacuation_seconds",
                  "evaluation"]
        widgets = {"held_on": forms.DateInput(attrs={"type": "date"}), "evaluation": forms.Textarea(attrs={"rows": 3})}


class TrainingForm(SchoolForm):
    class Meta:
        model = Training
        fields = ["title", "held_on", "trainer", "hours", "attendees", "note"]
        widgets = {"held_on": forms.DateInput(attrs={"type": "date"}), "attendees": forms.CheckboxSelectMultiple}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["attendees"].queryset = self.fields["attendees"].queryset.filter(active=True)
