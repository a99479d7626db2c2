"""Factories of the safety app."""

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
