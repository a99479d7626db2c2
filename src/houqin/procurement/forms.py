"""Forms of procurement: suppliers, licences, designations, requests with their lines, the
order, acceptance and voucher forms (which call the services), and the small action forms.
Every dropdown is narrowed to the active school (core.narrowing)."""

from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError

from houqin.core.choices import Decision
from houqin.core.forms import SchoolForm, StyledForm, style
from houqin.core.models import Room
from houqin.core.money import MONEY
from houqin.core.narrowing import narrow_choices
from houqin.core.validators import no_control_chars
from houqin.stock.choices import ItemCategory
from houqin.stock.models import Item

from . import services
from .choices import AcceptanceStatus, RequestStatus
from .models import Acceptance, Designation, Licence, PurchaseOrder, PurchaseRequest, RequestLine, Supplier, Voucher

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class SupplierForm(SchoolForm):
    categories = forms.MultipleChoiceField(label="供应类别", choices=ItemCategory.choices, required=False,
                                           widget=forms.CheckboxSelectMultiple)

    class Meta:
        model = Supplier
        fields = ["name", "credit_code", "contact", "phone", "address", "categories", "admission", "food", "notes"]
        widgets = {"notes": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["categories"].widget.attrs["class"] = ""

    def clean_credit_code(self):
        code = self.cleaned_data["credit_code"].strip().upper()
        if code and len(code) != 18:
            raise ValidationError("统一社会信用代码为18位")
        return code


class LicenceForm(SchoolForm):
    class Meta:
        model = Licence
        fields = ["supplier", "kind", "number", "expires_on"]
        widgets = {"expires_on": DATE}


class DesignationForm(SchoolForm):
    class Meta:
        model = Designation
        fields = ["category", "supplier", "since"]
        widgets = {"since": DATE}


class RequestForm(SchoolForm):
    editable_in = (RequestStatus.DRAFT, "只有草稿状态的申请可以修改")

    class Meta:
        model = PurchaseRequest
        fields = ["title", "reason", "budget_line", "off_designation_reason"]
        widgets = {"reason": forms.Textarea(attrs={"rows": 2})}

    def clean_off_designation_reason(self):
        return (self.cleaned_data.get("off_designation_reason") or "").strip()


class RequestLineForm(forms.ModelForm):
    class Meta:
        model = RequestLine
        fields = ["item", "description", "quantity", "unit", "unit_price", "is_asset", "asset_category", "room"]

    def __init__(self, *args, school=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["item"].queryset = Item.objects.filter(active=True)
        self.fields["room"].queryset = Room.objects.select_related("building")
        narrow_choices(self.fields.values(), school)
        self.fields["unit"].required = False
        for name in ("description", "unit"):  # a plain ModelForm: no base adds the validator here
            self.fields[name].validators.append(no_control_chars)
        style(self, small=True)

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("item") and not (cleaned.get("description") or "").strip() and self.has_changed():
            raise ValidationError("每行须选择库存物品或填写品名规格")
        if cleaned.get("is_asset") and not (cleaned.get("asset_category") and cleaned.get("room")):
            raise ValidationError("固定资产须选择资产分类和存放地点")
        return cleaned


def line_formset(school, data=None, instance=None, extra=3):
    """The request's lines as an inline formset (the school narrows the dropdowns)."""
    formset_class = forms.inlineformset_factory(PurchaseRequest, RequestLine, form=RequestLineForm, extra=extra,
                                                can_delete=True, min_num=1, validate_min=True)
    return formset_class(data, instance=instance, prefix="lines", form_kwargs={"school": school})


class QuoteForm(StyledForm):
    supplier = forms.ModelChoiceField(label="供应商", queryset=Supplier.objects.all())
    amount = forms.DecimalField(label="报价金额(元)", **MONEY, min_value=Decimal("0"))
    note = forms.CharField(label="说明", max_length=200, required=False)


class ChooseForm(StyledForm):
    quote = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(label="未选最低价的理由", max_length=300, required=False)
    off_designation_reason = forms.CharField(label="非定点采购理由", max_length=300, required=False)


class SubmitForm(StyledForm):
    """Submitting asks nothing: the button is the form."""


class OrderForm(SchoolForm):
    """Placing an order (下单) for an approved request through services.place_order."""

    class Meta:
        model = PurchaseOrder
        fields = ["request", "supplier", "deliver_by", "notes"]
        widgets = {"deliver_by": DATE, "notes": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:  # an order's request and supplier are fixed once placed
            del self.fields["request"], self.fields["supplier"]
        else:
            self.fields["request"].queryset = self.fields["request"].queryset.filter(status=RequestStatus.APPROVED)
            self.fields["supplier"].required = False
            self.fields["supplier"].help_text = "有选定报价时自动取该报价的供应商"


class AcceptanceForm(SchoolForm):
    """Opening an acceptance (验收) of a placed order through services.start_acceptance."""

    editable_in = (AcceptanceStatus.DRAFT, "验收单已提交签字，不能再修改")

    class Meta:
        model = Acceptance
        fields = ["order", "warehouse", "received_on", "invoice_number", "note"]
        widgets = {"received_on": DATE, "note": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["warehouse"].queryset = self.fields["warehouse"].queryset.filter(active=True)
        if self.instance.pk:
            del self.fields["order"]
        else:
            self.fields["order"].queryset = self.fields["order"].queryset.filter(status="placed")


class AcceptanceLineForm(StyledForm):
    line = forms.IntegerField(widget=forms.HiddenInput)
    accepted = forms.DecimalField(label="合格数量", max_digits=12, decimal_places=2, min_value=Decimal("0"))
    rejected = forms.DecimalField(label="不合格数量", max_digits=12, decimal_places=2, min_value=Decimal("0"),
                                  initial=Decimal("0"))
    reason = forms.CharField(label="不合格原因", max_length=200, required=False)
    unit_price = forms.DecimalField(label="实际单价(元)", **MONEY, min_value=Decimal("0"))
    batch_code = forms.CharField(label="批号", max_length=50, required=False)
    expires_on = forms.DateField(label="保质期至", required=False, widget=DATE)


class VoucherForm(SchoolForm):
    """A reimbursement voucher (报销单) for an accepted delivery through services.create_voucher."""

    class Meta:
        model = Voucher
        fields = ["acceptance", "invoice_number", "invoice_date", "amount", "difference_reason"]
        widgets = {"invoice_date": DATE}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            del self.fields["acceptance"]
        else:
            self.fields["acceptance"].queryset = self.fields["acceptance"].queryset.filter(
                status=AcceptanceStatus.APPROVED).select_related("order__supplier")

    def clean(self):
        cleaned = super().clean()
        voucher = self.instance
        if voucher.pk and voucher.handler_id:
            raise ValidationError("报销单已有人签字，不能再修改")
        number = (cleaned.get("invoice_number") or "").strip()
        acceptance = cleaned.get("acceptance") or (voucher.acceptance if voucher.pk else None)
        if number and acceptance and services.invoice_used(self.school, acceptance.order.supplier, number,
                                                           exclude=voucher.pk):
            self.add_error("invoice_number", services.DUPLICATE_INVOICE.format(number))
        if voucher.pk and cleaned.get("amount") is not None and cleaned["amount"] != voucher.goods_value \
                and not (cleaned.get("difference_reason") or "").strip():
            self.add_error("difference_reason", "报销金额与验收货物金额不符，须说明差异原因")
        return cleaned

    def validate_unique(self):
        pass  # the supplier is set by the service; its message is the one above


class SignForm(StyledForm):
    decision = forms.ChoiceField(label="意见", choices=Decision.choices, initial=Decision.APPROVE)
    comment = forms.CharField(label="说明", max_length=300, required=False, help_text="不同意时须写明理由")


class RateForm(StyledForm):
    score = forms.TypedChoiceField(label="评分", coerce=int, choices=[(i, f"{i}分") for i in range(5, 0, -1)])
    comment = forms.CharField(label="评价", max_length=300, required=False)
