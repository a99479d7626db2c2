"""Pages of places (campus, building, room, class) and people (staff register, certificates)."""

from .. import filtersets, forms, models
from ..columns import Column
from ..rules import sees_staff_contacts
from .generic import ObjectDetailView, ObjectEditView, ObjectListView


class CampusListView(ObjectListView):
    model = models.Campus
    filterset_class = filtersets.CampusFilterSet
    columns = ("name", "address")


class CampusDetailView(ObjectDetailView):
    model = models.Campus


class CampusEditView(ObjectEditView):
    model = models.Campus
    form_class = forms.CampusForm


class TermListView(ObjectListView):
    model = models.Term
    filterset_class = filtersets.TermFilterSet
    columns = ("name", "starts_on", "ends_on")


class TermDetailView(ObjectDetailView):
    model = models.Term


class TermEditView(ObjectEditView):
    model = models.Term
    form_class = forms.TermForm


class BuildingListView(ObjectListView):
    model = models.Building
    filterset_class = filtersets.BuildingFilterSet
    columns = ("name", "campus", "floors")
    select_related = ("campus",)


class BuildingDetailView(ObjectDetailView):
    model = models.Building


class BuildingEditView(ObjectEditView):
    model = models.Building
    form_class = forms.BuildingForm


class RoomListView(ObjectListView):
    model = models.Room
    filterset_class = filtersets.RoomFilterSet
    columns = ("name", "building", "number", "floor", "kind", "responsible")
    # Joining the staff register while sorting by building made PostgreSQL scan every person
    # at 500k rows (BENCHMARKS.md); a second small query for the page's 50 people does not.
    select_related = ("building",)
    prefetch_related = ("responsible",)


class RoomDetailView(ObjectDetailView):
    model = models.Room


class RoomEditView(ObjectEditView):
    model = models.Room
    form_class = forms.RoomForm


class SchoolClassListView(ObjectListView):
    model = models.SchoolClass
    filterset_class = filtersets.SchoolClassFilterSet
    columns = ("__str__", "head_teacher", "room", "pupils")
    select_related = ("head_teacher", "room__building")


class SchoolClassDetailView(ObjectDetailView):
    model = models.SchoolClass


class SchoolClassEditView(ObjectEditView):
    model = models.SchoolClass
    form_class = forms.SchoolClassForm


class PersonListView(ObjectListView):
    model = models.Person
    filterset_class = filtersets.PersonFilterSet
    columns = ("name", "gender", "position", "employment", "phone", "active")

    def table_columns(self):
        """Without the phone numbers for who may not read them (the export follows the page)."""
        columns = super().table_columns()
        if sees_staff_contacts(self.request.roles, self.request.school):
            return columns
        return [c for c in columns if c.source != "phone"]


class PersonDetailView(ObjectDetailView):
    model = models.Person
    template_name = "core/person_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(certificates=self.object.certificates.all(), **kwargs)
        context["sees_contacts"] = sees_staff_contacts(self.request.roles, self.request.school)
        if not context["sees_contacts"]:
            phone = models.Person._meta.get_field("phone").verbose_name
            context["rows"] = [(label, value) for label, value in context["rows"] if label != phone]
        return context


class PersonEditView(ObjectEditView):
    model = models.Person
    form_class = forms.PersonForm


class CertificateListView(ObjectListView):
    model = models.Certificate
    filterset_class = filtersets.CertificateFilterSet
    columns = ("person", "kind", "number", "expires_on", Column("状态", "state_badge"))
    select_related = ("person",)


class CertificateDetailView(ObjectDetailView):
    model = models.Certificate
    select_related = ("person",)


class CertificateEditView(ObjectEditView):
    model = models.Certificate
    form_class = forms.CertificateForm
