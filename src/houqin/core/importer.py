"""The declarative importer: a model's Excel import is a table of columns and the form (or
serializer) its page (or API) already uses to create one record.

    class SupplierImporter(Importer):
        model = Supplier
        form_class = SupplierForm
        columns = [Column("供应商名称", "name", required=True, example="恩施市文具批发部"), ...]

The flow, the same for every model: the header row is found (in any column order, below a
title row or two) and mapped by header or alias; blank rows and 合计 / total rows are skipped;
every row's cells are read into the form's data and the form validates it; every error is kept
as (row number, column, Chinese message); only when no row failed is everything saved, in one
transaction, by `save(rows, by)` (each form's `save()` unless an importer calls its service).
Pages run it in the background (`run_import`, a django-tasks task) and poll an ImportJob.
"""

import datetime
import re
import tempfile
import zipfile
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import FileResponse
from django.utils.module_loading import import_string
from django_tasks import task
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font

from .models import ImportJob
from .tenancy import scope

MAX_BYTES = 30 * 1024 * 1024  # an upload's size, as the asset import has always allowed
MAX_UNZIPPED = 1024 * 1024 * 1024  # what the .xlsx may inflate to: a zip bomb stops here
MAX_ROWS = 200_000
MAX_ERRORS = 1000
PROGRESS_EVERY = 200  # rows between two progress reports
HEADER_SEARCH = 5  # the header row is one of the first rows (a title row may sit above it)
TOTAL_STARTS = ("合计", "说明：", "说明:")  # a total row, or a template's instructions row
TOTAL_WORDS = {"总计", "小计", "total"}  # whole words only: 小计算器 is an asset
DANGEROUS = ("=", "+", "-", "@", "\t", "\r")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DATE_RE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})(?:\s*[-/.月]\s*(\d{1,2})\s*日?|\s*月?)?$")


class ImportFileError(Exception):
    """The file cannot be read at all (not an .xlsx, too big, no header row …)."""


class CellError(ValueError):
    """A cell that cannot be read; the message is Chinese and names the value."""


@dataclass(frozen=True)
class RowError:
    row: int  # the spreadsheet's row number, as the user sees it
    column: str  # the column's header, or "" for an error about the whole row
    message: str

    def __str__(self):
        where = f"{self.column}：" if self.column and not self.message.startswith(self.column) else ""
        return f"第 {self.row} 行：{where}{self.message}"


# --- cell readers: (value, context) -> the form's datum, or CellError --------------------------


def text(value, context=None):
    """A cell as stripped text; our own exports' apostrophe before = + - @ is taken off."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    value = str(value).strip()
    if value.startswith("'") and value[1:].startswith(DANGEROUS):
        return value[1:]
    return value


def integer(value, context=None):
    raw = text(value)
    if not raw:
        return ""
    try:
        number = Decimal(raw)
    except InvalidOperation:
        raise CellError(f"“{raw}”应为整数") from None
    if number != number.to_integral_value():
        raise CellError(f"“{raw}”应为整数")
    return int(number)


def money(value, context=None):
    """元 with at most two decimals: 4800, "1,234.50元", "¥12" (never a float on the way)."""
    raw = text(value)
    if not raw:
        return ""
    cleaned = re.sub(r"[,，¥￥\s]", "", raw).removesuffix("元")
    try:
        amount = Decimal(cleaned)
    except InvalidOperation:
        raise CellError(f"“{raw}”不是有效金额") from None
    if not amount.is_finite() or amount < 0 or amount != amount.quantize(Decimal("0.01")) or amount >= 10**10:
        raise CellError(f"“{raw}”不是有效金额")
    return amount.quantize(Decimal("0.01"))


def date(value, context=None):
    """A date cell, or text as 2024-09-01, 2024/9/1, 2024年9月1日 or 2024年9月."""
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    raw = text(value)
    if not raw:
        return ""
    match = DATE_RE.match(raw)
    try:
        return datetime.date(int(match[1]), int(match[2]), int(match[3] or 1))
    except (TypeError, ValueError):
        raise CellError(f"“{raw}”不是有效日期（如 2024-09-01）") from None


def yes_no(value, context=None):
    raw = text(value)
    words = {"是": True, "否": False, "": "", "1": True, "0": False}
    if raw not in words:
        raise CellError(f"“{raw}”应为 是 或 否")
    return words[raw]


@dataclass(frozen=True)
class choice:  # noqa: N801 - used like the readers above: choice(Gender)
    """A choice by its Chinese label (or its stored value)."""

    choices: type

    def __call__(self, value, context=None):
        raw = text(value)
        labels = {str(label): v for v, label in self.choices.choices} | {v: v for v in self.choices.values}
        if raw and raw not in labels:
            allowed = "、".join(str(label) for _v, label in self.choices.choices)
            raise CellError(f"“{raw}”无效，应为 {allowed}")
        return labels.get(raw, "")


@dataclass(frozen=True)
class related:  # noqa: N801 - a reader, like choice
    """A foreign key named by one of `keys` (name, code …) among the active school's rows:
    another school's names do not resolve. Loaded once per import, not once per row."""

    model: type
    keys: tuple = ("name",)

    def __call__(self, value, context):
        raw = text(value)
        if not raw:
            return ""
        found = context.lookup(self).get(raw, [])
        if len(found) > 1:
            raise CellError(f"“{raw}”在本校不唯一")
        if not found:
            raise CellError(f"“{raw}”不是本校的{self.model._meta.verbose_name}")
        return found[0]

    def table(self, school):
        by_key = {}
        for obj in scope(self.model.objects.all(), school):
            for key in self.keys:
                if getattr(obj, key, ""):
                    by_key.setdefault(str(getattr(obj, key)), set()).add(obj.pk)
        return {k: sorted(v) for k, v in by_key.items()}


