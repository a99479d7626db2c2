"""Excel export and import: the round trip keeps the 总帐 to the cent, a file with bad rows
writes nothing and names every bad row, formula payloads are neutralised, another school's
rooms and people are refused, and only the keepers may import or export. The import is core's
importer declared in assets/importers.py: checked in the background, then confirmed."""

import datetime
import io
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from houqin.assets import excel, reports
from houqin.assets.choices import EventKind, HoldingKind
from houqin.assets.importers import AssetImporter
from houqin.assets.models import Asset, AssetEvent
from houqin.core.choices import Role
from houqin.core.importer import ImportFileError
from houqin.core.models import Building, ImportJob
from tests.factories import PersonFactory, RoomFactory

from .factories import AssetFactory, category

D = Decimal
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path  # checked uploads wait for confirmation under MEDIA_ROOT


HEADERS = [c.header for c in AssetImporter.columns if c.template]


def check(f, school):
    """Every row checked, nothing written: the Outcome (valid forms, or every error)."""
    return AssetImporter(school).validate(f)


def upload(client, f):
    """Upload as the page does: the check runs (immediately, in the tests) and the job page
    shows its result; returns (the job, the job page)."""
    response = client.post(reverse("assets:asset_import"), {"file": f})
    assert response.status_code == 302, response.content[:500]
    page = client.get(response["Location"])
    return ImportJob.objects.get(pk=response["Location"].rstrip("/").rsplit("/", 1)[1]), page


def confirm(client, job):
    return client.post(reverse("assets:asset_import_confirm", args=[job.pk]))


def xlsx(rows, headers=HEADERS):
    wb = Workbook()
    ws = wb.active
    ws.append(headers)
    for r in rows:
        ws.append(r)
    out = io.BytesIO()
    wb.save(out)
    out.seek(0)
    out.name = "台账.xlsx"
    return out


def line(**values):
    base = {"名称": "多功能投影机", "分类": "B09", "单价": "4800.00", "数量": 1, "购置日期": "2024-09-01",
            "存放地点": "综合楼 多媒体教室"}
    base.update(values)
    return [base.get(h, "") for h in HEADERS]


def export(client, query=""):
    response = client.get(reverse("assets:asset_export") + query)
    assert response.status_code == 200, response.content[:500]
    data = b"".join(response.streaming_content)
    return io.BytesIO(data)


def totals(school, date):
    t = reports.general_ledger(Asset.objects.filter(school=school), date).total()
    return (t.holdings, t.quantity, t.original, t.accumulated, t.net)


