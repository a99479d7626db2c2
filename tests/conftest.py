"""Shared fixtures: a world of two districts, three schools and a persona for every role.

Schools "a" and "b" are in district d1; "c" is in district d2. Each school has one user per
school role (`a.director`, `b.teacher` …); `d1.officer` and `d2.officer` are the district
officers. Cross-tenant tests use school "b" (same district) and "c" (another district).
"""

import logging
import os
from dataclasses import dataclass, field

import pytest
from django.contrib.auth.hashers import make_password
from django.core.management import call_command
from django.db import connection, transaction
from django.test import Client
from simple_history.utils import bulk_create_with_history

from houqin.core.choices import SCHOOL_ROLES, Role
from houqin.core.models import Membership, Person, User

from .factories import DistrictFactory, SchoolFactory

ALL_ROLES = [*SCHOOL_ROLES, Role.DISTRICT_OFFICER]


@dataclass
class World:
    districts: dict = field(default_factory=dict)
    schools: dict = field(default_factory=dict)
    users: dict = field(default_factory=dict)

    def user(self, role, school="a"):
        """The persona holding `role` at `school` (for the officer: over that school's district)."""
        if role == Role.DISTRICT_OFFICER:
            return self.users[("d1" if school in ("a", "b") else "d2", role)]
        return self.users[(school, role)]

    def client(self, role, school="a"):
        client = Client()
        client.force_login(self.user(role, school))
        return client


def seed_categories():
    """The asset categories and the holidays come from data migrations, which a transactional
    test's flush (the browser tests) removes: put them back for whoever comes next."""
    import importlib

    from django.apps import apps

    if not apps.get_model("assets", "Category").objects.exists():
        importlib.import_module("houqin.assets.migrations.0002_categories").seed(apps, None)
    if not apps.get_model("core", "Holiday").objects.exists():
        importlib.import_module("houqin.core.migrations.0004_holidays").seed(apps, None)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item):
    """Re-seed, committed, right after a transactional test's flush. Inside every later test's
    rolled-back transaction it would cost ~175 queries a test (on PostgreSQL, whose flush
    truncates, that was most of the suite's time)."""
    yield
    marker = item.get_closest_marker("django_db")
    if (marker and marker.kwargs.get("transaction")) or {"transactional_db", "live_server"} & set(item.fixturenames):
        from pytest_django.plugin import blocking_manager_key

        with item.config.stash[blocking_manager_key].unblock():
            seed_categories()


@pytest.fixture
def world(db):
    """Built with bulk inserts (history rows included): it sets up nearly every test, and
    one row at a time it was most of the suite's time."""
    seed_categories()
    w = World()
    w.districts = {"d1": DistrictFactory(code="d1", name="示范区"), "d2": DistrictFactory(code="d2", name="邻区")}
    for key, district in (("a", "d1"), ("b", "d1"), ("c", "d2")):
        w.schools[key] = SchoolFactory(code=f"school{key}", name=f"{key.upper()}小学", district=w.districts[district])
    password = make_password("pw")
    personas = [(key, school, role) for key, school in w.schools.items() for role in SCHOOL_ROLES]
    officers = [(key, district, Role.DISTRICT_OFFICER) for key, district in w.districts.items()]
    users = bulk_create_with_history(
        [User(username=f"{key}.{role}", display_name=f"{key}{role.label}", password=password)
         for key, _school, role in personas]
        + [User(username=f"{key}.officer", display_name=f"{key}勤办", password=password)
           for key, _district, _role in officers],
        User,
    )
    users = {u.username: u for u in User.objects.filter(username__in=[u.username for u in users])}
    memberships, people = [], []
    for key, school, role in personas:
        user = w.users[(key, role)] = users[f"{key}.{role}"]
        memberships.append(Membership(user=user, school=school, role=role))
        people.append(Person(school=school, name=f"{key}{role.label}", user=user))
    for key, district, role in officers:
        officer = w.users[(key, role)] = users[f"{key}.officer"]
        memberships.append(Membership(user=officer, district=district, role=role))
    bulk_create_with_history(memberships, Membership)
    bulk_create_with_history(people, Person)
    return w


