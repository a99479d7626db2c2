"""Quantities are shown as people write them: 10, 2.5, 0.25 — never 1E+1, which is what
Decimal.normalize() alone gives for 10.00 (seen on requisitions, orders and count sheets)."""

from decimal import Decimal

import pytest
from django.template import Context, Template

from houqin.core.templatetags.houqin import qty


@pytest.mark.parametrize(("value", "shown"), [
    (Decimal("10.00"), "10"), (Decimal("100"), "100"), (Decimal("2.50"), "2.5"), (Decimal("0.25"), "0.25"),
    (Decimal("0"), "0"), (Decimal("1200.000"), "1200"), (3, "3"),
])
def test_quantities_have_no_trailing_zeros_and_no_exponent(value, shown):
    assert qty(value) == shown


def test_a_missing_quantity_stays_missing_for_default_if_none():
    rendered = Template("{% load houqin %}[{{ v|qty|default_if_none:'' }}]").render(Context({"v": None}))
    assert rendered == "[]"


def test_no_template_shows_a_quantity_through_normalize():
    from pathlib import Path

    from django.conf import settings

    offenders = [str(p) for p in Path(settings.BASE_DIR).rglob("*.html") if ".normalize" in p.read_text("utf-8")]
    assert offenders == []
