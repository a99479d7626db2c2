"""Patrols (巡查): the routes follow the school calendar and the school's settings (§6), `houqin
tick` makes each due patrol once and marks the missed ones, a problem found opens a hazard,
the weekly statistics count them. Each test is named after the rule it enforces."""

import datetime
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from houqin.core.choices import Role
from houqin.core.models import Term
from houqin.core.services import attachments_of
from houqin.safety import patrols
from houqin.safety.choices import HazardStatus, PatrolStatus, Source
from houqin.safety.models import CheckItem, Hazard, Patrol, PatrolResult, PatrolRoute, SafetySettings
from houqin.safety.schedule import due_dates, term_anchors
from tests.maintenance.helpers import seed_holidays

from ..api_contracts import api_client
from .factories import CheckItemFactory, PatrolFactory, PatrolRouteFactory
from .helpers import photo

pytestmark = pytest.mark.django_db
D = datetime.date
MONDAY = D(2026, 9, 7)  # in the autumn term, a working day


@pytest.fixture
def school(world):
    seed_holidays()
    a = world.schools["a"]
    Term.objects.create(school=a, name="2026年春季学期", starts_on=D(2026, 3, 2), ends_on=D(2026, 7, 10))
    Term.objects.create(school=a, name="2026年秋季学期", starts_on=D(2026, 9, 1), ends_on=D(2027, 1, 22))
    return a


def route(school, **kwargs):
    return PatrolRouteFactory(school=school, **kwargs)


def tick(day):
    call_command("tick", "--date", day.isoformat(), "--only", "safety.patrols", stdout=io.StringIO())


def settings_of(school, **values):
    s = SafetySettings.of(school)
    for name, value in values.items():
        setattr(s, name, value)
    s.full_clean()
    s.save()
    return s


# --- the seeds ----------------------------------------------------------------------------------


def test_the_seeds_checklist_has_the_routine_checks_and_section_5_and_6(world):
    a = world.schools["a"]
    items, routes = patrols.install_seeds(a)
    kinds = set(CheckItem.objects.filter(school=a).values_list("kind", flat=True))
    assert {"doors", "lighting", "electric", "gas", "fire"} <= kinds  # 门窗、照明、电器、燃气、消防
    areas = set(CheckItem.objects.filter(school=a).values_list("area", flat=True))
    assert {"gate", "teaching", "canteen", "power", "lab", "sports", "fire_exit"} <= areas
    names = set(PatrolRoute.objects.filter(school=a).values_list("name", flat=True))
    assert "每日防火巡查" in names and "重点部位巡查" in names
    assert "夜间巡查" not in names  # a day school has no night patrol
    assert patrols.install_seeds(a) == ([], [])  # once


def test_a_boarding_school_gets_the_night_patrol_x2_article_25(world):
    a = world.schools["a"]
    a.boarding = True
    a.save()
    patrols.install_seeds(a)
    night = PatrolRoute.objects.get(school=a, name="夜间巡查")
    assert night.frequency == "nightly" and night.on_holidays
    assert night.items.filter(area="dorm").exists()


# --- the calendar and the settings ----------------------------------------------------------------


def test_tick_twice_creates_each_due_patrol_once(school, world):
    daily = route(school, name="每日防火巡查")
    key = route(school, name="重点部位巡查", frequency="key")
    tick(MONDAY)
    tick(MONDAY)
    assert Patrol.objects.filter(route=daily, due_on=MONDAY).count() == 1
    assert Patrol.objects.filter(route=key, due_on=MONDAY).count() == 5
    assert sorted(Patrol.objects.filter(route=key).values_list("round", flat=True)) == [1, 2, 3, 4, 5]


def test_key_places_are_patrolled_at_least_5_times_a_day_s2(school):
    """§6 S2: 重点部位巡查≥5次/日 — the school's setting, not below 5."""
    s = SafetySettings.of(school)
    s.key_rounds_per_day = 4
    with pytest.raises(ValidationError):
        s.full_clean()
    settings_of(school, key_rounds_per_day=5)
    key = route(school, frequency="key")
    tick(MONDAY)
    assert Patrol.objects.filter(route=key).count() == 5
    settings_of(school, key_rounds_per_day=6)
    tick(MONDAY + datetime.timedelta(days=1))
    assert Patrol.objects.filter(route=key, due_on=MONDAY + datetime.timedelta(days=1)).count() == 6


