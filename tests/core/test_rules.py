"""The rules table's steps and row visibility: `require` finds the user's roles itself and
fails closed, `can` answers for pages and menus, `visible` narrows by the declared rows."""

from types import SimpleNamespace

import pytest
from django.core.exceptions import PermissionDenied

from houqin.core.choices import Role
from houqin.core.rules import can, may, require, visible
from houqin.stock.models import Requisition
from tests.stock.factories import requisition

pytestmark = pytest.mark.django_db


def test_require_takes_the_roles_the_user_holds_in_the_records_school(world):
    req = requisition(world.schools["a"], requested_by=world.user(Role.TEACHER))
    require(world.user(Role.KEEPER), "issue", req)
    for by in (world.user(Role.TEACHER), world.user(Role.KEEPER, "b"), world.user(Role.DISTRICT_OFFICER)):
        with pytest.raises(PermissionDenied, match="^只有.*仓管员.*可以发放领用物品$"):
            require(by, "issue", req)


def test_a_steps_person_takes_it_whatever_his_roles(world):
    req = requisition(world.schools["a"], requested_by=world.user(Role.TEACHER))
    require(world.user(Role.TEACHER), "confirm", req)
    with pytest.raises(PermissionDenied, match="只有申请人本人可以签收"):
        require(world.user(Role.PRINCIPAL), "confirm", req)
    assert may(world.user(Role.TEACHER), (), "confirm", req)
    # Pages and menus ask the role: anyone of the school may be a requester, the officer never.
    assert can({Role.GUARD}, "confirm", Requisition) and not can({Role.DISTRICT_OFFICER}, "confirm", Requisition)
    assert not can({Role.TEACHER}, "issue", Requisition) and can({Role.KEEPER}, "issue", Requisition)


def test_an_undeclared_step_is_a_bug_not_a_refusal(world):
    req = requisition(world.schools["a"])
    with pytest.raises(LookupError, match="stock.requisition declares no step 'approve'"):
        require(world.user(Role.DIRECTOR), "approve", req)


def test_visible_is_the_school_scope_narrowed_by_the_declared_rows(world):
    a = world.schools["a"]
    mine = requisition(a, requested_by=world.user(Role.TEACHER))
    requisition(a, requested_by=world.user(Role.WORKER))
    requisition(world.schools["b"], requested_by=world.user(Role.TEACHER, "b"))

    def seen(role, school="a"):
        request = SimpleNamespace(user=world.user(role, school), school=world.schools[school], roles={role})
        return set(visible(Requisition.objects.all(), request))

    assert seen(Role.TEACHER) == {mine}
    assert seen(Role.KEEPER) == set(Requisition.objects.filter(school=a))
