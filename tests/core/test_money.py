"""One money module: amounts are rounded to 分 the way accountants round (四舍五入) wherever
they are computed, and written in capitals on vouchers."""

from decimal import Decimal

import pytest

from houqin.core.money import cents
from houqin.procurement.models import RequestLine
from houqin.stock.models import StockCountLine


@pytest.mark.parametrize(("value", "rounded"), [
    ("0.485", "0.49"), ("0.475", "0.48"), ("2.5", "2.50"), ("-0.125", "-0.13"), (None, "0.00"), ("", "0.00"),
])
def test_cents_rounds_half_up(value, rounded):
    assert cents(value) == Decimal(rounded)


def test_a_purchase_line_rounds_half_up_like_the_stock_ledger():
    """0.50 × 0.97 = 0.485: 0.49 as on the stock ledger, not 0.48 (banker's rounding)."""
    line = RequestLine(quantity=Decimal("0.50"), unit_price=Decimal("0.97"))
    assert line.amount == Decimal("0.49")


def test_a_count_lines_variance_value_rounds_half_up():
    line = StockCountLine(expected=Decimal("1.00"), counted=Decimal("0.50"), unit_cost=Decimal("0.97"))
    assert line.variance_value == Decimal("-0.49")
