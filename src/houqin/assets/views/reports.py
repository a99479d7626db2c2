"""Pages of the assets app: ledgers and reports (总帐、明细帐、期初登记、月折旧、季度报表),
each with an Excel export (`?format=xlsx`) and a print view (`?print=1`) where people sign,
and the Excel export of any filtered asset list; the import (upload → check in the background
→ confirm) is core's, declared in importers.py."""


from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.urls import path
from django.utils import timezone

from houqin.core.excel import table_workbook
from houqin.core.models import Room
from houqin.core.params import date_param
from houqin.core.rules import ADD, can, visible
from houqin.core.views.generic import export_response
from houqin.core.views.imports import import_urls
from houqin.core.views.reports import SIGN_REPORT, ReportView

from .. import excel, reports
from ..choices import EventKind
from ..filtersets import AssetFilterSet
from ..importers import AssetImporter
from ..models import Asset, Category
from ..rules import own_rooms_only

SIGN_ROOM = ("班主任", "室长", "总务处")


class AssetReportView(ReportView):
    """Base of the report pages: the asset rules and own-rooms narrowing."""

    model = Asset

    def assets(self):
        return self.get_queryset()  # the school's assets this user may see (rules.visible)


class LedgerView(AssetReportView):
    """总帐 by category at a date: fixed assets and low-value items."""

    template_name = "assets/report_ledger.html"
    title = "固定资产总帐"

    def get_context_data(self, **kwargs):
        date = date_param(self.request.GET, "date", timezone.localdate())
        ledger = reports.general_ledger(self.assets(), date)
        rooms = visible(Room.objects.select_related("building"), self.request).order_by(
            "building__name", "floor", "number", "name")
        return super().get_context_data(
            ledger=ledger, date=date, fixed_total=ledger.total(True), low_total=ledger.total(False),
            total=ledger.total(), rooms=rooms, can_import=can(self.request.roles, ADD, Asset), **kwargs)

    def export(self, context):
        ledger = context["ledger"]
        rows = []
        for label, part, total in (("固定资产", ledger.fixed, context["fixed_total"]),
                                   ("低值易耗品", ledger.low_value, context["low_total"])):
            for r in part:
                rows.append([label, r.code, r.name, r.holdings, r.quantity, r.original, r.accumulated, r.net])
            rows.append([label, "", "小计", total.holdings, total.quantity, total.original, total.accumulated,
                         total.net])
        t = context["total"]
        rows.append(["", "", "合计", t.holdings, t.quantity, t.original, t.accumulated, t.net])
        return table_workbook(
            f"{self.request.school.name} 固定资产总帐", ["类别", "分类代码", "分类", "资产条数", "数量", "原值(元)",
                                                         "累计折旧(元)", "净值(元)"],
            rows, subtitle=f"截至 {ledger.date:%Y-%m-%d}", signatures=SIGN_REPORT)

    def export_name(self, context):
        return "总帐"


class EventLedgerView(AssetReportView):
    """明细帐: the event ledger of the school's holdings, filtered by date, category, kind."""

    template_name = "assets/report_events.html"
    title = "资产明细帐"
    limit = 500

    def filters(self):
        get = self.request.GET
        today = timezone.localdate()
        start = date_param(get, "start", today.replace(day=1))
        end = date_param(get, "end", today)
        category = Category.objects.filter(pk=get.get("category")).first() if get.get("category", "").isdigit() \
            else None
        kind = get.get("kind") if get.get("kind") in EventKind.values else None
        return {"start": start, "end": end, "category": category, "kind": kind}

    def events(self, filters):
        assets = self.assets() if own_rooms_only(self.request.roles) else None
        return reports.event_ledger(self.request.school, assets=assets, **filters)

    def get_context_data(self, **kwargs):
        filters = self.filters()
        events = list(self.events(filters)[: self.limit + 1])
        return super().get_context_data(
            events=events[: self.limit], truncated=len(events) > self.limit, limit=self.limit, **filters,
            categories=Category.objects.order_by("code"), kinds=EventKind.choices, **kwargs)

    def export(self, context):
        events = self.events(self.filters())
        kinds = dict(EventKind.choices)
        rows = ([e.at.astimezone(timezone.get_current_timezone()).strftime("%Y-%m-%d %H:%M"), e.asset.tag,
                 e.asset.name, e.asset.category.name, kinds.get(e.kind, e.kind), e.quantity, e.value_change,
                 str(e.from_room) if e.from_room_id else "", str(e.to_room) if e.to_room_id else "", e.note,
                 e.by.display_name or e.by.username] for e in events.iterator(chunk_size=2000))
        return table_workbook(
            f"{self.request.school.name} 资产明细帐",
            ["时间", "资产编号", "名称", "分类", "事项", "数量变动", "原值变动(元)", "原地点", "新地点", "说明",
             "经办人"],
            rows, subtitle=f"{context['start']:%Y-%m-%d} 至 {context['end']:%Y-%m-%d}")

    def export_name(self, context):
        return "明细帐"


