"""Pages of drills and training (演练与培训): the drills planned and held (record page with
photos as attachments), the training sessions with their attendees, and the term's count
against the requirement of §5."""

from django.shortcuts import render
from django.urls import path
from django.utils import timezone
from django.views import View

from houqin.core.models import Term
from houqin.core.rules import visible
from houqin.core.views.generic import ObjectDetailView, ObjectEditView, ObjectListView, SchoolScopedMixin, crud_urls
from houqin.core.views.records import RecordPageMixin

from .. import drills, filtersets, forms
from ..models import Drill, SafetySettings, Training


class DrillListView(ObjectListView):
    model = Drill
    filterset_class = filtersets.DrillFilterSet
    columns = ("held_on", "kind", "title", "scope", "participants", "evacuation_seconds", "organiser")
    select_related = ("organiser",)
    template_name = "safety/drill_list.html"


class DrillDetailView(RecordPageMixin, ObjectDetailView):
    model = Drill
    template_name = "safety/drill_detail.html"
    select_related = ("organiser", "school__safetysettings")
    status_field = None
    quiet_fields = ("participants",)

    def get_context_data(self, **kwargs):
        limit = SafetySettings.of(self.object.school).evacuation_seconds
        return super().get_context_data(limit=limit, too_slow=bool(
            self.object.evacuation_seconds and self.object.evacuation_seconds > limit), **kwargs)


class DrillEditView(ObjectEditView):
    model = Drill
    form_class = forms.DrillForm


class TrainingListView(ObjectListView):
    model = Training
    filterset_class = filtersets.TrainingFilterSet
    columns = ("held_on", "title", "trainer", "hours")


class TrainingDetailView(RecordPageMixin, ObjectDetailView):
    model = Training
    template_name = "safety/training_detail.html"
    status_field = None

    def get_context_data(self, **kwargs):
        return super().get_context_data(attendees=self.object.attendees.order_by("name"), **kwargs)


class TrainingEditView(ObjectEditView):
    model = Training
    form_class = forms.TrainingForm


class TermView(SchoolScopedMixin, View):
    """本学期演练与培训: the count against the requirement, month by month."""

    model = Drill

    def get(self, request):
        terms = visible(Term.objects.all(), request).order_by("-starts_on")
        today = timezone.localdate()
        pk = request.GET.get("term", "")
        term = (terms.filter(pk=pk).first() if pk.isdigit() else None) or \
            terms.filter(starts_on__lte=today).first() or terms.first()
        context = {"terms": terms, "today": today}
        if term is not None:
            context.update(drills.term_summary(term, self.get_queryset(), visible(Training.objects.all(), request),
                                               SafetySettings.of(request.school), today))
        return render(request, "safety/drill_term.html", context)


urlpatterns = [
    path("drills/term/", TermView.as_view(), name="drill_term"),
    *crud_urls(Drill, list_view=DrillListView, detail_view=DrillDetailView, edit_view=DrillEditView,
               prefix="drills"),
    *crud_urls(Training, list_view=TrainingListView, detail_view=TrainingDetailView, edit_view=TrainingEditView,
               prefix="trainings"),
]