def empty_sqlite_ledgers():
    """The append-only ledgers refuse DELETE by trigger, so on SQLite a flush would fail: empty
    those tables with their triggers set aside, and put the triggers back exactly as they were.
    (PostgreSQL's flush truncates, which no row trigger sees.)"""
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT name, tbl_name, sql FROM sqlite_master WHERE type = 'trigger'")
        triggers = [row for row in cursor.fetchall() if "append-only" in (row[2] or "")]
        for name, _table, _sql in triggers:
            cursor.execute(f'DROP TRIGGER "{name}"')
        for table in {t for _name, t, _sql in triggers}:
            cursor.execute(f'DELETE FROM "{table}"')
        for _name, _table, sql in triggers:
            cursor.execute(sql)


def empty_database():
    """flush, in one transaction. On SQLite the append-only triggers refuse DELETE (PostgreSQL's
    flush truncates, which no row trigger sees): those tables are emptied with the triggers set
    aside, which are then put back."""
    with transaction.atomic():
        empty_sqlite_ledgers()
        call_command("flush", interactive=False, verbosity=0)  # post_migrate puts content types back


@pytest.fixture
def flushable(transactional_db):
    """Leave the ledgers empty so that the flush after this transactional test can run."""
    yield
    if connection.vendor == "sqlite":  # PostgreSQL's flush truncates: no trigger fires
        empty_database()


# --- no 5xx in the server log ---------------------------------------------------------------


class ServerErrors(logging.Handler):
    """Collects what Django logs for a 5xx response (django.request / django.server, ERROR)."""

    def __init__(self):
        super().__init__(level=logging.ERROR)
        self.seen = []

    def emit(self, record):
        status = getattr(record, "status_code", None)
        if status is None or status >= 500:
            self.seen.append(f"{status}: {record.getMessage()}")


def pytest_configure(config):
    config.addinivalue_line("markers", "expect_5xx: the test provokes a server error on purpose")
    config.addinivalue_line("markers", "heavy: a test of more than ~10 s, started first (see below)")


# --- the suite's wall time --------------------------------------------------------------------


def pytest_collection_modifyitems(config, items):
    """Start the heavy tests first, dealt round the xdist workers: work-stealing hands each
    worker one contiguous block of the collection, so a heavy test at the end of a block would
    run alone while the other workers sit idle (the route walk did that, ~8 minutes)."""
    heavy = [item for item in items if item.get_closest_marker("heavy")]
    if not heavy:
        return
    rest = [item for item in items if not item.get_closest_marker("heavy")]
    workers = max(1, int(os.environ.get("PYTEST_XDIST_WORKER_COUNT", "1")))
    ordered, remaining = [], len(items)
    for k in range(workers):
        size = remaining // (workers - k)  # the block xdist's first idle worker gets
        block = heavy[k::workers]
        take = max(0, size - len(block))
        ordered += block + rest[:take]
        rest, remaining = rest[take:], remaining - size
    items[:] = ordered + rest


def built_once_per_module(build):
    """A module-scoped fixture: the data `build()` returns, made once and rolled back after the
    module's last test. Each test runs in a savepoint inside it (pytest-django's `db`), so what
    a test writes is undone as usual; the demo takes ~10 s to build and many tests only read it."""

    @pytest.fixture(scope="module")
    def built(django_db_setup, django_db_blocker):
        block = transaction.atomic()
        with django_db_blocker.unblock():
            block.__enter__()
            try:
                value = build()
            except BaseException:
                transaction.set_rollback(True)
                block.__exit__(None, None, None)
                raise
        yield value
        with django_db_blocker.unblock():
            transaction.set_rollback(True)
            block.__exit__(None, None, None)

    return built


@pytest.fixture(autouse=True)
def no_server_errors(request):
    """Fails a test during which a request ended in a 5xx (the whole suite's server log stays
    free of them), unless the test is marked `expect_5xx`."""
    handler = ServerErrors()
    loggers = [logging.getLogger(name) for name in ("django.request", "django.server")]
    for logger in loggers:
        logger.addHandler(handler)
    yield handler
    for logger in loggers:
        logger.removeHandler(handler)
    if handler.seen and not request.node.get_closest_marker("expect_5xx"):
        pytest.fail("server error(s) in the log: " + "; ".join(handler.seen), pytrace=False)
