"""The REST API of the core app: contracts for places and people, the token endpoint, the
OpenAPI schema and docs, approvals, notifications and the district officer's access."""

import datetime
import json
import re
from decimal import Decimal
from importlib import import_module
from pathlib import Path

import pytest
from django.core.cache import cache
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.test import APIClient

from houqin.core import approvals, services, tokens
from houqin.core.api.pagination import Pagination
from houqin.core.choices import ApprovalStatus, Role
from houqin.core.models import (
    ApiToken,
    ApprovalRequest,
    Building,
    Campus,
    Certificate,
    Notification,
    Person,
    Room,
    SchoolClass,
    Term,
)
from tests.exampleapp.models import Voucher

from ..api_contracts import API, ApiContract, api_client, assert_error
from ..assets.test_api import schema_sample_ids as asset_sample_ids
from ..canteen.factories import (
    AccompaniedMealFactory,
    CanteenEntryFactory,
    CanteenWorkerFactory,
    DinerCountFactory,
    DishFactory,
    DisinfectionFactory,
    KitchenCheckFactory,
    MealFactory,
    MorningCheckFactory,
    SampleRecordFactory,
    WeekMenuFactory,
)
from ..contracts import statements
from ..factories import (
    BuildingFactory,
    CampusFactory,
    CertificateFactory,
    PersonFactory,
    RoomFactory,
    SchoolClassFactory,
    TermFactory,
)
from ..finance.factories import BudgetLineFactory, JournalEntryFactory, MonthCloseFactory, RequestChargeFactory
from ..procurement.test_api import schema_sample_ids as procurement_sample_ids
from ..safety.factories import GateEntryFactory, HazardFactory
from ..stock.test_api import schema_sample_ids as stock_sample_ids

TOKEN_URL = f"{API}auth/token/"


@pytest.fixture(autouse=True)
def _fresh_throttle():
    cache.clear()  # the token endpoint's throttle counts in the cache


# --- contracts ---------------------------------------------------------------------


class TestCampusApi(ApiContract):
    model = Campus
    factory = CampusFactory
    path = "campuses"

    def valid_payload(self, world):
        return {"name": "东校区", "address": "施州大道1号"}

    def edit_payload(self, world, obj):
        return {"name": obj.name + "改", "address": "新址"}


class TestTermApi(ApiContract):
    model = Term
    factory = TermFactory
    path = "terms"

    def valid_payload(self, world):
        return {"name": "2026年秋季学期", "starts_on": "2026-09-01", "ends_on": "2027-01-22"}

    def edit_payload(self, world, obj):
        later = obj.ends_on + datetime.timedelta(days=1)
        return {"name": obj.name + "改", "starts_on": obj.starts_on.isoformat(), "ends_on": later.isoformat()}


def test_term_api_refuses_end_before_start(world):
    client = api_client(world, "director", "a")
    response = client.post(f"{API}terms/", {"name": "错学期", "starts_on": "2026-09-01", "ends_on": "2026-08-01"},
                           format="json")
    assert response.status_code == 400
    assert "结束日期不能早于开学日期" in json.dumps(response.json(), ensure_ascii=False)
    assert not Term.objects.filter(name="错学期").exists()


class TestBuildingApi(ApiContract):
    model = Building
    factory = BuildingFactory
    path = "buildings"

    def valid_payload(self, world):
        return {"campus": CampusFactory(school=world.schools["a"]).pk, "name": "综合楼", "floors": 4}

    def edit_payload(self, world, obj):
        return {"campus": obj.campus_id, "name": obj.name + "改", "floors": 5}

    def wrong_types(self, world):
        return {"campus": "东校区", "name": ["综合楼"], "floors": "四层"}

    def other_school_payload(self, world):
        return {"campus": CampusFactory(school=world.schools["c"]).pk, "name": "综合楼", "floors": 4}


class TestRoomApi(ApiContract):
    model = Room
    factory = RoomFactory
    path = "rooms"

    def valid_payload(self, world):
        building = BuildingFactory(school=world.schools["a"])
        return {"building": building.pk, "name": "六(3)班教室", "number": "301", "floor": 3,
                "kind": "classroom", "responsible": world.user(Role.TEACHER).people.get().pk}

    def edit_payload(self, world, obj):
        return {"building": obj.building_id, "name": obj.name + "改", "floor": 2, "kind": "office"}

    def wrong_types(self, world):
        return {"building": {"id": 1}, "name": "教室", "floor": "三楼", "kind": "kitchen"}

    def other_school_payload(self, world):
        return {"building": BuildingFactory(school=world.schools["a"]).pk, "name": "教室",
                "responsible": world.user(Role.TEACHER, "b").people.get().pk}


