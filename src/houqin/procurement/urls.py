"""URLs of the procurement app (采购)."""

from .views import procurement

app_name = "procurement"

urlpatterns = [*procurement.urlpatterns]
