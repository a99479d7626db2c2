"""Pages of the assets register (资产登记簿): the page contract for assets, explicit tests of
the loan, compensation and scrap request pages (they have no add or edit page: they are made
by the lifecycle actions), the teacher's narrowed view, the Chinese search, and every
lifecycle action through its page for an allowed role, a refused role and another school."""

import datetime
from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from houqin.assets import services
from houqin.assets.choices import AssetStatus, CompensationStatus, EventKind
from houqin.assets.models import Asset, AssetEvent, Compensation, Loan, ScrapRequest
from houqin.core.approvals import sign
from houqin.core.choices import Role
from houqin.core.models import ApprovalRequest, Person
from houqin.core.rules import VIEW, can
from tests.factories import PersonFactory, RoomFactory, SchoolClassFactory

from ..conftest import ALL_ROLES
from ..contracts import PagesContract, statements, url
from .factories import AssetFactory, bulk, category

pytestmark = pytest.mark.django_db


def person_of(world, role, school="a"):
    return Person.objects.get(user=world.user(role, school))


def teacher_room(world, school="a"):
    """A room the school's teacher is responsible for: every role may see what is in it."""
    return RoomFactory(school=world.schools[school], responsible=person_of(world, Role.TEACHER, school))


def director(world, school="a"):
    return world.user(Role.DIRECTOR, school)


class TestAssetPages(PagesContract):
    model = Asset
    factory = AssetFactory

    def make(self, world, school="a", **kwargs):
        kwargs.setdefault("room", teacher_room(world, school))
        return self.factory(school=world.schools[school], **kwargs)

    def valid_form(self, world):
        a = world.schools["a"]
        return {"kind": "individual", "name": "多功能投影机", "category": category("B09").pk, "model_spec": "CB-X06",
                "brand": "爱普生", "unit_price": "4800.00", "quantity": 1, "unit": "台",
                "purchase_date": "2025-09-01", "funding_source": "public_funds", "room": RoomFactory(school=a).pk,
                "custodian": PersonFactory(school=a).pk, "status": "in_use"}

    def edit_form(self, world, obj):
        return {"name": "短焦投影机", "category": obj.category_id, "brand": "爱普生", "supplier": "恩施电教",
                "loaded_at": obj.updated_at.isoformat()}


# --- register and edit -------------------------------------------------------------------


def test_register_through_the_page_generates_the_tag_and_ledger(world):
    form = TestAssetPages().valid_form(world)
    response = world.client(Role.KEEPER).post(reverse("assets:asset_add"), form)
    assert response.status_code == 302
    asset = Asset.objects.get()
    assert asset.tag == "SCHOOLA-2025-00001" and asset.pinyin == "dgntyj" and asset.capitalised
    assert asset.life_months == 60 and asset.school == world.schools["a"]
    assert asset.events.get().kind == EventKind.REGISTER
    assert response["Location"] == asset.get_absolute_url()


def test_register_refuses_a_taken_tag_and_a_bad_status(world):
    AssetFactory(school=world.schools["a"], tag="T-1")
    client = world.client(Role.DIRECTOR)
    form = {**TestAssetPages().valid_form(world), "tag": "T-1"}
    response = client.post(reverse("assets:asset_add"), form)
    assert response.status_code == 200 and "已被使用" in str(response.context["form"].errors)
    form = {**TestAssetPages().valid_form(world), "status": "scrapped"}
    assert client.post(reverse("assets:asset_add"), form).status_code == 200
    form = {**TestAssetPages().valid_form(world), "quantity": 5}
    response = client.post(reverse("assets:asset_add"), form)
    assert "单件资产数量只能为 1" in str(response.context["form"].errors)
    assert Asset.objects.count() == 1


def test_register_dropdowns_are_the_schools_own(world):
    other_room = RoomFactory(school=world.schools["c"])
    response = world.client(Role.KEEPER).get(reverse("assets:asset_add"))
    form = response.context["form"]
    assert other_room not in form.fields["room"].queryset
    assert not form.fields["custodian"].queryset.exclude(school=world.schools["a"]).exists()
    form = {**TestAssetPages().valid_form(world), "room": other_room.pk}
    world.client(Role.KEEPER).post(reverse("assets:asset_add"), form)
    assert not Asset.objects.exists()


