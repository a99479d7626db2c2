"""Throttles of the token endpoint. DRF's own take the client from X-Forwarded-For whoever
sends it, so a new header each time was a new client; these take it from
core.middleware.client_address (X-Forwarded-For only through HOUQIN_TRUSTED_PROXIES), and
count the username as well, so an attacker spreading his tries over many addresses still
meets a limit per account."""

from rest_framework.exceptions import ParseError, UnsupportedMediaType
from rest_framework.throttling import SimpleRateThrottle

from ..middleware import client_address


class TokenAddressThrottle(SimpleRateThrottle):
    """Token requests per client address (rate `token`)."""

    scope = "token"

    def get_ident(self, request):
        return client_address(request._request if hasattr(request, "_request") else request)

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class TokenUsernameThrottle(TokenAddressThrottle):
    """Token requests per username asked for, from any address (rate `token_user`)."""

    scope = "token_user"

    def get_cache_key(self, request, view):
        try:
            data = request.data
        except (ParseError, UnsupportedMediaType):  # the view refuses such a body itself
            return None
        username = data.get("username") if hasattr(data, "get") else None
        if not isinstance(username, str) or not username:
            return None
        return self.cache_format % {"scope": self.scope, "ident": username.strip().lower()[:150]}
