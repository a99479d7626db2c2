"""The safety API's routes; core/api/urls.py finds them through INSTALLED_APPS."""

from . import views

ROUTES = [
    ("hazards", views.HazardViewSet, None),
    ("gate-entries", views.GateEntryViewSet, None),
]
