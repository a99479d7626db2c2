"""Pages of the assets app: labels."""

urlpatterns = []
