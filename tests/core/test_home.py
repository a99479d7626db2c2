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
    refused = [url for url in links if client.get(url).status_code != 200]
    assert not refused, refused
