"""Forms of the maintenance app. Dropdowns are narrowed to the active school (SchoolForm)."""

from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError

from houqin.core.forms import MAX_PHOTOS, MultipleFileField, SchoolForm, StyledForm, style
from houqin.core.models import Person
from houqin.stock.models import Item, Warehouse

from .choices import Category, RecordKind, TargetKind
from .models import PreventivePlan, SpecialEquipment, WorkOrder
from .services import workers


class WorkOrderReportForm(SchoolForm):
    """报修: what, where, how urgent, and photos."""

    photos = MultipleFileField(label="照片", required=False, help_text=f"可拍照上传，最多 {MAX_PHOTOS} 张")

    class Meta:
        model = WorkOrder
        fields = ["category", "description", "urgency", "room", "place", "asset"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3}), "asset": forms.HiddenInput}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["room"].queryset = self.fields["room"].queryset.select_related("building")
        self.fields["asset"].required = False

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("room") and not (cleaned.get("place") or "").strip() and not cleaned.get("asset"):
            raise ValidationError("请选择报修地点或填写地点说明")
        return cleaned


class WorkOrderEditForm(SchoolForm):
    """The director corrects what was reported (category, urgency, place)."""

    class Meta:
        model = WorkOrder
        fields = ["category", "description", "urgency", "room", "place"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}


class AssignForm(StyledForm):
    worker = forms.ModelChoiceField(label="维修工", queryset=Person.objects.filter(active=True), required=False)
    contractor = forms.CharField(label="或外包单位", max_length=100, required=False)
    note = forms.CharField(label="说明", max_length=200, required=False)

    def __init__(self, *args, school, **kwargs):
        super().__init__(*args, school=school, **kwargs)

        qs = workers(school)
        if qs.exists():  # else any active person of the school
            self.fields["worker"].queryset = qs

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("worker") and not (cleaned.get("contractor") or "").strip():
            raise ValidationError("请选择维修工或填写外包单位")
        return cleaned


class FinishForm(StyledForm):
    work_done = forms.CharField(label="维修情况", widget=forms.Textarea(attrs={"rows": 2}), max_length=1000)
    labour_hours = forms.DecimalField(label="用工(小时)", min_value=Decimal("0"), max_digits=6, decimal_places=1,
                                      initial=Decimal("1.0"))
    outsourced_cost = forms.DecimalField(label="外包费用(元)", min_value=Decimal("0"), max_digits=12,
                                         decimal_places=2, required=False)
    invoice_number = forms.CharField(label="发票号", max_length=50, required=False)


class VerifyForm(StyledForm):
    """验收签字, with the reporter's optional rating of the repair."""

    rating = forms.TypedChoiceField(label="评分（可选）", required=False, coerce=int, empty_value=None,
                                    choices=[("", "不评分"), *[(n, f"{n} 分") for n in range(5, 0, -1)]])
    comment = forms.CharField(label="评价（可选）", max_length=200, required=False)


class ReasonForm(StyledForm):
    reason = forms.CharField(label="原因", max_length=200)


class PartForm(StyledForm):
    warehouse = forms.ModelChoiceField(label="仓库", queryset=Warehouse.objects.filter(active=True))
    item = forms.ModelChoiceField(label="物品", queryset=Item.objects.filter(active=True))
    quantity = forms.DecimalField(label="数量", min_value=Decimal("0.01"), max_digits=12, decimal_places=2)


