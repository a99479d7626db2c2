"""Stocktakes (清查盘点): services and pages.

The expected list is frozen when the stocktake opens; counters tick, count, scan and add
surplus items room by room; the room's responsible person (the head teacher) signs; closing
sends the adjustments to approval, and approving them changes the register.
"""

from dataclasses import dataclass
from decimal import Decimal

import factory
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from factory.django import DjangoModelFactory

from houqin.assets import services
from houqin.assets.choices import AssetStatus, EventKind, LineResult, StocktakeStatus
from houqin.assets.models import Asset, AssetEvent, Stocktake, StocktakeLine, StocktakeRoom
from houqin.core import approvals
from houqin.core.choices import ApprovalStatus, Decision, Role
from houqin.core.models import Membership, Person
from houqin.core.rules import ADD, CHANGE, can
from tests.conftest import ALL_ROLES
from tests.contracts import PagesContract, statements
from tests.factories import BuildingFactory, PersonFactory, RoomFactory, SchoolClassFactory, UserFactory

from .factories import AssetFactory, bulk


class StocktakeFactory(DjangoModelFactory):
    class Meta:
        model = Stocktake

    name = factory.Sequence(lambda n: f"第{n}次清查")
    opened_by = factory.SubFactory(UserFactory)


def url(name, *args):
    return reverse(f"assets:{name}", args=args)


@dataclass
class Scene:
    """School a: two classrooms, each with a class whose head teacher logs in, a projector
    and 40 sets of desks; a stocktake of both opened by the director."""

    world: object
    rooms: list
    projectors: list
    desks: list
    teachers: list
    stocktake: Stocktake = None

    def room(self, i):
        return self.stocktake.rooms.get(room=self.rooms[i])

    def line(self, asset):
        return self.stocktake.lines.get(asset=asset)

    def count_all(self, i, by):
        for line in self.room(i).lines.all():
            services.count_line(line, by=by, counted=line.expected)


def make_scene(world, school="a", open_=True):
    s = world.schools[school]
    director = world.user(Role.DIRECTOR, school)
    second = UserFactory(username=f"{school}.teacher2", display_name="王老师")
    Membership.objects.create(user=second, school=s, role=Role.TEACHER)
    teachers = [world.user(Role.TEACHER, school), second]
    heads = [Person.objects.get(user=teachers[0]), PersonFactory(school=s, name="王老师", user=second)]
    building = BuildingFactory(school=s, name="教学楼")
    rooms = [RoomFactory(school=s, building=building, name=n) for n in ("六(3)班教室", "六(4)班教室")]
    for i, (room, head) in enumerate(zip(rooms, heads, strict=True)):
        SchoolClassFactory(school=s, grade=6, number=3 + i, head_teacher=head, room=room)
    projectors = [AssetFactory(room=r, by=director) for r in rooms]
    desks = [bulk(s, room=r, by=director) for r in rooms]
    scene = Scene(world, rooms, projectors, desks, teachers)
    if open_:
        scene.stocktake = services.open_stocktake(s, by=director, name="期末清查", rooms=rooms)
    return scene


@pytest.fixture
def scene(world):
    return make_scene(world)


# --- services ---------------------------------------------------------------------------


def test_expected_list_is_frozen_at_opening(world, scene):
    later = AssetFactory(room=scene.rooms[0], name="后来登记的电脑")
    lines = scene.stocktake.lines.all()
    assert {line.asset_id for line in lines} == {a.pk for a in scene.projectors + scene.desks}
    assert later.pk not in {line.asset_id for line in lines}
    assert scene.line(scene.desks[0]).expected == 40
    assert all(line.result == LineResult.PENDING for line in lines)
    # a quantity changed after opening does not change the expected quantity
    services.split(scene.desks[0], 5, by=world.user("director"))
    assert scene.line(scene.desks[0]).expected == 40


def test_written_off_holdings_are_not_expected(world):
    scene = make_scene(world, open_=False)
    services.mark_lost(scene.projectors[0], by=world.user("director"), note="去年丢失")
    stocktake = services.open_stocktake(world.schools["a"], by=world.user("director"), name="x", rooms=scene.rooms)
    assert not stocktake.lines.filter(asset=scene.projectors[0]).exists()


def test_open_needs_rooms_of_the_school(world):
    with pytest.raises(ValidationError, match="请选择要盘点的房间"):
        services.open_stocktake(world.schools["a"], by=world.user("director"), name="x", rooms=[])
    with pytest.raises(ValidationError, match="房间不属于本校"):
        services.open_stocktake(world.schools["a"], by=world.user("director"), name="x",
                                rooms=[RoomFactory(school=world.schools["b"])])