def test_edit_changes_descriptive_fields_only(world):
    asset = AssetFactory(school=world.schools["a"], name="投影机")
    room = asset.room
    form = {"name": "教室投影机", "category": asset.category_id, "brand": "爱普生",
            "room": RoomFactory(school=world.schools["a"]).pk, "quantity": 9, "status": "scrapped",
            "unit_price": "1.00"}
    response = world.client(Role.KEEPER).post(reverse("assets:asset_edit", args=[asset.pk]), form)
    assert response.status_code == 302
    asset.refresh_from_db()
    assert (asset.name, asset.pinyin, asset.brand) == ("教室投影机", "jstyj", "爱普生")
    assert (asset.room, asset.quantity, asset.status, asset.unit_price) == (
        room, 1, AssetStatus.IN_USE, Decimal("4800.00"))
    assert asset.events.last().kind == EventKind.EDIT


def test_nobody_deletes_an_asset(world):
    asset = AssetFactory(school=world.schools["a"])
    for role in (Role.PRINCIPAL, Role.DIRECTOR, Role.KEEPER):
        assert world.client(role).post(reverse("assets:asset_delete", args=[asset.pk])).status_code == 403
    assert Asset.objects.filter(pk=asset.pk).exists()


def test_detail_shows_the_ledger_and_actions_for_keepers_only(world):
    asset = AssetFactory(school=world.schools["a"], room=teacher_room(world))
    services.move(asset, by=director(world), custodian=PersonFactory(school=world.schools["a"], name="赵主任"))
    response = world.client(Role.KEEPER).get(asset.get_absolute_url())
    body = response.content.decode()
    assert "明细帐" in body and "调拨" in body and "赵主任" in body
    assert reverse("assets:asset_lend", args=[asset.pk]) in body
    response = world.client(Role.TEACHER).get(asset.get_absolute_url())
    assert response.status_code == 200
    assert reverse("assets:asset_lend", args=[asset.pk]) not in response.content.decode()


# --- the teacher's own rooms -----------------------------------------------------------------


def test_teacher_sees_only_his_own_rooms_holdings(world):
    a = world.schools["a"]
    teacher = person_of(world, Role.TEACHER)
    responsible = AssetFactory(school=a, room=RoomFactory(school=a, responsible=teacher))
    classroom = RoomFactory(school=a)
    SchoolClassFactory(school=a, head_teacher=teacher, room=classroom)
    in_class = bulk(a, room=classroom)
    elsewhere = AssetFactory(school=a)
    client = world.client(Role.TEACHER)
    ids = {o.pk for o in client.get(reverse("assets:asset_list")).context["object_list"]}
    assert ids == {responsible.pk, in_class.pk}
    assert client.get(elsewhere.get_absolute_url()).status_code == 404
    ids = {o.pk for o in world.client(Role.WORKER).get(reverse("assets:asset_list")).context["object_list"]}
    assert ids == {responsible.pk, in_class.pk, elsewhere.pk}


def test_teacher_sees_compensations_of_his_rooms_only(world):
    a = world.schools["a"]
    mine = AssetFactory(school=a, room=teacher_room(world))
    other = AssetFactory(school=a)
    for asset in (mine, other):
        services.report_damage(asset, by=director(world), description="坏了", liable_name="学生", amount=10)
    response = world.client(Role.TEACHER).get(reverse("assets:compensation_list"))
    assert {c.asset_id for c in response.context["object_list"]} == {mine.pk}


# --- search --------------------------------------------------------------------------------


def search(world, **params):
    response = world.client(Role.DIRECTOR).get(reverse("assets:asset_list"), params)
    assert response.status_code == 200
    return {o.pk for o in response.context["object_list"]}


def test_pinyin_initials_tag_and_name_search(world):
    a = world.schools["a"]
    projector = AssetFactory(school=a, name="投影机")
    desks = bulk(a, name="课桌椅")
    computer = AssetFactory(school=a, name="班主任电脑", tag="PC-0007")
    AssetFactory(school=world.schools["c"], name="投影机")
    assert search(world, q="tyj") == {projector.pk}
    assert search(world, q="TYJ") == {projector.pk}
    assert search(world, q="kzy") == {desks.pk}
    assert search(world, q="投影") == {projector.pk}
    assert search(world, q="PC-0007") == {computer.pk}
    assert search(world, q="pc-00") == {computer.pk}
    assert search(world, q="SCHOOLA-2024") == {projector.pk, desks.pk}
    assert search(world, q="dn") == {computer.pk}  # contains: 班主任电脑 = bzrdn


