"""URLs of the procurement app (采购)."""

from houqin.core.views.imports import import_urls

from .importers import SupplierImporter
from .views import procurement

app_name = "procurement"

urlpatterns = [*procurement.urlpatterns, *import_urls(SupplierImporter, "suppliers")]
