"""Page contracts of the maintenance models, and the pages that are not one model's: the
dispatch board, my jobs, the printable order, the scan page's 报修 link."""

import pytest
from django.urls import reverse

from houqin.core.choices import Role
from houqin.maintenance.models import PreventivePlan, SpecialEquipment, WorkOrder
from tests.factories import RoomFactory

from ..contracts import PagesContract
from .factories import PreventivePlanFactory, SpecialEquipmentFactory, WorkOrderFactory
from .helpers import PersonaMixin

pytestmark = pytest.mark.django_db


class TestWorkOrderPages(PersonaMixin, PagesContract):
    model = WorkOrder
    factory = WorkOrderFactory

    def make(self, world, school="a", **kwargs):
        kwargs.setdefault("reporter", self.reporter(world, school))
        return self.factory(school=world.schools[school], **kwargs)

    def valid_form(self, world):
        return {"category": "door", "description": "六(3)班教室门锁坏了", "urgency": "normal",
                "room": RoomFactory(school=world.schools["a"]).pk}

    def edit_form(self, world, obj):
        return {"category": "water", "description": "其实是水管漏水", "urgency": "urgent", "room": obj.room_id,
                "place": "", "loaded_at": obj.updated_at.isoformat()}


class TestPreventivePlanPages(PagesContract):
    model = PreventivePlan
    factory = PreventivePlanFactory

    def valid_form(self, world):
        return {"name": "每周检查照明", "recurrence": "weekly", "weekday": 0, "day_of_month": 1, "summer_month": 5,
                "target_kind": "rooms", "rooms": [RoomFactory(school=world.schools["a"]).pk],
                "checklist": "教室灯管\n走廊照明", "starts_on": "2025-01-01", "active": "on"}

    def edit_form(self, world, obj):
        return {**self.valid_form(world), "name": "每周五检查照明", "weekday": 4,
                "loaded_at": obj.updated_at.isoformat()}


class TestSpecialEquipmentPages(PagesContract):
    model = SpecialEquipment
    factory = SpecialEquipmentFactory

    def valid_form(self, world):
        return {"kind": "elevator", "name": "食堂电梯", "registration_number": "31104228002015060001",
                "use_certificate_number": "梯11鄂Q00123(15)", "contractor": "恩施奥的斯",
                "maintenance_interval_days": 15,
                "inspection_due_on": "2027-03-01", "active": "on"}

    def edit_form(self, world, obj):
        return {**self.valid_form(world), "name": "食堂货梯", "loaded_at": obj.updated_at.isoformat()}


# --- the report form ------------------------------------------------------------------------


def test_report_form_is_prefilled_with_the_teachers_classroom(world):
    from tests.factories import SchoolClassFactory

    from .helpers import person

    a = world.schools["a"]
    room = RoomFactory(school=a, name="六(3)班")
    SchoolClassFactory(school=a, grade=6, number=3, head_teacher=person(world, Role.TEACHER), room=room)
    response = world.client(Role.TEACHER).get(reverse("maintenance:workorder_add"))
    assert response.status_code == 200
    assert response.context["form"].initial["room"] == room.pk
    assert response.context["form"]["room"].value() == room.pk


def test_report_from_an_asset_prefills_asset_and_room(world):
    from tests.assets.factories import AssetFactory

    asset = AssetFactory(school=world.schools["a"])
    client = world.client(Role.WORKER)
    response = client.get(reverse("maintenance:workorder_add") + f"?asset={asset.pk}")
    assert response.context["form"].initial == {"asset": asset.pk, "room": asset.room_id}
    assert asset.tag in response.content.decode()
    # another school's asset is ignored
    other = AssetFactory(school=world.schools["c"])
    response = client.get(reverse("maintenance:workorder_add") + f"?asset={other.pk}")
    assert "asset" not in response.context["form"].initial
    # the scan page offers 报修
    response = client.get(reverse("assets:scan", args=[asset.tag]), follow=True)
    assert f"{reverse('maintenance:workorder_add')}?asset={asset.pk}" in response.content.decode()


def test_report_without_a_place_is_refused_in_chinese(world):
    response = world.client(Role.TEACHER).post(reverse("maintenance:workorder_add"),
                                               {"category": "door", "description": "坏了", "urgency": "normal"})
    assert response.status_code == 200
    assert "请选择报修地点或填写地点说明" in response.content.decode()
    assert not WorkOrder.objects.exists()


def test_report_with_a_bad_photo_is_refused(world):
    from django.core.files.uploadedfile import SimpleUploadedFile

    bad = SimpleUploadedFile("door.jpg", b"not a jpeg", content_type="image/jpeg")
    response = world.client(Role.TEACHER).post(reverse("maintenance:workorder_add"), {
        "category": "door", "description": "坏了", "urgency": "normal", "place": "操场", "photos": bad})
    assert response.status_code == 200 and "不符" in response.content.decode()
    assert not WorkOrder.objects.exists()


# --- other pages ----------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["maintenance:board", "maintenance:statistics"])
def test_board_and_statistics_are_for_managers_and_the_officer(world, name):
    for role, code in ((Role.DIRECTOR, 200), (Role.PRINCIPAL, 200), (Role.DISTRICT_OFFICER, 200),
                       (Role.TEACHER, 403), (Role.WORKER, 403), (Role.KEEPER, 403)):
        assert world.client(role).get(reverse(name)).status_code == code, role


def test_my_jobs_is_for_workers(world):
    assert world.client(Role.WORKER).get(reverse("maintenance:my_jobs")).status_code == 200
    assert world.client(Role.TEACHER).get(reverse("maintenance:my_jobs")).status_code == 403
    assert world.client(Role.DISTRICT_OFFICER).get(reverse("maintenance:my_jobs")).status_code == 403


def test_print_view(world):
    order = WorkOrderFactory(school=world.schools["a"], reporter=world.user(Role.TEACHER))
    response = world.client(Role.TEACHER).get(reverse("maintenance:workorder_print", args=[order.pk]))
    body = response.content.decode()
    assert response.status_code == 200 and order.number in body and "报修人验收签字" in body
    assert world.client(Role.KEEPER).get(reverse("maintenance:workorder_print", args=[order.pk])).status_code == 404
    other = WorkOrderFactory(school=world.schools["b"])
    assert world.client(Role.DIRECTOR).get(reverse("maintenance:workorder_print", args=[other.pk])).status_code == 404


def test_sidebar_shows_the_maintenance_section(world):
    body = world.client(Role.TEACHER).get(reverse("core:home")).content.decode()
    assert reverse("maintenance:workorder_add") in body and reverse("maintenance:board") not in body
    body = world.client(Role.DIRECTOR).get(reverse("core:home")).content.decode()
    assert reverse("maintenance:board") in body


@pytest.mark.parametrize("target", ["//evil.example/board/", "https://evil.example/", "/\\evil.example"])
def test_a_step_never_sends_the_user_to_another_site(world, target):
    """`next` (the board posts it) is followed only to this site: a step posted with another
    host's address lands on the order instead (an open redirect before)."""
    order = WorkOrderFactory(school=world.schools["a"])
    client = world.client(Role.DIRECTOR)
    response = client.post(reverse("maintenance:workorder_cancel", args=[order.pk]),
                           {"cancel-reason": "重复报修", "next": target})
    assert response.status_code == 302 and response["Location"] == order.get_absolute_url()
    board = reverse("maintenance:board")
    again = WorkOrderFactory(school=world.schools["a"])
    response = client.post(reverse("maintenance:workorder_cancel", args=[again.pk]),
                           {"cancel-reason": "重复报修", "next": board})
    assert response["Location"] == board
