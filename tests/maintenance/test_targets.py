"""The per-target check of a preventive task: the plan's rooms, the school's in-service assets
of its category (and sub-categories), or its equipment, by checklist items. One work order per
faulty target, with its asset and room; targets that are not the task's are refused."""

import datetime
import importlib
import io

import pytest
from django.apps import apps
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from houqin.assets.choices import AssetStatus
from houqin.assets.models import Asset, Category
from houqin.core.choices import Role
from houqin.maintenance import services, targets
from houqin.maintenance.models import PreventiveTask, WorkOrder
from tests.assets.factories import AssetFactory
from tests.factories import RoomFactory

from ..api_contracts import API, api_client, assert_error
from .factories import PreventivePlanFactory, PreventiveTaskFactory, SpecialEquipmentFactory

pytestmark = pytest.mark.django_db
FANS = "吊扇固定牢靠\n调速开关正常"


@pytest.fixture
def fans(world):
    """电气设备 (B07) with a sub-category 风扇; fans of school a in two rooms, one in the parent
    category, one scrapped, one air conditioner (B06) and one fan of school c."""
    a, c = world.schools["a"], world.schools["c"]
    b07 = Category.objects.get(code="B07")
    fan_category = Category.objects.create(code="B07T1", name="风扇", parent=b07, depreciation_years=5)
    east, west = RoomFactory(school=a, name="六(3)班"), RoomFactory(school=a, name="六(4)班")
    rows = {
        "fan1": AssetFactory(school=a, room=east, name="吊扇", category=fan_category),
        "fan2": AssetFactory(school=a, room=west, name="吊扇", category=fan_category),
        "camera": AssetFactory(school=a, room=west, name="监控摄像机", category=b07),
        "scrapped": AssetFactory(school=a, room=east, name="旧吊扇", category=fan_category),
        "aircon": AssetFactory(school=a, room=east, name="空调", category=Category.objects.get(code="B06")),
        "theirs": AssetFactory(school=c, name="吊扇", category=fan_category),
    }
    Asset.objects.filter(pk=rows["scrapped"].pk).update(status=AssetStatus.SCRAPPED)
    plan = PreventivePlanFactory(school=a, name="每月初检查电扇", target_kind="asset_category", asset_category=b07,
                                 checklist=FANS)
    return {**rows, "plan": plan, "task": PreventiveTaskFactory(school=a, plan=plan), "east": east, "west": west}


def task_of(task):
    return services.task_queryset().get(pk=task.pk)


# --- services -------------------------------------------------------------------------------------


def test_asset_category_targets_are_the_schools_in_service_assets_with_sub_categories(fans, django_assert_num_queries):
    task = task_of(fans["task"])
    with django_assert_num_queries(1):
        found = targets.resolve(task.plan, task.school_id)
    assert {t.key for t in found} == {f"asset:{fans[k].pk}" for k in ("fan1", "fan2", "camera")}
    fan1 = next(t for t in found if t.asset == fans["fan1"])
    assert fan1.label == f"{fans['fan1'].tag} 吊扇" and fan1.room == fans["east"]
    assert fan1.place == str(fans["east"])


def test_faulty_assets_open_one_order_each_with_asset_and_room(fans, world):
    fan1, fan2 = fans["fan1"], fans["fan2"]
    worker = world.user(Role.WORKER)
    task, opened = services.complete_task(fans["task"], by=worker, results=[
        {"target": f"asset:{fan1.pk}", "item": "吊扇固定牢靠", "ok": False, "note": "有松动"},
        {"target": f"asset:{fan1.pk}", "item": "调速开关正常", "ok": False, "note": "开关失灵", "category": "power"},
        {"target": f"asset:{fan2.pk}", "item": "调速开关正常", "ok": False},
        {"target": f"asset:{fans['camera'].pk}", "item": "吊扇固定牢靠", "ok": True, "note": "不是吊扇"},
    ])
    assert len(opened) == 2 and WorkOrder.objects.filter(task=task).count() == 2
    first = WorkOrder.objects.get(task=task, asset=fan1)
    assert first.room == fans["east"] and first.category == "power" and first.reporter == worker
    assert "吊扇固定牢靠、调速开关正常" in first.description and "有松动" in first.description
    assert fan1.tag in first.description
    second = WorkOrder.objects.get(task=task, asset=fan2)
    assert second.room == fans["west"] and second.category == "other"
    assert "调速开关正常" in second.description and "吊扇固定牢靠" not in second.description
    task.refresh_from_db()
    assert len(task.results) == 3 * 2  # every target × every item, OK unless marked
    assert {"target": f"asset:{fan1.pk}", "label": f"{fan1.tag} 吊扇", "item": "吊扇固定牢靠", "ok": False,
            "note": "有松动"} in task.results
    assert task.summary() == "2 项目 × 3 对象，3 处问题"


