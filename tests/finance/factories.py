"""Factories of the finance app. Lines, charges, entries and closes are written directly (one
history row each) for the contracts; `approved_line` walks a line through the approval engine."""

import datetime
from decimal import Decimal

import factory
from factory.django import DjangoModelFactory

from houqin.core import approvals
from houqin.core.choices import Decision, Role
from houqin.finance import models, services
from houqin.finance.choices import Account, BudgetStatus, Category, Direction
from tests.factories import SchoolFactory
from tests.procurement.factories import PurchaseRequestFactory
from tests.stock.factories import person_user

TODAY = datetime.date.today


def user(school, role=Role.ACCOUNTANT):
    return person_user(school, role)


class BudgetLineFactory(DjangoModelFactory):
    class Meta:
        model = models.BudgetLine

    school = factory.SubFactory(SchoolFactory)
    year = factory.LazyFunction(lambda: TODAY().year)
    category = Category.OFFICE
    name = factory.Sequence(lambda n: f"办公用品{n}")
    amount = Decimal("10000.00")
    created_by = factory.LazyAttribute(lambda o: user(o.school))


class RequestChargeFactory(DjangoModelFactory):
    class Meta:
        model = models.RequestCharge

    school = factory.SubFactory(SchoolFactory)
    request = factory.SubFactory(PurchaseRequestFactory, school=factory.SelfAttribute("..school"))
    line = factory.SubFactory(BudgetLineFactory, school=factory.SelfAttribute("..school"),
                              status=BudgetStatus.APPROVED)
    created_by = factory.LazyAttribute(lambda o: user(o.school))


class JournalEntryFactory(DjangoModelFactory):
    class Meta:
        model = models.JournalEntry

    school = factory.SubFactory(SchoolFactory)
    occurred_on = factory.LazyFunction(TODAY)
    direction = Direction.SPENDING
    account = Account.BANK
    category = Category.OFFICE
    amount = Decimal("120.50")
    summary = factory.Sequence(lambda n: f"购粉笔 {n}")
    created_by = factory.LazyAttribute(lambda o: user(o.school))


class MonthCloseFactory(DjangoModelFactory):
    class Meta:
        model = models.MonthClose

    school = factory.SubFactory(SchoolFactory)
    year = factory.Sequence(lambda n: 2000 + n // 12)
    month = factory.Sequence(lambda n: n % 12 + 1)
    closed_by = factory.LazyAttribute(lambda o: user(o.school))


def approved_line(school, amount="10000.00", *, name="公用经费", category=Category.MATERIALS, year=None):
    """A line drafted and submitted by the accountant and signed by every step of its approval."""
    line = services.save_line(models.BudgetLine(school=school, year=year or TODAY().year, category=category,
                                                name=name, amount=Decimal(amount)), by=user(school))
    services.submit_line(line, by=user(school))
    approval = approvals.latest(line)
    while approval.status == "pending":
        approvals.sign(approval, by=user(school, approval.current_step["roles"][0]), decision=Decision.APPROVE)
        approval.refresh_from_db()
    line.refresh_from_db()
    return line


def entry(school, amount="100.00", *, line=None, direction=Direction.SPENDING, category=None, on=None, **kwargs):
    """A journal entry written through the service by the accountant."""
    category = category or (line.category if line else
                            Category.APPROPRIATION if direction == Direction.INCOME else Category.OFFICE)
    return services.record_entry(models.JournalEntry(
        school=school, occurred_on=on or TODAY(), direction=direction, account=Account.BANK, category=category,
        budget_line=line, amount=Decimal(amount), summary=kwargs.pop("summary", "测试流水"), **kwargs),
        by=user(school))