@dataclass(frozen=True, eq=False)  # hashed by identity: a header map's keys
class Column:
    header: str
    field: str
    read: object = text  # one of the readers above
    aliases: tuple = ()
    required: bool = False  # the header must be in the file
    unique: bool = False  # no two rows of the file may repeat it (the form checks the database)
    example: object = ""
    default: object = ""  # the datum when the cell is blank or the column absent


    @property
    def names(self):
        return (self.header, *self.aliases)


# --- the file --------------------------------------------------------------------------------


def check_upload(upload):
    """Refuse, in Chinese, what no importer should open: not .xlsx, too big, a zip bomb."""
    if upload is None:
        raise ImportFileError("请选择要导入的 Excel 文件（.xlsx）")
    if upload.size > MAX_BYTES or not upload.name.lower().endswith(".xlsx"):
        raise ImportFileError(f"只能上传 {MAX_BYTES // 1024 // 1024} MB 以内的 .xlsx 文件")
    try:
        with zipfile.ZipFile(upload) as archive:
            inflated = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError) as error:
        raise ImportFileError("无法读取文件：请上传 Excel 文件（.xlsx），可先下载导入模板") from error
    finally:
        upload.seek(0)
    if inflated > MAX_UNZIPPED:
        raise ImportFileError("文件解压后过大，不像正常的 Excel 表格，请检查后重新上传")


def open_sheet(fileobj):
    try:
        return load_workbook(fileobj, read_only=True, data_only=True).worksheets[0]
    except Exception as error:  # zipfile.BadZipFile, KeyError, InvalidFileException …
        raise ImportFileError("无法读取文件：请上传 Excel 文件（.xlsx），可先下载导入模板") from error


def is_skipped(row):
    """A blank row, or a total / instructions row: nothing to import."""
    cells = [text(v) for v in row or ()]
    if not any(cells):
        return True
    first = next(c for c in cells if c)
    return first.startswith(TOTAL_STARTS) or first.rstrip("：: ").lower() in TOTAL_WORDS


@dataclass
class Outcome:
    """What an import found: the rows read, every error, and how many rows were written."""

    rows: int = 0
    errors: list = field(default_factory=list)  # RowError
    imported: int = 0
    valid: list = field(default_factory=list)  # the validated forms or serializers, unsaved

    @property
    def ok(self):
        return not self.errors and self.rows > 0

    def messages(self):
        return [str(e) for e in self.errors]


# --- the importer ----------------------------------------------------------------------------


