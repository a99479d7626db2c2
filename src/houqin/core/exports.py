"""Exports too big for a request: above HOUQIN_EXPORT_INLINE_ROWS rows a list's Excel export is
written by the worker (`run_export`, a django-tasks task) and the page polls an ExportJob, then
offers the file. The worker replays the export as its user would: the same view, the same
filters, his roles in that school as they are when it runs, so it holds nothing he could not
open himself.

A view takes part by having `export_rows()` (the rows, filtered), `export_label()` and
`export_file(queryset, progress)` (the rewound file and its name); ObjectListView and the
asset register's export have them."""

import datetime

from django.conf import settings
from django.core.files import File
from django.http import HttpRequest, QueryDict
from django.urls import resolve, reverse
from django_tasks import task

from .models import ExportJob
from .rules import can
from .services import notify
from .tenancy import API_HEADER, SchoolNotAllowed, activate

KEEP_DAYS = 7  # a background export's file is kept this long, then `houqin tick` deletes it
INLINE_ROWS = 5_000  # a request writes about 5,000 rows a second; more go to the worker
PROGRESS_EVERY = 2_000


def inline_rows():
    return getattr(settings, "HOUQIN_EXPORT_INLINE_ROWS", INLINE_ROWS)


def counted(rows, progress):
    """The rows as they are written, telling `progress(n)` every PROGRESS_EVERY rows and at the end."""
    n = 0
    for n, row in enumerate(rows, start=1):  # noqa: B007 - n is the count at the end
        if progress and n % PROGRESS_EVERY == 0:
            progress(n)
        yield row
    if progress:
        progress(n)


def start(request, size, label):
    """Queue the export the request asked for; returns the ExportJob."""
    job = ExportJob.objects.create(school=request.school, by=request.user, view=request.resolver_match.view_name,
                                   query=request.GET.urlencode(), label=label[:200], size=size)
    run_export.enqueue(job.pk)
    job.refresh_from_db()
    return job


class Refused(Exception):
    """The user may no longer export these rows."""


def replay(job):
    """The export view set up as the job's user would call it now."""
    request = HttpRequest()
    request.method = "GET"
    request.GET = QueryDict(job.query)
    request.user = job.by
    request.META[API_HEADER] = job.school.code
    try:
        activate(request, job.by)
    except SchoolNotAllowed:
        raise Refused("导出人已不在该学校")
    match = resolve(reverse(job.view))
    request.resolver_match = match
    view = match.func.view_class(**match.func.view_initkwargs)
    view.setup(request, *match.args, **match.kwargs)
    if not job.by.is_active or not can(request.roles, view.action, view.model):
        raise Refused("导出人已无权导出这些数据")
    return view


@task()
def run_export(job_pk):
    """The worker's half: write the file, reporting progress, and keep it for its owner."""
    job = ExportJob.objects.select_related("school", "by").get(pk=job_pk)
    ExportJob.objects.filter(pk=job.pk).update(status=ExportJob.Status.RUNNING)

    def progress(done):
        job.done = done
        ExportJob.objects.filter(pk=job.pk).update(done=done)

    try:
        view = replay(job)
        out, filename = view.export_file(view.export_rows(), progress=progress)
    except Refused as refusal:
        return _failed(job, str(refusal))
    except Exception:
        _failed(job, "生成文件时出错，请稍后重试或联系管理员")
        raise  # logged by the worker, with the task's result
    with out:
        job.file.save(filename, File(out), save=False)
    job.filename, job.status, job.size = filename[:200], ExportJob.Status.DONE, job.done
    job.save()
    _tell(job, f"导出已完成：{job.label}")


def _failed(job, reason):
    job.status, job.error = ExportJob.Status.FAILED, reason
    job.save(update_fields=["status", "error", "updated_at"])
    _tell(job, f"导出失败：{job.label}")


def _tell(job, title):
    notify([job.by], school=job.school, title=title, url=reverse("core:exportjob_detail", args=[job.pk]))


def purge(today):
    """Delete the files of the exports made more than KEEP_DAYS before `today`; the jobs stay,
    saying the file is gone. Returns how many files were deleted."""
    old = ExportJob.objects.filter(created_at__date__lt=today - datetime.timedelta(days=KEEP_DAYS)).exclude(file="")
    n = 0
    for job in old.iterator():
        job.file.delete(save=False)
        job.save(update_fields=["file", "updated_at"])
        n += 1
    return n
