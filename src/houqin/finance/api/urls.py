"""The finance API's routes; core/api/urls.py finds them through INSTALLED_APPS."""

from . import views

ROUTES = [
    ("budget-lines", views.BudgetLineViewSet, None),
    ("budget-charges", views.RequestChargeViewSet, None),
    ("journal", views.JournalEntryViewSet, None),
    ("month-closes", views.MonthCloseViewSet, None),
]