class RoomListView(AssetReportView):
    """期初登记: a room's holdings, printed for the head teacher's signature at term start."""

    template_name = "assets/report_room.html"
    title = "房间资产清单（期初登记）"
    signatures = SIGN_ROOM

    def get_context_data(self, **kwargs):
        room = get_object_or_404(visible(Room.objects.all(), self.request).select_related(
            "building", "responsible"), pk=self.kwargs["pk"])
        date = timezone.localdate()
        items = list(reports.with_depreciation(reports.room_list(room, self.assets()), date))
        if own_rooms_only(self.request.roles) and not items and not self._own(room):
            raise PermissionDenied("您只能查看自己负责的房间")
        head = room.classes.select_related("head_teacher").first()
        return super().get_context_data(
            room=room, items=items, head_teacher=head.head_teacher if head else None, school_class=head,
            total_quantity=sum(a.quantity for a in items),
            total_value=sum((a.original for a in items), reports.ZERO), **kwargs)

    def _own(self, room):
        user = self.request.user
        return Room.objects.filter(pk=room.pk).filter(
            **{"responsible__user": user}).exists() or room.classes.filter(head_teacher__user=user).exists()

    def export(self, context):
        room = context["room"]
        rows = [[a.tag, a.name, a.category.name, a.model_spec, a.quantity, a.unit, a.unit_price, a.original,
                 f"{a.purchase_date:%Y-%m-%d}", a.custodian.name if a.custodian_id else "", a.get_status_display()]
                for a in context["items"]]
        return table_workbook(
            f"{self.request.school.name} {room} 资产清单",
            ["资产编号", "名称", "分类", "规格型号", "数量", "单位", "单价(元)", "原值(元)", "购置日期", "保管人",
             "状态"],
            rows, subtitle=f"期初登记 {timezone.localdate():%Y-%m-%d}", signatures=SIGN_ROOM)

    def export_name(self, context):
        return f"房间{context['room'].pk}资产清单"


class DepreciationView(AssetReportView):
    """Depreciation charged in one month, by category."""

    template_name = "assets/report_depreciation.html"
    title = "月度折旧表"

    def month(self):
        return reports.parse_month(self.request.GET.get("month", ""), timezone.localdate())

    def get_context_data(self, **kwargs):
        year, month = self.month()
        rows = reports.monthly_depreciation(self.assets(), year, month)
        total = {k: sum((r[k] for r in rows), reports.ZERO) for k in ("original", "amount", "accumulated")}
        return super().get_context_data(rows=rows, year=year, month=month, total=total,
                                        month_value=f"{year:04d}-{month:02d}", **kwargs)

    def export(self, context):
        rows = [[r["code"], r["name"], r["years"], r["holdings"], r["original"], r["amount"], r["accumulated"]]
                for r in context["rows"]]
        t = context["total"]
        rows.append(["", "合计", "", sum(r["holdings"] for r in context["rows"]), t["original"], t["amount"],
                     t["accumulated"]])
        return table_workbook(
            f"{self.request.school.name} {context['year']}年{context['month']}月 固定资产折旧表",
            ["分类代码", "分类", "折旧年限(年)", "计提条数", "原值(元)", "本月折旧(元)", "累计折旧(元)"], rows,
            signatures=SIGN_REPORT)

    def export_name(self, context):
        return f"折旧{context['month_value']}"


class QuarterlyView(AssetReportView):
    """固定资产季度报表."""

    template_name = "assets/report_quarterly.html"
    title = "固定资产季度报表"

    def quarter(self):
        return reports.parse_quarter(self.request.GET.get("year"), self.request.GET.get("quarter"),
                                     timezone.localdate())

    def get_context_data(self, **kwargs):
        year, quarter = self.quarter()
        narrowed = own_rooms_only(self.request.roles)
        report = reports.quarterly_report(self.request.school, year, quarter, assets=self.assets(),
                                          narrow=narrowed)
        return super().get_context_data(report=report, year=year, quarter=quarter, quarters=(1, 2, 3, 4), **kwargs)

    def export(self, context):
        report = context["report"]
        keys = ("opening", "additions", "disposals", "closing", "depreciation", "accumulated")
        rows = [[r["code"], r["name"], *(r[k] for k in keys)] for r in report["rows"]]
        rows.append(["", "合计", *(report["total"][k] for k in keys)])
        return table_workbook(
            f"{self.request.school.name} {context['year']}年第{context['quarter']}季度 固定资产季度报表",
            ["分类代码", "分类", "期初原值(元)", "本期增加(元)", "本期减少(元)", "期末原值(元)", "本期折旧(元)",
             "累计折旧(元)"], rows,
            subtitle=f"{report['start']:%Y-%m-%d} 至 {report['end']:%Y-%m-%d}", signatures=SIGN_REPORT)

    def export_name(self, context):
        return f"{context['year']}Q{context['quarter']}季度报表"


# --- export and import of the register ---------------------------------------------------------


class AssetExportView(AssetReportView):
    """The asset list, filtered as the list page filters it, as an Excel file (written by the
    worker when it is long: core.views.generic.export_response)."""

    action = ADD  # the keepers export and import (rules: add on assets.asset)

    def get(self, request, *args, **kwargs):
        return export_response(self)

    def export_rows(self):
        qs = self.assets()
        if self.request.GET:
            filterset = AssetFilterSet(self.request.GET, queryset=qs, request=self.request)
            if filterset.is_valid():
                qs = filterset.qs
        return qs

    def export_label(self):
        return f"{self.request.school.name} 资产清单"

    def export_file(self, rows, progress=None):
        out = excel.export_assets(rows, date=timezone.localdate(), title=self.export_label(), progress=progress)
        return out, self.filename({})

    def export_name(self, context):
        return "资产清单"


urlpatterns = [
    path("reports/ledger/", LedgerView.as_view(), name="report_ledger"),
    path("reports/events/", EventLedgerView.as_view(), name="report_events"),
    path("reports/rooms/<int:pk>/", RoomListView.as_view(), name="report_room"),
    path("reports/depreciation/", DepreciationView.as_view(), name="report_depreciation"),
    path("reports/quarterly/", QuarterlyView.as_view(), name="report_quarterly"),
    path("export/", AssetExportView.as_view(), name="asset_export"),
    *import_urls(AssetImporter, ""),  # import/: upload, the job's progress and summary, confirm, template
]