class TestSchoolClassApi(ApiContract):
    model = SchoolClass
    factory = SchoolClassFactory
    path = "classes"

    def valid_payload(self, world):
        return {"grade": 6, "number": 9, "pupils": 45}

    def edit_payload(self, world, obj):
        return {"grade": obj.grade, "number": obj.number, "pupils": 50}

    def wrong_types(self, world):
        return {"grade": "六年级", "number": 0, "pupils": -3, "head_teacher": "张老师"}

    def other_school_payload(self, world):
        return {"grade": 6, "number": 9, "room": RoomFactory(school=world.schools["b"]).pk}


class TestPersonApi(ApiContract):
    model = Person
    factory = PersonFactory
    path = "people"

    def valid_payload(self, world):
        return {"name": "张师傅", "gender": "m", "position": "厨师", "employment": "contract", "active": True}

    def edit_payload(self, world, obj):
        return {"name": obj.name, "employment": "staff", "position": "门卫"}

    def wrong_types(self, world):
        return {"name": {"姓": "张"}, "gender": "男的", "employment": 3, "active": "也许"}


class TestCertificateApi(ApiContract):
    model = Certificate
    factory = CertificateFactory
    path = "certificates"

    def valid_payload(self, world):
        person = PersonFactory(school=world.schools["a"])
        return {"person": person.pk, "kind": "health", "number": "JK001",
                "issued_on": "2026-01-01", "expires_on": "2027-01-01"}

    def edit_payload(self, world, obj):
        return {"person": obj.person_id, "kind": obj.kind, "number": "JK002",
                "expires_on": (obj.expires_on + datetime.timedelta(days=365)).isoformat()}

    def wrong_types(self, world):
        return {"person": "张师傅", "kind": "passport", "issued_on": "昨天", "expires_on": 20270101}

    def other_school_payload(self, world):
        return {"person": PersonFactory(school=world.schools["b"]).pk, "kind": "health"}


def voucher(world, amount, school="a"):
    return Voucher.objects.create(school=world.schools[school], title="采购投影机", amount=Decimal(amount),
                                  buyer=world.user(Role.BUYER, school))


def purchase(world, amount="500.00", school="a"):
    v = voucher(world, amount, school)
    buyer = world.user(Role.BUYER, school)
    return approvals.request_approval(v, "example.purchase", by=buyer, amount=v.amount)


def acceptance(world, school="a"):
    v = voucher(world, "800.00", school)
    return approvals.request_approval(v, "example.acceptance", by=world.user(Role.BUYER, school))


class TestApprovalApi(ApiContract):
    """Approvals are read-only in the API (signing is the `sign` action): everyone of the school
    reads them, nobody creates, edits or deletes one."""

    model = ApprovalRequest
    path = "approvals"
    writable = False

    def make(self, world, school="a", **kwargs):
        return purchase(world, "500.00", school)

    def valid_payload(self, world):
        return {"title": "手工审批", "policy": "example.purchase", "amount": "1.00"}

    def edit_payload(self, world, obj):
        return {"title": obj.title + "改", "status": "approved"}


# --- places and people beyond the contract ----------------------------------------------


def test_unique_constraints_are_a_400_in_chinese(world):
    client = api_client(world, Role.DIRECTOR)
    assert client.post(f"{API}campuses/", {"name": "东校区"}, format="json").status_code == 201
    count = Campus.objects.count()
    assert_error(client.post(f"{API}campuses/", {"name": "东校区"}, format="json"))
    # Another school may have a campus of the same name.
    assert api_client(world, Role.DIRECTOR, "c").post(f"{API}campuses/", {"name": "东校区"},
                                                      format="json").status_code == 201
    assert Campus.objects.count() == count + 1
    SchoolClassFactory(school=world.schools["a"], grade=6, number=3)
    assert_error(client.post(f"{API}classes/", {"grade": 6, "number": 3}, format="json"))
    other = SchoolClassFactory(school=world.schools["a"], grade=6, number=4)
    assert_error(client.patch(f"{API}classes/{other.pk}/", {"number": 3}, format="json"))
    other.refresh_from_db()
    assert other.number == 4


def test_deleting_a_row_still_in_use_is_a_409(world):
    building = BuildingFactory(school=world.schools["a"])
    response = api_client(world, Role.DIRECTOR).delete(f"{API}campuses/{building.campus_id}/")
    assert_error(response, 409)
    assert Campus.objects.filter(pk=building.campus_id).exists()


