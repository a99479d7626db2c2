"""Page contracts for the places and people of the core app."""

import datetime

from django.core.exceptions import ValidationError
from django.urls import reverse

from houqin.core import models
from houqin.core.choices import Role
from houqin.core.forms import CampusForm

from ..contracts import PagesContract
from ..factories import (
    BuildingFactory,
    CampusFactory,
    CertificateFactory,
    PersonFactory,
    RoomFactory,
    SchoolClassFactory,
    TermFactory,
)


class TestCampusPages(PagesContract):
    model = models.Campus
    factory = CampusFactory

    def valid_form(self, world):
        return {"name": "东校区", "address": "施州大道1号"}

    def edit_form(self, world, obj):
        return {"name": obj.name + "改", "address": "新址", "loaded_at": obj.updated_at.isoformat()}


class TestTermPages(PagesContract):
    model = models.Term
    factory = TermFactory

    def valid_form(self, world):
        return {"name": "2026年秋季学期", "starts_on": "2026-09-01", "ends_on": "2027-01-22"}

    def edit_form(self, world, obj):
        return {"name": obj.name + "改", "starts_on": obj.starts_on.isoformat(), "ends_on": obj.ends_on.isoformat(),
                "loaded_at": obj.updated_at.isoformat()}


def test_term_cannot_end_before_it_starts(world):
    client = world.client("director", "a")
    response = client.post("/terms/add/", {"name": "错学期", "starts_on": "2026-09-01", "ends_on": "2026-08-01"})
    assert response.status_code == 200
    assert "结束日期不能早于开学日期" in response.content.decode()
    assert not models.Term.objects.filter(name="错学期").exists()


class TestBuildingPages(PagesContract):
    model = models.Building
    factory = BuildingFactory

    def valid_form(self, world):
        return {"campus": CampusFactory(school=world.schools["a"]).pk, "name": "综合楼", "floors": 4}

    def edit_form(self, world, obj):
        return {"campus": obj.campus_id, "name": obj.name + "改", "floors": 5}


class TestRoomPages(PagesContract):
    model = models.Room
    factory = RoomFactory

    def valid_form(self, world):
        building = BuildingFactory(school=world.schools["a"])
        return {"building": building.pk, "name": "六(3)班教室", "number": "301", "floor": 3, "kind": "classroom"}

    def edit_form(self, world, obj):
        return {"building": obj.building_id, "name": obj.name + "改", "floor": 2, "kind": "office"}


class TestSchoolClassPages(PagesContract):
    model = models.SchoolClass
    factory = SchoolClassFactory

    def valid_form(self, world):
        return {"grade": 6, "number": 9, "pupils": 45}

    def edit_form(self, world, obj):
        return {"grade": obj.grade, "number": obj.number, "pupils": 50}


class TestPersonPages(PagesContract):
    model = models.Person
    factory = PersonFactory

    def valid_form(self, world):
        return {"name": "张师傅", "gender": "m", "position": "厨师", "employment": "contract", "active": "on"}

    def edit_form(self, world, obj):
        return {"name": obj.name, "employment": "staff", "position": "门卫"}


class TestCertificatePages(PagesContract):
    model = models.Certificate
    factory = CertificateFactory

    def valid_form(self, world):
        person = PersonFactory(school=world.schools["a"])
        return {"person": person.pk, "kind": "health", "number": "JK001",
                "issued_on": "2026-01-01", "expires_on": "2027-01-01"}

    def edit_form(self, world, obj):
        return {"person": obj.person_id, "kind": obj.kind, "number": "JK002",
                "expires_on": (obj.expires_on + datetime.timedelta(days=365)).isoformat()}


def test_an_edit_page_writes_all_or_nothing(world, monkeypatch):
    """ObjectEditView saves in one transaction: a refusal raised after the row was written
    rolls it back and is shown on the form, in Chinese (before: the row stayed, and a 500)."""
    def save_then_refuse(form, commit=True):
        super(CampusForm, form).save(commit)
        raise ValidationError("校区名称与上级系统冲突")

    monkeypatch.setattr(CampusForm, "save", save_then_refuse)
    form = {"name": "东校区", "address": "施州大道1号"}
    response = world.client(Role.DIRECTOR).post(reverse("core:campus_add"), form)
    assert response.status_code == 200 and "校区名称与上级系统冲突" in str(response.context["form"].errors)
    assert not models.Campus.objects.filter(name="东校区").exists()


def test_an_edit_page_returns_to_a_same_site_next_only(world):
    """ObjectEditView goes back to the page the form came from when it is on this site; another
    host's `next` is ignored and the object's page is shown."""
    client = world.client(Role.DIRECTOR)
    page = client.get(reverse("core:campus_add") + "?next=/core/campuses/?q=east")
    assert 'name="next" value="/core/campuses/?q=east"' in page.content.decode()
    back = client.post(reverse("core:campus_add"), {"name": "东校区", "address": "施州大道1号",
                                                     "next": "/core/campuses/?q=east"})
    assert back.status_code == 302 and back["Location"] == "/core/campuses/?q=east"
    away = client.post(reverse("core:campus_add"), {"name": "西校区", "address": "施州大道2号",
                                                     "next": "https://evil.example/"})
    campus = models.Campus.objects.get(name="西校区")
    assert away["Location"] == reverse("core:campus_detail", args=[campus.pk])
