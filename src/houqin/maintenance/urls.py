"""URLs of the maintenance app, gathered from its view modules."""

from .views import equipment, preventive, stats, workorders

app_name = "maintenance"

urlpatterns = [*workorders.urlpatterns, *preventive.urlpatterns, *equipment.urlpatterns, *stats.urlpatterns]
