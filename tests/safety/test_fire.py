"""Fire equipment (消防器材): 送修 and 报废 dates by agent (§5 X3), the monthly check and the
half-monthly one in dense places (§5 X3, school settings), `houqin tick` makes each check once,
a faulty check opens a hazard, the director's home shows the red items. Each test is named
after the rule it enforces."""

import datetime
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from houqin.core.choices import Role
from houqin.safety import fire
from houqin.safety.choices import CheckStatus, Source
from houqin.safety.models import FireCheck, FireEquipment, Hazard, SafetySettings
from tests.factories import RoomFactory

from ..api_contracts import ApiContract, api_client
from ..contracts import PagesContract
from .factories import FireCheckFactory, FireEquipmentFactory

pytestmark = pytest.mark.django_db
D = datetime.date


def tick(day):
    call_command("tick", "--date", day.isoformat(), "--only", "safety.fire_checks", stdout=io.StringIO())


MADE = D(2020, 3, 10)


def extinguisher(world, agent="powder", made=MADE, **kwargs):
    return FireEquipmentFactory(school=world.schools["a"], agent=agent, made_on=made, **kwargs)


# --- 送修 and 报废 by agent -----------------------------------------------------------------------


@pytest.mark.parametrize("agent, service, scrap", [
    ("water", D(2023, 3, 10), D(2026, 3, 10)),    # 水基型：满3年送修，6年报废
    ("powder", D(2025, 3, 10), D(2030, 3, 10)),   # 干粉：满5年送修，10年报废
    ("clean", D(2025, 3, 10), D(2030, 3, 10)),    # 洁净气体：满5年送修，10年报废
    ("co2", D(2025, 3, 10), D(2032, 3, 10)),      # 二氧化碳：满5年送修，12年报废
])
def test_service_and_scrap_dates_by_agent_x3_gb50444(world, agent, service, scrap):
    e = extinguisher(world, agent=agent)
    assert (e.service_due_on, e.scrap_due_on) == (service, scrap)


@pytest.mark.parametrize("agent, then", [("water", D(2024, 5, 1)), ("powder", D(2025, 5, 1)),
                                         ("co2", D(2025, 5, 1))])
def test_after_a_service_every_year_water_every_two_years_powder_co2_x3(world, agent, then):
    e = extinguisher(world, agent=agent)
    e.last_serviced_on = D(2023, 5, 1)
    e.save()
    assert e.service_due_on == then


def test_service_and_scrap_are_red_from_their_day_x3(world):
    e = extinguisher(world, agent="powder", made=D(2020, 3, 10))
    assert e.red(D(2025, 3, 9)) == [] and e.red(D(2025, 3, 10)) == ["到期送修"]
    assert e.red(D(2030, 3, 10)) == ["到期报废"]
    e.active = False
    assert e.red(D(2030, 3, 10)) == []


def test_a_hydrant_has_no_service_date(world):
    e = FireEquipmentFactory(school=world.schools["a"], kind="hydrant", agent="", made_on=D(2010, 1, 1))
    assert e.service_due_on is None and e.scrap_due_on is None


# --- the checks -------------------------------------------------------------------------------------


def test_monthly_check_in_an_ordinary_place_x3_5_2_1(world):
    e = extinguisher(world)
    tick(D(2026, 9, 1))
    tick(D(2026, 9, 1))
    tick(D(2026, 9, 20))
    checks = list(FireCheck.objects.filter(equipment=e).values_list("period_start", "due_by"))
    assert checks == [(D(2026, 9, 1), D(2026, 9, 30))]


def test_half_monthly_check_in_a_dense_place_or_boiler_room_x3_5_2_2(world):
    e = extinguisher(world, dense_place=True)
    for day in (D(2026, 9, 1), D(2026, 9, 15), D(2026, 9, 16), D(2026, 9, 16), D(2026, 9, 30)):
        tick(day)
    assert sorted(FireCheck.objects.filter(equipment=e).values_list("period_start", "due_by")) == [
        (D(2026, 9, 1), D(2026, 9, 15)), (D(2026, 9, 16), D(2026, 9, 30))]


