"""Drills and training (演练与培训): the term's count against what §5 requires — an evacuation
drill every month (X4: 中小学每月≥1次, the school's setting), fire drills each term (X2 第40条,
the school's setting), evacuation within the school's time (X4: ≤2分钟 for schools under four
storeys) — and the staff's safety training (X2 第36条: 每名员工每年≥1次)."""

import datetime

from django.db.models import Count

from houqin.core.models import Person

from .choices import DrillKind


def months_of(start, end):
    month, found = start.replace(day=1), []
    while month <= end:
        found.append(month)
        month = (month + datetime.timedelta(days=32)).replace(day=1)
    return found


def term_summary(term, drills, trainings, settings, today):
    """The term's drills and trainings against the requirement. `drills` and `trainings` are
    the school's visible rows; four queries whatever the term holds."""
    start, end = term.starts_on, term.ends_on
    held = list(drills.filter(held_on__range=(start, min(end, today))).order_by("held_on", "pk"))
    planned = list(drills.filter(held_on__gt=today, held_on__range=(start, end)).order_by("held_on", "pk"))
    per_month = []
    for month in months_of(start, end):
        n = sum(1 for d in held if d.kind == DrillKind.EVACUATION and (d.held_on.year, d.held_on.month) ==
                (month.year, month.month))
        past = month <= today.replace(day=1)
        per_month.append({"month": month, "held": n, "required": settings.evacuation_drills_per_month,
                          "met": n >= settings.evacuation_drills_per_month, "past": past,
                          "short": past and month < today.replace(day=1) and n < settings.evacuation_drills_per_month})
    fire = sum(1 for d in held if d.kind == DrillKind.FIRE)
    slow = [d for d in held if d.evacuation_seconds and d.evacuation_seconds > settings.evacuation_seconds]
    sessions = trainings.filter(held_on__range=(start, end))
    attended = Person.objects.filter(pk__in=sessions.values("attendees")).count()
    staff = Person.objects.filter(school=term.school_id, active=True).count()
    return {
        "term": term, "held": held, "planned": planned, "months": per_month,
        "evacuations": sum(m["held"] for m in per_month),
        "evacuations_required": settings.evacuation_drills_per_month * len(per_month),
        "months_short": [m for m in per_month if m["short"]],
        "fire": fire, "fire_required": settings.fire_drills_per_term, "slow": slow,
        "limit": settings.evacuation_seconds,
        "trainings": list(sessions.annotate(n=Count("attendees")).order_by("held_on", "pk")),
        "attended": attended, "staff": staff,
    }
