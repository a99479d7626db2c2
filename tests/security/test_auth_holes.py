"""Issue 15, holes 1–4 and 10: each test drives the pages and the API as the demo's roles
would, and each failed before its fix."""

import datetime
import re

import pytest
from axes.models import AccessAttempt
from axes.utils import reset as axes_reset
from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import models
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.test import APIClient

from houqin.core import services
from houqin.core.choices import Role
from houqin.core.models import Attachment, Membership
from houqin.core.rules import VIEW, can
from houqin.core.tenancy import roles_in
from tests.conftest import ALL_ROLES
from tests.factories import PersonFactory

API, TOKEN_URL, VERIFY = "/api/v1/", "/api/v1/auth/token/", "/account/2fa/verify/"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PROXY = "127.0.0.1"  # the nginx of deploy/, on the same host


@pytest.fixture(autouse=True)
def clean_counters(db):
    """Lockouts and throttle counts must not leak from one test into the next."""
    axes_reset()
    cache.clear()
    yield
    AccessAttempt.objects.all().delete()
    cache.clear()


@pytest.fixture
def strict_school(world):
    school = world.schools["a"]
    school.require_two_factor = True
    school.save()
    return school


def code_for(device):
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"


def ask_token(username, password="pw", client=None, **extra):
    return (client or APIClient()).post(TOKEN_URL, {"username": username, "password": password, **extra},
                                        format="json")


def token_client(key):
    return APIClient(HTTP_AUTHORIZATION=f"Token {key}")


# --- 1. Two-factor on the API ----------------------------------------------------------


def test_hole1_a_covered_role_gets_no_token_with_the_password_alone(world, strict_school):
    """The school asks for two-factor sign-in: the director gets no token with his password
    only, enrolled or not; with a device and its code he does."""
    response = ask_token("a.director")
    assert response.status_code == 400 and "token" not in response.json()
    assert "两步验证" in str(response.json())
    device = TOTPDevice.objects.create(user=world.user(Role.DIRECTOR), name="验证器", confirmed=True)
    assert ask_token("a.director").status_code == 400
    response = ask_token("a.director", otp=code_for(device))
    assert response.status_code == 200
    assert token_client(response.json()["token"]).get(f"{API}rooms/").status_code == 200


def test_hole1_a_covered_role_elsewhere_is_asked_too(world, strict_school):
    """A token works in every school of its owner (X-School), so the code is asked when any of
    them asks for it: a director of a and b (only a strict) still needs it."""
    director_b = world.user(Role.DIRECTOR, "b")
    Membership.objects.create(user=director_b, school=strict_school, role=Role.DIRECTOR)
    assert ask_token("b.director").status_code == 400
    assert ask_token("a.teacher").status_code == 200  # the teacher's role is not covered


def test_hole1_a_session_that_has_not_passed_two_factor_gets_403_on_the_api(world, strict_school):
    client = Client()
    assert client.post("/login/", {"username": "a.director", "password": "pw"}).status_code == 302
    for path in ("rooms/", "people/", "schools/mine/", "approvals/inbox/"):
        response = client.get(f"{API}{path}")
        assert response.status_code == 403, path
        assert "两步验证" in response.json()["detail"]
    device = TOTPDevice.objects.create(user=world.user(Role.DIRECTOR), name="验证器", confirmed=True)
    assert client.post(VERIFY, {"token": code_for(device)}).status_code == 302
    assert client.get(f"{API}rooms/").status_code == 200


def test_hole1_an_enrolled_teacher_needs_the_code_in_the_session_too(world):
    teacher = world.user(Role.TEACHER)
    TOTPDevice.objects.create(user=teacher, name="验证器", confirmed=True)
    client = APIClient()
    client.force_login(teacher)
    assert client.get(f"{API}campuses/").status_code == 403
    assert ask_token("a.teacher").status_code == 400


def test_hole1_the_schema_documents_the_code(db):
    schema = APIClient().get(f"{API}schema/?format=json").json()
    body = schema["components"]["schemas"]["TokenRequest"]["properties"]
    assert "otp" in body and "两步验证" in body["otp"]["description"]


