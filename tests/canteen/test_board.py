"""The daily compliance board (今日食品安全): each required record done / missing / failed with
who and when; the director's home page; `houqin tick` reminds once."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from houqin.canteen import board, services
from houqin.canteen.choices import BoardStatus as S
from houqin.canteen.models import AccompaniedMeal, Disinfection, KitchenCheck, MorningCheck, SampleRecord
from houqin.canteen.tick import remind_gaps
from houqin.core.choices import Role
from houqin.core.models import Holiday, Notification

from .factories import CanteenWorkerFactory, MealFactory

pytestmark = pytest.mark.django_db
MONDAY = datetime.date(2026, 11, 16)
EVENING = timezone.make_aware(datetime.datetime(2026, 11, 16, 20, 0))


def statuses(school, day=MONDAY, now=EVENING):
    return {e.key: e.status for e in board.day(school, day, now).entries}


def complete_the_day(world, school, day=MONDAY, skip=()):
    """Every record of a lunch-only day, through the services, but those named in `skip`."""
    by = world.user(Role.CANTEEN)
    workers = [CanteenWorkerFactory(school=school) for _ in range(2)]
    person = workers[0].person
    at = timezone.make_aware(datetime.datetime.combine(day, datetime.time(11, 40)))
    for w in workers:
        services.record_check(MorningCheck(school=school, worker=w, date=day, temperature=Decimal("36.5")), by=by)
    meal = MealFactory(school=school, date=day, dishes="熘肉段\n紫菜蛋花汤")
    dishes = [d for d in meal.dish_list() if "sample" not in skip or d != "紫菜蛋花汤"]
    for dish in dishes:
        services.record_sample(SampleRecord(school=school, meal=meal, dish=dish, weight_grams=150, sampled_at=at,
                                            cabinet_temperature=Decimal("4"), sampled_by=person), by=by)
    services.record_disinfection(Disinfection(school=school, date=day, meal="lunch", method="steam",
                                              temperature=100, seconds=900, done_by=person, done_at=at), by=by)
    for kind in ("hygiene", "cold"):
        services.record_kitchen_check(KitchenCheck(school=school, date=day, kind=kind, checked_by=person,
                                                   fridge_temperature=4, freezer_temperature=-20, checked_at=at), by=by)
    services.record_accompanied(AccompaniedMeal(school=school, date=day, meal="lunch", companion_kind="leader",
                                                person=world.user(Role.PRINCIPAL).people.get()), by=by)
    return workers, meal


def test_a_serving_day_requires_each_record(world):
    CanteenWorkerFactory(school=world.schools["a"])
    assert statuses(world.schools["a"]) == {
        "morning": S.MISSING, "sample:lunch": S.MISSING, "disinfection:lunch": S.MISSING,
        "accompanied:lunch": S.MISSING, "check:hygiene": S.MISSING, "check:cold": S.MISSING}


def test_the_board_turns_from_missing_to_done_with_who_and_when(world):
    workers, _meal = complete_the_day(world, world.schools["a"])
    day = board.day(world.schools["a"], MONDAY, EVENING)
    assert day.status == S.DONE and {e.status for e in day.entries} == {S.DONE}
    sample = next(e for e in day.entries if e.key == "sample:lunch")
    assert sample.who == workers[0].person.name and sample.when == "11:40" and "2/2" in sample.detail


def test_a_meal_with_an_unsampled_dish_shows_missing_naming_it(world):
    complete_the_day(world, world.schools["a"], skip=("sample",))
    entry = next(e for e in board.day(world.schools["a"], MONDAY, EVENING).entries if e.key == "sample:lunch")
    assert entry.status == S.MISSING and "紫菜蛋花汤" in entry.detail


def test_off_duty_worker_is_a_done_check_and_named(world):
    worker = CanteenWorkerFactory(school=world.schools["a"])
    services.record_check(MorningCheck(school=world.schools["a"], worker=worker, date=MONDAY,
                                       temperature=Decimal("36.5"), diarrhea=True), by=world.user(Role.CANTEEN))
    entry = next(e for e in board.day(world.schools["a"], MONDAY, EVENING).entries if e.key == "morning")
    assert entry.status == S.DONE and f"离岗：{worker.person.name}（腹泻）" in entry.detail


def test_disinfection_below_parameters_shows_failed(world):
    person = CanteenWorkerFactory(school=world.schools["a"]).person
    services.record_disinfection(Disinfection(school=world.schools["a"], date=MONDAY, meal="lunch",
                                              method="dishwasher", temperature=70, seconds=40, done_by=person),
                                 by=world.user(Role.CANTEEN))
    assert statuses(world.schools["a"])["disinfection:lunch"] == S.FAILED


def test_items_before_their_meal_ends_are_pending_not_missing(world):
    CanteenWorkerFactory(school=world.schools["a"])
    morning = timezone.make_aware(datetime.datetime(2026, 11, 16, 9, 0))
    assert set(statuses(world.schools["a"], now=morning).values()) == {S.PENDING}


def test_weekends_holidays_and_vacations_are_not_serving_days(world):
    Holiday.objects.update_or_create(date=datetime.date(2026, 10, 1), defaults={"name": "国庆节", "workday": False})
    Holiday.objects.update_or_create(date=datetime.date(2026, 10, 10), defaults={"name": "国庆调休", "workday": True})
    school = world.schools["a"]
    days = board.serving_days(school, datetime.date(2026, 9, 28), datetime.date(2026, 10, 11))
    assert datetime.date(2026, 10, 1) not in days and datetime.date(2026, 10, 10) in days
    assert datetime.date(2026, 10, 4) not in days and datetime.date(2026, 9, 28) in days


def test_missing_items_reach_the_directors_home_page(world):
    today = timezone.localdate()
    week_ago, yesterday = today - datetime.timedelta(days=7), today - datetime.timedelta(days=1)
    last = board.serving_days(world.schools["a"], week_ago, yesterday)
    complete_the_day(world, world.schools["a"], day=last[-1], skip=("sample",))
    for role in (Role.DIRECTOR, Role.PRINCIPAL, Role.CANTEEN):
        page = world.client(role).get(reverse("core:home")).content.decode()
        assert "食品安全记录缺失" in page, role
    assert "食品安全记录缺失" not in world.client(Role.TEACHER).get(reverse("core:home")).content.decode()
    # school b has no canteen team, so no records are due there
    assert "食品安全记录缺失" not in world.client(Role.DIRECTOR, "b").get(reverse("core:home")).content.decode()


def test_tick_reminds_once_per_gap(world):
    CanteenWorkerFactory(school=world.schools["a"])
    first = remind_gaps(MONDAY, now=EVENING)
    assert first == 2 * 6  # the canteen manager and the director, six records
    assert remind_gaps(MONDAY, now=EVENING) == 0
    titles = set(Notification.objects.filter(recipient=world.user(Role.DIRECTOR)).values_list("title", flat=True))
    assert "食品安全记录缺记录：11-16 午餐留样" in titles
    assert not Notification.objects.filter(school=world.schools["b"]).exists()


def test_board_print_and_month(world):
    complete_the_day(world, world.schools["a"])
    client = world.client(Role.PRINCIPAL)
    printed = client.get(reverse("canteen:board_print") + f"?date={MONDAY}").content.decode()
    assert "食品安全日管控记录" in printed and "午餐留样" in printed
    month = client.get(reverse("canteen:board_month") + "?month=2026-11-01").content.decode()
    assert 'data-status="done"' in month and 'data-status="missing"' in month


def test_board_api(world):
    from ..api_contracts import api_client

    complete_the_day(world, world.schools["a"])
    response = api_client(world, Role.DISTRICT_OFFICER).get(f"/api/v1/meals/board/?date={MONDAY}&days=2")
    assert response.status_code == 200
    first = response.json()[0]
    assert first["date"] == str(MONDAY) and first["status"] == "done" and len(first["entries"]) == 6
    assert api_client(world, Role.TEACHER).get("/api/v1/meals/board/").status_code == 403
    assert api_client(world, Role.CANTEEN).get("/api/v1/meals/board/?days=99").status_code == 400
