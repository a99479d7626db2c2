"""Query parameters of the report pages and their API twins (?date=, ?start=, ?end=, ?year=):
one parser for dates and bounded integers. A page shows its default for a missing or bad value,
so an old bookmark keeps working; the API (strict=True) answers 400 with the Chinese message."""

import datetime

from django.core.exceptions import ValidationError


def date_param(params, name, default, *, strict=False):
    """The date in `params[name]` (YYYY-MM-DD), or `default` when it is missing."""
    text = params.get(name)
    if not text:
        return default
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        return _bad(strict, default, name, f"日期“{text}”格式不对，应为 YYYY-MM-DD")


def int_param(params, name, default, low, high, label="", *, strict=False):
    """The integer in `params[name]` between low and high, or `default` when it is missing."""
    text = params.get(name)
    if text in (None, ""):
        return default
    try:
        value = int(text)
    except ValueError:
        value = None
    if value is None or not low <= value <= high:
        return _bad(strict, default, name, f"{label or name}须为 {low}–{high} 的整数")
    return value


def _bad(strict, default, name, message):
    if strict:
        raise ValidationError({name: message})
    return default
