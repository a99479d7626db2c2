"""API of the asset reports and of the Excel import: the same figures as the pages, the
same roles, the teacher narrowed to his own rooms, and nothing written from a bad file."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from houqin.assets import reports
from houqin.assets.models import Asset
from houqin.core.choices import Role

from ..api_contracts import API, api_client
from .test_excel import line, xlsx

pytestmark = pytest.mark.django_db
D = Decimal


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
READERS = [Role.PRINCIPAL, Role.DIRECTOR, Role.KEEPER, Role.ACCOUNTANT, Role.BUYER, Role.CANTEEN, Role.WORKER,
           Role.GUARD, Role.DISTRICT_OFFICER]


def test_ledger_equals_the_reports_figures(world, register_a):
    response = api_client(world, Role.DIRECTOR).get(f"{API}asset-reports/ledger/?date=2025-06-30")
    assert response.status_code == 200
    body = response.json()
    expected = reports.general_ledger(Asset.objects.filter(school=world.schools["a"]), datetime.date(2025, 6, 30))
    total = expected.total()
    assert D(body["total"]["original"]) == total.original
    assert D(body["total"]["accumulated"]) == total.accumulated
    assert D(body["total"]["net"]) == total.net
    assert body["total"]["holdings"] == total.holdings == 5  # the lost laptop is off the books
    assert [r["code"] for r in body["fixed"]] == [r.code for r in expected.fixed]


@pytest.mark.parametrize("role", READERS)
def test_readers_get_the_reports(world, register_a, role):
    client = api_client(world, role)
    for path in ("ledger/", "depreciation/?month=2025-01", "quarterly/?year=2025&quarter=1"):
        assert client.get(f"{API}asset-reports/{path}").status_code == 200, (role, path)


def test_teacher_sees_only_his_rooms_figures(world, register_a, rooms):
    teacher = world.user(Role.TEACHER).people.get()
    rooms["a"]["class"].responsible = teacher
    rooms["a"]["class"].save()
    body = api_client(world, Role.TEACHER).get(f"{API}asset-reports/ledger/").json()
    mine = Asset.objects.filter(school=world.schools["a"], room=rooms["a"]["class"])
    assert D(body["total"]["original"]) == reports.general_ledger(mine, datetime.date.today()).total().original
    assert body["total"]["holdings"] == 3


def test_another_schools_figures_are_refused(world, register_a):
    client = api_client(world, Role.DIRECTOR, header="c")
    assert client.get(f"{API}asset-reports/ledger/").status_code == 403
    body = api_client(world, Role.DIRECTOR, "b").get(f"{API}asset-reports/ledger/").json()
    assert body["total"]["holdings"] == 0


def test_anonymous_gets_nothing(world, register_a):
    assert api_client().get(f"{API}asset-reports/ledger/").status_code in (401, 403)


def test_ledger_queries_are_constant(world, register_a):
    client = api_client(world, Role.DIRECTOR)
    client.get(f"{API}asset-reports/ledger/")
    with CaptureQueriesContext(connection) as queries:
        client.get(f"{API}asset-reports/ledger/")
    assert len(queries) <= 12


class TestImportApi:
    def test_check_only_writes_nothing(self, world, rooms):
        response = api_client(world, Role.KEEPER).post(f"{API}asset-imports/", {"file": xlsx([line(), line()])},
                                                       format="multipart")
        assert response.status_code == 200, response.json()
        assert response.json()["assets"] == 2 and not response.json()["committed"]
        assert Asset.objects.count() == 0

    def test_commit_imports_every_row(self, world, rooms):
        response = api_client(world, Role.KEEPER).post(
            f"{API}asset-imports/", {"file": xlsx([line(), line(单价="99.50", 数量=3)]), "commit": "true"},
            format="multipart")
        assert response.status_code == 201, response.json()
        assert Asset.objects.filter(school=world.schools["a"]).count() == 2
        assert D(response.json()["value"]) == D("4800.00") + D("298.50")

    def test_bad_rows_are_all_named_and_nothing_is_written(self, world, rooms):
        response = api_client(world, Role.KEEPER).post(
            f"{API}asset-imports/", {"file": xlsx([line(), line(单价="abc"), line(分类="X99")]), "commit": "true"},
            format="multipart")
        assert response.status_code == 422
        errors = response.json()["errors"]
        assert any(e.startswith("第 3 行") for e in errors) and any(e.startswith("第 4 行") for e in errors)
        assert Asset.objects.count() == 0

    def test_not_an_excel_file(self, world):
        fake = xlsx([line()])
        fake.name = "a.txt"
        response = api_client(world, Role.KEEPER).post(f"{API}asset-imports/", {"file": fake}, format="multipart")
        assert response.status_code == 400 and "xlsx" in response.json()["file"][0]

    @pytest.mark.parametrize("role", [Role.TEACHER, Role.ACCOUNTANT, Role.GUARD, Role.DISTRICT_OFFICER])
    def test_only_keepers_import(self, world, rooms, role):
        response = api_client(world, role).post(f"{API}asset-imports/", {"file": xlsx([line()]), "commit": "true"},
                                                format="multipart")
        assert response.status_code == 403
        assert Asset.objects.count() == 0
