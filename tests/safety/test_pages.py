"""Page contracts of the safety models, and the pages that are not one model's: the gate,
the printable ledger, the hazard's steps."""

import pytest
from django.urls import reverse

from houqin.core.choices import Role
from houqin.safety.models import CheckItem, GateEntry, Hazard, PatrolRoute
from tests.factories import RoomFactory
from tests.maintenance.helpers import PersonaMixin

from ..contracts import PagesContract
from .factories import CheckItemFactory, GateEntryFactory, HazardFactory, PatrolRouteFactory

pytestmark = pytest.mark.django_db


class TestHazardPages(PersonaMixin, PagesContract):
    model = Hazard
    factory = HazardFactory

    def make(self, world, school="a", **kwargs):
        kwargs.setdefault("reported_by", self.reporter(world, school))
        return self.factory(school=world.schools[school], **kwargs)

    def valid_form(self, world):
        return {"level": "larger", "source": "report", "room": RoomFactory(school=world.schools["a"]).pk,
                "description": "二楼应急照明灯不亮", "measure": "warn"}

    def edit_form(self, world, obj):
        return {"level": "major", "source": "patrol", "room": obj.room_id, "place": "",
                "description": "二楼、三楼应急照明都不亮", "measure": "warn", "loaded_at": obj.updated_at.isoformat()}


class TestGateEntryPages(PagesContract):
    model = GateEntry
    factory = GateEntryFactory

    def make(self, world, school="a", **kwargs):
        kwargs.setdefault("logged_by", world.user(Role.GUARD, school))
        return self.factory(school=world.schools[school], **kwargs)

    def valid_form(self, world):
        return {"kind": "visitor", "name": "张建国", "id_number": "422801198003150012", "phone": "13972710001",
                "people": 1, "reason": "送教材", "host": "教务处"}

    def edit_form(self, world, obj):
        return {"kind": "visitor", "name": obj.name, "phone": "13972719999", "plate": "", "people": 2,
                "reason": "送教材", "host": "教务处", "loaded_at": obj.updated_at.isoformat()}


def test_the_ledger_prints_with_the_schools_name_and_signatures(world):
    a = world.schools["a"]
    HazardFactory(school=a, reported_by=world.user(Role.TEACHER), description="围墙砖块松动")
    HazardFactory(school=world.schools["b"], reported_by=world.user(Role.TEACHER, "b"), description="别校的隐患")
    response = world.client(Role.DIRECTOR).get(reverse("safety:hazard_print"))
    assert response.status_code == 200
    text = response.content.decode()
    assert f"{a.name} 隐患排查治理台帐" in text and "围墙砖块松动" in text and "别校的隐患" not in text
    assert "校长（签字）" in text and "复查人" in text


def test_the_printed_ledger_shows_a_teacher_only_her_own(world):
    HazardFactory(school=world.schools["a"], reported_by=world.user(Role.TEACHER), description="我报的")
    HazardFactory(school=world.schools["a"], reported_by=world.user(Role.GUARD), description="门卫报的")
    text = world.client(Role.TEACHER).get(reverse("safety:hazard_print")).content.decode()
    assert "我报的" in text and "门卫报的" not in text


@pytest.mark.parametrize("role", [Role.TEACHER, Role.WORKER, Role.KEEPER])
def test_the_gate_page_is_the_guards(world, role):
    assert world.client(role).get(reverse("safety:gate")).status_code == 403
    assert world.client(Role.GUARD).get(reverse("safety:gate")).status_code == 200


class TestCheckItemPages(PagesContract):
    model = CheckItem
    factory = CheckItemFactory

    def valid_form(self, world):
        return {"area": "canteen", "kind": "gas", "text": "燃气阀门关闭", "order": 1, "active": "on"}

    def edit_form(self, world, obj):
        return {"area": obj.area, "kind": obj.kind, "text": obj.text + "（下班前）", "order": 2, "active": "on",
                "loaded_at": obj.updated_at.isoformat()}


class TestPatrolRoutePages(PagesContract):
    model = PatrolRoute
    factory = PatrolRouteFactory

    def valid_form(self, world):
        item = CheckItemFactory(school=world.schools["a"])
        return {"name": "晚间巡查", "frequency": "daily", "weekday": 0, "items": [item.pk],
                "starts_on": "2026-09-01", "active": "on"}

    def edit_form(self, world, obj):
        return {"name": obj.name, "frequency": "key", "rounds": 6, "weekday": 0,
                "items": list(obj.items.values_list("pk", flat=True)), "starts_on": "2026-09-01", "active": "on",
                "loaded_at": obj.updated_at.isoformat()}