def test_filters(world):
    a = world.schools["a"]
    room = RoomFactory(school=a)
    custodian = PersonFactory(school=a)
    projector = AssetFactory(school=a, room=room, custodian=custodian)
    desks = bulk(a, purchase_date=datetime.date(2019, 8, 1))
    cheap = AssetFactory(school=a, name="小音箱", unit_price=Decimal("200.00"))
    services.send_to_repair(cheap, by=director(world))
    top_b = category("B09").parent
    assert search(world, room=room.pk) == {projector.pk}
    assert search(world, custodian=custodian.pk) == {projector.pk}
    assert search(world, category=top_b.pk) == {projector.pk, cheap.pk}  # sub-categories included
    assert search(world, category=category("E01").pk) == {desks.pk}
    assert search(world, status="in_repair") == {cheap.pk}
    assert search(world, kind="bulk") == {desks.pk}
    assert search(world, purchase_year=2019) == {desks.pk}
    assert search(world, capitalised="false") == {desks.pk, cheap.pk}  # 320.00 and 200.00: low-value
    assert search(world, capitalised="true") == {projector.pk}
    other_room = RoomFactory(school=world.schools["c"])
    response = world.client(Role.DIRECTOR).get(reverse("assets:asset_list"), {"room": other_room.pk})
    assert response.context["filterset"].errors  # another school's room is not a choice


def test_asset_list_and_search_queries_constant(world):
    client = world.client(Role.TEACHER)
    room = teacher_room(world)
    AssetFactory(school=world.schools["a"], room=room)
    target = reverse("assets:asset_list") + "?q=tyj"
    client.get(target)
    with CaptureQueriesContext(connection) as few:
        client.get(target)
    for _ in range(6):
        AssetFactory(school=world.schools["a"], room=teacher_room(world), custodian=PersonFactory(
            school=world.schools["a"]))
    with CaptureQueriesContext(connection) as many:
        response = client.get(target)
    assert len(response.context["object_list"]) == 7
    assert statements(many) == statements(few)


# --- lifecycle actions through the pages ------------------------------------------------------


def _asset(world, school):
    return AssetFactory(school=world.schools[school], room=teacher_room(world, school))


def _in_repair(world, school):
    return services.send_to_repair(_asset(world, school), by=director(world, school))


def _loan(world, school):
    s = world.schools[school]
    return services.lend(_asset(world, school), by=director(world, school), borrower=PersonFactory(school=s),
                         due_on=datetime.date(2099, 1, 1))


def _compensation(world, school):
    return services.report_damage(_asset(world, school), by=director(world, school), description="砸坏",
                                  liable_name="王小明", amount=Decimal("100.00"))


def _approved_scrap(world, school):
    asset = AssetFactory(school=world.schools[school], room=teacher_room(world, school),
                         unit_price=Decimal("500.00"))
    scrap = services.request_scrap(asset, by=world.user(Role.KEEPER, school), reason="老化")
    sign(ApprovalRequest.objects.get(object_id=scrap.pk, policy="assets.scrap"), by=director(world, school),
         decision="approve")
    return scrap


def _reload(obj):
    return type(obj).objects.get(pk=obj.pk)