class TestRoundTrip:
    def test_export_reimported_into_an_empty_school_gives_the_same_ledger(self, world, rooms, register_a):
        date = datetime.date(2025, 8, 31)
        exported = export(world.client(Role.DIRECTOR))
        assert Asset.objects.filter(school=world.schools["b"]).count() == 0
        result = check(exported, world.schools["b"])
        # the custodian is a.keeper's name; b has its own keeper with another name
        assert result.messages() == [f"第 3 行：保管人“{world.user(Role.KEEPER).people.get().name}”不是本校教职工"] or \
            not result.errors
        # re-import through the pages, as a keeper of school b would: upload, check, confirm
        PersonFactory(school=world.schools["b"], name=world.user(Role.KEEPER).people.get().name)
        client = world.client(Role.KEEPER, "b")
        exported.seek(0)
        exported.name = "资产清单.xlsx"
        job, page = upload(client, exported)
        assert job.status == ImportJob.Status.CHECKED, job.errors
        assert Asset.objects.filter(school=world.schools["b"]).count() == 0  # nothing before confirming
        assert job.summary["skipped"] == 1  # the lost laptop is not on the books
        assert "确认导入" in page.content.decode() and "1 行不导入，跳过" in page.content.decode()
        done = confirm(client, job)
        assert done.status_code == 302
        job.refresh_from_db()
        assert job.status == ImportJob.Status.DONE and not job.file
        assert "已导入" in client.get(done["Location"]).content.decode()
        assert totals(world.schools["b"], date) == totals(world.schools["a"], date)
        a_ledger = reports.general_ledger(Asset.objects.filter(school=world.schools["a"]), date)
        b_ledger = reports.general_ledger(Asset.objects.filter(school=world.schools["b"]), date)
        assert [(r.code, r.capitalised, r.original, r.accumulated) for r in a_ledger.rows] == \
            [(r.code, r.capitalised, r.original, r.accumulated) for r in b_ledger.rows]
        # tags, kinds, payloads and derived fields came through unchanged
        a = {x.tag: x for x in Asset.objects.filter(school=world.schools["a"], status="in_use")}
        b = {x.tag: x for x in Asset.objects.filter(school=world.schools["b"])}
        assert set(a) == set(b)
        for tag, x in a.items():
            y = b[tag]
            assert (x.name, x.kind, x.unit_price, x.quantity, x.purchase_date, x.model_spec, x.brand, x.notes,
                    x.pinyin, x.capitalised, x.start_month, x.life_months, x.room.name) == \
                   (y.name, y.kind, y.unit_price, y.quantity, y.purchase_date, y.model_spec, y.brand, y.notes,
                    y.pinyin, y.capitalised, y.start_month, y.life_months, y.room.name)
            assert y.room.school_id == world.schools["b"].pk
        # one REGISTER event and one history row per imported holding
        assert AssetEvent.objects.filter(school=world.schools["b"], kind=EventKind.REGISTER).count() == len(b)
        assert Asset.history.filter(school=world.schools["b"]).count() == len(b)

    def test_filtered_export(self, world, register_a):
        data = export(world.client(Role.DIRECTOR), f"?category={category('E01').pk}")
        ws = load_workbook(data).active
        names = [r[1] for r in ws.iter_rows(min_row=3, values_only=True)]
        assert names == ["学生课桌椅"]


