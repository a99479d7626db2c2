"""API contracts of the safety endpoints, the hazard's steps and the gate through the API."""

import datetime
import json

import pytest
from django.utils import timezone

from houqin.core.choices import Role
from houqin.safety.models import CheckItem, GateEntry, Hazard, Patrol, PatrolRoute
from houqin.safety.services import id_digest
from tests.factories import RoomFactory
from tests.maintenance.helpers import PersonaMixin

from ..api_contracts import API, ApiContract, api_client, assert_error
from .factories import CheckItemFactory, GateEntryFactory, HazardFactory, PatrolFactory, PatrolRouteFactory
from .helpers import person, photo

pytestmark = pytest.mark.django_db

ID = "422801198003150012"


class TestHazardApi(PersonaMixin, ApiContract):
    model = Hazard
    factory = HazardFactory
    path = "hazards"

    def make(self, world, school="a", **kwargs):
        kwargs.setdefault("reported_by", self.reporter(world, school))
        return self.factory(school=world.schools[school], **kwargs)

    def valid_payload(self, world):
        return {"level": "larger", "room": RoomFactory(school=world.schools["a"]).pk, "description": "应急灯不亮",
                "measure": "warn"}

    def edit_payload(self, world, obj):
        return {"level": "major", "description": "二楼三楼应急灯都不亮"}

    def other_school_payload(self, world):
        return {**self.valid_payload(world), "room": RoomFactory(school=world.schools["c"]).pk}


class TestCheckItemApi(ApiContract):
    model = CheckItem
    factory = CheckItemFactory
    path = "check-items"

    def valid_payload(self, world):
        return {"area": "canteen", "kind": "gas", "text": "燃气阀门关闭", "order": 1}

    def edit_payload(self, world, obj):
        return {"text": "燃气总阀下班前关闭"}


class TestPatrolRouteApi(ApiContract):
    model = PatrolRoute
    factory = PatrolRouteFactory
    path = "patrol-routes"

    def valid_payload(self, world):
        return {"name": "晚间巡查", "frequency": "daily", "items": [CheckItemFactory(school=world.schools["a"]).pk]}

    def edit_payload(self, world, obj):
        return {"frequency": "key", "rounds": 6}

    def other_school_payload(self, world):
        return {**self.valid_payload(world), "items": [CheckItemFactory(school=world.schools["c"]).pk]}


class TestPatrolApi(ApiContract):
    model = Patrol
    factory = PatrolFactory
    path = "patrols"
    writable = False

    def valid_payload(self, world):
        return {"due_on": "2026-09-07"}


class TestGateEntryApi(ApiContract):
    model = GateEntry
    factory = GateEntryFactory
    path = "gate-entries"

    def make(self, world, school="a", **kwargs):
        kwargs.setdefault("logged_by", world.user(Role.GUARD, school))
        # the card of valid_payload, so that a full update repeats it (no change) as a client would
        kwargs.setdefault("id_digest", id_digest(world.schools[school], ID))
        return self.factory(school=world.schools[school], id_last4=ID[-4:], **kwargs)

    def valid_payload(self, world):
        return {"kind": "visitor", "name": "张建国", "id_number": ID, "phone": "13972710001", "reason": "送教材",
                "host": "教务处"}

    def edit_payload(self, world, obj):
        return {"phone": "13972719999", "people": 2}


def test_hazard_steps(world):
    teacher = api_client(world, Role.TEACHER)
    created = teacher.post(f"{API}hazards/", {"level": "general", "place": "操场东侧围墙", "description": "砖块松动",
                                              "measure": "stop_warn"}, format="json")
    assert created.status_code == 201, created.data
    pk = created.json()["id"]
    deadline = (timezone.localdate() + datetime.timedelta(days=3)).isoformat()
    body = {"assignee": person(world, Role.WORKER).pk, "deadline": deadline}
    assert_error(teacher.post(f"{API}hazards/{pk}/assign/", body, format="json"), 403)
    director = api_client(world, Role.DIRECTOR)
    response = director.post(f"{API}hazards/{pk}/assign/", {**body, "repair": True, "category": "other"},
                             format="json")
    assert response.status_code == 200, response.data
    assert response.json()["status"] == "assigned" and response.json()["work_order"]
    worker = api_client(world, Role.WORKER)
    assert_error(worker.post(f"{API}hazards/{pk}/rectify/", {"rectification": "修好了"}, format="multipart"))
    response = worker.post(f"{API}hazards/{pk}/rectify/", {"rectification": "已加固", "photos": [photo()]},
                           format="multipart")
    assert response.status_code == 200, response.data
    assert_error(director.post(f"{API}hazards/{pk}/recheck/", {"passed": True}, format="json"), 403)
    assert Hazard.objects.get(pk=pk).status == "rectified"
    response = api_client(world, Role.PRINCIPAL).post(f"{API}hazards/{pk}/recheck/", {"passed": True},
                                                      format="json")
    assert response.status_code == 200 and response.json()["status"] == "closed"
    events = teacher.get(f"{API}hazards/{pk}/events/").json()["results"]
    assert [e["kind"] for e in events] == ["report", "assign", "work_order", "rectify", "pass"]


