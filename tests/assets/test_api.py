"""The REST API of the assets app: a contract for every school-owned model it serves (each
role, the other schools, anonymous, malformed input, constant queries), then the actions that
call the domain services: register, move, split, lend and return, damage and compensation,
repair, loss, scrapping with its approval boundary, and a whole stocktake."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from houqin.assets import services
from houqin.assets.choices import AssetStatus, CompensationStatus, EventKind, LineResult, StocktakeStatus
from houqin.assets.models import Asset, Compensation, Loan, ScrapRequest, Stocktake, StocktakeLine, StocktakeRoom
from houqin.core.choices import ApprovalStatus, Role
from houqin.core.models import Room

from ..api_contracts import API, ApiContract, api_client, assert_error
from ..contracts import statements
from ..factories import RoomFactory, SchoolClassFactory
from .factories import AssetFactory, bulk, category

TODAY = timezone.localdate


def person(world, role, school="a"):
    return world.user(role, school).people.get()


def teacher_room(world, school="a"):
    """The classroom the school's teacher persona is responsible for (one per school)."""
    teacher = person(world, Role.TEACHER, school)
    room = Room.objects.filter(school=world.schools[school], responsible=teacher).order_by("pk").first()
    return room or RoomFactory(school=world.schools[school], name="六(3)班教室", responsible=teacher)


def asset_in(world, school="a", **kwargs):
    kwargs.setdefault("room", teacher_room(world, school))
    return AssetFactory(by=world.user(Role.KEEPER, school), **kwargs)


def open_stocktake(world, school="a", rooms=None, name="2026年春季清查"):
    rooms = rooms or [teacher_room(world, school)]
    return services.open_stocktake(world.schools[school], by=world.user(Role.KEEPER, school), name=name,
                                   rooms=rooms)


def schema_sample_ids(world):
    """An existing id of school a, for each collection of the assets API, in a state where the
    schema walk of tests/core/test_api.py reaches the body check: the stocktake's room is
    unsigned and still has an uncounted line (closing and signing are refused)."""
    keeper = world.user(Role.KEEPER)
    asset = asset_in(world)
    counted = asset_in(world)
    lent = asset_in(world)
    loan = services.lend(lent, by=keeper, borrower=person(world, Role.TEACHER), due_on=TODAY())
    damaged = asset_in(world)
    compensation = services.report_damage(damaged, by=keeper, description="屏幕碎裂", liable_name="张三",
                                          amount=Decimal("80.00"))
    scrap = services.request_scrap(asset_in(world, unit_price=Decimal("500.00")), by=keeper, reason="老化")
    stocktake = open_stocktake(world)
    line = stocktake.lines.get(asset=counted)
    return {
        "asset-categories": category().pk,
        "assets": asset.pk,
        "loans": loan.pk,
        "compensations": compensation.pk,
        "scrap-requests": scrap.pk,
        "stocktakes": stocktake.pk,
        "stocktake-rooms": stocktake.rooms.get().pk,
        "stocktake-lines": line.pk,
    }


# --- contracts --------------------------------------------------------------------------------


class TestAssetApi(ApiContract):
    """Registering is a POST (services.register); an edit changes descriptive fields only; no
    delete. Rows are made in the teacher's room so that the teacher sees them too."""

    model = Asset
    path = "assets"

    def make(self, world, school="a", **kwargs):
        return asset_in(world, school, **kwargs)

    def valid_payload(self, world):
        return {"name": "多功能投影机", "category": category().pk, "kind": "individual", "unit_price": "4800.00",
                "quantity": 1, "unit": "台", "purchase_date": "2024-09-01", "room": teacher_room(world).pk,
                "brand": "爱普生", "model_spec": "CB-X06", "funding_source": "public_funds"}

    def edit_payload(self, world, obj):
        return {"name": obj.name + "（新）", "brand": "爱普生", "room": obj.room_id, "notes": "已贴标签"}

    def wrong_types(self, world):
        return {"name": {"名": "投影机"}, "category": "电教设备", "kind": "单件", "unit_price": "很贵",
                "quantity": -1, "purchase_date": "去年", "room": {"id": 1}, "custodian": "张老师"}

    def other_school_payload(self, world):
        return {**self.valid_payload(world), "room": teacher_room(world, "b").pk}