def test_results_found_missing_damaged_surplus(world, scene):
    keeper = world.user("keeper")
    found = services.count_line(scene.line(scene.projectors[0]), by=keeper, counted=1)
    missing = services.count_line(scene.line(scene.projectors[1]), by=keeper, counted=0, note="找不到")
    damaged = services.count_line(scene.line(scene.desks[0]), by=keeper, counted=40, damaged=2)
    short = services.count_line(scene.line(scene.desks[1]), by=keeper, counted=42)
    assert (found.result, missing.result, damaged.result, short.result) == (
        LineResult.FOUND, LineResult.MISSING, LineResult.DAMAGED, LineResult.SURPLUS)
    assert missing.note == "找不到" and found.counted_by == keeper and found.counted_at
    extra = services.add_surplus(scene.room(0), by=keeper, description="旧书柜", quantity=2)
    assert extra.result == LineResult.SURPLUS and extra.asset is None and extra.counted == 2


def test_bad_counts_are_refused(world, scene):
    keeper = world.user("keeper")
    with pytest.raises(ValidationError, match="损坏数量不能超过实盘数量"):
        services.count_line(scene.line(scene.desks[0]), by=keeper, counted=3, damaged=4)
    with pytest.raises(ValidationError, match="单件资产实盘数量只能为 0 或 1"):
        services.count_line(scene.line(scene.projectors[0]), by=keeper, counted=2)


def test_scan_by_tag_or_label_address(world, scene):
    keeper = world.user("keeper")
    line = services.scan(scene.stocktake, f" {scene.projectors[0].tag.lower()} ", by=keeper)
    assert line.result == LineResult.FOUND and line.counted == 1
    with pytest.raises(ValidationError, match="不在本次盘点的账面清单中"):
        services.scan(scene.stocktake, "NOPE-1", by=keeper)
    with pytest.raises(ValidationError, match="不在本房间"):
        services.scan(scene.stocktake, scene.projectors[1].tag, by=keeper, stocktake_room=scene.room(0))
    # a phone's QR app types the label's address: the asset page
    address = "http://houqin.example" + scene.projectors[1].get_absolute_url() + "?from=label"
    assert services.scan(scene.stocktake, address, by=keeper).result == LineResult.FOUND
    with pytest.raises(ValidationError, match="不在本次盘点"):
        services.scan(scene.stocktake, "http://houqin.example" + url("stocktake_list"), by=keeper)


def test_who_signs_a_room(world, scene):
    head, other_head = scene.teachers
    scene.count_all(0, world.user("keeper"))
    room = scene.room(0)
    for user in (other_head, world.user("keeper"), world.user("principal")):
        with pytest.raises(PermissionDenied, match="班主任"):
            services.sign_room(room, by=user)
    signed = services.sign_room(room, by=head)
    assert signed.signed_by == head and signed.signed_at
    with pytest.raises(ValidationError, match="已签字"):
        services.sign_room(room, by=world.user("director"))
    with pytest.raises(ValidationError, match="已签字确认，不能再修改"):
        services.count_line(scene.line(scene.desks[0]), by=world.user("keeper"), counted=1)


@pytest.mark.parametrize("school", ["b", "c"])
def test_sign_room_finds_the_signers_roles_in_the_rooms_school(world, scene, school):
    """The service looks the roles up itself: a director of another school is nobody here,
    and no caller can hand it a role the signer does not hold in the room's school."""
    scene.count_all(0, world.user("keeper"))
    with pytest.raises(PermissionDenied, match="班主任"):
        services.sign_room(scene.room(0), by=world.user(Role.DIRECTOR, school))
    assert scene.room(0).signed_at is None


def test_responsible_person_or_director_sign(world, scene):
    responsible = Person.objects.get(user=world.user("worker"))
    scene.rooms[1].responsible = responsible
    scene.rooms[1].save()
    scene.count_all(1, world.user("keeper"))
    assert services.sign_room(scene.room(1), by=world.user("worker")).signed_at
    scene.count_all(0, world.user("keeper"))
    assert services.sign_room(scene.room(0), by=world.user("director")).signed_at


def test_cannot_sign_with_uncounted_lines(world, scene):
    services.count_line(scene.line(scene.projectors[0]), by=world.user("keeper"), counted=1)
    with pytest.raises(ValidationError, match="还有未盘点的物品"):
        services.sign_room(scene.room(0), by=scene.teachers[0])