class Importer:
    """Declare `model`, `columns` and `form_class` (or `serializer_class`); override `save`
    to create the records through a domain service."""

    model = None
    columns = ()
    form_class = None
    serializer_class = None
    title = ""  # the template's sheet name; the model's verbose name by default

    def __init__(self, school, *, progress=None):
        self.school = school
        self.progress = progress  # progress(checked, size), for the page's progress bar
        self._tables = {}
        self._seen = {}  # (field, value) -> the row that had it first, for unique columns

    @classmethod
    def path(cls):
        return f"{cls.__module__}.{cls.__qualname__}"

    @classmethod
    def label(cls):
        return cls.title or str(cls.model._meta.verbose_name)

    def lookup(self, reader):
        """A foreign-key reader's table of the school's rows, read once per import."""
        if reader not in self._tables:
            self._tables[reader] = reader.table(self.school)
        return self._tables[reader]

    # reading the file

    def header_map(self, sheet_rows):
        """{column: index} from the first row (of the first few) that names a required column."""
        for number, row in enumerate(sheet_rows, start=1):
            cells = [text(v) for v in row or ()]
            found = {c: cells.index(n) for c in self.columns for n in c.names if n in cells}
            if found and any(c.required for c in found):
                missing = [c.header for c in self.columns if c.required and c not in found]
                if missing:
                    raise ImportFileError(f"第 {number} 行表头缺少必填列：{'、'.join(missing)}")
                return number, found
            if number >= HEADER_SEARCH:
                break
        headers = "、".join(f"“{c.header}”" for c in self.columns if c.required)
        raise ImportFileError(f"没有找到表头行（应包含 {headers} 等列），请使用导入模板")

    def data_rows(self, fileobj):
        """(mapping, size, rows): rows yields (row number, cells) after the header row."""
        sheet = open_sheet(fileobj)
        rows = sheet.iter_rows(values_only=True)
        number, mapping = self.header_map(rows)
        size = sheet.max_row - number if sheet.max_row else None
        return mapping, size, ((n, r) for n, r in enumerate(rows, start=number + 1) if not is_skipped(r))

    def read_row(self, number, row, mapping):
        """The form's data of one row, and the errors of the cells that could not be read."""
        data, errors = {}, []
        for column in self.columns:
            index = mapping.get(column)
            value = row[index] if index is not None and index < len(row) else None
            try:
                datum = column.read(value, self)
            except CellError as error:
                errors.append(RowError(number, column.header, f"{column.header}{error}"))
                continue
            data[column.field] = column.default if datum == "" else datum
        return data, errors

    # validating and saving

    def bind(self, data):
        if self.serializer_class is not None:
            return self.serializer_class(data=data, context={"school": self.school})
        return self.form_class(data=data, school=self.school)

    def form_errors(self, number, form, unread):
        """The form's errors as RowErrors, named by column; fields whose cell was unreadable
        already have their error."""
        headers = {c.field: c.header for c in self.columns}
        errors = []
        for name, messages in form.errors.items():
            if headers.get(name) in unread:
                continue
            for message in messages:
                column = headers.get(name, "")
                errors.append(RowError(number, column, f"{column}：{message}" if column else str(message)))
        return errors

    def repeated(self, number, data):
        """Errors of unique columns whose value an earlier row of the file already had."""
        errors = []
        for column in self.columns:
            value = data.get(column.field)
            if not column.unique or value in ("", None):
                continue
            first = self._seen.setdefault((column.field, str(value)), number)
            if first != number:
                errors.append(RowError(number, column.header, f"{column.header}“{value}”与第 {first} 行重复"))
        return errors

    def check_row(self, number, row, mapping):
        """(the bound, valid form, or None; this row's errors)."""
        data, errors = self.read_row(number, row, mapping)
        errors += self.repeated(number, data)
        form = self.bind(data)
        if not form.is_valid():
            errors += self.form_errors(number, form, {e.column for e in errors})
        elif self.form_class is not None:
            errors += self.constraint_errors(number, form.instance)
        return (form if not errors else None), errors

    def constraint_errors(self, number, instance):
        """The model's constraints in full: a ModelForm leaves out those naming a field it does
        not show, as (school, name), so a name the school already has would fail only on save."""
        try:
            instance.validate_constraints()
        except ValidationError as error:
            return [RowError(number, "", message) for message in error.messages]
        return []

    def validate(self, fileobj):
        """Read and check every row; returns an Outcome (valid forms, or errors)."""
        mapping, size, rows = self.data_rows(fileobj)
        outcome = Outcome()
        for number, row in rows:
            outcome.rows += 1
            if outcome.rows > MAX_ROWS:
                outcome.errors.append(RowError(number, "", f"文件超过 {MAX_ROWS:,} 行，请分批导入"))
                break
            if self.progress is not None and outcome.rows % PROGRESS_EVERY == 0:
                self.progress(outcome.rows, size)
            form, errors = self.check_row(number, row, mapping)
            outcome.errors += errors
            if form is not None:
                outcome.valid.append(form)
            if len(outcome.errors) >= MAX_ERRORS:
                outcome.errors.append(RowError(number, "", f"错误超过 {MAX_ERRORS} 条，其余未列出"))
                break
        if not outcome.rows:
            outcome.errors.append(RowError(0, "", "文件中没有数据行"))
        return outcome

    def save(self, rows, by):
        """Create the records of the validated rows (inside the import's transaction)."""
        for form in rows:
            if self.serializer_class is not None:
                form.save(school=self.school)
            else:
                form.save()

    def run(self, fileobj, *, by, commit=True):
        """Validate every row, then save all of them in one transaction, or none."""
        outcome = self.validate(fileobj)
        if not outcome.ok or not commit:
            return outcome
        try:
            with transaction.atomic():
                self.save(outcome.valid, by)
        except ValidationError as error:
            outcome.errors += [RowError(0, "", message) for message in error.messages]
            return outcome
        except IntegrityError:  # a row the forms passed but the database refused (a race)
            outcome.errors.append(RowError(0, "", "保存时与已有数据冲突，未写入任何数据，请重新导入"))
            return outcome
        outcome.imported = len(outcome.valid)
        return outcome

    # the template

    def template(self):
        """An .xlsx with the headers (bold) and one example row; returns the bytes' file."""
        wb = Workbook()
        ws = wb.active
        ws.title = self.label()[:31]
        ws.append([c.header for c in self.columns])
        ws.append([c.example for c in self.columns])
        for cell, column in zip(ws[1], self.columns, strict=True):
            cell.font = Font(bold=True)
            ws.column_dimensions[cell.column_letter].width = max(12, len(column.header) * 2 + 4)
        return wb