def test_an_asset_with_an_unfinished_order_gets_the_finding_added_not_a_second_order(fans, world):
    from houqin.core.models import Notification
    from houqin.maintenance.models import WorkOrderEvent

    fan1, fan2, worker = fans["fan1"], fans["fan2"], world.user(Role.WORKER)
    _task, first = services.complete_task(fans["task"], by=worker, results=[
        {"target": f"asset:{fan1.pk}", "item": "调速开关正常", "ok": False, "note": "开关失灵"}])
    pending = first[0]
    later = PreventiveTaskFactory(school=fans["plan"].school, plan=fans["plan"],
                                  due_on=fans["task"].due_on + datetime.timedelta(days=30))
    before = Notification.objects.count()
    task, orders = services.complete_task(later, by=worker, results=[
        {"target": f"asset:{fan1.pk}", "item": "吊扇固定牢靠", "ok": False, "note": "晃动"},
        {"target": f"asset:{fan2.pk}", "item": "吊扇固定牢靠", "ok": False}])
    assert WorkOrder.objects.filter(asset=fan1).count() == 1  # still the one order for fan 1
    assert [o.pk for o in orders if o.task_id == task.pk] == [WorkOrder.objects.get(asset=fan2).pk]
    note = WorkOrderEvent.objects.get(work_order=pending, kind="note")
    assert "吊扇固定牢靠" in note.note and "晃动" in note.note and note.by == worker
    assert Notification.objects.count() > before  # the director hears of it
    # Once repaired and verified, a new finding opens a new order again.
    WorkOrder.objects.filter(pk=pending.pk).update(status="verified")
    again = PreventiveTaskFactory(school=fans["plan"].school, plan=fans["plan"],
                                  due_on=fans["task"].due_on + datetime.timedelta(days=60))
    task, orders = services.complete_task(again, by=worker, results=[
        {"target": f"asset:{fan1.pk}", "item": "吊扇固定牢靠", "ok": False}])
    assert [o.task_id for o in orders] == [task.pk] and WorkOrder.objects.filter(asset=fan1).count() == 2


@pytest.mark.parametrize("which", ["theirs", "aircon", "scrapped", "room"])
def test_targets_that_are_not_the_tasks_are_refused(fans, world, which):
    key = f"room:{fans['east'].pk}" if which == "room" else f"asset:{fans[which].pk}"
    with pytest.raises(ValidationError) as e:
        services.complete_task(fans["task"], by=world.user(Role.WORKER),
                               results=[{"target": key, "item": "吊扇固定牢靠", "ok": False}])
    assert "检查对象不属于该巡检任务" in e.value.messages[0] and key in e.value.messages[0]
    assert PreventiveTask.objects.get(pk=fans["task"].pk).status == "open"
    assert not WorkOrder.objects.exists()


def test_a_fault_without_target_is_refused_when_there_are_several(fans, world):
    with pytest.raises(ValidationError, match="请指明"):
        services.complete_task(fans["task"], by=world.user(Role.WORKER),
                               results=[{"item": "吊扇固定牢靠", "ok": False}])


def test_rooms_plan_opens_an_order_on_each_faulty_room(world):
    a = world.schools["a"]
    rooms = [RoomFactory(school=a, name=f"{n}班") for n in ("一(1)", "一(2)", "一(3)")]
    plan = PreventivePlanFactory(school=a)
    plan.rooms.set(rooms)
    task = PreventiveTaskFactory(school=a, plan=plan)
    _task, opened = services.complete_task(task, by=world.user(Role.WORKER), results=[
        {"target": f"room:{rooms[2].pk}", "item": "走廊照明正常", "ok": False, "note": "3号灯管不亮"}])
    assert [(o.room, o.asset) for o in opened] == [(rooms[2], None)]
    assert "3号灯管不亮" in opened[0].description and str(rooms[2]) in opened[0].description


