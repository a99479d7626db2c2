"""Every role of a school, and the district officer, on a phone (390×844) and a desktop
(1366×768): sign in, the home, then every link of the menu. Each page answers below 400, logs
no console error and no CSP violation, and shows no English word outside the allow list."""

import datetime
import re
from pathlib import Path

import pytest

from houqin.core.choices import SCHOOL_ROLES, Role
from houqin.core.demo import DEMO_PASSWORD, build_demo

from .conftest import PHONE, login
from .test_role_pages import watch

DESKTOP = {"width": 1366, "height": 768}
# axe-core 4.10.3 (MPL-2.0, from the npm registry), run in the page through the DevTools
# protocol, which the page's CSP does not govern: nothing is added to what the app serves.
AXE = (Path(__file__).parent / "vendor" / "axe-4.10.3.min.js").read_text()
SERIOUS = ("serious", "critical")
# Brand, format and unit names a Chinese page may show as they are (the demo's HP printer, LED lamps).
ALLOWED = {"houqin", "excel", "xlsx", "csv", "pdf", "api", "token", "qr", "png", "jpg", "jpeg", "wifi", "id",
           "mb", "kb", "mg", "kg", "ml", "hp", "led", "usb", "pvc"}
# A word standing alone: not part of a code (BG-001, 91110108MA01) or a login name (a.teacher),
# but a word that ends a sentence ("Done.") or a clause ("Error-") counts.
WORD = re.compile(r"(?<!\w)(?<!\w[.-])[A-Za-z]{2,}(?!\w|[.-]\w)")


def english_words(page):
    text = page.evaluate("document.body.innerText")
    return sorted({w for w in WORD.findall(text) if w.lower() not in ALLOWED})


def menu_links(page):
    return page.eval_on_selector_all("#sidebar a.nav-link", "links => links.map(a => a.getAttribute('href'))")


def accessibility(page):
    """axe-core's serious and critical violations on the page: rule id and how many nodes."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(AXE)
    found = page.evaluate("async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
                          ".map(v => [v.id, v.impact, v.nodes.length])")
    return [f"{rule} ({impact}) ×{count}" for rule, impact, count in found if impact in SERIOUS]


def check(page, path, problems, axe=True):
    """Open `path`; what is wrong with it, as a list of strings (axe's findings unless told not)."""
    problems.clear()
    response = page.goto(path)
    page.wait_for_load_state()
    found = [f"{path}: {response.status}"] if response.status >= 400 else []
    found += [f"{path}: {p}" for p in problems]
    words = english_words(page)
    found += [f"{path}: English {words}"] if words else []
    return found + ([f"{path}: axe {v}" for v in accessibility(page)] if axe else [])


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
        axe = viewport is DESKTOP  # the same pages at both sizes: axe once (CI time), the rest at both
        wrong += check(page, "/", problems, axe)
        links = menu_links(page)
        assert links, f"{username} has no menu"
        for path in links:
            wrong += check(page, path, problems, axe)
        context.close()
    assert wrong == [], "\n".join(wrong)


def first_record_link(page):
    """The first row's link of the list on the page (its record page), if the list has rows."""
    links = page.eval_on_selector_all("main table tbody tr a[href]", "links => links.map(a => a.getAttribute('href'))")
    return next((href for href in links if href.startswith("/") and "?" not in href), None)


# Who walks the record pages, and on which screen: the director and the teacher at a desk (the
# principal's phone walk opens nearly the director's pages), the others on a phone. Two groups,
# so that two workers share the walk (each builds the demo).
RECORD_WALKS = {
    "desk-and-leaders": [("esyx.director", DESKTOP), ("esyx.teacher", DESKTOP), ("esyx.principal", PHONE),
                         ("district.officer", PHONE)],
    "staff-on-phones": [(f"esyx.{role}", PHONE) for role in SCHOOL_ROLES
                        if role not in (Role.DIRECTOR, Role.PRINCIPAL)],
}


@pytest.mark.heavy
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("walk", RECORD_WALKS)
def test_record_pages_of_every_kind_for_every_role_with_the_demo_data(browser, live_server, flushable, walk):
    """With the demo data, each role opens the first record of every list in its own menu: each
    record page answers below 400, with no console error, no CSP violation, no English word and
    no serious accessibility violation, on the screen that role works on."""
    build_demo(today=datetime.date.today())
    wrong, opened = [], {}
    for username, viewport in RECORD_WALKS[walk]:
        context = browser.new_context(viewport=viewport, locale="zh-CN", base_url=live_server.url)
        page = context.new_page()
        page.set_default_timeout(15000)
        problems = watch(page)
        login(page, username, DEMO_PASSWORD)
        assert "/login/" not in page.url, f"{username} did not sign in"
        seen = opened.setdefault((username, viewport["width"]), set())
        for path in menu_links(page):
            page.goto(path)
            record = first_record_link(page)
            if record and record not in seen:
                seen.add(record)
                wrong += check(page, record, problems)
        context.close()
    assert all(opened.values()), [who for who, seen in opened.items() if not seen]  # every role reached a record
    assert sum(map(len, opened.values())) >= 20, opened
    assert wrong == [], "\n".join(wrong)
