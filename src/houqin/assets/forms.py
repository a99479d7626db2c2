"""Forms of the assets app: registering and editing a holding, and the small forms of its
lifecycle actions (move, split, lend, return, damage, settle, repair, lost, scrap, dispose).
Every dropdown is narrowed to the active school."""

from decimal import Decimal

from django import forms

from houqin.core.forms import SchoolForm, StyledForm
from houqin.core.lookup import LookupField

from .choices import AssetStatus, DisposalMethod
from .models import Asset

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class AssetRegisterForm(SchoolForm):
    """Registering a holding (登记): the tag may be left empty and is then generated."""

    status = forms.ChoiceField(label="状态", choices=[(AssetStatus.IN_USE, AssetStatus.IN_USE.label),
                                                    (AssetStatus.IDLE, AssetStatus.IDLE.label)],
                               initial=AssetStatus.IN_USE)

    class Meta:
        model = Asset
        fields = ["tag", "kind", "name", "category", "model_spec", "brand", "unit_price", "quantity", "unit",
                  "purchase_date", "funding_source", "supplier", "invoice_number", "warranty_end", "room",
                  "custodian", "status", "notes"]
        widgets = {"purchase_date": DATE, "warranty_end": DATE, "notes": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["tag"].required = False
        self.fields["tag"].help_text = "留空则自动生成，如 ESYX-2025-00123"

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("kind") == "individual" and cleaned.get("quantity") not in (None, 1):
            self.add_error("quantity", "单件资产数量只能为 1；多件请选“批量”")
        return cleaned


class AssetImportForm(AssetRegisterForm):
    """A row of an imported ledger: the register form, whose status may also be what an
    existing ledger records of a holding on the books (损坏、维修中)."""

    STATUSES = (AssetStatus.IN_USE, AssetStatus.IDLE, AssetStatus.DAMAGED, AssetStatus.IN_REPAIR)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [(s.value, s.label) for s in self.STATUSES]


class AssetEditForm(SchoolForm):
    """Descriptive fields only; quantity, room and status change through the actions."""

    class Meta:
        model = Asset
        fields = ["name", "category", "model_spec", "brand", "supplier", "invoice_number", "warranty_end", "notes"]
        widgets = {"warranty_end": DATE, "notes": forms.Textarea(attrs={"rows": 2})}


# --- action forms ------------------------------------------------------------------------


class ActionForm(StyledForm):
    """An asset action's form: compact, its dropdowns narrowed to the school (StyledForm)."""

    small = True


class MoveForm(ActionForm):
    room = LookupField("rooms", label="新地点", required=False)
    custodian = LookupField("people", label="新保管人", required=False)
    quantity = forms.IntegerField(label="数量", min_value=1, required=False,
                                  help_text="批量资产可只调拨一部分；留空为全部")
    note = forms.CharField(label="说明", max_length=200, required=False)

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("room") and not cleaned.get("custodian"):
            raise forms.ValidationError("请选择新地点或新保管人")
        return cleaned


class SplitForm(ActionForm):
    quantity = forms.IntegerField(label="拆出数量", min_value=1)


class LendForm(ActionForm):
    borrower = LookupField("people", label="借用人")
    due_on = forms.DateField(label="应还日期", widget=DATE)
    quantity = forms.IntegerField(label="数量", min_value=1, initial=1)
    note = forms.CharField(label="说明", max_length=100, required=False)


class ReturnForm(ActionForm):
    condition = forms.CharField(label="归还时状况", max_length=200, initial="完好")
    damaged = forms.BooleanField(label="有损坏", required=False)


class DamageForm(ActionForm):
    description = forms.CharField(label="损坏情况", max_length=300)
    liable_name = forms.CharField(label="责任人", max_length=50, required=False, help_text="填写后生成赔偿记录")
    amount = forms.DecimalField(label="赔偿金额(元)", max_digits=12, decimal_places=2, min_value=Decimal("0"),
                                required=False)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("liable_name") and cleaned.get("amount") is None:
            self.add_error("amount", "请填写赔偿金额")
        return cleaned


class SettleForm(ActionForm):
    outcome = forms.ChoiceField(label="办结方式", choices=[("paid", "已赔偿"), ("waived", "免赔")])
    note = forms.CharField(label="说明", max_length=200, required=False, help_text="免赔须写明理由")


class NoteForm(ActionForm):
    note = forms.CharField(label="说明", max_length=300, required=False)


class LostForm(ActionForm):
    note = forms.CharField(label="丢失经过", max_length=300)


class ScrapForm(ActionForm):
    reason = forms.CharField(label="报废原因", max_length=300)
    quantity = forms.IntegerField(label="数量", min_value=1, required=False, help_text="留空为全部")


class DisposeForm(ActionForm):
    method = forms.ChoiceField(label="处置方式", choices=DisposalMethod.choices)
    proceeds = forms.DecimalField(label="处置收入(元)", max_digits=12, decimal_places=2, min_value=Decimal("0"),
                                  initial=Decimal("0.00"))
    disposed_on = forms.DateField(label="处置日期", widget=DATE, required=False)
