"""Preventive plans follow the school calendar; `houqin tick` makes each due task once; a
faulty checklist item opens a work order."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from houqin.core.choices import Role
from houqin.core.models import Term
from houqin.maintenance import services
from houqin.maintenance.models import PreventivePlan, PreventiveTask, WorkOrder
from houqin.maintenance.schedule import due_dates

from .factories import PreventivePlanFactory, PreventiveTaskFactory
from .helpers import person, seed_holidays

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture
def school(world):
    seed_holidays()
    a = world.schools["a"]
    Term.objects.create(school=a, name="2026年春季学期", starts_on=D(2026, 3, 2), ends_on=D(2026, 7, 10))
    Term.objects.create(school=a, name="2026年秋季学期", starts_on=D(2026, 9, 1), ends_on=D(2027, 1, 22))
    return a


def plan(school, **kwargs):
    return PreventivePlanFactory(school=school, **kwargs)


def tick(day):
    call_command("tick", "--date", day.isoformat(), "--only", "maintenance.preventive", stdout=io.StringIO())


def test_tick_twice_the_same_day_creates_each_task_once(school, world):
    toys = plan(school, name="每周一检查大型玩具、体育器材", weekday=0, assignee=person(world, Role.WORKER))
    fans = plan(school, name="每月初检查电扇", recurrence="monthly", day_of_month=7)
    plan(school, name="每周五检查照明", weekday=4)
    monday = D(2026, 9, 7)
    tick(monday)
    tick(monday)
    assert sorted(PreventiveTask.objects.values_list("plan__name", flat=True)) == sorted([toys.name, fans.name])
    assert PreventiveTask.objects.filter(plan=toys, due_on=monday).count() == 1
    # the assignee is told once
    assert world.user(Role.WORKER).notifications.filter(title__contains=toys.name).count() == 1


def test_weekly_plan_skips_the_national_day_holiday(school):
    toys = plan(school, weekday=0)
    assert due_dates(toys, D(2026, 9, 28), D(2026, 10, 12)) == [D(2026, 9, 28), D(2026, 10, 12)]
    tick(D(2026, 10, 5))  # Monday in the National Day holiday
    assert not PreventiveTask.objects.exists()
    anyway = plan(school, weekday=0, on_holidays=True, name="节假日照常")
    tick(D(2026, 10, 5))
    assert list(PreventiveTask.objects.values_list("plan", flat=True)) == [anyway.pk]


def test_vacations_are_skipped_unless_the_plan_says_so(school, world):
    weekly = plan(school, weekday=0)
    assert due_dates(weekly, D(2026, 7, 6), D(2026, 9, 7)) == [D(2026, 7, 6), D(2026, 9, 7)]
    summer = plan(school, weekday=0, in_vacations=True, name="假期护校检查")
    assert D(2026, 8, 17) in due_dates(summer, D(2026, 8, 1), D(2026, 8, 31))
    # a school without terms has no vacations
    other = PreventivePlanFactory(school=world.schools["b"], weekday=0)
    assert D(2026, 8, 17) in due_dates(other, D(2026, 8, 1), D(2026, 8, 31))


def test_monthly_and_half_monthly_move_to_the_first_working_day(school):
    fans = plan(school, recurrence="monthly", day_of_month=1)
    assert due_dates(fans, D(2026, 9, 1), D(2026, 11, 30)) == [D(2026, 9, 1), D(2026, 10, 8), D(2026, 11, 2)]
    half = plan(school, recurrence="half_monthly", day_of_month=1, name="设施半月一检查")
    assert due_dates(half, D(2026, 9, 1), D(2026, 9, 30)) == [D(2026, 9, 1), D(2026, 9, 16)]


def test_termly_before_summer_and_before_vacation(school):
    termly = plan(school, recurrence="termly", name="每学期检查")
    assert due_dates(termly, D(2026, 1, 1), D(2026, 12, 31)) == [D(2026, 3, 2), D(2026, 9, 1)]
    aircon = plan(school, recurrence="before_summer", summer_month=5, name="进入夏季前清洗空调")
    assert due_dates(aircon, D(2026, 1, 1), D(2026, 12, 31)) == [D(2026, 4, 1)]
    power = plan(school, recurrence="before_vacation", name="放假前检查电脑及电源关闭")
    assert due_dates(power, D(2026, 9, 1), D(2026, 10, 31)) == [D(2026, 9, 24), D(2026, 9, 30)]
    assert D(2027, 1, 22) in due_dates(power, D(2027, 1, 1), D(2027, 1, 31))


def test_seed_plans_are_installed_once(school, world):
    assert len(services.install_seed_plans(school)) == 8
    assert services.install_seed_plans(school) == []
    names = set(PreventivePlan.objects.filter(school=school).values_list("name", flat=True))
    assert {"每周一检查大型玩具、体育器材", "每月初检查电扇", "进入夏季前清洗空调", "设施半月一检查"} <= names
    response = world.client(Role.DIRECTOR).post(reverse("maintenance:plan_install_seeds"))
    assert response.status_code == 302
    assert world.client(Role.WORKER).post(reverse("maintenance:plan_install_seeds")).status_code == 403


def test_faulty_item_opens_a_work_order_from_the_page(world):
    task = PreventiveTaskFactory(school=world.schools["a"])
    client = world.client(Role.WORKER)
    page = client.get(task.get_absolute_url())
    assert page.status_code == 200 and "教室灯管正常" in page.content.decode()
    response = client.post(task.get_absolute_url(), {"fault-plan-0": "on", "note-plan": "2楼走廊灯不亮",
                                                     "category-plan": "power"})
    assert response.status_code == 302
    task.refresh_from_db()
    assert task.status == "done" and task.results[0] == {"target": "plan", "label": "整体", "item": "教室灯管正常",
                                                         "ok": False, "note": "2楼走廊灯不亮"}
    order = WorkOrder.objects.get(task=task)
    assert order.category == "power" and order.reporter == world.user(Role.WORKER)
    assert client.post(task.get_absolute_url(), {}).status_code == 302  # done already: a message, nothing new
    assert WorkOrder.objects.count() == 1
    assert world.client(Role.TEACHER).post(task.get_absolute_url(), {}).status_code == 403


def test_task_pages_are_scoped(world):
    mine, theirs = PreventiveTaskFactory(school=world.schools["a"]), PreventiveTaskFactory(school=world.schools["c"])
    client = world.client(Role.WORKER)
    ids = {t.pk for t in client.get(reverse("maintenance:preventivetask_list")).context["object_list"]}
    assert ids == {mine.pk}
    assert client.get(theirs.get_absolute_url()).status_code == 404
    assert client.post(theirs.get_absolute_url(), {"fault-plan-0": "on"}).status_code == 404
    assert world.client(Role.TEACHER).get(mine.get_absolute_url()).status_code == 403
    assert world.client(Role.DISTRICT_OFFICER).get(mine.get_absolute_url()).status_code == 200
    assert client.post(reverse("maintenance:preventivetask_delete", args=[mine.pk])).status_code == 403


def test_plan_detail_shows_upcoming_dates(world, school):
    p = plan(school, weekday=0)
    response = world.client(Role.DIRECTOR).get(p.get_absolute_url())
    assert response.status_code == 200 and len(response.context["upcoming"]) >= 1
