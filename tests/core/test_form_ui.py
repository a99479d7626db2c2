"""Issue 16 item 4: the form's own Chinese errors with a summary at the top that names and links
each field, and dates shown and entered as 2026-12-06."""

import datetime

import pytest
from django.utils import formats

from houqin.core import models
from tests.factories import TermFactory


@pytest.mark.django_db
def test_a_refused_form_leads_with_a_summary_naming_and_linking_each_field(world):
    response = world.client("director").post("/terms/add/", {"name": "", "starts_on": "2026-09-01",
                                                             "ends_on": "2026-08-01"})
    page = response.content.decode()
    assert response.status_code == 200
    summary = page[page.index("form-error-summary"):page.index("</ul>", page.index("form-error-summary"))]
    assert "请修改以下" in summary
    assert '<a href="#id_name" class="alert-link">学期</a>' in summary
    assert "结束日期不能早于开学日期" in summary
    assert page.index("form-error-summary") < page.index('id="id_name"')  # above the first field
    assert not models.Term.objects.exists()


def test_dates_read_and_parse_as_the_school_writes_them():
    day = datetime.date(2026, 12, 6)
    assert formats.date_format(day) == "2026-12-06"
    assert formats.date_format(datetime.datetime(2026, 12, 6, 8, 5), "DATETIME_FORMAT") == "2026-12-06 08:05"
    from django import forms

    field = forms.DateField()
    for written in ("2026-12-06", "2026/12/06", "2026年12月06日", "20261206"):
        assert field.clean(written) == day, written


@pytest.mark.django_db
def test_a_page_shows_a_date_as_2026_12_06(world):
    TermFactory(school=world.schools["a"], name="秋季", starts_on=datetime.date(2026, 9, 1),
                ends_on=datetime.date(2027, 1, 22))
    page = world.client("director").get("/terms/").content.decode()
    assert "2026-09-01" in page
    assert "2026年9月1日" not in page


@pytest.mark.django_db
def test_file_inputs_have_a_chinese_button_whatever_the_browsers_language(world):
    """Chromium in English labels its own file button "Choose Files": every file input is drawn
    as a Chinese 选择文件 button with the chosen names beside it (houqin.js fills them in)."""
    page = world.client("teacher").get("/maintenance/orders/add/").content.decode()
    picker = page[page.index('class="file-picker'):page.index("</div>", page.index('class="file-picker'))]
    assert "选择文件" in picker and "未选择文件" in picker
    assert 'type="file"' in picker and 'name="photos"' in picker and "multiple" in picker
    assert 'class="visually-hidden"' in picker and "data-file-picker" in picker
