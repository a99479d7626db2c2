"""Money: every amount is a Decimal in 元 with two places (分). One declaration for the fields,
one rounding, one way to show an amount and one way to write it in capitals (大写金额)."""

from decimal import ROUND_HALF_UP, Decimal

from django.db import models

MONEY = {"max_digits": 14, "decimal_places": 2}  # every amount in 元; `is_money` knows it by this
CENT = Decimal("0.01")
ZERO = Decimal("0.00")


def cents(value):
    """An amount rounded to 分 as accountants round (四舍五入); None and "" are 0.00."""
    return Decimal(value or 0).quantize(CENT, rounding=ROUND_HALF_UP)


def yuan(value):
    """An amount in 元 as accountants write it: thousands grouped, two decimals (28,102.00)."""
    if value is None or value == "":
        return "—"
    return f"{Decimal(value):,.2f}"


def is_money(field):
    """True for a model field holding an amount in 元 (declared with MONEY)."""
    return isinstance(field, models.DecimalField) and (field.max_digits, field.decimal_places) == (
        MONEY["max_digits"], MONEY["decimal_places"])


# --- 大写金额 ----------------------------------------------------------------------------------

DIGITS = "零壹贰叁肆伍陆柒捌玖"
SMALL_UNITS = ["", "拾", "佰", "仟"]
BIG_UNITS = ["", "万", "亿", "万亿"]


def _four(n):
    """A group of up to four digits in capitals, with inner zeros as 零 (e.g. 1005 壹仟零伍)."""
    out, zero = "", False
    for i in range(3, -1, -1):
        d = n // 10 ** i % 10
        if d == 0:
            zero = bool(out)
        else:
            out += ("零" if zero else "") + DIGITS[d] + SMALL_UNITS[i]
            zero = False
    return out


def _whole_yuan(whole):
    """The 元 part in capitals: groups of four digits with 万 / 亿 between them."""
    words, groups = "", []
    while whole:
        groups.append(whole % 10000)
        whole //= 10000
    for i in range(len(groups) - 1, -1, -1):
        group = groups[i]
        if group == 0:
            continue
        # a zero between groups (10005 壹万零伍) or a group below 1000 after a higher one
        if words and (group < 1000 or groups[i + 1] == 0):
            words += "零"
        words += _four(group) + BIG_UNITS[i]
    return words + "元" if words else ""


def capital_amount(amount):
    """An amount in Chinese capitals as written on vouchers (大写金额):
    1234.56 → 壹仟贰佰叁拾肆元伍角陆分; 1000 → 壹仟元整; 0.05 → 伍分; 10005 → 壹万零伍元整."""
    amount = cents(amount)
    if amount < 0:
        return "负" + capital_amount(-amount)
    whole, fraction = divmod(int(amount * 100), 100)
    jiao, fen = divmod(fraction, 10)
    words = _whole_yuan(whole)
    if not jiao and not fen:
        return (words or "零元") + "整"
    if jiao:
        words += DIGITS[jiao] + "角"
    elif words:
        words += "零"
    if fen:
        words += DIGITS[fen] + "分"
    return words
