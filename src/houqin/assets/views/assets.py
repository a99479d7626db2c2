"""Pages of the assets app: assets."""

urlpatterns = []
