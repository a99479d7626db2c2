"""Fixtures shared by the asset tests: rooms of the same names in schools a, b and c, and a
register in school a with every kind of holding."""

import datetime
from decimal import Decimal

import pytest

from houqin.core.choices import Role
from tests.factories import BuildingFactory, RoomFactory

from .factories import AssetFactory, bulk, category

D = Decimal


@pytest.fixture
def rooms(world):
    """The same building and room names in schools a and b; c has its own 综合楼 too."""
    made = {}
    for key in ("a", "b", "c"):
        building = BuildingFactory(school=world.schools[key], name="综合楼")
        made[key] = {
            "media": RoomFactory(school=world.schools[key], building=building, name="多媒体教室", number="202"),
            "class": RoomFactory(school=world.schools[key], building=building, name="六(3)班教室", number="603"),
        }
    return made


@pytest.fixture
def register_a(world, rooms):
    """A register in school a with every kind of holding, a formula payload and a lost item."""
    school, by = world.schools["a"], world.user(Role.DIRECTOR)
    keeper = world.user(Role.KEEPER).people.get()
    made = [
        AssetFactory(school=school, room=rooms["a"]["media"], name="多功能投影机", unit_price=D("4800.00"),
                     purchase_date=datetime.date(2024, 9, 1), custodian=keeper, by=by),
        AssetFactory(school=school, room=rooms["a"]["media"], name="计算机", category=category("B01"),
                     unit_price=D("4321.17"), purchase_date=datetime.date(2021, 2, 3), by=by),
        AssetFactory(school=school, room=rooms["a"]["class"], name="=HYPERLINK(\"http://evil\",\"点我\")",
                     category=category("B06"), unit_price=D("3599.99"), purchase_date=datetime.date(2019, 12, 31),
                     model_spec="+1+1", brand="@SUM(A1)", notes="-2+3", by=by),
        bulk(school, room=rooms["a"]["class"], quantity=33, purchase_date=datetime.date(2018, 6, 1), by=by),
        bulk(school, room=rooms["a"]["class"], name="图书", category=category("D01"), unit_price=D("1234.56"),
             quantity=7, unit="套", purchase_date=datetime.date(2016, 1, 1), by=by),
    ]
    lost = AssetFactory(school=school, room=rooms["a"]["media"], name="笔记本电脑", category=category("B01"),
                        unit_price=D("5000.00"), by=by)
    from houqin.assets import services

    services.mark_lost(lost, by=by, note="被盗")
    return made