class TestLoanApi(ApiContract):
    """Loans are made by the asset's `lend` action and ended by `return`: read-only here."""

    model = Loan
    path = "loans"
    writable = False

    def make(self, world, school="a", **kwargs):
        return services.lend(asset_in(world, school), by=world.user(Role.KEEPER, school),
                             borrower=person(world, Role.TEACHER, school), due_on=TODAY())

    def valid_payload(self, world):
        return {"asset": asset_in(world).pk, "borrower": person(world, Role.TEACHER).pk,
                "due_on": TODAY().isoformat()}

    def edit_payload(self, world, obj):
        return {"due_on": (obj.due_on + datetime.timedelta(days=30)).isoformat(), "returned_on": TODAY().isoformat()}


class TestCompensationApi(ApiContract):
    model = Compensation
    path = "compensations"
    writable = False

    def make(self, world, school="a", **kwargs):
        return services.report_damage(asset_in(world, school), by=world.user(Role.KEEPER, school),
                                      description="投影灯泡损坏", liable_name="李明", amount=Decimal("120.00"))

    def valid_payload(self, world):
        return {"asset": asset_in(world).pk, "description": "摔坏", "liable_name": "王芳", "amount": "10.00"}

    def edit_payload(self, world, obj):
        return {"status": "paid", "amount": "0.00"}


class TestScrapRequestApi(ApiContract):
    model = ScrapRequest
    path = "scrap-requests"
    writable = False

    def make(self, world, school="a", **kwargs):
        return services.request_scrap(asset_in(world, school), by=world.user(Role.KEEPER, school), reason="老化损坏")

    def valid_payload(self, world):
        return {"asset": asset_in(world).pk, "quantity": 1, "reason": "老化"}

    def edit_payload(self, world, obj):
        return {"state": "disposed", "disposal_method": "sale"}


class TestStocktakeApi(ApiContract):
    """Opening a stocktake is a POST with the rooms (services.open_stocktake); afterwards only
    the name can be edited; no delete."""

    model = Stocktake
    path = "stocktakes"

    def make(self, world, school="a", **kwargs):
        return open_stocktake(world, school)

    def valid_payload(self, world):
        return {"name": "2026年秋季清查", "rooms": [teacher_room(world).pk]}

    def edit_payload(self, world, obj):
        return {"name": obj.name + "（复查）"}

    def wrong_types(self, world):
        return {"name": {"名": "清查"}, "rooms": "全部"}


class TestStocktakeRoomApi(ApiContract):
    """Rooms come with their stocktake; `sign` is the only change."""

    model = StocktakeRoom
    path = "stocktake-rooms"
    writable = False

    def make(self, world, school="a", **kwargs):
        return open_stocktake(world, school).rooms.get()

    def valid_payload(self, world):
        return {"stocktake": open_stocktake(world).pk, "room": RoomFactory(school=world.schools["a"]).pk}

    def edit_payload(self, world, obj):
        return {"signed_by": world.user(Role.DIRECTOR).pk}


class TestStocktakeLineApi(ApiContract):
    """Lines are frozen when the stocktake opens; `count` and the stocktake's `scan` fill them."""

    model = StocktakeLine
    path = "stocktake-lines"
    writable = False

    def make(self, world, school="a", **kwargs):
        asset = asset_in(world, school)
        return open_stocktake(world, school).lines.get(asset=asset)

    def valid_payload(self, world):
        stocktake = open_stocktake(world)
        return {"stocktake": stocktake.pk, "stocktake_room": stocktake.rooms.get().pk, "description": "多出的椅子",
                "expected": 0, "counted": 3}

    def edit_payload(self, world, obj):
        return {"counted": 5, "result": "surplus"}


# --- categories ---------------------------------------------------------------------------------


def test_categories_are_global_and_read_only(world):
    teacher = api_client(world, Role.TEACHER)
    body = teacher.get(f"{API}asset-categories/", {"page_size": 200}).json()
    codes = {row["code"]: row for row in body["results"]}
    assert codes["B09"]["depreciation_years"] == 5 and body["count"] >= 10
    assert teacher.get(f"{API}asset-categories/{category().pk}/").json()["name"] == category().name
    assert api_client(world, Role.DIRECTOR, "c").get(f"{API}asset-categories/").json()["count"] == body["count"]
    assert api_client(world, Role.DIRECTOR).post(f"{API}asset-categories/", {"code": "Z", "name": "新"},
                                                 format="json").status_code in (403, 405)
    assert_error(APIClient().get(f"{API}asset-categories/"), 401)


# --- assets --------------------------------------------------------------------------------------


