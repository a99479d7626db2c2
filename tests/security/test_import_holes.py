"""Issue 15, hole 6: import bombs. A small .xlsx that declares 30 million rows is refused before
it is parsed, with a Chinese message; a zip bomb (a member that inflates a thousandfold) is a
4xx, never a 500; a sheet that does not declare its size stops being read at the row limit;
an upload beyond the size limit is refused. Pages and API alike, as the demo's keeper."""

import io
import os
import re
import zipfile

import pytest
from django.urls import reverse
from openpyxl import Workbook

from houqin.assets.models import Asset
from houqin.core.choices import Role
from houqin.core.models import ImportJob

from ..api_contracts import API, api_client

pytestmark = pytest.mark.django_db

HEADERS = ["名称", "分类", "单价", "购置日期", "存放地点"]
DECLARED = "30,000,000"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def rewritten(sheet_xml, *, extra=None, name="台账.xlsx"):
    """A real workbook (our headers and one row) whose first sheet's XML is rewritten by
    `sheet_xml(xml) -> xml`; `extra` adds a member (name, bytes)."""
    wb = Workbook()
    ws = wb.active
    ws.append(HEADERS)
    ws.append(["投影机", "B09", "4800", "2024-09-01", "综合楼 多媒体教室"])
    plain = io.BytesIO()
    wb.save(plain)
    out = io.BytesIO()
    with zipfile.ZipFile(plain) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                data = sheet_xml(data.decode()).encode()
            target.writestr(info.filename, data)
        if extra:
            target.writestr(*extra)
    out.seek(0)
    out.name = name
    return out


def thirty_million_rows(xml):
    """The bomb of the report: the dimension says A1:Q30000000, a few sparse rows far down."""
    xml = re.sub(r'<dimension ref="[^"]*"\s*/>', '<dimension ref="A1:Q30000000"/>', xml)
    far = "".join(f'<row r="{r}"><c r="Q{r}" t="inlineStr"><is><t>x</t></is></c></row>'
                  for r in (1_000_000, 10_000_000, 30_000_000))
    return xml.replace("</sheetData>", far + "</sheetData>")


def undeclared_rows_far_down(xml):
    """No dimension at all, and a row 30 million rows down: found only by reading."""
    xml = re.sub(r'<dimension ref="[^"]*"\s*/>', "", xml)
    return xml.replace("</sheetData>", '<row r="30000000"><c r="A30000000" t="inlineStr"><is><t>x</t></is>'
                                       "</c></row></sheetData>")


def keeper(world):
    return world.client(Role.KEEPER)


class TestDeclaredRows:
    def test_the_page_refuses_thirty_million_declared_rows_before_reading(self, world):
        bomb = rewritten(thirty_million_rows)
        assert len(bomb.getvalue()) < 20_000  # a small file
        response = keeper(world).post(reverse("assets:asset_import"), {"file": bomb})
        assert response.status_code == 400
        html = response.content.decode()
        assert f"表格有 {DECLARED} 行，超过一次最多导入的 200,000 行" in html
        assert not ImportJob.objects.exists() and not Asset.objects.exists()  # never queued, never parsed

    def test_the_api_refuses_it_too(self, world):
        response = api_client(world, Role.KEEPER).post(
            f"{API}asset-imports/", {"file": rewritten(thirty_million_rows), "commit": "true"}, format="multipart")
        assert response.status_code == 400
        assert f"表格有 {DECLARED} 行" in response.json()["file"][0]
        # every importer shares the check: the staff register's import refuses it the same way
        response = api_client(world, Role.DIRECTOR).post(
            f"{API}person-imports/", {"file": rewritten(thirty_million_rows)}, format="multipart")
        assert response.status_code == 400 and f"表格有 {DECLARED} 行" in response.json()["file"][0]

    def test_the_row_limit_is_a_setting(self, world, settings):
        settings.HOUQIN_IMPORT_MAX_ROWS = 10
        wide = rewritten(lambda xml: re.sub(r'<dimension ref="[^"]*"\s*/>', '<dimension ref="A1:E100"/>', xml))
        response = keeper(world).post(reverse("assets:asset_import"), {"file": wide})
        assert response.status_code == 400 and "超过一次最多导入的 10 行" in response.content.decode()

    def test_too_many_declared_columns_are_refused(self, world):
        wide = rewritten(lambda xml: re.sub(r'<dimension ref="[^"]*"\s*/>', '<dimension ref="A1:XFD2"/>', xml))
        response = keeper(world).post(reverse("assets:asset_import"), {"file": wide})
        assert response.status_code == 400 and "表格有 16,384 列" in response.content.decode()


class TestUndeclaredRows:
    def test_reading_stops_at_the_row_limit_with_a_chinese_message(self, world, settings):
        settings.HOUQIN_IMPORT_MAX_ROWS = 1000  # the same stop as at 200,000, reached sooner
        response = keeper(world).post(reverse("assets:asset_import"), {"file": rewritten(undeclared_rows_far_down)},
                                      follow=True)
        assert response.status_code == 200
        html = response.content.decode()
        assert "表格超过 1,000 行，已停止读取" in html and "未写入任何数据" in html
        job = ImportJob.objects.get()
        assert job.status == ImportJob.Status.FAILED and not job.file and not Asset.objects.exists()

    def test_the_api_stops_reading_too(self, world, settings):
        settings.HOUQIN_IMPORT_MAX_ROWS = 1000
        response = api_client(world, Role.KEEPER).post(
            f"{API}asset-imports/", {"file": rewritten(undeclared_rows_far_down)}, format="multipart")
        assert response.status_code == 400 and "已停止读取" in response.json()["file"][0]


class TestZipBomb:
    def bomb(self):
        """A member that inflates from ~50 KB to 50 MB (a thousandfold)."""
        return rewritten(lambda xml: xml, extra=("xl/media/padding.bin", b"\0" * (50 * 1024 * 1024)))

    def test_the_page_refuses_a_zip_bomb(self, world):
        bomb = self.bomb()
        assert len(bomb.getvalue()) < 200_000
        response = keeper(world).post(reverse("assets:asset_import"), {"file": bomb})
        assert response.status_code == 400 and "解压后过大" in response.content.decode()
        assert not ImportJob.objects.exists()

    def test_the_api_refuses_a_zip_bomb(self, world):
        response = api_client(world, Role.KEEPER).post(f"{API}asset-imports/", {"file": self.bomb()},
                                                       format="multipart")
        assert response.status_code == 400 and "解压后过大" in response.json()["file"][0]

    def test_a_bomb_in_the_sheet_itself(self, world):
        padded = rewritten(lambda xml: xml.replace("</worksheet>", " " * (20 * 1024 * 1024) + "</worksheet>"))
        response = world.client(Role.DIRECTOR).post(reverse("core:person_import"), {"file": padded})
        assert response.status_code == 400 and "解压后过大" in response.content.decode()


class TestUploadSize:
    def test_an_upload_beyond_the_size_limit_is_refused_in_chinese(self, world, settings):
        settings.HOUQIN_IMPORT_MAX_BYTES = 1024 * 1024
        big = rewritten(lambda xml: xml, extra=("xl/media/photo.bin", os.urandom(2 * 1024 * 1024)))  # a photo
        assert len(big.getvalue()) > 1024 * 1024
        response = keeper(world).post(reverse("assets:asset_import"), {"file": big})
        assert response.status_code == 400
        assert "只能上传 1 MB 以内的 .xlsx 文件" in response.content.decode()
