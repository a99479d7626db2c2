"""API contract test classes, the REST twin of tests/contracts.py. A model gets its whole
battery of API tests — list, detail, create, update, delete for every role, refusal for the
other roles and for other schools' ids, anonymous refusal, malformed payloads, the district
officer's X-School access, constant query counts — by declaring a few attributes:

    class TestRoomApi(ApiContract):
        model = Room
        factory = RoomFactory
        path = "rooms"
        def valid_payload(self, world): return {...}   # JSON creating a row in school "a"

A read-only endpoint sets `writable = False`: writes are then refused for everyone.
Every subclass registers itself in API_CONTRACTS, so `test_tenancy` can prove that no
school-owned model served by the API lacks its contract.
"""

import json

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from houqin.core import tokens
from houqin.core.choices import Role
from houqin.core.rules import ADD, CHANGE, DELETE, VIEW, can

from .conftest import ALL_ROLES
from .contracts import statements

API_CONTRACTS = {}
API = "/api/v1/"
OFFICER = Role.DISTRICT_OFFICER


def api_client(world=None, role=None, school="a", *, auth="token", header=None):
    """An APIClient for the persona `role` of `school`, authenticated with a token
    (`Authorization: Token …`), `force` (force_authenticate) or `session` (force_login);
    `header` is a school code sent as `X-School`."""
    client = APIClient()
    headers = {}
    if role is not None:
        user = world.user(role, school)
        if auth == "token":
            headers["HTTP_AUTHORIZATION"] = f"Token {tokens.issue(user)}"
        elif auth == "force":
            client.force_authenticate(user)
        elif auth == "session":
            client.force_login(user)
        else:
            raise ValueError(auth)
    if header:
        headers["HTTP_X_SCHOOL"] = header
    client.credentials(**headers)
    return client


def messages(data):
    """Every string of an error body, flattened."""
    if isinstance(data, dict):
        return [m for v in data.values() for m in messages(v)]
    if isinstance(data, list):
        return [m for v in data for m in messages(v)]
    return [str(data)]


def is_chinese(text):
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


def assert_error(response, status=400):
    """The response is `status` with at least one message in Chinese."""
    assert response.status_code == status, (response.status_code, getattr(response, "data", response.content))
    body = response.json()
    assert body, "error without a message"
    found = messages(body)
    assert any(is_chinese(m) for m in found), found


