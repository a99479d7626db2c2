"""Every role of a school, and the district officer, on a phone (390×844) and a desktop
(1366×768): sign in, the home, then every link of the menu. Each page answers below 400, logs
no console error and no CSP violation, and shows no English word outside the allow list."""

import re

import pytest

from houqin.core.choices import SCHOOL_ROLES, Role

from .conftest import PHONE, login
from .test_role_pages import watch

DESKTOP = {"width": 1366, "height": 768}
# Brand, format and unit names a Chinese page may show as they are.
ALLOWED = {"houqin", "excel", "xlsx", "csv", "pdf", "api", "token", "qr", "png", "jpg", "jpeg", "wifi", "id",
           "mb", "kb", "mg", "kg", "ml"}
# A word standing alone: not part of a code (BG-001, 91110108MA01) or a login name (a.teacher).
WORD = re.compile(r"(?<![\w.-])[A-Za-z]{2,}(?![\w.-])")


def english_words(page):
    text = page.evaluate("document.body.innerText")
    return sorted({w for w in WORD.findall(text) if w.lower() not in ALLOWED})


def menu_links(page):
    return page.eval_on_selector_all("#sidebar a.nav-link", "links => links.map(a => a.getAttribute('href'))")


def check(page, path, problems):
    """Open `path`; what is wrong with it, as a list of strings."""
    problems.clear()
    response = page.goto(path)
    page.wait_for_load_state()
    found = [f"{path}: {response.status}"] if response.status >= 400 else []
    found += [f"{path}: {p}" for p in problems]
    words = english_words(page)
    return found + ([f"{path}: English {words}"] if words else [])


@pytest.mark.heavy
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("role", [*SCHOOL_ROLES, Role.DISTRICT_OFFICER])
def test_the_role_opens_its_home_and_every_menu_link_on_phone_and_desktop(world, browser, live_server, role):
    username = world.user(role).username
    wrong = []
    for viewport in (PHONE, DESKTOP):
        context = browser.new_context(viewport=viewport, locale="zh-CN", base_url=live_server.url)
        page = context.new_page()
        page.set_default_timeout(15000)
        problems = watch(page)
        login(page, username)
        assert "/login/" not in page.url, f"{username} did not sign in"
        wrong += check(page, "/", problems)
        links = menu_links(page)
        assert links, f"{username} has no menu"
        for path in links:
            wrong += check(page, path, problems)
        context.close()
    assert wrong == [], "\n".join(wrong)
