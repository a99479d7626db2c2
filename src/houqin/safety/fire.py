"""Fire equipment (消防器材): the checks of each period made once by `houqin tick` (monthly in
an ordinary place, half-monthly in a 人员密集场所 / 锅炉房 / 地下室: the school's settings, §5
X3 GB 50444 5.2.1/5.2.2), the check on a phone (合格, or a problem that opens a hazard through
services.report), the 漏检 of a period gone by, and what is red: 送修 and 报废 due (§5 X3)."""

import calendar
import datetime
from collections import Counter

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from houqin.core.choices import Role
from houqin.core.models import School
from houqin.core.rules import require
from houqin.core.services import holders, notify

from . import services
from .choices import CheckStatus, Level, Measure, Source
from .models import FireCheck, FireEquipment, Hazard, SafetySettings, fire_red_q


def checks_per_month(equipment, settings):
    return settings.fire_checks_per_month_dense if equipment.dense_place else settings.fire_checks_per_month


def period_of(day, per_month):
    """(start, end) of the check period holding `day`: the month cut into `per_month` equal spans."""
    days = calendar.monthrange(day.year, day.month)[1]
    starts = [1 + i * days // per_month for i in range(per_month)] + [days + 1]
    for a, b in zip(starts, starts[1:], strict=False):
        if a <= day.day < b:
            return day.replace(day=a), day.replace(day=b - 1)
    raise AssertionError(day)


def create_due_checks(today):
    """The check of the current period of every piece of equipment in use, each once (the
    unique constraint guards a concurrent run). Returns how many were created."""
    equipment = list(FireEquipment.objects.filter(active=True).select_related("school__safetysettings"))
    existing = set(FireCheck.objects.filter(due_by__gte=today, period_start__lte=today)
                   .values_list("equipment_id", "period_start"))
    created = 0
    for item in equipment:
        start, end = period_of(today, checks_per_month(item, SafetySettings.of(item.school)))
        if (item.pk, start) in existing:
            continue
        try:
            with transaction.atomic():
                FireCheck.objects.create(school=item.school, equipment=item, period_start=start, due_by=end)
        except IntegrityError:
            continue
        created += 1
    return created


def mark_missed(today):
    """Checks whose period ended undone become 漏检; the director is told once a school a day."""
    missed = FireCheck.objects.filter(status=CheckStatus.OPEN, due_by__lt=today)
    by_school = Counter(missed.values_list("school_id", flat=True))
    count = missed.update(status=CheckStatus.MISSED, updated_at=timezone.now())

    for school in School.objects.filter(pk__in=by_school):
        notify(holders(school, [Role.DIRECTOR]), school=school,
               title=f"消防器材漏检 {by_school[school.pk]} 项", url="/safety/fire/checks/?status=missed",
               dedupe_key=f"firecheck-missed:{school.pk}:{today:%Y%m%d}")
    return count


@transaction.atomic
def check(fire_check, *, by, ok, note="", level=Level.GENERAL, measure=Measure.NONE, photos=()):
    """Record a check: 合格, or a problem (with its note) that opens a hazard at the equipment's place."""
    fire_check = FireCheck.objects.select_for_update(of=("self",)).select_related(
        "equipment__room__building", "school").get(pk=fire_check.pk)
    require(by, "check", fire_check)
    if fire_check.status != CheckStatus.OPEN:
        raise ValidationError(f"该检查当前状态为“{fire_check.get_status_display()}”，不能再登记")
    if fire_check.period_start > timezone.localdate():
        raise ValidationError("还没到检查周期")
    note = (note or "").strip()[:300]
    if not ok and not note:
        raise ValidationError({"note": "有问题的，请写明情况"})
    item = fire_check.equipment
    if not ok:
        hazard = Hazard(school=fire_check.school, source=Source.CHECK, level=level or Level.GENERAL,
                        measure=measure or Measure.NONE, room=item.room, place=item.place[:100] or
                        ("" if item.room_id else str(item)), description=f"消防器材检查：{item}——{note}"[:1000])
        fire_check.hazard = services.report(hazard, by=by, photos=photos)
    fire_check.status = CheckStatus.OK if ok else CheckStatus.PROBLEM
    fire_check.note, fire_check.done_by, fire_check.done_at = note, by, timezone.now()
    fire_check.save()
    return fire_check


def red_items(equipment, checks, today, limit=8):
    """The director's red items: 送修 / 报废 due, checks missed or found faulty and not yet
    fixed. `equipment` and `checks` are the visible rows; two queries."""
    due = equipment.filter(fire_red_q(today)).select_related("room__building").order_by("scrap_due_on", "pk")
    bad = checks.filter(Q(status=CheckStatus.MISSED, due_by__gte=today - datetime.timedelta(days=31))
                        | Q(status=CheckStatus.PROBLEM, hazard__status__in=("reported", "assigned", "rectified"))
                        ).select_related("equipment")
    return list(due[:limit]), list(bad.order_by("-due_by", "pk")[:limit])
