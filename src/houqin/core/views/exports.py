"""A list's export, in the request or in the background (core/exports.py), and the pages that
follow a background export: its progress (polled by HTMX), then its file, which only the person
who asked for it may download; and his exports, newest first."""

from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404
from django.urls import path
from django.views import View
from django.views.generic import DetailView

from .. import excel
from ..models import ExportJob
from .generic import ObjectListView, SchoolScopedMixin, export_path


class ExportJobListView(ObjectListView):
    model = ExportJob
    columns = ("label", "status", "done", "created_at")


class ExportJobView(SchoolScopedMixin, DetailView):
    """How far an export has got, then its file; an HTMX poll gets the fragment only."""

    model = ExportJob
    context_object_name = "job"
    template_name = "core/export/job.html"

    def get_template_names(self):
        return ["core/export/_job.html"] if self.request.headers.get("HX-Request") else [self.template_name]


class ExportDownloadView(SchoolScopedMixin, View):
    """The finished file of one's own export."""

    model = ExportJob

    def get(self, request, pk):
        job = get_object_or_404(self.get_queryset(), pk=pk, status=ExportJob.Status.DONE)
        if not job.file:
            raise Http404("文件已不存在")
        return FileResponse(job.file.open("rb"), as_attachment=True, filename=job.filename,
                            content_type=excel.XLSX)


urlpatterns = [
    path("exports/", ExportJobListView.as_view(), name="exportjob_list"),
    export_path("exports", ExportJobListView),
    path("exports/<int:pk>/", ExportJobView.as_view(), name="exportjob_detail"),
    path("exports/<int:pk>/download/", ExportDownloadView.as_view(), name="exportjob_download"),
]
