"""When a preventive plan is due, following the school calendar (core.calendar: holidays,
调休上班 working days, terms and vacations) and the plan's recurrence.

- weekly: on the plan's weekday, skipped on a holiday or in a vacation (unless the plan says so);
- half-monthly / monthly: the first working day on or after the plan's day of the month (and
  that day + 15 for half-monthly);
- termly: the first working day of each term;
- before summer: the first working day of the month before the summer month;
- before each vacation: the last working day before a break of three or more days off
  (寒暑假, 国庆, 春节, 五一 …).
"""

import datetime

from houqin.core import calendar
from houqin.core.calendar import DAY

from .choices import Recurrence


class Calendar(calendar.Calendar):
    """The school calendar, and the days on which a plan may run."""

    def allowed(self, plan, day):
        if day < plan.starts_on:
            return False
        if self.is_holiday(day) and not plan.on_holidays:
            return False
        return plan.in_vacations or not self.is_vacation(plan.school_id, day)

    def open_day(self, plan, day):
        """A working day on which the plan may run."""
        return self.is_working(day) and self.allowed(plan, day)

    def first_open_from(self, plan, start, until):
        day = start
        while day <= until:
            if self.open_day(plan, day):
                return day
            day += DAY
        return None


def _month_end(day):
    nxt = (day.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
    return nxt - DAY


def is_due(plan, day, cal):
    """True when `plan` has a task on `day`."""
    r = plan.recurrence
    if r == Recurrence.WEEKLY:
        return day.weekday() == plan.weekday and cal.allowed(plan, day)
    if r in (Recurrence.MONTHLY, Recurrence.HALF_MONTHLY):
        dom = min(max(plan.day_of_month, 1), 28)
        anchors = [(day.replace(day=dom), _month_end(day))]
        if r == Recurrence.HALF_MONTHLY:
            second = min(dom + 15, 28 + 15)
            first_end = day.replace(day=second - 1) if second - 1 <= _month_end(day).day else _month_end(day)
            anchors = [(day.replace(day=dom), first_end)]
            if second <= _month_end(day).day:
                anchors.append((day.replace(day=second), _month_end(day)))
        return any(start <= day <= end and cal.first_open_from(plan, start, day) == day for start, end in anchors)
    if r == Recurrence.TERMLY:
        starts = [s for s, _ in cal.terms.get(plan.school_id, ())] or [
            datetime.date(day.year, 3, 1), datetime.date(day.year, 9, 1)]
        return any(s <= day <= s + datetime.timedelta(days=31) and cal.first_open_from(plan, s, day) == day
                   for s in starts)
    if r == Recurrence.BEFORE_SUMMER:
        month = max(plan.summer_month - 1, 1)
        start = datetime.date(day.year, month, 1)
        return start <= day <= _month_end(start) and cal.first_open_from(plan, start, day) == day
    if r == Recurrence.BEFORE_VACATION:
        if not cal.open_day(plan, day):
            return False
        return all(cal.off(plan.school_id, day + DAY * i) for i in (1, 2, 3))
    return False


def due_dates(plan, start, end, cal=None):
    """The plan's due days from `start` to `end` (inclusive)."""
    cal = cal or Calendar.load([plan.school_id])
    days, day = [], start
    while day <= end:
        if is_due(plan, day, cal):
            days.append(day)
        day += DAY
    return days
