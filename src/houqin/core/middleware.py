"""Request middleware: the active school and roles, two-factor enforcement, security headers,
and the client's address behind the trusted proxies."""

import ipaddress
import time

from django.conf import settings
from django.db.models import Q
from django.http import HttpResponseForbidden
from django.middleware.locale import LocaleMiddleware
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import translation
from django.utils.cache import add_never_cache_headers
from django_otp import user_has_device

from .choices import TWO_FACTOR_ROLES
from .models import Membership
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


RENEWED_KEY = "_renewed_at"


def stamp_new_session(sender, request, user, **kwargs):
    """A session starts renewed (at sign-in, which saves it anyway), so its first page view
    writes nothing either."""
    if request is not None and hasattr(request, "session"):
        request.session[RENEWED_KEY] = int(time.time())


class SessionRenewalMiddleware:
    """Renews a signed-in session once less than half its age remains, instead of saving it
    on every request (SESSION_SAVE_EVERY_REQUEST wrote a row on every page view). A session
    therefore ends after between half and all of SESSION_COOKIE_AGE without use."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            renewed = request.session.get(RENEWED_KEY, 0)
            if time.time() - renewed > settings.SESSION_COOKIE_AGE / 2:
                request.session[RENEWED_KEY] = int(time.time())  # marks it modified: saved with a new expiry
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

    return user_has_device(user, confirmed=True)


def two_factor_required_anywhere(user):
    """two_factor_required for an API caller: a token works in every school of its owner
    (X-School), so the second factor is due when any of his schools asks it of one of his
    roles there, or when he has enrolled a device."""

    strict = Membership.objects.filter(
        Q(school__require_two_factor=True) | Q(district__schools__require_two_factor=True),
        user=user, role__in=TWO_FACTOR_ROLES,
    ).exists()
    return strict or user_has_device(user, confirmed=True)


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
            target = "core:otp_verify" if user_has_device(user, confirmed=True) else "core:otp_setup"
            return redirect(reverse(target))
        return self.get_response(request)

    @staticmethod
    def exempt_paths():
        return {reverse("core:otp_verify"), reverse("core:otp_setup"), reverse("core:logout")}


class SecurityHeadersMiddleware:
    """Content-Security-Policy and Permissions-Policy on every response (Django 5.2 has no CSP);
    `Cache-Control: no-store` on every API response and on every page of a signed-in user
    (names, phone numbers, money: nothing a shared school computer or a proxy should keep)."""

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
        if self.personal(request):
            add_never_cache_headers(response)
        return response

    @staticmethod
    def personal(request):
        if request.path.startswith(settings.STATIC_URL):
            return False
        user = getattr(request, "user", None)
        return request.path.startswith("/api/") or bool(user and user.is_authenticated)


def _trusted(address, proxies):
    try:
        ip = ipaddress.ip_address(address.strip())
    except ValueError:
        return False
    return any(ip in ipaddress.ip_network(proxy, strict=False) for proxy in proxies)


def client_address(request):
    """The address of the client: REMOTE_ADDR, unless that is one of HOUQIN_TRUSTED_PROXIES;
    then X-Forwarded-For is read from the right, past the trusted proxies, and the first
    address they did not add is the client. A client's own X-Forwarded-For is never believed,
    so changing it changes nothing. The login lockout (axes) and the API throttles use this."""
    remote = request.META.get("REMOTE_ADDR", "")
    proxies = settings.HOUQIN_TRUSTED_PROXIES
    if not proxies or not _trusted(remote, proxies):
        return remote
    forwarded = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if a.strip()]
    for address in reversed(forwarded):
        try:
            ipaddress.ip_address(address)
        except ValueError:
            return remote  # a malformed header: fall back to the proxy itself
        if not _trusted(address, proxies):
            return address
    return remote