def test_certificate_dates_days_left_and_expiring_filter(world):
    today = timezone.localdate()
    school = world.schools["a"]
    expired = CertificateFactory(school=school, issued_on=today - datetime.timedelta(days=400),
                                 expires_on=today - datetime.timedelta(days=2))
    soon = CertificateFactory(school=school, expires_on=today + datetime.timedelta(days=10))
    later = CertificateFactory(school=school, expires_on=today + datetime.timedelta(days=200))
    CertificateFactory(school=world.schools["b"], expires_on=today)
    client = api_client(world, Role.CANTEEN)
    rows = {r["id"]: r for r in client.get(f"{API}certificates/", {"expiring": "true"}).json()["results"]}
    assert set(rows) == {expired.pk, soon.pk}
    assert (rows[expired.pk]["days_left"], rows[expired.pk]["state"]) == (-2, "expired")
    assert (rows[soon.pk]["days_left"], rows[soon.pk]["state"]) == (10, "expiring")
    everything = client.get(f"{API}certificates/", {"expiring": "false"}).json()
    assert {r["id"] for r in everything["results"]} >= {expired.pk, soon.pk, later.pk}
    assert client.get(f"{API}certificates/", {"expiring": "maybe"}).status_code == 200  # ignored
    # days_left and state are read-only; expiry before issue is refused in Chinese.
    person = PersonFactory(school=school)
    response = client.post(f"{API}certificates/", {"person": person.pk, "kind": "health", "days_left": 999,
                                                   "state": "valid", "expires_on": str(today)}, format="json")
    assert response.status_code == 201 and response.json()["days_left"] == 0
    response = client.post(f"{API}certificates/", {"person": person.pk, "kind": "health",
                                                   "issued_on": "2026-05-01", "expires_on": "2026-04-01"},
                           format="json")
    assert_error(response)
    assert "有效期不能早于发证日期" in response.json()["expires_on"]


def test_filters_offer_own_school_rows_only(world):
    client = api_client(world, Role.TEACHER)
    mine = BuildingFactory(school=world.schools["a"])
    theirs = CampusFactory(school=world.schools["c"])
    assert_error(client.get(f"{API}buildings/", {"campus": theirs.pk}))
    rows = client.get(f"{API}buildings/", {"campus": mine.campus_id}).json()["results"]
    assert [r["id"] for r in rows] == [mine.pk]
    assert rows[0]["campus_name"] == mine.campus.name
    assert client.get(f"{API}rooms/", {"kind": "classroom", "q": "室"}).status_code == 200


def test_schools_endpoint(world):
    a, b, c = (world.schools[k] for k in "abc")
    teacher = api_client(world, Role.TEACHER)
    assert [r["code"] for r in teacher.get(f"{API}schools/").json()["results"]] == ["schoola"]
    assert teacher.get(f"{API}schools/{a.pk}/").json()["district_name"] == "示范区"
    assert teacher.get(f"{API}schools/{c.pk}/").status_code == 404
    assert teacher.post(f"{API}schools/", {"code": "x", "name": "x"}, format="json").status_code in (403, 405)
    assert teacher.patch(f"{API}schools/{a.pk}/", {"name": "x"}, format="json").status_code in (403, 405)
    a.refresh_from_db()
    assert a.name == "A小学"
    officer = api_client(world, Role.DISTRICT_OFFICER)
    assert [r["code"] for r in officer.get(f"{API}schools/mine/").json()["results"]] == ["schoola", "schoolb"]
    assert officer.get(f"{API}schools/{b.pk}/").status_code == 404  # not the active school
    officer_b = api_client(world, Role.DISTRICT_OFFICER, header="schoolb")
    assert [r["code"] for r in officer_b.get(f"{API}schools/").json()["results"]] == ["schoolb"]
    assert APIClient().get(f"{API}schools/mine/").status_code == 401


def test_lists_are_paginated(world):
    for _ in range(3):
        CampusFactory(school=world.schools["a"])
    client = api_client(world, Role.TEACHER)
    body = client.get(f"{API}campuses/", {"page_size": 2}).json()
    assert body["count"] == 3 and len(body["results"]) == 2 and body["next"]
    assert len(client.get(f"{API}campuses/", {"page": 2, "page_size": 2}).json()["results"]) == 1
    assert client.get(f"{API}campuses/", {"page": 9}).status_code == 404
    assert Pagination.max_page_size == 200


