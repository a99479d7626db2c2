"""Pages of the budget (预算): the lines with their budget / committed / spent / left (computed
in the list's query), a line's record page with its approval, its charges and its entries,
the submit step; the charges of purchase requests to lines (预算占用)."""

from django.urls import path
from django.utils import timezone

from houqin.core.approvals import latest
from houqin.core.columns import MONEY, Column
from houqin.core.forms import EmptyForm
from houqin.core.rules import may
from houqin.core.views.actions import ObjectActionView
from houqin.core.views.generic import ObjectDetailView, ObjectEditView, ObjectListView, crud_urls
from houqin.core.views.records import RecordAction, RecordPageMixin

from .. import filtersets, forms, services
from ..choices import EDITABLE
from ..models import BudgetLine, JournalEntry, RequestCharge

FIGURES = (Column("预算金额(元)", "amount", MONEY), Column("已占用(元)", "committed", MONEY),
           Column("已支出(元)", "spent", MONEY), Column("结余(元)", "left", MONEY))


class BudgetLineListView(ObjectListView):
    model = BudgetLine
    filterset_class = filtersets.BudgetLineFilterSet
    columns = ("name", "year", "term", "category", *FIGURES, "status")
    select_related = ("term",)

    def get_queryset(self):
        return super().get_queryset().with_figures()


class BudgetLineDetailView(RecordPageMixin, ObjectDetailView):
    model = BudgetLine
    template_name = "finance/budgetline_detail.html"
    select_related = ("term", "created_by")
    field_groups = (("预算", ("year", "term", "category", "name", "amount", "note", "created_by")),)
    record_actions = (RecordAction("submit", "提交审批", "finance:budgetline_submit", "提交总务主任、校长审批",
                                   primary=True),)

    def get_queryset(self):
        return super().get_queryset().with_figures()

    def get_context_data(self, **kwargs):
        line, request = self.object, self.request
        submit = line.status in EDITABLE and may(request.user, request.roles, "submit", line)
        entries = JournalEntry.objects.filter(budget_line=line).select_related("handler").order_by("-occurred_on",
                                                                                                   "-pk")[:100]
        charges = RequestCharge.objects.filter(line=line).select_related("request").order_by("-pk")[:100]
        context = super().get_context_data(
            action_forms={"submit": EmptyForm(prefix="submit") if submit else None}, approval=latest(line),
            entries=entries, charges=charges, **kwargs)
        if line.status not in EDITABLE:
            context["edit_url"] = None  # under approval or approved: the line stands
        return context


class BudgetLineEditView(ObjectEditView):
    model = BudgetLine
    form_class = forms.BudgetLineForm
    service = services.save_line

    def get_initial(self):
        return {"year": timezone.localdate().year}


class SubmitView(ObjectActionView):
    model = BudgetLine
    action = "submit"
    prefix, done = "submit", "已提交审批"

    def perform(self, line, data, by):
        return services.submit_line(line, by=by)


class RequestChargeListView(ObjectListView):
    model = RequestCharge
    filterset_class = filtersets.RequestChargeFilterSet
    columns = ("request", Column("采购金额(元)", "request.amount", MONEY), Column("申请状态", "request.status"),
               "line", "note")
    select_related = ("request", "line")


class RequestChargeDetailView(RecordPageMixin, ObjectDetailView):
    model = RequestCharge
    template_name = "finance/requestcharge_detail.html"
    select_related = ("request", "line", "created_by")
    status_field = None
    field_groups = (("预算占用", ("request", "line", "note", "created_by")),)

    def get_context_data(self, **kwargs):
        return super().get_context_data(line=services.figures(self.object.line), **kwargs)


class RequestChargeEditView(ObjectEditView):
    model = RequestCharge
    form_class = forms.RequestChargeForm
    service = services.charge_request

    def get_initial(self):
        return {k: v for k, v in self.request.GET.items() if k in ("request", "line") and v.isdigit()}


urlpatterns = [
    *crud_urls(BudgetLine, list_view=BudgetLineListView, detail_view=BudgetLineDetailView,
               edit_view=BudgetLineEditView, prefix="budget"),
    path("budget/<int:pk>/submit/", SubmitView.as_view(), name="budgetline_submit"),
    *crud_urls(RequestCharge, list_view=RequestChargeListView, detail_view=RequestChargeDetailView,
               edit_view=RequestChargeEditView, prefix="charges"),
]
