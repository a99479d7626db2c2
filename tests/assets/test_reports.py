"""Ledgers and reports: depreciation against hand-computed figures, 总帐 totals, the quarterly
report's balance, the pages for each role and school, and constant query counts."""

import datetime
import io
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from houqin.assets import reports, services
from houqin.assets.models import Asset, AssetEvent
from houqin.core.choices import Role
from tests.factories import RoomFactory, SchoolClassFactory

from .factories import AssetFactory, bulk, category

D = Decimal
pytestmark = pytest.mark.django_db


def ledger_of(school, date):
    return reports.general_ledger(Asset.objects.filter(school=school), date)


def row(ledger, code, capitalised=True):
    return next(r for r in ledger.rows if r.code == code and r.capitalised == capitalised)


@pytest.fixture
def projector(world):
    """A 4800.00 projector bought 2024-09 (电教设备 B09: 5 years, 60 months): 80.00 a month."""
    return AssetFactory(school=world.schools["a"], name="多功能投影机", unit_price=D("4800.00"),
                        purchase_date=datetime.date(2024, 9, 15))


class TestDepreciation:
    @pytest.mark.parametrize(("date", "accumulated"), [
        (datetime.date(2024, 8, 31), "0.00"),  # before purchase
        (datetime.date(2024, 9, 1), "80.00"),  # 当月增加当月计提
        (datetime.date(2024, 12, 31), "320.00"),
        (datetime.date(2025, 8, 31), "960.00"),  # 12 months
        (datetime.date(2029, 7, 31), "4720.00"),  # 59 months
        (datetime.date(2029, 8, 31), "4800.00"),  # 60 months: fully depreciated, no residual
        (datetime.date(2031, 1, 1), "4800.00"),  # never beyond the original value
    ])
    def test_projector(self, projector, date, accumulated):
        assert projector.life_months == 60 and projector.capitalised
        r = row(ledger_of(projector.school, date), "B09") if date >= projector.purchase_date else None
        if r is None:
            assert reports.accumulated_py(projector, date) == D(accumulated)
            return
        assert r.original == D("4800.00")
        assert r.accumulated == D(accumulated)
        assert r.net == D("4800.00") - D(accumulated)
        assert reports.accumulated_py(projector, date) == D(accumulated)

    def test_monthly_charge(self, projector):
        school = projector.school
        assets = Asset.objects.filter(school=school)
        (aug,) = reports.monthly_depreciation(assets, 2025, 8)
        assert (aug["code"], aug["amount"], aug["accumulated"], aug["holdings"]) == ("B09", D("80.00"), D("960.00"), 1)
        (last,) = reports.monthly_depreciation(assets, 2029, 8)
        assert last["amount"] == D("80.00")
        (after,) = reports.monthly_depreciation(assets, 2029, 9)
        assert after["amount"] == D("0.00") and after["holdings"] == 0
        assert reports.monthly_depreciation(assets, 2024, 8) == []

    def test_uneven_division_rounds_to_the_cent(self, world):
        # 计算机设备 B01: 6 years = 72 months; 1000.00 / 72 = 13.888…
        pc = AssetFactory(school=world.schools["a"], name="计算机", category=category("B01"),
                          unit_price=D("1000.00"), purchase_date=datetime.date(2025, 1, 10))
        ledger = ledger_of(pc.school, datetime.date(2025, 1, 31))
        assert row(ledger, "B01").accumulated == D("13.89")
        ledger = ledger_of(pc.school, datetime.date(2025, 5, 31))
        assert row(ledger, "B01").accumulated == D("69.44")  # 5000 / 72 = 69.444…

    def test_books_are_not_depreciated(self, world):
        books = bulk(world.schools["a"], name="图书", category=category("D01"), unit_price=D("1500.00"),
                     quantity=10, unit="套", purchase_date=datetime.date(2015, 3, 1))
        assert books.capitalised and books.life_months is None
        r = row(ledger_of(books.school, datetime.date(2025, 8, 31)), "D01")
        assert (r.original, r.accumulated, r.net) == (D("15000.00"), D("0.00"), D("15000.00"))
        assert reports.monthly_depreciation(Asset.objects.filter(school=books.school), 2025, 8) == []

    def test_low_value_items_are_not_capitalised(self, world):
        desks = bulk(world.schools["a"], purchase_date=datetime.date(2020, 8, 1))  # 40 × 320.00
        assert not desks.capitalised and desks.life_months is None
        ledger = ledger_of(desks.school, datetime.date(2025, 8, 31))
        assert ledger.fixed == []
        r = row(ledger, "E01", capitalised=False)
        assert (r.holdings, r.quantity, r.original, r.accumulated) == (1, 40, D("12800.00"), D("0.00"))
        assert ledger.total(False).original == D("12800.00") and ledger.total(True).original == D("0.00")

    def test_threshold_boundary(self, world):
        school = world.schools["a"]
        at = AssetFactory(school=school, unit_price=D("1000.00"), category=category("B02"))
        below = AssetFactory(school=school, unit_price=D("999.99"), category=category("B02"))
        assert at.capitalised and at.life_months == 72
        assert not below.capitalised and below.life_months is None


