"""The canteen API's routes; core/api/urls.py finds them through INSTALLED_APPS."""

from . import views

ROUTES = [
    ("canteen-workers", views.CanteenWorkerViewSet, None),
    ("morning-checks", views.MorningCheckViewSet, None),
    ("meals", views.MealViewSet, None),
    ("samples", views.SampleRecordViewSet, None),
    ("disinfections", views.DisinfectionViewSet, None),
    ("kitchen-checks", views.KitchenCheckViewSet, None),
    ("accompanied-meals", views.AccompaniedMealViewSet, None),
    ("dishes", views.DishViewSet, None),
    ("week-menus", views.WeekMenuViewSet, None),
    ("diner-counts", views.DinerCountViewSet, None),
    ("canteen-entries", views.CanteenEntryViewSet, None),
]
