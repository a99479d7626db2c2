"""The school calendar every app counts days by: national holidays (core.Holiday, with the
调休上班 weekend days made working days) and each school's terms (core.Term; the days outside
every term of a school are its vacations, and a school without terms has none)."""

import datetime
from dataclasses import dataclass, field

from .models import Holiday, Term

DAY = datetime.timedelta(days=1)


@dataclass
class Calendar:
    holidays: set = field(default_factory=set)
    workdays: set = field(default_factory=set)  # weekend days made working days (调休上班)
    terms: dict = field(default_factory=dict)  # school id -> [(starts_on, ends_on)]
    termed: set = field(default_factory=set)  # schools with any term, inside the range loaded or not

    @classmethod
    def load(cls, schools=None, start=None, end=None):
        """The calendar of `schools` (ids or rows; all when None), between start and end
        (every day when not given): two queries, three when a range is given."""
        cal = cls()
        holidays, terms = Holiday.objects.all(), Term.objects.all()
        if schools is not None:
            terms = terms.filter(school__in=schools)
        cal.termed = None
        if start is not None and end is not None:
            holidays = holidays.filter(date__range=(start, end))
            cal.termed = set(terms.values_list("school_id", flat=True).distinct())
            terms = terms.filter(starts_on__lte=end, ends_on__gte=start)
        for day, workday in holidays.values_list("date", "workday"):
            (cal.workdays if workday else cal.holidays).add(day)
        for school_id, starts, ends in terms.values_list("school_id", "starts_on", "ends_on"):
            cal.terms.setdefault(school_id, []).append((starts, ends))
        if cal.termed is None:
            cal.termed = set(cal.terms)
        return cal

    def is_holiday(self, day):
        return day in self.holidays

    def is_working(self, day):
        return (day.weekday() < 5 or day in self.workdays) and day not in self.holidays

    def term_of(self, school_id, day):
        return next(((s, e) for s, e in self.terms.get(school_id, ()) if s <= day <= e), None)

    def is_vacation(self, school_id, day):
        return school_id in self.termed and self.term_of(school_id, day) is None

    def off(self, school_id, day):
        return not self.is_working(day) or self.is_vacation(school_id, day)

    def school_days(self, school_id, start, end):
        """The working days in term between start and end, in order."""
        days, day = [], start
        while day <= end:
            if not self.off(school_id, day):
                days.append(day)
            day += DAY
        return days


def school_days(school, start, end):
    """The school's working days in term between start and end (a canteen's serving days)."""
    return Calendar.load([school.pk], start, end).school_days(school.pk, start, end)
