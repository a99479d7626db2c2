"""Generic object views. A model's pages are a few declarative lines on these bases, which
apply the tenant scope and the role rules so that no view can forget them."""

from collections import namedtuple

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db.models import ProtectedError
from django.http import FileResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import NoReverseMatch, path, resolve, reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views import View
from django.views.generic import DetailView, ListView
from django.views.generic.edit import FormView

from .. import excel, exports
from ..columns import MONEY, Column, model_columns
from ..forms import service_errors
from ..money import is_money, yuan
from ..rules import ADD, CHANGE, DELETE, VIEW, can, perms_for, takes_attachments, visible
from ..services import attachments_of
from ..templatetags.houqin import cell


def safe_next(request):
    """The page a form came from (`next` in the POST or the query), when it is on this site."""
    target = request.POST.get("next") or request.GET.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure()):
        return target
    return None


def url_name(model, suffix):
    return f"{model._meta.app_label}:{model._meta.model_name}_{suffix}"


def model_url(model, suffix, *args):
    """The URL of one of a model's pages, or None when the model has no such page."""
    try:
        return reverse(url_name(model, suffix), args=args)
    except NoReverseMatch:
        return None


class SchoolScopedMixin(LoginRequiredMixin):
    """The base of every page about school-owned rows: login, role rule, tenant scope."""

    model = None
    action = VIEW
    select_related = ()

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if request.school is None:
            raise PermissionDenied("您还没有加入任何学校，请联系管理员")
        if not can(request.roles, self.action, self.model):
            raise PermissionDenied("您的角色无权进行此操作")
        return super().dispatch(request, *args, **kwargs)

    prefetch_related = ()

    def get_queryset(self):
        qs = visible(self.model.objects.all(), self.request)
        if self.select_related:
            qs = qs.select_related(*self.select_related)
        return qs.prefetch_related(*self.prefetch_related) if self.prefetch_related else qs

    def get_context_data(self, **kwargs):
        meta = self.model._meta
        return super().get_context_data(
            model_name=meta.verbose_name, perms=perms_for(self.request.roles, self.model),
            list_url=model_url(self.model, "list") or reverse("core:home"),
            add_url=model_url(self.model, "add") if can(self.request.roles, ADD, self.model) else None,
            **kwargs,
        )


class ObjectListView(SchoolScopedMixin, ListView):
    """A filtered, paginated table. `columns` are field names or attributes of the row, or
    `Column`s. The same rows (scope, filters, order) are an Excel file at `<prefix>/export/`
    (this view with exporting=True), in `export_columns`, the list's own columns unless declared.
    An HTMX request gets the table fragment only, with the export link following the filters."""

    filterset_class = None
    columns = ()
    export_columns = None
    export_related = ()  # select_related of the exported columns beyond the page's own
    exporting = False
    paginate_by = 50
    template_name = "core/generic/list.html"

    def get(self, request, *args, **kwargs):
        if self.exporting:
            return self.export()
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        qs = super().get_queryset()
        self.filterset = None
        if self.filterset_class:
            self.filterset = self.filterset_class(self.request.GET or None, queryset=qs, request=self.request)
            qs = self.filterset.qs if self.filterset.is_bound and self.filterset.is_valid() else qs
        return qs

    def get_template_names(self):
        if self.request.headers.get("HX-Request"):
            return ["core/generic/_table.html"]
        return [self.template_name]

    def table_columns(self):
        return [c if isinstance(c, Column) else model_columns(self.model, [c])[0] for c in self.columns]

    def get_context_data(self, **kwargs):
        columns = self.table_columns()
        query = self.request.GET.copy()
        query.pop("page", None)
        query = query.urlencode()
        return super().get_context_data(
            columns=columns, headers=[c.header for c in columns], filterset=self.filterset, query=query,
            money_at={i for i, c in enumerate(columns) if c.kind == MONEY},  # right-aligned
            export_url=self.export_url(query), fragment=bool(self.request.headers.get("HX-Request")),
            detail_url_name=url_name(self.model, "detail"), **kwargs,
        )

    def export_url(self, query):
        """The export of these rows, when the list has one and the user may open it."""
        url = model_url(self.model, "export")
        view = getattr(resolve(url).func, "view_class", None) if url else None
        if url is None or not can(self.request.roles, getattr(view, "action", VIEW), self.model):
            return None
        return url + (f"?{query}" if query else "")

    def export_queryset(self, qs):
        return qs.select_related(*self.export_related) if self.export_related else qs

    def export(self):
        return export_response(self)

    def export_rows(self):
        return self.export_queryset(self.get_queryset())

    def export_label(self):
        return f"{self.request.school.name} {self.model._meta.verbose_name}"

    def export_file(self, rows, progress=None):
        """The rows as an .xlsx file, read in chunks: one query whatever the size."""
        today = timezone.localdate()
        school, label = self.request.school, self.model._meta.verbose_name
        columns = self.export_columns or self.table_columns()
        subtitle = "；".join(filter(None, [f"导出日期 {today:%Y-%m-%d}", filter_summary(self.filterset)]))
        out = excel.list_workbook(f"{school.name} {label}", columns,
                                  exports.counted(rows.iterator(chunk_size=2000), progress), subtitle=subtitle)
        return out, f"{school.code}-{label}-{today:%Y%m%d}.xlsx"