def test_a_teacher_sees_her_own_hazards_and_the_officer_reads_all(world):
    mine = HazardFactory(school=world.schools["a"], reported_by=world.user(Role.TEACHER))
    other = HazardFactory(school=world.schools["a"], reported_by=world.user(Role.GUARD))
    ids = {r["id"] for r in api_client(world, Role.TEACHER).get(f"{API}hazards/").json()["results"]}
    assert ids == {mine.pk}
    ids = {r["id"] for r in api_client(world, Role.DISTRICT_OFFICER).get(f"{API}hazards/").json()["results"]}
    assert ids == {mine.pk, other.pk}
    assert api_client(world, Role.TEACHER).get(f"{API}hazards/{other.pk}/").status_code == 404


def test_the_id_number_is_never_in_an_api_response(world):
    guard = api_client(world, Role.GUARD)
    created = guard.post(f"{API}gate-entries/", TestGateEntryApi().valid_payload(world), format="json")
    assert created.status_code == 201, created.data
    pk = created.json()["id"]
    bodies = [created, guard.get(f"{API}gate-entries/"), guard.get(f"{API}gate-entries/{pk}/"),
              guard.get(f"{API}gate-entries/on-campus/"), guard.get(f"{API}gate-entries/returning/?q=张"),
              guard.patch(f"{API}gate-entries/{pk}/", {"phone": "13900000000"}, format="json"),
              guard.post(f"{API}gate-entries/{pk}/leave/", {}, format="json")]
    for response in bodies:
        assert response.status_code in (200, 201), response.content
        text = json.dumps(response.json(), ensure_ascii=False)
        assert ID[:14] not in text and "id_digest" not in text and "id_number" not in text
    assert created.json()["id_masked"] == "****0012"


def test_the_id_number_cannot_be_changed_after_entry(world):
    entry = GateEntryFactory(school=world.schools["a"], logged_by=world.user(Role.GUARD))
    response = api_client(world, Role.GUARD).patch(f"{API}gate-entries/{entry.pk}/", {"id_number": ID},
                                                   format="json")
    assert_error(response)
    assert GateEntry.objects.get(pk=entry.pk).id_last4 == "1234"


def test_the_gate_through_the_api(world):
    guard = api_client(world, Role.GUARD)
    pk = guard.post(f"{API}gate-entries/", {"kind": "vehicle", "plate": "鄂q d1234", "name": "刘红"},
                    format="json").json()["id"]
    assert [r["id"] for r in guard.get(f"{API}gate-entries/on-campus/").json()["results"]] == [pk]
    assert [r["plate"] for r in guard.get(f"{API}gate-entries/returning/?q=鄂QD").json()] == ["鄂QD1234"]
    assert_error(api_client(world, Role.TEACHER).post(f"{API}gate-entries/{pk}/leave/", {}, format="json"), 403)
    assert guard.post(f"{API}gate-entries/{pk}/leave/", {}, format="json").json()["status"] == "left"
    assert guard.get(f"{API}gate-entries/on-campus/").json()["results"] == []
    assert_error(guard.post(f"{API}gate-entries/{pk}/leave/", {}, format="json"))
    refused = guard.post(f"{API}gate-entries/", {"name": "推销人员", "refused_reason": "无预约"}, format="json")
    assert refused.json()["status"] == "refused" and refused.json()["refusal_reason"] == "无预约"


def test_gate_entry_keeps_its_card_after_entry(world):
    """A full update may repeat the number given at entry; another number, or turning the entry
    into a refusal afterwards, is refused and changes nothing."""
    guard = api_client(world, Role.GUARD)
    created = guard.post(f"{API}gate-entries/", {"name": "张建国", "id_number": ID, "reason": "送教材"}, format="json")
    assert created.status_code == 201, created.data
    url = f"{API}gate-entries/{created.data['id']}/"
    assert guard.put(url, {"name": "张建国", "id_number": ID, "phone": "13972719999"}, format="json").status_code == 200
    other = guard.put(url, {"name": "张建国", "id_number": "422801198003150099"}, format="json")
    assert other.status_code == 400 and "id_number" in other.data
    refused = guard.patch(url, {"refused_reason": "无预约"}, format="json")
    assert refused.status_code == 400 and "refused_reason" in refused.data
    entry = GateEntry.objects.get(pk=created.data["id"])
    assert entry.id_last4 == ID[-4:] and entry.phone == "13972719999" and entry.status != "refused"