def test_officer_of_d1_reads_school_b_with_header_but_not_c(world):
    b_room, c_room = RoomFactory(school=world.schools["b"]), RoomFactory(school=world.schools["c"])
    officer = api_client(world, Role.DISTRICT_OFFICER, auth="force", header="schoolb")
    assert [r["id"] for r in officer.get(f"{API}rooms/").json()["results"]] == [b_room.pk]
    assert officer.get(f"{API}rooms/{b_room.pk}/").status_code == 200
    missing = officer.get(f"{API}rooms/{c_room.pk}/")
    assert missing.status_code == 404
    assert missing.json() == {"detail": "未找到该记录（不存在，或不属于当前学校）"}  # not Django's English
    assert_error(officer.patch(f"{API}rooms/{b_room.pk}/", {"name": "改"}, format="json"), 403)
    assert_error(officer.delete(f"{API}rooms/{b_room.pk}/"), 403)
    assert officer.get(f"{API}people/").json()["count"] == len(Role) - 1  # b's staff register
    refused = api_client(world, Role.DISTRICT_OFFICER, auth="force", header="schoolc")
    for target in (f"{API}rooms/", f"{API}rooms/{c_room.pk}/", f"{API}schools/", f"{API}approvals/"):
        response = refused.get(target)
        assert_error(response, 403)
        assert "无权访问该学校" in response.json()["detail"]
    b_room.refresh_from_db()
    assert not b_room.name.endswith("改")


# --- the token endpoint and authentication ------------------------------------------


def test_token_endpoint_gives_a_token_that_works_everywhere(world):
    response = APIClient().post(TOKEN_URL, {"username": "a.director", "password": "pw"}, format="json")
    assert response.status_code == 200
    key = response.json()["token"]
    assert tokens.check(key).user == world.user(Role.DIRECTOR)
    client = APIClient(HTTP_AUTHORIZATION=f"Token {key}")
    for prefix in ("schools", "campuses", "buildings", "rooms", "classes", "people", "certificates",
                   "approvals", "notifications"):
        assert client.get(f"{API}{prefix}/").status_code == 200, prefix
    assert client.get(f"{API}approvals/inbox/").status_code == 200
    # Asking again gives another token (the first is never stored in clear), both working;
    # form-encoded bodies work too.
    again = APIClient().post(TOKEN_URL, {"username": "a.director", "password": "pw"}).json()["token"]
    assert again != key and tokens.check(again).user == tokens.check(key).user


def test_token_endpoint_refuses_bad_credentials_in_chinese(world):
    client = APIClient()
    response = client.post(TOKEN_URL, {"username": "a.director", "password": "wrong"}, format="json")
    assert_error(response)
    assert "用户名或密码错误" in str(response.json())
    assert "token" not in response.json()
    assert_error(client.post(TOKEN_URL, {"username": "nobody", "password": "pw"}, format="json"))
    assert_error(client.post(TOKEN_URL, {}, format="json"))
    assert_error(client.post(TOKEN_URL, "{oops", content_type="application/json"))
    assert not ApiToken.objects.exists()


def test_token_endpoint_asks_for_and_checks_the_otp(world):
    user = world.user(Role.PRINCIPAL)
    device = TOTPDevice.objects.create(user=user, name="验证器", confirmed=True)
    client = APIClient()
    credentials = {"username": "a.principal", "password": "pw"}
    response = client.post(TOKEN_URL, credentials, format="json")
    assert_error(response)
    assert "两步验证" in response.json()["otp"][0]
    code = f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"
    wrong = f"{(int(code) + 1) % 1000000:06d}"
    assert_error(client.post(TOKEN_URL, {**credentials, "otp": wrong}, format="json"))
    assert_error(client.post(TOKEN_URL, {**credentials, "otp": "12ab"}, format="json"))
    assert not ApiToken.objects.filter(user=user).exists()
    device.refresh_from_db()
    device.throttle_reset()  # a wrong code makes the device wait before the next try
    response = client.post(TOKEN_URL, {**credentials, "otp": code}, format="json")
    assert response.status_code == 200, response.json()
    assert tokens.check(response.json()["token"]).user == user
    # An unconfirmed device asks for nothing.
    other = world.user(Role.TEACHER)
    TOTPDevice.objects.create(user=other, name="未完成", confirmed=False)
    response = client.post(TOKEN_URL, {"username": "a.teacher", "password": "pw"}, format="json")
    assert response.status_code == 200


def test_token_endpoint_counts_failures_and_locks_out(world, settings):
    client = APIClient()
    wrong, right = {"username": "a.keeper", "password": "wrong"}, {"username": "a.keeper", "password": "pw"}
    limit = settings.AXES_FAILURE_LIMIT
    codes = [client.post(TOKEN_URL, wrong, format="json").status_code for _ in range(limit)]
    assert codes == [400] * (limit - 1) + [429]  # axes locks out on the last failure
    locked = client.post(TOKEN_URL, right, format="json")
    assert locked.status_code == 429 and "锁定" in locked.json()["detail"]
    assert not ApiToken.objects.filter(user=world.user(Role.KEEPER)).exists()


def test_token_endpoint_is_throttled(world, monkeypatch):
    from rest_framework.throttling import SimpleRateThrottle

    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", {"token": "3/min", "token_user": "100/min"})
    client = APIClient()
    codes = [client.post(TOKEN_URL, {"username": "a.teacher", "password": "pw"}, format="json").status_code
             for _ in range(4)]
    assert codes == [200, 200, 200, 429]