def export_response(view):
    """The export `view` was asked for: its file at once up to HOUQIN_EXPORT_INLINE_ROWS rows,
    else a background export (core/exports.py) and the page that follows it. The view gives
    `export_rows()`, the rows filtered as its list is, `export_file(rows, progress=None)`, the
    rewound file and its name, and `export_label()`."""
    rows = view.export_rows()
    size = rows.count()
    if size > exports.inline_rows():
        job = exports.start(view.request, size, view.export_label())
        return HttpResponseRedirect(reverse("core:exportjob_detail", args=[job.pk]))
    out, filename = view.export_file(rows)
    return FileResponse(out, as_attachment=True, filename=filename, content_type=excel.XLSX)


def filter_summary(filterset):
    """The filters in force, as “状态：已下单；查询：粉笔” for an export's subtitle."""
    if filterset is None or not filterset.is_bound or not filterset.is_valid():
        return ""
    parts = []
    for name, value in filterset.form.cleaned_data.items():
        if value in (None, "", [], ()):
            continue
        field = filterset.form.fields[name]
        if isinstance(value, bool):
            shown = "是" if value else "否"
        else:
            shown = dict(getattr(field, "choices", ()) or ()).get(value, value)
        parts.append(f"{field.label or name}：{shown}")
    return "；".join(parts)


def export_path(prefix, list_view):
    """The URL pattern of a list's Excel export, `<prefix>/export/` named `<model>_export`."""
    return path(f"{prefix}/export/", list_view.as_view(exporting=True),
                name=f"{list_view.model._meta.model_name}_export")


class ObjectDetailView(SchoolScopedMixin, DetailView):
    """One object with its fields, change history and attachments."""

    template_name = "core/generic/detail.html"
    fields = None  # None shows every concrete field but the housekeeping ones
    shown_as = {}  # field -> the attribute shown in its place (codes stored, labels shown)

    HIDDEN = {"id", "school", "updated_at", "pinyin"}  # pinyin: the search's initials, not for reading

    def get_context_data(self, **kwargs):
        obj = self.object
        rows = [
            (f.verbose_name, cell(obj, self.shown_as.get(f.name, f.name)))
            for f in obj._meta.concrete_fields
            if f.name not in self.HIDDEN and (self.fields is None or f.name in self.fields)
        ]

        roles = self.request.roles
        return super().get_context_data(
            rows=rows, history=history_rows(obj), attachments=attachments_of(obj),
            content_type_id=ContentType.objects.get_for_model(obj).pk,
            can_attach=can(roles, ADD, "core.attachment") and takes_attachments(self.model),
            edit_url=model_url(self.model, "edit", obj.pk) if can(roles, CHANGE, self.model) else None,
            delete_url=model_url(self.model, "delete", obj.pk) if can(roles, DELETE, self.model) else None,
            **kwargs,
        )

    def step_form(self, form_class, prefix, *, when=True, action=CHANGE, model=None):
        """The small form of a step posted from this page (`prefix` as its action view's), or
        None when the step is not open now (`when`) or the viewer's role may not take `action`
        on `model` (the page's own by default)."""
        if not when or not can(self.request.roles, action, model or self.model):
            return None
        return form_class(school=self.request.school, prefix=prefix)


def history_rows(obj, limit=50):
    """(record, [(field label, old, new)]) newest first, values as people read them (choice
    labels, the related object's name, 是/否). Diffs are computed in Python and related objects
    fetched with one query per related model, not per row."""
    if not hasattr(obj, "history"):
        return []
    records = list(obj.history.select_related("history_user")[: limit + 1])
    fields = {f.name: f for f in obj._meta.concrete_fields}
    fields.update({f.attname: f for f in obj._meta.concrete_fields})
    diffs = []
    for newer, older in zip(records[:limit], [*records[1:], None], strict=False):
        changes = []
        if older is not None and newer.history_type == "~":
            changes = _changes(older, newer)
        diffs.append((newer, changes))
    related = _related_names(fields, [c for _record, changes in diffs for c in changes])
    rows = []
    for record, changes in diffs:
        rows.append((record, [(_label(fields, c.field), _shown(fields.get(c.field), c.old, related),
                               _shown(fields.get(c.field), c.new, related)) for c in changes]))
    return rows


Change = namedtuple("Change", "field old new")


def _changes(older, newer):
    """The fields that differ between two history records. Not simple_history's diff_against:
    it leaves out the fields that are not editable — a request's amount, a status — which
    are the changes that matter most here."""
    return [Change(f.name, getattr(older, f.attname), getattr(newer, f.attname))
            for f in older.tracked_fields
            if f.name != "updated_at" and getattr(older, f.attname) != getattr(newer, f.attname)]


def _label(fields, name):
    field = fields.get(name)
    return field.verbose_name if field is not None else name