# --- 2. Attachments follow the record ---------------------------------------------------


def test_hole2_a_certificate_scan_downloads_exactly_where_the_certificate_opens(world):
    from houqin.core.views.generic import model_url
    from tests.factories import CertificateFactory

    certificate = CertificateFactory(school=world.schools["a"], person=PersonFactory(school=world.schools["a"]))
    scan = services.attach(certificate, SimpleUploadedFile("健康证.png", PNG), by=world.user(Role.DIRECTOR),
                           kind="scan")
    content_type = ContentType.objects.get_for_model(certificate).pk
    for role in ALL_ROLES:
        client, roles = world.client(role), roles_in(world.user(role), world.schools["a"])
        opens = client.get(model_url(type(certificate), "detail", certificate.pk)).status_code == 200
        assert opens == can(roles, VIEW, certificate), role
        download = client.get(scan.get_absolute_url())
        assert download.status_code == (200 if opens else 404), role
        upload = client.post(reverse("core:attachment_upload", args=[content_type, certificate.pk]),
                             {"kind": "scan", "file": SimpleUploadedFile("a.png", PNG)})
        assert upload.status_code in ((302, 403) if opens else (403, 404)), role
    guard = world.client(Role.GUARD)
    assert guard.get(scan.get_absolute_url()).status_code == 404
    assert Attachment.objects.count() == 1 + sum(
        1 for role in ALL_ROLES if can(roles_in(world.user(role), world.schools["a"]), "add", Attachment)
        and can(roles_in(world.user(role), world.schools["a"]), VIEW, certificate))


def test_hole2_an_asset_category_takes_no_attachment_400(world):
    from houqin.assets.models import Category

    category = Category.objects.order_by("pk").first()
    content_type = ContentType.objects.get_for_model(category).pk
    response = world.client(Role.DIRECTOR).post(reverse("core:attachment_upload", args=[content_type, category.pk]),
                                                {"kind": "photo", "file": SimpleUploadedFile("a.png", PNG)})
    assert response.status_code == 400 and "不能添加附件" in response.content.decode()
    assert not Attachment.objects.exists()


def test_hole2_the_api_has_no_attachment_route_that_could_skip_the_record(db):
    schema = APIClient().get(f"{API}schema/?format=json").json()
    assert not [path for path in schema["paths"] if "attach" in path]


# --- 3. Tokens -------------------------------------------------------------------------


def a_token(username="a.director"):
    response = ask_token(username)
    assert response.status_code == 200, response.content
    key = response.json()["token"]
    assert token_client(key).get(f"{API}campuses/").status_code == 200
    return key


def test_hole3_the_token_is_stored_hashed(world):
    key = a_token()
    for model in apps.get_models():
        for field in model._meta.get_fields():
            if isinstance(field, models.CharField | models.TextField) and not field.is_relation:
                assert not model._default_manager.filter(**{field.name: key}).exists(), (model, field.name)


def test_hole3_a_password_change_revokes_the_token(world):
    key = a_token()
    user = world.user(Role.DIRECTOR)
    user.set_password("a-new-Passw0rd")
    user.save()
    assert token_client(key).get(f"{API}campuses/").status_code == 401


def test_hole3_a_password_change_on_the_account_page_revokes_the_token(world):
    key = a_token()
    client = world.client(Role.DIRECTOR)
    response = client.post(reverse("core:password_change"), {
        "old_password": "pw", "new_password1": "a-new-Passw0rd", "new_password2": "a-new-Passw0rd"})
    assert response.status_code == 302
    assert token_client(key).get(f"{API}campuses/").status_code == 401
    assert client.get(reverse("core:account")).status_code == 200  # the session stays


def test_hole3_deactivation_revokes_the_token(world):
    key = a_token()
    user = world.user(Role.DIRECTOR)
    user.is_active = False
    user.save()
    user.is_active = True
    user.save()
    assert token_client(key).get(f"{API}campuses/").status_code == 401


def test_hole3_removal_from_the_school_revokes_the_token(world):
    key = a_token("a.keeper")
    membership = Membership.objects.get(user=world.user(Role.KEEPER))
    services.revoke_role(membership, by=world.user(Role.PRINCIPAL))
    Membership.objects.create(user=world.user(Role.KEEPER), school=world.schools["b"], role=Role.KEEPER)
    assert token_client(key).get(f"{API}campuses/").status_code == 401


