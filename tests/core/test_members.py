"""Accounts and roles of a school, managed in the app by its principal and director."""

import pytest
from django.urls import reverse

from houqin.core.choices import Role
from houqin.core.models import Membership, User
from tests.conftest import ALL_ROLES
from tests.factories import PersonFactory

NEW = {"username": "esyx.cook", "display_name": "李厨师", "role": "canteen", "password": "Canteen-2026!x"}


@pytest.mark.parametrize("role", ALL_ROLES)
def test_list_and_add_by_role(world, role):
    client = world.client(role)
    allowed = role in (Role.PRINCIPAL, Role.DIRECTOR)
    listing = client.get(reverse("core:membership_list"))
    if role == Role.DISTRICT_OFFICER:
        assert listing.status_code == 200
    else:
        assert listing.status_code == (200 if allowed else 403)
    if listing.status_code == 200:
        users = {m.user.username for m in listing.context["object_list"]}
        assert "a.teacher" in users and "b.teacher" not in users and "c.teacher" not in users
    response = client.post(reverse("core:membership_add"), NEW)
    assert response.status_code == (302 if allowed else 403)
    assert User.objects.filter(username="esyx.cook").exists() == allowed


def test_new_account_can_log_in_and_is_linked_to_the_register(world):
    person = PersonFactory(school=world.schools["a"], name="李厨师")
    world.client(Role.DIRECTOR).post(reverse("core:membership_add"), {**NEW, "person": person.pk})
    person.refresh_from_db()
    assert person.user.username == "esyx.cook"
    from django.test import Client

    client = Client()
    response = client.post(reverse("core:login"), {"username": "esyx.cook", "password": NEW["password"]})
    assert response.status_code == 302
    assert client.get(reverse("core:home")).context["school"] == world.schools["a"]


def test_director_cannot_grant_principal_or_director(world):
    client = world.client(Role.DIRECTOR)
    for role in ("principal", "director"):
        response = client.post(reverse("core:membership_add"), {**NEW, "role": role})
        assert response.status_code == 200
    assert not User.objects.filter(username="esyx.cook").exists()
    response = world.client(Role.PRINCIPAL).post(reverse("core:membership_add"), {**NEW, "role": "director"})
    assert response.status_code == 302


def test_existing_account_gets_a_second_role_without_password(world):
    client = world.client(Role.PRINCIPAL)
    response = client.post(reverse("core:membership_add"), {"username": "b.teacher", "role": "keeper"})
    assert response.status_code == 302
    assert Membership.objects.filter(user__username="b.teacher", school=world.schools["a"], role="keeper").exists()
    again = client.post(reverse("core:membership_add"), {"username": "b.teacher", "role": "keeper"})
    assert "已是本校仓管员" in again.content.decode()


def test_weak_password_or_missing_password_refused(world):
    client = world.client(Role.DIRECTOR)
    assert "新账号须设置初始密码" in client.post(reverse("core:membership_add"),
                                                {**NEW, "password": ""}).content.decode()
    client.post(reverse("core:membership_add"), {**NEW, "password": "123"})
    assert not User.objects.filter(username="esyx.cook").exists()


def test_revoke(world):
    teacher = Membership.objects.get(user=world.user(Role.TEACHER), school=world.schools["a"])
    principal = Membership.objects.get(user=world.user(Role.PRINCIPAL), school=world.schools["a"])
    director = world.client(Role.DIRECTOR)
    director.post(reverse("core:membership_delete", args=[principal.pk]))
    assert Membership.objects.filter(pk=principal.pk).exists()
    director.post(reverse("core:membership_delete", args=[teacher.pk]))
    assert not Membership.objects.filter(pk=teacher.pk).exists()
    other = Membership.objects.get(user=world.user(Role.TEACHER, "c"))
    assert director.post(reverse("core:membership_delete", args=[other.pk])).status_code == 404
    assert world.client(Role.TEACHER, "b").post(reverse("core:membership_delete", args=[other.pk])).status_code == 403


def test_the_granting_user_is_checked_in_the_school_not_trusted(world):
    from django.core.exceptions import ValidationError

    from houqin.core import services

    a = world.schools["a"]
    for by in (world.user(Role.TEACHER), world.user(Role.PRINCIPAL, "b")):
        with pytest.raises(ValidationError, match="您无权授予"):
            services.grant_role(a, by=by, username="new.guard", role=Role.GUARD, password="Hq-guard-2026!")
    granted = services.grant_role(a, by=world.user(Role.DIRECTOR), username="new.guard", role=Role.GUARD,
                                  password="Hq-guard-2026!")
    with pytest.raises(ValidationError, match="您无权撤销"):
        services.revoke_role(granted, by=world.user(Role.KEEPER))
    services.revoke_role(granted, by=world.user(Role.DIRECTOR))
    assert not Membership.objects.filter(pk=granted.pk).exists()
