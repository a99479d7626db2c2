"""The maintenance API's routes; core/api/urls.py finds them through INSTALLED_APPS."""

from . import views

ROUTES = [
    ("work-orders", views.WorkOrderViewSet, None),
    ("preventive-plans", views.PreventivePlanViewSet, None),
    ("preventive-tasks", views.PreventiveTaskViewSet, None),
    ("special-equipment", views.SpecialEquipmentViewSet, None),
]
