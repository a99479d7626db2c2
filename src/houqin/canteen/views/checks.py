"""晨检 pages: the team's screen (every active worker on one phone screen, all saved at once),
and the records' list, detail and single form."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import path, reverse
from django.utils import timezone
from django.views import View

from houqin.core.choices import CertificateKind
from houqin.core.columns import Column
from houqin.core.forms import error_text, form_error_text
from houqin.core.params import date_param
from houqin.core.rules import ADD, can
from houqin.core.views.generic import ObjectDetailView, ObjectEditView, ObjectListView, SchoolScopedMixin, crud_urls

from .. import filtersets, forms, services
from ..models import CanteenWorker, MorningCheck


class CheckListView(ObjectListView):
    model = MorningCheck
    filterset_class = filtersets.MorningCheckFilterSet
    columns = ("date", Column("姓名", "worker.person.name"), "temperature", Column("结果", "result"), "off_duty",
               "checked_by", "checked_at")
    select_related = ("worker__person", "checked_by")


class CheckDetailView(ObjectDetailView):
    model = MorningCheck
    select_related = ("worker__person", "checked_by")


class CheckEditView(ObjectEditView):
    model = MorningCheck
    form_class = forms.MorningCheckForm
    service = services.record_check


class Row:
    """One worker on the team screen: his certificates, today's check if taken, his form."""

    def __init__(self, worker, certificates, check, day, data=None):
        self.worker, self.check = worker, check
        held = certificates.get(worker.person_id, {})
        self.health, self.training = held.get(CertificateKind.HEALTH), held.get(CertificateKind.TRAINING)
        self.refusal = services.health_refusal(worker.person, certificates, day)
        self.training_expired = bool(self.training is None or (self.training.expires_on
                                                               and self.training.expires_on < day))
        initial = {"sent_off": True} if self.refusal else None
        self.form = forms.TeamRowForm(data, prefix=f"w{worker.pk}", initial=initial)


class TeamChecksView(SchoolScopedMixin, View):
    """GET: the team's 晨检 of a day; POST: every unchecked worker's check, all or none."""

    model = MorningCheck
    template_name = "canteen/team_checks.html"

    def rows(self, day, data=None):
        team = list(CanteenWorker.objects.filter(school=self.request.school, active=True).select_related("person"))
        certificates = services.certificates_of([w.person for w in team])
        done = {c.worker_id: c for c in MorningCheck.objects.filter(school=self.request.school, date=day)}
        return [Row(w, certificates, done.get(w.pk), day, data) for w in team]

    def render(self, day, rows, status=200):
        return render(self.request, self.template_name, {
            "day": day, "rows": rows, "today": timezone.localdate(), "pending": [r for r in rows if not r.check],
            "can_record": can(self.request.roles, ADD, MorningCheck)}, status=status)

    def get(self, request):
        day = date_param(request.GET, "date", timezone.localdate())
        return self.render(day, self.rows(day))

    def post(self, request):
        if not can(request.roles, ADD, MorningCheck):
            raise PermissionDenied("只有食堂管理员可以登记晨检")
        day = date_param(request.POST, "date", timezone.localdate())
        if day > timezone.localdate():
            messages.error(request, "不能登记以后日期的晨检")
            return HttpResponseRedirect(request.path)
        rows = self.rows(day, request.POST)
        pending = [r for r in rows if not r.check]
        bad = [r for r in pending if not r.form.is_valid()]
        if bad:
            messages.error(request, "；".join(f"{r.worker.person.name}：{form_error_text(r.form)}" for r in bad))
            return self.render(day, rows, status=400)
        checks = [MorningCheck(school=request.school, worker=r.worker, date=day, **r.form.cleaned_data)
                  for r in pending]
        try:
            with transaction.atomic():
                services.record_team(checks, by=request.user)
        except ValidationError as refusal:
            messages.error(request, f"未保存：{error_text(refusal)}")
            return self.render(day, rows, status=400)
        off = [c.worker.person.name for c in checks if c.off_duty]
        messages.success(request, f"已登记 {len(checks)} 人晨检" + (f"；离岗：{'、'.join(off)}" if off else ""))
        return HttpResponseRedirect(reverse("canteen:team_checks") + f"?date={day}")


urlpatterns = [
    path("checks/team/", TeamChecksView.as_view(), name="team_checks"),
    *crud_urls(MorningCheck, list_view=CheckListView, detail_view=CheckDetailView, edit_view=CheckEditView,
               prefix="checks"),
]