def test_equipment_plan_takes_the_old_format_and_the_equipments_room(world):
    a = world.schools["a"]
    room = RoomFactory(school=a, name="电梯机房")
    eq = SpecialEquipmentFactory(school=a, room=room)
    plan = PreventivePlanFactory(school=a, target_kind="equipment", equipment=eq, checklist="曳引机无异响\n门锁正常")
    task = PreventiveTaskFactory(school=a, plan=plan)
    _task, opened = services.complete_task(task, by=world.user(Role.WORKER),
                                           results=[{"item": "门锁正常", "ok": False, "note": "层门锁松"}])
    assert opened[0].room == room and opened[0].asset is None and eq.name in opened[0].description
    assert PreventiveTask.objects.get(pk=task.pk).results[1]["target"] == f"equipment:{eq.pk}"


def test_plan_without_targets_is_checked_as_a_whole(world):
    task = PreventiveTaskFactory(school=world.schools["a"])  # a rooms plan without rooms
    _task, opened = services.complete_task(task, by=world.user(Role.WORKER),
                                           results=[{"item": "教室灯管正常", "ok": False}])
    assert opened[0].room is None and opened[0].place == task.plan.name
    assert PreventiveTask.objects.get(pk=task.pk).summary() == "2 项目 × 1 对象，1 处问题"


def test_tick_stays_idempotent_for_a_category_plan(fans):
    fans["plan"].weekday = 0
    fans["plan"].save()
    for _ in range(2):
        call_command("tick", "--date", "2026-09-07", "--only", "maintenance.preventive", stdout=io.StringIO())
    assert PreventiveTask.objects.filter(plan=fans["plan"], due_on=datetime.date(2026, 9, 7)).count() == 1


def test_old_results_are_migrated_to_the_whole_plan_target(world):
    migration = importlib.import_module("houqin.maintenance.migrations.0002_task_results_per_target")
    eq = SpecialEquipmentFactory(school=world.schools["a"], name="食堂电梯")
    plan = PreventivePlanFactory(school=world.schools["a"], target_kind="equipment", equipment=eq)
    old = PreventiveTaskFactory(school=world.schools["a"], plan=plan, status="done",
                                results=[{"item": "教室灯管正常", "ok": False, "note": "坏了"}])
    new = PreventiveTaskFactory(school=world.schools["a"], status="done",
                                results=[{"target": "room:1", "label": "x", "item": "a", "ok": True, "note": ""}])
    migration.forward(apps, None)
    old.refresh_from_db()
    new.refresh_from_db()
    assert old.results == [{"target": "plan", "label": "食堂电梯", "item": "教室灯管正常", "ok": False, "note": "坏了"}]
    assert new.results[0]["target"] == "room:1"
    migration.backward(apps, None)
    old.refresh_from_db()
    assert old.results == [{"item": "教室灯管正常", "ok": False, "note": "坏了"}]


# --- the page ---------------------------------------------------------------------------------------


def test_page_shows_the_matrix_and_completes_it(fans, world):
    client = world.client(Role.WORKER)
    task, fan1 = fans["task"], fans["fan1"]
    html = client.get(task.get_absolute_url()).content.decode()
    for t in ("fan1", "fan2", "camera"):
        assert f'name="fault-asset-{fans[t].pk}-0"' in html and f'name="fault-asset-{fans[t].pk}-1"' in html
        assert fans[t].tag in html
    assert fans["aircon"].tag not in html and fans["scrapped"].tag not in html and fans["theirs"].tag not in html
    assert 'name="note-asset-' in html and "task-matrix" in html and "checked" not in html
    response = client.post(task.get_absolute_url(), {f"fault-asset-{fan1.pk}-1": "on",
                                                     f"note-asset-{fan1.pk}": "开关失灵",
                                                     f"category-asset-{fan1.pk}": "power"})
    assert response.status_code == 302
    order = WorkOrder.objects.get(task=task)
    assert (order.asset, order.room, order.category) == (fan1, fans["east"], "power")
    assert "调速开关正常" in order.description and "开关失灵" in order.description
    done = client.get(task.get_absolute_url()).content.decode()
    assert "已记录检查结果（2 项目 × 3 对象，1 处问题），已自动报修 1 张" in done  # the message
    assert "2 项目 × 3 对象，1 处问题" in done and "有问题：调速开关正常" in done and order.number in done
    assert 'name="fault-' not in done
    listing = client.get(reverse("maintenance:preventivetask_list")).content.decode()
    assert "2 项目 × 3 对象，1 处问题" in listing


def test_page_queries_are_constant_in_the_number_of_assets(fans, world):
    client = world.client(Role.WORKER)
    url = fans["task"].get_absolute_url()
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        page = client.get(url)
    assert page.content.decode().count('name="note-asset-') == 3
    category = Category.objects.get(code="B07T1")
    for n in range(47):
        AssetFactory(school=world.schools["a"], room=fans["west"], name=f"吊扇{n}", category=category)
    with CaptureQueriesContext(connection) as many:
        page = client.get(url)
    assert page.content.decode().count('name="note-asset-') == 50
    assert len(many) == len(few), [q["sql"] for q in many.captured_queries]


