"""The declarative importer (core/importer.py) and the imports declared on it — people,
stock items, suppliers: headers in any order below a title row, blank and total rows skipped,
every bad row named with its column and nothing written, a good file written whole, another
school's names not resolved, the template, the limits, progress, and the roles."""

import io
import zipfile

import pytest
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from houqin.core import importer
from houqin.core.choices import Role
from houqin.core.forms import RoomForm
from houqin.core.models import Building, ImportJob, Person, Room
from houqin.procurement.models import Supplier
from houqin.stock.models import Item
from tests.factories import BuildingFactory

from ..api_contracts import API, api_client

pytestmark = pytest.mark.django_db


def sheet(headers, rows, *, title=None, name="导入.xlsx"):
    wb = Workbook()
    ws = wb.active
    if title:
        ws.append([title])
    ws.append(headers)
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    out.seek(0)
    out.name = name
    return out


class Case:
    """One model's import: where it lives, a good row, a bad one and its error."""

    def __init__(self, model, url, api, headers, good, other, bad, error, allowed, refused):
        self.model, self.url, self.api, self.headers = model, url, api, headers
        self.good, self.other, self.bad, self.error = good, other, bad, error
        self.allowed, self.refused = allowed, refused

    def __repr__(self):
        return self.model.__name__

    def file(self, *rows, **kw):
        return sheet(self.headers, rows, **kw)


CASES = [
    Case(Person, "core:person_import", "person-imports", ["岗位", "姓名", "性别", "用工性质"],
         ["保育员", "谭春燕", "女", "合同工/临时工"], ["门卫", "李大山", "男", ""],
         ["厨师", "王五", "不详", ""], "第 4 行：性别“不详”无效，应为 男、女",
         Role.DIRECTOR, Role.KEEPER),
    Case(Item, "stock:item_import", "stock-item-imports", ["名称", "物品编码", "类别", "单位"],
         ["A4 复印纸", "BG-001", "办公用品", "包"], ["扫把", "QJ-001", "清洁卫生用品", "把"],
         ["粉笔", "BG-002", "文具", ""], "第 4 行：类别“文具”无效，应为 办公用品、",
         Role.KEEPER, Role.TEACHER),
    Case(Supplier, "procurement:supplier_import", "supplier-imports", ["联系人", "供应商名称", "统一社会信用代码"],
         ["李明", "恩施市文具批发部", ""], ["张华", "恩施市清洁用品店", "91422801MA4900000X"],
         ["王强", "坏代码商店", "123"], "第 4 行：统一社会信用代码：统一社会信用代码为18位",
         Role.BUYER, Role.KEEPER),
]


def imported(case, world, school="a"):
    """Records of the case's model at `school` beyond those the personas come with."""
    return case.model.objects.filter(school=world.schools[school]).exclude(pk__in=case.before).count()


@pytest.fixture
def before(world):
    for case in CASES:
        case.before = list(case.model.objects.values_list("pk", flat=True))


