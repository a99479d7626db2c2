"""Report pages of the stock app and their Excel exports (`?format=xlsx`) and print views
(`?print=1`): 库存结存、材料账、按月分类、低库存、临期食品、易耗品学期对比.

Who reads them is the rule on the ledger (stock.movement): keepers, the director and the
principal, the accountant, the canteen manager and the district officer. The canteen manager
sees the canteen warehouses only (food and kitchen supplies are his; the office's are not)."""


from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import path

from houqin.core.choices import Role
from houqin.core.models import Term
from houqin.core.params import date_param, int_param
from houqin.core.rules import visible
from houqin.core.views.reports import ReportView

from .. import excel, reports
from ..choices import ItemCategory, ItemKind, WarehouseKind
from ..models import Item, Movement, Warehouse

# Roles that read every warehouse; anyone else allowed by the rule (the canteen manager)
# reads the canteen warehouses only.
ALL_WAREHOUSES = {Role.PRINCIPAL, Role.DIRECTOR, Role.KEEPER, Role.ACCOUNTANT, Role.DISTRICT_OFFICER}
LEDGER_ROWS = 500  # rows of 材料账 on a page; the export has them all


def visible_warehouses(request):
    """The warehouses whose reports the request's user reads: those of the school he sees
    (rules.visible), only the canteen's unless his role reads them all."""
    qs = visible(Warehouse.objects.all(), request)
    if not (set(request.roles) & ALL_WAREHOUSES):
        qs = qs.filter(kind=WarehouseKind.CANTEEN)
    return qs


REPORT_LINKS = [
    ("stock:report_balance", "库存结存"),
    ("stock:report_ledger", "材料账"),
    ("stock:report_spending", "按月分类"),
    ("stock:report_terms", "学期对比"),
    ("stock:report_low", "低库存"),
    ("stock:report_expiring", "临期食品"),
]


class StockReportView(ReportView):
    """Base of the report pages: the ledger's rule and the warehouse narrowing."""

    model = Movement
    report_links = REPORT_LINKS

    def warehouses(self):
        return visible_warehouses(self.request)


class BalanceView(StockReportView):
    template_name = "stock/report_balance.html"
    title = "库存结存表"
    signatures = excel.SIGN_STOCK

    def get_context_data(self, **kwargs):
        warehouses = self.warehouses()
        chosen = self.request.GET.get("warehouse", "")
        if chosen.isdigit():
            warehouses = warehouses.filter(pk=chosen)
        category = self.request.GET.get("category")
        category = category if category in ItemCategory.values else ""
        report = reports.stock_balance(self.school, warehouses, category=category or None)
        return super().get_context_data(report=report, warehouse_choices=self.warehouses(),
                                        chosen_warehouse=chosen, category=category,
                                        categories=ItemCategory.choices, **kwargs)

    def export(self, context):
        return excel.balance_workbook(self.school, context["report"], self.today)


