"""Forms of the finance app. The services check the rules; the forms only ask."""

from django import forms

from houqin.core.forms import SchoolForm, StyledForm

from .choices import EDITABLE, BudgetStatus
from .models import BudgetLine, JournalEntry, MonthClose, RequestCharge

DATE = forms.DateInput(attrs={"type": "date"})
MONEY_INPUT = forms.NumberInput(attrs={"inputmode": "decimal", "step": "0.01"})


class BudgetLineForm(SchoolForm):
    class Meta:
        model = BudgetLine
        fields = ["year", "term", "category", "name", "amount", "note"]
        widgets = {"amount": MONEY_INPUT}

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk and self.instance.status not in EDITABLE:
            raise forms.ValidationError(f"预算{self.instance.get_status_display()}，不能修改")
        return cleaned


class RequestChargeForm(SchoolForm):
    class Meta:
        model = RequestCharge
        fields = ["request", "line", "note"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["line"].queryset = self.fields["line"].queryset.filter(status=BudgetStatus.APPROVED)


class JournalEntryForm(SchoolForm):
    class Meta:
        model = JournalEntry
        fields = ["occurred_on", "direction", "account", "category", "budget_line", "amount", "summary", "handler",
                  "voucher_number"]
        widgets = {"occurred_on": DATE, "amount": MONEY_INPUT}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["budget_line"].queryset = self.fields["budget_line"].queryset.filter(status=BudgetStatus.APPROVED)


class MonthCloseForm(SchoolForm):
    class Meta:
        model = MonthClose
        fields = ["year", "month", "note"]


class ReverseForm(StyledForm):
    note = forms.CharField(label="冲销原因", max_length=150)