# --- in the background -------------------------------------------------------------------------


def start(importer_class, upload, school, *, by):
    """Store the upload for the worker and queue its import; returns the ImportJob."""
    check_upload(upload)
    job = ImportJob.objects.create(school=school, importer=importer_class.path(), file=upload,
                                   filename=upload.name[:200], by=by)
    run_import.enqueue(job.pk)
    job.refresh_from_db()
    return job


@task()
def run_import(job_pk):
    """The worker's half: check every row (reporting progress), then save all or nothing."""
    job = ImportJob.objects.select_related("school", "by").get(pk=job_pk)
    ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.RUNNING)

    def progress(checked, size):
        ImportJob.objects.filter(pk=job.pk).update(checked=checked, size=size)

    importer = import_string(job.importer)(job.school, progress=progress)
    try:
        with job.file.open("rb") as f:
            outcome = importer.run(f, by=job.by)
    except ImportFileError as error:
        outcome = Outcome(errors=[RowError(0, "", str(error))])
    except Exception:
        finish(job, Outcome(errors=[RowError(0, "", "导入时出错，未写入任何数据；请联系管理员")]))
        raise  # logged by the worker, with the task's result
    finish(job, outcome)


def finish(job, outcome):
    job.file.delete(save=False)  # read: the data now lives in the records, or nowhere
    job.status = job.Status.DONE if outcome.imported else job.Status.FAILED
    job.rows, job.imported, job.checked = outcome.rows, outcome.imported, outcome.rows
    job.errors = [[e.row, e.column, str(e)] for e in outcome.errors]
    job.save()


def xlsx_response(workbook, filename):
    """A workbook as a download (through a temporary file, closed by the response)."""
    out = tempfile.TemporaryFile()  # noqa: SIM115 - closed by the FileResponse
    workbook.save(out)
    out.seek(0)
    return FileResponse(out, as_attachment=True, filename=filename, content_type=XLSX)
