"""Issue 15, the input side: holes 5 (webhook SSRF), 7 (input that gave a 500), 8 (text that
breaks files later) and the API's errors in Chinese (10). Each test failed before its fix.
Driven as the demo's roles would: the pages with a logged-in client, the API with APIClient."""

import json
import re
import socket
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from django.test import override_settings
from django.urls import reverse

from houqin.assets.models import Asset
from houqin.core import services
from houqin.core.choices import Role
from houqin.core.models import Campus
from houqin.core.rules import ADD, can
from tests.factories import CampusFactory, RoomFactory

from ..api_contracts import api_client, messages
from ..assets import test_api as asset_api  # as modules: their contract classes run there, not here
from ..assets import test_pages as asset_pages
from ..assets.factories import AssetFactory
from ..conftest import ALL_ROLES
from ..contracts import PAGE_CONTRACTS, url
from ..declared import import_test_modules

import_test_modules()  # every app's page contracts register themselves

CJK = re.compile(r"[\u4e00-\u9fff]")


def chinese(texts):
    texts = list(texts)
    return bool(texts) and all(CJK.search(t) for t in texts)


def post_json(client, path, raw):
    """A raw JSON text as the body (a client library would not send 1e309 or `null`)."""
    return client.generic("POST", f"/api/v1/{path}/", raw.encode(), content_type="application/json")


# --- 5. webhook SSRF ---------------------------------------------------------------------

PUBLIC = "140.207.54.76"  # an address on the Internet (where a robot of 企业微信 could be)


@pytest.fixture
def dns(monkeypatch):
    """Name resolution answered from a table (no network); records the connections tried."""
    table, connected = {}, []

    def getaddrinfo(host, port, *args, **kwargs):
        addresses = table.get(host, [host])
        return [(socket.AF_INET6 if ":" in a else socket.AF_INET, socket.SOCK_STREAM, 6, "", (a, port))
                for a in addresses]

    def create_connection(address, *args, **kwargs):
        connected.append(address)
        raise OSError("no network in the tests")

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    monkeypatch.setattr(socket, "create_connection", create_connection)
    return table, connected


def settings_form(school, **changes):
    return {"name": school.name, "pupils": 1200, "principal_threshold": "1000.00",
            "district_threshold": "50000.00", "capitalisation_threshold": "1000.00", "webhook_kind": "wecom",
            **changes}


INTERNAL = [
    "https://127.0.0.1/robot",
    "https://10.1.2.3/robot",
    "https://192.168.1.1/cgi-bin/webhook/send",
    "https://169.254.169.254/latest/meta-data/",
    "https://[::1]/robot",
    "https://[::ffff:127.0.0.1]/robot",
    "https://localhost/robot",
    "https://robot.intranet.example/send",  # a name that resolves to a private address
    "http://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=x",  # plain http, even to a public host
]


@pytest.mark.parametrize("robot_url", INTERNAL)
def test_robot_url_inside_the_network_is_refused_when_saved(world, dns, robot_url):
    table, _ = dns
    table.update({"localhost": ["127.0.0.1"], "robot.intranet.example": ["192.168.10.5"],
                  "qyapi.weixin.qq.com": [PUBLIC]})
    school = world.schools["a"]
    response = world.client(Role.DIRECTOR).post(reverse("core:school_edit", args=[school.pk]),
                                                settings_form(school, webhook_url=robot_url))
    assert response.status_code == 200
    errors = response.context["form"].errors["webhook_url"]
    assert chinese(errors), errors
    school.refresh_from_db()
    assert school.webhook_url == ""


def test_public_https_robot_url_is_saved(world, dns):
    dns[0]["qyapi.weixin.qq.com"] = [PUBLIC]
    school = world.schools["a"]
    robot_url = "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=abc"
    response = world.client(Role.DIRECTOR).post(reverse("core:school_edit", args=[school.pk]),
                                                settings_form(school, webhook_url=robot_url))
    assert response.status_code == 302
    school.refresh_from_db()
    assert school.webhook_url == robot_url


@pytest.mark.parametrize("answers", [["127.0.0.1"], [PUBLIC, "10.0.0.8"], ["169.254.169.254"], ["fd00::1"]])
def test_sending_checks_every_resolved_address_and_never_connects_inside(dns, answers):
    table, connected = dns
    table["robot.example.cn"] = answers  # saved while public; the name now (also) points inside
    assert services.send_webhook("wecom", "https://robot.example.cn/send", "电梯维保已超期") is None
    assert connected == []


