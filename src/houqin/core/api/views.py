"""API viewsets of the core app (filled in by the API work)."""

from rest_framework.authtoken.views import ObtainAuthToken


class ObtainTokenView(ObtainAuthToken):
    pass


def register(router):
    pass
