"""Scheduled work of the canteen app, run by `houqin tick`; each task is idempotent."""

import datetime

from django.urls import reverse

from houqin.core.choices import Role
from houqin.core.models import Membership, School
from houqin.core.services import notify
from houqin.core.tick import task

from . import board, services
from .models import CanteenWorker


def remind_gaps(today, now=None):
    """Notify the canteen manager and the director of each school of yesterday's and today's
    food-safety records missing or failed past their time; once per school, day and record
    (the notification's dedupe key). Returns how many notifications were created."""
    created = 0
    schools = School.objects.filter(pk__in=CanteenWorker.objects.values("school"))
    for school in schools:
        people = [m.user for m in Membership.objects.filter(school=school, role__in=[Role.CANTEEN, Role.DIRECTOR])
                  .select_related("user") if m.user.is_active]
        for day in board.days(school, today - datetime.timedelta(days=1), today, now):
            for entry in day.gaps(now):
                created += len(notify(
                    people, school=school, title=f"食品安全记录{entry.label}：{day.date:%m-%d} {entry.title}",
                    body=entry.detail, url=f"{reverse('canteen:board')}?date={day.date}",
                    dedupe_key=f"canteen:{school.pk}:{day.date}:{entry.key}"))
    return created


@task("canteen.food_safety")
def food_safety(today):
    """食品安全日管控提醒：昨天和今天已过时间仍缺记录或不合格的项目通知食堂管理员和总务主任。"""
    return f"新发通知 {remind_gaps(today)} 条"


@task("canteen.menu")
def menu_reminder(today):
    """带量食谱公示提醒：下周食谱到了应公示的时间仍未公示的，通知食堂管理员和总务主任（每校每周一次）。"""

    created = 0
    for school in School.objects.filter(pk__in=CanteenWorker.objects.values("school")):
        start = services.menu_overdue(school, today)
        if start is None:
            continue
        people = [m.user for m in Membership.objects.filter(school=school, role__in=[Role.CANTEEN, Role.DIRECTOR])
                  .select_related("user") if m.user.is_active]
        created += len(notify(people, school=school, title=f"{start:%m-%d} 起一周的带量食谱尚未公示",
                              url=reverse("canteen:weekmenu_list"), dedupe_key=f"canteen:menu:{school.pk}:{start}"))
    return f"新发通知 {created} 条"