def test_a_routes_own_rounds_override_the_schools_setting_s2(school):
    key = route(school, frequency="key", rounds=8)
    tick(MONDAY)
    assert Patrol.objects.filter(route=key).count() == 8


def test_daily_patrols_skip_holidays_and_vacations_unless_the_route_says_so(school):
    daily = route(school, name="白天")
    always = route(school, name="节假日照常", on_holidays=True, in_vacations=True)
    national_day = D(2026, 10, 1)
    summer = D(2026, 8, 4)  # a Tuesday in the summer vacation
    for day in (national_day, summer):
        tick(day)
    assert not Patrol.objects.filter(route=daily).exists()
    assert Patrol.objects.filter(route=always).count() == 2


def test_weekly_patrol_on_its_weekday(school):
    weekly = route(school, frequency="weekly", weekday=2)
    assert due_dates(weekly, MONDAY, MONDAY + datetime.timedelta(days=13), SafetySettings.of(school)) == [
        D(2026, 9, 9), D(2026, 9, 16)]


def test_two_safety_checks_a_term_ningbo_local_rule(school):
    """§6 宁波 [L]: 每学期≥2次安全检查 — the school's setting; the term cut into equal spans,
    each check on its span's first working day."""
    termly = route(school, frequency="termly")
    autumn = (D(2026, 9, 1), D(2027, 1, 22))
    days = due_dates(termly, *autumn, SafetySettings.of(school))
    assert len(days) == 2 and days[0] == D(2026, 9, 1)
    assert days[1] == term_anchors(*autumn, 2)[1] or days[1] > term_anchors(*autumn, 2)[1]
    settings_of(school, term_checks=3)
    assert len(due_dates(termly, *autumn, SafetySettings.of(school))) == 3
    s = SafetySettings.of(school)
    s.term_checks = 0
    with pytest.raises(ValidationError):
        s.full_clean()


def test_a_termly_patrol_is_made_once_by_tick(school):
    termly = route(school, frequency="termly")
    tick(D(2026, 9, 1))
    tick(D(2026, 9, 1))
    tick(D(2026, 9, 2))
    assert list(Patrol.objects.filter(route=termly).values_list("due_on", flat=True)) == [D(2026, 9, 1)]


def test_a_patrol_not_walked_by_its_day_is_missed_once(school, world):
    daily = route(school)
    tick(MONDAY)
    tick(MONDAY + datetime.timedelta(days=1))
    first = Patrol.objects.get(route=daily, due_on=MONDAY)
    assert first.status == PatrolStatus.MISSED
    assert Patrol.objects.get(route=daily, due_on=MONDAY + datetime.timedelta(days=1)).status == PatrolStatus.OPEN
    director = world.user(Role.DIRECTOR)
    assert director.notifications.filter(title__startswith="漏巡").count() == 1
    tick(MONDAY + datetime.timedelta(days=1))
    assert director.notifications.filter(title__startswith="漏巡").count() == 1
    with pytest.raises(ValidationError, match="漏巡"):
        patrols.walk(first, by=world.user(Role.GUARD), results=[])


# --- the walk -------------------------------------------------------------------------------------


def walked_route(school):
    light = CheckItemFactory(school=school, area="teaching", kind="fire", text="应急照明灯完好")
    doors = CheckItemFactory(school=school, area="teaching", kind="doors", text="门窗完好")
    return route(school, name="晚间巡查", items=[light, doors]), light, doors


def test_a_problem_opens_a_hazard_with_its_photo(world):
    a = world.schools["a"]
    r, light, doors = walked_route(a)
    patrol = PatrolFactory(school=a, route=r, due_on=D(2026, 1, 5))
    guard = world.user(Role.GUARD)
    patrols.walk(patrol, by=guard, results=[{"item": light.pk, "ok": False, "note": "二楼应急照明灯不亮",
                                             "place": "教学楼二楼", "level": "larger", "photos": [photo("light.png")]}])
    patrol.refresh_from_db()
    assert patrol.status == PatrolStatus.DONE and patrol.problems == 1 and patrol.done_by == guard
    results = {r.item_id: r for r in PatrolResult.objects.filter(patrol=patrol)}
    assert results[doors.pk].ok and not results[light.pk].ok
    hazard = results[light.pk].hazard
    assert hazard.source == Source.PATROL and hazard.place == "教学楼二楼" and hazard.level == "larger"
    assert hazard.status == HazardStatus.REPORTED and hazard.reported_by == guard
    assert "二楼应急照明灯不亮" in hazard.description
    assert [x.original_name for x in attachments_of(hazard)] == ["light.png"]
    assert world.user(Role.DIRECTOR).notifications.filter(title__contains="新隐患").exists()