def test_session_auth_works_and_anonymous_gets_nothing(world):
    CampusFactory(school=world.schools["a"])
    session = APIClient()
    session.force_login(world.user(Role.TEACHER))
    assert session.get(f"{API}campuses/").json()["count"] == 1
    anonymous = APIClient()
    for target in ("campuses/", "approvals/", "approvals/inbox/", "notifications/",
                   "notifications/unread-count/", "schools/"):
        response = anonymous.get(f"{API}{target}")
        assert_error(response, 401)
        assert "results" not in response.json()
    assert anonymous.post(f"{API}notifications/read/", {}, format="json").status_code == 401


# --- schema and docs ------------------------------------------------------------------


def test_schema_generates_without_warnings(tmp_path):
    from drf_spectacular.drainage import GENERATOR_STATS

    GENERATOR_STATS.reset()
    target = tmp_path / "schema.yml"
    try:
        call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(target))
    except (CommandError, SystemExit) as error:  # pragma: no cover - the failure message is the point
        pytest.fail(f"OpenAPI schema has warnings or errors: {error}")
    assert not GENERATOR_STATS
    text = target.read_text()
    for path in ("/api/v1/auth/token/", "/api/v1/approvals/{id}/sign/", "/api/v1/approvals/inbox/",
                 "/api/v1/notifications/read/", "/api/v1/notifications/unread-count/",
                 "/api/v1/schools/mine/"):
        assert path in text


def test_each_app_declares_its_api_routes_and_core_names_none():
    """An app joins the API through its own api/urls.py ROUTES: core's URLconf imports no app."""
    from django.apps import apps

    from houqin.core.api import urls

    source = Path(urls.__file__).read_text(encoding="utf-8")
    others = [c for c in apps.get_app_configs() if c.name.startswith("houqin.") and c.label != "core"]
    assert others and not [c.name for c in others if c.name in source or f"{c.label}." in source]
    registered = {prefix: viewset for prefix, viewset, _ in urls.router.registry}
    for config in others:
        for prefix, viewset, _ in import_module(f"{config.name}.api.urls").ROUTES:
            assert registered[prefix] is viewset


