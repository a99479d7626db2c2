"""URLs of the stock app, gathered from its view modules (each declares its own patterns)."""

from houqin.core.views.imports import import_urls

from .importers import ItemImporter
from .views import reports, stock

app_name = "stock"

urlpatterns = [*stock.urlpatterns, *reports.urlpatterns, *import_urls(ItemImporter, "items")]
