"""The school's own page and settings (thresholds, two-factor, group robot)."""

from django.apps import apps
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from .. import forms, models
from ..templatetags.houqin import cell
from ..tenancy import schools_for
from .generic import ObjectDetailView, ObjectEditView


class SchoolDetailView(ObjectDetailView):
    """A user sees his own schools; the district officer every school of his district."""

    model = models.School
    HIDDEN = ObjectDetailView.HIDDEN | {"webhook_url"}

    def get_queryset(self):
        return schools_for(self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["rows"] += app_settings_rows(self.object)
        return context


def app_settings_rows(school):
    """(label, value) of every installed app's settings for the school (SchoolSettings)."""
    rows = []
    for model in apps.get_models():
        if issubclass(model, models.SchoolSettings):
            values = model.of(school)
            rows += [(f.verbose_name, cell(values, f.name)) for f in model._meta.concrete_fields if f.name != "school"]
    return rows


class SchoolEditView(ObjectEditView):
    model = models.School
    form_class = forms.SchoolSettingsForm

    def get_object(self):
        if int(self.kwargs["pk"]) != self.request.school.pk:
            raise PermissionDenied("只能修改当前学校的设置")
        return get_object_or_404(models.School, pk=self.kwargs["pk"])