def test_sending_connects_to_the_address_it_checked(dns):
    table, connected = dns
    table["qyapi.weixin.qq.com"] = [PUBLIC]
    services.send_webhook("wecom", "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k", "测试")
    assert connected == [(PUBLIC, 443)]


def test_sending_refuses_other_schemes_and_plain_http(dns):
    _, connected = dns
    for robot_url in ("http://140.207.54.76/send", "ftp://140.207.54.76/x", "file:///etc/passwd"):
        assert services.send_webhook("wecom", robot_url, "hi") is None
    assert connected == []


@pytest.fixture
def redirecting_robot():
    """A robot on 127.0.0.1 that answers with a redirect to another local server."""
    hits = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            hits.append(self.path)
            self.send_response(307 if self.path == "/robot" else 200)
            self.send_header("Location", "/metadata")
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}/robot", hits
    server.shutdown()


def test_an_allowed_internal_relay_is_called_and_its_redirect_not_followed(redirecting_robot):
    robot_url, hits = redirecting_robot
    assert services.send_webhook("wecom", robot_url, "hi") is None  # not allowed by default
    assert hits == []
    with override_settings(HOUQIN_WEBHOOK_ALLOWED_HOSTS=["127.0.0.1"]):
        assert services.send_webhook("wecom", robot_url, "hi") == 307
    assert hits == ["/robot"]


# --- 7. input that gave a 500 ------------------------------------------------------------


def adder(model):
    return next((r for r in ALL_ROLES if can({r}, ADD, model)), None)


@pytest.mark.parametrize("label", sorted(PAGE_CONTRACTS))
def test_a_duplicate_on_an_add_page_is_a_form_error_in_chinese(world, label):
    """Every add page: the same form posted twice. Where the second is a duplicate of a rule
    of the school (one name per school …), it is a form error naming the field, not a 500."""
    contract = PAGE_CONTRACTS[label]()
    model, role = contract.model, adder(contract.model)
    if role is None:
        pytest.skip(f"no role may add {label}")
    client, data = world.client(role), contract.valid_form(world)
    assert client.post(url(model, "add"), data).status_code == 302
    before = model.objects.count()
    second = client.post(url(model, "add"), data)
    if second.status_code == 302:
        pytest.skip(f"{label}: the add form has no field that must be unique")
    assert second.status_code == 200
    form = second.context["form"]
    assert chinese(e for errs in form.errors.values() for e in errs), form.errors
    assert model.objects.count() == before


def test_the_duplicate_names_its_field(world):
    CampusFactory(school=world.schools["a"], name="东校区")
    CampusFactory(school=world.schools["b"], name="西校区")  # another school's name is free
    client = world.client(Role.DIRECTOR)
    response = client.post(url(Campus, "add"), {"name": "东校区", "address": ""})
    assert response.context["form"].errors == {"name": ["校区“东校区”在本校已被使用，请换一个"]}
    assert client.post(url(Campus, "add"), {"name": "西校区", "address": ""}).status_code == 302


@pytest.mark.parametrize("depth", [50, 100_000])
def test_a_deeply_nested_body_is_a_400(world, depth):
    client = api_client(world, Role.DIRECTOR, auth="force")
    response = post_json(client, "campuses", '{"name": ' + "[" * depth + "]" * depth + "}")
    assert response.status_code == 400
    assert chinese(messages(response.json())), response.json()
    assert not Campus.objects.exists()


def test_a_foreign_key_of_1e309_is_a_400_naming_the_field(world):
    client = api_client(world, Role.DIRECTOR, auth="force")
    response = post_json(client, "buildings", '{"campus": 1e309, "name": "综合楼", "floors": 4}')
    assert response.status_code == 400
    assert list(response.json()) == ["campus"] and chinese(messages(response.json()))


@pytest.mark.parametrize("field", ["name", "address"])
def test_a_lone_surrogate_is_a_400_naming_the_field(world, field):
    client = api_client(world, Role.DIRECTOR, auth="force")
    body = {"name": "东校区", "address": "施州大道"}
    body[field] = "\ud800"
    response = post_json(client, "campuses", json.dumps(body))  # the escape \\ud800, as JSON sends it
    assert response.status_code == 400
    assert list(response.json()) == [field] and chinese(messages(response.json())), response.json()
    assert not Campus.objects.exists()