# name: (url name, make(world, school), POST data(world, obj), check(obj reloaded))
ACTIONS = {
    "move": ("assets:asset_move", _asset, lambda w, o: {"move-room": RoomFactory(school=o.school).pk},
             lambda o: o.events.filter(kind=EventKind.MOVE).exists()),
    "split": ("assets:asset_split", lambda w, s: bulk(w.schools[s], room=teacher_room(w, s)),
              lambda w, o: {"split-quantity": 10}, lambda o: o.quantity == 30),
    "lend": ("assets:asset_lend", _asset,
             lambda w, o: {"lend-borrower": PersonFactory(school=o.school).pk, "lend-due_on": "2099-01-01",
                           "lend-quantity": 1},
             lambda o: o.status == AssetStatus.LENT and o.loans.exists()),
    "damage": ("assets:asset_damage", _asset,
               lambda w, o: {"damage-description": "被球砸坏", "damage-liable_name": "王小明",
                             "damage-amount": "300.00"},
               lambda o: o.status == AssetStatus.DAMAGED and o.compensations.get().amount == Decimal("300.00")),
    "repair": ("assets:asset_repair", _asset, lambda w, o: {"repair-note": "不开机"},
               lambda o: o.status == AssetStatus.IN_REPAIR),
    "repaired": ("assets:asset_repaired", _in_repair, lambda w, o: {"repaired-note": "换灯泡"},
                 lambda o: o.status == AssetStatus.IN_USE),
    "lost": ("assets:asset_lost", _asset, lambda w, o: {"lost-note": "暑假后未找到"},
             lambda o: o.status == AssetStatus.LOST),
    "scrap": ("assets:asset_scrap", _asset, lambda w, o: {"scrap-reason": "老化无法修复"},
              lambda o: o.status == AssetStatus.PENDING_SCRAP and o.scrap_requests.exists()),
    "return": ("assets:loan_return", _loan, lambda w, o: {"return-condition": "完好"},
               lambda o: o.returned_on is not None and o.asset.status == AssetStatus.IN_USE),
    "settle": ("assets:compensation_settle", _compensation, lambda w, o: {"settle-outcome": "paid"},
               lambda o: o.status == CompensationStatus.PAID),
    "dispose": ("assets:scraprequest_dispose", _approved_scrap,
                lambda w, o: {"dispose-method": "recycle", "dispose-proceeds": "15.00"},
                lambda o: o.state == "disposed" and o.disposal_proceeds == Decimal("15.00")),
}


def snapshot(obj):
    return (type(obj).objects.filter(pk=obj.pk).values().get(), Asset.objects.count(), AssetEvent.objects.count(),
            Loan.objects.count(), Compensation.objects.count(), ScrapRequest.objects.count(),
            ApprovalRequest.objects.count())


@pytest.mark.parametrize("name", ACTIONS)
def test_action_by_an_allowed_role(world, name):
    url_name, make, data, check = ACTIONS[name]
    obj = make(world, "a")
    role = Role.ACCOUNTANT if name == "settle" else Role.KEEPER
    response = world.client(role).post(reverse(url_name, args=[obj.pk]), data(world, obj))
    assert response.status_code == 302
    messages = [m.level_tag for m in get_messages(response.wsgi_request)]
    assert messages == ["success"], [str(m) for m in get_messages(response.wsgi_request)]
    assert check(_reload(obj))


@pytest.mark.parametrize("name", ACTIONS)
def test_action_refused_to_other_roles(world, name):
    url_name, make, data, check = ACTIONS[name]
    obj = make(world, "a")
    before = snapshot(obj)
    for role in (Role.TEACHER, Role.GUARD, Role.WORKER, Role.DISTRICT_OFFICER):
        assert world.client(role).post(reverse(url_name, args=[obj.pk]), data(world, obj)).status_code == 403
    assert snapshot(obj)[0] == before[0] and snapshot(obj)[2:] == before[2:]


@pytest.mark.parametrize("name", ACTIONS)
def test_action_on_another_schools_object_is_404(world, name):
    url_name, make, data, check = ACTIONS[name]
    for school in ("b", "c"):
        obj = make(world, school)
        before = snapshot(obj)
        response = world.client(Role.DIRECTOR, "a").post(reverse(url_name, args=[obj.pk]), data(world, obj))
        assert response.status_code == 404
        assert snapshot(obj)[0] == before[0] and snapshot(obj)[2:] == before[2:]


def test_actions_are_post_only_and_need_login(world):
    asset = _asset(world, "a")
    assert world.client(Role.KEEPER).get(reverse("assets:asset_move", args=[asset.pk])).status_code == 405
    response = Client().post(reverse("assets:asset_move", args=[asset.pk]), {})
    assert response.status_code == 302 and "/login/" in response["Location"]


