"""Security figures: response headers, the production settings check, escaping of hostile
text, no external hosts on any page (the app must work on a school intranet)."""

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.test import Client, override_settings

from houqin.core.choices import Role

from ..factories import PersonFactory

PAYLOAD = "<script>alert(1)</script>"
ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;"
ROOT = Path(__file__).resolve().parents[2]


def production_env(tmp_path, **extra):
    """The environment of a production server: DEBUG off, a long random key, HTTPS."""
    # Nothing of the test run leaks in (e.g. DJANGO_ALLOW_ASYNC_UNSAFE, set by browser tests,
    # is itself a deployment error).
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("DJANGO_", "HOUQIN_", "AXES_")) and k not in {"DATABASE_URL", "DEBUG"}}
    env.update({
        "DJANGO_SETTINGS_MODULE": "houqin.settings",
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(60),
        "HOUQIN_HTTPS": "1",
        "ALLOWED_HOSTS": "houqin.example.edu.cn",
        "CSRF_TRUSTED_ORIGINS": "https://houqin.example.edu.cn",
        "HOUQIN_VAR_DIR": str(tmp_path / "var"),
        "PYTHONPATH": str(ROOT / "src"),
        **extra,
    })
    return env


def run_python(code, env):
    return subprocess.run([sys.executable, "-c", code], env=env, cwd=ROOT, capture_output=True, text=True,
                          timeout=120)


# --- Headers --------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["anonymous", "director"])
def test_security_headers_on_pages(world, who):
    client = Client() if who == "anonymous" else world.client(Role.DIRECTOR)
    response = client.get("/login/" if who == "anonymous" else "/")
    assert response.status_code == 200
    csp = response.headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in csp
    assert "default-src 'self'" in csp
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp.split("script-src")[1].split(";")[0]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert "Permissions-Policy" in response.headers


def test_security_headers_on_errors(world):
    response = world.client(Role.DIRECTOR).get("/people/999999999/")
    assert response.status_code == 404
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_no_hsts_over_plain_http_in_tests(db):
    response = Client().get("/login/")
    assert "Strict-Transport-Security" not in response.headers


@override_settings(SECURE_HSTS_SECONDS=31536000, SECURE_HSTS_INCLUDE_SUBDOMAINS=True,
                   SECURE_HSTS_PRELOAD=True, SECURE_SSL_REDIRECT=True,
                   SESSION_COOKIE_SECURE=True, CSRF_COOKIE_SECURE=True)
def test_hsts_and_https_redirect_when_https_is_on(db):
    client = Client()
    response = client.get("/login/")
    assert response.status_code == 301 and response.url == "https://testserver/login/"
    response = client.get("/login/", secure=True)
    assert response.status_code == 200
    assert response.headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    # behind nginx the scheme comes from X-Forwarded-Proto
    response = client.get("/login/", headers={"X-Forwarded-Proto": "https"})
    assert response.status_code == 200 and "Strict-Transport-Security" in response.headers
    assert response.cookies["csrftoken"]["secure"]


def test_production_settings_turn_https_on(tmp_path):
    code = (
        "import houqin.settings as s;"
        "print(s.DEBUG, s.SECURE_HSTS_SECONDS, s.SECURE_SSL_REDIRECT, s.SESSION_COOKIE_SECURE,"
        " s.CSRF_COOKIE_SECURE, s.PASSWORD_HASHERS[0].rsplit('.', 1)[1])"
    )
    result = run_python(code, production_env(tmp_path))
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["False", "31536000", "True", "True", "True", "Argon2PasswordHasher"]


def test_check_deploy_passes_with_production_settings(tmp_path):
    code = "from django.core.management import execute_from_command_line as m;" \
           "m(['houqin', 'check', '--deploy', '--fail-level', 'WARNING'])"
    result = run_python(code, production_env(tmp_path))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_check_deploy_fails_without_https(tmp_path):
    """The check is a real gate: the same command complains when HTTPS is off."""
    code = "from django.core.management import execute_from_command_line as m;" \
           "m(['houqin', 'check', '--deploy', '--fail-level', 'WARNING'])"
    result = run_python(code, production_env(tmp_path, HOUQIN_HTTPS="0"))
    assert result.returncode != 0
    assert "security.W004" in result.stderr or "security.W004" in result.stdout


# --- Hostile text is escaped ------------------------------------------------------------