class ItemLedgerView(StockReportView):
    """材料账 of one item in one warehouse; another school's item or warehouse is a 404."""

    template_name = "stock/report_ledger.html"
    title = "材料账"
    signatures = excel.SIGN_STOCK

    def selection(self):
        get = self.request.GET
        warehouses = self.warehouses()
        item = warehouse = None
        if get.get("item"):
            if not get["item"].isdigit():
                raise Http404("没有这个物品")
            item = get_object_or_404(visible(Item.objects.all(), self.request), pk=get["item"])
        if get.get("warehouse"):
            if not get["warehouse"].isdigit():
                raise Http404("没有这个仓库")
            warehouse = get_object_or_404(warehouses, pk=get["warehouse"])
        elif item is not None:
            warehouse = warehouses.filter(balances__item=item).order_by("name").first() or warehouses.first()
        start = date_param(get, "start", self.today.replace(month=1, day=1))
        end = date_param(get, "end", self.today)
        return item, warehouse, start, end

    def get_context_data(self, **kwargs):
        item, warehouse, start, end = self.selection()
        ledger, page = None, int_param(self.request.GET, "page", 1, 1, 100_000)
        if item is not None and warehouse is not None:
            if self.request.GET.get("format") == "xlsx":
                ledger = reports.item_ledger(self.school, warehouse, item, start, end)
            else:
                ledger = reports.item_ledger(self.school, warehouse, item, start, end, limit=LEDGER_ROWS,
                                             offset=(page - 1) * LEDGER_ROWS)
        pages = -(-ledger["count"] // LEDGER_ROWS) if ledger else 0
        items = visible(Item.objects.all(), self.request).only("pk", "code", "name", "spec").order_by("code")
        return super().get_context_data(
            item=item, warehouse=warehouse, start=start, end=end, ledger=ledger, items=items,
            warehouse_choices=self.warehouses(), limit=LEDGER_ROWS, page=page, pages=pages,
            previous_query=self.querystring(page=page - 1) if page > 1 else "",
            next_query=self.querystring(page=page + 1) if page < pages else "", **kwargs)

    def export(self, context):
        if context["ledger"] is None:
            raise Http404("请先选择物品和仓库")
        return excel.ledger_workbook(self.school, context["warehouse"], context["item"], context["ledger"],
                                     context["start"], context["end"])


KIND_LABELS = {"": "全部物品", **dict(ItemKind.choices)}


class SpendingView(StockReportView):
    template_name = "stock/report_spending.html"
    title = "按月分类支出表"

    def get_context_data(self, **kwargs):
        year = int_param(self.request.GET, "year", self.today.year, 2000, 2100)
        kind = self.request.GET.get("kind", ItemKind.CONSUMABLE)
        kind = kind if kind in KIND_LABELS else ItemKind.CONSUMABLE
        report = reports.monthly_spending(self.school, self.warehouses(), year, item_kind=kind or None)
        return super().get_context_data(report=report, year=year, kind=kind, kinds=KIND_LABELS.items(),
                                        kind_label=KIND_LABELS[kind], months=range(1, 13), **kwargs)

    def export(self, context):
        return excel.spending_workbook(self.school, context["report"], context["kind_label"])


class LowStockView(StockReportView):
    template_name = "stock/report_low.html"
    title = "低库存物品"
    signatures = excel.SIGN_STOCK

    def get_context_data(self, **kwargs):
        balances = list(reports.low_stock(self.school, self.warehouses()))
        return super().get_context_data(balances=balances, **kwargs)

    def export(self, context):
        return excel.low_stock_workbook(self.school, context["balances"], self.today)


class ExpiringView(StockReportView):
    template_name = "stock/report_expiring.html"
    title = "临期食品原料"
    signatures = ("制表人", "食堂管理员", "总务主任")

    def get_context_data(self, **kwargs):
        days = int_param(self.request.GET, "days", 7, 0, 365)
        batches = reports.expiring_batches(self.school, self.warehouses(), self.today, days)
        return super().get_context_data(batches=batches, days=days, **kwargs)

    def export(self, context):
        return excel.expiring_workbook(self.school, context["batches"], self.today, context["days"])


class TermComparisonView(StockReportView):
    """易耗品支出学期对比 (the seed's 春季 46046.00 / 秋季 17944.00 / 节约 28102.00)."""

    template_name = "stock/report_terms.html"
    title = "易耗品支出学期对比"

    def get_context_data(self, **kwargs):
        terms = list(visible(Term.objects.all(), self.request).order_by("-starts_on"))
        chosen = self.request.GET.get("term", "")
        term = None
        if chosen:
            term = next((t for t in terms if str(t.pk) == chosen), None)
            if term is None:
                raise Http404("没有这个学期")
        term, previous = reports.term_pair(self.school, term, self.today)
        report = reports.term_comparison(self.school, self.warehouses(), term, previous) if term else None
        return super().get_context_data(report=report, terms=terms, term=term, **kwargs)

    def export(self, context):
        if context["report"] is None:
            raise Http404("本校还没有学期")
        return excel.terms_workbook(self.school, context["report"])


urlpatterns = [
    path("reports/balance/", BalanceView.as_view(), name="report_balance"),
    path("reports/ledger/", ItemLedgerView.as_view(), name="report_ledger"),
    path("reports/spending/", SpendingView.as_view(), name="report_spending"),
    path("reports/low-stock/", LowStockView.as_view(), name="report_low"),
    path("reports/expiring/", ExpiringView.as_view(), name="report_expiring"),
    path("reports/terms/", TermComparisonView.as_view(), name="report_terms"),
]