def test_a_lone_surrogate_in_a_choice_is_a_400(world):
    client = api_client(world, Role.KEEPER, auth="force")
    payload = {**asset_api.TestAssetApi().valid_payload(world), "kind": "\ud800"}
    response = post_json(client, "assets", json.dumps(payload))
    assert response.status_code == 400 and "kind" in response.json()


@pytest.mark.parametrize("year", ["0", "10000", "-1", "99999999999"])
def test_a_purchase_year_out_of_the_calendar_is_a_400_naming_the_filter(world, year):
    AssetFactory(school=world.schools["a"], room=RoomFactory(school=world.schools["a"]))
    response = api_client(world, Role.KEEPER, auth="force").get("/api/v1/assets/", {"purchase_year": year})
    assert response.status_code == 400
    assert list(response.json()) == ["purchase_year"] and chinese(messages(response.json()))


def test_a_purchase_year_out_of_the_calendar_on_the_list_page_is_no_500(world):
    response = world.client(Role.KEEPER).get(url(Asset, "list"), {"purchase_year": "0"})
    assert response.status_code == 200


# --- 8. text that breaks files later ------------------------------------------------------


def test_api_refuses_control_characters_in_an_asset_name(world):
    client = api_client(world, Role.KEEPER, auth="force")
    response = client.post("/api/v1/assets/", {**asset_api.TestAssetApi().valid_payload(world), "name": "投影机\x01"},
                           format="json")
    assert response.status_code == 400
    assert list(response.json()) == ["name"] and chinese(messages(response.json()))
    assert not Asset.objects.exists()


def test_api_refuses_control_characters_in_an_event_note(world):
    asset = AssetFactory(school=world.schools["a"], room=RoomFactory(school=world.schools["a"]))
    events = asset.events.count()
    client = api_client(world, Role.KEEPER, auth="force")
    response = client.post(f"/api/v1/assets/{asset.pk}/move/",
                           {"room": RoomFactory(school=world.schools["a"]).pk, "note": "搬到\x0b三楼"}, format="json")
    assert response.status_code == 400
    assert list(response.json()) == ["note"] and chinese(messages(response.json()))
    assert asset.events.count() == events


def test_api_keeps_tabs_and_newlines(world):
    client = api_client(world, Role.KEEPER, auth="force")
    payload = {**asset_api.TestAssetApi().valid_payload(world), "notes": "第一行\n第二行\r\n\t缩进"}
    assert client.post("/api/v1/assets/", payload, format="json").status_code == 201
    assert Asset.objects.get().notes == "第一行\n第二行\r\n\t缩进"


def test_page_refuses_control_characters_in_an_asset_name(world):
    form = {**asset_pages.TestAssetPages().valid_form(world), "name": "投影机\x01"}
    response = world.client(Role.KEEPER).post(reverse("assets:asset_add"), form)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert list(errors) == ["name"] and chinese(errors["name"])
    assert not Asset.objects.exists()


def test_page_refuses_control_characters_in_an_event_note(world):
    asset = AssetFactory(school=world.schools["a"], room=RoomFactory(school=world.schools["a"]))
    room = RoomFactory(school=world.schools["a"])
    response = world.client(Role.KEEPER).post(reverse("assets:asset_move", args=[asset.pk]),
                                              {"move-room": room.pk, "move-note": "搬到\x1b三楼"}, follow=True)
    shown = [str(m) for m in response.context["messages"]]
    assert any("控制字符" in m for m in shown), shown
    asset.refresh_from_db()
    assert asset.room_id != room.pk


# --- 10 (part). the API's errors are Chinese ------------------------------------------------


@pytest.mark.parametrize("raw", ["null", "{}", '{"name": 5, "address": []}', '[1, 2]'])
def test_api_errors_are_chinese(world, raw):
    client = api_client(world, Role.DIRECTOR, auth="force")
    response = post_json(client, "campuses", raw)
    assert response.status_code == 400
    assert chinese(messages(response.json())), response.json()


@pytest.mark.parametrize("form_class, data, field", [
    ("houqin.assets.views.stocktakes.LineForm", {"action": "save", "note": "盘\x01点"}, "note"),
    ("houqin.procurement.forms.RequestLineForm", {"description": "投影\x01机", "quantity": "1", "unit_price": "1"},
     "description"),
])
@pytest.mark.django_db
def test_plain_forms_refuse_control_characters(form_class, data, field):
    from django.utils.module_loading import import_string

    form = import_string(form_class)(data=data)
    assert not form.is_valid()
    assert "控制字符" in str(form.errors[field])
