"""Change history: every create, update and delete leaves exactly one entry with its actor
and school, shown on the object's page; a stale edit is refused."""

from django.apps import apps
from django.urls import reverse

from houqin.core.models import Room
from tests.factories import BuildingFactory, RoomFactory


def test_every_domain_model_keeps_history():
    from simple_history.models import registered_models

    missing = [
        m._meta.label for m in apps.get_models()
        if m._meta.app_label in {"core"} and not m._meta.label.startswith("core.Historical")
        and m not in registered_models.values()
        # append-only / inbox / a job's status / a credential (a history would keep revoked hashes)
        and m._meta.model_name not in {"signoff", "notification", "importjob", "exportjob", "apitoken"}
    ]
    assert missing == []


def test_create_update_delete_each_leave_one_entry(world):
    client = world.client("director")
    building = BuildingFactory(school=world.schools["a"])
    client.post(reverse("core:room_add"), {"building": building.pk, "name": "微机室", "floor": 2, "kind": "function"})
    room = Room.objects.get(name="微机室")
    client.post(reverse("core:room_edit", args=[room.pk]),
                {"building": building.pk, "name": "微机室", "floor": 3, "kind": "function"})
    client.post(reverse("core:room_delete", args=[room.pk]))
    entries = list(Room.history.filter(id=room.pk).order_by("history_date"))
    assert [e.history_type for e in entries] == ["+", "~", "-"]
    assert {e.history_user for e in entries} == {world.user("director")}
    assert {e.school_id for e in entries} == {world.schools["a"].pk}


def test_history_is_shown_on_the_page(world):
    client = world.client("director")
    room = RoomFactory(school=world.schools["a"], name="图书室", floor=1)
    client.post(reverse("core:room_edit", args=[room.pk]),
                {"building": room.building_id, "name": "图书室", "floor": 2, "kind": "function",
                 "loaded_at": room.updated_at.isoformat()})
    page = client.get(reverse("core:room_detail", args=[room.pk])).content.decode()
    assert "变更记录" in page and "楼层：1 → 2" in page and "a总务主任" in page


def test_stale_edit_is_refused(world):
    client = world.client("director")
    room = RoomFactory(school=world.schools["a"], name="科学实验室")
    opened = room.updated_at.isoformat()
    client.post(reverse("core:room_edit", args=[room.pk]),
                {"building": room.building_id, "name": "科学实验室一", "floor": 1, "kind": "function",
                 "loaded_at": opened})
    response = client.post(reverse("core:room_edit", args=[room.pk]),
                           {"building": room.building_id, "name": "科学实验室二", "floor": 1, "kind": "function",
                            "loaded_at": opened})
    assert response.status_code == 200
    assert "已被他人修改" in response.content.decode()
    room.refresh_from_db()
    assert room.name == "科学实验室一"


def test_history_shows_choice_labels_and_related_names_not_stored_values(world, django_assert_max_num_queries):
    from houqin.core.views.generic import history_rows
    from tests.factories import PersonFactory

    school = world.schools["a"]
    room = RoomFactory(school=school, name="音乐室", kind="function")
    for n in range(6):  # six edits: the related names are still fetched in one query per model
        room.responsible = PersonFactory(school=school, name=f"管理员{n}")
        room.kind = "office" if n % 2 else "function"
        room.save()
    with django_assert_max_num_queries(3):
        rows = history_rows(room)
    changes = [change for _record, row in rows for change in row]
    assert ("负责人", "管理员4", "管理员5") in changes
    assert ("类型", "功能室", "办公室") in changes
    assert ("负责人", "—", "管理员0") in changes
