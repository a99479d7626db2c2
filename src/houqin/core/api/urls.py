"""The API's URLconf. Every installed app declares its routes as ROUTES, a list of (prefix,
viewset, basename), in its own api/urls.py; they are found here through INSTALLED_APPS, so an
app is added to the API without an edit to core."""

from importlib import import_module

from django.apps import apps
from django.urls import include, path
from django.utils.module_loading import module_has_submodule
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.routers import DefaultRouter

from . import views

ROUTES = [
    ("schools", views.SchoolViewSet, None),
    ("campuses", views.CampusViewSet, None),
    ("buildings", views.BuildingViewSet, None),
    ("terms", views.TermViewSet, None),
    ("rooms", views.RoomViewSet, None),
    ("classes", views.SchoolClassViewSet, None),
    ("people", views.PersonViewSet, None),
    ("person-imports", views.PersonImportViewSet, "person-import"),
    ("certificates", views.CertificateViewSet, None),
    ("approvals", views.ApprovalViewSet, None),
    ("notifications", views.NotificationViewSet, None),
]


def installed_routes():
    """Every installed app's ROUTES in INSTALLED_APPS order; core's are the ones above."""
    for config in apps.get_app_configs():
        if f"{config.name}.api.urls" == __name__:
            yield from ROUTES
        elif module_has_submodule(config.module, "api"):
            api = import_module(f"{config.name}.api")
            if module_has_submodule(api, "urls"):
                yield from import_module(f"{config.name}.api.urls").ROUTES


router = DefaultRouter()
for prefix, viewset, basename in installed_routes():
    router.register(prefix, viewset, basename=basename)

urlpatterns = [
    path("auth/token/", views.ObtainTokenView.as_view(), name="api_token"),
    path("schema/", SpectacularAPIView.as_view(), name="api_schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api_schema"), name="api_docs"),
    path("", include(router.urls)),
]