@pytest.mark.parametrize("case", CASES, ids=repr)
@pytest.mark.usefixtures("before")
class TestEachImport:
    def test_a_good_file_is_written_whole(self, world, case):
        """Headers in another order below a title row; a blank row and a total row skipped."""
        f = case.file(case.good, [], case.other, ["合计", "2"], title=f"{world.schools['a'].name} 名册")
        response = world.client(case.allowed).post(reverse(case.url), {"file": f}, follow=True)
        assert response.status_code == 200
        assert "已导入 2 行" in response.content.decode()
        assert imported(case, world) == 2 and imported(case, world, "b") == 0
        job = ImportJob.objects.get()
        assert (job.status, job.rows, job.imported, job.school) == ("done", 2, 2, world.schools["a"])
        assert not job.file  # the upload is removed once read

    def test_a_bad_row_is_named_and_nothing_is_written(self, world, case):
        response = world.client(case.allowed).post(
            reverse(case.url), {"file": case.file(case.good, case.other, case.bad)}, follow=True)
        html = response.content.decode()
        assert case.error in html and "未写入任何数据" in html
        assert imported(case, world) == 0
        assert [row for row, _column, _message in ImportJob.objects.get().errors] == [4]

    def test_the_template_has_the_headers_and_an_example_that_imports(self, world, case):
        client = world.client(case.allowed)
        response = client.get(reverse(case.url.replace("_import", "_import_template")))
        assert response.status_code == 200
        data = io.BytesIO(b"".join(response.streaming_content))
        ws = load_workbook(data).active
        rows = list(ws.iter_rows(values_only=True))
        assert [c.header for c in importer_of(case).columns] == list(rows[0]) and len(rows) == 2
        data.seek(0)
        data.name = "模板.xlsx"
        assert "已导入 1 行" in client.post(reverse(case.url), {"file": data}, follow=True).content.decode()

    def test_roles_without_add_get_403(self, world, case):
        client = world.client(case.refused)
        for name in (case.url, case.url.replace("_import", "_import_template")):
            assert client.get(reverse(name)).status_code == 403
        assert client.post(reverse(case.url), {"file": case.file(case.good)}).status_code == 403
        api = api_client(world, case.refused)
        response = api.post(f"{API}{case.api}/", {"file": case.file(case.good), "commit": "true"}, format="multipart")
        assert response.status_code == 403
        assert imported(case, world) == 0 and not ImportJob.objects.exists()

    def test_api_checks_commits_and_names_bad_rows(self, world, case):
        api = api_client(world, case.allowed)
        checked = api.post(f"{API}{case.api}/", {"file": case.file(case.good)}, format="multipart")
        assert checked.status_code == 200 and checked.json()["rows"] == 1 and imported(case, world) == 0
        bad = api.post(f"{API}{case.api}/", {"file": case.file(case.good, case.bad), "commit": "true"},
                       format="multipart")
        assert bad.status_code == 422 and imported(case, world) == 0
        assert bad.json()["errors"][0]["row"] == 3
        done = api.post(f"{API}{case.api}/", {"file": case.file(case.good, case.other), "commit": "true"},
                        format="multipart")
        assert done.status_code == 201 and done.json()["imported"] == 2 and imported(case, world) == 2
        template = api.get(f"{API}{case.api}/template/")
        assert template.status_code == 200 and template["Content-Type"] == importer.XLSX


def importer_of(case):
    from django.urls import resolve

    return resolve(reverse(case.url)).func.view_initkwargs["importer_class"]


class TestUniqueInTheFile:
    def test_a_code_repeated_in_the_file_is_named(self, world):
        f = sheet(["物品编码", "名称"], [["BG-001", "复印纸"], ["BG-001", "打印纸"]])
        response = world.client(Role.KEEPER).post(reverse("stock:item_import"), {"file": f}, follow=True)
        assert "第 3 行：物品编码“BG-001”与第 2 行重复" in response.content.decode()
        assert not Item.objects.exists()

    def test_a_name_the_school_has_is_refused_but_another_schools_is_not(self, world):
        Supplier.objects.create(school=world.schools["a"], name="恩施市文具批发部")
        Supplier.objects.create(school=world.schools["b"], name="乙校的供应商")
        f = sheet(["供应商名称"], [["乙校的供应商"], ["恩施市文具批发部"]])
        outcome = importer_of(CASES[2])(world.schools["a"]).run(f, by=world.user(Role.BUYER))
        assert outcome.messages() == ["第 3 行：供应商名称“恩施市文具批发部”本校已有"] and outcome.imported == 0
        assert Supplier.objects.filter(school=world.schools["a"]).count() == 1


# --- the importer itself, on a model with a foreign key ------------------------------------------


class RoomImporter(importer.Importer):
    model = Room
    form_class = RoomForm
    columns = [
        importer.Column("楼栋", "building", importer.related(Building), required=True),
        importer.Column("房间", "name", required=True, aliases=("房间名称",)),
        importer.Column("楼层", "floor", importer.integer, default=1),
        importer.Column("类型", "kind", default="classroom"),
    ]


