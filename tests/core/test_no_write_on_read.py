"""A read writes nothing: no session save, history or audit row on a GET (issue 21, item 3).
The session is renewed only when less than half its age remains."""

import datetime
import time

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from houqin.core.choices import Role
from houqin.core.middleware import RENEWED_KEY

WRITES = ("INSERT", "UPDATE", "DELETE")


def _writes(queries):
    return [q["sql"] for q in queries if q["sql"].lstrip().upper().startswith(WRITES)]


@pytest.mark.parametrize("url", ["/", "/assets/", "/rooms/", "/people/"])
def test_a_signed_in_get_writes_nothing(world, url):
    client = world.client(Role.DIRECTOR)
    for _view in ("first", "second"):  # the first view after signing in too: the sign-in stamped it
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200
        assert _writes(queries.captured_queries) == []


def _session_row(client):
    from django.contrib.sessions.models import Session

    return Session.objects.get(session_key=client.session.session_key)


def test_a_fresh_session_is_not_saved_again(world):
    client = world.client(Role.DIRECTOR)
    client.get("/")
    expiry = _session_row(client).expire_date
    client.get("/assets/")
    assert _session_row(client).expire_date == expiry


def test_a_session_near_its_expiry_is_renewed(world):
    client = world.client(Role.DIRECTOR)
    client.get("/")
    session = client.session
    session[RENEWED_KEY] = time.time() - settings.SESSION_COOKIE_AGE * 2 / 3
    session.save()
    row = _session_row(client)
    near = timezone.now() + datetime.timedelta(seconds=settings.SESSION_COOKIE_AGE // 3)
    type(row).objects.filter(pk=row.pk).update(expire_date=near)
    response = client.get("/assets/")
    assert response.status_code == 200
    renewed = _session_row(client).expire_date
    assert renewed > timezone.now() + datetime.timedelta(seconds=settings.SESSION_COOKIE_AGE * 0.9)
