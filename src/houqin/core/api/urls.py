from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.routers import DefaultRouter

from houqin.assets.api import reports as assets_reports_api
from houqin.assets.api import views as assets_api
from houqin.maintenance.api import views as maintenance_api
from houqin.procurement.api import views as procurement_api
from houqin.stock.api import reports as stock_reports_api
from houqin.stock.api import views as stock_api

from . import views

router = DefaultRouter()
views.register(router)
assets_api.register(router)
assets_reports_api.register(router)
stock_api.register(router)
stock_reports_api.register(router)
maintenance_api.register(router)
procurement_api.register(router)

urlpatterns = [
    path("auth/token/", views.ObtainTokenView.as_view(), name="api_token"),
    path("schema/", SpectacularAPIView.as_view(), name="api_schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api_schema"), name="api_docs"),
    path("", include(router.urls)),
]
