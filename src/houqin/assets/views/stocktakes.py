"""Pages of the assets app: stocktakes."""

urlpatterns = []
