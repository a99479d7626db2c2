"""API contracts of the maintenance endpoints, and the work order's steps through the API."""

from decimal import Decimal

import pytest

from houqin.core.choices import Role
from houqin.maintenance.models import PreventivePlan, PreventiveTask, SpecialEquipment, WorkOrder
from tests.factories import PersonFactory, RoomFactory

from ..api_contracts import API, ApiContract, api_client, assert_error
from .factories import PreventivePlanFactory, PreventiveTaskFactory, SpecialEquipmentFactory, WorkOrderFactory
from .helpers import PersonaMixin, person

pytestmark = pytest.mark.django_db


class TestWorkOrderApi(PersonaMixin, ApiContract):
    model = WorkOrder
    factory = WorkOrderFactory
    path = "work-orders"

    def make(self, world, school="a", **kwargs):
        kwargs.setdefault("reporter", self.reporter(world, school))
        return self.factory(school=world.schools[school], **kwargs)

    def valid_payload(self, world):
        return {"category": "door", "description": "教室门锁坏了", "urgency": "normal",
                "room": RoomFactory(school=world.schools["a"]).pk}

    def edit_payload(self, world, obj):
        return {"description": "门锁和合页都坏了", "urgency": "urgent"}

    def other_school_payload(self, world):
        return {**self.valid_payload(world), "room": RoomFactory(school=world.schools["c"]).pk}


class TestPreventivePlanApi(ApiContract):
    model = PreventivePlan
    factory = PreventivePlanFactory
    path = "preventive-plans"

    def valid_payload(self, world):
        return {"name": "每周一检查大型玩具", "recurrence": "weekly", "weekday": 0, "target_kind": "rooms",
                "rooms": [RoomFactory(school=world.schools["a"]).pk], "checklist": "滑梯\n秋千"}

    def edit_payload(self, world, obj):
        return {"name": "每周二检查大型玩具", "weekday": 1}

    def other_school_payload(self, world):
        return {**self.valid_payload(world), "rooms": [RoomFactory(school=world.schools["c"]).pk]}


class TestPreventiveTaskApi(ApiContract):
    model = PreventiveTask
    factory = PreventiveTaskFactory
    path = "preventive-tasks"
    writable = False

    def valid_payload(self, world):
        return {"due_on": "2026-09-07"}


class TestSpecialEquipmentApi(ApiContract):
    model = SpecialEquipment
    factory = SpecialEquipmentFactory
    path = "special-equipment"

    def valid_payload(self, world):
        return {"kind": "elevator", "name": "食堂电梯", "contractor": "恩施奥的斯", "maintenance_interval_days": 15,
                "operators": [PersonFactory(school=world.schools["a"]).pk]}

    def edit_payload(self, world, obj):
        return {"contractor": "恩施三菱电梯维保", "inspection_due_on": "2027-05-01"}

    def other_school_payload(self, world):
        return {**self.valid_payload(world), "operators": [PersonFactory(school=world.schools["c"]).pk]}


# --- the steps through the API ----------------------------------------------------------------


def url(order, step=""):
    return f"{API}work-orders/{order}/" + (f"{step}/" if step else "")


def test_work_order_steps(world):
    teacher = api_client(world, Role.TEACHER)
    response = teacher.post(f"{API}work-orders/", {"category": "water", "description": "水龙头漏水",
                                                  "place": "三楼男厕所"}, format="json")
    assert response.status_code == 201, response.data
    pk = response.json()["id"]
    assert response.json()["status"] == "submitted" and response.json()["reporter"] == world.user(Role.TEACHER).pk
    worker = api_client(world, Role.WORKER)
    assert worker.get(url(pk)).status_code == 404  # not his yet
    assert_error(teacher.post(url(pk, "assign"), {"worker": person(world, Role.WORKER).pk}, format="json"), 403)
    director = api_client(world, Role.DIRECTOR)
    assert_error(director.post(url(pk, "assign"), {}, format="json"))
    other = PersonFactory(school=world.schools["c"])
    assert_error(director.post(url(pk, "assign"), {"worker": other.pk}, format="json"))
    response = director.post(url(pk, "assign"), {"worker": person(world, Role.WORKER).pk}, format="json")
    assert response.status_code == 200 and response.json()["status"] == "assigned"
    assert worker.get(url(pk)).status_code == 200
    assert api_client(world, Role.KEEPER).post(url(pk, "start"), {}, format="json").status_code == 404
    assert_error(worker.post(url(pk, "start"), {"junk": 1}, format="json"))
    assert worker.post(url(pk, "start"), {}, format="json").json()["status"] == "in_progress"
    assert_error(worker.post(url(pk, "finish"), {"labour_hours": "1"}, format="json"))
    response = worker.post(url(pk, "finish"), {"work_done": "更换水龙头阀芯", "labour_hours": "0.5"}, format="json")
    assert response.status_code == 200 and response.json()["labour_hours"] == "0.5"
    assert_error(worker.post(url(pk, "verify"), {}, format="json"), 403)
    assert_error(teacher.post(url(pk, "reopen"), {}, format="json"))
    assert teacher.post(url(pk, "reopen"), {"reason": "还在滴水"}, format="json").json()["reopen_count"] == 1
    worker.post(url(pk, "finish"), {"work_done": "更换整个龙头"}, format="json")
    assert teacher.post(url(pk, "verify"), {}, format="json").json()["status"] == "verified"
    events = teacher.get(url(pk, "events")).json()
    assert [e["kind"] for e in events["results"]] == ["submit", "assign", "start", "finish", "reopen", "finish",
                                                      "verify"]
    officer = api_client(world, Role.DISTRICT_OFFICER)
    assert officer.get(url(pk)).status_code == 200
    assert_error(officer.post(url(pk, "cancel"), {"reason": "x"}, format="json"), 403)


