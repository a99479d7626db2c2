"""Pages of the journal (流水帐): the list (filters, Excel export), an entry's record page with
its reversal, the form that writes one entry (the accountant), the month closes and the
month-end report by category (page, print, Excel)."""

from django.http import Http404
from django.urls import path
from django.utils import timezone

from houqin.core.columns import DATE, MONEY, Column
from houqin.core.excel import table_workbook
from houqin.core.models import Term
from houqin.core.params import int_param
from houqin.core.rules import may, visible
from houqin.core.views.actions import ObjectActionView
from houqin.core.views.generic import ObjectDetailView, ObjectEditView, ObjectListView, crud_urls
from houqin.core.views.records import RecordAction, RecordPageMixin
from houqin.core.views.reports import ReportView

from .. import filtersets, forms, services
from ..models import JournalEntry, MonthClose

ENTRY_COLUMNS = (Column("凭证号", "number"), Column("日期", "occurred_on", DATE), "direction", "account", "category",
                 "budget_line", "summary", Column("收入(元)", "income", MONEY), Column("支出(元)", "spending", MONEY),
                 "handler", "voucher_number")


class JournalEntryListView(ObjectListView):
    model = JournalEntry
    filterset_class = filtersets.JournalEntryFilterSet
    columns = ENTRY_COLUMNS
    select_related = ("budget_line", "handler")


class JournalEntryDetailView(RecordPageMixin, ObjectDetailView):
    model = JournalEntry
    template_name = "finance/journalentry_detail.html"
    select_related = ("budget_line", "handler", "created_by", "reverses", "source_type")
    status_field = "direction"
    field_groups = (
        ("记账", ("occurred_on", "direction", "account", "category", "budget_line", "amount", "summary")),
        ("单据", ("handler", "voucher_number", "reverses", "created_by", "created_at")),
    )
    record_actions = (RecordAction("reverse", "冲销", "finance:journalentry_reverse", "冲销这笔流水",
                                   confirm="确定冲销这笔流水？将记一笔金额相反的流水"),)

    def get_context_data(self, **kwargs):
        entry, request = self.object, self.request
        reversed_by = JournalEntry.objects.filter(reverses=entry).first()
        open_ = entry.reverses_id is None and reversed_by is None
        reverse = forms.ReverseForm(prefix="reverse") if open_ and may(request.user, request.roles, "reverse",
                                                                       entry) else None
        source = entry.source if entry.source_type_id else None
        return super().get_context_data(action_forms={"reverse": reverse}, reversed_by=reversed_by, source=source,
                                        **kwargs)


class JournalEntryEditView(ObjectEditView):
    """记一笔 (the accountant); an entry is never edited: the edit URL answers 403 to everyone."""

    model = JournalEntry
    form_class = forms.JournalEntryForm
    service = services.record_entry
    created = "已记账：{obj}"

    def get_initial(self):
        return {"occurred_on": timezone.localdate()}


class ReverseView(ObjectActionView):
    model = JournalEntry
    action = "reverse"
    form_class, prefix, done = forms.ReverseForm, "reverse", "已冲销"

    def perform(self, entry, data, by):
        return services.reverse_entry(entry, by=by, note=data["note"])

    def redirect_to(self, entry, result):
        return (result or entry).get_absolute_url()


class MonthCloseListView(ObjectListView):
    model = MonthClose
    filterset_class = filtersets.MonthCloseFilterSet
    columns = (Column("月份", "__str__"), "closed_by", "closed_at", "note")
    select_related = ("closed_by",)


class MonthCloseDetailView(ObjectDetailView):
    model = MonthClose
    select_related = ("closed_by",)
    fields = ("year", "month", "note", "closed_by", "closed_at")


class MonthCloseEditView(ObjectEditView):
    """结账 (the accountant): a close is never edited (403 to everyone on the edit URL)."""

    model = MonthClose
    form_class = forms.MonthCloseForm
    service = services.close_month
    created = "{obj}已结账：该月不再接受新的流水"

    def get_initial(self):
        today = timezone.localdate()
        get = self.request.GET
        return {"year": int_param(get, "year", today.year, 2000, 2100),
                "month": int_param(get, "month", today.month, 1, 12)}


