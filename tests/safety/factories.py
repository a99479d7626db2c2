"""Factories of the safety app."""

import datetime

import factory
from factory.django import DjangoModelFactory

from houqin.safety import models
from tests.factories import RoomFactory, SchoolFactory, UserFactory


class HazardFactory(DjangoModelFactory):
    class Meta:
        model = models.Hazard

    school = factory.SubFactory(SchoolFactory)
    level = "general"
    description = "走廊应急照明灯不亮"
    room = factory.SubFactory(RoomFactory, school=factory.SelfAttribute("..school"))
    reported_by = factory.SubFactory(UserFactory)


class GateEntryFactory(DjangoModelFactory):
    class Meta:
        model = models.GateEntry

    school = factory.SubFactory(SchoolFactory)
    kind = "visitor"
    name = factory.Sequence(lambda n: f"来访{n}")
    id_last4 = "1234"
    reason = "家长来访"
    host = "六(3)班班主任"
    logged_by = factory.SubFactory(UserFactory)


class CheckItemFactory(DjangoModelFactory):
    class Meta:
        model = models.CheckItem

    school = factory.SubFactory(SchoolFactory)
    area = "teaching"
    kind = "lighting"
    text = factory.Sequence(lambda n: f"应急照明正常{n}")


class PatrolRouteFactory(DjangoModelFactory):
    class Meta:
        model = models.PatrolRoute
        skip_postgeneration_save = True

    school = factory.SubFactory(SchoolFactory)
    name = factory.Sequence(lambda n: f"晚间巡查{n}")
    frequency = "daily"

    @factory.post_generation
    def items(self, create, extracted, **kwargs):
        if create:
            self.items.set(extracted if extracted is not None else [CheckItemFactory(school=self.school)])


class PatrolFactory(DjangoModelFactory):
    class Meta:
        model = models.Patrol

    school = factory.SubFactory(SchoolFactory)
    route = factory.SubFactory(PatrolRouteFactory, school=factory.SelfAttribute("..school"))
    due_on = factory.Sequence(lambda n: datetime.date(2026, 1, 1) - datetime.timedelta(days=n))  # past: walkable


class FireEquipmentFactory(DjangoModelFactory):
    class Meta:
        model = models.FireEquipment

    school = factory.SubFactory(SchoolFactory)
    code = factory.Sequence(lambda n: f"MHQ-{n:03d}")
    kind = "extinguisher"
    agent = "powder"
    place = "教学楼一楼楼梯口"
    made_on = datetime.date(2024, 3, 1)


class FireCheckFactory(DjangoModelFactory):
    class Meta:
        model = models.FireCheck

    school = factory.SubFactory(SchoolFactory)
    equipment = factory.SubFactory(FireEquipmentFactory, school=factory.SelfAttribute("..school"))
    period_start = datetime.date(2026, 1, 1)  # each check its own equipment; a past period, so it may be done
    due_by = factory.LazyAttribute(lambda o: o.period_start + datetime.timedelta(days=29))


class DrillFactory(DjangoModelFactory):
    class Meta:
        model = models.Drill

    school = factory.SubFactory(SchoolFactory)
    kind = "evacuation"
    title = factory.Sequence(lambda n: f"应急疏散演练{n}")
    held_on = datetime.date(2026, 9, 15)
    participants = 600


class TrainingFactory(DjangoModelFactory):
    class Meta:
        model = models.Training

    school = factory.SubFactory(SchoolFactory)
    title = factory.Sequence(lambda n: f"消防安全培训{n}")
    held_on = datetime.date(2026, 9, 20)
