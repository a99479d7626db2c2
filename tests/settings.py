"""Test settings: the real settings plus a small example app that exercises the approval
mechanism, and a fast password hasher."""

from houqin.settings import *  # noqa: F403
from houqin.settings import INSTALLED_APPS

INSTALLED_APPS = [*INSTALLED_APPS, "tests.exampleapp"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}  # imports run in the test
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
HTTPS = False
SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = False
SECURE_HSTS_SECONDS = 0
AXES_FAILURE_LIMIT = 5
