from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", include("houqin.core.api.urls")),
    path("assets/", include("houqin.assets.urls")),
    path("", include("houqin.core.urls")),
]
