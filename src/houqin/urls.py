from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", include("houqin.core.api.urls")),
    path("assets/", include("houqin.assets.urls")),
    path("stock/", include("houqin.stock.urls")),
    path("procurement/", include("houqin.procurement.urls")),
    path("maintenance/", include("houqin.maintenance.urls")),
    path("canteen/", include("houqin.canteen.urls")),
    path("safety/", include("houqin.safety.urls")),
    path("finance/", include("houqin.finance.urls")),
    path("", include("houqin.core.urls")),
]
