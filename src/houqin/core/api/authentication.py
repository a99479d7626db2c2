"""How the API knows who calls: a hashed token (core/tokens.py) or the browser's session,
and either only once the second factor has been given when the user must give one."""

from drf_spectacular.authentication import SessionScheme
from rest_framework import authentication, exceptions

from .. import tokens
from ..middleware import two_factor_required_anywhere

SECOND_FACTOR = "请先在网页上完成两步验证（输入验证器 App 上的 6 位数字）后再使用 API"


class HashedTokenAuthentication(authentication.TokenAuthentication):
    """`Authorization: Token <key>`, looked up by the key's hash. A token is only ever issued
    after the second factor (ObtainTokenView), so it needs no further check."""

    def authenticate_credentials(self, key):
        try:
            token = tokens.check(key)
        except tokens.Expired:
            raise exceptions.AuthenticationFailed("令牌已过期，请重新获取") from None
        if token is None:
            raise exceptions.AuthenticationFailed("令牌无效")
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed("该账号已停用")
        return token.user, token


class TwoFactorSessionAuthentication(authentication.SessionAuthentication):
    """The browser's session, refused (403) while it has not passed the second factor that
    the pages would ask for (TwoFactorMiddleware sends such a session to the code page)."""

    def authenticate(self, request):
        found = super().authenticate(request)
        if found is None:
            return None
        user = found[0]
        if not getattr(user, "is_verified", lambda: False)() and two_factor_required_anywhere(user):
            raise exceptions.PermissionDenied(SECOND_FACTOR)
        return found


class TwoFactorSessionScheme(SessionScheme):
    """The OpenAPI description of the session: the cookie, as for DRF's own class."""

    target_class = TwoFactorSessionAuthentication
