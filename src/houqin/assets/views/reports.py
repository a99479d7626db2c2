"""Pages of the assets app: reports."""

urlpatterns = []