class TestGeneralLedger:
    def test_totals_equal_the_sum_over_assets(self, world, projector):
        school = world.schools["a"]
        AssetFactory(school=school, name="计算机", category=category("B01"), unit_price=D("4321.17"),
                     purchase_date=datetime.date(2021, 2, 3))
        AssetFactory(school=school, name="空调", category=category("B06"), unit_price=D("3599.99"),
                     purchase_date=datetime.date(2019, 12, 31))
        bulk(school, purchase_date=datetime.date(2018, 6, 1), quantity=33)
        bulk(school, name="图书柜", category=category("E04"), unit_price=D("1234.56"), quantity=7,
             purchase_date=datetime.date(2016, 1, 1))
        lost = AssetFactory(school=school, name="笔记本电脑", category=category("B01"), unit_price=D("5000.00"))
        services.mark_lost(lost, by=world.user(Role.DIRECTOR), note="被盗")
        AssetFactory(school=world.schools["b"], unit_price=D("99999.00"))  # another school's
        date = datetime.date(2025, 8, 31)
        ledger = ledger_of(school, date)
        on_books = [a for a in Asset.objects.filter(school=school) if a.status != "lost"]
        total = ledger.total()
        assert total.holdings == len(on_books) == 5
        assert total.quantity == sum(a.quantity for a in on_books)
        assert total.original == sum(a.unit_price * a.quantity for a in on_books)
        assert total.accumulated == sum(reports.accumulated_py(a, date) for a in on_books)
        assert total.net == total.original - total.accumulated
        assert ledger.total(True).original + ledger.total(False).original == total.original

    def test_purchases_after_the_date_are_not_counted(self, projector):
        assert ledger_of(projector.school, datetime.date(2024, 8, 31)).rows == []

    def test_one_aggregate_query(self, world, projector):
        bulk(world.schools["a"])
        with CaptureQueriesContext(connection) as queries:
            ledger_of(world.schools["a"], datetime.date(2025, 8, 31))
        assert len(queries) == 2  # the aggregate and the category names


