"""带量食谱: the rules the week's menu is checked against, each test named after its rule
(/work/shared/domain-rules.md §1, §2 and seed 001's district rule), the approval through the
engine, the published page everyone opens, its print, the copy of a past week, and the page
and API contracts of the dishes and the menus."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from houqin.canteen import services
from houqin.canteen.models import CanteenSettings, Dish, MenuEntry, WeekMenu
from houqin.core import approvals
from houqin.core.choices import Decision, Role
from houqin.core.models import ApprovalRequest

from ..api_contracts import ApiContract, api_client, assert_error
from ..conftest import ALL_ROLES
from ..contracts import PagesContract
from .factories import DishFactory, WeekMenuFactory, full_menu

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
NEXT_WEEK = services.monday(TODAY) + datetime.timedelta(days=7)


def settings_of(world, **values):
    row, _ = CanteenSettings.objects.update_or_create(school=world.schools["a"], defaults=values)
    return row


def lunch_breaches(menu):
    return [b for b in services.menu_breaches(menu) if "午餐" in b]


# --- 每餐不少于两荤两素一汤 (seed 001, a district rule [L]: a setting) --------------------------------


def test_district_rule_two_meat_dishes_a_meal_with_one_is_refused_naming_the_breach(world):
    menu = full_menu(world.schools["a"], NEXT_WEEK, meat=1)
    with pytest.raises(ValidationError) as refusal:
        services.submit_menu(menu, by=world.user(Role.CANTEEN))
    text = "；".join(refusal.value.messages)
    assert "周一" in text and "只有 1 道荤菜" in text and "不少于 2 道" in text
    menu.refresh_from_db()
    assert menu.status == "draft" and not ApprovalRequest.objects.exists()


def test_district_rule_boundary_two_meat_dishes_pass(world):
    menu = full_menu(world.schools["a"], NEXT_WEEK, meat=2)
    assert services.menu_breaches(menu) == []
    assert services.submit_menu(menu, by=world.user(Role.CANTEEN)).status == "pending"


def test_district_rule_is_a_setting_one_meat_dish_passes_once_the_setting_says_one(world):
    menu = full_menu(world.schools["a"], NEXT_WEEK, meat=1)
    assert lunch_breaches(menu)
    settings_of(world, min_meat_dishes=1)
    assert services.menu_breaches(menu) == []
    assert services.submit_menu(menu, by=world.user(Role.CANTEEN)).status == "pending"


@pytest.mark.parametrize("missing, what", [({"vegetable": 1}, "素菜"), ({"soup": 0}, "汤")])
def test_district_rule_two_vegetable_dishes_and_a_soup(world, missing, what):
    menu = full_menu(world.schools["a"], NEXT_WEEK, **missing)
    assert any(f"道{what}" in b for b in lunch_breaches(menu))


def test_district_rule_does_not_bind_breakfast_unless_set(world):
    settings_of(world, serves_breakfast=True)
    menu = full_menu(world.schools["a"], NEXT_WEEK)
    for n in range(5):
        MenuEntry.objects.create(menu=menu, day=NEXT_WEEK + datetime.timedelta(days=n), meal="breakfast",
                                 dish=DishFactory(school=world.schools["a"], kind="staple"))
    assert services.menu_breaches(menu) == []
    settings_of(world, serves_breakfast=True, dish_rule_breakfast=True)
    menu = WeekMenu.objects.get(pk=menu.pk)  # the school's settings as they now read
    assert any("早餐只有 0 道荤菜" in b for b in services.menu_breaches(menu))


def test_a_served_meal_without_dishes_is_named(world):
    menu = full_menu(world.schools["a"], NEXT_WEEK, days=4)
    friday = NEXT_WEEK + datetime.timedelta(days=4)
    assert services.menu_breaches(menu) == [f"周五（{friday:%m-%d}）午餐未排菜"]


# --- 荤菜中荤的比例不低于50% (seed 001 [L]: a setting) --------------------------------------------


def test_meat_share_boundary_50_percent_counts_49_does_not(world):
    school = world.schools["a"]
    menu = full_menu(school, NEXT_WEEK, meat=1)
    half = DishFactory(school=school, kind="meat", ingredients=[("牛肉", 50, True), ("土豆", 50, False)])
    for n in range(5):
        MenuEntry.objects.create(menu=menu, day=NEXT_WEEK + datetime.timedelta(days=n), dish=half)
    assert services.menu_breaches(menu) == []
    half.ingredients.filter(name="土豆").update(grams=Decimal("52"))  # 50 / 102 = 49%
    breaches = services.menu_breaches(menu)
    assert any(f"“{half.name}”荤料占 49%，低于 50%" in b for b in breaches)
    assert any("只有 1 道荤菜" in b for b in breaches)
    settings_of(world, meat_share_percent=45)
    assert services.menu_breaches(menu) == []


def test_a_dish_without_its_quantities_is_named(world):
    menu = full_menu(world.schools["a"], NEXT_WEEK)
    bare = DishFactory(school=world.schools["a"], kind="vegetable", ingredients=[])
    MenuEntry.objects.create(menu=menu, day=NEXT_WEEK, dish=bare)
    assert any(f"“{bare.name}”未填写食材及每生用量" in b for b in services.menu_breaches(menu))


# --- 不得加工四季豆、鲜黄花菜、野生蘑菇、发芽土豆; 不得制售冷荤、生食、裱花蛋糕 (F1 第三十六条) --------------


@pytest.mark.parametrize("name, ingredient", [("干煸四季豆", "四季豆"), ("炒黄花菜", "鲜黄花菜"),
                                              ("小鸡炖蘑菇", "野生蘑菇"), ("醋溜土豆丝", "发芽土豆")])
def test_forbidden_foods_are_refused_naming_the_food(world, name, ingredient):
    dish = Dish(school=world.schools["a"], name=name, kind="vegetable")
    with pytest.raises(ValidationError) as refusal:
        services.save_dish(dish, by=world.user(Role.CANTEEN), ingredients=[
            {"name": ingredient, "grams": Decimal("80"), "meat": False}])
    assert ingredient in refusal.value.message_dict["name"][0] and "禁止加工" in refusal.value.message_dict["name"][0]
    assert not Dish.objects.exists()


def test_forbidden_foods_are_a_school_list(world):
    settings_of(world, forbidden_foods="四季豆\n香椿")
    with pytest.raises(ValidationError, match="香椿"):
        services.save_dish(Dish(school=world.schools["a"], name="香椿炒蛋", kind="meat"),
                           by=world.user(Role.CANTEEN), ingredients=[])


def test_forbidden_foods_added_later_are_named_on_the_menu(world):
    menu = full_menu(world.schools["a"], NEXT_WEEK)
    dish = menu.entries.first().dish
    dish.ingredients.update(name="四季豆")
    assert any("四季豆" in b for b in services.menu_breaches(menu))


def test_forbidden_food_refused_on_the_dish_page_and_the_api(world):
    form = {"name": "炒四季豆", "kind": "vegetable", "ingredients": "四季豆 100\n食用油 5", "active": "on"}
    response = world.client(Role.CANTEEN).post(reverse("canteen:dish_add"), form)
    assert response.status_code == 200 and "禁止加工" in response.content.decode()
    body = {"name": "炒四季豆", "kind": "vegetable", "ingredients": [{"name": "四季豆", "grams": "100"}]}
    assert_error(api_client(world, Role.CANTEEN).post("/api/v1/dishes/", body, format="json"))
    assert not Dish.objects.exists()


# --- 带量: ingredients with grams per student, linked to the stock items -------------------------------


def test_ingredients_are_parsed_and_linked_to_the_stock_food_item_of_the_same_name(world):
    from tests.stock.factories import ItemFactory

    rice = ItemFactory(school=world.schools["a"], name="大米", category="food")
    ItemFactory(school=world.schools["b"], name="猪里脊", category="food")  # another school's
    dish = services.save_dish(Dish(school=world.schools["a"], name="熘肉段", kind="meat"), by=world.user(Role.CANTEEN),
                              ingredients=services.parse_ingredients("猪里脊 60 荤\n大米，20克"))
    rows = {i.name: i for i in dish.ingredients.all()}
    assert rows["猪里脊"].meat and rows["猪里脊"].grams == Decimal("60") and rows["猪里脊"].item is None
    assert rows["大米"].item == rice and not rows["大米"].meat
    with pytest.raises(ValidationError, match="第 1 行"):
        services.parse_ingredients("猪里脊 很多")


# --- approval by the director and the 膳食委员会 (坚持每周菜谱审核制), published ------------------------


def test_menu_is_approved_by_the_director_then_the_committee_and_published(world):
    menu = services.submit_menu(full_menu(world.schools["a"], NEXT_WEEK), by=world.user(Role.CANTEEN))
    approval = services.menu_approval(menu)
    assert [s["label"] for s in approval.steps] == ["总务主任审核", "膳食委员会审核（校长）"]
    with pytest.raises(PermissionDenied):
        approvals.sign(approval, by=world.user(Role.PRINCIPAL), decision=Decision.APPROVE)
    approvals.sign(approval, by=world.user(Role.DIRECTOR), decision=Decision.APPROVE)
    menu.refresh_from_db()
    assert menu.status == "pending"
    teacher = world.client(Role.TEACHER).get(reverse("canteen:menu_published")).content.decode()
    assert "尚未公示" in teacher
    approvals.sign(approval, by=world.user(Role.PRINCIPAL), decision=Decision.APPROVE)
    menu.refresh_from_db()
    assert menu.status == "published" and menu.published_at
    dish = menu.entries.first().dish.name
    assert dish in world.client(Role.TEACHER).get(reverse("canteen:menu_published")).content.decode()


def test_the_committee_step_is_a_setting(world):
    settings_of(world, menu_committee_review=False)
    menu = services.submit_menu(full_menu(world.schools["a"], NEXT_WEEK), by=world.user(Role.CANTEEN))
    approvals.sign(services.menu_approval(menu), by=world.user(Role.DIRECTOR), decision=Decision.APPROVE)
    menu.refresh_from_db()
    assert menu.status == "published"


def test_a_rejected_menu_is_corrected_and_resubmitted_and_a_pending_one_is_not_edited(world):
    menu = services.submit_menu(full_menu(world.schools["a"], NEXT_WEEK), by=world.user(Role.CANTEEN))
    with pytest.raises(ValidationError, match="待审批"):
        services.save_menu(menu, by=world.user(Role.CANTEEN), entries=[])
    approvals.sign(services.menu_approval(menu), by=world.user(Role.DIRECTOR), decision=Decision.REJECT,
                   comment="周三换一道汤")
    menu.refresh_from_db()
    assert menu.status == "rejected"
    services.save_menu(menu, by=world.user(Role.CANTEEN))
    assert services.submit_menu(menu, by=world.user(Role.CANTEEN)).status == "pending"


def test_only_the_canteen_manager_submits_and_a_started_week_is_not_submitted(world):
    menu = full_menu(world.schools["a"], NEXT_WEEK)
    with pytest.raises(PermissionDenied):
        services.submit_menu(menu, by=world.user(Role.DIRECTOR))
    started = full_menu(world.schools["a"], services.monday(TODAY))
    with pytest.raises(ValidationError, match="已经开始"):
        services.submit_menu(started, by=world.user(Role.CANTEEN))


def test_menu_published_one_week_ahead_is_reminded_when_late(world):
    from houqin.canteen.tick import menu_reminder
    from tests.canteen.factories import CanteenWorkerFactory

    CanteenWorkerFactory(school=world.schools["a"])
    monday = services.monday(TODAY)
    assert services.menu_overdue(world.schools["a"], monday) == monday + datetime.timedelta(days=7)
    settings_of(world, menu_days_ahead=3)
    assert services.menu_overdue(world.schools["a"], monday) is None
    assert services.menu_overdue(world.schools["a"], monday + datetime.timedelta(days=4)) is not None
    world.user(Role.CANTEEN), world.user(Role.DIRECTOR)
    first = menu_reminder(monday + datetime.timedelta(days=4))
    assert first != "新发通知 0 条"
    assert menu_reminder(monday + datetime.timedelta(days=4)) == "新发通知 0 条"  # once a week


def test_home_panel_shows_the_unpublished_menu_to_the_director_not_the_teacher(world):
    world.user(Role.TEACHER)
    director = world.client(Role.DIRECTOR).get(reverse("core:home")).content.decode()
    teacher = world.client(Role.TEACHER).get(reverse("core:home")).content.decode()
    assert "带量食谱未公示" in director  # with 7 days ahead, next week's menu is due from this Monday
    assert "带量食谱未公示" not in teacher
    published = full_menu(world.schools["a"], NEXT_WEEK)
    WeekMenu.objects.filter(pk=published.pk).update(status="published")
    assert "带量食谱未公示" not in world.client(Role.DIRECTOR).get(reverse("core:home")).content.decode()


# --- who reads what ---------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ALL_ROLES)
def test_everyone_reads_the_published_menu_and_only_the_canteen_and_managers_the_drafts(world, role):
    published = full_menu(world.schools["a"], services.monday(TODAY))
    published.status = "published"
    published.save()
    draft = full_menu(world.schools["a"], NEXT_WEEK)
    client = world.client(role)
    page = client.get(reverse("canteen:menu_published"))
    assert page.status_code == 200
    assert client.get(published.get_absolute_url()).status_code == 200
    sees_drafts = role in (Role.CANTEEN, Role.DIRECTOR, Role.PRINCIPAL, Role.DISTRICT_OFFICER)
    assert client.get(draft.get_absolute_url()).status_code == (200 if sees_drafts else 404)
    api = api_client(world, role).get("/api/v1/week-menus/")
    assert {r["id"] for r in api.json()["results"]} == ({published.pk, draft.pk} if sees_drafts else {published.pk})


def test_the_published_page_shows_the_own_school_only(world):
    theirs = full_menu(world.schools["b"], services.monday(TODAY))
    WeekMenu.objects.filter(pk=theirs.pk).update(status="published")
    name = theirs.entries.first().dish.name
    assert name not in world.client(Role.TEACHER).get(reverse("canteen:menu_published")).content.decode()


def test_print_page_is_a4_with_the_quantities(world):
    menu = full_menu(world.schools["a"], NEXT_WEEK)
    page = world.client(Role.CANTEEN).get(reverse("canteen:weekmenu_print", args=[menu.pk])).content.decode()
    assert "A4 landscape" in page and "带量食谱" in page and "60克" in page and "尚未公示" in page


def test_published_page_and_menu_detail_queries_do_not_grow(world):
    school = world.schools["a"]
    menu = full_menu(school, services.monday(TODAY))
    WeekMenu.objects.filter(pk=menu.pk).update(status="published")
    client = world.client(Role.CANTEEN)
    urls = [reverse("canteen:menu_published"), menu.get_absolute_url(), reverse("canteen:weekmenu_print",
                                                                                  args=[menu.pk])]
    few = {}
    for url in urls:
        client.get(url)
        with CaptureQueriesContext(connection) as queries:
            client.get(url)
        few[url] = len(queries)
    for _ in range(5):
        for day in range(5):
            MenuEntry.objects.create(menu=menu, day=menu.week_start + datetime.timedelta(days=day),
                                     dish=DishFactory(school=school, kind="vegetable"))
    for url in urls:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        assert len(queries) == few[url], url


# --- 沿用往期食谱 (last year's menus reusable) ----------------------------------------------------


def test_copy_a_past_weeks_menu_to_a_new_week(world):
    last_year = full_menu(world.schools["a"], services.monday(TODAY - datetime.timedelta(days=364)))
    response = world.client(Role.CANTEEN).post(reverse("canteen:weekmenu_copy", args=[last_year.pk]),
                                               {"copy-week_start": str(NEXT_WEEK + datetime.timedelta(days=2))})
    new = WeekMenu.objects.get(week_start=NEXT_WEEK)
    assert response.status_code == 302 and response.url == new.get_absolute_url()
    assert new.status == "draft" and new.copied_from == last_year
    shift = NEXT_WEEK - last_year.week_start
    assert sorted((e.day - shift, e.meal, e.dish_id) for e in new.entries.all()) == \
        sorted((e.day, e.meal, e.dish_id) for e in last_year.entries.all())
    again = world.client(Role.CANTEEN).post(reverse("canteen:weekmenu_copy", args=[last_year.pk]),
                                            {"copy-week_start": str(NEXT_WEEK)})
    assert again.status_code == 302 and WeekMenu.objects.filter(week_start=NEXT_WEEK).count() == 1
    assert world.client(Role.DIRECTOR).post(reverse("canteen:weekmenu_copy", args=[last_year.pk]),
                                            {"copy-week_start": str(NEXT_WEEK)}).status_code == 403


def test_copy_and_submit_through_the_api(world):
    source = full_menu(world.schools["a"], NEXT_WEEK - datetime.timedelta(days=28))
    client = api_client(world, Role.CANTEEN)
    response = client.post(f"/api/v1/week-menus/{source.pk}/copy/", {"week_start": str(NEXT_WEEK)}, format="json")
    assert response.status_code == 201, response.data
    assert response.json()["breaches"] == [] and len(response.json()["entries"]) == 25
    submitted = client.post(f"/api/v1/week-menus/{response.json()['id']}/submit/")
    assert submitted.status_code == 200 and submitted.json()["status"] == "pending"
    broken = full_menu(world.schools["a"], NEXT_WEEK + datetime.timedelta(days=7), meat=1)
    refused = client.post(f"/api/v1/week-menus/{broken.pk}/submit/")
    assert_error(refused)
    assert "只有 1 道荤菜" in str(refused.json())
    assert api_client(world, Role.TEACHER).post(f"/api/v1/week-menus/{broken.pk}/submit/").status_code in (403, 404)


# --- contracts ---------------------------------------------------------------------------------------


class TestDishPages(PagesContract):
    model = Dish
    factory = DishFactory

    def valid_form(self, world):
        return {"name": "青椒肉丝", "kind": "meat", "ingredients": "猪肉丝 50 荤\n青椒 40", "active": "on"}

    def edit_form(self, world, obj):
        return {"name": obj.name, "kind": "meat", "ingredients": "猪肉丝 55 荤\n青椒 40", "active": "on",
                "loaded_at": obj.updated_at.isoformat()}


# The contracts' rows are published (every role reads those: teachers see only published menus);
# the writing tests get a draft, as only a draft is edited.
WRITING = {"test_edit", "test_update", "test_full_update", "test_malformed_payload_writes_nothing",
           "test_other_schools_related_row_is_refused"}


class PublishedRows:
    @pytest.fixture(autouse=True)
    def _made_status(self, request):
        self.made_status = "draft" if request.node.originalname in WRITING else "published"

    def make(self, world, school="a", **kwargs):
        return self.factory(school=world.schools[school], **{"status": self.made_status, **kwargs})


class TestWeekMenuPages(PublishedRows, PagesContract):
    model = WeekMenu
    factory = WeekMenuFactory

    def valid_form(self, world):
        dish = DishFactory(school=world.schools["a"])
        return {"week_start": str(NEXT_WEEK + datetime.timedelta(days=14)), "note": "", "d0_lunch": [dish.pk]}

    def edit_form(self, world, obj):
        dish = DishFactory(school=world.schools["a"])
        return {"week_start": str(obj.week_start), "note": "改", "d1_lunch": [dish.pk],
                "loaded_at": obj.updated_at.isoformat()}


class TestDishApi(ApiContract):
    model = Dish
    factory = DishFactory
    path = "dishes"

    def valid_payload(self, world):
        return {"name": "红烧肉", "kind": "meat", "ingredients": [{"name": "五花肉", "grams": "70", "meat": True}]}

    def edit_payload(self, world, obj):
        return {"notes": "少糖"}


class TestWeekMenuApi(PublishedRows, ApiContract):
    model = WeekMenu
    factory = WeekMenuFactory
    path = "week-menus"

    def valid_payload(self, world):
        dish = DishFactory(school=world.schools["a"])
        return {"week_start": str(NEXT_WEEK + datetime.timedelta(days=21)),
                "entries": [{"day": str(NEXT_WEEK + datetime.timedelta(days=21)), "meal": "lunch", "dish": dish.pk}]}

    def edit_payload(self, world, obj):
        return {"note": "调整"}

    def other_school_payload(self, world):
        dish = DishFactory(school=world.schools["c"])
        return {"week_start": str(NEXT_WEEK), "entries": [{"day": str(NEXT_WEEK), "meal": "lunch", "dish": dish.pk}]}