def test_a_problem_needs_its_note(world):
    a = world.schools["a"]
    r, light, _ = walked_route(a)
    patrol = PatrolFactory(school=a, route=r, due_on=D(2026, 1, 5))
    with pytest.raises(ValidationError, match="请写明情况"):
        patrols.walk(patrol, by=world.user(Role.GUARD), results=[{"item": light.pk, "ok": False}])
    assert not Hazard.objects.exists() and Patrol.objects.get(pk=patrol.pk).status == PatrolStatus.OPEN


def test_an_item_not_on_the_route_is_refused(world):
    a = world.schools["a"]
    r, _, _ = walked_route(a)
    patrol = PatrolFactory(school=a, route=r, due_on=D(2026, 1, 5))
    other = CheckItemFactory(school=a)
    with pytest.raises(ValidationError, match="不在该巡查路线"):
        patrols.walk(patrol, by=world.user(Role.GUARD), results=[{"item": other.pk, "ok": True}])


@pytest.mark.parametrize("role", [Role.TEACHER, Role.WORKER, Role.KEEPER, Role.DISTRICT_OFFICER])
def test_only_guards_and_managers_patrol(world, role):
    a = world.schools["a"]
    patrol = PatrolFactory(school=a, due_on=D(2026, 1, 5))
    with pytest.raises(PermissionDenied):
        patrols.walk(patrol, by=world.user(role), results=[])
    patrols.walk(patrol, by=world.user(Role.DIRECTOR), results=[])


def test_a_patrol_of_a_later_day_cannot_be_walked_yet(world):
    patrol = PatrolFactory(school=world.schools["a"], due_on=D(2099, 1, 5))
    with pytest.raises(ValidationError, match="还没到"):
        patrols.walk(patrol, by=world.user(Role.GUARD), results=[])


def test_the_guard_walks_on_the_page(world):
    a = world.schools["a"]
    r, light, doors = walked_route(a)
    patrol = PatrolFactory(school=a, route=r, due_on=D(2026, 1, 5))
    client = world.client(Role.GUARD)
    page = client.get(patrol.get_absolute_url())
    assert page.status_code == 200 and page.context["walk_form"] is not None
    assert "应急照明灯完好" in page.content.decode()
    walk = reverse("safety:patrol_walk", args=[patrol.pk])
    # a problem without a note: refused, nothing written
    response = client.post(walk, {f"ok-{light.pk}": "0", f"ok-{doors.pk}": "1"})
    assert response.status_code == 302 and Patrol.objects.get(pk=patrol.pk).status == PatrolStatus.OPEN
    response = client.post(walk, {f"ok-{light.pk}": "0", f"note-{light.pk}": "应急灯不亮",
                                  f"place-{light.pk}": "教学楼二楼", f"level-{light.pk}": "general",
                                  f"measure-{light.pk}": "warn", f"photos-{light.pk}": photo("p.png"),
                                  f"ok-{doors.pk}": "1"})
    assert response.status_code == 302
    patrol.refresh_from_db()
    assert patrol.status == PatrolStatus.DONE and patrol.problems == 1
    hazard = Hazard.objects.get(source="patrol")
    assert hazard.place == "教学楼二楼" and len(attachments_of(hazard)) == 1
    page = client.get(patrol.get_absolute_url()).content.decode()
    assert hazard.number in page and "应急灯不亮" in page


def test_patrol_pages_are_scoped(world):
    mine = PatrolFactory(school=world.schools["a"], due_on=D(2026, 1, 5))
    theirs = PatrolFactory(school=world.schools["c"], due_on=D(2026, 1, 5))
    client = world.client(Role.GUARD)
    ids = {p.pk for p in client.get(reverse("safety:patrol_list")).context["object_list"]}
    assert ids == {mine.pk}
    assert client.get(theirs.get_absolute_url()).status_code == 404
    assert client.post(reverse("safety:patrol_walk", args=[theirs.pk]), {}).status_code == 404
    assert Patrol.objects.get(pk=theirs.pk).status == PatrolStatus.OPEN
    assert world.client(Role.TEACHER).get(mine.get_absolute_url()).status_code == 403
    assert world.client(Role.TEACHER).post(reverse("safety:patrol_walk", args=[mine.pk]), {}).status_code == 403
    assert world.client(Role.DISTRICT_OFFICER).get(mine.get_absolute_url()).status_code == 200
    assert world.client(Role.DISTRICT_OFFICER).get(mine.get_absolute_url()).context["walk_form"] is None


