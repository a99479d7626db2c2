"""Browser tests: Debian's Chromium driven by Playwright against pytest-django's live server.
`.ci/run` installs both; the flags keep Chromium off the (absent) network."""

import os
import shutil

import pytest

from tests.conftest import empty_sqlite_ledgers

CHROMIUM = os.environ.get("HOUQIN_CHROMIUM", "/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run", "--disable-quic"]
PHONE = {"width": 390, "height": 844}


@pytest.fixture(scope="session")
def browser():
    if not shutil.which(CHROMIUM):
        pytest.fail(f"Chromium not found at {CHROMIUM}: run `apt-get install -y chromium` (see .ci/run)")
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs an event loop
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(viewport=PHONE, locale="zh-CN", base_url=live_server.url)
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    context.close()


def login(page, username, password="pw"):
    page.goto("/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button[type=submit], form .btn-primary")
    page.wait_for_load_state()


@pytest.fixture(autouse=True)
def empties_ledgers():
    """The flush after a transactional test deletes rows, which the SQLite ledger triggers refuse."""
    yield
    empty_sqlite_ledgers()
