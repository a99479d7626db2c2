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