def test_patrol_list_queries_are_constant(world):
    client = world.client(Role.GUARD)
    PatrolFactory(school=world.schools["a"])
    client.get(reverse("safety:patrol_list"))
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("safety:patrol_list"))
    for _ in range(6):
        PatrolFactory(school=world.schools["a"])
    with CaptureQueriesContext(connection) as many:
        client.get(reverse("safety:patrol_list"))
    assert len(many) == len(few)


def test_walk_through_the_api(world):
    a = world.schools["a"]
    r, light, _ = walked_route(a)
    patrol = PatrolFactory(school=a, route=r, due_on=D(2026, 1, 5))
    client = api_client(world, Role.GUARD)
    url = f"/api/v1/patrols/{patrol.pk}/"
    response = client.post(url + "walk/", {"results": [{"item": light.pk, "ok": False, "note": "应急灯不亮"}]},
                           format="json")
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "done" and response.json()["problems"] == 1
    results = client.get(url + "results/").json()["results"]
    assert [x["ok"] for x in results] == [True, False] or [x["ok"] for x in results] == [False, True]
    assert Hazard.objects.get(source="patrol").place.startswith("教学楼")
    assert api_client(world, Role.TEACHER).post(url + "walk/", {"results": []}, format="json").status_code == 403


# --- the weekly statistics ------------------------------------------------------------------------


def week_of_patrols(world):
    a = world.schools["a"]
    r, light, doors = walked_route(a)
    guard = world.user(Role.GUARD)
    for i in range(5):
        p = PatrolFactory(school=a, route=r, due_on=D(2026, 1, 5) + datetime.timedelta(days=i))
        if i < 4:
            results = [{"item": light.pk, "ok": False, "note": f"问题{i}"}] if i % 2 == 0 else []
            patrols.walk(p, by=guard, results=results)
    patrols.mark_missed(D(2026, 1, 12))
    return a


def test_weekly_statistics_count_done_due_and_problems_by_area_and_kind(world):
    week_of_patrols(world)
    response = world.client(Role.DIRECTOR).get(reverse("safety:patrol_week") + "?week=2026-01-07")
    assert response.status_code == 200
    c = response.context
    assert c["monday"] == D(2026, 1, 5)
    assert c["totals"] == {"due": 5, "done": 4, "missed": 1, "problems": 2}
    assert c["routes"][0]["problems"] == 2
    assert c["kinds"] == ["消防"] and c["matrix"] == [("教学楼", [2], 2)]


def test_weekly_statistics_print_with_signatures(world):
    a = week_of_patrols(world)
    text = world.client(Role.DIRECTOR).get(reverse("safety:patrol_week_print") + "?week=2026-01-05").content.decode()
    assert f"{a.name} 安全巡查周统计" in text and "总务主任（签字）" in text and "2026-01-05" in text


def test_weekly_statistics_queries_are_constant(world):
    client = world.client(Role.DIRECTOR)
    url = reverse("safety:patrol_week") + "?week=2026-01-05"
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    week_of_patrols(world)
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(many) == len(few)


def test_weekly_statistics_are_the_schools_own(world):
    week_of_patrols(world)
    response = world.client(Role.DIRECTOR, "c").get(reverse("safety:patrol_week") + "?week=2026-01-05")
    assert response.context["totals"]["due"] == 0
    assert world.client(Role.TEACHER).get(reverse("safety:patrol_week")).status_code == 403


# --- home -----------------------------------------------------------------------------------------


def test_the_guards_home_shows_todays_patrols(world):
    from django.utils import timezone

    PatrolFactory(school=world.schools["a"], due_on=timezone.localdate(), route__name="晚间巡查")
    text = world.client(Role.GUARD).get(reverse("core:home")).content.decode()
    assert "今天的巡查" in text and "晚间巡查" in text


def test_the_directors_home_shows_missed_patrols(world):
    from django.utils import timezone

    p = PatrolFactory(school=world.schools["a"], due_on=timezone.localdate() - datetime.timedelta(days=1),
                      route__name="重点部位")
    patrols.mark_missed(timezone.localdate())
    text = world.client(Role.DIRECTOR).get(reverse("core:home")).content.decode()
    assert "近7天漏巡" in text and str(Patrol.objects.get(pk=p.pk)) in text
