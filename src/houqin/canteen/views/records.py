"""The canteen's record pages: lists (with their Excel export), details, the phone forms that
write through the services, and the two steps (处置留样, 反馈陪餐意见)."""

from django.urls import path
from django.utils import timezone

from houqin.core.columns import Column
from houqin.core.models import Certificate
from houqin.core.views.actions import ObjectActionView
from houqin.core.views.generic import ObjectDetailView, ObjectEditView, ObjectListView, crud_urls

from .. import filtersets, forms, services
from ..choices import CheckKind
from ..models import AccompaniedMeal, CanteenSettings, CanteenWorker, Disinfection, KitchenCheck, Meal, SampleRecord

# --- the team ----------------------------------------------------------------------------


class WorkerListView(ObjectListView):
    model = CanteenWorker
    columns = (Column("姓名", "person.name"), "post", "active", Column("电话", "person.phone"))
    select_related = ("person",)


class WorkerDetailView(ObjectDetailView):
    model = CanteenWorker
    template_name = "canteen/worker_detail.html"
    select_related = ("person",)

    def get_context_data(self, **kwargs):
        worker = self.object
        return super().get_context_data(
            certificates=Certificate.objects.filter(person=worker.person).order_by("kind", "-expires_on"),
            checks=worker.checks.select_related("checked_by")[:30], **kwargs)


class WorkerEditView(ObjectEditView):
    model = CanteenWorker
    form_class = forms.CanteenWorkerForm


# --- meals and samples ---------------------------------------------------------------------


class MealListView(ObjectListView):
    model = Meal
    filterset_class = filtersets.MealFilterSet
    columns = ("date", "kind", Column("菜品", "dishes"))


class MealDetailView(ObjectDetailView):
    model = Meal
    template_name = "canteen/meal_detail.html"

    def get_context_data(self, **kwargs):
        meal = self.object
        samples = list(meal.samples.select_related("sampled_by", "disposed_by"))
        return super().get_context_data(samples=samples, unsampled=meal.unsampled(samples), **kwargs)


class MealEditView(ObjectEditView):
    model = Meal
    form_class = forms.MealForm


class SampleListView(ObjectListView):
    model = SampleRecord
    filterset_class = filtersets.SampleRecordFilterSet
    columns = ("meal", "dish", "weight_grams", "sampled_at", "cabinet", "cabinet_temperature", "sampled_by",
               "disposed_at", "disposed_by")
    select_related = ("meal", "sampled_by", "disposed_by")


class SampleDetailView(ObjectDetailView):
    model = SampleRecord
    template_name = "canteen/sample_detail.html"
    select_related = ("meal", "sampled_by", "disposed_by")

    def get_context_data(self, **kwargs):
        sample = self.object
        hours = CanteenSettings.of(sample.school).sample_keep_hours
        keep_until = sample.keep_until(hours)
        return super().get_context_data(
            keep_until=keep_until, hours=hours, may_dispose_now=timezone.now() >= keep_until,
            dispose_form=self.step_form(forms.DisposeForm, "dispose", when=not sample.disposed_at, action="dispose"),
            **kwargs)


class SampleEditView(ObjectEditView):
    model = SampleRecord
    form_class = forms.SampleForm
    service = services.record_sample

    def get_initial(self):
        initial = {"sampled_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
                   "weight_grams": CanteenSettings.of(self.request.school).sample_min_grams}
        for key in ("meal", "dish"):
            if key in self.request.GET:
                initial[key] = self.request.GET[key]
        return initial


class DisposeView(ObjectActionView):
    model = SampleRecord
    action = "dispose"
    form_class, prefix, done = forms.DisposeForm, "dispose", "已登记留样处置"

    def perform(self, sample, data, by):
        return services.dispose_sample(sample, by=by, person=data["person"])


# --- disinfection and the daily checks ----------------------------------------------------------


