"""The core POST action view: an HTMX request gets the fragment the view names, with the
service's result or its refusal; a refusal writes nothing; another school's row is a 404."""

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404
from django.test import RequestFactory

from houqin.core.choices import Role
from houqin.core.models import Campus
from houqin.core.tenancy import roles_in
from houqin.core.views.actions import ObjectActionView

from ..factories import CampusFactory

pytestmark = pytest.mark.django_db


class RenameCampus(ObjectActionView):
    model = Campus
    fragment = "exampleapp/_action.html"

    def perform(self, campus, data, by):
        name = f"{campus.name}（{by.username}改）"
        Campus.objects.filter(pk=campus.pk).update(name=name)
        if self.request.POST.get("refuse"):
            raise ValidationError("不能改名")
        return name


def post(world, campus, **data):
    request = RequestFactory().post("/", data, headers={"HX-Request": "true"})
    request.user = world.user(Role.DIRECTOR)
    request.school, request.roles = world.schools["a"], roles_in(request.user, world.schools["a"])
    return RenameCampus.as_view()(request, pk=campus.pk)


def test_an_htmx_step_answers_with_its_fragment(world):
    campus = CampusFactory(school=world.schools["a"], name="东校区")
    response = post(world, campus)
    assert response.status_code == 200
    assert response.content.decode().strip() == '<span id="result">东校区|东校区（a.director改）|</span>'


def test_a_refused_step_writes_nothing_and_says_why(world):
    campus = CampusFactory(school=world.schools["a"], name="东校区")
    response = post(world, campus, refuse="1")
    assert "|不能改名</span>" in response.content.decode()
    campus.refresh_from_db()
    assert campus.name == "东校区"


def test_another_schools_row_is_not_found(world):
    theirs = CampusFactory(school=world.schools["b"])
    with pytest.raises(Http404):
        post(world, theirs)