class TestBadRows:
    def test_every_bad_row_is_named_and_nothing_is_written(self, world, rooms):
        AssetFactory(school=world.schools["a"], room=rooms["a"]["media"], tag="OLD-0001")
        before = (Asset.objects.count(), AssetEvent.objects.count())
        f = xlsx([
            line(),  # row 2: good
            line(单价="abc"),  # row 3
            line(分类="不存在的分类"),  # row 4
            line(),  # row 5: good
            line(存放地点="火星 基地", 购置日期="2024-13-45"),  # row 6: two errors
            line(资产编号="T-1"),  # row 7
            line(资产编号="T-1"),  # row 8: duplicate in the file
            line(资产编号="OLD-0001"),  # row 9: already in the register
            line(管理方式="单件", 数量=3),  # row 10
            line(数量="-2"),  # row 11
            line(名称=""),  # row 12
            line(保管人="查无此人"),  # row 13
            line(单价="12.345"),  # row 14
        ])
        result = check(f, world.schools["a"])
        assert not result.ok
        assert result.messages() == [
            "第 3 行：单价“abc”不是有效金额",
            "第 4 行：分类“不存在的分类”不存在（填分类代码如 B09，或分类名称）",
            "第 6 行：购置日期“2024-13-45”不是有效日期（如 2024-09-01）",
            "第 6 行：存放地点“火星 基地”不是本校的房间",
            "第 8 行：资产编号“T-1”与第 7 行重复",
            "第 9 行：资产编号“OLD-0001”本校已有",
            "第 10 行：数量：单件资产数量只能为 1；多件请选“批量”",  # the register form's own check
            "第 11 行：数量“-2”应为正整数",
            "第 12 行：名称不能为空",
            "第 13 行：保管人“查无此人”不是本校教职工",
            "第 14 行：单价“12.345”不是有效金额",
        ]
        f.seek(0)
        assert not AssetImporter(world.schools["a"]).run(f, by=world.user(Role.DIRECTOR)).ok
        assert (Asset.objects.count(), AssetEvent.objects.count()) == before

    def test_page_lists_the_errors_and_writes_nothing(self, world, rooms):
        f = xlsx([line(), line(单价="abc"), line(分类="X99")])
        before = Asset.objects.count()
        job, page = upload(world.client(Role.KEEPER), f)
        html = page.content.decode()
        assert "第 3 行：单价“abc”不是有效金额" in html and "第 4 行：分类“X99”不存在" in html
        assert "未写入任何数据" in html
        assert Asset.objects.count() == before
        assert job.status == ImportJob.Status.FAILED and not job.file  # nothing left to confirm
        assert "确认导入" not in html
        assert confirm(world.client(Role.KEEPER), job).status_code == 302 and Asset.objects.count() == before

    def test_not_an_excel_file(self, world):
        f = io.BytesIO(b"name,price\n=cmd|' /C calc'!A0,1\n")
        f.name = "台账.xlsx"
        response = world.client(Role.KEEPER).post(reverse("assets:asset_import"), {"file": f})
        assert response.status_code == 400
        assert "无法读取文件" in response.content.decode()

    def test_missing_required_columns(self, world):
        f = xlsx([["投影机", 100]], headers=["名称", "单价"])
        with pytest.raises(ImportFileError, match="缺少必填列"):
            check(f, world.schools["a"])

    def test_formats_accepted(self, world, rooms):
        person = PersonFactory(school=world.schools["a"], name="谭春燕")
        f = xlsx([
            line(单价=4800, 购置日期=datetime.datetime(2024, 9, 1), 存放地点="多媒体教室"),  # unique room name
            line(单价="1,234.50元", 购置日期="2024/9/1", 存放地点="603", 分类="电教设备（投影机、电子白板、音响）"),
            line(单价="320", 数量="40", 购置日期="2019年8月", 分类="课桌椅", 保管人="谭春燕", 经费来源="专项经费",
                 状态="闲置"),
        ])
        result = check(f, world.schools["a"])
        assert result.errors == []
        a, b, c = (form.instance for form in result.valid)
        assert (a.unit_price, a.purchase_date, a.room, a.kind) == (D("4800.00"), datetime.date(2024, 9, 1),
                                                                  rooms["a"]["media"], HoldingKind.INDIVIDUAL)
        assert (b.unit_price, b.room, b.category.code) == (D("1234.50"), rooms["a"]["class"], "B09")
        assert (c.kind, c.quantity, c.purchase_date, c.custodian, c.funding_source, c.status, c.capitalised) == (
            HoldingKind.BULK, 40, datetime.date(2019, 8, 1), person, "special", "idle", False)
        f.seek(0)
        assert AssetImporter(world.schools["a"]).run(f, by=world.user(Role.KEEPER)).imported == 3
        code = world.schools["a"].code.upper()
        assert sorted(Asset.objects.values_list("tag", flat=True)) == [
            f"{code}-2019-00001", f"{code}-2024-00001", f"{code}-2024-00002"]


class TestFormulaInjection:
    PAYLOADS = ["=HYPERLINK(\"http://evil\",\"点我\")", "+1+1", "@SUM(A1)", "-2+3", "=cmd|' /C calc'!A0"]

    def test_export_neutralises_payloads(self, world, register_a):
        ws = load_workbook(export(world.client(Role.DIRECTOR))).active
        cells = [c for row in ws.iter_rows() for c in row]
        assert not any(c.data_type == "f" for c in cells)
        texts = {c.value for c in cells if isinstance(c.value, str)}
        assert "'=HYPERLINK(\"http://evil\",\"点我\")" in texts
        assert {"'+1+1", "'@SUM(A1)", "'-2+3"} <= texts
        assert not any(isinstance(v, str) and v.startswith(("=", "+", "@")) for v in texts)

    @pytest.mark.parametrize("payload", PAYLOADS)
    def test_safe(self, payload):
        assert excel.safe(payload) == "'" + payload
        assert excel.unsafe(excel.safe(payload)) == payload
        assert excel.safe("多功能投影机") == "多功能投影机" and excel.safe(12) == 12

    def test_report_exports_are_neutralised(self, world, register_a):
        room = register_a[2].room
        response = world.client(Role.DIRECTOR).get(reverse("assets:report_room", args=[room.pk]) + "?format=xlsx")
        ws = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
        cells = [c for row in ws.iter_rows() for c in row]
        assert not any(c.data_type == "f" for c in cells)
        assert "'=HYPERLINK(\"http://evil\",\"点我\")" in {c.value for c in cells}

    def test_template_has_headers_and_instructions(self, world):
        response = world.client(Role.KEEPER).get(reverse("assets:asset_import_template"))
        wb = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
        ws = wb.worksheets[0]
        assert [c.value for c in ws[1]] == HEADERS
        assert all(str(c.value).startswith("说明") for c in ws[2])
        assert wb["分类代码"]["A2"].value == "A"
        # the empty template imports as "no data", not as an error about the instructions row
        response.streaming_content  # noqa: B018
        result = check(io.BytesIO(_template_bytes(world)), world.schools["a"])
        assert result.messages() == ["文件中没有数据行"]