def test_cannot_close_with_unsigned_rooms(world, scene):
    scene.count_all(0, world.user("keeper"))
    services.sign_room(scene.room(0), by=scene.teachers[0])
    with pytest.raises(ValidationError, match="还有房间未签字确认"):
        services.close_stocktake(scene.stocktake, by=world.user("director"))
    scene.stocktake.refresh_from_db()
    assert scene.stocktake.status == StocktakeStatus.OPEN


def close_with_discrepancies(world, scene):
    """Room 0: projector missing, 2 of 40 desks missing and 1 damaged; room 1: all found."""
    keeper = world.user("keeper")
    services.count_line(scene.line(scene.projectors[0]), by=keeper, counted=0, note="未找到")
    services.count_line(scene.line(scene.desks[0]), by=keeper, counted=38, damaged=1)
    services.add_surplus(scene.room(0), by=keeper, description="旧书柜", quantity=1)
    scene.count_all(1, keeper)
    services.sign_room(scene.room(0), by=scene.teachers[0])
    services.sign_room(scene.room(1), by=scene.teachers[1])
    return services.close_stocktake(scene.stocktake, by=world.user("director"))


def test_close_approve_adjusts_the_register(world, scene):
    approval = close_with_discrepancies(world, scene)
    scene.stocktake.refresh_from_db()
    assert scene.stocktake.status == StocktakeStatus.CLOSED and scene.stocktake.closed_at
    # 4800 (projector) + 2 × 320 (missing desks) + 1 × 320 (damaged) = 5760
    assert approval.amount == Decimal("5760.00") == services.discrepancy_value(scene.stocktake)
    assert [s["label"] for s in approval.steps] == ["总务主任审核", "校长审批"]
    report = {(line.asset_id, line.result) for line in services.discrepancies(scene.stocktake)}
    assert report == {(scene.projectors[0].pk, LineResult.MISSING), (scene.desks[0].pk, LineResult.MISSING),
                      (None, LineResult.SURPLUS)}
    # nothing changes before the approval
    assert Asset.objects.get(pk=scene.projectors[0].pk).status == AssetStatus.IN_USE
    with pytest.raises(PermissionDenied):
        approvals.sign(approval, by=world.user("principal"), decision=Decision.APPROVE)
    approvals.sign(approval, by=world.user("director"), decision=Decision.APPROVE)
    assert Asset.objects.get(pk=scene.projectors[0].pk).status == AssetStatus.IN_USE
    approvals.sign(approval, by=world.user("principal"), decision=Decision.APPROVE)
    approval.refresh_from_db()
    scene.stocktake.refresh_from_db()
    assert approval.status == ApprovalStatus.APPROVED
    assert scene.stocktake.status == StocktakeStatus.ADJUSTED

    assert Asset.objects.get(pk=scene.projectors[0].pk).status == AssetStatus.LOST
    assert Asset.objects.get(pk=scene.projectors[1].pk).status == AssetStatus.IN_USE
    desks = Asset.objects.filter(school=world.schools["a"], room=scene.rooms[0], name="学生课桌椅")
    by_status = {(a.status, a.quantity) for a in desks}
    assert by_status == {(AssetStatus.IN_USE, 37), (AssetStatus.LOST, 2), (AssetStatus.DAMAGED, 1)}
    assert Asset.objects.get(pk=scene.desks[1].pk).quantity == 40
    events = AssetEvent.objects.filter(school=world.schools["a"], kind=EventKind.STOCKTAKE)
    assert events.count() == 3
    lost = events.get(asset=scene.projectors[0])
    assert (lost.quantity, lost.value_change) == (-1, Decimal("-4800.00"))
    assert lost.by == world.user("principal") and "期末清查" in lost.note
    # the ledger's books: quantities and values of what is still on the books
    on_books = Asset.objects.filter(school=world.schools["a"]).exclude(
        status__in=[AssetStatus.LOST, AssetStatus.SCRAPPED])
    assert sum(a.quantity for a in on_books.filter(name="学生课桌椅")) == 38 + 40
    total = sum(e.value_change for e in AssetEvent.objects.filter(school=world.schools["a"]))
    assert total == sum(a.original_value for a in on_books)


def test_a_holding_written_off_meanwhile_is_not_written_off_twice(world, scene):
    approval = close_with_discrepancies(world, scene)
    services.mark_lost(scene.projectors[0], by=world.user("director"), note="已报失")
    services.split(scene.desks[0], 39, by=world.user("director"))  # one set left in the counted holding
    approvals.sign(approval, by=world.user("director"), decision=Decision.APPROVE)
    approvals.sign(approval, by=world.user("principal"), decision=Decision.APPROVE)
    projector_events = AssetEvent.objects.filter(asset=scene.projectors[0]).values_list("kind", flat=True)
    assert list(projector_events) == [EventKind.REGISTER, EventKind.LOST]
    assert Asset.objects.get(pk=scene.desks[0].pk).status == AssetStatus.LOST  # the 1 left, not 2