class ApiContract:
    model = None
    factory = None
    path = None
    writable = True
    list_max_queries = 12

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if cls.model is not None:
            API_CONTRACTS[cls.model._meta.label_lower] = cls

    @pytest.fixture(autouse=True)
    def _fresh_throttle(self):
        cache.clear()  # the token endpoint's throttle counts in the cache

    # --- what a subclass declares --------------------------------------------

    def make(self, world, school="a", **kwargs):
        return self.factory(school=world.schools[school], **kwargs)

    def valid_payload(self, world):
        """JSON creating a row in school "a"."""
        raise NotImplementedError

    def edit_payload(self, world, obj):
        """A PATCH body changing `obj`."""
        return self.valid_payload(world)

    def wrong_types(self, world):
        """A body with every field of the wrong type (default: an object where a scalar belongs)."""
        return {key: {"bad": [1]} for key in self.valid_payload(world)}

    def other_school_payload(self, world):
        """A valid body except that it points at another school's row (None: no related fields)."""
        return None

    # --- helpers ---------------------------------------------------------------

    def url(self, pk=None):
        return f"{API}{self.path}/" + (f"{pk}/" if pk is not None else "")

    def row(self, pk):
        return self.model.objects.filter(pk=pk).values().first()

    def can(self, role, action):
        if action != VIEW and not self.writable:
            return False
        return can({role}, action, self.model)

    def writer(self, action=ADD):
        return next((r for r in ALL_ROLES if self.can(r, action)), None)

    # --- list and detail -------------------------------------------------------

    @pytest.mark.parametrize("role", ALL_ROLES)
    def test_list_shows_own_school_only(self, world, role):
        mine, same_district, elsewhere = self.make(world, "a"), self.make(world, "b"), self.make(world, "c")
        response = api_client(world, role).get(self.url())
        if not self.can(role, VIEW):
            assert_error(response, 403)
            return
        assert response.status_code == 200, response.data
        body = response.json()
        assert {"count", "results"} <= set(body)
        ids = {row["id"] for row in body["results"]}
        assert mine.pk in ids and same_district.pk not in ids and elsewhere.pk not in ids
        assert {row["school"] for row in body["results"]} == {world.schools["a"].pk}

    @pytest.mark.parametrize("role", ALL_ROLES)
    def test_detail(self, world, role):
        mine = self.make(world, "a")
        response = api_client(world, role, auth="force").get(self.url(mine.pk))
        if not self.can(role, VIEW):
            assert_error(response, 403)
            return
        assert response.status_code == 200, response.data
        assert response.json()["id"] == mine.pk
        assert response.json()["school"] == world.schools["a"].pk

    @pytest.mark.parametrize("other", ["b", "c"])
    @pytest.mark.parametrize("role", ALL_ROLES)
    def test_other_schools_object_is_404(self, world, role, other):
        theirs = self.make(world, other)
        before = self.row(theirs.pk)
        client = api_client(world, role, auth="session")
        response = client.get(self.url(theirs.pk))
        assert response.status_code == (404 if self.can(role, VIEW) else 403)
        response = client.patch(self.url(theirs.pk), self.edit_payload(world, theirs), format="json")
        assert response.status_code in ((404,) if self.can(role, CHANGE) else (403, 405))
        response = client.put(self.url(theirs.pk), self.edit_payload(world, theirs), format="json")
        assert response.status_code in ((404,) if self.can(role, CHANGE) else (403, 405))
        response = client.delete(self.url(theirs.pk))
        assert response.status_code in ((404,) if self.can(role, DELETE) else (403, 405))
        assert self.row(theirs.pk) == before

    def test_anonymous_is_refused(self, world):
        obj = self.make(world, "a")
        before, count = self.row(obj.pk), self.model.objects.count()
        client = APIClient()
        for response in (
            client.get(self.url()),
            client.get(self.url(obj.pk)),
            client.post(self.url(), {}, format="json"),
            client.patch(self.url(obj.pk), {}, format="json"),
            client.delete(self.url(obj.pk)),
        ):
            assert_error(response, 401)
            assert "results" not in response.json() and "id" not in response.json()
        assert self.row(obj.pk) == before and self.model.objects.count() == count

    def test_bad_token_is_refused(self, world):
        self.make(world, "a")
        response = APIClient().get(self.url(), HTTP_AUTHORIZATION="Token not-a-token")
        assert_error(response, 401)

    # --- the district officer and the X-School header ---------------------------

    def test_officer_reads_school_of_his_district_with_header(self, world):
        mine, theirs, elsewhere = self.make(world, "a"), self.make(world, "b"), self.make(world, "c")
        client = api_client(world, OFFICER, header="schoolb")
        response = client.get(self.url())
        if not self.can(OFFICER, VIEW):
            assert_error(response, 403)
            return
        assert response.status_code == 200
        ids = {row["id"] for row in response.json()["results"]}
        assert theirs.pk in ids and mine.pk not in ids and elsewhere.pk not in ids
        assert client.get(self.url(theirs.pk)).status_code == 200
        assert client.get(self.url(mine.pk)).status_code == 404
        count, before = self.model.objects.count(), self.row(theirs.pk)
        assert client.post(self.url(), {}, format="json").status_code in (403, 405)
        assert client.patch(self.url(theirs.pk), {}, format="json").status_code in (403, 405)
        assert client.delete(self.url(theirs.pk)).status_code in (403, 405)
        assert self.model.objects.count() == count and self.row(theirs.pk) == before

    def test_header_for_a_school_not_his_is_403(self, world):
        elsewhere = self.make(world, "c")
        officer = api_client(world, OFFICER, header="schoolc", auth="force")
        assert_error(officer.get(self.url()), 403)
        assert_error(officer.get(self.url(elsewhere.pk)), 403)
        director = api_client(world, Role.DIRECTOR, header="schoolb")
        assert_error(director.get(self.url()), 403)
        assert_error(api_client(world, Role.DIRECTOR, header="nosuchschool").get(self.url()), 403)

    # --- create, update, delete ------------------------------------------------

    @pytest.mark.parametrize("role", ALL_ROLES)
    def test_create(self, world, role):
        payload = {**self.valid_payload(world), "school": world.schools["c"].pk}
        before = self.model.objects.count()
        response = api_client(world, role).post(self.url(), payload, format="json")
        if not self.can(role, ADD):
            assert response.status_code in (403, 405)
            assert self.model.objects.count() == before
            return
        assert response.status_code == 201, response.data
        created = self.model.objects.get(pk=response.json()["id"])
        assert created.school == world.schools["a"]  # from the active school, never the payload
        assert response.json()["school"] == world.schools["a"].pk
        assert self.model.objects.count() == before + 1
        assert created.history.first().history_user == world.user(role)

    @pytest.mark.parametrize("role", ALL_ROLES)
    def test_update(self, world, role):
        obj = self.make(world, "a")
        before = self.row(obj.pk)
        payload = {**self.edit_payload(world, obj), "school": world.schools["c"].pk}
        response = api_client(world, role, auth="force").patch(self.url(obj.pk), payload, format="json")
        if not self.can(role, CHANGE):
            assert response.status_code in (403, 405)
            assert self.row(obj.pk) == before
            return
        assert response.status_code == 200, response.data
        after = self.row(obj.pk)
        assert after != before and after["school_id"] == world.schools["a"].pk
        assert obj.history.count() == 2
        assert obj.history.first().history_user == world.user(role)

    def test_full_update(self, world):
        role = self.writer(CHANGE)
        if role is None:
            pytest.skip(f"no role may change {self.model._meta.label} through the API")
        obj = self.make(world, "a")
        response = api_client(world, role).put(self.url(obj.pk), self.valid_payload(world), format="json")
        assert response.status_code == 200, response.data
        assert self.row(obj.pk)["school_id"] == world.schools["a"].pk

    @pytest.mark.parametrize("role", ALL_ROLES)
    def test_delete(self, world, role):
        obj = self.make(world, "a")
        response = api_client(world, role, auth="session").delete(self.url(obj.pk))
        exists = self.model.objects.filter(pk=obj.pk).exists()
        if not self.can(role, DELETE):
            assert response.status_code in (403, 405) and exists
        else:
            assert response.status_code == 204 and not exists

    # --- bad input -------------------------------------------------------------

    def test_malformed_payload_writes_nothing(self, world):
        role = self.writer(ADD)
        if role is None:
            pytest.skip(f"no role may create {self.model._meta.label} through the API")
        client = api_client(world, role)
        wrong, count = self.wrong_types(world), self.model.objects.count()
        for body in (wrong, {}, [1, 2], "text"):
            assert_error(client.post(self.url(), body, format="json"))
        assert_error(client.post(self.url(), "{not json", content_type="application/json"))
        assert_error(client.post(self.url(), json.dumps(wrong), content_type="application/json"))
        assert self.model.objects.count() == count
        obj = self.make(world, "a")
        before, count = self.row(obj.pk), self.model.objects.count()
        assert_error(client.patch(self.url(obj.pk), wrong, format="json"))
        assert_error(client.patch(self.url(obj.pk), "{not json", content_type="application/json"))
        assert_error(client.put(self.url(obj.pk), {}, format="json"))
        assert self.row(obj.pk) == before and self.model.objects.count() == count

    def test_other_schools_related_row_is_refused(self, world):
        role = self.writer(ADD)
        if role is None:
            pytest.skip(f"no role may create {self.model._meta.label} through the API")
        payload = self.other_school_payload(world)
        if payload is None:
            pytest.skip(f"{type(self).__name__} declares no other_school_payload")
        count = self.model.objects.count()
        assert_error(api_client(world, role).post(self.url(), payload, format="json"))
        assert self.model.objects.count() == count
        obj = self.make(world, "a")
        before = self.row(obj.pk)
        assert_error(api_client(world, role).patch(self.url(obj.pk), payload, format="json"))
        assert self.row(obj.pk) == before

    # --- queries ---------------------------------------------------------------

    @pytest.mark.parametrize("auth", ["token", "session"])
    def test_list_queries_constant(self, world, auth):
        role = next(r for r in ALL_ROLES if self.can(r, VIEW))
        client = api_client(world, role, auth=auth)
        self.make(world, "a")
        client.get(self.url())  # warm caches (content types, sessions)
        with CaptureQueriesContext(connection) as few:
            assert client.get(self.url()).status_code == 200
        for _ in range(8):
            self.make(world, "a")
        with CaptureQueriesContext(connection) as many:
            response = client.get(self.url())
            assert response.status_code == 200
        assert response.json()["count"] >= 9
        assert len(many) == len(few), [q["sql"] for q in many.captured_queries]
        assert statements(many) <= self.list_max_queries, [q["sql"] for q in many.captured_queries]
