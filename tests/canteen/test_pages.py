"""Page contracts of every canteen model (lists, details, forms, export for every role of
two schools), and the pages that are not one model's: the team's 晨检, the board, its print
and the month."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from houqin.canteen.models import (
    AccompaniedMeal,
    CanteenWorker,
    Disinfection,
    KitchenCheck,
    Meal,
    MorningCheck,
    SampleRecord,
)
from houqin.core.choices import Role
from houqin.core.rules import can
from tests.factories import PersonFactory

from ..conftest import ALL_ROLES
from ..contracts import PagesContract
from .factories import (
    AccompaniedMealFactory,
    CanteenWorkerFactory,
    DisinfectionFactory,
    KitchenCheckFactory,
    MealFactory,
    MorningCheckFactory,
    SampleRecordFactory,
)

pytestmark = pytest.mark.django_db


def team_person(world, school="a"):
    return CanteenWorkerFactory(school=world.schools[school]).person


def now_field():
    return timezone.localtime().strftime("%Y-%m-%dT%H:%M")


class TestCanteenWorkerPages(PagesContract):
    model = CanteenWorker
    factory = CanteenWorkerFactory

    def valid_form(self, world):
        return {"person": PersonFactory(school=world.schools["a"]).pk, "post": "帮厨", "active": "on"}

    def edit_form(self, world, obj):
        return {"person": obj.person_id, "post": "面点", "active": "on", "loaded_at": obj.updated_at.isoformat()}


class TestMorningCheckPages(PagesContract):
    model = MorningCheck
    factory = MorningCheckFactory

    def valid_form(self, world):
        worker = CanteenWorkerFactory(school=world.schools["a"])
        return {"worker": worker.pk, "date": str(timezone.localdate()), "temperature": "36.5", "hygiene_ok": "on"}


class TestMealPages(PagesContract):
    model = Meal
    factory = MealFactory

    def valid_form(self, world):
        return {"date": "2026-10-09", "kind": "lunch", "dishes": "红烧鸡块\n炒豆芽\n冬瓜排骨汤"}

    def edit_form(self, world, obj):
        return {"date": obj.date, "kind": obj.kind, "dishes": "红烧鸡块\n炒豆芽",
                "loaded_at": obj.updated_at.isoformat()}


class TestSampleRecordPages(PagesContract):
    model = SampleRecord
    factory = SampleRecordFactory

    def valid_form(self, world):
        meal = MealFactory(school=world.schools["a"])
        return {"meal": meal.pk, "dish": "清炒白菜", "weight_grams": 130, "sampled_at": now_field(),
                "container": "留样盒", "cabinet": "1号留样柜", "cabinet_temperature": "4",
                "sampled_by": team_person(world).pk}


class TestDisinfectionPages(PagesContract):
    model = Disinfection
    factory = DisinfectionFactory

    def valid_form(self, world):
        return {"date": str(timezone.localdate()), "meal": "lunch", "method": "dishwasher", "temperature": "85",
                "seconds": 60, "items": "餐盘", "done_by": team_person(world).pk, "done_at": now_field()}


class TestKitchenCheckPages(PagesContract):
    model = KitchenCheck
    factory = KitchenCheckFactory

    def valid_form(self, world):
        return {"date": str(timezone.localdate()), "kind": "hygiene", "item_0": "on", "item_1": "on",
                "checked_by": team_person(world).pk}


class TestAccompaniedMealPages(PagesContract):
    model = AccompaniedMeal
    factory = AccompaniedMealFactory

    def valid_form(self, world):
        return {"date": str(timezone.localdate()), "meal": "lunch", "companion_kind": "leader",
                "person": PersonFactory(school=world.schools["a"]).pk, "rating": "good", "comments": "菜偏咸"}

    def edit_form(self, world, obj):
        return {**self.valid_form(world), "rating": "fair", "loaded_at": obj.updated_at.isoformat()}


# --- the pages that are not one model's ------------------------------------------------------

BOARD_PAGES = ["canteen:board", "canteen:board_print", "canteen:board_month", "canteen:team_checks"]


@pytest.mark.parametrize("name", BOARD_PAGES)
@pytest.mark.parametrize("role", ALL_ROLES)
def test_board_pages_by_role(world, role, name):
    response = world.client(role).get(reverse(name))
    allowed = can({role}, "board", Meal) if name != "canteen:team_checks" else can({role}, "view", MorningCheck)
    assert response.status_code == (200 if allowed else 403)


def test_board_shows_own_school_only(world):
    mine = CanteenWorkerFactory(school=world.schools["a"])
    theirs = CanteenWorkerFactory(school=world.schools["b"])
    page = world.client(Role.CANTEEN).get(reverse("canteen:team_checks")).content.decode()
    assert mine.person.name in page and theirs.person.name not in page


def test_month_page_queries_do_not_grow_with_records(world):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = world.client(Role.DIRECTOR)
    month = reverse("canteen:board_month") + "?month=2026-09-01"

    def records(days):
        for n in days:
            day = datetime.date(2026, 9, 1) + datetime.timedelta(days=n)
            MorningCheckFactory(school=world.schools["a"], date=day)
            SampleRecordFactory(school=world.schools["a"], meal=MealFactory(school=world.schools["a"], date=day))
            DisinfectionFactory(school=world.schools["a"], date=day)
            KitchenCheckFactory(school=world.schools["a"], date=day)
            AccompaniedMealFactory(school=world.schools["a"], date=day)

    records(range(2))  # rows of every kind already (an empty prefetch is skipped, which is no growth)
    client.get(month)
    with CaptureQueriesContext(connection) as few:
        client.get(month)
    records(range(2, 12))
    with CaptureQueriesContext(connection) as many:
        assert client.get(month).status_code == 200
    assert len(many) == len(few)
