"""The school's own page and settings (thresholds, two-factor, group robot)."""

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from .. import forms, models
from ..tenancy import schools_for
from .generic import ObjectDetailView, ObjectEditView


class SchoolDetailView(ObjectDetailView):
    """A user sees his own schools; the district officer every school of his district."""

    model = models.School
    HIDDEN = ObjectDetailView.HIDDEN | {"webhook_url"}

    def get_queryset(self):
        return schools_for(self.request.user)


class SchoolEditView(ObjectEditView):
    model = models.School
    form_class = forms.SchoolSettingsForm

    def get_object(self):
        if int(self.kwargs["pk"]) != self.request.school.pk:
            raise PermissionDenied("只能修改当前学校的设置")
        return get_object_or_404(models.School, pk=self.kwargs["pk"])
