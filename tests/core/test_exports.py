"""Exports too long for a request run in the background (core/exports.py): above
HOUQIN_EXPORT_INLINE_ROWS rows the export answers at once with a page that follows the worker,
and the file holds exactly the rows the inline export gives. Only the person who asked opens
the job and downloads the file; a worker that finds him no longer allowed writes nothing."""

import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from houqin.core import exports
from houqin.core.choices import Role
from houqin.core.models import ExportJob, Membership, Notification

from ..assets.factories import AssetFactory, bulk
from ..contracts import export_records, export_sheet
from ..factories import PersonFactory

pytestmark = pytest.mark.django_db


def _sheet(response):
    return load_workbook(io.BytesIO(b"".join(response.streaming_content))).active


def _register(world, n):
    for i in range(n):
        AssetFactory(school=world.schools["a"], name=f"投影机{i}")
    bulk(world.schools["a"])
    AssetFactory(school=world.schools["b"], name="别校投影机")


def test_a_long_export_runs_in_the_background_and_gives_the_same_rows(world, settings):
    _register(world, 4)
    keeper = world.client(Role.KEEPER)
    url = reverse("assets:asset_export") + "?q=投影"
    inline = [[c.value for c in row] for row in _sheet(keeper.get(url)).iter_rows(min_row=2)]
    assert not ExportJob.objects.exists()  # five rows or fewer than the limit: written in the request
    settings.HOUQIN_EXPORT_INLINE_ROWS = 3
    response = keeper.get(url)
    job = ExportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("core:exportjob_detail", args=[job.pk])
    assert (job.status, job.size, job.done, job.view, job.query) == (
        ExportJob.Status.DONE, 4, 4, "assets:asset_export", "q=%E6%8A%95%E5%BD%B1")
    page = keeper.get(response["Location"]).content.decode()
    assert "已生成，共 4 行" in page and reverse("core:exportjob_download", args=[job.pk]) in page
    download = keeper.get(reverse("core:exportjob_download", args=[job.pk]))
    assert download["Content-Disposition"].startswith("attachment")
    assert [[c.value for c in row] for row in _sheet(download).iter_rows(min_row=2)] == inline
    assert len(inline) == 1 + 4  # the headers, then the four projectors of school a only
    [notice] = Notification.objects.filter(recipient=world.user(Role.KEEPER))
    assert notice.title == f"导出已完成：{world.schools['a'].name} 资产清单" and notice.url == response["Location"]


def test_a_list_page_export_in_the_background_keeps_its_filters(world, settings):
    for name in ("张师傅", "张老师", "张主任", "李老师"):
        PersonFactory(school=world.schools["a"], name=name)
    settings.HOUQIN_EXPORT_INLINE_ROWS = 2
    director = world.client(Role.DIRECTOR)
    response = director.get(reverse("core:person_export") + "?q=张")
    job = ExportJob.objects.get()
    assert response.status_code == 302 and job.size == 3
    ws = export_sheet(director.get(reverse("core:exportjob_download", args=[job.pk])))
    assert "搜索：张" in ws.cell(2, 1).value
    assert sorted(r["姓名"].value for r in export_records(ws)) == ["张主任", "张师傅", "张老师"]


def test_only_its_owner_opens_an_export(world, settings):
    _register(world, 2)
    settings.HOUQIN_EXPORT_INLINE_ROWS = 1
    world.client(Role.KEEPER).get(reverse("assets:asset_export"))
    job = ExportJob.objects.get()
    for path in (reverse("core:exportjob_detail", args=[job.pk]), reverse("core:exportjob_download", args=[job.pk])):
        assert world.client(Role.KEEPER).get(path).status_code == 200
        assert world.client(Role.DIRECTOR).get(path).status_code == 404  # same school, not his
        assert world.client(Role.KEEPER, "b").get(path).status_code == 404
        assert world.client(Role.DISTRICT_OFFICER).get(path).status_code == 404
    mine = world.client(Role.KEEPER).get(reverse("core:exportjob_list"))
    assert [row.pk for row in mine.context["object_list"]] == [job.pk]
    assert list(world.client(Role.DIRECTOR).get(reverse("core:exportjob_list")).context["object_list"]) == []


def test_the_worker_writes_nothing_for_a_user_no_longer_allowed(world, settings):
    _register(world, 2)
    keeper = world.user(Role.KEEPER)
    job = ExportJob.objects.create(school=world.schools["a"], by=keeper, view="assets:asset_export",
                                   label="资产清单", size=3)
    Membership.objects.filter(user=keeper, school=world.schools["a"]).update(role=Role.TEACHER)  # no longer a keeper
    exports.run_export.call(job.pk)
    job.refresh_from_db()
    assert (job.status, job.error, bool(job.file)) == (ExportJob.Status.FAILED, "导出人已无权导出这些数据", False)
    Membership.objects.filter(user=keeper).delete()
    exports.run_export.call(job.pk)
    job.refresh_from_db()
    assert job.error == "导出人已不在该学校"
    page = world.client(Role.KEEPER).get(reverse("core:exportjob_detail", args=[job.pk]))
    assert page.status_code in (403, 404)  # he has no school left to open it in
    assert world.client(Role.KEEPER).get(reverse("core:exportjob_download", args=[job.pk])).status_code in (403, 404)


def test_the_worker_reports_progress_every_2000_rows_and_at_the_end():
    seen = []
    rows = list(exports.counted(iter(range(exports.PROGRESS_EVERY * 2 + 5)), seen.append))
    assert len(rows) == exports.PROGRESS_EVERY * 2 + 5
    assert seen == [exports.PROGRESS_EVERY, exports.PROGRESS_EVERY * 2, exports.PROGRESS_EVERY * 2 + 5]
    assert list(exports.counted(iter(()), seen.append)) == [] and seen[-1] == 0


def test_tick_deletes_the_files_of_week_old_exports(world, settings):
    _register(world, 2)
    settings.HOUQIN_EXPORT_INLINE_ROWS = 1
    keeper = world.client(Role.KEEPER)
    keeper.get(reverse("assets:asset_export"))
    job = ExportJob.objects.get()
    made = timezone.localdate(job.created_at)
    assert exports.purge(made + datetime.timedelta(days=exports.KEEP_DAYS)) == 0  # a week old: kept
    assert exports.purge(made + datetime.timedelta(days=exports.KEEP_DAYS + 1)) == 1
    job.refresh_from_db()
    assert not job.file and job.status == ExportJob.Status.DONE
    assert "已删除" in keeper.get(reverse("core:exportjob_detail", args=[job.pk])).content.decode()
    assert keeper.get(reverse("core:exportjob_download", args=[job.pk])).status_code == 404
    assert exports.purge(made + datetime.timedelta(days=30)) == 0  # once