def _template_bytes(world):
    response = world.client(Role.KEEPER).get(reverse("assets:asset_import_template"))
    return b"".join(response.streaming_content)


class TestTenancy:
    def test_another_schools_rooms_are_not_accepted(self, world, rooms):
        c_room = rooms["c"]["media"]
        # a room that exists only in school c, named either way
        only_c = RoomFactory(school=world.schools["c"], building=Building.objects.get(
            school=world.schools["c"], name="综合楼"), name="丙校机房", number="999")
        f = xlsx([line(存放地点="综合楼 丙校机房"), line(存放地点="999"),
                  line(存放地点=f"{c_room.building.name} 丙校机房")])
        result = check(f, world.schools["a"])
        assert result.messages() == [
            "第 2 行：存放地点“综合楼 丙校机房”不是本校的房间",
            "第 3 行：存放地点“999”不是本校的房间",
            "第 4 行：存放地点“综合楼 丙校机房”不是本校的房间",
        ]
        assert only_c.assets.count() == 0

    def test_another_schools_people_are_not_accepted(self, world, rooms):
        PersonFactory(school=world.schools["b"], name="乙校职工")
        result = check(xlsx([line(保管人="乙校职工")]), world.schools["a"])
        assert result.messages() == ["第 2 行：保管人“乙校职工”不是本校教职工"]

    def test_confirm_of_another_schools_import_is_refused(self, world, rooms):
        client = world.client(Role.KEEPER)
        job, _page = upload(client, xlsx([line()]))
        assert job.status == ImportJob.Status.CHECKED
        other = world.client(Role.KEEPER, "b")
        assert other.post(reverse("assets:asset_import_confirm", args=[job.pk])).status_code == 404
        assert other.get(reverse("assets:asset_import_job", args=[job.pk])).status_code == 404
        assert Asset.objects.count() == 0
        done = confirm(client, job)
        assert done.status_code == 302 and Asset.objects.filter(school=world.schools["a"]).count() == 1
        # an import is confirmed once
        again = confirm(client, job)
        assert again.status_code == 302 and again["Location"] == reverse("assets:asset_import")
        assert Asset.objects.count() == 1

    def test_export_contains_only_our_school(self, world, register_a):
        AssetFactory(school=world.schools["b"], name="乙校专用钢琴")
        ws = load_workbook(export(world.client(Role.DIRECTOR))).active
        assert "乙校专用钢琴" not in {c.value for row in ws.iter_rows() for c in row}