def test_the_check_frequencies_are_school_settings_not_below_x3(world):
    s = SafetySettings.of(world.schools["a"])
    s.fire_checks_per_month, s.fire_checks_per_month_dense = 0, 1
    with pytest.raises(ValidationError) as refused:
        s.full_clean()
    assert {"fire_checks_per_month", "fire_checks_per_month_dense"} <= set(refused.value.message_dict)
    s.fire_checks_per_month, s.fire_checks_per_month_dense = 2, 4
    s.full_clean()
    s.save()
    ordinary, dense = extinguisher(world, code="A"), extinguisher(world, code="B", dense_place=True)
    for day in range(1, 31):
        fire.create_due_checks(D(2026, 9, day))
    assert FireCheck.objects.filter(equipment=ordinary).count() == 2
    assert FireCheck.objects.filter(equipment=dense).count() == 4


def test_a_scrapped_extinguisher_is_not_checked(world):
    extinguisher(world, active=False)
    tick(D(2026, 9, 1))
    assert not FireCheck.objects.exists()


def test_a_check_not_done_in_its_period_is_missed_once(world):
    e = extinguisher(world)
    tick(D(2026, 9, 1))
    tick(D(2026, 10, 1))
    tick(D(2026, 10, 1))
    statuses = dict(FireCheck.objects.filter(equipment=e).values_list("period_start", "status"))
    assert statuses == {D(2026, 9, 1): CheckStatus.MISSED, D(2026, 10, 1): CheckStatus.OPEN}
    assert world.user(Role.DIRECTOR).notifications.filter(title__contains="漏检").count() == 1


def test_a_faulty_check_opens_a_hazard_at_the_equipments_place(world):
    room = RoomFactory(school=world.schools["a"])
    c = FireCheckFactory(school=world.schools["a"], equipment__room=room)
    fire.check(c, by=world.user(Role.GUARD), ok=False, note="压力表指针在红区", level="larger")
    c.refresh_from_db()
    assert c.status == CheckStatus.PROBLEM and c.hazard.source == Source.CHECK and c.hazard.room == room
    assert "压力表指针在红区" in c.hazard.description and c.hazard.level == "larger"


def test_a_faulty_check_needs_its_note(world):
    c = FireCheckFactory(school=world.schools["a"])
    with pytest.raises(ValidationError):
        fire.check(c, by=world.user(Role.GUARD), ok=False)
    assert not Hazard.objects.exists()


def test_a_check_is_recorded_once(world):
    c = FireCheckFactory(school=world.schools["a"])
    fire.check(c, by=world.user(Role.GUARD), ok=True)
    with pytest.raises(ValidationError, match="合格"):
        fire.check(c, by=world.user(Role.GUARD), ok=True)


@pytest.mark.parametrize("role", [Role.TEACHER, Role.WORKER, Role.CANTEEN, Role.DISTRICT_OFFICER])
def test_only_guards_and_managers_check(world, role):
    c = FireCheckFactory(school=world.schools["a"])
    with pytest.raises(PermissionDenied):
        fire.check(c, by=world.user(role), ok=True)
    fire.check(c, by=world.user(Role.DIRECTOR), ok=True)


def test_the_guard_checks_on_the_page(world):
    c = FireCheckFactory(school=world.schools["a"])
    client = world.client(Role.GUARD)
    page = client.get(c.get_absolute_url())
    assert page.status_code == 200 and "登记检查" in page.content.decode()
    response = client.post(reverse("safety:firecheck_check", args=[c.pk]), {"check-ok": "1", "check-note": "正常"})
    assert response.status_code == 302
    assert FireCheck.objects.get(pk=c.pk).status == CheckStatus.OK


