"""Factories of the maintenance app."""

import datetime

import factory
from factory.django import DjangoModelFactory

from houqin.maintenance import models
from tests.factories import RoomFactory, SchoolFactory, UserFactory


class WorkOrderFactory(DjangoModelFactory):
    class Meta:
        model = models.WorkOrder

    school = factory.SubFactory(SchoolFactory)
    number = factory.Sequence(lambda n: f"BX20260901-{n:04d}")
    category = "door"
    description = "教室门合页松了，关不上"
    room = factory.SubFactory(RoomFactory, school=factory.SelfAttribute("..school"))
    reporter = factory.SubFactory(UserFactory)


class PreventivePlanFactory(DjangoModelFactory):
    class Meta:
        model = models.PreventivePlan

    school = factory.SubFactory(SchoolFactory)
    name = factory.Sequence(lambda n: f"每周检查照明{n}")
    recurrence = "weekly"
    weekday = 0
    checklist = "教室灯管正常\n走廊照明正常"
    starts_on = datetime.date(2025, 1, 1)


class PreventiveTaskFactory(DjangoModelFactory):
    class Meta:
        model = models.PreventiveTask

    school = factory.SubFactory(SchoolFactory)
    plan = factory.SubFactory(PreventivePlanFactory, school=factory.SelfAttribute("..school"))
    due_on = factory.Sequence(lambda n: datetime.date(2026, 1, 1) + datetime.timedelta(days=n))


class SpecialEquipmentFactory(DjangoModelFactory):
    class Meta:
        model = models.SpecialEquipment

    school = factory.SubFactory(SchoolFactory)
    kind = "elevator"
    name = factory.Sequence(lambda n: f"食堂电梯{n}")
    contractor = "恩施奥的斯电梯维保有限公司"
    maintenance_interval_days = 15
