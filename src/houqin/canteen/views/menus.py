"""带量食谱: the dishes with their quantities per student, the week's menu (its grid, the rules'
breaches, the approval), the published menu every member of the school opens, its A4 print,
and the copy of a past week."""

from django.shortcuts import render
from django.urls import path
from django.utils import timezone
from django.views import View

from houqin.core.columns import Column
from houqin.core.params import date_param
from houqin.core.rules import can
from houqin.core.views.actions import ObjectActionView
from houqin.core.views.generic import ObjectDetailView, ObjectEditView, ObjectListView, SchoolScopedMixin, crud_urls

from .. import filtersets, forms, services
from ..choices import MENU_EDITABLE, MealKind
from ..models import CanteenSettings, Dish, WeekMenu

# --- dishes -------------------------------------------------------------------------------------


class DishListView(ObjectListView):
    model = Dish
    filterset_class = filtersets.DishFilterSet
    columns = ("name", "kind", Column("食材（每生用量）", "ingredient_text"), "active")
    prefetch_related = ("ingredients",)


class DishDetailView(ObjectDetailView):
    model = Dish
    template_name = "canteen/dish_detail.html"

    def get_context_data(self, **kwargs):
        ingredients = list(self.object.ingredients.select_related("item"))
        return super().get_context_data(ingredients=ingredients, share=services.meat_share(ingredients), **kwargs)


class DishEditView(ObjectEditView):
    model = Dish
    form_class = forms.DishForm

    def save(self, form, *, by):
        return services.save_dish(form.save(commit=False), by=by, ingredients=form.cleaned_data["ingredients"])


# --- the week's menu -----------------------------------------------------------------------------


def grid(menu, settings, meals):
    """[(day, weekday, [(meal label, [dishes])])] of the menu's serving days and meals."""
    return [(day, menu.weekday(day), [(MealKind(kind).label, meals.get((day, kind), [])) for kind in settings.meals()])
            for day in menu.days(settings.menu_days)]


class WeekMenuListView(ObjectListView):
    model = WeekMenu
    filterset_class = filtersets.WeekMenuFilterSet
    columns = ("week_start", "status", "note", "submitted_at", "published_at")


class WeekMenuDetailView(ObjectDetailView):
    model = WeekMenu
    template_name = "canteen/weekmenu_detail.html"

    def get_context_data(self, **kwargs):
        menu, roles = self.object, self.request.roles
        settings = CanteenSettings.of(menu.school)
        meals = services.menu_meals(menu)
        editable = menu.status in MENU_EDITABLE
        return super().get_context_data(
            grid=grid(menu, settings, meals), breaches=services.menu_breaches(menu, meals, settings),
            approval=services.menu_approval(menu),
            may_submit=editable and can(roles, "submit", WeekMenu),
            copy_form=self.step_form(forms.CopyMenuForm, "copy", action="copy"), **kwargs)


class WeekMenuEditView(ObjectEditView):
    model = WeekMenu
    form_class = forms.WeekMenuForm

    def save(self, form, *, by):
        menu = form.save(commit=False)
        return services.save_menu(menu, by=by, entries=form.entries(form.cleaned_data["week_start"]))


class SubmitMenuView(ObjectActionView):
    model = WeekMenu
    action = "submit"
    done = "已提交审批：总务主任审核后公示"

    def perform(self, menu, data, by):
        return services.submit_menu(menu, by=by)


class CopyMenuView(ObjectActionView):
    model = WeekMenu
    action = "copy"
    form_class, prefix, done = forms.CopyMenuForm, "copy", "已沿用为新一周的食谱草稿，请检查后提交审批"

    def perform(self, menu, data, by):
        return services.copy_menu(menu, by=by, week_start=data["week_start"])

    def redirect_to(self, obj, result):
        return result.get_absolute_url() if result else obj.get_absolute_url()


class MenuPrintView(WeekMenuDetailView):
    """The week's menu on A4 landscape for the notice board (公示栏)."""

    template_name = "canteen/weekmenu_print.html"


class PublishedMenuView(SchoolScopedMixin, View):
    """本周食谱: this week's and the coming weeks' published menus, open to everyone in the
    school (the teachers, the parents' committee through them)."""

    model = WeekMenu

    def get(self, request):
        today = date_param(request.GET, "date", timezone.localdate())
        settings = CanteenSettings.of(request.school)
        menus = list(services.published_menus(request.school, today).prefetch_related(
            "entries__dish")[:2])
        weeks = []
        for menu in menus:
            meals = services.menu_meals(menu, menu.entries.all())
            weeks.append((menu, grid(menu, settings, meals)))
        return render(request, "canteen/menu_published.html", {"weeks": weeks, "today": today})


urlpatterns = [
    *crud_urls(Dish, list_view=DishListView, detail_view=DishDetailView, edit_view=DishEditView, prefix="dishes"),
    path("menus/published/", PublishedMenuView.as_view(), name="menu_published"),
    *crud_urls(WeekMenu, list_view=WeekMenuListView, detail_view=WeekMenuDetailView, edit_view=WeekMenuEditView,
               prefix="menus"),
    path("menus/<int:pk>/submit/", SubmitMenuView.as_view(), name="weekmenu_submit"),
    path("menus/<int:pk>/copy/", CopyMenuView.as_view(), name="weekmenu_copy"),
    path("menus/<int:pk>/print/", MenuPrintView.as_view(), name="weekmenu_print"),
]