class TestQuarterlyReport:
    def test_balances(self, world):
        school, director = world.schools["a"], world.user(Role.DIRECTOR)
        today = datetime.date.today()
        quarter = (today.month - 1) // 3 + 1
        start, end = reports.quarter_bounds(today.year, quarter)
        before = start - datetime.timedelta(days=40)
        old_pc = AssetFactory(school=school, name="计算机", category=category("B01"), unit_price=D("6000.00"),
                              purchase_date=before)
        AssetFactory(school=school, name="计算机", category=category("B01"), unit_price=D("3000.00"),
                     purchase_date=before)
        AssetFactory(school=school, name="计算机", category=category("B01"), unit_price=D("4500.00"),
                     purchase_date=start)  # an addition of the quarter
        bulk(school, purchase_date=before)  # low-value: not in the fixed-asset report
        tables = bulk(school, name="实验桌", category=category("E02"), unit_price=D("1500.00"), quantity=10,
                      purchase_date=before)
        services.mark_lost(old_pc, by=director, note="被盗")  # a disposal of the quarter
        services.split(tables, 4, by=director)  # split: out of one holding, into another — nets to zero
        report = reports.quarterly_report(school, today.year, quarter)
        rows = {r["code"]: r for r in report["rows"]}
        assert set(rows) == {"B01", "E02"}
        b01 = rows["B01"]
        assert (b01["opening"], b01["additions"], b01["disposals"], b01["closing"]) == (
            D("9000.00"), D("4500.00"), D("6000.00"), D("7500.00"))
        e02 = rows["E02"]
        assert (e02["opening"], e02["additions"], e02["disposals"], e02["closing"]) == (
            D("15000.00"), D("6000.00"), D("6000.00"), D("15000.00"))
        for r in [*report["rows"], report["total"]]:
            assert r["opening"] + r["additions"] - r["disposals"] == r["closing"]
        # the closing balance is the ledger's original value of fixed assets on the books
        assert report["total"]["closing"] == ledger_of(school, end).total(True).original
        # depreciation of the quarter: the three monthly charges
        months = [(today.year, m) for m in range(3 * quarter - 2, 3 * quarter + 1)]
        assets = Asset.objects.filter(school=school)
        charged = sum((r["amount"] for y, m in months for r in reports.monthly_depreciation(assets, y, m)), D("0"))
        assert report["total"]["depreciation"] == charged

    def test_quarter_bounds(self):
        assert reports.quarter_bounds(2025, 1) == (datetime.date(2025, 1, 1), datetime.date(2025, 3, 31))
        assert reports.quarter_bounds(2025, 4) == (datetime.date(2025, 10, 1), datetime.date(2025, 12, 31))


# --- pages -----------------------------------------------------------------------------------------

PAGES = ["assets:report_ledger", "assets:report_events", "assets:report_depreciation", "assets:report_quarterly"]


@pytest.fixture
def register(world, projector):
    """School a: the projector plus a bulk holding in a classroom whose head teacher is a.teacher;
    school b: an asset with a recognisable name."""
    teacher = world.user(Role.TEACHER).people.get()
    classroom = RoomFactory(school=world.schools["a"], name="六(3)班教室")
    SchoolClassFactory(school=world.schools["a"], grade=6, number=3, room=classroom, head_teacher=teacher)
    desks = bulk(world.schools["a"], room=classroom, name="学生课桌椅", purchase_date=datetime.date(2022, 8, 1))
    other = AssetFactory(school=world.schools["b"], name="乙校专用钢琴", unit_price=D("88888.00"),
                         category=category("B13"))
    return {"projector": projector, "desks": desks, "classroom": classroom, "other": other}


