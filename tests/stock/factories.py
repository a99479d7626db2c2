"""Factories of the stock app. Stock moves only through the ledger services, so balances,
batches and movements are made by receiving goods, and requisitions and counts through their
services: what the tests see is what the application would have written."""

import datetime
from decimal import Decimal

import factory
from factory.django import DjangoModelFactory

from houqin.core.choices import Role
from houqin.core.models import Membership
from houqin.stock import services
from houqin.stock.choices import ItemCategory
from houqin.stock.models import Item, Warehouse
from tests.factories import SchoolFactory, UserFactory


class WarehouseFactory(DjangoModelFactory):
    class Meta:
        model = Warehouse

    school = factory.SubFactory(SchoolFactory)
    name = factory.Sequence(lambda n: f"总务仓库{n}")


class ItemFactory(DjangoModelFactory):
    class Meta:
        model = Item

    school = factory.SubFactory(SchoolFactory)
    code = factory.Sequence(lambda n: f"WP{n:05d}")
    name = "粉笔"
    spec = "白色 50支/盒"
    unit = "盒"
    category = ItemCategory.TEACHING


def food(school, **kwargs):
    defaults = {"name": "大米", "spec": "25kg/袋", "unit": "袋", "category": ItemCategory.FOOD, "tracks_batches": True,
                "shelf_life_days": 180}
    return ItemFactory(school=school, **{**defaults, **kwargs})


def person_user(school, role=Role.KEEPER):
    """The school's persona of `role` when the `world` made one, else a new member."""
    member = Membership.objects.filter(school=school, role=role).select_related("user").first()
    if member:
        return member.user
    user = UserFactory()
    Membership.objects.create(user=user, school=school, role=role)
    return user


def stock(school, quantity=Decimal("10"), unit_cost=Decimal("2.50"), *, warehouse=None, item=None, by=None,
          **kwargs):
    """Receive `quantity` of an item into a warehouse of the school; returns the movement."""
    warehouse = warehouse or WarehouseFactory(school=school)
    item = item or ItemFactory(school=school)
    if item.tracks_batches:
        kwargs.setdefault("expires_on", datetime.date.today() + datetime.timedelta(days=90))
    return services.receive(warehouse=warehouse, item=item, quantity=quantity, unit_cost=unit_cost,
                            by=by or person_user(school), **kwargs)


def balance(school, **kwargs):
    movement = stock(school, **kwargs)
    return movement.warehouse.balances.get(item=movement.item)


def batch(school, **kwargs):
    kwargs.setdefault("item", food(school))
    return stock(school, **kwargs).batch


def movement(school, **kwargs):
    return stock(school, **kwargs)


def requisition(school, *, requested_by=None, lines=None, warehouse=None, purpose="六(3)班教学用", submit=False):
    """A draft requisition (one line of 粉笔 × 2 unless `lines`); `submit=True` sends it to approval."""
    requested_by = requested_by or person_user(school, Role.TEACHER)
    if warehouse is None:
        warehouse = WarehouseFactory(school=school)
    if lines is None:
        lines = [(ItemFactory(school=school), Decimal("2"), "")]
    req = services.create_requisition(school, by=requested_by, warehouse=warehouse, purpose=purpose, lines=lines,
                                      department="六(3)班")
    if submit:
        services.submit_requisition(req, by=requested_by)
        req.refresh_from_db()
    return req


def count(school, *, warehouse=None, month=None, by=None):
    """An open monthly count of a warehouse holding one item (10 × 2.50)."""
    warehouse = warehouse or WarehouseFactory(school=school)
    by = by or person_user(school)
    stock(school, warehouse=warehouse, by=by)
    return services.open_count(warehouse, by=by, month=month or datetime.date.today())



def partly_issued(school, *, requested_by=None, ordered=Decimal("10"), issued=Decimal("4")):
    """An approved requisition of 粉笔 × `ordered` (10 in stock at 5.00) of which `issued` went out."""
    from houqin.core.approvals import sign
    from houqin.core.models import ApprovalRequest

    warehouse, chalk = WarehouseFactory(school=school), ItemFactory(school=school, name="粉笔")
    stock(school, quantity=Decimal("10"), unit_cost=Decimal("5.00"), warehouse=warehouse, item=chalk)
    req = requisition(school, requested_by=requested_by, warehouse=warehouse, lines=[(chalk, ordered, "")],
                      submit=True)
    approval = ApprovalRequest.objects.filter(object_id=req.pk, policy="stock.requisition").latest("pk")
    sign(approval, by=person_user(school, Role.DIRECTOR), decision="approve")
    services.issue_requisition(req, by=person_user(school, Role.KEEPER), quantities={req.lines.get().pk: issued})
    req.refresh_from_db()
    return req
