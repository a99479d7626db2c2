"""Pages of special equipment (特种设备) and its maintenance and inspection records."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import path
from django.utils import timezone
from django.views import View

from houqin.core.choices import CertificateKind
from houqin.core.columns import DATE, Column
from houqin.core.models import Certificate
from houqin.core.rules import ADD, can
from houqin.core.views.generic import ObjectDetailView, ObjectEditView, ObjectListView, SchoolScopedMixin, crud_urls

from .. import filtersets, forms, services
from ..models import MaintenanceRecord, SpecialEquipment


class EquipmentListView(ObjectListView):
    model = SpecialEquipment
    filterset_class = filtersets.SpecialEquipmentFilterSet
    columns = ("name", "kind", "room", "contractor", "last_maintained_on",
               Column("下次维保", "maintenance_due_on", DATE),               "inspection_due_on", "active")
    select_related = ("room__building",)


class EquipmentDetailView(ObjectDetailView):
    model = SpecialEquipment
    template_name = "maintenance/equipment_detail.html"
    select_related = ("room__building",)

    def get_context_data(self, **kwargs):
        eq = self.object
        today = timezone.localdate()
        operators = list(eq.operators.all())
        licences = {}
        for c in Certificate.objects.filter(person__in=operators, kind=CertificateKind.SPECIAL_EQUIPMENT):
            licences.setdefault(c.person_id, []).append(c)
        rows = [(p, licences.get(p.pk, []), any(c.expires_on is None or c.expires_on >= today
                                                 for c in licences.get(p.pk, []))) for p in operators]
        return super().get_context_data(
            operators=rows, records=MaintenanceRecord.objects.filter(equipment=eq).select_related("by"),
            overdue=eq.maintenance_overdue(today), inspection_soon=eq.inspection_due_soon(today),
            record_form=forms.RecordForm(prefix="record", initial={"done_on": today, "contractor": eq.contractor})
            if can(self.request.roles, ADD, MaintenanceRecord) else None, **kwargs)


class EquipmentEditView(ObjectEditView):
    model = SpecialEquipment
    form_class = forms.SpecialEquipmentForm


class RecordView(SchoolScopedMixin, View):
    """POST: a maintenance or inspection record of the equipment."""

    http_method_names = ["post"]
    model = SpecialEquipment

    def post(self, request, pk):
        if not can(request.roles, ADD, MaintenanceRecord):
            raise PermissionDenied("您的角色无权进行此操作")
        eq = get_object_or_404(self.get_queryset(), pk=pk)
        form = forms.RecordForm(request.POST, prefix="record")
        if not form.is_valid():
            messages.error(request, "；".join(f"{form.fields[k].label}：{e}" if k in form.fields else str(e)
                                             for k, errs in form.errors.items() for e in errs))
            return HttpResponseRedirect(eq.get_absolute_url())
        data = form.cleaned_data
        try:
            services.record_maintenance(eq, by=request.user, kind=data["kind"], done_on=data["done_on"],
                                        contractor=data["contractor"], note=data["note"],
                                        next_inspection_on=data.get("next_inspection_on"))
        except ValidationError as e:
            messages.error(request, "；".join(e.messages))
            return HttpResponseRedirect(eq.get_absolute_url())
        messages.success(request, "已登记")
        return HttpResponseRedirect(eq.get_absolute_url())


urlpatterns = [
    *crud_urls(SpecialEquipment, list_view=EquipmentListView, detail_view=EquipmentDetailView,
               edit_view=EquipmentEditView, prefix="equipment"),
    path("equipment/<int:pk>/record/", RecordView.as_view(), name="specialequipment_record"),
]