class TaskForm(StyledForm):
    """The check as a matrix: one row per target (room, asset, equipment), one checkbox per
    checklist item ticked when that item is faulty (every cell is OK by default), a note and
    the repair category per row. Field names: fault-<target>-<item index>, note-<target>,
    category-<target>, the target written as in its key (asset-12)."""

    def __init__(self, *args, task, targets, school=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.items = task.plan.items()
        self.targets = targets
        for t in targets:
            for i, item in enumerate(self.items):
                self.fields[f"fault-{t.slug}-{i}"] = forms.BooleanField(label=f"{t.label} · {item}：有问题",
                                                                        required=False)
            # the matrix has no <label> a row: the names screen readers read come with the inputs
            note = forms.TextInput(attrs={"placeholder": "情况（选填）", "aria-label": f"{t.label} 情况"})
            self.fields[f"note-{t.slug}"] = forms.CharField(label="情况", max_length=200, required=False, widget=note)
            category = forms.Select(attrs={"aria-label": f"{t.label} 报修类别"})
            self.fields[f"category-{t.slug}"] = forms.ChoiceField(
                label="报修类别", choices=Category.choices, widget=category, initial=Category.OTHER, required=False)

        style(self, small=True)

    def clean(self):
        cleaned = super().clean()
        stale = [k for k in self.data if k.startswith(("fault-", "note-", "category-")) and k not in self.fields]
        if stale:
            raise ValidationError("检查对象已有变化（如资产已报废、调走或计划已修改），请刷新页面后重新检查")
        return cleaned

    def rows(self):
        """(target, [(item, bound checkbox)], bound note, bound category) for the template."""
        return [(t, [(item, self[f"fault-{t.slug}-{i}"]) for i, item in enumerate(self.items)],
                 self[f"note-{t.slug}"], self[f"category-{t.slug}"]) for t in self.targets]

    def results(self):
        """The marked cells for services.complete_task: each faulty cell, with the row's note
        and category; a row's note with nothing faulty is kept on its first item."""
        data, out = self.cleaned_data, []
        for t in self.targets:
            note = (data.get(f"note-{t.slug}") or "").strip()
            category = data.get(f"category-{t.slug}") or Category.OTHER
            faulty = [item for i, item in enumerate(self.items) if data.get(f"fault-{t.slug}-{i}")]
            for item in faulty:
                out.append({"target": t.key, "item": item, "ok": False, "note": note, "category": category})
            if note and not faulty and self.items:
                out.append({"target": t.key, "item": self.items[0], "ok": True, "note": note})
        return out


class PreventivePlanForm(SchoolForm):
    class Meta:
        model = PreventivePlan
        fields = ["name", "recurrence", "weekday", "day_of_month", "summer_month", "target_kind", "rooms",
                  "asset_category", "equipment", "checklist", "assignee", "on_holidays", "in_vacations", "active",
                  "starts_on"]
        widgets = {"checklist": forms.Textarea(attrs={"rows": 4}), "starts_on": forms.DateInput(attrs={"type": "date"})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["rooms"].queryset = self.fields["rooms"].queryset.select_related("building")

    def clean(self):
        cleaned = super().clean()
        kind = cleaned.get("target_kind")
        if kind == TargetKind.EQUIPMENT and not cleaned.get("equipment"):
            self.add_error("equipment", "检查对象为特种设备时须选择设备")
        if kind == TargetKind.ASSET_CATEGORY and not cleaned.get("asset_category"):
            self.add_error("asset_category", "检查对象为资产类别时须选择类别")
        dom = cleaned.get("day_of_month")
        if dom is not None and not 1 <= dom <= 28:
            self.add_error("day_of_month", "每月几号须在 1 到 28 之间")
        month = cleaned.get("summer_month")
        if month is not None and not 2 <= month <= 12:
            self.add_error("summer_month", "夏季开始月份须在 2 到 12 之间")
        return cleaned


class SpecialEquipmentForm(SchoolForm):
    class Meta:
        model = SpecialEquipment
        fields = ["kind", "name", "room", "registration_number", "use_certificate_number", "contractor",
                  "contractor_phone", "maintenance_interval_days", "last_maintained_on", "inspection_due_on",
                  "operators", "active"]
        widgets = {"last_maintained_on": forms.DateInput(attrs={"type": "date"}),
                   "inspection_due_on": forms.DateInput(attrs={"type": "date"})}


class RecordForm(StyledForm):
    kind = forms.ChoiceField(label="类型", choices=RecordKind.choices, initial=RecordKind.MAINTENANCE)
    done_on = forms.DateField(label="日期", widget=forms.DateInput(attrs={"type": "date"}))
    contractor = forms.CharField(label="实施单位", max_length=100, required=False)
    next_inspection_on = forms.DateField(label="下次年检", required=False,
                                         widget=forms.DateInput(attrs={"type": "date"}),
                                         help_text="年检时填写；留空为一年后")
    note = forms.CharField(label="情况", max_length=300, required=False)