class DisinfectionListView(ObjectListView):
    model = Disinfection
    filterset_class = filtersets.DisinfectionFilterSet
    columns = ("date", "meal", "method", "temperature", "seconds", "chlorine", "done_by", "done_at", "passed",
               "shortfall")
    select_related = ("done_by",)


class DisinfectionDetailView(ObjectDetailView):
    model = Disinfection
    select_related = ("done_by",)


class DisinfectionEditView(ObjectEditView):
    model = Disinfection
    form_class = forms.DisinfectionForm
    service = services.record_disinfection

    def get_initial(self):
        return {"done_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"), **self.request.GET.dict()}


class KitchenCheckListView(ObjectListView):
    model = KitchenCheck
    filterset_class = filtersets.KitchenCheckFilterSet
    columns = ("date", "kind", Column("不合格项", "failures"), "fridge_temperature", "freezer_temperature",
               "checked_by", "checked_at", "passed", "note")
    select_related = ("checked_by",)


class KitchenCheckDetailView(ObjectDetailView):
    model = KitchenCheck
    select_related = ("checked_by",)


class KitchenCheckEditView(ObjectEditView):
    model = KitchenCheck
    form_class = forms.KitchenCheckForm
    template_name = "canteen/kitchencheck_form.html"
    service = services.record_kitchen_check

    def get_form_kwargs(self):
        kind = self.request.GET.get("kind", CheckKind.HYGIENE)
        return {**super().get_form_kwargs(), "kind": kind}

    def get_context_data(self, **kwargs):
        return super().get_context_data(kinds=CheckKind.choices, **kwargs)


# --- 陪餐 ----------------------------------------------------------------------------------------


class AccompaniedListView(ObjectListView):
    model = AccompaniedMeal
    filterset_class = filtersets.AccompaniedMealFilterSet
    columns = ("date", "meal", "companion_kind", Column("陪餐人", "companion"), "rating", "comments", "response")
    select_related = ("person",)


class AccompaniedDetailView(ObjectDetailView):
    model = AccompaniedMeal
    template_name = "canteen/accompanied_detail.html"
    select_related = ("person", "responded_by")

    def get_context_data(self, **kwargs):
        return super().get_context_data(respond_form=forms.RespondForm(prefix="respond"), **kwargs)


class AccompaniedEditView(ObjectEditView):
    model = AccompaniedMeal
    form_class = forms.AccompaniedMealForm
    service = services.record_accompanied


class RespondView(ObjectActionView):
    model = AccompaniedMeal
    action = "respond"
    form_class, prefix, done = forms.RespondForm, "respond", "已记录处理反馈"

    def perform(self, record, data, by):
        return services.respond(record, by=by, text=data["response"])


urlpatterns = [
    *crud_urls(CanteenWorker, list_view=WorkerListView, detail_view=WorkerDetailView, edit_view=WorkerEditView,
               prefix="workers"),
    *crud_urls(Meal, list_view=MealListView, detail_view=MealDetailView, edit_view=MealEditView, prefix="meals"),
    *crud_urls(SampleRecord, list_view=SampleListView, detail_view=SampleDetailView, edit_view=SampleEditView,
               prefix="samples"),
    path("samples/<int:pk>/dispose/", DisposeView.as_view(), name="samplerecord_dispose"),
    *crud_urls(Disinfection, list_view=DisinfectionListView, detail_view=DisinfectionDetailView,
               edit_view=DisinfectionEditView, prefix="disinfection"),
    *crud_urls(KitchenCheck, list_view=KitchenCheckListView, detail_view=KitchenCheckDetailView,
               edit_view=KitchenCheckEditView, prefix="kitchen-checks"),
    *crud_urls(AccompaniedMeal, list_view=AccompaniedListView, detail_view=AccompaniedDetailView,
               edit_view=AccompaniedEditView, prefix="accompanied"),
    path("accompanied/<int:pk>/respond/", RespondView.as_view(), name="accompaniedmeal_respond"),
]