def error_of(response):
    """The error messages this request added (earlier ones wait in the storage until shown)."""
    get_messages(response.wsgi_request)
    return [str(m) for m in response.wsgi_request._messages._queued_messages if m.level_tag == "error"]


def test_refused_by_the_service_shows_the_reason_and_writes_nothing(world):
    client = world.client(Role.KEEPER)
    asset = _asset(world, "a")
    before = snapshot(asset)
    response = client.post(reverse("assets:asset_repaired", args=[asset.pk]), {})
    assert response.status_code == 302 and response["Location"] == asset.get_absolute_url()
    assert error_of(response) == [f"{asset}当前状态为“在用”，不能登记修复"]
    response = client.post(reverse("assets:asset_lend", args=[asset.pk]), {
        "lend-borrower": PersonFactory(school=asset.school).pk, "lend-due_on": "2001-01-01", "lend-quantity": 1})
    assert error_of(response) == ["应还日期不能早于借出日期"]
    response = client.post(reverse("assets:asset_lost", args=[asset.pk]), {"lost-note": ""})
    assert error_of(response) == ["丢失经过：该字段是必填项。"]
    response = client.post(reverse("assets:asset_move", args=[asset.pk]), {
        "move-room": RoomFactory(school=world.schools["c"]).pk})  # another school's room is no choice
    assert error_of(response)
    assert snapshot(asset) == before


def test_bulk_action_by_quantity_through_the_page(world):
    desks = bulk(world.schools["a"])
    room = RoomFactory(school=world.schools["a"])
    response = world.client(Role.KEEPER).post(reverse("assets:asset_move", args=[desks.pk]),
                                              {"move-room": room.pk, "move-quantity": 12})
    moved = Asset.objects.get(room=room)
    assert response["Location"] == moved.get_absolute_url()
    assert moved.quantity == 12 and _reload(desks).quantity == 28
    response = world.client(Role.KEEPER).post(reverse("assets:asset_move", args=[desks.pk]),
                                              {"move-room": room.pk, "move-quantity": 29})
    assert error_of(response) == ["数量须在 1 到 28 之间"]


def test_waiving_through_the_page_needs_a_reason(world):
    compensation = _compensation(world, "a")
    client = world.client(Role.ACCOUNTANT)
    target = reverse("assets:compensation_settle", args=[compensation.pk])
    response = client.post(target, {"settle-outcome": "waived", "settle-note": ""})
    assert error_of(response) == ["免赔须写明理由"]
    assert _reload(compensation).status == CompensationStatus.PENDING
    client.post(target, {"settle-outcome": "waived", "settle-note": "家庭困难"})
    compensation = _reload(compensation)
    assert compensation.status == CompensationStatus.WAIVED
    assert compensation.settled_by == world.user(Role.ACCOUNTANT)


def test_dispose_before_approval_is_refused(world):
    asset = _asset(world, "a")
    scrap = services.request_scrap(asset, by=director(world), reason="老化")
    response = world.client(Role.KEEPER).post(reverse("assets:scraprequest_dispose", args=[scrap.pk]),
                                              {"dispose-method": "recycle", "dispose-proceeds": "0"})
    assert error_of(response) == ["只有已批准的报废才能登记处置"]
    assert _reload(scrap).state == "pending"


# --- loans, compensations, scrap requests: list and detail -----------------------------------

CHILDREN = {
    Loan: _loan,
    Compensation: _compensation,
    ScrapRequest: lambda w, s: services.request_scrap(_asset(w, s), by=director(w, s), reason="老化"),
}


@pytest.mark.parametrize("model", CHILDREN, ids=lambda m: m.__name__)
@pytest.mark.parametrize("role", ALL_ROLES)
def test_child_list_and_detail(world, model, role):
    mine, theirs = CHILDREN[model](world, "a"), CHILDREN[model](world, "c")
    client = world.client(role)
    response = client.get(url(model, "list"))
    if not can({role}, VIEW, model):
        assert response.status_code == 403
        assert client.get(url(model, "detail", mine.pk)).status_code == 403
        return
    assert response.status_code == 200
    ids = {o.pk for o in response.context["object_list"]}
    assert mine.pk in ids and theirs.pk not in ids
    assert client.get(url(model, "detail", mine.pk)).status_code == 200
    assert client.get(url(model, "detail", theirs.pk)).status_code == 404


