"""The safety API's routes; core/api/urls.py finds them through INSTALLED_APPS."""

from . import views

ROUTES = [
    ("hazards", views.HazardViewSet, None),
    ("gate-entries", views.GateEntryViewSet, None),
    ("check-items", views.CheckItemViewSet, None),
    ("patrol-routes", views.PatrolRouteViewSet, None),
    ("patrols", views.PatrolViewSet, None),
    ("fire-equipment", views.FireEquipmentViewSet, None),
    ("fire-checks", views.FireCheckViewSet, None),
    ("drills", views.DrillViewSet, None),
    ("trainings", views.TrainingViewSet, None),
]