def test_small_differences_need_the_director_only(world, scene):
    keeper = world.user("keeper")
    scene.count_all(0, keeper)
    scene.count_all(1, keeper)
    services.count_line(scene.line(scene.desks[1]), by=keeper, counted=40, damaged=1)
    for i in (0, 1):
        services.sign_room(scene.room(i), by=world.user("director"))
    approval = services.close_stocktake(scene.stocktake, by=world.user("director"))
    assert approval.amount == Decimal("320.00") and len(approval.steps) == 1
    approvals.sign(approval, by=world.user("director"), decision=Decision.APPROVE)
    assert {(a.status, a.quantity) for a in Asset.objects.filter(room=scene.rooms[1], name="学生课桌椅")} == {
        (AssetStatus.IN_USE, 39), (AssetStatus.DAMAGED, 1)}


def test_surplus_on_a_bulk_holding_adds_to_it(world, scene):
    keeper = world.user("keeper")
    scene.count_all(0, keeper)
    scene.count_all(1, keeper)
    services.count_line(scene.line(scene.desks[1]), by=keeper, counted=43)
    for i in (0, 1):
        services.sign_room(scene.room(i), by=world.user("director"))
    approval = services.close_stocktake(scene.stocktake, by=world.user("director"))
    approvals.sign(approval, by=world.user("director"), decision=Decision.APPROVE)
    assert Asset.objects.get(pk=scene.desks[1].pk).quantity == 43


def test_nothing_to_adjust_closes_without_approval(world, scene):
    scene.count_all(0, world.user("keeper"))
    scene.count_all(1, world.user("keeper"))
    for i in (0, 1):
        services.sign_room(scene.room(i), by=world.user("director"))
    assert services.close_stocktake(scene.stocktake, by=world.user("director")) is None
    scene.stocktake.refresh_from_db()
    assert scene.stocktake.status == StocktakeStatus.ADJUSTED


def test_progress_per_room(world, scene):
    services.count_line(scene.line(scene.projectors[0]), by=world.user("keeper"), counted=1)
    rows = {r.room_id: (r.done, r.total, r.signed_by) for r in services.progress(scene.stocktake)}
    assert rows == {scene.rooms[0].pk: (1, 2, None), scene.rooms[1].pk: (0, 2, None)}


# --- pages --------------------------------------------------------------------------------


class TestStocktakePages(PagesContract):
    """List, detail, open (add), rename (edit) and delete (nobody) for every role."""

    model = Stocktake
    factory = StocktakeFactory

    def valid_form(self, world):
        room = RoomFactory(school=world.schools["a"])
        return {"name": "期中清查", "scope": "rooms", "rooms": [room.pk]}

    def edit_form(self, world, obj):
        return {"name": "改过的名称"}


@pytest.mark.parametrize("how", ["school", "buildings", "rooms"])
def test_open_page_scopes(world, scene, how):
    a = world.schools["a"]
    other = RoomFactory(school=a, name="总务处")
    data = {"name": "抽查", "scope": how}
    if how == "buildings":
        data["buildings"] = [scene.rooms[0].building_id]
    if how == "rooms":
        data["rooms"] = [scene.rooms[1].pk]
    response = world.client("director").post(url("stocktake_add"), data)
    assert response.status_code == 302
    stocktake = Stocktake.objects.latest("pk")
    rooms = set(stocktake.rooms.values_list("room_id", flat=True))
    expected = {"school": {scene.rooms[0].pk, scene.rooms[1].pk, other.pk},
                "buildings": {scene.rooms[0].pk, scene.rooms[1].pk}, "rooms": {scene.rooms[1].pk}}[how]
    assert expected <= rooms if how == "school" else rooms == expected
    assert response["Location"] == stocktake.get_absolute_url()


def test_open_page_chinese_errors_and_other_schools_rooms(world, scene):
    client = world.client("director")
    response = client.post(url("stocktake_add"), {"name": "x", "scope": "rooms"})
    assert response.status_code == 200 and "请选择要盘点的房间" in response.content.decode()
    theirs = RoomFactory(school=world.schools["c"])
    response = client.post(url("stocktake_add"), {"name": "x", "scope": "rooms", "rooms": [theirs.pk]})
    assert response.status_code == 200 and Stocktake.objects.count() == 1
    assert "rooms" in response.context["form"].errors
    form = client.get(url("stocktake_add")).content.decode()
    assert "六(3)班教室" in form and str(theirs) not in form


