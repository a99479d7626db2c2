"""The food-safety rules the canteen enforces, each test named after its rule and source."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from houqin.canteen import services
from houqin.canteen.models import CanteenSettings, Disinfection, KitchenCheck, MorningCheck, SampleRecord
from houqin.core.choices import Role

from ..api_contracts import api_client, assert_error
from .factories import (
    AccompaniedMealFactory,
    CanteenWorkerFactory,
    MealFactory,
    SampleRecordFactory,
)

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def check(world, worker, **fields):
    return MorningCheck(school=world.schools["a"], worker=worker, date=TODAY,
                        temperature=fields.pop("temperature", Decimal("36.5")), **fields)


# --- 晨检 (F1: 发热、腹泻、皮肤伤口或感染、咽部炎症者立即离岗; F2 第45条: 持健康证明上岗) ----------


@pytest.mark.parametrize("symptom", ["fever", "diarrhea", "hand_wound", "throat"])
def test_a_symptom_puts_the_worker_off_duty_for_the_day(world, symptom):
    worker = CanteenWorkerFactory(school=world.schools["a"])
    done = services.record_check(check(world, worker, **{symptom: True}), by=world.user(Role.CANTEEN))
    assert not done.passed and done.off_duty and done.reasons


def test_a_temperature_at_the_schools_fever_line_fails_and_the_line_is_a_setting(world):
    worker = CanteenWorkerFactory(school=world.schools["a"])
    assert services.record_check(check(world, worker, temperature=Decimal("37.3")),
                                 by=world.user(Role.CANTEEN)).off_duty
    CanteenSettings.objects.create(school=world.schools["a"], fever_temperature=Decimal("37.5"))
    other = CanteenWorkerFactory(school=world.schools["a"])
    assert services.record_check(check(world, other, temperature=Decimal("37.3")),
                                 by=world.user(Role.CANTEEN)).passed


def test_expired_health_certificate_cannot_pass_and_the_refusal_names_it(world):
    worker = CanteenWorkerFactory(school=world.schools["a"], health=TODAY - datetime.timedelta(days=1))
    with pytest.raises(ValidationError) as refusal:
        services.record_check(check(world, worker), by=world.user(Role.CANTEEN))
    assert "健康证" in refusal.value.messages[0] and "过期" in refusal.value.messages[0]
    assert worker.person.name in refusal.value.messages[0]
    assert not MorningCheck.objects.exists()


def test_health_certificate_valid_on_its_last_day(world):
    worker = CanteenWorkerFactory(school=world.schools["a"], health=TODAY)
    assert services.record_check(check(world, worker), by=world.user(Role.CANTEEN)).passed


def test_no_health_certificate_cannot_pass(world):
    worker = CanteenWorkerFactory(school=world.schools["a"], health="none")
    with pytest.raises(ValidationError, match="没有登记健康证"):
        services.record_check(check(world, worker), by=world.user(Role.CANTEEN))


def test_expired_worker_sent_off_is_recorded_off_duty(world):
    worker = CanteenWorkerFactory(school=world.schools["a"], health=TODAY - datetime.timedelta(days=3))
    done = services.record_check(check(world, worker, sent_off=True), by=world.user(Role.CANTEEN))
    assert done.off_duty and "健康证无效" in done.reasons


def test_a_worker_is_checked_once_a_day(world):
    worker = CanteenWorkerFactory(school=world.schools["a"])
    services.record_check(check(world, worker), by=world.user(Role.CANTEEN))
    with pytest.raises(ValidationError, match="已晨检"):
        services.record_check(check(world, worker), by=world.user(Role.CANTEEN))


def test_team_screen_refuses_all_when_one_has_an_expired_health_certificate(world):
    ok = CanteenWorkerFactory(school=world.schools["a"])
    expired = CanteenWorkerFactory(school=world.schools["a"], health=TODAY - datetime.timedelta(days=10))
    client = world.client(Role.CANTEEN)
    page = client.get(reverse("canteen:team_checks")).content.decode()
    assert "border-danger" in page and f"{expired.person.name}的健康证" in page
    form = {"date": str(TODAY)}
    for w in (ok, expired):
        form.update({f"w{w.pk}-temperature": "36.5", f"w{w.pk}-hygiene_ok": "on"})
    response = client.post(reverse("canteen:team_checks"), form)
    assert response.status_code == 400 and "健康证" in response.content.decode()
    assert not MorningCheck.objects.exists()  # nothing half-written
    form[f"w{expired.pk}-sent_off"] = "on"
    form[f"w{ok.pk}-diarrhea"] = "on"
    assert client.post(reverse("canteen:team_checks"), form).status_code == 302
    assert set(MorningCheck.objects.values_list("worker", "off_duty")) == {(ok.pk, True), (expired.pk, True)}


def test_team_checks_through_the_api_are_all_or_none(world):
    ok = CanteenWorkerFactory(school=world.schools["a"])
    expired = CanteenWorkerFactory(school=world.schools["a"], health=TODAY - datetime.timedelta(days=1))
    client = api_client(world, Role.CANTEEN)
    body = {"date": str(TODAY), "checks": [{"worker": ok.pk, "temperature": "36.5"},
                                           {"worker": expired.pk, "temperature": "36.5"}]}
    assert_error(client.post("/api/v1/morning-checks/team/", body, format="json"))
    assert not MorningCheck.objects.exists()
    body["checks"][1]["throat"] = True
    response = client.post("/api/v1/morning-checks/team/", body, format="json")
    assert response.status_code == 201, response.data
    assert sorted(r["off_duty"] for r in response.json()) == [False, True]
    teacher = api_client(world, Role.TEACHER).post("/api/v1/morning-checks/team/", body, format="json")
    assert teacher.status_code == 403


# --- 留样 (F1 第四十条: 每品种≥125 g, 专柜冷藏≥48 h; 冷藏 0–8 ℃) --------------------------------------


def sample(world, **fields):
    meal = fields.pop("meal", None) or MealFactory(school=world.schools["a"])
    values = {"dish": "熘肉段", "weight_grams": 125, "cabinet_temperature": Decimal("4"),
              "sampled_by": CanteenWorkerFactory(school=world.schools["a"]).person, **fields}
    return SampleRecord(school=world.schools["a"], meal=meal, **values)


def test_sample_of_125_grams_is_kept_and_124_refused(world):
    services.record_sample(sample(world), by=world.user(Role.CANTEEN))
    with pytest.raises(ValidationError) as refusal:
        services.record_sample(sample(world, weight_grams=124), by=world.user(Role.CANTEEN))
    assert "不少于 125 克" in refusal.value.message_dict["weight_grams"][0]
    assert SampleRecord.objects.count() == 1


def test_sample_weight_is_a_school_setting(world):
    CanteenSettings.objects.create(school=world.schools["a"], sample_min_grams=150)
    with pytest.raises(ValidationError, match="150"):
        services.record_sample(sample(world, weight_grams=140), by=world.user(Role.CANTEEN))


@pytest.mark.parametrize("temperature, kept", [("0", True), ("8", True), ("8.1", False), ("-1", False)])
def test_sample_cabinet_is_refrigerated_0_to_8_degrees(world, temperature, kept):
    record = sample(world, cabinet_temperature=Decimal(temperature))
    if kept:
        services.record_sample(record, by=world.user(Role.CANTEEN))
    else:
        with pytest.raises(ValidationError, match="0–8"):
            services.record_sample(record, by=world.user(Role.CANTEEN))


def test_sample_is_of_a_dish_of_the_meal_once(world):
    meal = MealFactory(school=world.schools["a"])
    with pytest.raises(ValidationError, match="不是"):
        services.record_sample(sample(world, meal=meal, dish="红烧肉"), by=world.user(Role.CANTEEN))
    services.record_sample(sample(world, meal=meal), by=world.user(Role.CANTEEN))
    with pytest.raises(ValidationError, match="已留样"):
        services.record_sample(sample(world, meal=meal), by=world.user(Role.CANTEEN))


def test_sample_disposal_is_refused_before_48_hours_and_recorded_after(world):
    taken = timezone.now() - datetime.timedelta(hours=47, minutes=59)
    record = SampleRecordFactory(school=world.schools["a"], sampled_at=taken)
    keeper = CanteenWorkerFactory(school=world.schools["a"]).person
    with pytest.raises(ValidationError, match="保存满 48 小时"):
        services.dispose_sample(record, by=world.user(Role.CANTEEN), person=keeper)
    at = taken + datetime.timedelta(hours=48)
    services.dispose_sample(record, by=world.user(Role.CANTEEN), person=keeper, at=at)
    record.refresh_from_db()
    assert record.disposed_at == at and record.disposed_by == keeper
    with pytest.raises(ValidationError, match="已于"):
        services.dispose_sample(record, by=world.user(Role.CANTEEN), person=keeper, at=at)


def test_sample_keep_hours_is_a_setting(world):
    CanteenSettings.objects.create(school=world.schools["a"], sample_keep_hours=72)
    record = SampleRecordFactory(school=world.schools["a"], sampled_at=timezone.now() - datetime.timedelta(hours=50))
    with pytest.raises(ValidationError, match="72 小时"):
        services.dispose_sample(record, by=world.user(Role.CANTEEN), person=record.sampled_by)


def test_only_the_canteen_manager_disposes(world):
    record = SampleRecordFactory(school=world.schools["a"], sampled_at=timezone.now() - datetime.timedelta(days=3))
    with pytest.raises(PermissionDenied):
        services.dispose_sample(record, by=world.user(Role.DIRECTOR), person=record.sampled_by)
    url = f"/api/v1/samples/{record.pk}/dispose/"
    keeper = CanteenWorkerFactory(school=world.schools["a"]).person
    assert api_client(world, Role.PRINCIPAL).post(url, {"person": keeper.pk}, format="json").status_code == 403
    response = api_client(world, Role.CANTEEN).post(url, {"person": keeper.pk}, format="json")
    assert response.status_code == 200 and response.json()["disposed_by"] == keeper.pk
    early = SampleRecordFactory(school=world.schools["a"], dish="清炒白菜")
    assert_error(api_client(world, Role.CANTEEN).post(f"/api/v1/samples/{early.pk}/dispose/", {"person": keeper.pk},
                                                      format="json"))


def test_the_sample_page_offers_disposal_to_the_canteen_manager_only_and_once(world):
    record = SampleRecordFactory(school=world.schools["a"], sampled_at=timezone.now() - datetime.timedelta(days=3))
    url = reverse("canteen:samplerecord_detail", args=[record.pk])
    dispose = reverse("canteen:samplerecord_dispose", args=[record.pk])
    assert dispose in world.client(Role.CANTEEN).get(url).content.decode()
    for role in (Role.DIRECTOR, Role.PRINCIPAL, Role.DISTRICT_OFFICER):
        page = world.client(role).get(url)
        assert page.status_code == 200 and dispose not in page.content.decode(), role
    services.dispose_sample(record, by=world.user(Role.CANTEEN), person=record.sampled_by)
    assert dispose not in world.client(Role.CANTEEN).get(url).content.decode()


def test_dispose_page_refuses_early_in_chinese(world):
    record = SampleRecordFactory(school=world.schools["a"])
    keeper = CanteenWorkerFactory(school=world.schools["a"]).person
    client = world.client(Role.CANTEEN)
    response = client.post(reverse("canteen:samplerecord_dispose", args=[record.pk]), {"dispose-person": keeper.pk},
                           follow=True)
    assert "留样须保存满 48 小时" in response.content.decode()
    record.refresh_from_db()
    assert record.disposed_at is None


# --- 餐具消毒 (F4 参数) 与厨房日检 -------------------------------------------------------------------


@pytest.mark.parametrize("method, temperature, seconds, chlorine, passed", [
    ("steam", 100, 600, None, True), ("steam", 100, 599, None, False), ("boiling", 99, 600, None, False),
    ("infrared", 120, 600, None, True), ("infrared", 110, 900, None, False),
    ("dishwasher", 85, 40, None, True), ("dishwasher", 85, 39, None, False),
    ("chlorine", None, 300, 250, True), ("chlorine", None, 300, 200, False),
])
def test_disinfection_parameters_per_method(world, method, temperature, seconds, chlorine, passed):
    record = Disinfection(school=world.schools["a"], method=method, temperature=temperature, seconds=seconds,
                          chlorine=chlorine, done_by=CanteenWorkerFactory(school=world.schools["a"]).person)
    done = services.record_disinfection(record, by=world.user(Role.CANTEEN))
    assert done.passed is passed and bool(done.shortfall) is not passed


def test_cold_check_temperatures_against_the_settings(world):
    person = CanteenWorkerFactory(school=world.schools["a"]).person
    fine = KitchenCheck(school=world.schools["a"], kind="cold", fridge_temperature=Decimal("5"),
                        freezer_temperature=Decimal("-18"), checked_by=person)
    assert services.record_kitchen_check(fine, by=world.user(Role.CANTEEN)).passed
    warm = KitchenCheck(school=world.schools["a"], kind="cold", fridge_temperature=Decimal("9"),
                        freezer_temperature=Decimal("-10"), checked_by=person)
    assert not services.record_kitchen_check(warm, by=world.user(Role.CANTEEN)).passed
    with pytest.raises(ValidationError, match="冷藏温度"):
        services.record_kitchen_check(KitchenCheck(school=world.schools["a"], kind="cold", checked_by=person),
                                      by=world.user(Role.CANTEEN))


def test_kitchen_checklist_unticked_item_fails(world):
    client = world.client(Role.CANTEEN)
    person = CanteenWorkerFactory(school=world.schools["a"]).person
    form = {"date": str(TODAY), "kind": "hygiene", "checked_by": person.pk,
            **{f"item_{i}": "on" for i in range(1, 5)}}
    assert client.post(reverse("canteen:kitchencheck_add"), form).status_code == 302
    made = KitchenCheck.objects.get()
    assert not made.passed and made.failed_items == ["操作间地面、墙面清洁无积水"]


# --- 陪餐 (F1: 家长意见及时研究反馈) ---------------------------------------------------------------


def test_accompanied_meal_comment_gets_a_recorded_response(world):
    record = AccompaniedMealFactory(school=world.schools["a"], comments="熘肉段里胡萝卜太多")
    client = world.client(Role.CANTEEN)
    url = reverse("canteen:accompaniedmeal_respond", args=[record.pk])
    assert world.client(Role.TEACHER).post(url, {"respond-response": "好"}).status_code == 403
    assert world.client(Role.PRINCIPAL).post(url, {"respond-response": "好"}).status_code == 403
    client.post(url, {"respond-response": ""})
    record.refresh_from_db()
    assert record.response == ""
    client.post(url, {"respond-response": "已减少胡萝卜"})
    record.refresh_from_db()
    assert record.response == "已减少胡萝卜" and record.responded_by == world.user(Role.CANTEEN)
    api = api_client(world, Role.DIRECTOR).post(f"/api/v1/accompanied-meals/{record.pk}/respond/",
                                                {"response": "下周起改配青椒"}, format="json")
    assert api.status_code == 200 and api.json()["response"] == "下周起改配青椒"


def test_the_principal_records_his_own_accompanied_meal(world):
    response = world.client(Role.PRINCIPAL).post(reverse("canteen:accompaniedmeal_add"), {
        "date": str(TODAY), "meal": "lunch", "companion_kind": "leader", "rating": "good",
        "person": world.user(Role.PRINCIPAL).people.get().pk})
    assert response.status_code == 302


def test_a_parent_companion_needs_a_name(world):
    response = world.client(Role.CANTEEN).post(reverse("canteen:accompaniedmeal_add"), {
        "date": str(TODAY), "meal": "lunch", "companion_kind": "parent", "rating": "good"})
    assert response.status_code == 200 and "陪餐人姓名" in response.content.decode()


def test_settings_change_the_rules(world):
    settings = CanteenSettings.of(world.schools["a"])
    assert settings.pk is not None and settings._state.adding  # defaults, unsaved
    assert (settings.sample_min_grams, settings.sample_keep_hours, settings.meals()) == (125, 48, ["lunch"])
    page = world.client(Role.TEACHER).get(reverse("core:school_detail", args=[world.schools["a"].pk]))
    assert "每样留样量不少于(克)" in page.content.decode()
