"""URLs of the finance app, gathered from its view modules."""

from .views import budget, journal

app_name = "finance"

urlpatterns = [*budget.urlpatterns, *journal.urlpatterns]