def test_detail_shows_progress_then_report_and_approval_link(world, scene):
    client = world.client("director")
    page = client.get(scene.stocktake.get_absolute_url()).content.decode()
    assert "六(3)班教室" in page and "已盘 0/2" in page and "结束盘点" in page
    approval = close_with_discrepancies(world, scene)
    page = client.get(scene.stocktake.get_absolute_url()).content.decode()
    assert approval.get_absolute_url() in page and "盘点差异报告" in page and "5,760.00" in page
    assert "4,800.00" in page and "旧书柜" in page and "结束盘点" not in page


def test_close_page(world, scene):
    client = world.client("director")
    response = client.post(url("stocktake_close", scene.stocktake.pk), follow=True)
    assert "还有房间未签字确认" in response.content.decode()
    assert world.client("teacher").post(url("stocktake_close", scene.stocktake.pk)).status_code == 403
    scene.count_all(0, world.user("keeper"))
    scene.count_all(1, world.user("keeper"))
    for i in (0, 1):
        services.sign_room(scene.room(i), by=world.user("director"))
    response = client.post(url("stocktake_close", scene.stocktake.pk), follow=True)
    assert "账实相符" in response.content.decode()


def test_counting_page_full_and_htmx_row(world, scene):
    room = scene.room(0)
    client = world.client("teacher")  # the head teacher of room 0
    page = client.get(url("stocktakeroom_detail", room.pk)).content.decode()
    assert scene.projectors[0].tag in page and 'name="tag"' in page and "登记盘盈" in page
    line = scene.line(scene.desks[0])
    response = client.post(url("stocktakeline_count", line.pk), {"action": "save", "counted": "38", "damaged": "1",
                                                                 "note": "两套不见了"}, HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert response.status_code == 200 and "<html" not in body and f'id="line-{line.pk}"' in body
    assert "盘亏" in body and 'hx-swap-oob="true"' in body
    line.refresh_from_db()
    assert (line.counted, line.damaged, line.result, line.note) == (38, 1, LineResult.MISSING, "两套不见了")
    response = client.post(url("stocktakeline_count", line.pk), {"action": "found"})
    assert response.status_code == 302 and response["Location"].endswith(f"#line-{line.pk}")
    line.refresh_from_db()
    assert (line.counted, line.damaged, line.result) == (40, 0, LineResult.FOUND)
    projector = scene.line(scene.projectors[0])
    client.post(url("stocktakeline_count", projector.pk), {"action": "damaged"}, HTTP_HX_REQUEST="true")
    projector.refresh_from_db()
    assert (projector.counted, projector.damaged, projector.result) == (1, 1, LineResult.DAMAGED)


def test_counting_errors_in_chinese(world, scene):
    client = world.client("keeper")
    line = scene.line(scene.desks[0])
    body = client.post(url("stocktakeline_count", line.pk), {"action": "save", "counted": "3", "damaged": "5"},
                       HTTP_HX_REQUEST="true").content.decode()
    assert "损坏数量不能超过实盘数量" in body
    body = client.post(url("stocktakeline_count", line.pk), {"action": "save", "counted": "-1"},
                       HTTP_HX_REQUEST="true").content.decode()
    assert "不能为负数" in body
    body = client.post(url("stocktakeline_count", line.pk), {"action": "save"}, HTTP_HX_REQUEST="true").content.decode()
    assert "请填写实盘数量" in body
    line.refresh_from_db()
    assert line.result == LineResult.PENDING


def test_scan_and_surplus_pages(world, scene):
    client = world.client("keeper")
    room = scene.room(0)
    response = client.post(url("stocktakeroom_scan", room.pk), {"tag": scene.projectors[0].tag}, follow=True)
    assert "已盘点" in response.content.decode()
    assert scene.line(scene.projectors[0]).result == LineResult.FOUND
    response = client.post(url("stocktakeroom_scan", room.pk), {"tag": scene.projectors[1].tag}, follow=True)
    assert "不在本房间" in response.content.decode()
    response = client.post(url("stocktakeroom_scan", room.pk), {"tag": ""}, follow=True)
    assert "请输入或扫描资产编号" in response.content.decode()
    client.post(url("stocktakeroom_surplus", room.pk), {"description": "旧书柜", "quantity": "2"})
    assert room.lines.get(asset=None).counted == 2
    response = client.post(url("stocktakeroom_surplus", room.pk), {"description": "", "quantity": "0"}, follow=True)
    assert "请填写盘盈物品的名称和数量" in response.content.decode()
    assert room.lines.filter(asset=None).count() == 1


def test_count_from_the_asset_page(world, scene):
    """The asset page (opened by scanning the label with the phone's camera) posts here."""
    target = url("stocktake_count_asset", scene.projectors[1].pk)
    assert world.client("teacher").post(target).status_code == 404  # not his room: hidden, as by the rules
    other = world.client("teacher")
    other.force_login(scene.teachers[1])
    response = other.post(target)
    assert response.status_code == 302 and response["Location"] == url("stocktakeroom_detail", scene.room(1).pk)
    assert scene.line(scene.projectors[1]).result == LineResult.FOUND
    outside = AssetFactory(school=world.schools["a"])
    response = world.client("keeper").post(url("stocktake_count_asset", outside.pk), follow=True)
    assert "不在进行中的盘点范围内" in response.content.decode()
    response = world.client("keeper").post(url("stocktake_count_asset", outside.pk), {"next": "https://evil.example/"})
    assert response["Location"] == url("stocktake_list")
    theirs = make_scene(world, "b")
    assert world.client("director").post(url("stocktake_count_asset", theirs.projectors[0].pk)).status_code == 302
    assert theirs.line(theirs.projectors[0]).result == LineResult.PENDING
    assert world.client("guard").post(target).status_code == 403


def test_sign_page_refuses_others_in_chinese(world, scene):
    room = scene.room(0)
    response = world.client("teacher").post(url("stocktakeroom_sign", room.pk), follow=True)
    assert "还有未盘点的物品" in response.content.decode()
    scene.count_all(0, world.user("keeper"))
    for role in ("keeper", "principal"):
        response = world.client(role).post(url("stocktakeroom_sign", room.pk))
        assert response.status_code == 403 and "班主任" in response.content.decode()
    other = world.client("teacher")
    other.force_login(scene.teachers[1])
    assert other.post(url("stocktakeroom_sign", room.pk)).status_code == 404  # not a room he sees
    response = world.client("teacher").post(url("stocktakeroom_sign", room.pk), follow=True)
    assert "已签字确认" in response.content.decode()
    room.refresh_from_db()
    assert room.signed_by == scene.teachers[0]
    page = world.client("director").get(url("stocktakeroom_detail", room.pk)).content.decode()
    assert 'name="tag"' not in page and "已签字" in page


def test_responsible_person_signs_on_the_page_whatever_his_role(world, scene):
    scene.rooms[1].responsible = Person.objects.get(user=world.user("accountant"))
    scene.rooms[1].save()
    scene.count_all(1, world.user("keeper"))
    page = world.client("accountant").get(url("stocktakeroom_detail", scene.room(1).pk)).content.decode()
    assert 'id="sign-room"' in page and "hx-post" not in page  # signs, does not count
    assert world.client("guard").post(url("stocktakeroom_sign", scene.room(1).pk)).status_code == 403
    assert world.client("district_officer").post(url("stocktakeroom_sign", scene.room(1).pk)).status_code == 403
    assert world.client("accountant").post(url("stocktakeroom_sign", scene.room(1).pk)).status_code == 302
    assert scene.room(1).signed_by == world.user("accountant")


def test_teacher_counts_only_his_own_rooms(world, scene):
    """Another teacher's room is hidden from him as the rules hide rows (404, as another
    school's room); a room he sees but may not count answers 403."""
    client = world.client("teacher")
    mine, theirs = scene.room(0), scene.room(1)
    assert client.get(url("stocktakeroom_detail", theirs.pk)).status_code == 404
    line = theirs.lines.first()
    assert client.post(url("stocktakeline_count", line.pk), {"action": "found"}).status_code == 404
    assert client.post(url("stocktakeroom_scan", theirs.pk), {"tag": scene.projectors[1].tag}).status_code == 404
    assert client.post(url("stocktakeroom_surplus", theirs.pk), {"description": "x", "quantity": 1}).status_code == 404
    assert client.post(url("stocktakeroom_sign", theirs.pk)).status_code == 404
    line.refresh_from_db()
    assert line.result == LineResult.PENDING
    page = client.get(scene.stocktake.get_absolute_url()).content.decode()
    assert url("stocktakeroom_detail", mine.pk) in page and url("stocktakeroom_detail", theirs.pk) not in page


@pytest.mark.parametrize("role", ALL_ROLES)
def test_each_role_counts_per_the_rules(world, scene, role):
    client = world.client(role)
    room = scene.room(1)  # no role persona is this room's head teacher
    line = scene.line(scene.desks[1])
    page = client.get(url("stocktakeroom_detail", room.pk))
    response = client.post(url("stocktakeline_count", line.pk), {"action": "found"})
    line.refresh_from_db()
    counts = can({role}, CHANGE, StocktakeLine) and role != Role.TEACHER
    if counts:
        assert page.status_code == 200 and 'name="tag"' in page.content.decode()
        assert response.status_code == 302 and line.result == LineResult.FOUND
    else:
        assert line.result == LineResult.PENDING
        if page.status_code == 200:
            assert response.status_code == 403
            assert 'name="tag"' not in page.content.decode() and "hx-post" not in page.content.decode()
        else:  # not his room: hidden as the rules hide rows
            assert role == Role.TEACHER and page.status_code == response.status_code == 404


@pytest.mark.parametrize("role", ALL_ROLES)
def test_each_role_opens_and_closes_per_the_rules(world, scene, role):
    client = world.client(role)
    data = {"name": "抽查", "scope": "rooms", "rooms": [scene.rooms[0].pk]}
    before = Stocktake.objects.count()
    response = client.post(url("stocktake_add"), data)
    if can({role}, ADD, Stocktake):
        assert response.status_code == 302 and Stocktake.objects.count() == before + 1
    else:
        assert response.status_code == 403 and Stocktake.objects.count() == before
    response = client.post(url("stocktake_close", scene.stocktake.pk))
    assert response.status_code == (302 if can({role}, CHANGE, Stocktake) else 403)
    detail = client.get(scene.stocktake.get_absolute_url()).content.decode()
    assert ('id="close-stocktake"' in detail) == can({role}, CHANGE, Stocktake)


@pytest.mark.parametrize("other", ["b", "c"])
def test_other_schools_stocktake_room_and_line_are_404(world, other):
    theirs = make_scene(world, other)
    room, line = theirs.room(0), theirs.line(theirs.desks[0])
    tag = theirs.projectors[0].tag
    client = world.client("director")  # the director of school a
    for target in (url("stocktake_detail", theirs.stocktake.pk), url("stocktake_edit", theirs.stocktake.pk),
                   url("stocktakeroom_detail", room.pk)):
        assert client.get(target).status_code == 404, target
    posts = [
        (url("stocktake_close", theirs.stocktake.pk), {}),
        (url("stocktake_edit", theirs.stocktake.pk), {"name": "偷改"}),
        (url("stocktakeroom_scan", room.pk), {"tag": tag}),
        (url("stocktakeroom_surplus", room.pk), {"description": "x", "quantity": 1}),
        (url("stocktakeroom_sign", room.pk), {}),
        (url("stocktakeline_count", line.pk), {"action": "found"}),
    ]
    for target, data in posts:
        assert client.post(target, data).status_code == 404, target
        assert client.post(target, data, HTTP_HX_REQUEST="true").status_code == 404, target
    theirs.stocktake.refresh_from_db()
    line.refresh_from_db()
    assert theirs.stocktake.status == StocktakeStatus.OPEN and theirs.stocktake.name == "期末清查"
    assert line.result == LineResult.PENDING and not room.lines.filter(asset=None).exists()
    assert StocktakeRoom.objects.get(pk=room.pk).signed_at is None
    # and the district officer of school a's district only reads
    officer = world.client("district_officer", "a")
    assert officer.post(url("stocktakeline_count", line.pk), {"action": "found"}).status_code in (403, 404)


def test_anonymous_is_sent_to_login(world, scene):
    from django.test import Client

    for target in (url("stocktakeroom_detail", scene.room(0).pk), url("stocktake_list")):
        response = Client().get(target)
        assert response.status_code == 302 and "/login/" in response["Location"]
    response = Client().post(url("stocktakeline_count", scene.line(scene.desks[0]).pk), {"action": "found"})
    assert response.status_code == 302 and scene.line(scene.desks[0]).result == LineResult.PENDING


def test_counting_page_queries_constant(world, scene):
    client = world.client("teacher")
    room = scene.room(0)
    target = url("stocktakeroom_detail", room.pk)
    services.add_surplus(room, by=world.user("keeper"), description="旧书柜", quantity=1)
    client.get(target)
    with CaptureQueriesContext(connection) as few:
        assert client.get(target).status_code == 200
    stocktake_room = room
    for i in range(8):
        services.add_surplus(stocktake_room, by=world.user("keeper"), description=f"椅子{i}", quantity=1)
    for line in room.lines.filter(asset__isnull=False):
        services.count_line(line, by=world.user("keeper"), counted=line.expected)
    with CaptureQueriesContext(connection) as many:
        assert client.get(target).status_code == 200
    assert len(many) == len(few), [q["sql"] for q in many.captured_queries]
    assert statements(many) <= 14


def test_detail_queries_constant(world, scene):
    client = world.client("director")
    target = scene.stocktake.get_absolute_url()
    client.get(target)
    with CaptureQueriesContext(connection) as few:
        client.get(target)
    more = [RoomFactory(school=world.schools["a"]) for _ in range(5)]
    for room in more:
        AssetFactory(room=room)
    stocktake = services.open_stocktake(world.schools["a"], by=world.user("director"), name="y",
                                        rooms=scene.rooms + more)
    target = stocktake.get_absolute_url()
    client.get(target)
    with CaptureQueriesContext(connection) as many:
        client.get(target)
    assert len(many) == len(few), [q["sql"] for q in many.captured_queries]


def test_sidebar_has_the_stocktakes(world):
    page = world.client("teacher").get(reverse("core:home")).content.decode()
    assert f'href="{url("stocktake_list")}"' in page and "盘点" in page


def test_scan_accepts_the_label_url(world):
    """The QR label encodes /assets/scan/<tag>/ (views/labels.py); the counting page's scan
    field receives that whole address from a phone's scanner app."""
    from django.urls import reverse

    from houqin.assets import services
    from houqin.assets.choices import LineResult
    from tests.assets.factories import AssetFactory

    asset = AssetFactory(school=world.schools["a"])
    stocktake = services.open_stocktake(world.schools["a"], by=world.user("director"), name="期末清查",
                                        rooms=[asset.room])
    url = "http://127.0.0.1:8000" + reverse("assets:scan", args=[asset.tag])
    line = services.scan(stocktake, url, by=world.user("director"))
    assert line.result == LineResult.FOUND and line.asset == asset


def _closed_with_a_missing_projector(world):
    from houqin.assets import services
    from tests.assets.factories import AssetFactory

    asset = AssetFactory(school=world.schools["a"])
    director = world.user("director")
    stocktake = services.open_stocktake(world.schools["a"], by=director, name="期末清查", rooms=[asset.room])
    line = stocktake.lines.get()
    services.count_line(line, by=director, counted=0)
    services.sign_room(stocktake.rooms.get(), by=director)
    return asset, stocktake, services.close_stocktake(stocktake, by=director)


def test_rejected_adjustment_reopens_for_recount(world):
    from houqin.assets import services
    from houqin.assets.choices import AssetStatus, StocktakeStatus
    from houqin.core import approvals

    asset, stocktake, approval = _closed_with_a_missing_projector(world)
    approvals.sign(approval, by=world.user("director"), decision="reject", comment="投影机在维修间，请复盘")
    stocktake.refresh_from_db()
    room = stocktake.rooms.get()
    assert stocktake.status == StocktakeStatus.OPEN and room.signed_at is None
    asset.refresh_from_db()
    assert asset.status == AssetStatus.IN_USE  # nothing written off
    services.count_line(stocktake.lines.get(), by=world.user("director"), counted=1)
    services.sign_room(room, by=world.user("director"))
    assert services.close_stocktake(stocktake, by=world.user("director")) is None  # now all found
    stocktake.refresh_from_db()
    assert stocktake.status == StocktakeStatus.ADJUSTED


def test_cancel_an_open_stocktake_through_the_page(world):
    from django.urls import reverse

    from houqin.assets import services
    from houqin.assets.choices import StocktakeStatus
    from tests.assets.factories import AssetFactory

    asset = AssetFactory(school=world.schools["a"])
    stocktake = services.open_stocktake(world.schools["a"], by=world.user("director"), name="抽查",
                                        rooms=[asset.room])
    url = reverse("assets:stocktake_cancel", args=[stocktake.pk])
    assert world.client("teacher").post(url).status_code == 403
    assert world.client("director", "c").post(url).status_code == 404
    stocktake.refresh_from_db()
    assert stocktake.status == StocktakeStatus.OPEN
    world.client("keeper").post(url)
    stocktake.refresh_from_db()
    assert stocktake.status == StocktakeStatus.CANCELLED
    response = world.client("keeper").post(url, follow=True)
    assert "只有进行中的盘点可以取消" in response.content.decode()


def test_a_stocktake_awaiting_approval_cannot_be_cancelled(world):
    import pytest
    from django.core.exceptions import ValidationError

    from houqin.assets import services

    _asset, stocktake, _approval = _closed_with_a_missing_projector(world)
    with pytest.raises(ValidationError):
        services.cancel_stocktake(stocktake, by=world.user("director"))