class MonthReportView(ReportView):
    """月报: income and spending of a month by category, and the year to its end."""

    model = JournalEntry
    template_name = "finance/report_month.html"
    title = "收支月报"
    signatures = ("制表人（会计）", "总务主任", "校长")

    def get_context_data(self, **kwargs):
        get, today = self.request.GET, self.today
        year = int_param(get, "year", today.year, 2000, 2100)
        month = int_param(get, "month", today.month, 1, 12)
        report = services.month_report(self.school, year, month)
        return super().get_context_data(report=report, year=year, month=month, months=range(1, 13), **kwargs)

    def export_name(self, context):
        return f"收支月报{context['year']}{context['month']:02d}"

    def export(self, context):
        r = context["report"]
        rows = [[row["category"], row["income"], row["spending"], row["income_year"], row["spending_year"]]
                for row in r["rows"]]
        t = r["total"]
        rows.append(["合计", t["income"], t["spending"], t["income_year"], t["spending_year"]])
        return table_workbook(
            f"{self.school.name} {r['year']}年{r['month']}月收支月报",
            ["科目", "本月收入(元)", "本月支出(元)", "本年累计收入(元)", "本年累计支出(元)"], rows,
            subtitle=f"{'已结账' if r['closed'] else '未结账'}；金额单位：元；冲销已抵减", signatures=self.signatures)


urlpatterns = [
    *crud_urls(JournalEntry, list_view=JournalEntryListView, detail_view=JournalEntryDetailView,
               edit_view=JournalEntryEditView, prefix="journal"),
    path("journal/<int:pk>/reverse/", ReverseView.as_view(), name="journalentry_reverse"),
    *crud_urls(MonthClose, list_view=MonthCloseListView, detail_view=MonthCloseDetailView,
               edit_view=MonthCloseEditView, prefix="months"),
    path("reports/month/", MonthReportView.as_view(), name="report_month"),
]


class TermStatementView(ReportView):
    """学期收支情况说明: each category's spending against the term before, and the saving."""

    model = JournalEntry
    template_name = "finance/report_term.html"
    title = "学期收支情况说明"
    signatures = ("会计", "总务主任", "校长")

    def get_context_data(self, **kwargs):
        terms = list(visible(Term.objects.all(), self.request).order_by("-starts_on"))
        chosen = self.request.GET.get("term", "")
        term = None
        if chosen:
            term = next((t for t in terms if str(t.pk) == chosen), None)
            if term is None:
                raise Http404("没有这个学期")
        term, previous = services.term_pair(self.school, term, self.today)
        report = services.term_statement(self.school, term, previous) if term else None
        return super().get_context_data(report=report, terms=terms, term=term, **kwargs)

    def export_name(self, context):
        return f"收支情况说明-{context['term'] or ''}"

    def export(self, context):
        r = context["report"]
        if r is None:
            raise Http404("本校还没有学期")
        before, now = str(r["previous"] or "上学期"), str(r["term"])
        rows = [["支出", x["category"], x["previous"], x["current"], x["saving"]] for x in r["spending"]]
        t = r["spending_total"]
        rows.append(["支出", "合计", t["previous"], t["current"], t["saving"]])
        rows += [["收入", x["category"], x["previous"], x["current"], None] for x in r["income"]]
        t = r["income_total"]
        rows.append(["收入", "合计", t["previous"], t["current"], None])
        return table_workbook(f"{self.school.name} {now}收支情况说明", ["收支", "科目", f"{before}(元)", f"{now}(元)",
                                                                     "节约(元，负数为增加)"], rows,
                              subtitle="全部金额由流水帐计算，冲销已抵减", signatures=self.signatures)


urlpatterns.append(path("reports/term/", TermStatementView.as_view(), name="report_term"))
