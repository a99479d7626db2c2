"""When a patrol route is due, on the school calendar (core.calendar: holidays, 调休上班 days,
terms and vacations) and the route's frequency:

- daily / 重点部位 / nightly: every working day (every day when the route says 节假日照常);
  重点部位 several rounds a day, the route's number or the school's setting (S2: ≥5 a day);
- weekly: on the route's weekday (skipped on a holiday unless the route says so);
- termly: the school's number of checks a term (宁波 [L]: ≥2), the term cut into that many equal
  spans, each check on the first working day of its span.

Vacations are skipped unless the route says 寒暑假照常 (a school without terms has none).
"""

import datetime

from houqin.core.calendar import DAY, Calendar

from .choices import Frequency


def rounds(route, settings):
    if route.frequency != Frequency.KEY:
        return 1
    return route.rounds or settings.key_rounds_per_day


def _open(route, day, cal):
    if cal.is_vacation(route.school_id, day) and not route.in_vacations:
        return False
    return route.on_holidays or cal.is_working(day)


def _first_open_from(route, start, until, cal):
    day = start
    while day <= until:
        if _open(route, day, cal):
            return day
        day += DAY
    return None


def term_anchors(start, end, count):
    """The first day of each of `count` equal spans of the term [start, end]."""
    length = (end - start).days + 1
    count = max(1, min(count, length))
    return [start + datetime.timedelta(days=i * length // count) for i in range(count)] + [end + DAY]


def is_due(route, day, cal, settings):
    """True when `route` has patrols on `day`."""
    if not route.active or day < route.starts_on:
        return False
    f = route.frequency
    if f in (Frequency.DAILY, Frequency.KEY, Frequency.NIGHTLY):
        return _open(route, day, cal)
    if f == Frequency.WEEKLY:
        return day.weekday() == route.weekday and _open(route, day, cal) and (
            route.on_holidays or not cal.is_holiday(day))
    if f == Frequency.TERMLY:
        term = cal.term_of(route.school_id, day)
        if term is None:
            return False
        anchors = term_anchors(*term, settings.term_checks)
        return any(a <= day < b and _first_open_from(route, a, day, cal) == day
                   for a, b in zip(anchors, anchors[1:], strict=False))
    return False


def due_dates(route, start, end, settings, cal=None):
    cal = cal or Calendar.load([route.school_id])
    days, day = [], start
    while day <= end:
        if is_due(route, day, cal, settings):
            days.append(day)
        day += DAY
    return days
