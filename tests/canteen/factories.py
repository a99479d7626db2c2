"""Factories of the canteen app. A worker comes with a valid 健康证 (a year from today) unless
told `health="none"` or an expiry."""

import datetime
from decimal import Decimal

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from houqin.canteen import models
from houqin.core.choices import CertificateKind
from tests.factories import CertificateFactory, PersonFactory, SchoolFactory, UserFactory


class CanteenWorkerFactory(DjangoModelFactory):
    class Meta:
        model = models.CanteenWorker
        skip_postgeneration_save = True

    school = factory.SubFactory(SchoolFactory)
    person = factory.SubFactory(PersonFactory, school=factory.SelfAttribute("..school"))
    post = "厨师"

    @factory.post_generation
    def health(worker, create, extracted, **kwargs):
        """`health=<date>`: his 健康证 expires then; `health="none"`: he has none."""
        if not create or extracted == "none":
            return
        expires_on = extracted or timezone.localdate() + datetime.timedelta(days=365)
        CertificateFactory(school=worker.school, person=worker.person, kind=CertificateKind.HEALTH,
                           issued_on=expires_on - datetime.timedelta(days=365), expires_on=expires_on)


class MorningCheckFactory(DjangoModelFactory):
    class Meta:
        model = models.MorningCheck

    school = factory.SubFactory(SchoolFactory)
    worker = factory.SubFactory(CanteenWorkerFactory, school=factory.SelfAttribute("..school"))
    date = factory.Sequence(lambda n: datetime.date(2026, 9, 1) + datetime.timedelta(days=n))
    temperature = Decimal("36.5")
    checked_by = factory.SubFactory(UserFactory)


class MealFactory(DjangoModelFactory):
    class Meta:
        model = models.Meal

    school = factory.SubFactory(SchoolFactory)
    date = factory.Sequence(lambda n: datetime.date(2026, 9, 1) + datetime.timedelta(days=n))
    kind = "lunch"
    dishes = "熘肉段\n清炒白菜\n紫菜蛋花汤"


class SampleRecordFactory(DjangoModelFactory):
    class Meta:
        model = models.SampleRecord

    school = factory.SubFactory(SchoolFactory)
    meal = factory.SubFactory(MealFactory, school=factory.SelfAttribute("..school"))
    dish = "熘肉段"
    weight_grams = 150
    cabinet_temperature = Decimal("4.0")
    sampled_by = factory.SubFactory(PersonFactory, school=factory.SelfAttribute("..school"))


class DisinfectionFactory(DjangoModelFactory):
    class Meta:
        model = models.Disinfection

    school = factory.SubFactory(SchoolFactory)
    method = "steam"
    temperature = Decimal("100")
    seconds = 900
    done_by = factory.SubFactory(PersonFactory, school=factory.SelfAttribute("..school"))


class KitchenCheckFactory(DjangoModelFactory):
    class Meta:
        model = models.KitchenCheck

    school = factory.SubFactory(SchoolFactory)
    kind = "hygiene"
    checked_by = factory.SubFactory(PersonFactory, school=factory.SelfAttribute("..school"))


class AccompaniedMealFactory(DjangoModelFactory):
    class Meta:
        model = models.AccompaniedMeal

    school = factory.SubFactory(SchoolFactory)
    person = factory.SubFactory(PersonFactory, school=factory.SelfAttribute("..school"))
    comments = "米饭偏硬"


class DishFactory(DjangoModelFactory):
    """A dish with one ingredient (`grams` of it, meat for a 荤菜) unless told `ingredients=[]`."""

    class Meta:
        model = models.Dish
        skip_postgeneration_save = True

    school = factory.SubFactory(SchoolFactory)
    name = factory.Sequence(lambda n: f"菜品{n}")
    kind = "meat"

    @factory.post_generation
    def ingredients(dish, create, extracted, **kwargs):
        if not create:
            return
        rows = extracted if extracted is not None else [("食材", 60, dish.kind == "meat")]
        for name, grams, meat in rows:
            models.DishIngredient.objects.create(dish=dish, name=name, grams=Decimal(grams), meat=meat)


class WeekMenuFactory(DjangoModelFactory):
    class Meta:
        model = models.WeekMenu

    school = factory.SubFactory(SchoolFactory)
    week_start = factory.Sequence(lambda n: datetime.date(2026, 8, 31) + datetime.timedelta(weeks=n))


def full_menu(school, week_start, *, meat=2, vegetable=2, soup=1, days=5):
    """A week's menu (lunch only, the default settings) with `meat` / `vegetable` / `soup`
    dishes each day."""
    menu = WeekMenuFactory(school=school, week_start=week_start)
    dishes = ([DishFactory(school=school, kind="meat") for _ in range(meat)]
              + [DishFactory(school=school, kind="vegetable") for _ in range(vegetable)]
              + [DishFactory(school=school, kind="soup") for _ in range(soup)])
    for n in range(days):
        for dish in dishes:
            models.MenuEntry.objects.create(menu=menu, day=week_start + datetime.timedelta(days=n), dish=dish)
    return menu


class DinerCountFactory(DjangoModelFactory):
    class Meta:
        model = models.DinerCount

    school = factory.SubFactory(SchoolFactory)
    date = factory.Sequence(lambda n: datetime.date(2026, 9, 1) + datetime.timedelta(days=n))
    students = 300
    entitled_students = 120
    staff = 20


class CanteenEntryFactory(DjangoModelFactory):
    class Meta:
        model = models.CanteenEntry

    school = factory.SubFactory(SchoolFactory)
    date = datetime.date(2026, 9, 15)
    kind = "fees"
    amount = Decimal("1000.00")
    recorded_by = factory.SubFactory(UserFactory)