def test_hole3_a_token_expires_after_the_idle_days(world, settings):
    from houqin.core.models import ApiToken

    key = a_token()
    idle = datetime.timedelta(days=settings.HOUQIN_TOKEN_IDLE_DAYS)
    assert idle == datetime.timedelta(days=30)
    ApiToken.objects.update(last_used_at=timezone.now() - idle + datetime.timedelta(hours=2))
    assert token_client(key).get(f"{API}campuses/").status_code == 200  # used: the clock restarts
    ApiToken.objects.update(last_used_at=timezone.now() - idle - datetime.timedelta(minutes=1))
    response = token_client(key).get(f"{API}campuses/")
    assert response.status_code == 401 and "过期" in response.json()["detail"]
    assert not ApiToken.objects.exists()


def test_hole3_tokens_are_listed_and_revoked_on_the_own_page(world):
    key, other = a_token(), a_token("a.teacher")
    client = world.client(Role.DIRECTOR)
    page = client.get(reverse("core:account"))
    html = page.content.decode()
    assert page.status_code == 200 and key[:8] in html and other[:8] not in html and key not in html
    from houqin.core.models import ApiToken

    mine = ApiToken.objects.get(user=world.user(Role.DIRECTOR))
    theirs = ApiToken.objects.get(user=world.user(Role.TEACHER))
    assert client.post(reverse("core:token_revoke", args=[theirs.pk])).status_code == 404
    assert token_client(other).get(f"{API}campuses/").status_code == 200
    assert client.post(reverse("core:token_revoke", args=[mine.pk])).status_code == 302
    assert token_client(key).get(f"{API}campuses/").status_code == 401
    assert Client().get(reverse("core:account")).status_code == 302  # anonymous: the login


# --- 4. Throttling and lockout behind a proxy --------------------------------------------


@override_settings(HOUQIN_TRUSTED_PROXIES=[])
def test_hole4_a_changing_forwarded_for_from_an_untrusted_peer_does_not_bypass_the_throttle(world, monkeypatch):
    from rest_framework.throttling import SimpleRateThrottle

    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", {"token": "3/min", "token_user": "100/min"})
    codes = [APIClient(REMOTE_ADDR="203.0.113.9", HTTP_X_FORWARDED_FOR=f"198.51.100.{i}").post(
        TOKEN_URL, {"username": f"x{i}", "password": "pw"}, format="json").status_code for i in range(5)]
    assert codes[:3] == [400] * 3 and codes[3:] == [429, 429]


@override_settings(HOUQIN_TRUSTED_PROXIES=[PROXY])
def test_hole4_the_throttle_counts_the_client_behind_the_proxy_and_the_username(world, monkeypatch):
    from rest_framework.throttling import SimpleRateThrottle

    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", {"token": "3/min", "token_user": "2/min"})

    def ask(client_address, username):
        return APIClient(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=client_address).post(
            TOKEN_URL, {"username": username, "password": "pw"}, format="json").status_code

    assert [ask("198.51.100.1", f"u{i}") for i in range(4)] == [400, 400, 400, 429]
    assert ask("198.51.100.2", "a.teacher") == 200  # another client behind the same proxy
    assert [ask(f"198.51.100.{10 + i}", "a.keeper") for i in range(3)] == [200, 200, 429]  # one username


@override_settings(HOUQIN_TRUSTED_PROXIES=[PROXY])
def test_hole4_one_attacker_does_not_lock_out_the_school(world):
    def sign_in(client_address, username, password):
        return Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=client_address).post(
            "/login/", {"username": username, "password": password}).status_code

    for username in ("a.director", "a.teacher", "a.keeper"):
        assert [sign_in("198.51.100.66", username, "wrong") for _ in range(5)][-1] == 429
        assert sign_in("198.51.100.66", username, "pw") == 429  # the attacker is locked out
        assert sign_in("192.0.2.10", username, "pw") == 302  # the school's staff are not
    response = APIClient(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="192.0.2.10").post(
        TOKEN_URL, {"username": "a.director", "password": "pw"}, format="json")
    assert response.status_code == 200


