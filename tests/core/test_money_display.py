"""Amounts in 元 are shown as accountants write them — thousands grouped, two decimals —
on lists, detail pages and in the change history; quantities and unit costs are not."""

import re
from decimal import Decimal

import pytest
from django.urls import reverse

from houqin.core.choices import Role
from houqin.core.models import School
from houqin.core.money import is_money, yuan
from houqin.procurement.models import PurchaseRequest, RequestLine
from houqin.stock.models import StockCountLine

from ..procurement.factories import PurchaseRequestFactory


@pytest.mark.parametrize(("value", "shown"), [
    (Decimal("28102.00"), "28,102.00"),
    (Decimal("999.99"), "999.99"),
    (Decimal("1000"), "1,000.00"),
    (Decimal("-1234567.5"), "-1,234,567.50"),
    (Decimal("0"), "0.00"),
    ("46046.00", "46,046.00"),  # an amount already serialised
    (None, "—"),
])
def test_yuan(value, shown):
    assert yuan(value) == shown


def test_money_fields_are_known_by_their_declaration():
    assert is_money(PurchaseRequest._meta.get_field("amount"))
    assert is_money(School._meta.get_field("principal_threshold"))
    assert not is_money(RequestLine._meta.get_field("quantity"))
    assert not is_money(StockCountLine._meta.get_field("unit_cost"))  # four decimals: a moving average


def test_list_detail_and_history_group_the_thousands(world):
    request = PurchaseRequestFactory(school=world.schools["a"], amount=Decimal("12345.60"))
    client = world.client(Role.DIRECTOR)
    listed = client.get(reverse("procurement:purchaserequest_list")).content.decode()
    # right-aligned (the cell also carries its phone-card role and label)
    assert re.search(r'<td class="[^"]*\btext-end"[^>]*>12,345.60</td>', listed) and "12345.60" not in listed
    assert '<th class="text-end">预算金额(元)</th>' in listed
    request.amount = Decimal("23456.70")
    request.save()
    shown = client.get(reverse("procurement:purchaserequest_detail", args=[request.pk])).content.decode()
    assert "23,456.70" in shown and "12,345.60" in shown  # the amount, and its change in the history
