"""The one parser of report query parameters: pages fall back to their default, the API
answers with a Chinese message naming the parameter."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from houqin.core.params import date_param, int_param

DEFAULT = datetime.date(2026, 9, 1)


def test_date_param_reads_iso_dates_and_falls_back_on_pages():
    assert date_param({"start": "2026-03-05"}, "start", DEFAULT) == datetime.date(2026, 3, 5)
    assert date_param({}, "start", DEFAULT) == DEFAULT
    assert date_param({"start": ""}, "start", DEFAULT) == DEFAULT
    assert date_param({"start": "2026-13-40"}, "start", DEFAULT) == DEFAULT


def test_date_param_strict_says_what_is_wrong_in_chinese():
    with pytest.raises(ValidationError) as error:
        date_param({"end": "昨天"}, "end", DEFAULT, strict=True)
    assert error.value.message_dict == {"end": ["日期“昨天”格式不对，应为 YYYY-MM-DD"]}


def test_int_param_bounds():
    assert int_param({"days": "30"}, "days", 7, 0, 365) == 30
    assert int_param({"days": "999"}, "days", 7, 0, 365) == 7
    assert int_param({"days": "x"}, "days", 7, 0, 365) == 7
    with pytest.raises(ValidationError) as error:
        int_param({"days": "-1"}, "days", 7, 0, 365, "天数", strict=True)
    assert error.value.message_dict == {"days": ["天数须为 0–365 的整数"]}