@override_settings(HOUQIN_TRUSTED_PROXIES=[])
def test_hole4_an_untrusted_forwarded_for_does_not_dodge_the_lockout(world):
    codes = [Client(REMOTE_ADDR="203.0.113.9", HTTP_X_FORWARDED_FOR=f"198.51.100.{i}").post(
        "/login/", {"username": "a.director", "password": "wrong"}).status_code for i in range(6)]
    assert codes[-2:] == [429, 429]


def test_hole4_the_client_address_reads_forwarded_for_only_through_trusted_proxies(rf, settings):
    from houqin.core.middleware import client_address

    settings.HOUQIN_TRUSTED_PROXIES = ["127.0.0.1", "10.0.0.0/8"]
    request = rf.get("/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="6.6.6.6, 198.51.100.7, 10.1.2.3")
    assert client_address(request) == "198.51.100.7"  # the first address no trusted proxy added
    assert client_address(rf.get("/", REMOTE_ADDR="203.0.113.9", HTTP_X_FORWARDED_FOR="1.2.3.4")) == "203.0.113.9"
    assert client_address(rf.get("/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="junk")) == "127.0.0.1"
    settings.HOUQIN_TRUSTED_PROXIES = []
    assert client_address(rf.get("/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="1.2.3.4")) == "127.0.0.1"


# --- 10. Smaller ones ------------------------------------------------------------------------


def test_hole10_the_api_and_pages_with_personal_data_are_not_stored(world):
    director = world.client(Role.DIRECTOR)
    for response in (director.get("/"), director.get("/people/"), director.get(f"{API}people/"),
                     APIClient().get(f"{API}people/"), ask_token("a.director"), ask_token("a.director", "x")):
        assert "no-store" in response.get("Cache-Control", ""), response.wsgi_request.path


def test_hole10_the_server_header_names_no_version():
    """nginx (deploy/) hides its version; gunicorn behind it says only “gunicorn”."""
    from pathlib import Path

    import gunicorn

    deploy = Path(__file__).resolve().parents[2] / "deploy"
    assert "server_tokens off;" in (deploy / "nginx.conf").read_text()
    assert "HOUQIN_TRUSTED_PROXIES=127.0.0.1" in (deploy / "houqin.env.example").read_text()
    assert gunicorn.SERVER == "gunicorn"


def test_hole10_login_and_token_say_the_same_for_an_unknown_and_a_known_username(world):
    inactive = world.user(Role.GUARD)
    inactive.is_active = False
    inactive.save()
    pages = [Client().post("/login/", {"username": name, "password": "wrong" if name == "a.director" else "pw"})
             for name in ("a.director", "nobody", "a.guard")]
    assert {p.status_code for p in pages} == {200}
    forms = {re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", p.content.decode().split("<form")[1]
                    .split("</form>")[0]).replace(n, "") for p, n in zip(pages, ("a.director", "nobody", "a.guard"),
                                                                         strict=True)}
    assert len(forms) == 1 and "用户名或密码不正确" in forms.pop()
    answers = [ask_token("a.director", "wrong"), ask_token("nobody"), ask_token("a.guard")]
    assert {a.status_code for a in answers} == {400}
    assert len({str(a.json()) for a in answers}) == 1


def test_hole10_a_role_is_granted_only_to_accounts_of_the_own_district(world):
    principal = world.client(Role.PRINCIPAL)
    response = principal.post(reverse("core:membership_add"), {"username": "c.keeper", "role": Role.KEEPER})
    assert response.status_code == 200 and "其他辖区" in response.content.decode()
    assert not Membership.objects.filter(user=world.user(Role.KEEPER, "c"), school=world.schools["a"]).exists()
    response = principal.post(reverse("core:membership_add"), {"username": "b.keeper", "role": Role.KEEPER})
    assert response.status_code == 302  # school b is in the same district
    found = principal.get(reverse("core:membership_add"), {"q": "keeper"}).content.decode()
    assert "b.keeper" in found and "c.keeper" not in found
