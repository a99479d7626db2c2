"""core.calendar: the school days every app counts by."""

import datetime

import pytest

from houqin.core.calendar import Calendar, school_days
from houqin.core.models import Holiday, Term

pytestmark = pytest.mark.django_db

D = datetime.date


def test_weekends_holidays_and_make_up_days(world):
    school = world.schools["a"]  # no terms: no vacations
    Holiday.objects.update_or_create(date=D(2031, 10, 1), defaults={"name": "国庆", "workday": False})
    Holiday.objects.update_or_create(date=D(2031, 10, 11), defaults={"name": "国庆调休", "workday": True})
    days = school_days(school, D(2031, 9, 29), D(2031, 10, 12))
    assert D(2031, 10, 1) not in days  # a Wednesday, but 国庆
    assert D(2031, 10, 11) in days  # a Saturday made a working day
    assert D(2031, 10, 4) not in days and D(2031, 10, 12) not in days  # weekend
    assert D(2031, 9, 29) in days


def test_the_days_outside_every_term_are_vacation_even_when_no_term_touches_the_range(world):
    school = world.schools["a"]
    Term.objects.create(school=school, name="2031秋", starts_on=D(2031, 9, 1), ends_on=D(2032, 1, 20))
    assert school_days(school, D(2032, 2, 2), D(2032, 2, 6)) == []  # 寒假: only the range is loaded
    assert len(school_days(school, D(2031, 9, 1), D(2031, 9, 5))) == 5
    other = world.schools["b"]  # no terms at all
    assert len(school_days(other, D(2032, 2, 2), D(2032, 2, 6))) == 5


def test_the_whole_calendar_and_a_range_agree(world):
    school = world.schools["a"]
    Term.objects.create(school=school, name="2031秋", starts_on=D(2031, 9, 1), ends_on=D(2032, 1, 20))
    start, end = D(2031, 12, 20), D(2032, 2, 10)
    assert Calendar.load().school_days(school.pk, start, end) == school_days(school, start, end)
