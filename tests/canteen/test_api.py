"""API contracts of every canteen model, and the API's own steps (the team's 晨检, 处置留样,
陪餐 反馈, the board)."""


import pytest
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
from tests.factories import PersonFactory

from ..api_contracts import ApiContract, api_client, assert_error
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


def today():
    return str(timezone.localdate())


class NotEditedOnceTaken:
    """These records are not changed once taken: every PATCH is refused (403, the contract's
    test_update says so for every role), so of the contract's bad-input tests, which post and
    then patch, only the posting half applies."""

    def test_malformed_payload_writes_nothing(self, world):
        client, count = api_client(world, Role.CANTEEN), self.model.objects.count()
        for body in (self.wrong_types(world), {}, [1, 2], "text"):
            assert_error(client.post(self.url(), body, format="json"))
        assert_error(client.post(self.url(), "{not json", content_type="application/json"))
        assert self.model.objects.count() == count

    def test_other_schools_related_row_is_refused(self, world):
        count = self.model.objects.count()
        assert_error(api_client(world, Role.CANTEEN).post(self.url(), self.other_school_payload(world), format="json"))
        assert self.model.objects.count() == count


class TestCanteenWorkerApi(ApiContract):
    model = CanteenWorker
    factory = CanteenWorkerFactory
    path = "canteen-workers"

    def valid_payload(self, world):
        return {"person": PersonFactory(school=world.schools["a"]).pk, "post": "帮厨"}

    def edit_payload(self, world, obj):
        return {"post": "面点"}

    def other_school_payload(self, world):
        return {"person": PersonFactory(school=world.schools["c"]).pk, "post": "帮厨"}


class TestMorningCheckApi(NotEditedOnceTaken, ApiContract):
    model = MorningCheck
    factory = MorningCheckFactory
    path = "morning-checks"

    def valid_payload(self, world):
        return {"worker": CanteenWorkerFactory(school=world.schools["a"]).pk, "date": today(), "temperature": "36.6"}

    def other_school_payload(self, world):
        return {**self.valid_payload(world), "worker": CanteenWorkerFactory(school=world.schools["c"]).pk}


class TestMealApi(ApiContract):
    model = Meal
    factory = MealFactory
    path = "meals"

    def valid_payload(self, world):
        return {"date": "2026-10-12", "kind": "lunch", "dishes": "红烧鸡块\n炒豆芽"}

    def edit_payload(self, world, obj):
        return {"dishes": "红烧鸡块\n炒豆芽\n冬瓜汤"}


class TestSampleRecordApi(NotEditedOnceTaken, ApiContract):
    model = SampleRecord
    factory = SampleRecordFactory
    path = "samples"

    def valid_payload(self, world):
        meal = MealFactory(school=world.schools["a"])
        return {"meal": meal.pk, "dish": "紫菜蛋花汤", "weight_grams": 125, "sampled_at": timezone.now().isoformat(),
                "cabinet_temperature": "3.5", "sampled_by": PersonFactory(school=world.schools["a"]).pk}

    def other_school_payload(self, world):
        return {**self.valid_payload(world), "meal": MealFactory(school=world.schools["c"]).pk}


class TestDisinfectionApi(NotEditedOnceTaken, ApiContract):
    model = Disinfection
    factory = DisinfectionFactory
    path = "disinfections"

    def valid_payload(self, world):
        return {"date": today(), "meal": "lunch", "method": "chlorine", "chlorine": 250, "seconds": 300,
                "done_by": PersonFactory(school=world.schools["a"]).pk}

    def other_school_payload(self, world):
        return {**self.valid_payload(world), "done_by": PersonFactory(school=world.schools["c"]).pk}


class TestKitchenCheckApi(NotEditedOnceTaken, ApiContract):
    model = KitchenCheck
    factory = KitchenCheckFactory
    path = "kitchen-checks"

    def valid_payload(self, world):
        return {"date": today(), "kind": "cold", "fridge_temperature": "4", "freezer_temperature": "-20",
                "checked_by": PersonFactory(school=world.schools["a"]).pk}

    def other_school_payload(self, world):
        return {**self.valid_payload(world), "checked_by": PersonFactory(school=world.schools["c"]).pk}


class TestAccompaniedMealApi(ApiContract):
    model = AccompaniedMeal
    factory = AccompaniedMealFactory
    path = "accompanied-meals"

    def writer(self, action="add"):
        return Role.CANTEEN  # a leader records his 陪餐; the canteen manager also corrects it

    def valid_payload(self, world):
        return {"date": today(), "meal": "lunch", "companion_kind": "leader",
                "person": PersonFactory(school=world.schools["a"]).pk, "comments": "汤偏咸"}

    def edit_payload(self, world, obj):
        return {"rating": "poor"}

    def other_school_payload(self, world):
        return {**self.valid_payload(world), "person": PersonFactory(school=world.schools["c"]).pk}


def test_meals_filter_by_kind_on_the_api_and_the_page(world):
    """The meal kind filter was added to the filterset after its class was made, without a
    field name: `?kind=lunch` was a 500 (found by the schema fuzz test)."""
    school = world.schools["a"]
    MealFactory(school=school, kind="lunch", dishes="番茄炒蛋")
    MealFactory(school=school, kind="dinner", dishes="清蒸鲈鱼")
    response = api_client(world, Role.DIRECTOR).get("/api/v1/meals/", {"kind": "lunch"})
    assert response.status_code == 200
    assert [m["dishes"] for m in response.json()["results"]] == ["番茄炒蛋"]
    page = world.client(Role.DIRECTOR).get("/canteen/meals/", {"kind": "dinner"})
    assert page.status_code == 200
    assert "清蒸鲈鱼" in page.content.decode() and "番茄炒蛋" not in page.content.decode()