def _related_names(fields, changes):
    """{(model, pk): str(object)} for every foreign key value in the changes."""
    wanted = {}
    for change in changes:
        field = fields.get(change.field)
        if field is not None and field.is_relation:
            model = field.related_model
            wanted.setdefault(model, set()).update(v for v in (change.old, change.new) if v is not None)
    return {(model, obj.pk): str(obj)
            for model, pks in wanted.items() for obj in model._base_manager.filter(pk__in=pks)}


def _shown(field, value, related):
    if value is None or value == "":
        return "—"
    if field is None:
        return value
    if field.is_relation:
        return related.get((field.related_model, value), f"#{value}（已删除）")
    if field.choices:
        return dict(field.flatchoices).get(value, value)
    if isinstance(value, bool):
        return "是" if value else "否"
    return yuan(value) if is_money(field) else value


class ObjectEditView(SchoolScopedMixin, FormView):
    """Create (no pk) or edit (pk) one object through its SchoolForm, in one transaction. A
    model written through a service declares it, `service = services.record(obj, by=)`, which
    is given the unsaved object (school set) on create and edit; other steps override `create`
    and `update`. A refusal they raise is shown on the form and writes nothing. A new object's
    form is `add_form_class` when it asks other fields than an edit's `form_class`."""

    template_name = "core/generic/edit.html"
    form_class = None
    add_form_class = None
    service = None
    created = "已保存：{obj}"  # the message after creating; `saved` after editing
    saved = "已保存：{obj}"

    def dispatch(self, request, *args, **kwargs):
        self.action = CHANGE if "pk" in kwargs else ADD
        return super().dispatch(request, *args, **kwargs)

    def get_object(self):
        if "pk" not in self.kwargs:
            return None
        return get_object_or_404(self.get_queryset(), pk=self.kwargs["pk"])

    def get_form_kwargs(self):
        self.object = self.get_object()
        return {**super().get_form_kwargs(), "instance": self.object, "school": self.request.school}

    def get_form_class(self):
        if self.add_form_class is not None and "pk" not in self.kwargs:
            return self.add_form_class
        return super().get_form_class()

    def create(self, form, *, by):
        """Create the object from the valid form; returns it saved."""
        return self.save(form, by=by)

    def update(self, form, *, by):
        """Save the changes of the valid form; returns the object."""
        return self.save(form, by=by)

    def save(self, form, *, by):
        if type(self).service is None:
            return form.save()
        return type(self).service(form.save(commit=False), by=by)

    def form_valid(self, form):
        creating = self.object is None
        with service_errors(form):
            write = self.create if creating else self.update
            obj = write(form, by=self.request.user)
        if form.errors:
            return self.form_invalid(form)
        messages.success(self.request, (self.created if creating else self.saved).format(obj=obj))
        return HttpResponseRedirect(safe_next(self.request) or reverse(url_name(self.model, "detail"), args=[obj.pk]))

    def get_context_data(self, **kwargs):
        kwargs.setdefault("form", self.get_form())  # sets self.object through get_form_kwargs
        return super().get_context_data(object=self.object, next=safe_next(self.request), **kwargs)


class ObjectDeleteView(SchoolScopedMixin, View):
    """POST-only delete. A row still in use elsewhere is kept, with a message saying why."""

    action = DELETE
    http_method_names = ["post"]

    def post(self, request, pk):
        obj = get_object_or_404(self.get_queryset(), pk=pk)
        try:
            obj.delete()
        except ProtectedError:
            messages.error(request, f"“{obj}”仍被其他记录使用，不能删除")
            return HttpResponseRedirect(reverse(url_name(self.model, "detail"), args=[pk]))
        messages.success(request, f"已删除：{obj}")
        return HttpResponseRedirect(reverse(url_name(self.model, "list")))


def crud_urls(model, *, list_view, detail_view, edit_view, prefix, add_view=None, delete_view=None):
    """The URL patterns of one model, named `<model>_list`, `_detail`, `_add`, `_edit`, `_delete`
    and `_export` (the list's rows as Excel). `add_view` is `edit_view` unless declared, and
    `delete_view` an ObjectDeleteView of the model. Without an `edit_view` the model is only
    listed and shown (its rows are written by the steps of another record)."""
    name = model._meta.model_name
    if edit_view is None:
        return [
            path(f"{prefix}/", list_view.as_view(), name=f"{name}_list"),
            path(f"{prefix}/<int:pk>/", detail_view.as_view(), name=f"{name}_detail"),
            export_path(prefix, list_view),
        ]
    add_view = add_view or edit_view
    delete_view = delete_view or type(f"{model.__name__}DeleteView", (ObjectDeleteView,), {"model": model})
    return [
        path(f"{prefix}/", list_view.as_view(), name=f"{name}_list"),
        path(f"{prefix}/add/", add_view.as_view(), name=f"{name}_add"),
        path(f"{prefix}/<int:pk>/", detail_view.as_view(), name=f"{name}_detail"),
        path(f"{prefix}/<int:pk>/edit/", edit_view.as_view(), name=f"{name}_edit"),
        path(f"{prefix}/<int:pk>/delete/", delete_view.as_view(), name=f"{name}_delete"),
        export_path(prefix, list_view),
    ]