@pytest.mark.parametrize("model", CHILDREN, ids=lambda m: m.__name__)
def test_child_pages_need_login(world, model):
    obj = CHILDREN[model](world, "a")
    for target in (url(model, "list"), url(model, "detail", obj.pk)):
        response = Client().get(target)
        assert response.status_code == 302 and "/login/" in response["Location"]


@pytest.mark.parametrize("model", CHILDREN, ids=lambda m: m.__name__)
def test_child_list_queries_constant(world, model):
    client = world.client(Role.DIRECTOR)
    CHILDREN[model](world, "a")
    client.get(url(model, "list"))
    with CaptureQueriesContext(connection) as few:
        assert client.get(url(model, "list")).status_code == 200
    for _ in range(5):
        CHILDREN[model](world, "a")
    with CaptureQueriesContext(connection) as many:
        assert client.get(url(model, "list")).status_code == 200
    assert statements(many) == statements(few) <= 12


def test_loans_open_first_and_overdue_filter(world):
    a = world.schools["a"]
    today = datetime.date.today()
    overdue = services.lend(_asset(world, "a"), by=director(world), borrower=PersonFactory(school=a),
                            lent_on=today - datetime.timedelta(days=20), due_on=today - datetime.timedelta(days=5))
    current = _loan(world, "a")
    returned = _loan(world, "a")
    services.return_loan(returned, by=director(world))
    client = world.client(Role.KEEPER)
    rows = list(client.get(reverse("assets:loan_list")).context["object_list"])
    assert rows == [overdue, current, returned]
    rows = list(client.get(reverse("assets:loan_list"), {"overdue": "true"}).context["object_list"])
    assert rows == [overdue]
    html = client.get(reverse("assets:loan_list")).content.decode()
    assert "<th>逾期</th>" in html and html.count("逾期 5 天") == 1  # flagged in the list itself


def test_compensation_and_scrap_filters(world):
    paid, pending = _compensation(world, "a"), _compensation(world, "a")
    services.settle_compensation(paid, by=director(world), paid=True)
    client = world.client(Role.DIRECTOR)
    rows = client.get(reverse("assets:compensation_list"), {"status": "pending"}).context["object_list"]
    assert list(rows) == [pending]
    approved = _approved_scrap(world, "a")
    waiting = CHILDREN[ScrapRequest](world, "a")
    rows = client.get(reverse("assets:scraprequest_list"), {"state": "approved"}).context["object_list"]
    assert list(rows) == [approved]
    rows = client.get(reverse("assets:scraprequest_list"), {"state": "pending"}).context["object_list"]
    assert list(rows) == [waiting]


def test_scrap_request_detail_links_its_approval(world):
    scrap = _approved_scrap(world, "a")
    approval = ApprovalRequest.objects.get(object_id=scrap.pk, policy="assets.scrap")
    response = world.client(Role.KEEPER).get(scrap.get_absolute_url())
    body = response.content.decode()
    assert approval.get_absolute_url() in body
    assert reverse("assets:scraprequest_dispose", args=[scrap.pk]) in body


def test_htmx_filter_gets_the_table_only(world):
    AssetFactory(school=world.schools["a"], name="投影机")
    response = world.client(Role.KEEPER).get(reverse("assets:asset_list"), {"q": "tyj"}, HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert "<table" in body and "<html" not in body and "投影机" in body and "text-bg-success" in body


def test_action_forms_show_for_those_who_may_act(world):
    loan, compensation = _loan(world, "a"), _compensation(world, "a")
    keeper, teacher = world.client(Role.KEEPER), world.client(Role.TEACHER)
    return_url = reverse("assets:loan_return", args=[loan.pk])
    assert return_url in keeper.get(reverse("assets:loan_detail", args=[loan.pk])).content.decode()
    assert return_url not in teacher.get(reverse("assets:loan_detail", args=[loan.pk])).content.decode()
    settle_url = reverse("assets:compensation_settle", args=[compensation.pk])
    page = reverse("assets:compensation_detail", args=[compensation.pk])
    assert settle_url in world.client(Role.ACCOUNTANT).get(page).content.decode()
    assert settle_url not in teacher.get(page).content.decode()
