"""Sign-in, sign-out, lock-out and two-factor sign-in, through the pages a person uses."""

import gettext
import importlib
import re
from pathlib import Path

import pytest
from axes.models import AccessAttempt
from axes.utils import reset as axes_reset
from django.conf import settings
from django.contrib.auth.hashers import check_password, identify_hasher, make_password
from django.contrib.sessions.backends.db import SessionStore
from django.test import Client
from django.utils import translation
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from houqin.core.choices import Role

LOGIN, LOGOUT, HOME = "/login/", "/logout/", "/"
SETUP, VERIFY = "/account/2fa/setup/", "/account/2fa/verify/"


@pytest.fixture(autouse=True)
def clear_axes(db):
    """Failed-login counters must not leak from one test into the next."""
    axes_reset()
    yield
    AccessAttempt.objects.all().delete()


@pytest.fixture(autouse=True)
def default_language():
    """A request in English leaves English active in this thread; put Chinese back."""
    yield
    translation.activate(settings.LANGUAGE_CODE)


def sign_in(client, username, password="pw"):
    return client.post(LOGIN, {"username": username, "password": password})


def code_for(device, drift=0):
    """The code the phone would show now (drift=1: the next 30-second step)."""
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift + drift):06d}"


# --- Sign-in and sign-out -----------------------------------------------------------


def test_login_page_is_chinese(db):
    response = Client().get(LOGIN)
    assert response.status_code == 200
    html = response.content.decode()
    assert "登录" in html and "用户名" in html and "密码" in html
    assert '<html lang="zh-hans">' in html