class TestPages:
    @pytest.mark.parametrize("name", PAGES)
    @pytest.mark.parametrize("role", [Role.DIRECTOR, Role.KEEPER, Role.PRINCIPAL, Role.ACCOUNTANT,
                                      Role.DISTRICT_OFFICER, Role.TEACHER])
    def test_pages_answer_for_readers(self, world, register, name, role):
        client = world.client(role)
        for query in ("", "?print=1"):
            response = client.get(reverse(name) + query)
            assert response.status_code == 200, (role, name, query)
            assert "乙校专用钢琴" not in response.content.decode()

    @pytest.mark.parametrize("name", PAGES)
    def test_excel_exports(self, world, register, name):
        response = world.client(Role.DIRECTOR).get(reverse(name) + "?format=xlsx")
        assert response.status_code == 200
        assert response["Content-Type"].startswith("application/vnd.openxmlformats")
        assert b"".join(response.streaming_content)[:2] == b"PK"

    def test_ledger_figures_on_the_page(self, world, register):
        response = world.client(Role.DIRECTOR).get(reverse("assets:report_ledger") + "?date=2025-08-31")
        html = response.content.decode()
        assert "960.00" in html and "3,840.00" in html  # the projector
        assert "12,800.00" in html  # the desks, low-value

    def test_teacher_sees_only_his_rooms(self, world, register):
        response = world.client(Role.TEACHER).get(reverse("assets:report_ledger") + "?date=2025-08-31")
        ledger = response.context["ledger"]
        assert [r.code for r in ledger.rows] == ["E01"]  # the desks of his classroom, not the projector
        projector_room = register["projector"].room
        assert world.client(Role.TEACHER).get(
            reverse("assets:report_room", args=[projector_room.pk])).status_code == 403
        assert world.client(Role.TEACHER).get(
            reverse("assets:report_room", args=[register["classroom"].pk])).status_code == 200

    def test_room_list_print_view(self, world, register):
        url = reverse("assets:report_room", args=[register["classroom"].pk])
        html = world.client(Role.DIRECTOR).get(url + "?print=1").content.decode()
        for text in ("学生课桌椅", "班主任", "室长", "总务处", "日期", "sign-line", register["desks"].tag):
            assert text in html
        xlsx = world.client(Role.DIRECTOR).get(url + "?format=xlsx")
        assert xlsx.status_code == 200

    def test_other_school_room_is_404(self, world, register):
        url = reverse("assets:report_room", args=[register["classroom"].pk])
        assert world.client(Role.DIRECTOR, "b").get(url).status_code == 404
        assert world.client(Role.DIRECTOR, "c").get(url).status_code == 404

    def test_other_school_sees_nothing_of_ours(self, world, register):
        response = world.client(Role.DIRECTOR, "b").get(reverse("assets:report_ledger") + "?date=2025-08-31")
        ledger = response.context["ledger"]
        assert ledger.total().original == D("88888.00")
        events = world.client(Role.DIRECTOR, "c").get(reverse("assets:report_events") + "?start=2000-01-01")
        assert list(events.context["events"]) == []

    def test_anonymous_is_sent_to_login(self, client, register):
        for name in PAGES:
            response = client.get(reverse(name))
            assert response.status_code == 302 and "/login/" in response["Location"]

    def test_event_ledger_filters(self, world, register):
        client = world.client(Role.DIRECTOR)
        today = datetime.date.today().isoformat()
        url = reverse("assets:report_events")
        events = client.get(f"{url}?start=2000-01-01&end={today}").context["events"]
        assert {e.asset_id for e in events} == {register["projector"].pk, register["desks"].pk}
        e01 = category("E01").pk
        events = client.get(f"{url}?start=2000-01-01&end={today}&category={e01}").context["events"]
        assert [e.asset_id for e in events] == [register["desks"].pk]
        assert list(client.get(f"{url}?start=2000-01-01&end={today}&kind=scrap").context["events"]) == []


    def test_event_ledger_export_survives_control_characters_in_stored_notes(self, world, register):
        """Text stored before it was validated (a note with "\x01") cannot break the export:
        the writer replaces what openpyxl refuses, and still neutralises formulas."""
        event = AssetEvent.objects.filter(asset=register["projector"]).order_by("pk").first()
        event.pk, event.note, event._state.adding = None, "=镜头\x01松动", True
        event.save()
        today = datetime.date.today().isoformat()
        response = world.client(Role.DIRECTOR).get(
            reverse("assets:report_events") + f"?start=2000-01-01&end={today}&format=xlsx")
        assert response.status_code == 200
        ws = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
        values = [c.value for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
        assert "'=镜头\ufffd松动" in values


class TestQueryCounts:
    @pytest.mark.parametrize("name", PAGES)
    def test_constant(self, world, name):
        school = world.schools["a"]
        client = world.client(Role.DIRECTOR)
        url = reverse(name) + "?start=2000-01-01"
        AssetFactory(school=school)
        client.get(url)  # warm caches (content types, sessions)
        with CaptureQueriesContext(connection) as few:
            assert client.get(url).status_code == 200
        for i in range(12):
            AssetFactory(school=school, category=category(["B01", "B06", "E02", "B12"][i % 4]),
                         purchase_date=datetime.date(2020 + i % 5, 1 + i, 1))
            bulk(school, purchase_date=datetime.date(2019, 1 + i, 1))
        with CaptureQueriesContext(connection) as many:
            assert client.get(url).status_code == 200
        assert len(many) == len(few), [q["sql"][:120] for q in many.captured_queries]
        assert len(many) <= 12
