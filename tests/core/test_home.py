"""Each role lands on a home page of what it has to do today."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from houqin.core.choices import Role
from tests.conftest import ALL_ROLES
from tests.factories import CertificateFactory, PersonFactory


@pytest.mark.parametrize("role", ALL_ROLES)
def test_every_role_lands_on_home(world, role):
    response = world.client(role).get(reverse("core:home"))
    page = response.content.decode()
    assert response.status_code == 200
    assert role.label in page and "待我审批" in page


def test_expired_certificate_shows_for_director_not_teacher(world):
    person = PersonFactory(school=world.schools["a"], name="电梯司机老王")
    CertificateFactory(school=world.schools["a"], person=person, kind="special_equipment",
                       expires_on=timezone.localdate() - datetime.timedelta(days=400),
                       issued_on=datetime.date(2020, 1, 1))
    for role in (Role.DIRECTOR, Role.PRINCIPAL):
        assert "电梯司机老王" in world.client(role).get(reverse("core:home")).content.decode()
    assert "电梯司机老王" not in world.client(Role.TEACHER).get(reverse("core:home")).content.decode()
    listing = world.client(Role.DIRECTOR).get(reverse("core:certificate_list") + "?expiring=true")
    assert [c.person.name for c in listing.context["object_list"]] == ["电梯司机老王"]


def test_officer_home_lists_his_schools(world):
    page = world.client(Role.DISTRICT_OFFICER).get(reverse("core:home")).content.decode()
    assert "辖区学校" in page and "A小学" in page and "B小学" in page and "C小学" not in page


def test_sidebar_follows_the_rules(world):
    guard = world.client(Role.GUARD).get(reverse("core:home")).content.decode()
    director = world.client(Role.DIRECTOR).get(reverse("core:home")).content.decode()
    assert reverse("core:person_list") in director and reverse("core:person_list") not in guard
    assert reverse("core:certificate_list") not in guard


def test_an_app_places_items_under_another_apps_section_whenever_it_loads(monkeypatch):
    from collections import defaultdict

    from houqin.core import menu

    monkeypatch.setattr(menu, "SECTIONS", {})
    monkeypatch.setattr(menu, "PLACED", defaultdict(list))
    report = menu.Item("月报", "core:home")
    menu.place("reports", [report])  # the placing app loads before the one that declares
    menu.section("reports", "报表", [menu.Item("总表", "core:home")])
    assert menu.sections() == [("报表", [menu.Item("总表", "core:home"), report])]
    with pytest.raises(ValueError):
        menu.section("reports", "报表", [])
    menu.place("canteen", [report])
    with pytest.raises(LookupError):  # a typo in the key is not silently dropped
        menu.sections()


def test_user_without_school_gets_a_clear_refusal(db):
    from django.test import Client

    from tests.factories import UserFactory

    client = Client()
    client.force_login(UserFactory(username="lonely"))
    assert client.get(reverse("core:home")).status_code == 200
    response = client.get(reverse("core:room_list"))
    assert response.status_code == 403 and "还没有加入任何学校" in response.content.decode()


@pytest.mark.parametrize("role", ALL_ROLES)
def test_every_sidebar_link_opens_for_the_role_that_sees_it(world, role):
    """A menu item a role is shown must not answer 403 无权访问 (an import page shown to a
    role that may only read the list did)."""
    import re

    client = world.client(role)
    home = client.get(reverse("core:home")).content.decode()
    nav = home[home.index('class="nav-link'):]
    links = sorted(set(re.findall(r'class="nav-link[^"]*" href="([^"]+)"', nav)))
    assert links, "the sidebar shows nothing"
    answers = {url: client.get(url).status_code for url in links}
    refused = {url: code for url, code in answers.items() if code != 200}  # 403, 404, a redirect …
    assert not refused, refused


def _menu(client):
    import re

    home = client.get(reverse("core:home")).content.decode()
    return set(re.findall(r'class="nav-link[^"]*" href="([^"]+)"', home[home.index('id="sidebar"'):]))


@pytest.mark.parametrize("role", [Role.TEACHER, Role.GUARD, Role.CANTEEN, Role.WORKER, Role.BUYER, Role.ACCOUNTANT])
def test_asset_import_is_not_in_the_menu_of_who_may_not_import(world, role):
    assert reverse("assets:asset_import") not in _menu(world.client(role))
    assert world.client(role).get(reverse("assets:asset_import")).status_code == 403


def test_the_guards_menu_holds_only_what_a_guard_does(world):
    """Generated from the rules: he keeps the gate, walks the patrols and checks the fire
    equipment (their routes and equipment are read by the patrollers only), reports hazards and
    repairs, asks for supplies and reads the week's menu; the school's rooms, terms and asset
    register are open to him but are not his work."""
    assert _menu(world.client(Role.GUARD)) == {
        reverse(name) for name in ("core:home", "core:approval_inbox", "core:notification_list",
                                   "maintenance:workorder_add", "maintenance:workorder_list",
                                   "stock:requisition_list", "safety:hazard_add", "safety:hazard_list",
                                   "safety:gate", "safety:gateentry_list", "safety:patrol_list",
                                   "safety:patrolroute_list", "safety:fireequipment_list", "safety:firecheck_list",
                                   "canteen:menu_published")}


def test_the_menu_is_generated_from_the_rules(world, monkeypatch):
    """A role given a step on a model finds its page in his menu; nothing else is listed."""
    from houqin.core import rules

    guard = world.client(Role.GUARD)
    assert reverse("stock:item_list") not in _menu(guard)
    row = dict(rules.RULES["stock.item"], add=frozenset({Role.GUARD}))
    monkeypatch.setitem(rules.RULES, "stock.item", row)
    assert reverse("stock:item_list") in _menu(guard)


@pytest.mark.parametrize("role", [Role.TEACHER, Role.GUARD, Role.CANTEEN])
def test_reporting_a_repair_is_the_first_big_button_for_who_only_reports(world, role):
    page = world.client(role).get(reverse("core:home")).content.decode()
    shortcuts = page[page.index('id="home-shortcuts"'):page.index('id="home-panels"')]
    first = shortcuts[shortcuts.index("<a "):shortcuts.index("</a>")]
    assert "btn-lg" in first and reverse("maintenance:workorder_add") in first and "报修" in first


def test_the_teacher_sees_his_orders_with_their_status_and_his_class_assets(world):
    from houqin.maintenance import services
    from houqin.maintenance.models import WorkOrder
    from tests.assets.test_api import asset_in, teacher_room

    room = teacher_room(world)
    order = services.report(WorkOrder(school=world.schools["a"], room=room, category="door", description="门坏了"),
                            by=world.user(Role.TEACHER))
    asset_in(world, name="教室投影机")
    page = world.client(Role.TEACHER).get(reverse("core:home")).content.decode()
    assert "我的报修" in page and order.number in page and "待派单" in page
    assert "我班级和负责房间的资产" in page and "教室投影机" in page
    director = world.client(Role.DIRECTOR).get(reverse("core:home")).content.decode()
    assert "待派单报修" in director and "我班级和负责房间的资产" not in director


def test_the_guard_and_canteen_home_says_what_they_can_do_today(world):
    for role in (Role.GUARD, Role.CANTEEN):
        page = world.client(role).get(reverse("core:home")).content.decode()
        assert "今天可以办的事" in page and reverse("stock:requisition_list") in page
    assert "今天可以办的事" not in world.client(Role.DIRECTOR).get(reverse("core:home")).content.decode()
