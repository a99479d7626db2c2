"""Pages of the patrols (巡查): the check items (检查项目) and routes (巡查路线) the director keeps,
the patrols the guards walk on a phone (each item 正常 / 有问题 with a note and photos; a problem
opens a hazard), the missed ones (漏巡), and the weekly statistics (每周统计) with its printout."""

import datetime

from django.contrib import messages
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.views import View

from houqin.core.columns import DATETIME, Column
from houqin.core.rules import ADD, may, visible
from houqin.core.views.actions import ObjectActionView
from houqin.core.views.generic import (
    ObjectDetailView,
    ObjectEditView,
    ObjectListView,
    SchoolScopedMixin,
    crud_urls,
)
from houqin.core.views.records import RecordPageMixin

from .. import filtersets, forms, patrols
from ..choices import PatrolStatus
from ..models import CheckItem, Patrol, PatrolResult, PatrolRoute, SafetySettings
from ..schedule import due_dates


class CheckItemListView(ObjectListView):
    model = CheckItem
    filterset_class = filtersets.CheckItemFilterSet
    columns = ("area", "kind", "text", "basis", "active")
    template_name = "safety/checkitem_list.html"


class CheckItemDetailView(RecordPageMixin, ObjectDetailView):
    model = CheckItem
    status_field = None


class CheckItemEditView(ObjectEditView):
    model = CheckItem
    form_class = forms.CheckItemForm


class InstallSeedsView(SchoolScopedMixin, View):
    """POST: the seeds' check items and routes (每日防火巡查、重点部位巡查 …) as the school's."""

    http_method_names = ["post"]
    model, action = CheckItem, ADD

    def post(self, request):
        items, routes = patrols.install_seeds(request.school)
        if items or routes:
            messages.success(request, f"已载入常用检查项目 {len(items)} 项、巡查路线 {len(routes)} 条")
        else:
            messages.info(request, "常用检查项目和巡查路线均已存在")
        return HttpResponseRedirect(reverse("safety:patrolroute_list"))


class RouteListView(ObjectListView):
    model = PatrolRoute
    filterset_class = filtersets.PatrolRouteFilterSet
    columns = ("name", "frequency", "rounds", "patroller", "on_holidays", "in_vacations", "active")
    select_related = ("patroller",)
    template_name = "safety/patrolroute_list.html"


class RouteDetailView(RecordPageMixin, ObjectDetailView):
    model = PatrolRoute
    template_name = "safety/patrolroute_detail.html"
    select_related = ("patroller", "school__safetysettings")
    status_field = None
    quiet_fields = ("on_holidays", "in_vacations")

    def get_context_data(self, **kwargs):
        route, today = self.object, timezone.localdate()
        settings = SafetySettings.of(route.school)
        return super().get_context_data(
            items=route.items.order_by("area", "order", "pk"),
            upcoming=due_dates(route, today, today + datetime.timedelta(days=62), settings)[:10],
            patrols=route.patrols.select_related("route", "done_by").order_by("-due_on", "round")[:20], **kwargs)


class RouteEditView(ObjectEditView):
    model = PatrolRoute
    form_class = forms.PatrolRouteForm


PATROL_RELATED = ("route", "done_by")


class PatrolListView(ObjectListView):
    model = Patrol
    filterset_class = filtersets.PatrolFilterSet
    columns = ("__str__", "due_on", "status", "problems", "done_by", Column("巡查时间", "done_at", DATETIME))
    select_related = PATROL_RELATED
    template_name = "safety/patrol_list.html"


class PatrolDetailView(RecordPageMixin, ObjectDetailView):
    """The patrol on a phone: the walk form while it is open, the results once walked."""

    model = Patrol
    template_name = "safety/patrol_detail.html"
    select_related = ("route__patroller", "done_by")
    field_groups = (("", ("route", "due_on", "round", "done_by", "done_at", "problems")),)

    def get_context_data(self, **kwargs):
        patrol = self.object
        walk = None
        if patrol.status == PatrolStatus.OPEN and may(self.request.user, self.request.roles, "walk", patrol):
            walk = kwargs.pop("walk_form", None) or forms.WalkForm(items=patrols.items_of(patrol),
                                                                   school=self.request.school)
        results = PatrolResult.objects.filter(patrol=patrol).select_related("hazard").order_by("area", "pk")
        return super().get_context_data(walk_form=walk, results=results, **kwargs)


class WalkView(ObjectActionView):
    """POST the walk form: the results, a hazard for each problem."""

    model, action, done = Patrol, "walk", "已登记巡查"
    select_related = ("route", "school")

    def get_form(self):
        return forms.WalkForm(self.request.POST, self.request.FILES, items=patrols.items_of(self.object),
                              school=self.request.school)

    def get_object(self):
        self.object = super().get_object()
        return self.object

    def perform(self, patrol, data, by):
        return patrols.walk(patrol, by=by, results=self._form.results())

    def run(self, obj, form):
        self._form = form
        return super().run(obj, form)

    def redirect_to(self, patrol, result):
        if result is not None and result.problems:
            messages.warning(self.request, f"发现问题 {result.problems} 项，已登记为隐患，等待总务处指派整改")
        return patrol.get_absolute_url()


class WeekView(SchoolScopedMixin, View):
    """每周统计: patrols due / done / missed by route, problems by area and kind."""

    model = Patrol
    template_name = "safety/patrol_week.html"

    def get(self, request):
        day = parse_date(request.GET.get("week", "") or "") or timezone.localdate()
        monday, _ = patrols.week_of(day)
        stats = patrols.week_stats(self.get_queryset(), visible(PatrolResult.objects.all(), request), monday)
        week = datetime.timedelta(days=7)
        return render(request, self.template_name, {
            **stats, "previous": monday - week, "next": monday + week, "today": timezone.localdate()})


class WeekPrintView(WeekView):
    template_name = "safety/patrol_week_print.html"


urlpatterns = [
    path("patrols/install-seeds/", InstallSeedsView.as_view(), name="patrol_install_seeds"),
    *crud_urls(CheckItem, list_view=CheckItemListView, detail_view=CheckItemDetailView,
               edit_view=CheckItemEditView, prefix="patrols/items"),
    *crud_urls(PatrolRoute, list_view=RouteListView, detail_view=RouteDetailView, edit_view=RouteEditView,
               prefix="patrols/routes"),
    path("patrols/week/", WeekView.as_view(), name="patrol_week"),
    path("patrols/week/print/", WeekPrintView.as_view(), name="patrol_week_print"),
    *crud_urls(Patrol, list_view=PatrolListView, detail_view=PatrolDetailView, edit_view=None, prefix="patrols"),
    path("patrols/<int:pk>/walk/", WalkView.as_view(), name="patrol_walk"),
]