def test_register_through_the_api_generates_the_tag_and_the_ledger(world):
    keeper = api_client(world, Role.KEEPER)
    payload = {"name": "教师办公电脑", "category": category().pk, "unit_price": "5200.00",
               "purchase_date": "2025-03-01", "room": teacher_room(world).pk, "status": "scrapped",
               "pinyin": "x", "capitalised": False}
    response = keeper.post(f"{API}assets/", payload, format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["tag"] == "SCHOOLA-2025-00001" and body["pinyin"] == "jsbgdn"
    assert body["status"] == "in_use" and body["capitalised"] is True  # read-only fields ignored
    assert body["original_value"] == "5200.00" and body["room_name"] == "六(3)班教室"
    events = keeper.get(f"{API}assets/{body['id']}/events/").json()
    assert [(e["kind"], e["quantity"], e["value_change"]) for e in events["results"]] == [("register", 1, "5200.00")]
    # A given tag is kept, a taken one refused in Chinese; a teacher may not register.
    again = keeper.post(f"{API}assets/", {**payload, "tag": "SCHOOLA-2025-00001"}, format="json")
    assert_error(again)
    assert "已被使用" in str(again.json())
    assert_error(keeper.post(f"{API}assets/", {**payload, "kind": "individual", "quantity": 3}, format="json"))
    assert_error(api_client(world, Role.TEACHER).post(f"{API}assets/", payload, format="json"), 403)
    assert Asset.objects.count() == 1


def test_edit_changes_descriptive_fields_only(world):
    asset = asset_in(world)
    keeper = api_client(world, Role.KEEPER)
    response = keeper.patch(f"{API}assets/{asset.pk}/", {"name": "投影仪", "supplier": "恩施电教"}, format="json")
    assert response.status_code == 200
    assert response.json()["pinyin"] == "tyy"
    for field, value in (("room", RoomFactory(school=world.schools["a"]).pk), ("unit_price", "1.00"),
                         ("quantity", 2), ("category", category("E01").pk), ("tag", "X-1")):
        response = keeper.patch(f"{API}assets/{asset.pk}/", {field: value}, format="json")
        assert_error(response)
        assert field in response.json()
    asset.refresh_from_db()
    assert (asset.name, asset.unit_price, asset.room_id) == ("投影仪", Decimal("4800.00"), teacher_room(world).pk)
    assert keeper.delete(f"{API}assets/{asset.pk}/").status_code == 403


def test_an_api_edit_is_the_pages_edit_life_and_event(world):
    """One write path: the API's PATCH recomputes pinyin and life and writes the EDIT event
    naming the fields, as the edit page does (services.edit)."""
    asset = asset_in(world)
    Asset.objects.filter(pk=asset.pk).update(life_months=None)  # stale: the API must recompute it
    keeper = api_client(world, Role.KEEPER)
    response = keeper.patch(f"{API}assets/{asset.pk}/", {"name": "投影仪", "supplier": "恩施电教"}, format="json")
    assert response.status_code == 200
    asset.refresh_from_db()
    assert (asset.pinyin, asset.life_months) == ("tyy", 60)
    event = asset.events.order_by("pk").last()
    assert (event.kind, event.note, event.by) == (EventKind.EDIT, "修改：名称、供应商", world.user(Role.KEEPER))
    page = world.client(Role.KEEPER).post(reverse("assets:asset_edit", args=[asset.pk]), {
        "name": "投影仪", "category": asset.category_id, "supplier": "恩施电教", "brand": "爱普生"})
    assert page.status_code == 302
    assert asset.events.order_by("pk").last().note == "修改：品牌"


def test_teacher_sees_only_his_rooms(world):
    mine = asset_in(world, name="多功能投影机")
    classroom = RoomFactory(school=world.schools["a"])
    SchoolClassFactory(school=world.schools["a"], head_teacher=person(world, Role.TEACHER), room=classroom)
    his_class = asset_in(world, room=classroom, name="班级图书柜")
    elsewhere = asset_in(world, room=RoomFactory(school=world.schools["a"]), name="办公室空调")
    teacher = api_client(world, Role.TEACHER)
    ids = {r["id"] for r in teacher.get(f"{API}assets/").json()["results"]}
    assert ids == {mine.pk, his_class.pk}
    assert teacher.get(f"{API}assets/{elsewhere.pk}/").status_code == 404
    assert teacher.get(f"{API}assets/{elsewhere.pk}/events/").status_code == 404
    assert [r["id"] for r in teacher.get(f"{API}assets/", {"q": "tyj"}).json()["results"]] == [mine.pk]
    keeper = api_client(world, Role.KEEPER)
    assert keeper.get(f"{API}assets/").json()["count"] == 3
    assert [r["id"] for r in keeper.get(f"{API}assets/", {"q": "KT"}).json()["results"]] == [elsewhere.pk]
    assert [r["id"] for r in keeper.get(f"{API}assets/", {"room": classroom.pk}).json()["results"]] == [his_class.pk]
    # The loans and stocktake lines of other rooms are hidden from him too.
    services.lend(elsewhere, by=world.user(Role.KEEPER), borrower=person(world, Role.GUARD), due_on=TODAY())
    assert teacher.get(f"{API}loans/").json()["count"] == 0
    stocktake = open_stocktake(world, rooms=[teacher_room(world), elsewhere.room])
    lines = teacher.get(f"{API}stocktake-lines/", {"stocktake": stocktake.pk}).json()["results"]
    assert [r["asset"] for r in lines] == [mine.pk]
    rooms = teacher.get(f"{API}stocktake-rooms/", {"stocktake": stocktake.pk}).json()["results"]
    assert [r["room"] for r in rooms] == [teacher_room(world).pk]


def test_move_split_and_other_schools_rows(world):
    desks = bulk(world.schools["a"], room=teacher_room(world))
    keeper = api_client(world, Role.KEEPER)
    target = RoomFactory(school=world.schools["a"], name="仓库")
    response = keeper.post(f"{API}assets/{desks.pk}/move/", {"room": target.pk, "quantity": 10, "note": "调出"},
                           format="json")
    assert response.status_code == 200, response.json()
    moved = response.json()
    assert moved["id"] != desks.pk and moved["quantity"] == 10 and moved["room"] == target.pk
    desks.refresh_from_db()
    assert desks.quantity == 30
    response = keeper.post(f"{API}assets/{desks.pk}/split/", {"quantity": 5}, format="json")
    assert response.status_code == 201 and response.json()["quantity"] == 5
    assert_error(keeper.post(f"{API}assets/{desks.pk}/split/", {"quantity": 25}, format="json"))
    assert_error(keeper.post(f"{API}assets/{desks.pk}/move/", {}, format="json"))
    # Another school's room or person is refused; another school's asset is not found.
    other_room = RoomFactory(school=world.schools["b"])
    assert_error(keeper.post(f"{API}assets/{desks.pk}/move/", {"room": other_room.pk}, format="json"))
    assert_error(keeper.post(f"{API}assets/{desks.pk}/lend/", {"borrower": person(world, Role.TEACHER, "b").pk,
                                                                "due_on": TODAY().isoformat()}, format="json"))
    theirs = asset_in(world, "c")
    assert keeper.post(f"{API}assets/{theirs.pk}/move/", {"room": target.pk}, format="json").status_code == 404
    theirs.refresh_from_db()
    assert theirs.room_id != target.pk
    # Only the keepers move; the teacher and the district officer are refused.
    assert_error(api_client(world, Role.TEACHER).post(f"{API}assets/{desks.pk}/move/", {"room": target.pk},
                                                      format="json"), 403)
    assert_error(api_client(world, Role.DISTRICT_OFFICER).post(f"{API}assets/{desks.pk}/move/",
                                                               {"room": target.pk}, format="json"), 403)
    assert_error(APIClient().post(f"{API}assets/{desks.pk}/move/", {"room": target.pk}, format="json"), 401)


def test_lend_return_and_overdue(world):
    asset = asset_in(world)
    keeper = api_client(world, Role.KEEPER)
    borrower = person(world, Role.TEACHER)
    payload = {"borrower": borrower.pk, "lent_on": (TODAY() - datetime.timedelta(days=10)).isoformat(),
               "due_on": (TODAY() - datetime.timedelta(days=3)).isoformat()}
    response = keeper.post(f"{API}assets/{asset.pk}/lend/", payload, format="json")
    assert response.status_code == 201, response.json()
    loan = response.json()
    assert loan["overdue"] is True and loan["borrower_name"] == borrower.name
    assert Asset.objects.get(pk=asset.pk).status == AssetStatus.LENT
    assert_error(keeper.post(f"{API}assets/{asset.pk}/lend/", payload, format="json"))  # already lent
    assert [r["id"] for r in keeper.get(f"{API}loans/", {"overdue": "true"}).json()["results"]] == [loan["id"]]
    assert_error(api_client(world, Role.TEACHER).post(f"{API}loans/{loan['id']}/return/", {}, format="json"), 403)
    response = keeper.post(f"{API}loans/{loan['id']}/return/", {"condition": "外壳有划痕", "damaged": True},
                           format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["returned_on"] == TODAY().isoformat() and response.json()["overdue"] is False
    assert Asset.objects.get(pk=asset.pk).status == AssetStatus.DAMAGED
    assert keeper.get(f"{API}loans/", {"overdue": "true"}).json()["count"] == 0
    again = keeper.post(f"{API}loans/{loan['id']}/return/", {}, format="json")
    assert_error(again)
    assert "已归还" in str(again.json())
    bad_dates = {**payload, "due_on": (TODAY() - datetime.timedelta(days=20)).isoformat()}
    assert_error(keeper.post(f"{API}assets/{asset_in(world).pk}/lend/", bad_dates, format="json"))


def test_damage_compensation_repair_and_loss(world):
    asset = asset_in(world)
    keeper, accountant = api_client(world, Role.KEEPER), api_client(world, Role.ACCOUNTANT)
    assert_error(keeper.post(f"{API}assets/{asset.pk}/report-damage/", {"description": "摔坏", "liable_name": "李明"},
                             format="json"))
    response = keeper.post(f"{API}assets/{asset.pk}/report-damage/",
                           {"description": "镜头摔坏", "liable_name": "李明", "amount": "300.00"}, format="json")
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["asset"]["status"] == "damaged" and body["compensation"]["amount"] == "300.00"
    compensation = body["compensation"]["id"]
    # The teacher sees it (his room) but may not settle; a waiver needs a reason.
    assert api_client(world, Role.TEACHER).get(f"{API}compensations/{compensation}/").status_code == 200
    assert_error(api_client(world, Role.TEACHER).post(f"{API}compensations/{compensation}/settle/",
                                                      {"paid": True}, format="json"), 403)
    assert_error(accountant.post(f"{API}compensations/{compensation}/settle/", {"paid": False}, format="json"))
    response = accountant.post(f"{API}compensations/{compensation}/settle/", {"paid": False, "note": "家庭困难"},
                               format="json")
    assert response.status_code == 200 and response.json()["status"] == CompensationStatus.WAIVED
    assert_error(accountant.post(f"{API}compensations/{compensation}/settle/", {"paid": True}, format="json"))
    # Repair and back; then lost (with the story).
    assert keeper.post(f"{API}assets/{asset.pk}/repair/", {"note": "送厂家"}, format="json").json()["status"] == (
        "in_repair")
    assert_error(keeper.post(f"{API}assets/{asset.pk}/repair/", {}, format="json"))
    assert keeper.post(f"{API}assets/{asset.pk}/repaired/", {}, format="json").json()["status"] == "in_use"
    assert_error(keeper.post(f"{API}assets/{asset.pk}/lost/", {"note": " "}, format="json"))
    assert keeper.post(f"{API}assets/{asset.pk}/lost/", {"note": "运动会后未找回"}, format="json").json()["status"] == (
        "lost")
    kinds = [e["kind"] for e in keeper.get(f"{API}assets/{asset.pk}/events/").json()["results"]]
    assert kinds == ["register", "damage", "repair", "repaired", "lost"]


@pytest.mark.parametrize(("price", "signers"), [("1000.00", [Role.DIRECTOR, Role.PRINCIPAL]),
                                                ("999.99", [Role.DIRECTOR])])
def test_scrap_needs_the_principal_from_the_threshold(world, price, signers):
    assert world.schools["a"].principal_threshold == Decimal("1000.00")
    asset = asset_in(world, unit_price=Decimal(price))
    keeper = api_client(world, Role.KEEPER)
    response = keeper.post(f"{API}assets/{asset.pk}/scrap/", {"reason": "老化无法修复"}, format="json")
    assert response.status_code == 201, response.json()
    scrap = response.json()
    assert scrap["amount"] == price and scrap["state"] == "pending" and scrap["approval"]
    assert Asset.objects.get(pk=asset.pk).status == AssetStatus.PENDING_SCRAP
    assert_error(keeper.post(f"{API}scrap-requests/{scrap['id']}/dispose/", {"disposal_method": "sale"},
                             format="json"))  # not approved yet
    sign = f"{API}approvals/{scrap['approval']}/sign/"
    for i, role in enumerate(signers):
        assert Asset.objects.get(pk=asset.pk).status == AssetStatus.PENDING_SCRAP
        response = api_client(world, role).post(sign, {"decision": "approve", "comment": "同意"}, format="json")
        assert response.status_code == 200, response.json()
        last = i == len(signers) - 1
        assert response.json()["status"] == (ApprovalStatus.APPROVED if last else ApprovalStatus.PENDING)
    assert Asset.objects.get(pk=asset.pk).status == AssetStatus.SCRAPPED
    assert keeper.get(f"{API}scrap-requests/{scrap['id']}/").json()["state"] == "approved"
    response = keeper.post(f"{API}scrap-requests/{scrap['id']}/dispose/",
                           {"disposal_method": "sale", "disposal_proceeds": "35.50"}, format="json")
    assert response.status_code == 200, response.json()
    assert (response.json()["state"], response.json()["disposal_proceeds"]) == ("disposed", "35.50")


def test_actions_refuse_fields_they_do_not_take(world):
    """An action's body takes its own fields only: a damage report with the liable person's
    phone, which the action does not record, is refused and names it, and nothing is written."""
    asset = asset_in(world)
    keeper = api_client(world, Role.KEEPER)
    response = keeper.post(f"{API}assets/{asset.pk}/report-damage/",
                           {"description": "镜头摔坏", "liable_phone": "13800000000"}, format="json")
    assert_error(response)
    assert "liable_phone" in response.json()
    asset.refresh_from_db()
    assert asset.status == AssetStatus.IN_USE
    assert_error(keeper.post(f"{API}assets/{asset.pk}/repair/", {"note": "送修", "vendor": "某维修部"}, format="json"))


def test_scrap_is_refused_to_others_and_checks_input(world):
    asset = asset_in(world)
    assert_error(api_client(world, Role.TEACHER).post(f"{API}assets/{asset.pk}/scrap/", {"reason": "坏了"},
                                                      format="json"), 403)
    assert_error(api_client(world, Role.KEEPER).post(f"{API}assets/{asset.pk}/scrap/", {"reason": ""},
                                                     format="json"))
    assert_error(api_client(world, Role.TEACHER).get(f"{API}scrap-requests/"), 403)
    assert not ScrapRequest.objects.exists()


# --- stocktakes ---------------------------------------------------------------------------------


def test_whole_stocktake_through_the_api(world):
    room = teacher_room(world)
    projector = asset_in(world, name="多功能投影机")
    desks = bulk(world.schools["a"], room=room)
    other_room = RoomFactory(school=world.schools["a"], name="总务处")
    aircon = asset_in(world, room=other_room, name="空调")
    keeper, teacher, director = (api_client(world, r) for r in (Role.KEEPER, Role.TEACHER, Role.DIRECTOR))

    assert_error(keeper.post(f"{API}stocktakes/", {"name": "期末清查", "rooms": []}, format="json"))
    assert_error(keeper.post(f"{API}stocktakes/", {"name": "期末清查",
                                                   "rooms": [RoomFactory(school=world.schools["b"]).pk]},
                             format="json"))
    assert_error(teacher.post(f"{API}stocktakes/", {"name": "期末清查", "rooms": [room.pk]}, format="json"), 403)
    response = keeper.post(f"{API}stocktakes/", {"name": "期末清查", "rooms": [room.pk, other_room.pk]},
                           format="json")
    assert response.status_code == 201, response.json()
    stocktake = response.json()["id"]
    assert response.json()["status"] == StocktakeStatus.OPEN

    lines = keeper.get(f"{API}stocktake-lines/", {"stocktake": stocktake, "room": room.pk}).json()["results"]
    assert {r["asset"] for r in lines} == {projector.pk, desks.pk}
    desk_line = next(r for r in lines if r["asset"] == desks.pk)
    assert desk_line["expected"] == 40 and desk_line["result"] == LineResult.PENDING

    # The teacher scans his projector's label (a full URL works too) and counts the desks.
    response = teacher.post(f"{API}stocktakes/{stocktake}/scan/",
                            {"tag": f"http://testserver/assets/scan/{projector.tag}/"}, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["result"] == LineResult.FOUND
    scan_other = teacher.post(f"{API}stocktakes/{stocktake}/scan/", {"tag": aircon.tag}, format="json")
    assert_error(scan_other)
    assert "不在您负责的房间" in str(scan_other.json())
    assert_error(keeper.post(f"{API}stocktakes/{stocktake}/scan/", {"tag": "NOPE-1"}, format="json"))
    assert_error(teacher.post(f"{API}stocktake-lines/{desk_line['id']}/count/", {"counted": 38, "damaged": 39},
                              format="json"))
    response = teacher.post(f"{API}stocktake-lines/{desk_line['id']}/count/",
                            {"counted": 38, "damaged": 2, "note": "两套损坏"}, format="json")
    assert response.status_code == 200 and response.json()["result"] == LineResult.MISSING
    room_row = StocktakeRoom.objects.get(stocktake_id=stocktake, room=room)
    office_row = StocktakeRoom.objects.get(stocktake_id=stocktake, room=other_room)
    response = teacher.post(f"{API}stocktake-rooms/{room_row.pk}/surplus/",
                            {"description": "多出的椅子", "quantity": 3}, format="json")
    assert response.status_code == 201, response.json()
    assert (response.json()["result"], response.json()["counted"], response.json()["room"]) == ("surplus", 3, room.pk)
    assert teacher.post(f"{API}stocktake-rooms/{office_row.pk}/surplus/", {"description": "椅子", "quantity": 1},
                        format="json").status_code == 404
    aircon_line = StocktakeLine.objects.get(asset=aircon)
    assert teacher.post(f"{API}stocktake-lines/{aircon_line.pk}/count/", {"counted": 1},
                        format="json").status_code == 404

    progress = {r["room"]: r for r in keeper.get(f"{API}stocktakes/{stocktake}/progress/").json()}
    assert (progress[room.pk]["done"], progress[room.pk]["total"]) == (3, 3)
    assert (progress[other_room.pk]["done"], progress[other_room.pk]["total"]) == (0, 1)

    # Signing: not the keeper (not responsible), yes the teacher; the director signs the office.
    assert_error(keeper.post(f"{API}stocktake-rooms/{room_row.pk}/sign/", {}, format="json"), 403)
    assert_error(director.post(f"{API}stocktake-rooms/{office_row.pk}/sign/", {}, format="json"))  # uncounted
    response = teacher.post(f"{API}stocktake-rooms/{room_row.pk}/sign/", format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["signed_by"] == world.user(Role.TEACHER).pk
    assert_error(teacher.post(f"{API}stocktake-lines/{desk_line['id']}/count/", {"counted": 40}, format="json"))
    assert_error(keeper.post(f"{API}stocktakes/{stocktake}/close/", format="json"))  # the office is unsigned
    assert keeper.post(f"{API}stocktake-lines/{aircon_line.pk}/count/", {"counted": 1},
                       format="json").status_code == 200
    assert director.post(f"{API}stocktake-rooms/{office_row.pk}/sign/", format="json").status_code == 200

    assert_error(teacher.post(f"{API}stocktakes/{stocktake}/close/", format="json"), 403)
    response = keeper.post(f"{API}stocktakes/{stocktake}/close/", format="json")
    assert response.status_code == 200, response.json()
    approval = response.json()["approval"]
    assert response.json()["stocktake"]["status"] == StocktakeStatus.CLOSED and approval
    # 2 missing + 2 damaged desks at 320 元 = 1280 元: director, then principal.
    for role in (Role.DIRECTOR, Role.PRINCIPAL):
        assert api_client(world, role).post(f"{API}approvals/{approval}/sign/", {"decision": "approve"},
                                            format="json").status_code == 200
    assert keeper.get(f"{API}stocktakes/{stocktake}/").json()["status"] == StocktakeStatus.ADJUSTED
    desks.refresh_from_db()
    assert desks.quantity == 36 and desks.status == AssetStatus.IN_USE
    assert Asset.objects.filter(name="学生课桌椅", status=AssetStatus.LOST).get().quantity == 2
    assert Asset.objects.filter(name="学生课桌椅", status=AssetStatus.DAMAGED).get().quantity == 2
    assert_error(keeper.post(f"{API}stocktakes/{stocktake}/scan/", {"tag": projector.tag}, format="json"))


def test_stocktake_rows_of_another_school_are_not_found(world):
    asset_in(world, "b")
    theirs = open_stocktake(world, "b")
    line = theirs.lines.get()
    keeper = api_client(world, Role.KEEPER)
    assert keeper.post(f"{API}stocktakes/{theirs.pk}/close/", format="json").status_code == 404
    assert keeper.get(f"{API}stocktakes/{theirs.pk}/progress/").status_code == 404
    assert keeper.post(f"{API}stocktake-rooms/{theirs.rooms.get().pk}/sign/", format="json").status_code == 404
    assert keeper.post(f"{API}stocktake-lines/{line.pk}/count/", {"counted": 1}, format="json").status_code == 404
    assert keeper.post(f"{API}stocktakes/{theirs.pk}/scan/", {"tag": line.asset.tag}, format="json").status_code == 404
    line.refresh_from_db()
    assert line.result == LineResult.PENDING
    assert_error(keeper.get(f"{API}stocktake-lines/", {"stocktake": theirs.pk}))


# --- queries --------------------------------------------------------------------------------------


@pytest.mark.parametrize("target", ["events", "progress", "lines"])
def test_nested_lists_run_constant_queries(world, target):
    keeper = api_client(world, Role.KEEPER)
    asset = asset_in(world)

    def url():
        if target == "events":
            return f"{API}assets/{asset.pk}/events/"
        stocktake = Stocktake.objects.order_by("-pk").first()
        return f"{API}stocktakes/{stocktake.pk}/progress/" if target == "progress" else (
            f"{API}stocktake-lines/?stocktake={stocktake.pk}")

    def grow(n):
        for _ in range(n):
            if target == "events":
                services.send_to_repair(asset, by=world.user(Role.KEEPER))
                services.repaired(asset, by=world.user(Role.KEEPER))
            else:
                asset_in(world, room=RoomFactory(school=world.schools["a"]))
        if target != "events":
            open_stocktake(world, rooms=list(Room.objects.filter(school=world.schools["a"], assets__isnull=False)
                                             .distinct()))

    grow(1)
    keeper.get(url())
    with CaptureQueriesContext(connection) as few:
        assert keeper.get(url()).status_code == 200
    grow(6)
    with CaptureQueriesContext(connection) as many:
        assert keeper.get(url()).status_code == 200
    assert len(many) == len(few) and statements(many) <= 12, [q["sql"] for q in many.captured_queries]


def test_guard_sees_the_register_but_not_loans(world):
    asset_in(world)
    guard = api_client(world, Role.GUARD)
    assert guard.get(f"{API}assets/").status_code == 200
    assert_error(guard.get(f"{API}loans/"), 403)
    assert_error(guard.get(f"{API}compensations/"), 403)
    assert guard.get(f"{API}stocktakes/").status_code == 200



def test_cancel_stocktake_through_the_api(world):
    from rest_framework.test import APIClient

    from houqin.assets import services
    from houqin.assets.choices import StocktakeStatus
    from tests.assets.factories import AssetFactory

    asset = AssetFactory(school=world.schools["a"])
    stocktake = services.open_stocktake(world.schools["a"], by=world.user("director"), name="抽查",
                                        rooms=[asset.room])
    url = f"/api/v1/stocktakes/{stocktake.pk}/cancel/"
    for role, school, status in (("teacher", "a", 403), ("director", "c", 404), ("keeper", "a", 200),
                                 ("keeper", "a", 400)):
        client = APIClient()
        client.force_authenticate(world.user(role, school))
        assert client.post(url, format="json").status_code == status, (role, school)
    stocktake.refresh_from_db()
    assert stocktake.status == StocktakeStatus.CANCELLED


def test_stocktake_scope_whole_school_or_buildings(world):
    a, b = world.schools["a"], world.schools["b"]
    first, second = RoomFactory(school=a), RoomFactory(school=a)
    third = RoomFactory(school=a)
    RoomFactory(school=b)  # never in a's stocktake
    keeper = api_client(world, Role.KEEPER)
    response = keeper.post(f"{API}stocktakes/", {"name": "全校清查", "whole_school": True}, format="json")
    assert response.status_code == 201, response.json()
    rooms = set(StocktakeRoom.objects.filter(stocktake_id=response.json()["id"]).values_list("room_id", flat=True))
    assert rooms == set(Room.objects.filter(school=a).values_list("pk", flat=True))
    keeper.post(f"{API}stocktakes/{response.json()['id']}/cancel/", format="json")

    response = keeper.post(f"{API}stocktakes/", {"name": "教学楼清查", "buildings": [first.building_id]},
                           format="json")
    assert response.status_code == 201, response.json()
    rooms = set(StocktakeRoom.objects.filter(stocktake_id=response.json()["id"]).values_list("room_id", flat=True))
    assert first.pk in rooms and third.building_id != first.building_id and third.pk not in rooms
    assert rooms == set(Room.objects.filter(building_id=first.building_id).values_list("pk", flat=True))
    # one scope only, and never another school's building
    assert_error(keeper.post(f"{API}stocktakes/", {"name": "x", "whole_school": True, "rooms": [second.pk]},
                             format="json"))
    other_building = RoomFactory(school=b).building_id
    assert_error(keeper.post(f"{API}stocktakes/", {"name": "x", "buildings": [other_building]}, format="json"))
    assert Stocktake.objects.filter(name="x").count() == 0
