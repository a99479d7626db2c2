"""The import pages of any model with an Importer (core/importer.py): upload, a progress bar
polled by HTMX while the worker checks the file, the result (every error, or 已导入 N 行), and
the template download; for an importer with `confirm`, the summary and its confirm button. An
app's urls.py adds them with `import_urls(SomeImporter, "prefix")`."""

from django.contrib import messages
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.views.generic import TemplateView

from .. import importer
from ..models import ImportJob
from ..rules import ADD
from ..tenancy import scope
from .generic import SchoolScopedMixin, url_name


class ImporterMixin(SchoolScopedMixin):
    """The rules of the imported model's add (import creates its records); the jobs of this
    importer at the active school."""

    importer_class = None
    action = ADD

    def jobs(self):
        return scope(ImportJob.objects.filter(importer=self.importer_class.path()), self.request.school)

    def get_context_data(self, **kwargs):
        model = self.importer_class.model
        return super().get_context_data(
            title=f"{self.importer_class.label()}导入", columns=self.importer_class.columns,
            upload_url=reverse(url_name(model, "import")), template_url=reverse(url_name(model, "import_template")),
            max_mb=importer.limit("MAX_BYTES") // 1024 // 1024, confirm=self.importer_class.confirm, **kwargs)

    def job_url(self, job):
        return reverse(url_name(self.importer_class.model, "import_job"), args=[job.pk])


class ImportView(ImporterMixin, TemplateView):
    """Upload a file; it is checked and imported in the background (see ImportJobView)."""

    template_name = "core/import/upload.html"

    def post(self, request, *args, **kwargs):
        try:
            job = importer.start(self.importer_class, request.FILES.get("file"), request.school, by=request.user)
        except importer.ImportFileError as error:
            return self.render_to_response(self.get_context_data(file_error=str(error)), status=400)
        return HttpResponseRedirect(self.job_url(job))


class ImportJobView(ImporterMixin, TemplateView):
    """How far an import has got, then its result; an HTMX poll gets the fragment only."""

    template_name = "core/import/job.html"

    def get_template_names(self):
        return ["core/import/_job.html"] if self.request.headers.get("HX-Request") else [self.template_name]

    def get_context_data(self, **kwargs):
        job = get_object_or_404(self.jobs(), pk=self.kwargs["pk"])
        errors = [message for _row, _column, message in job.errors]
        confirm_url = reverse(url_name(self.importer_class.model, "import_confirm"), args=[job.pk]) \
            if self.importer_class.confirm else ""
        return super().get_context_data(job=job, errors=errors, job_url=self.job_url(job), confirm_url=confirm_url,
                                        **kwargs)


class ImportConfirmView(ImporterMixin, TemplateView):
    """Import a checked file: checked again in the background (the records may have changed
    meanwhile), then written whole or not at all. A job is confirmed once."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        job = get_object_or_404(self.jobs(), pk=kwargs["pk"])
        if not importer.confirm(job):
            messages.error(request, "该导入已确认或已失效，请重新上传文件")
            return HttpResponseRedirect(reverse(url_name(self.importer_class.model, "import")))
        return HttpResponseRedirect(self.job_url(job))


class ImportTemplateView(ImporterMixin, TemplateView):
    """The .xlsx to fill in: the headers and one example row."""

    def get(self, request, *args, **kwargs):
        workbook = self.importer_class(request.school).template()
        return importer.xlsx_response(workbook, f"{self.importer_class.label()}导入模板.xlsx")


def import_urls(importer_class, prefix, *, upload_view=None):
    """The import routes of a model: <model>_import, _import_job and _import_template, and
    _import_confirm for an importer with `confirm`. An empty prefix puts them at import/."""
    name = importer_class.model._meta.model_name
    declared = {"importer_class": importer_class, "model": importer_class.model}
    at = f"{prefix}/import/" if prefix else "import/"
    routes = [
        path(at, (upload_view or ImportView).as_view(**declared), name=f"{name}_import"),
        path(f"{at}<int:pk>/", ImportJobView.as_view(**declared), name=f"{name}_import_job"),
        path(f"{at}template/", ImportTemplateView.as_view(**declared), name=f"{name}_import_template"),
    ]
    if importer_class.confirm:
        routes.append(path(f"{at}<int:pk>/confirm/", ImportConfirmView.as_view(**declared),
                           name=f"{name}_import_confirm"))
    return routes
