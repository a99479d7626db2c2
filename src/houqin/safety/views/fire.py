"""Pages of the fire equipment (消防器材): the register with its 送修 / 报废 dates (list with
filters and Excel export, record page with its checks), and the checks of each period, done on
a phone (合格 or 有问题 → a hazard)."""

from django import forms as django_forms
from django.urls import path

from houqin.core.columns import DATE, DATETIME, Column
from houqin.core.forms import MultipleFileField, StyledForm
from houqin.core.rules import may
from houqin.core.views.actions import ObjectActionView
from houqin.core.views.generic import ObjectDetailView, ObjectEditView, ObjectListView, crud_urls
from houqin.core.views.records import RecordAction, RecordPageMixin

from .. import filtersets, fire, forms
from ..choices import CheckStatus, Level, Measure
from ..models import FireCheck, FireEquipment

EQUIPMENT_RELATED = ("room__building",)


class EquipmentListView(ObjectListView):
    model = FireEquipment
    filterset_class = filtersets.FireEquipmentFilterSet
    columns = ("code", "kind", "agent", "spec", Column("位置", "where"), "dense_place", "made_on",
               Column("送修到期", "service_due_on", DATE), Column("报废到期", "scrap_due_on", DATE), "active")
    select_related = EQUIPMENT_RELATED
    template_name = "safety/fireequipment_list.html"


class EquipmentDetailView(RecordPageMixin, ObjectDetailView):
    model = FireEquipment
    template_name = "safety/fireequipment_detail.html"
    select_related = EQUIPMENT_RELATED
    status_field = None
    field_groups = (("器材", ("code", "kind", "agent", "spec", "room", "place", "dense_place", "active", "note")),
                    ("日期", ("made_on", "installed_on", "last_serviced_on", "service_due_on", "scrap_due_on")))

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            red=self.object.red(), checks=self.object.checks.select_related("done_by", "hazard")[:24], **kwargs)


class EquipmentEditView(ObjectEditView):
    model = FireEquipment
    form_class = forms.FireEquipmentForm


class CheckForm(StyledForm):
    ok = django_forms.TypedChoiceField(label="检查结论", choices=[("1", "合格"), ("0", "有问题")],
                                       coerce=lambda v: v == "1", widget=django_forms.RadioSelect, initial="1")
    note = django_forms.CharField(label="检查情况", max_length=300, required=False,
                                  help_text="有问题时必填，如 压力表指针在红区")
    level = django_forms.ChoiceField(label="隐患等级", choices=Level.choices, initial=Level.GENERAL, required=False)
    measure = django_forms.ChoiceField(label="已采取措施", choices=Measure.choices, initial=Measure.NONE,
                                       required=False)
    photos = MultipleFileField(label="现场照片", required=False)


CHECK_RELATED = ("equipment__room__building", "done_by", "hazard")


class CheckListView(ObjectListView):
    model = FireCheck
    filterset_class = filtersets.FireCheckFilterSet
    columns = ("equipment", Column("位置", "equipment.where"), "period_start", "due_by", "status", "note", "done_by",
               Column("检查时间", "done_at", DATETIME))
    select_related = CHECK_RELATED


class CheckDetailView(RecordPageMixin, ObjectDetailView):
    model = FireCheck
    template_name = "safety/firecheck_detail.html"
    select_related = CHECK_RELATED
    field_groups = (("", ("equipment", "period_start", "due_by", "note", "done_by", "done_at", "hazard")),)
    record_actions = (RecordAction("check", "登记检查", "safety:firecheck_check", button="提交", primary=True),)

    def get_context_data(self, **kwargs):
        c = self.object
        form = None
        if c.status == CheckStatus.OPEN and may(self.request.user, self.request.roles, "check", c):
            form = CheckForm(school=self.request.school, prefix="check")
        return super().get_context_data(action_forms={"check": form}, **kwargs)


class CheckView(ObjectActionView):
    model, action, form_class, prefix, done = FireCheck, "check", CheckForm, "check", "已登记检查"

    def perform(self, c, data, by):
        return fire.check(c, by=by, ok=data["ok"], note=data["note"], level=data.get("level") or Level.GENERAL,
                          measure=data.get("measure") or Measure.NONE, photos=data.get("photos") or ())


urlpatterns = [
    *crud_urls(FireEquipment, list_view=EquipmentListView, detail_view=EquipmentDetailView,
               edit_view=EquipmentEditView, prefix="fire/equipment"),
    *crud_urls(FireCheck, list_view=CheckListView, detail_view=CheckDetailView, edit_view=None,
               prefix="fire/checks"),
    path("fire/checks/<int:pk>/check/", CheckView.as_view(), name="firecheck_check"),
]