def test_fire_check_pages_are_scoped(world):
    mine = FireCheckFactory(school=world.schools["a"])
    theirs = FireCheckFactory(school=world.schools["c"])
    client = world.client(Role.GUARD)
    ids = {x.pk for x in client.get(reverse("safety:firecheck_list")).context["object_list"]}
    assert ids == {mine.pk}
    assert client.get(theirs.get_absolute_url()).status_code == 404
    assert client.post(reverse("safety:firecheck_check", args=[theirs.pk]), {"check-ok": "1"}).status_code == 404
    assert FireCheck.objects.get(pk=theirs.pk).status == CheckStatus.OPEN
    assert world.client(Role.TEACHER).get(mine.get_absolute_url()).status_code == 403
    assert world.client(Role.DISTRICT_OFFICER).get(mine.get_absolute_url()).status_code == 200


def test_check_through_the_api(world):
    c = FireCheckFactory(school=world.schools["a"])
    url = f"/api/v1/fire-checks/{c.pk}/check/"
    assert api_client(world, Role.TEACHER).post(url, {"ok": True}, format="json").status_code == 403
    response = api_client(world, Role.GUARD).post(url, {"ok": False, "note": "喷管老化"}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "problem" and response.json()["hazard"]


# --- the director's home ----------------------------------------------------------------------------


def test_red_items_on_the_directors_home(world):
    today = timezone.localdate()
    due = extinguisher(world, code="MHQ-05", made=today.replace(year=today.year - 6))  # 干粉满5年未送修
    extinguisher(world, code="MHQ-OK", made=today.replace(year=today.year - 1))
    text = world.client(Role.DIRECTOR).get(reverse("core:home")).content.decode()
    assert "消防器材（到期、漏检、有问题）" in text and "MHQ-05" in text and "到期送修" in text
    assert "MHQ-OK" not in text
    assert due.pk in {e.pk for e in world.client(Role.DIRECTOR).get(
        reverse("safety:fireequipment_list") + "?red=true").context["object_list"]}


def test_the_guards_home_shows_the_open_checks(world):
    FireCheckFactory(school=world.schools["a"], equipment__code="MHQ-JX-01",
                     period_start=timezone.localdate().replace(day=1))
    text = world.client(Role.GUARD).get(reverse("core:home")).content.decode()
    assert "待检查的消防器材" in text and "MHQ-JX-01" in text


# --- contracts ----------------------------------------------------------------------------------------


class TestFireEquipmentPages(PagesContract):
    model = FireEquipment
    factory = FireEquipmentFactory

    def valid_form(self, world):
        return {"code": "MHQ-JX-09", "kind": "extinguisher", "agent": "powder", "spec": "MFZ/ABC4",
                "place": "教学楼三楼西侧", "made_on": "2024-03-01", "active": "on"}

    def edit_form(self, world, obj):
        return {"code": obj.code, "kind": "extinguisher", "agent": "powder", "place": "教学楼三楼东侧",
                "made_on": "2024-03-01", "last_serviced_on": "2026-03-01", "active": "on",
                "loaded_at": obj.updated_at.isoformat()}


def test_an_extinguisher_needs_its_agent(world):
    response = world.client(Role.DIRECTOR).post(reverse("safety:fireequipment_add"), {
        "code": "MHQ-1", "kind": "extinguisher", "place": "食堂", "active": "on"})
    assert response.status_code == 200 and "灭火剂" in str(response.context["form"].errors)


class TestFireEquipmentApi(ApiContract):
    model = FireEquipment
    factory = FireEquipmentFactory
    path = "fire-equipment"

    def valid_payload(self, world):
        return {"code": "MHQ-JX-09", "kind": "extinguisher", "agent": "powder", "place": "教学楼三楼西侧",
                "made_on": "2024-03-01"}

    def edit_payload(self, world, obj):
        return {"last_serviced_on": "2026-03-01"}

    def other_school_payload(self, world):
        return {**self.valid_payload(world), "room": RoomFactory(school=world.schools["c"]).pk}


class TestFireCheckApi(ApiContract):
    model = FireCheck
    factory = FireCheckFactory
    path = "fire-checks"
    writable = False

    def valid_payload(self, world):
        return {"period_start": "2026-09-01"}