class TestImporter:
    def test_another_schools_building_does_not_resolve(self, world):
        BuildingFactory(school=world.schools["a"], name="教学楼")
        BuildingFactory(school=world.schools["b"], name="乙校科技楼")
        f = sheet(["房间名称", "楼栋", "楼层"], [["六(3)班", "教学楼", 3], ["机房", "乙校科技楼", 2],
                                             ["音乐室", "教学楼", "二楼"]])
        outcome = RoomImporter(world.schools["a"]).run(f, by=world.user(Role.DIRECTOR))
        assert outcome.messages() == ["第 3 行：楼栋“乙校科技楼”不是本校的楼栋", "第 4 行：楼层“二楼”应为整数"]
        assert not Room.objects.exists()

    def test_every_row_or_none_when_the_save_fails_halfway(self, world):
        BuildingFactory(school=world.schools["a"], name="教学楼")

        class Failing(RoomImporter):
            def save(self, rows, by):
                rows[0].save()
                raise importer.ValidationError("第二间房不能保存")

        f = sheet(["楼栋", "房间"], [["教学楼", "一"], ["教学楼", "二"]])
        outcome = Failing(world.schools["a"]).run(f, by=world.user(Role.DIRECTOR))
        assert [e.message for e in outcome.errors] == ["第二间房不能保存"] and outcome.imported == 0
        assert not Room.objects.exists()

    def test_missing_required_header_and_no_header(self, world):
        with pytest.raises(importer.ImportFileError, match="缺少必填列：房间"):
            RoomImporter(world.schools["a"]).validate(sheet(["楼栋", "楼层"], [["教学楼", 1]]))
        with pytest.raises(importer.ImportFileError, match="没有找到表头行"):
            RoomImporter(world.schools["a"]).validate(sheet(["甲", "乙"], [["x", "y"]]))

    def test_progress_is_reported(self, world):
        BuildingFactory(school=world.schools["a"], name="教学楼")
        seen = []
        f = sheet(["楼栋", "房间"], [["教学楼", f"房{i}"] for i in range(450)])
        outcome = RoomImporter(world.schools["a"], progress=lambda n, size: seen.append((n, size))).run(
            f, by=world.user(Role.DIRECTOR))
        assert outcome.imported == 450 and [n for n, _ in seen] == [200, 400]
        assert all(size == 450 for _, size in seen)


class TestTheUpload:
    def test_too_big_is_a_chinese_400(self, world, settings):
        settings.HOUQIN_IMPORT_MAX_BYTES = 100
        response = world.client(Role.DIRECTOR).post(reverse("core:person_import"), {"file": CASES[0].file()})
        assert response.status_code == 400 and "MB 以内的 .xlsx 文件" in response.content.decode()

    def test_a_zip_bomb_is_a_chinese_400(self, world, settings):
        settings.HOUQIN_IMPORT_MAX_UNZIPPED = 1024 * 1024
        bomb = io.BytesIO()
        with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as z:
            z.writestr("xl/worksheets/sheet1.xml", b"0" * (2 * 1024 * 1024))
        bomb.seek(0)
        bomb.name = "名册.xlsx"
        response = world.client(Role.DIRECTOR).post(reverse("core:person_import"), {"file": bomb})
        assert response.status_code == 400 and "解压后过大" in response.content.decode()
        bomb.seek(0)
        api = api_client(world, Role.DIRECTOR).post(f"{API}person-imports/", {"file": bomb}, format="multipart")
        assert api.status_code == 400 and "解压后过大" in api.json()["file"][0]

    def test_not_an_excel_file_is_a_chinese_400(self, world):
        fake = io.BytesIO(b"name\n=cmd\n")
        fake.name = "名册.xlsx"
        response = world.client(Role.DIRECTOR).post(reverse("core:person_import"), {"file": fake})
        assert response.status_code == 400 and "无法读取文件" in response.content.decode()
        assert not ImportJob.objects.exists()


class TestTheJobPage:
    def job(self, world, school="a", **kw):
        return ImportJob.objects.create(school=world.schools[school], by=world.user(Role.DIRECTOR, school),
                                        importer=importer_of(CASES[0]).path(), filename="名册.xlsx", **kw)

    def test_a_running_import_shows_a_polling_progress_bar(self, world):
        job = self.job(world, status="running", checked=50, size=100)
        url = reverse("core:person_import_job", args=[job.pk])
        fragment = world.client(Role.DIRECTOR).get(url, headers={"HX-Request": "true"})
        html = fragment.content.decode()
        assert 'hx-trigger="every 1s"' in html and "50%" in html and "<html" not in html
        assert "已检查 50 / 100 行" in html

    def test_another_schools_job_is_a_404(self, world):
        job = self.job(world, school="b", status="done", imported=3)
        assert world.client(Role.DIRECTOR).get(reverse("core:person_import_job", args=[job.pk])).status_code == 404
        other_kind = self.job(world, status="done")
        other_kind.importer = "houqin.stock.importers.ItemImporter"
        other_kind.save()
        url = reverse("core:person_import_job", args=[other_kind.pk])
        assert world.client(Role.DIRECTOR).get(url).status_code == 404
