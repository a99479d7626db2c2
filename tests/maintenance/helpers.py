"""Shared helpers of the maintenance tests."""

import importlib

import pytest
from django.apps import apps

from houqin.core.choices import SCHOOL_ROLES, Role
from houqin.core.models import Holiday, Person


def seed_holidays():
    """The national holidays come from a data migration that a transactional test flushes."""
    if not Holiday.objects.filter(date__year=2026).exists():
        importlib.import_module("houqin.core.migrations.0004_holidays").seed(apps, None)


def person(world, role, school="a"):
    return Person.objects.get(user=world.user(role, school))


class PersonaMixin:
    """Contracts of work orders: a non-manager sees only his own reports, so the row each
    test makes is reported by the persona under test (the teacher for the officer)."""

    role = None

    @pytest.fixture(autouse=True)
    def _persona(self, request):
        callspec = getattr(request.node, "callspec", None)
        self.role = callspec.params.get("role") if callspec else None

    def reporter(self, world, school):
        role = self.role if self.role in SCHOOL_ROLES else Role.TEACHER
        return world.user(role, school)