def test_parts_through_the_api(world):
    from .test_services import new_order, stock

    order = new_order(world)
    from houqin.maintenance import services

    services.assign(order, by=world.user(Role.DIRECTOR), worker=person(world, Role.WORKER))
    warehouse, item = stock(world, quantity=3, unit_cost="5.00")
    worker = api_client(world, Role.WORKER)
    assert_error(worker.post(url(order.pk, "parts"), {"warehouse": warehouse.pk, "item": item.pk, "quantity": 5},
                             format="json"))
    response = worker.post(url(order.pk, "parts"), {"warehouse": warehouse.pk, "item": item.pk, "quantity": 2},
                           format="json")
    assert response.status_code == 201, response.data
    assert Decimal(response.json()[0]["cost"]) == Decimal("10.00")
    assert_error(api_client(world, Role.TEACHER).post(url(order.pk, "parts"), {}, format="json"), 403)


def test_a_teacher_lists_only_his_own_reports(world):
    a = world.schools["a"]
    mine = WorkOrderFactory(school=a, reporter=world.user(Role.TEACHER))
    WorkOrderFactory(school=a, reporter=world.user(Role.KEEPER))
    ids = {r["id"] for r in api_client(world, Role.TEACHER).get(f"{API}work-orders/").json()["results"]}
    assert ids == {mine.pk}
    assert api_client(world, Role.DIRECTOR).get(f"{API}work-orders/").json()["count"] == 2


def test_task_complete_opens_a_work_order(world):
    task = PreventiveTaskFactory(school=world.schools["a"])
    worker = api_client(world, Role.WORKER)
    assert_error(worker.post(f"{API}preventive-tasks/{task.pk}/complete/",
                             {"results": [{"item": "不存在的项目", "ok": False}]}, format="json"))
    response = worker.post(f"{API}preventive-tasks/{task.pk}/complete/",
                           {"results": [{"item": "教室灯管正常", "ok": False, "note": "3号灯管不亮",
                                         "category": "power"}]}, format="json")
    assert response.status_code == 200, response.data
    assert response.json()["status"] == "done"
    order = WorkOrder.objects.get(task=task)
    assert order.category == "power" and "3号灯管不亮" in order.description
    assert_error(worker.post(f"{API}preventive-tasks/{task.pk}/complete/", {"results": []}, format="json"))


def test_equipment_record_through_the_api(world):
    eq = SpecialEquipmentFactory(school=world.schools["a"])
    director = api_client(world, Role.DIRECTOR)
    response = director.post(f"{API}special-equipment/{eq.pk}/record/", {"done_on": "2026-11-01"}, format="json")
    assert response.status_code == 201, response.data
    eq.refresh_from_db()
    assert str(eq.last_maintained_on) == "2026-11-01"
    assert director.get(f"{API}special-equipment/{eq.pk}/records/").json()["count"] == 1
    assert_error(api_client(world, Role.WORKER).post(f"{API}special-equipment/{eq.pk}/record/", {},
                                                     format="json"), 403)


MINE = ("work-orders", "preventive-plans", "preventive-tasks", "special-equipment")


def test_every_maintenance_operation_answers_bad_input_with_4xx(world):
    """The core battery (tests/core/test_api.py) over this app's paths, with real ids."""
    import json

    from drf_spectacular.generators import SchemaGenerator

    from ..core.test_api import wrong_value

    a = world.schools["a"]
    ids = {"work-orders": WorkOrderFactory(school=a, reporter=world.user(Role.DIRECTOR)).pk,
           "preventive-plans": PreventivePlanFactory(school=a).pk,
           "preventive-tasks": PreventiveTaskFactory(school=a).pk,
           "special-equipment": SpecialEquipmentFactory(school=a).pk}
    schema = SchemaGenerator().get_schema(request=None, public=True)
    components = schema["components"]["schemas"]
    client = api_client(world, Role.DIRECTOR, auth="force")
    checked = 0
    for path, operations in schema["paths"].items():
        collection = path.removeprefix(API).split("/")[0]
        if collection not in MINE:
            continue
        url = path.replace("{id}", str(ids[collection]))
        for method, operation in operations.items():
            if method == "get":
                names = [p["name"] for p in operation.get("parameters", []) if p["in"] == "query"]
                for params in (dict.fromkeys(names, "abc"), {"page": "abc", "page_size": "-1"}):
                    assert client.get(url, params).status_code < 500, (path, params)
            elif method in ("post", "put", "patch"):
                content = operation.get("requestBody", {}).get("content", {}).get("application/json", {})
                ref = content.get("schema", {}).get("$ref", "")
                props = components.get(ref.rsplit("/", 1)[-1], {}).get("properties", {}) if ref else {}
                body = {name: wrong_value(prop) for name, prop in props.items() if not prop.get("readOnly")}
                for payload in (body or {"bad": 1}, [1, 2]):
                    response = client.generic(method.upper(), url, data=json.dumps(payload),
                                              content_type="application/json")
                    assert response.status_code == 400, (path, method, response.status_code)
                    assert_error(response)
                assert_error(client.generic(method.upper(), url, data="{oops", content_type="application/json"))
                # the same with an id that does not exist: still the body is refused first
                if "{id}" in path:
                    response = client.generic(method.upper(), path.replace("{id}", "999999"),
                                              data=json.dumps([1, 2]), content_type="application/json")
                    assert response.status_code == 400, (path, method, response.status_code)
            checked += 1
    assert checked >= 20
    assert WorkOrder.objects.get(pk=ids["work-orders"]).status == "submitted"
    assert PreventivePlan.objects.count() == 2  # the task's plan and the sample plan: no seeds installed
