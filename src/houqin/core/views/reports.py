"""The generic report page (报表): a model's rule and the tenant scope from SchoolScopedMixin,
an Excel export at `?format=xlsx` and a print view at `?print=1` with the signature lines.
A report declares its template (extending core/report_base.html), its title, its signers and
`export(context)` returning the workbook file (core.excel.table_workbook)."""

from django.core.exceptions import PermissionDenied
from django.http import FileResponse
from django.utils import timezone
from django.views.generic import TemplateView

from ..excel import XLSX
from .generic import SchoolScopedMixin

SIGN_REPORT = ("制表人", "总务主任", "校长")


def xlsx_response(fileobj, filename):
    return FileResponse(fileobj, as_attachment=True, filename=filename, content_type=XLSX)


class ReportView(SchoolScopedMixin, TemplateView):
    title = ""
    signatures = SIGN_REPORT
    report_links = ()  # (URL name, label) of the sibling reports, linked above the report

    @property
    def school(self):
        return self.request.school

    @property
    def today(self):
        return timezone.localdate()

    @property
    def printing(self):
        return self.request.GET.get("print") == "1"

    def get_template_names(self):
        return [self.template_name]

    def get(self, request, *args, **kwargs):
        context = self.get_context_data(**kwargs)
        if request.GET.get("format") == "xlsx":
            return xlsx_response(self.export(context), self.filename(context))
        return self.render_to_response(context)

    def export(self, context):
        raise PermissionDenied("此页面没有导出")

    def export_name(self, context):
        """The file's name between the school's code and the date."""
        return self.title

    def filename(self, context):
        return f"{self.school.code}-{self.export_name(context)}-{self.today:%Y%m%d}.xlsx"

    def querystring(self, **extra):
        query = self.request.GET.copy()
        for key in ("format", "print"):
            query.pop(key, None)
        for key, value in extra.items():
            query[key] = value
        return query.urlencode()

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            title=self.title, printing=self.printing, signatures=self.signatures, school=self.school,
            today=self.today, export_query=self.querystring(format="xlsx"), print_query=self.querystring(print="1"),
            report_links=self.report_links, **kwargs)