class TestPermissions:
    @pytest.mark.parametrize(("role", "allowed"), [
        (Role.DIRECTOR, True), (Role.KEEPER, True), (Role.PRINCIPAL, True), (Role.TEACHER, False),
        (Role.ACCOUNTANT, False), (Role.GUARD, False), (Role.DISTRICT_OFFICER, False),
    ])
    def test_import_and_export_are_for_keepers(self, world, rooms, role, allowed):
        client = world.client(role)
        for name in ("assets:asset_import", "assets:asset_import_template", "assets:asset_export"):
            assert (client.get(reverse(name)).status_code == 200) is allowed, (role, name)
        response = client.post(reverse("assets:asset_import"), {"file": xlsx([line()])})
        assert response.status_code == (302 if allowed else 403)
        assert ImportJob.objects.exists() is allowed
        if not allowed:  # nor may they see or confirm a keeper's checked import
            job, _page = upload(world.client(Role.KEEPER), xlsx([line()]))
            assert client.get(reverse("assets:asset_import_job", args=[job.pk])).status_code == 403
            assert confirm(client, job).status_code == 403
        assert Asset.objects.count() == 0


class TestScale:
    def test_queries_do_not_grow_with_rows(self, world, rooms):
        """Categories, rooms, people and the tags in use are read once: checking 400 rows costs
        the queries of checking 5; saving adds a few bulk statements per batch, never one per row."""
        school, by = world.schools["a"], world.user(Role.KEEPER)
        PersonFactory(school=school, name="谭春燕")
        checks, runs = [], []
        for n in (5, 400):
            rows = [line(名称=f"计算机{i}", 分类="B01" if i % 2 else "电教设备（投影机、电子白板、音响）", 单价="4200",
                         购置日期=f"20{10 + i % 5}-03-01", 保管人="谭春燕", 资产编号=f"N{n}-{i}" if i % 3 else "")
                    for i in range(n)]
            with CaptureQueriesContext(connection) as queries:
                assert check(xlsx(rows), school).ok
            checks.append(len(queries))
            with CaptureQueriesContext(connection) as queries:
                outcome = AssetImporter(school).run(xlsx(rows), by=by)
            assert outcome.ok and outcome.imported == n
            runs.append(len(queries))
        assert checks[0] == checks[1] <= 10
        # bulk inserts: SQLite caps a statement's parameters, so its batches are ~40 rows
        assert runs[0] <= 20
        assert runs[1] <= runs[0] + 3 * (400 // 35 + 1)
        assert Asset.objects.filter(school=school).count() == 405
        assert AssetEvent.objects.filter(school=school, kind=EventKind.REGISTER).count() == 405
        assert Asset.history.filter(school=school).count() == 405


class TestProgress:
    """Large files: the check reports how far it got, and the job page polls it."""

    def test_the_check_reports_progress_every_thousand_rows(self, world, rooms):
        f = xlsx([line(名称=f"椅子{i}", 分类="B01", 单价="80") for i in range(2500)])
        seen = []
        result = AssetImporter(world.schools["a"], progress=lambda checked, size: seen.append((checked, size))) \
            .validate(f)
        assert result.ok
        assert [c for c, _ in seen] == [1000, 2000]
        assert all(size is not None and size >= 2500 for _, size in seen)

    def test_progress_is_shown_while_checking_and_only_to_our_school(self, world, rooms):
        job = ImportJob.objects.create(school=world.schools["a"], by=world.user(Role.KEEPER),
                                       importer=AssetImporter.path(), filename="台账.xlsx", status="running",
                                       checked=3000, size=10000)
        url = reverse("assets:asset_import_job", args=[job.pk])
        html = world.client(Role.KEEPER).get(url, headers={"HX-Request": "true"}).content.decode()
        assert "已检查 3000 / 10000 行" in html and 'hx-trigger="every 1s"' in html
        # another school's keeper sees nothing of ours; a running check cannot be confirmed
        assert world.client(Role.KEEPER, "b").get(url).status_code == 404
        assert confirm(world.client(Role.KEEPER), job).status_code == 302
        job.refresh_from_db()
        assert job.status == "running" and Asset.objects.count() == 0

    def test_progress_is_for_keepers(self, world):
        job = ImportJob.objects.create(school=world.schools["a"], by=world.user(Role.KEEPER),
                                       importer=AssetImporter.path(), filename="台账.xlsx")
        assert world.client(Role.TEACHER).get(reverse("assets:asset_import_job", args=[job.pk])).status_code == 403
