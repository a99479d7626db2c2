"""Forms of the stock app. Dropdowns hold the active school's rows only (SchoolForm and
StyledForm); the services re-check everything inside their transaction."""

from decimal import Decimal

from django import forms
from django.utils import timezone

from houqin.core.forms import SchoolForm, StyledForm

from .models import Item, Requisition, StockCount, Warehouse

QTY = {"max_digits": 12, "decimal_places": 2}
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _items():
    return Item.objects.filter(active=True)


def _warehouses():
    return Warehouse.objects.filter(active=True)


class WarehouseForm(SchoolForm):
    class Meta:
        model = Warehouse
        fields = ["name", "kind", "room", "keeper", "active"]


class ItemForm(SchoolForm):
    class Meta:
        model = Item
        fields = ["code", "name", "spec", "unit", "category", "kind", "old_for_new", "reorder_level",
                  "tracks_batches", "shelf_life_days", "active", "notes"]


# --- goods in, transfers, reversals ------------------------------------------------------


class ReceiveForm(StyledForm):
    """Goods not bought through procurement (donations, returns from a closed office …)."""

    warehouse = forms.ModelChoiceField(label="仓库", queryset=_warehouses())
    item = forms.ModelChoiceField(label="物品", queryset=_items())
    quantity = forms.DecimalField(label="数量", **QTY, min_value=Decimal("0.01"))
    unit_cost = forms.DecimalField(label="单价(元)", max_digits=14, decimal_places=4, min_value=Decimal("0"),
                                   help_text="捐赠物品按估价填写；无价值填 0")
    on = forms.DateField(label="入库日期", widget=DATE, initial=timezone.localdate)
    batch_code = forms.CharField(label="批号", max_length=50, required=False)
    produced_on = forms.DateField(label="生产日期", required=False, widget=DATE)
    expires_on = forms.DateField(label="保质期至", required=False, widget=DATE, help_text="按批次管理的物品必填")
    note = forms.CharField(label="摘要（来源）", max_length=200, help_text="如：家长委员会捐赠")

    def clean(self):
        cleaned = super().clean()
        item, on = cleaned.get("item"), cleaned.get("on")
        if on and on > timezone.localdate():
            self.add_error("on", "入库日期不能晚于今天")
        if item is not None and item.tracks_batches and not cleaned.get("expires_on"):
            self.add_error("expires_on", f"“{item}”按批次管理，须填写保质期")
        return cleaned


class TransferForm(StyledForm):
    source = forms.ModelChoiceField(label="调出仓库", queryset=_warehouses())
    target = forms.ModelChoiceField(label="调入仓库", queryset=_warehouses())
    item = forms.ModelChoiceField(label="物品", queryset=_items())
    quantity = forms.DecimalField(label="数量", **QTY, min_value=Decimal("0.01"))
    note = forms.CharField(label="摘要", max_length=200, required=False)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("source") and cleaned.get("source") == cleaned.get("target"):
            self.add_error("target", "调出和调入仓库不能相同")
        return cleaned


class ReverseForm(StyledForm):
    note = forms.CharField(label="冲销原因", max_length=200)


# --- requisitions (领用) ------------------------------------------------------------------


class RequisitionForm(SchoolForm):
    class Meta:
        model = Requisition
        fields = ["warehouse", "department", "purpose"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["warehouse"].queryset = self.fields["warehouse"].queryset.filter(active=True)


class LineForm(StyledForm):
    small = True

    item = forms.ModelChoiceField(label="物品", queryset=_items().only("pk", "name", "spec", "unit"))
    quantity = forms.DecimalField(label="数量", **QTY, min_value=Decimal("0.01"))
    note = forms.CharField(label="备注", max_length=200, required=False)


class BaseLineFormSet(forms.BaseFormSet):
    def clean(self):
        if any(self.errors):
            return
        if not self.lines():
            raise forms.ValidationError("请至少填写一项领用物品")

    def lines(self):
        return [(f.cleaned_data["item"], f.cleaned_data["quantity"], f.cleaned_data.get("note", ""))
                for f in self.forms if f.cleaned_data.get("item")]


LineFormSet = forms.formset_factory(LineForm, formset=BaseLineFormSet, extra=5, max_num=100, validate_max=True)


def line_formset(data=None, *, school, requisition=None):
    initial = None
    if requisition is not None and requisition.pk:
        initial = [{"item": line.item_id, "quantity": line.quantity, "note": line.note}
                   for line in requisition.lines.all()]
    formset = LineFormSet(data, initial=initial, prefix="lines", form_kwargs={"school": school})
    # One query for the items of every row rather than one per row.
    choices = list(formset.empty_form.fields["item"].choices)
    for form in formset.forms:
        form.fields["item"].choices = choices
    return formset


class WaiveForm(StyledForm):
    line = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(label="免交理由", max_length=200)


class CloseShortForm(StyledForm):
    reason = forms.CharField(label="结案原因", max_length=200, help_text="如：缺货，不再采购；已不需要")



# --- monthly counts (月度盘存) -----------------------------------------------------------


class OpenCountForm(StyledForm):
    warehouse = forms.ModelChoiceField(label="仓库", queryset=_warehouses())
    month = forms.DateField(label="月份", widget=forms.DateInput(attrs={"type": "month"}, format="%Y-%m"),
                            input_formats=["%Y-%m", "%Y-%m-%d"], initial=lambda: timezone.localdate().replace(day=1))
    note = forms.CharField(label="说明", required=False, widget=forms.Textarea(attrs={"rows": 2}))


class CountNoteForm(SchoolForm):
    class Meta:
        model = StockCount
        fields = ["note"]
