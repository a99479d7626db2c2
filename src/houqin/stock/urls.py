"""URLs of the stock app, gathered from its view modules (each declares its own patterns)."""

from .views import reports, stock

app_name = "stock"

urlpatterns = [*stock.urlpatterns, *reports.urlpatterns]
