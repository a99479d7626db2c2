"""Houqin's URLs plus plain `values()` + JsonResponse lists over the same rows as the list
API, with the same token authentication and school scope, but no serializer, no filter and no
pagination class: the ceiling the list API is compared against (target: API ≥ 0.6 × this)."""

from django.http import JsonResponse
from django.urls import path
from rest_framework.authentication import TokenAuthentication
from rest_framework.exceptions import AuthenticationFailed

from houqin.core.models import Certificate, Person, Room
from houqin.core.tenancy import activate, scope
from houqin.urls import urlpatterns as houqin_urls

PAGE = 50


def values_list_view(model, fields):
    def view(request):
        try:
            found = TokenAuthentication().authenticate(request)
        except AuthenticationFailed:
            found = None
        if found is None:
            return JsonResponse({"detail": "需要令牌"}, status=401)
        activate(request, found[0])
        page = max(1, int(request.GET.get("page", 1)))
        rows = scope(model.objects.all(), request.school).order_by("pk").values(*fields)
        return JsonResponse({"results": list(rows[(page - 1) * PAGE: page * PAGE])})

    return view


urlpatterns = [
    path("bench/values/rooms/", values_list_view(Room, ["id", "name", "number", "floor", "kind",
                                                        "building__name", "responsible__name"])),
    path("bench/values/people/", values_list_view(Person, ["id", "name", "gender", "phone", "position",
                                                           "employment", "active"])),
    path("bench/values/certificates/", values_list_view(Certificate, ["id", "person__name", "kind", "number",
                                                                       "issuer", "issued_on", "expires_on"])),
    *houqin_urls,
]