def test_the_browser_language_does_not_switch_to_the_partial_english(db):
    response = Client(HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").get(LOGIN)
    html = response.content.decode()
    assert '<html lang="zh-hans">' in html and "登录" in html
    assert response["Content-Language"] == "zh-hans"


def test_login_page_in_english_after_switching_language(db):
    client = Client()
    response = client.post("/i18n/setlang/", {"language": "en", "next": LOGIN})
    assert response.status_code == 302
    html = client.get(LOGIN).content.decode()
    assert "Log in" in html and "Username" in html and "Password" in html
    assert '<html lang="en">' in html
    assert "登录" not in html
    # and back
    client.post("/i18n/setlang/", {"language": "zh-hans", "next": LOGIN})
    assert "登录" in client.get(LOGIN).content.decode()


def test_sidebar_follows_the_language(world):
    client = world.client(Role.DIRECTOR)
    html = client.get(HOME).content.decode()
    assert "工作台" in html and "教职工" in html
    client.post("/i18n/setlang/", {"language": "en", "next": HOME})
    html = client.get(HOME).content.decode()
    assert "Workbench" in html and "Staff" in html and "Log out" in html
    assert "教职工" not in html


SHELL_TEMPLATES = ["templates/base.html", "core/templates/core/login.html",
                   "core/templates/core/_language.html"]
CATALOG = Path(settings.BASE_DIR) / "locale" / "en" / "LC_MESSAGES"


def test_english_catalog_covers_the_page_shell_and_menu():
    msgids = set()
    for name in SHELL_TEMPLATES:
        text = (Path(settings.BASE_DIR) / name).read_text(encoding="utf-8")
        msgids |= set(re.findall(r"""{%\s*trans\s+["']([^"']+)["']""", text))
    menu = (Path(settings.BASE_DIR) / "core" / "menu.py").read_text(encoding="utf-8")
    msgids |= set(re.findall(r"""\b_\(["']([^"']+)["']\)""", menu))  # other apps bring their own
    assert "登录" in msgids and "教职工" in msgids
    with translation.override("en"):
        missing = [m for m in sorted(msgids) if translation.gettext(m) == m]
    assert missing == []


def test_compiled_catalog_matches_the_po_file():
    po = (CATALOG / "django.po").read_text(encoding="utf-8")
    pairs = dict(re.findall(r'^msgid "(.+)"\nmsgstr "(.*)"$', po, flags=re.M))
    with open(CATALOG / "django.mo", "rb") as mo:
        compiled = gettext.GNUTranslations(mo)
    assert pairs and all(compiled.gettext(k) == v for k, v in pairs.items()), "run msgfmt on django.po"


def test_user_logs_in_with_the_form_and_lands_on_home(world):
    client = Client()
    response = sign_in(client, "a.director")
    assert response.status_code == 302 and response.url == "/"
    response = client.get(HOME)
    assert response.status_code == 200
    assert response.context["user"] == world.user(Role.DIRECTOR)
    assert world.schools["a"].name in response.content.decode()


def test_login_honours_a_safe_next_only(world):
    client = Client()
    response = client.post(LOGIN, {"username": "a.director", "password": "pw", "next": "/people/"})
    assert response.url == "/people/"
    client = Client()
    response = client.post(LOGIN, {"username": "a.director", "password": "pw", "next": "https://evil.example/"})
    assert response.url == "/"


def test_wrong_password_shows_a_chinese_error(world):
    response = sign_in(Client(), "a.director", "nope")
    assert response.status_code == 200
    assert "用户名或密码不正确" in response.content.decode()
    assert "_auth_user_id" not in response.wsgi_request.session


def test_session_key_rotates_at_login(world):
    client = Client()
    session = client.session  # an anonymous session, e.g. planted by an attacker
    session["planted"] = True
    session.save()
    client.cookies[settings.SESSION_COOKIE_NAME] = session.session_key
    before = session.session_key
    assert client.cookies[settings.SESSION_COOKIE_NAME].value == before

    sign_in(client, "a.director")
    after = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert after and after != before
    assert not SessionStore().exists(before)
    assert SessionStore(session_key=after).get("_auth_user_id") == str(world.user(Role.DIRECTOR).pk)


def test_logout_ends_the_session(world):
    client = Client()
    sign_in(client, "a.director")
    key = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert client.get(HOME).status_code == 200

    response = client.post(LOGOUT)
    assert response.status_code == 302 and response.url == LOGIN
    assert not SessionStore().exists(key)
    response = client.get(HOME)
    assert response.status_code == 302 and response.url.startswith(LOGIN)
    # the old cookie is worth nothing either
    replay = Client()
    replay.cookies[settings.SESSION_COOKIE_NAME] = key
    assert replay.get(HOME).status_code == 302


def test_logout_by_get_is_refused(world):
    client = world.client(Role.DIRECTOR)
    assert client.get(LOGOUT).status_code == 405
    assert client.get(HOME).status_code == 200  # still signed in


def test_inactive_user_cannot_log_in(world):
    user = world.user(Role.TEACHER)
    user.is_active = False
    user.save()
    client = Client()
    response = sign_in(client, "a.teacher")
    assert response.status_code == 200
    assert "用户名或密码不正确" in response.content.decode()
    assert client.get(HOME).status_code == 302


def test_deactivation_ends_open_sessions(world):
    client = Client()
    sign_in(client, "a.teacher")
    assert client.get(HOME).status_code == 200
    user = world.user(Role.TEACHER)
    user.is_active = False
    user.save()
    response = client.get(HOME)
    assert response.status_code == 302 and response.url.startswith(LOGIN)


def test_staff_sessions_expire_when_idle():
    assert settings.SESSION_COOKIE_AGE <= 8 * 3600
    # The age counts from the last renewal, at most half an age before the last request
    # (SessionRenewalMiddleware, tests/core/test_no_write_on_read.py): a read writes nothing.
    assert not settings.SESSION_SAVE_EVERY_REQUEST
    assert "houqin.core.middleware.SessionRenewalMiddleware" in settings.MIDDLEWARE
    assert settings.SESSION_COOKIE_HTTPONLY


# --- Lock-out after repeated failures (django-axes) ---------------------------------


def test_five_failures_lock_the_account(world):
    assert settings.AXES_FAILURE_LIMIT == 5
    client = Client()
    for _ in range(4):
        response = sign_in(client, "a.director", "wrong")
        assert response.status_code == 200
    response = sign_in(client, "a.director", "wrong")
    assert response.status_code == 429

    response = sign_in(client, "a.director", "pw")  # even the right password
    assert response.status_code == 429
    html = response.content.decode()
    assert "锁定" in html
    assert "_auth_user_id" not in client.session
    assert client.get(HOME).status_code == 302


def test_lockout_is_per_account(world):
    client = Client()
    for _ in range(5):
        sign_in(client, "a.director", "wrong")
    assert sign_in(client, "a.director", "pw").status_code == 429
    assert sign_in(Client(), "a.teacher", "pw").status_code == 302


def test_success_before_the_limit_resets_the_count(world):
    client = Client()
    for _ in range(4):
        sign_in(client, "a.director", "wrong")
    assert sign_in(client, "a.director", "pw").status_code == 302
    client.post(LOGOUT)
    for _ in range(4):
        assert sign_in(client, "a.director", "wrong").status_code == 200
    assert sign_in(client, "a.director", "pw").status_code == 302


def test_axes_state_is_clean_between_tests(db):
    assert not AccessAttempt.objects.exists()


# --- Password hashing -----------------------------------------------------------------


def test_production_hashes_passwords_with_argon2(settings):
    production = importlib.import_module("houqin.settings")
    assert production.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"
    settings.PASSWORD_HASHERS = production.PASSWORD_HASHERS  # tests run with MD5 for speed
    encoded = make_password("houqin-demo")
    assert encoded.startswith("argon2$argon2id$")
    assert identify_hasher(encoded).algorithm == "argon2"
    assert check_password("houqin-demo", encoded)


def test_passwords_are_never_stored_in_clear(world):
    user = world.user(Role.DIRECTOR)
    assert user.password != "pw" and user.check_password("pw")


# --- Two-factor sign-in (TOTP) ----------------------------------------------------------


@pytest.fixture
def strict_school(world):
    school = world.schools["a"]
    school.require_two_factor = True
    school.save()
    return school


def test_director_without_device_must_enrol_then_verify(world, strict_school):
    director = world.user(Role.DIRECTOR)
    client = Client()
    response = sign_in(client, "a.director")
    assert response.status_code == 302
    for path in (HOME, "/people/", "/approvals/"):
        response = client.get(path)
        assert response.status_code == 302 and response.url == SETUP, path

    response = client.get(SETUP)
    assert response.status_code == 200
    html = response.content.decode()
    assert "开启两步验证" in html and "<svg" in html
    device = TOTPDevice.objects.get(user=director)
    assert not device.confirmed

    response = client.post(SETUP, {"token": code_for(device)})
    assert response.status_code == 302 and response.url == "/"
    device.refresh_from_db()
    assert device.confirmed
    assert client.get(HOME).status_code == 200
    assert client.get("/people/").status_code == 200
    client.post(LOGOUT)

    # a later, fresh sign-in asks for a code before anything else
    client = Client()
    assert sign_in(client, "a.director").status_code == 302
    for path in (HOME, "/people/", SETUP):  # not even enrolling a new device skips the code
        response = client.get(path)
        assert response.status_code == 302 and response.url == VERIFY, path
    assert TOTPDevice.objects.filter(user=director).count() == 1
    response = client.get(VERIFY)
    assert response.status_code == 200 and "两步验证" in response.content.decode()
    response = client.post(VERIFY, {"token": code_for(device, drift=1)})  # the enrolment code is spent
    assert response.status_code == 302 and response.url == "/"
    assert client.get(HOME).status_code == 200
    assert client.get("/people/").status_code == 200


def test_wrong_code_gives_a_chinese_error(world, strict_school):
    director = world.user(Role.DIRECTOR)
    client = Client()
    sign_in(client, "a.director")
    client.get(SETUP)
    device = TOTPDevice.objects.get(user=director)
    good = code_for(device)
    wrong = "000000" if good != "000000" else "111111"

    response = client.post(SETUP, {"token": wrong})
    assert response.status_code == 200
    assert "验证码不正确" in response.content.decode()
    device.refresh_from_db()
    assert not device.confirmed
    assert client.get(HOME).url == SETUP

    response = client.post(SETUP, {"token": "12ab"})
    assert response.status_code == 200
    assert "6 位数字" in response.content.decode()

    # with a confirmed device, a wrong code at sign-in is refused in Chinese too
    device.confirmed = True
    device.save()
    client = Client()
    sign_in(client, "a.director")
    response = client.post(VERIFY, {"token": wrong})
    assert response.status_code == 200
    assert "验证码不正确或已过期" in response.content.decode()
    assert client.get(HOME).url == VERIFY


def test_verify_does_not_redirect_off_site(world, strict_school):
    director = world.user(Role.DIRECTOR)
    device = TOTPDevice.objects.create(user=director, name="验证器", confirmed=True)
    client = Client()
    sign_in(client, "a.director")
    response = client.post(f"{VERIFY}?next=https://evil.example/", {"token": code_for(device)})
    assert response.status_code == 302 and response.url == "/"


def test_teacher_at_the_same_school_is_not_asked(world, strict_school):
    client = Client()
    sign_in(client, "a.teacher")
    response = client.get(HOME)
    assert response.status_code == 200
    assert not TOTPDevice.objects.filter(user=world.user(Role.TEACHER)).exists()


@pytest.mark.parametrize("role", [Role.PRINCIPAL, Role.ACCOUNTANT])
def test_other_covered_roles_are_asked(world, strict_school, role):
    client = Client()
    sign_in(client, f"a.{role}")
    assert client.get(HOME).url == SETUP


def test_director_elsewhere_is_not_asked(world, strict_school):
    client = Client()
    sign_in(client, "b.director")
    assert client.get(HOME).status_code == 200


def test_a_voluntary_device_is_enforced(world):
    """A teacher who enrolled of his own accord is asked for the code at every sign-in."""
    teacher = world.user(Role.TEACHER)
    TOTPDevice.objects.create(user=teacher, name="验证器", confirmed=True)
    client = Client()
    sign_in(client, "a.teacher")
    assert client.get(HOME).url == VERIFY
