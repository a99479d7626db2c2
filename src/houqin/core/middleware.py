"""Request middleware: the active school and roles, two-factor enforcement, security headers."""

from django.conf import settings
from django.http import HttpResponseForbidden
from django.middleware.locale import LocaleMiddleware
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import translation

from .choices import TWO_FACTOR_ROLES
from .tenancy import SchoolNotAllowed, activate


class SchoolMiddleware:
    """Sets request.school and request.roles for a logged-in browser user. (API requests
    authenticate inside DRF; the API base view calls the same `activate`.)"""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.school, request.roles = None, frozenset()
        if request.user.is_authenticated:
            try:
                activate(request, request.user)
            except SchoolNotAllowed:
                return HttpResponseForbidden("无权访问该学校")
        return self.get_response(request)


class ChosenLanguageMiddleware(LocaleMiddleware):
    """Chinese unless the user picked another language with the switch (its cookie). The
    browser's Accept-Language is not followed: the English catalogue covers the page shell and
    the menus only, and staff whose computer happens to be set to English would otherwise get
    half-English pages with English dates."""

    def process_request(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()

    def process_response(self, request, response):
        response.headers.setdefault("Content-Language", translation.get_language())
        return response


def two_factor_required(request):
    """The school asks for two-factor sign-in and the user holds one of the roles it covers,
    or the user has enrolled a device of his own accord."""
    user = request.user
    school = request.school
    if school is not None and school.require_two_factor and set(request.roles) & TWO_FACTOR_ROLES:
        return True
    from django_otp import user_has_device

    return user_has_device(user, confirmed=True)


class TwoFactorMiddleware:
    """Sends a user who must use two-factor sign-in to verify (or enrol) before anything else."""

    EXEMPT_PREFIXES = ("/static/", "/i18n/", "/api/")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if (
            user.is_authenticated
            and not request.path.startswith(self.EXEMPT_PREFIXES)
            and request.path not in self.exempt_paths()
            and not user.is_verified()
            and two_factor_required(request)
        ):
            from django_otp import user_has_device

            target = "core:otp_verify" if user_has_device(user, confirmed=True) else "core:otp_setup"
            return redirect(reverse(target))
        return self.get_response(request)

    @staticmethod
    def exempt_paths():
        return {reverse("core:otp_verify"), reverse("core:otp_setup"), reverse("core:logout")}


class SecurityHeadersMiddleware:
    """Content-Security-Policy and Permissions-Policy on every response (Django 5.2 has no CSP)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        policy = settings.CONTENT_SECURITY_POLICY
        if request.path.startswith("/api/v1/docs"):
            # Swagger UI's page boots with an inline script.
            policy = policy.replace("script-src 'self'", "script-src 'self' 'unsafe-inline'")
        response.headers.setdefault("Content-Security-Policy", policy)
        response.headers.setdefault("Permissions-Policy", "camera=(self), geolocation=(), microphone=()")
        return response