def test_schema_and_docs_are_served_with_offline_assets(world):
    client = APIClient()
    assert client.get(f"{API}schema/").status_code == 200
    response = client.get(f"{API}docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assets = re.findall(r'(?:src|href)="([^"]*)"', html)
    assert assets and all(a.startswith("/static/") for a in assets), assets
    assert not re.search(r"https?://", html)


def sample_ids(world):
    """An existing id, visible to school a's director, for each collection of the API."""
    a = world.schools["a"]
    director = world.user(Role.DIRECTOR)
    return {
        "schools": a.pk,
        "campuses": CampusFactory(school=a).pk,
        "terms": TermFactory(school=a).pk,
        "buildings": BuildingFactory(school=a).pk,
        "rooms": RoomFactory(school=a).pk,
        "classes": SchoolClassFactory(school=a).pk,
        "people": PersonFactory(school=a).pk,
        "certificates": CertificateFactory(school=a).pk,
        "approvals": purchase(world).pk,
        "notifications": services.notify([director], school=a, title="测试")[0].pk,
        **asset_sample_ids(world),
        **stock_sample_ids(world),
        **procurement_sample_ids(world),
        **canteen_sample_ids(a),
        **finance_sample_ids(a),
        "hazards": HazardFactory(school=a, reported_by=director).pk,
        "gate-entries": GateEntryFactory(school=a, logged_by=world.user(Role.GUARD)).pk,
    }


def finance_sample_ids(school):
    return {
        "budget-lines": BudgetLineFactory(school=school).pk,
        "budget-charges": RequestChargeFactory(school=school).pk,
        "journal": JournalEntryFactory(school=school).pk,
        "month-closes": MonthCloseFactory(school=school).pk,
    }


def canteen_sample_ids(school):
    meal = MealFactory(school=school)
    return {
        "canteen-workers": CanteenWorkerFactory(school=school).pk,
        "morning-checks": MorningCheckFactory(school=school).pk,
        "meals": meal.pk,
        "samples": SampleRecordFactory(school=school, meal=meal).pk,
        "disinfections": DisinfectionFactory(school=school).pk,
        "kitchen-checks": KitchenCheckFactory(school=school).pk,
        "accompanied-meals": AccompaniedMealFactory(school=school).pk,
        "dishes": DishFactory(school=school).pk,
        "week-menus": WeekMenuFactory(school=school).pk,
        "diner-counts": DinerCountFactory(school=school).pk,
        "canteen-entries": CanteenEntryFactory(school=school).pk,
    }


def wrong_value(prop):
    kind = prop.get("type")
    if kind in ("integer", "number"):
        return "abc"
    if kind == "boolean":
        return "maybe"
    if kind in ("array", "object"):
        return "abc"
    return {"bad": [1]}  # strings, dates, enums (oneOf / $ref)


def first_writer_answer(writers, method, url, data):
    """The answer of the first of `writers` the operation is open to (403 from all is what
    the last one said)."""
    for client in writers:
        response = client.generic(method.upper(), url, data=data, content_type="application/json")
        if response.status_code != 403:
            return response
    return response


@pytest.mark.heavy
def test_every_operation_answers_bad_input_with_4xx(world):
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    components = schema["components"]["schemas"]
    ids = sample_ids(world)
    client = api_client(world, Role.DIRECTOR, auth="force")
    # the director writes most; the canteen's, the gate's and the books are their keepers' own
    writers = [client, *(api_client(world, role, auth="force") for role in (Role.CANTEEN, Role.GUARD, Role.ACCOUNTANT))]
    campuses = Campus.objects.count()
    checked = 0
    for path, operations in schema["paths"].items():
        collection = path.removeprefix(API).split("/")[0]
        url = path.replace("{id}", str(ids.get(collection, 1)))
        for method, operation in operations.items():
            if method == "get":
                names = [p["name"] for p in operation.get("parameters", []) if p["in"] == "query"]
                for params in (dict.fromkeys(names, "abc"),
                               {"page": "abc", "page_size": "-1", "expiring": "maybe", "unread": "maybe"},
                               {"page": "99999", "page_size": "100000", "campus": "-1", "building": "1e9"}):
                    response = client.get(url, params)
                    assert response.status_code < 500, (path, params)
                if "{id}" in path:
                    assert client.get(path.replace("{id}", "abc")).status_code == 404
            elif method in ("post", "put", "patch"):
                content = operation.get("requestBody", {}).get("content", {}).get("application/json", {})
                ref = content.get("schema", {}).get("$ref", "")
                props = components.get(ref.rsplit("/", 1)[-1], {}).get("properties", {}) if ref else {}
                body = {name: wrong_value(prop) for name, prop in props.items() if not prop.get("readOnly")}
                for payload in (body or {"bad": 1}, [1, 2]):
                    response = first_writer_answer(writers, method, url, json.dumps(payload))
                    # A role that may write here is asked, so the body itself is what is refused.
                    assert response.status_code == 400, (path, method, response.status_code)
                    assert_error(response)
                assert_error(first_writer_answer(writers, method, url, "{oops"))
            elif method == "delete":
                assert client.delete(path.replace("{id}", "abc")).status_code == 404
            checked += 1
    assert checked >= 40
    # Nothing was written by the bad requests.
    assert Campus.objects.count() == campuses
    assert ApprovalRequest.objects.get(pk=ids["approvals"]).status == ApprovalStatus.PENDING
    assert Notification.objects.get(pk=ids["notifications"]).read_at is None


# --- approvals --------------------------------------------------------------------------


def test_action_bodies_refuse_fields_they_do_not_take(world):
    """Every action's body is an ActionInput: a field it does not take is refused and named,
    not silently dropped, so a client that believes it sends something learns it does not."""
    approval = purchase(world, "500.00")
    director = api_client(world, Role.DIRECTOR)
    response = director.post(f"{API}approvals/{approval.pk}/sign/", {"decision": "approve", "signature": "张三"},
                             format="json")
    assert_error(response)
    assert "signature" in response.json()
    assert not approval.signoffs.exists()
    response = director.post(f"{API}notifications/read/", {"all": True}, format="json")
    assert_error(response)
    assert "all" in response.json()


def test_inbox_lists_what_the_user_can_sign_and_sign_moves_it_on(world):
    approval = purchase(world, "1500.00")  # director, then principal
    elsewhere = purchase(world, "1500.00", school="c")
    director, principal = api_client(world, Role.DIRECTOR), api_client(world, Role.PRINCIPAL, auth="force")
    assert [r["id"] for r in director.get(f"{API}approvals/inbox/").json()["results"]] == [approval.pk]
    assert principal.get(f"{API}approvals/inbox/").json()["count"] == 0
    detail = director.get(f"{API}approvals/{approval.pk}/").json()
    assert detail["signing_role"] == "director" and detail["signoffs"] == []
    assert [s["label"] for s in detail["steps"]] == ["总务主任审核", "校长审批"]

    response = director.post(f"{API}approvals/{approval.pk}/sign/",
                             {"decision": "approve", "comment": "同意"}, format="json")
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["step"] == 1 and body["current_step"]["label"] == "校长审批"
    assert [(s["user"], s["role"], s["decision"]) for s in body["signoffs"]] == [
        (world.user(Role.DIRECTOR).pk, "director", "approve")]
    assert director.get(f"{API}approvals/inbox/").json()["count"] == 0
    assert [r["id"] for r in principal.get(f"{API}approvals/inbox/").json()["results"]] == [approval.pk]
    # Signing twice, or out of turn, is refused in Chinese; a rejection needs a reason.
    sign_url = f"{API}approvals/{approval.pk}/sign/"
    assert_error(director.post(sign_url, {"decision": "approve"}, format="json"), 403)
    assert_error(api_client(world, Role.TEACHER).post(f"{API}approvals/{approval.pk}/sign/",
                                                      {"decision": "approve"}, format="json"), 403)
    assert_error(principal.post(f"{API}approvals/{approval.pk}/sign/", {"decision": "reject"}, format="json"))
    assert_error(principal.post(f"{API}approvals/{approval.pk}/sign/", {"decision": "maybe"}, format="json"))
    response = principal.post(f"{API}approvals/{approval.pk}/sign/", {"decision": "approve"}, format="json")
    assert response.status_code == 200 and response.json()["status"] == ApprovalStatus.APPROVED
    assert Voucher.objects.get(pk=approval.object_id).state == "approved"
    # Another district's approval is not found, and nothing is signed.
    assert director.get(f"{API}approvals/{elsewhere.pk}/").status_code == 404
    assert director.post(f"{API}approvals/{elsewhere.pk}/sign/", {"decision": "approve"},
                         format="json").status_code == 404
    assert not elsewhere.signoffs.exists()


def test_buyer_is_refused_on_acceptance_and_two_others_accept(world):
    approval = acceptance(world)
    buyer = api_client(world, Role.BUYER)
    assert buyer.get(f"{API}approvals/inbox/").json()["count"] == 0
    detail = buyer.get(f"{API}approvals/{approval.pk}/").json()
    assert detail["signing_role"] is None and "回避" in detail["why_not"]
    response = buyer.post(f"{API}approvals/{approval.pk}/sign/", {"decision": "approve"}, format="json")
    assert_error(response, 403)
    assert "回避" in response.json()["detail"]
    assert not approval.signoffs.exists()
    keeper, teacher = api_client(world, Role.KEEPER), api_client(world, Role.TEACHER, auth="session")
    assert keeper.post(f"{API}approvals/{approval.pk}/sign/", {"decision": "approve"},
                       format="json").json()["status"] == ApprovalStatus.PENDING
    assert teacher.post(f"{API}approvals/{approval.pk}/sign/", {"decision": "approve"},
                        format="json").json()["status"] == ApprovalStatus.APPROVED
    assert Voucher.objects.get(pk=approval.object_id).state == "accepted"


def test_district_officer_signs_from_his_inbox_in_any_school_of_his_district(world):
    approval = purchase(world, "60000.00", school="b")  # director, principal, district officer
    for role in (Role.DIRECTOR, Role.PRINCIPAL):
        approvals.sign(approval, by=world.user(role, "b"), decision="approve")
    officer = api_client(world, Role.DISTRICT_OFFICER)  # active school: a
    assert [r["id"] for r in officer.get(f"{API}approvals/inbox/").json()["results"]] == [approval.pk]
    assert officer.get(f"{API}approvals/").json()["count"] == 0  # school a has none
    other_officer = api_client(world, Role.DISTRICT_OFFICER, "c")
    assert other_officer.get(f"{API}approvals/inbox/").json()["count"] == 0
    assert other_officer.post(f"{API}approvals/{approval.pk}/sign/", {"decision": "approve"},
                              format="json").status_code == 404
    response = officer.post(f"{API}approvals/{approval.pk}/sign/", {"decision": "approve", "comment": "同意"},
                            format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == ApprovalStatus.APPROVED
    assert response.json()["signoffs"][-1]["role"] == Role.DISTRICT_OFFICER
    # Done: no longer in the inbox, and still readable through X-School.
    assert officer.get(f"{API}approvals/inbox/").json()["count"] == 0
    officer_b = api_client(world, Role.DISTRICT_OFFICER, header="schoolb")
    assert officer_b.get(f"{API}approvals/{approval.pk}/").json()["status"] == ApprovalStatus.APPROVED
    assert officer_b.get(f"{API}approvals/", {"status": "approved"}).json()["count"] == 1
    assert officer_b.get(f"{API}approvals/", {"status": "pending"}).json()["count"] == 0


def test_approval_lists_run_constant_queries(world):
    client = api_client(world, Role.DIRECTOR)
    purchase(world)
    for target in (f"{API}approvals/", f"{API}approvals/inbox/"):
        client.get(target)
        with CaptureQueriesContext(connection) as few:
            assert client.get(target).status_code == 200
        for _ in range(6):
            purchase(world)
        with CaptureQueriesContext(connection) as many:
            assert client.get(target).json()["count"] >= 7
        assert len(many) == len(few) and statements(many) <= 12, [q["sql"] for q in many.captured_queries]


# --- notifications ---------------------------------------------------------------------


def test_notifications_are_own_only_and_can_be_marked_read(world):
    officer_user = world.user(Role.DISTRICT_OFFICER)
    a, b = world.schools["a"], world.schools["b"]
    first = services.notify([officer_user], school=a, title="A校待审批")[0]
    second = services.notify([officer_user], school=b, title="B校待审批")[0]
    services.notify([officer_user], school=b, title="B校证件到期")
    not_mine = services.notify([world.user(Role.DIRECTOR)], school=a, title="主任的通知")[0]
    officer = api_client(world, Role.DISTRICT_OFFICER)
    rows = officer.get(f"{API}notifications/").json()["results"]
    assert {r["title"] for r in rows} == {"A校待审批", "B校待审批", "B校证件到期"}  # any of his schools
    assert {r["school_name"] for r in rows} == {"A小学", "B小学"}
    assert officer.get(f"{API}notifications/{not_mine.pk}/").status_code == 404
    assert officer.get(f"{API}notifications/unread-count/").json() == {"unread": 3}

    response = officer.post(f"{API}notifications/read/", {"ids": [first.pk, not_mine.pk]}, format="json")
    assert response.json() == {"marked": 1, "unread": 2}
    not_mine.refresh_from_db()
    assert not_mine.read_at is None
    unread = officer.get(f"{API}notifications/", {"unread": "true"}).json()["results"]
    assert {r["id"] for r in unread} == {second.pk, second.pk + 1}
    assert all(r["unread"] for r in unread)
    read = officer.get(f"{API}notifications/", {"unread": "false"}).json()["results"]
    assert [r["id"] for r in read] == [first.pk]
    assert_error(officer.post(f"{API}notifications/read/", {"ids": "all"}, format="json"))
    assert_error(officer.post(f"{API}notifications/read/", {"ids": [0]}, format="json"))

    response = officer.post(f"{API}notifications/read/", {}, format="json")  # no ids: all of his
    assert response.json() == {"marked": 2, "unread": 0}
    assert officer.get(f"{API}notifications/unread-count/").json() == {"unread": 0}
    assert Notification.objects.get(pk=not_mine.pk).read_at is None
    director = api_client(world, Role.DIRECTOR, auth="session")
    assert [r["id"] for r in director.get(f"{API}notifications/").json()["results"]] == [not_mine.pk]


def test_notification_list_runs_constant_queries(world):
    user = world.user(Role.TEACHER)
    client = api_client(world, Role.TEACHER)
    services.notify([user], school=world.schools["a"], title="通知")
    client.get(f"{API}notifications/")
    with CaptureQueriesContext(connection) as few:
        assert client.get(f"{API}notifications/").status_code == 200
    for i in range(8):
        services.notify([user], school=world.schools["a"], title=f"通知{i}")
    with CaptureQueriesContext(connection) as many:
        assert client.get(f"{API}notifications/").json()["count"] == 9
    assert len(many) == len(few) and statements(many) <= 12


def test_every_viewset_parses_json_with_the_guarded_parser():
    """One way to read a body: the parsers of the settings (the JSON one refuses bodies nested
    too deep, 1e309 and lone surrogates), on the endpoints that take files too."""
    from rest_framework.settings import api_settings

    from houqin.core.api.parsers import JSONParser
    from houqin.core.api.urls import installed_routes

    for prefix, viewset, _basename in installed_routes():
        assert viewset.parser_classes == api_settings.DEFAULT_PARSER_CLASSES, prefix
    assert JSONParser in api_settings.DEFAULT_PARSER_CLASSES


@pytest.mark.parametrize("path", ["hazards", "person-imports"])
@pytest.mark.parametrize("raw", ['{"name": ' + "[" * 100_000 + "]" * 100_000 + "}", '{"file": "\\ud800"}'],
                         ids=["deep", "surrogate"])
def test_endpoints_that_take_files_refuse_a_hostile_json_body_too(world, path, raw):
    client = api_client(world, Role.DIRECTOR, auth="force")
    response = client.generic("POST", f"{API}{path}/", raw.encode(), content_type="application/json")
    assert response.status_code == 400, response.content[:200]
    assert re.search("嵌套层级过深|无效字符", json.dumps(response.json(), ensure_ascii=False)), response.json()
