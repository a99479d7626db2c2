"""Drills and training (演练与培训): the term's count against §5 — an evacuation drill a month
(X4), fire drills a term (X2 第40条), evacuation within the school's time (X4), the staff's
training (X2 第36条) — as school settings tested at their boundaries."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from houqin.core.choices import Role
from houqin.core.models import Person, Term
from houqin.safety import drills
from houqin.safety.models import Drill, SafetySettings, Training
from tests.factories import PersonFactory

from ..api_contracts import ApiContract
from ..contracts import PagesContract
from .factories import DrillFactory, TrainingFactory

pytestmark = pytest.mark.django_db
D = datetime.date
TODAY = D(2026, 12, 7)


@pytest.fixture
def term(world):
    return Term.objects.create(school=world.schools["a"], name="2026年秋季学期", starts_on=D(2026, 9, 1),
                               ends_on=D(2027, 1, 22))


def summary(world, term):
    a = world.schools["a"]
    return drills.term_summary(term, Drill.objects.filter(school=a), Training.objects.filter(school=a),
                               SafetySettings.of(a), TODAY)


def drill(world, day, kind="evacuation", **kwargs):
    return DrillFactory(school=world.schools["a"], held_on=day, kind=kind, **kwargs)


def test_an_evacuation_drill_every_month_x4(world, term):
    for day in (D(2026, 9, 15), D(2026, 10, 14), D(2026, 12, 2)):  # November has none
        drill(world, day)
    s = summary(world, term)
    assert [m["month"].month for m in s["months"]] == [9, 10, 11, 12, 1]
    assert [m["held"] for m in s["months"]] == [1, 1, 0, 1, 0]
    assert [m["month"].month for m in s["months_short"]] == [11]  # January is still to come
    assert s["evacuations"] == 3 and s["evacuations_required"] == 5


def test_the_monthly_evacuation_drills_are_a_school_setting_not_below_one_x4(world, term):
    settings = SafetySettings.of(world.schools["a"])
    settings.evacuation_drills_per_month = 0
    with pytest.raises(ValidationError):
        settings.full_clean()
    settings.evacuation_drills_per_month = 2
    settings.full_clean()
    settings.save()
    drill(world, D(2026, 9, 15))
    s = summary(world, term)
    assert s["months"][0]["required"] == 2 and not s["months"][0]["met"]
    drill(world, D(2026, 9, 25))
    assert summary(world, term)["months"][0]["met"]


def test_fire_drills_a_term_x2_article_40(world, term):
    s = summary(world, term)
    assert (s["fire"], s["fire_required"]) == (0, 1)
    drill(world, D(2026, 10, 10), kind="fire")
    assert summary(world, term)["fire"] == 1


def test_evacuation_within_two_minutes_x4(world, term):
    on_time = drill(world, D(2026, 9, 15), evacuation_seconds=120)
    slow = drill(world, D(2026, 10, 15), evacuation_seconds=121)
    assert summary(world, term)["slow"] == [slow]
    assert on_time not in summary(world, term)["slow"]
    page = world.client(Role.DIRECTOR).get(slow.get_absolute_url()).content.decode()
    assert "疏散用时超过 120 秒" in page


def test_a_drill_to_come_is_the_plan_not_a_drill_held(world, term):
    later = drill(world, D(2027, 1, 10))
    s = summary(world, term)
    assert later in s["planned"] and later not in s["held"] and s["evacuations"] == 0


def test_the_staff_trained_are_counted_once_x2_article_36(world, term):
    a = world.schools["a"]
    people = [PersonFactory(school=a) for _ in range(3)]
    first = TrainingFactory(school=a, held_on=D(2026, 9, 20))
    first.attendees.set(people[:2])
    second = TrainingFactory(school=a, held_on=D(2026, 10, 20))
    second.attendees.set(people[1:2])
    s = summary(world, term)
    assert s["attended"] == 2 and s["staff"] == Person.objects.filter(school=a, active=True).count()
    assert [t.n for t in s["trainings"]] == [2, 1]


def test_the_term_page(world, term):
    drill(world, D(2026, 9, 15))
    client = world.client(Role.TEACHER)
    response = client.get(reverse("safety:drill_term"))
    assert response.status_code == 200 and response.context["term"] == term
    assert "应急疏散演练" in response.content.decode()
    theirs = Term.objects.create(school=world.schools["c"], name="别校学期", starts_on=D(2026, 9, 1),
                                 ends_on=D(2027, 1, 22))
    assert client.get(reverse("safety:drill_term") + f"?term={theirs.pk}").context["term"] == term


def test_the_term_page_queries_are_constant(world, term):
    client = world.client(Role.DIRECTOR)
    url = reverse("safety:drill_term")
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for month in (9, 10, 11):
        drill(world, D(2026, month, 15), evacuation_seconds=200)
        TrainingFactory(school=world.schools["a"], held_on=D(2026, month, 20))
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(many) == len(few)


class TestDrillPages(PagesContract):
    model = Drill
    factory = DrillFactory

    def valid_form(self, world):
        return {"kind": "evacuation", "title": "九月应急疏散演练", "held_on": "2026-09-15", "participants": 600,
                "scope": "全校师生", "evacuation_seconds": 110, "evaluation": "有序"}

    def edit_form(self, world, obj):
        return {"kind": obj.kind, "title": obj.title, "held_on": obj.held_on.isoformat(), "participants": 610,
                "loaded_at": obj.updated_at.isoformat()}


class TestTrainingPages(PagesContract):
    model = Training
    factory = TrainingFactory

    def valid_form(self, world):
        return {"title": "消防安全培训", "held_on": "2026-09-20", "trainer": "消防大队", "hours": "2",
                "attendees": [PersonFactory(school=world.schools["a"]).pk]}

    def edit_form(self, world, obj):
        return {"title": obj.title, "held_on": obj.held_on.isoformat(), "hours": "3",
                "loaded_at": obj.updated_at.isoformat()}


class TestDrillApi(ApiContract):
    model = Drill
    factory = DrillFactory
    path = "drills"

    def valid_payload(self, world):
        return {"kind": "evacuation", "title": "九月应急疏散演练", "held_on": "2026-09-15", "participants": 600}

    def edit_payload(self, world, obj):
        return {"evacuation_seconds": 115}

    def other_school_payload(self, world):
        return {**self.valid_payload(world), "organiser": PersonFactory(school=world.schools["c"]).pk}


class TestTrainingApi(ApiContract):
    model = Training
    factory = TrainingFactory
    path = "trainings"

    def valid_payload(self, world):
        return {"title": "消防安全培训", "held_on": "2026-09-20", "hours": "2",
                "attendees": [PersonFactory(school=world.schools["a"]).pk]}

    def edit_payload(self, world, obj):
        return {"hours": "3"}

    def other_school_payload(self, world):
        return {**self.valid_payload(world), "attendees": [PersonFactory(school=world.schools["c"]).pk]}
