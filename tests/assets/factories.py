"""Factories for the assets app. Assets are registered through the service, so their derived
fields (pinyin, capitalised, depreciation months) and the register event are real."""

import datetime
from decimal import Decimal

import factory

from houqin.assets import services
from houqin.assets.choices import HoldingKind
from houqin.assets.models import Asset, Category
from tests.factories import RoomFactory, UserFactory


def category(code="B09"):
    """A seeded category (the data migration loads them): B09 电教设备 (5 years), E01 课桌椅 (15)."""
    return Category.objects.get(code=code)


class AssetFactory(factory.Factory):
    """Build an unsaved Asset and register it (`AssetFactory(school=...)`)."""

    class Meta:
        model = Asset

    name = "多功能投影机"
    category = factory.LazyFunction(category)
    kind = HoldingKind.INDIVIDUAL
    unit_price = Decimal("4800.00")
    quantity = 1
    unit = "台"
    purchase_date = datetime.date(2024, 9, 1)

    @classmethod
    def _create(cls, model_class, *args, by=None, **kwargs):
        asset = model_class(*args, **kwargs)
        return services.register(asset, by=by or UserFactory())

    @classmethod
    def _adjust_kwargs(cls, **kwargs):
        """`school=` alone puts it in a new room of that school; `room=` alone takes its school."""
        if "room" not in kwargs:
            kwargs["room"] = RoomFactory(**({"school": kwargs["school"]} if "school" in kwargs else {}))
        kwargs.setdefault("school", kwargs["room"].school)
        return kwargs


def bulk(school, room=None, **kwargs):
    """A bulk holding: 40 sets of desks (课桌椅) in a room of the school."""
    room = room or RoomFactory(school=school)
    defaults = {"name": "学生课桌椅", "category": category("E01"), "kind": HoldingKind.BULK,
                "unit_price": Decimal("320.00"), "quantity": 40, "unit": "套"}
    return AssetFactory(room=room, **{**defaults, **kwargs})