def test_done_task_of_the_old_format_still_shows(world):
    task = PreventiveTaskFactory(school=world.schools["a"], status="done",
                                 results=[{"item": "教室灯管正常", "ok": False, "note": "灯不亮"},
                                          {"item": "走廊照明正常", "ok": True, "note": ""}])
    html = world.client(Role.WORKER).get(task.get_absolute_url()).content.decode()
    assert "有问题：教室灯管正常" in html and "灯不亮" in html and "2 项目 × 1 对象，1 处问题" in html


def test_page_refuses_a_posted_target_no_longer_in_service(fans, world):
    client = world.client(Role.WORKER)
    fan1 = fans["fan1"]
    Asset.objects.filter(pk=fan1.pk).update(status=AssetStatus.SCRAPPED)
    response = client.post(fans["task"].get_absolute_url(), {f"fault-asset-{fan1.pk}-0": "on"})
    assert response.status_code == 200 and "请刷新页面后重新检查" in response.content.decode()
    assert PreventiveTask.objects.get(pk=fans["task"].pk).status == "open" and not WorkOrder.objects.exists()


def test_plan_page_lists_its_targets(fans, world):
    html = world.client(Role.DIRECTOR).get(fans["plan"].get_absolute_url()).content.decode()
    assert "检查对象（3 个：电气设备及下级分类的在用资产）" in html
    assert fans["fan1"].tag in html and fans["aircon"].tag not in html and fans["scrapped"].tag not in html


# --- the API ---------------------------------------------------------------------------------------


def test_api_lists_the_targets_and_completes_by_target(fans, world):
    worker = api_client(world, Role.WORKER)
    task, fan2 = fans["task"], fans["fan2"]
    body = worker.get(f"{API}preventive-tasks/{task.pk}/").json()
    assert {t["target"] for t in body["targets"]} == {f"asset:{fans[k].pk}" for k in ("fan1", "fan2", "camera")}
    row = next(t for t in body["targets"] if t["asset"] == fan2.pk)
    assert row["room"] == fans["west"].pk and row["label"].startswith(fan2.tag)
    url = f"{API}preventive-tasks/{task.pk}/complete/"
    for key in (f"asset:{fans['theirs'].pk}", f"asset:{fans['aircon'].pk}", "asset:x"):
        assert_error(worker.post(url, {"results": [{"target": key, "item": "吊扇固定牢靠", "ok": False}]},
                                 format="json"))
    assert PreventiveTask.objects.get(pk=task.pk).status == "open"
    response = worker.post(url, {"results": [{"target": f"asset:{fan2.pk}", "item": "吊扇固定牢靠", "ok": False,
                                              "note": "扇叶晃动", "category": "power"}]}, format="json")
    assert response.status_code == 200, response.data
    body = response.json()
    assert body["status"] == "done" and body["summary"] == "2 项目 × 3 对象，1 处问题"
    assert {"target": f"asset:{fan2.pk}", "label": f"{fan2.tag} 吊扇", "item": "吊扇固定牢靠", "ok": False,
            "note": "扇叶晃动"} in body["results"]
    assert next(t for t in body["targets"] if t["target"] == f"asset:{fan2.pk}")["asset"] == fan2.pk
    order = WorkOrder.objects.get(task=task)
    assert (order.asset, order.room, order.category) == (fan2, fans["west"], "power")
    listed = worker.get(f"{API}preventive-tasks/").json()["results"]
    assert next(t for t in listed if t["id"] == task.pk)["summary"] == "2 项目 × 3 对象，1 处问题"


@pytest.mark.parametrize("role", [Role.TEACHER, Role.KEEPER, Role.GUARD, Role.DISTRICT_OFFICER])
def test_completing_a_task_is_refused_to_who_does_not_do_checks(fans, world, role):
    """The service asks the rules itself (fail closed): a caller without a worker's or a
    manager's role cannot record a check, whatever page or script calls it."""
    with pytest.raises(PermissionDenied, match="记录巡检结果"):
        services.complete_task(fans["task"], by=world.user(role),
                               results=[{"target": f"asset:{fans['fan1'].pk}", "item": "吊扇固定牢靠", "ok": False}])
    assert PreventiveTask.objects.get(pk=fans["task"].pk).status == "open"
    assert not WorkOrder.objects.exists()