def test_script_payload_is_escaped_on_pages(world):
    school = world.schools["a"]
    person = PersonFactory(school=school, name=PAYLOAD, position=PAYLOAD)
    client = world.client(Role.DIRECTOR)
    for path in ("/people/", f"/people/{person.pk}/", f"/people/{person.pk}/edit/", f"/people/?q={PAYLOAD}"):
        response = client.get(path)
        assert response.status_code == 200, path
        html = response.content.decode()
        assert PAYLOAD not in html, path
        assert "<script>alert" not in html, path
        if "?q=" not in path:
            assert ESCAPED in html or ESCAPED.replace("&#x27;", "'") in html, path


def test_script_payload_in_display_name_is_escaped(world):
    user = world.user(Role.DIRECTOR)
    user.display_name = PAYLOAD
    user.save()
    html = world.client(Role.DIRECTOR).get("/").content.decode()
    assert PAYLOAD not in html


def test_script_payload_in_school_name_is_escaped(world):
    school = world.schools["a"]
    school.name = PAYLOAD
    school.save()
    html = world.client(Role.DIRECTOR).get("/").content.decode()
    assert PAYLOAD not in html and ESCAPED in html


# --- Nothing from outside the school's network -------------------------------------------

URL = re.compile(r"""(?:https?:)?//[A-Za-z0-9.-]+(?::\d+)?[^\s"'<>)]*""")


def external_urls(html, host="testserver"):
    found = []
    for match in URL.finditer(html):
        url = match.group(0)
        netloc = url.split("//", 1)[1].split("/", 1)[0]
        if netloc.split(":")[0] == host or netloc == "www.w3.org":  # SVG / XML namespaces are names
            continue
        found.append(url)
    return found


@pytest.mark.parametrize("path", ["/login/", "/"])
def test_pages_reference_no_external_host(world, path):
    client = Client() if path == "/login/" else world.client(Role.DIRECTOR)
    response = client.get(path)
    assert response.status_code == 200
    html = response.content.decode()
    assert "http://" not in html.replace("http://testserver", "").replace("http://www.w3.org", "")
    assert "https://" not in html.replace("https://testserver", "")
    assert external_urls(html) == []


def test_signed_in_pages_reference_no_external_host(world):
    client = world.client(Role.DIRECTOR)
    for path in ("/people/", "/approvals/", "/notifications/", "/account/2fa/setup/"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert external_urls(response.content.decode()) == [], path


# --- Vendored assets ----------------------------------------------------------------------

VENDOR = [
    "vendor/bootstrap/bootstrap.min.css",
    "vendor/bootstrap/bootstrap.bundle.min.js",
    "vendor/bootstrap-icons/bootstrap-icons.min.css",
    "vendor/bootstrap-icons/fonts/bootstrap-icons.woff2",
    "vendor/htmx/htmx.min.js",
]


@pytest.mark.parametrize("name", VENDOR)
def test_vendor_files_are_shipped(name):
    path = finders.find(name)
    assert path, name
    assert Path(path).stat().st_size > 1000
    assert Path(path).is_relative_to(Path(settings.BASE_DIR) / "static" / "vendor")


PRODUCTION_PAGE = """
import django
django.setup()
from django.core.management import call_command
call_command("collectstatic", interactive=False, verbosity=0)
from django.test import Client
client = Client(HTTP_HOST="houqin.example.edu.cn", HTTP_X_FORWARDED_PROTO="https")
page = client.get("/login/")
print(page.status_code)
import re
for url in re.findall(r'(?:href|src)="(/static/[^"]+)"', page.content.decode()):
    print(url, client.get(url).status_code)
"""


@pytest.mark.heavy
def test_production_static_files_collect_and_serve(tmp_path):
    """collectstatic with the hashed, compressed storage succeeds, and every asset the login
    page links to is served by the app itself (whitenoise), under its hashed name."""
    result = run_python(PRODUCTION_PAGE, production_env(tmp_path))
    assert result.returncode == 0, result.stderr[-3000:]
    lines = result.stdout.split("\n")
    assert lines[0] == "200"
    assets = dict(line.split() for line in lines[1:] if line)
    assert any("vendor/bootstrap/bootstrap.min." in url for url in assets)
    assert any("vendor/htmx/htmx.min." in url for url in assets)
    assert all(status == "200" for status in assets.values()), assets
    assert all(re.search(r"\.[0-9a-f]{12}\.\w+$", url) for url in assets), assets


@pytest.mark.parametrize("name", [n for n in VENDOR if n.endswith(".css")])
def test_vendor_css_loads_nothing_from_outside(name):
    css = Path(finders.find(name)).read_text(encoding="utf-8")
    for ref in re.findall(r"url\(\s*['\"]?([^'\")]+)", css):
        assert ref.startswith(("data:", "fonts/", "./", "../")) or "//" not in ref, ref
    assert "@import" not in css
