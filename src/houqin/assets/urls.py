"""URLs of the assets app, gathered from its view modules (each declares its own patterns)."""

from .views import assets, labels, reports, stocktakes

app_name = "assets"

urlpatterns = [*assets.urlpatterns, *stocktakes.urlpatterns, *reports.urlpatterns, *labels.urlpatterns]
