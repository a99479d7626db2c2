"""The statistics page (维修统计): monthly figures by category, mean time to repair, rooms and
assets that keep failing, and what self-repair saved."""

from decimal import Decimal, InvalidOperation

from django.shortcuts import render
from django.urls import path
from django.utils import timezone
from django.views import View

from houqin.core.params import date_param
from houqin.core.views.generic import SchoolScopedMixin

from .. import stats
from ..models import WorkOrder


class StatisticsView(SchoolScopedMixin, View):
    model, action = WorkOrder, "oversee"

    def get(self, request):
        today = timezone.localdate()
        start = date_param(request.GET, "start", today.replace(month=1, day=1) if today.month < 9
                      else today.replace(month=9, day=1))
        end = date_param(request.GET, "end", today)
        if end < start:
            start, end = end, start
        try:
            rate = Decimal(request.GET.get("rate") or stats.DEFAULT_OUTSIDE_RATE)
            if rate < 0 or rate > 100000:
                raise InvalidOperation
        except InvalidOperation:
            rate = stats.DEFAULT_OUTSIDE_RATE
        orders = self.get_queryset()  # the school's orders he may see (rules.visible)
        rows = stats.monthly(orders, start, end)
        rooms, assets = stats.keep_failing(orders, today)
        hours, saved = stats.savings(rows, rate)
        own, outsourced = stats.own_vs_outsourced(orders, start, end)
        return render(request, "maintenance/statistics.html", {
            "rows": rows, "total": stats.totals(rows), "start": start, "end": end, "rate": rate,
            "mttr": stats.mean_time_to_repair(orders, start, end),
            "ratings": stats.ratings(orders, start, end), "failing_rooms": rooms, "failing_assets": assets,
            "own_hours": hours, "saved": saved, "own": own, "outsourced": outsourced,
            "window": stats.FAILING_WINDOW_DAYS, "minimum": stats.FAILING_MIN_ORDERS})


urlpatterns = [path("statistics/", StatisticsView.as_view(), name="statistics")]
