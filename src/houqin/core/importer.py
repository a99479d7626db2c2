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
transaction, by `save(rows, by)` (each form's `save()` unless an importer calls its service,
or, with `bulk = True`, every instance inserted at once and `saved_in_bulk` called).
Pages run it in the background (`run_import`, a django-tasks task) and poll an ImportJob; an
importer with `confirm = True` stops after the check until the user confirms the summary.

Thousands of rows cost a constant number of queries: the choices of every dropdown of the
form, the names a `related` reader resolves and the values a unique constraint has already
taken are read once per import, never per row.

An upload is refused before it is parsed when it is too big, inflates too much (a zip bomb),
or its first sheet declares more rows or columns than the limits (an "import bomb": a small
file that declares millions of empty rows); reading stops at the row limit in any case.
The limits are settings (HOUQIN_IMPORT_MAX_BYTES, HOUQIN_IMPORT_MAX_ROWS, …; see README).
"""

import datetime
import re
import tempfile
import zipfile
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.http import FileResponse
from django.utils.module_loading import import_string
from django_tasks import task
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font
from openpyxl.utils import range_boundaries
from simple_history.utils import bulk_create_with_history

from .models import ImportJob
from .tenancy import is_school_owned, scope

# Defaults of the limits; each can be set in settings.py (HOUQIN_IMPORT_<NAME>).
MAX_BYTES = 30 * 1024 * 1024  # an upload's size, as the asset import has always allowed
MAX_UNZIPPED = 512 * 1024 * 1024  # what the whole .xlsx may inflate to
MAX_RATIO = 100  # a member may inflate 100-fold (real sheets: 5-30); more is a zip bomb
RATIO_FROM = 1024 * 1024  # … judged only for members that inflate beyond 1 MB
MAX_ROWS = 200_000  # rows read from a sheet, blank ones included
MAX_COLUMNS = 200  # columns read from a sheet
MAX_ERRORS = 1000
PROGRESS_EVERY = 200  # rows between two progress reports
HEADER_SEARCH = 5  # the header row is one of the first rows (a title row may sit above it)
TOTAL_STARTS = ("合计", "说明：", "说明:")  # a total row, or a template's instructions row
TOTAL_WORDS = {"总计", "小计", "total"}  # whole words only: 小计算器 is an asset
DANGEROUS = ("=", "+", "-", "@", "\t", "\r")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DATE_RE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})(?:\s*[-/.月]\s*(\d{1,2})\s*日?|\s*月?)?$")


def limit(name):
    """An import limit: settings.HOUQIN_IMPORT_<name>, else this module's default."""
    return getattr(settings, f"HOUQIN_IMPORT_{name}", globals()[name])


class ImportFileError(Exception):
    """The file cannot be read at all (not an .xlsx, too big, no header row …)."""


class SkipRow(Exception):  # noqa: N818 - not an error: a reader's "this row is not imported"
    """Raised by a reader for a row that is read but not imported (e.g. a written-off asset
    in an export of the register); the row is counted in Outcome.skipped."""


class CellError(ValueError):
    """A cell that cannot be read; the message is Chinese and names the value."""


@dataclass(frozen=True)
class RowError:
    row: int  # the spreadsheet's row number, as the user sees it
    column: str  # the column's header, or "" for an error about the whole row
    message: str

    def __str__(self):
        where = f"{self.column}：" if self.column and not self.message.startswith(self.column) else ""
        return f"第 {self.row} 行：{where}{self.message}" if self.row else self.message  # 0: the whole file


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
    if not number.is_finite() or number != number.to_integral_value() or abs(number) >= 10**12:
        raise CellError(f"“{raw}”应为整数")
    return int(number)


def positive_integer(value, context=None):
    try:
        number = integer(value)
    except CellError:
        number = 0
    if number != "" and number < 1:
        raise CellError(f"“{text(value)}”应为正整数")
    return number


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
    """A foreign key named by one of `keys` among the active school's rows (all rows of a
    model shared by every school): another school's names do not resolve. A key is a field's
    name or a function of the row giving its name(s); `normal` folds a cell and a key alike
    (e.g. str.upper for codes). Loaded once per import, not once per row."""

    model: type
    keys: tuple = ("name",)
    normal: object = None  # str -> str
    missing: str = ""  # the message for a name that does not resolve; {raw} is the cell
    ambiguous: str = ""  # … for one that names several rows
    select: tuple = ()  # select_related for keys that name a related row (room: its building)

    def __call__(self, value, context):
        raw = text(value)
        if not raw:
            return ""
        found = context.lookup(self).get(self.fold(raw), [])
        if len(found) > 1:
            raise CellError((self.ambiguous or "“{raw}”在本校不唯一").format(raw=raw))
        if not found:
            raise CellError((self.missing or f"“{{raw}}”不是本校的{self.model._meta.verbose_name}").format(raw=raw))
        return found[0]

    def fold(self, name):
        name = re.sub(r"\s+", " ", str(name).strip())
        return self.normal(name) if self.normal else name

    def names(self, obj):
        for key in self.keys:
            got = key(obj) if callable(key) else getattr(obj, key, "")
            yield from (got if isinstance(got, list | tuple | set) else [got])

    def table(self, school):
        rows = self.model.objects.select_related(*self.select)
        by_key = {}
        for obj in scope(rows, school) if is_school_owned(self.model) else rows:
            for name in self.names(obj):
                if name:
                    by_key.setdefault(self.fold(name), set()).add(obj.pk)
        return {k: sorted(v) for k, v in by_key.items()}


@dataclass(frozen=True, eq=False)  # hashed by identity: a header map's keys
class Column:
    header: str
    field: str
    read: object = text  # one of the readers above
    aliases: tuple = ()
    required: bool = False  # the header must be in the file
    unique: bool = False  # no two rows of the file may repeat it (the model's unique constraints
    # are checked against the file and the database in any case)
    example: object = ""
    default: object = ""  # the datum when the cell is blank or the column absent
    help: str = ""  # how to fill it in, on the upload page (and an importer's template)
    template: bool = True  # a column of the template (False: also read when a file has it)

    @property
    def names(self):
        return (self.header, *self.aliases)


# --- the file --------------------------------------------------------------------------------


def check_upload(upload):
    """Refuse, in Chinese, what no importer should open: not .xlsx, too big, a zip bomb, a sheet
    that declares more rows or columns than may be read. Nothing is parsed before this."""
    if upload is None:
        raise ImportFileError("请选择要导入的 Excel 文件（.xlsx）")
    max_mb = limit("MAX_BYTES") // 1024 // 1024
    if upload.size > limit("MAX_BYTES") or not upload.name.lower().endswith(".xlsx"):
        raise ImportFileError(f"只能上传 {max_mb} MB 以内的 .xlsx 文件")
    try:
        with zipfile.ZipFile(upload) as archive:
            check_inflation(archive.infolist())
            check_dimension(archive)
    except (zipfile.BadZipFile, OSError, KeyError, ValueError) as error:
        raise ImportFileError(UNREADABLE) from error
    finally:
        upload.seek(0)


UNREADABLE = "无法读取文件：请上传 Excel 文件（.xlsx），可先下载导入模板"
BOMB = "文件解压后过大，不像正常的 Excel 表格，请检查后重新上传"


def check_inflation(members):
    """The zip's own declared sizes (zipfile never inflates a member beyond them)."""
    if sum(m.file_size for m in members) > limit("MAX_UNZIPPED"):
        raise ImportFileError(BOMB)
    for m in members:
        if m.file_size > RATIO_FROM and m.file_size > limit("MAX_RATIO") * max(m.compress_size, 1):
            raise ImportFileError(BOMB)


DIMENSION_RE = re.compile(rb"<(?:\w+:)?dimension\s+ref=\"([A-Z]+[0-9]+(?::[A-Z]+[0-9]+)?)\"")


def first_sheet(archive):
    """The path in the zip of the workbook's first sheet (what openpyxl would read)."""
    names = set(archive.namelist())
    if "xl/worksheets/sheet1.xml" in names:
        return "xl/worksheets/sheet1.xml"
    sheets = sorted(n for n in names if n.startswith("xl/worksheets/") and n.endswith(".xml"))
    return sheets[0] if sheets else None


def check_dimension(archive):
    """The first sheet's declared size (`<dimension ref="A1:Q30000000"/>`, at its head) within
    the row and column limits: read from the first few KB, before anything is parsed."""
    sheet = first_sheet(archive)
    if sheet is None:
        return  # not a workbook: open_sheet says so
    with archive.open(sheet) as xml:
        head = xml.read(4096)
    found = DIMENSION_RE.search(head)
    if not found:
        return  # undeclared: reading stops at the row limit
    ref = found[1].decode()
    _min_col, _min_row, max_col, max_row = range_boundaries(ref if ":" in ref else f"{ref}:{ref}")
    check_size(max_row or 0, max_col or 0)


def check_size(rows, columns):
    if rows > limit("MAX_ROWS") + HEADER_SEARCH:
        raise ImportFileError(f"表格有 {rows:,} 行，超过一次最多导入的 {limit('MAX_ROWS'):,} 行，"
                              "请删去多余的空行或分批导入")
    if columns > limit("MAX_COLUMNS"):
        raise ImportFileError(f"表格有 {columns:,} 列，超过 {limit('MAX_COLUMNS')} 列，请只保留导入模板的列")


def open_sheet(fileobj):
    try:
        sheet = load_workbook(fileobj, read_only=True, data_only=True).worksheets[0]
    except Exception as error:  # zipfile.BadZipFile, KeyError, InvalidFileException …
        raise ImportFileError(UNREADABLE) from error
    check_size(sheet.max_row or 0, sheet.max_column or 0)  # for a file that skipped check_upload
    return sheet


def sheet_rows(sheet):
    """(row number, cells) of the sheet, at most MAX_COLUMNS wide; reading stops with an error
    past the row limit (blank rows count: a sheet of millions of them is a bomb too)."""
    last = limit("MAX_ROWS") + HEADER_SEARCH
    for number, row in enumerate(sheet.iter_rows(values_only=True, max_col=limit("MAX_COLUMNS")), start=1):
        if number > last:
            raise ImportFileError(f"表格超过 {limit('MAX_ROWS'):,} 行，已停止读取，请删去多余的空行或分批导入")
        yield number, row


class ChoiceFromTable:
    """A ModelChoiceField's to_python answering from rows read once (see preload_choices)."""

    def __init__(self, form_field, table):
        self.form_field, self.table = form_field, table

    def __call__(self, value):
        if value in self.form_field.empty_values:
            return None
        key = value.pk if isinstance(value, models.Model) else value
        found = self.table.get(str(key))
        if found is None:
            raise ValidationError(self.form_field.error_messages["invalid_choice"], code="invalid_choice")
        return found


def instance_text(instance, name):
    value = getattr(instance, name)
    return value if not isinstance(value, models.Model) else str(value)


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
    skipped: int = 0  # rows read but not imported (a reader raised SkipRow)
    notes: list = field(default_factory=list)  # "第 n 行：…", what was read otherwise than written

    @property
    def ok(self):
        return not self.errors and bool(self.valid)

    def messages(self):
        return [str(e) for e in self.errors]


def instance_of(form):
    return getattr(form, "instance", None)


def fields_cleaned_but(instance, names):
    """The instance's clean_fields, but a foreign key a preloaded choice resolved is not looked
    up again (ForeignKey.validate queries for the row: once per row and key)."""

    def clean_fields(exclude=None):
        return type(instance).clean_fields(instance, exclude={*(exclude or ()), *names})

    return clean_fields


def no_constraint_queries(exclude=None):
    """A form's instance checks its constraints with one query each, per row: the importer
    checks unique ones against values read once, and the database the others on insert."""


# --- the importer ----------------------------------------------------------------------------


class Importer:
    """Declare `model`, `columns` and `form_class` (or `serializer_class`); override `save`
    to create the records through a domain service, or set `bulk` to insert them at once."""

    model = None
    columns = ()
    form_class = None
    serializer_class = None
    title = ""  # the template's sheet name; the model's verbose name by default
    bulk = False  # save: every instance in one bulk insert (with history), then saved_in_bulk
    confirm = False  # pages: stop after the check and show the summary until it is confirmed
    progress_every = PROGRESS_EVERY

    def __init__(self, school, *, progress=None):
        self.school = school
        self.progress = progress  # progress(checked, size), for the page's progress bar
        self._tables = {}
        self._seen = {}  # (field, value) -> the row that had it first, for unique columns
        self._choices = {}  # a form field's name -> {pk: the row}, the field's own queryset read once
        self._taken = None  # a unique constraint -> {its values: the row of the file, or 0 if in the database}
        self.notes = []
        self.row = 0

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

    def note(self, message):
        """A remark on the row being read (what was read otherwise than written)."""
        self.notes.append(f"第 {self.row} 行：{message}")

    # reading the file

    def header_map(self, sheet_rows):
        """{column: index} from the first row (of the first few) that names a required column."""
        for number, row in sheet_rows:
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
        rows = sheet_rows(sheet)
        number, mapping = self.header_map(rows)
        size = sheet.max_row - number if sheet.max_row else None
        return mapping, size, ((n, r) for n, r in rows if not is_skipped(r))

    def cells(self, row, mapping):
        """{column header: the cell's value} of one row; an importer may combine cells here."""
        return {c.header: (row[i] if (i := mapping.get(c)) is not None and i < len(row) else None)
                for c in self.columns}

    def read_row(self, number, row, mapping):
        """The form's data of one row, and the errors of the cells that could not be read.
        Raises SkipRow for a row that is not to be imported."""
        data, errors = {}, []
        self.row = number  # for a reader's context.note()
        for column, value in zip(self.columns, self.cells(row, mapping).values(), strict=True):
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
        form = self.form_class(data=data, school=self.school)
        preloaded = self.preload_choices(form)
        form.validate_unique = no_constraint_queries  # see unique_errors
        form.instance.validate_constraints = no_constraint_queries
        # the school is the importer's own, set by the form: no lookup per row either
        form.instance.clean_fields = fields_cleaned_but(form.instance, {*preloaded, "school"})
        return form

    def preload_choices(self, form):
        """Every dropdown of the form answers from its own choices, read once per import: the
        same rows the page offers (narrowed to the school), without a query per row. Returns the
        names of those fields."""
        names = set()
        for name, form_field in form.fields.items():
            if type(form_field) is forms.ModelChoiceField:
                if name not in self._choices:
                    self._choices[name] = {str(obj.pk): obj for obj in form_field.queryset}
                form_field.to_python = ChoiceFromTable(form_field, self._choices[name])
                names.add(name)
        return names

    def form_errors(self, number, form, unread):
        """The form's errors as RowErrors, named by column; fields whose cell was unreadable
        already have their error. A missing value reads "名称不能为空"."""
        headers = {c.field: c.header for c in self.columns}
        errors = []
        for name, problems in form.errors.as_data().items() if hasattr(form.errors, "as_data") \
                else form.errors.items():
            if headers.get(name) in unread:
                continue
            column = headers.get(name, "")
            for problem in problems:
                errors.append(RowError(number, column, self.message(column, problem)))
        return errors

    @staticmethod
    def message(column, problem):
        if isinstance(problem, ValidationError):
            if column and problem.code == "required":
                return f"{column}不能为空"
            problem = " ".join(problem.messages)
        return f"{column}：{problem}" if column else str(problem)

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

    def unique_constraints(self):
        """The model's plain unique constraints (fields only, no condition), and unique fields."""
        meta = self.model._meta
        found = [tuple(c.fields) for c in meta.constraints
                 if isinstance(c, models.UniqueConstraint) and c.fields and not c.condition]
        found += [tuple(t) for t in meta.unique_together]
        found += [(f.name,) for f in meta.fields if f.unique and not f.primary_key]
        return found

    def taken(self):
        """{constraint: {values: 0}} of the rows the school (or everyone, for a shared model)
        already has, read once; the file's rows are added as they pass."""
        if self._taken is None:
            rows = self.model.objects.all()
            rows = scope(rows, self.school) if is_school_owned(self.model) else rows
            self._taken = {}
            for fields in self.unique_constraints():
                own = tuple(f for f in fields if f != "school")
                self._taken[fields] = dict.fromkeys(rows.values_list(*own), 0) if own else {}
        return self._taken

    def unique_errors(self, number, instance):
        """A value a unique constraint has already taken, in the database or an earlier row:
        "第 9 行：资产编号“OLD-0001”本校已有" (one message naming the column and the row)."""
        headers = {c.field: c.header for c in self.columns}
        errors = []
        for fields, taken in self.taken().items():
            own = tuple(f for f in fields if f != "school")
            values = tuple(getattr(instance, self.model._meta.get_field(f).attname) for f in own)
            if not own or any(v in ("", None) for v in values):
                continue
            named = "、".join(f"{headers.get(f) or self.model._meta.get_field(f).verbose_name}"
                             f"“{instance_text(instance, f)}”" for f in own)
            first = taken.setdefault(values, number)
            if first == 0:
                errors.append(RowError(number, headers.get(own[0], ""), f"{named}本校已有"))
            elif first != number:
                errors.append(RowError(number, headers.get(own[0], ""), f"{named}与第 {first} 行重复"))
        return errors

    def check_row(self, number, row, mapping):
        """(the bound, valid form, or None; this row's errors)."""
        data, errors = self.read_row(number, row, mapping)
        errors += self.repeated(number, data)
        form = self.bind(data)
        if not form.is_valid():
            errors += self.form_errors(number, form, {e.column for e in errors})
        elif instance_of(form) is not None and not errors:
            errors += self.row_errors(number, form)
        return (form if not errors else None), errors

    def row_errors(self, number, form):
        """What the form cannot see of a valid row: its unique constraints against the file and
        the database, and what `prepare` (an importer's service hook) refuses."""
        try:
            self.prepare(form.instance)
        except ValidationError as error:
            return [RowError(number, "", message) for message in error.messages]
        return self.unique_errors(number, form.instance)

    def prepare(self, instance):
        """Fill an unsaved instance's derived fields (a service's hook); raise ValidationError."""

    def validate(self, fileobj):
        """Read and check every row; returns an Outcome (valid forms, or errors)."""
        mapping, size, rows = self.data_rows(fileobj)
        outcome = Outcome()
        for number, row in rows:
            outcome.rows += 1
            if outcome.rows > limit("MAX_ROWS"):
                outcome.errors.append(RowError(number, "", f"文件超过 {limit('MAX_ROWS'):,} 行，请分批导入"))
                break
            if self.progress is not None and outcome.rows % self.progress_every == 0:
                self.progress(outcome.rows, size)
            try:
                form, errors = self.check_row(number, row, mapping)
            except SkipRow:
                outcome.skipped += 1
                continue
            outcome.errors += errors
            if form is not None:
                outcome.valid.append(form)
            if len(outcome.errors) >= MAX_ERRORS:
                outcome.errors.append(RowError(number, "", f"错误超过 {MAX_ERRORS} 条，其余未列出"))
                break
        outcome.notes = self.notes
        if not outcome.rows:
            outcome.errors.append(RowError(0, "", "文件中没有数据行"))
        elif not outcome.valid and not outcome.errors:
            outcome.errors.append(RowError(0, "", "文件中没有可导入的行"))
        return outcome

    def save(self, rows, by):
        """Create the records of the validated rows (inside the import's transaction)."""
        if self.bulk:
            instances = [form.instance for form in rows]
            self.saved_in_bulk(self.insert(instances, by), by)
            return
        for form in rows:
            if self.serializer_class is not None:
                form.save(school=self.school)
            else:
                form.save()

    def insert(self, instances, by):
        """Every instance in batches, with its history row; returns them with their keys."""
        for instance in instances:
            if hasattr(instance, "school_id") and not instance.school_id:
                instance.school = self.school
        if hasattr(self.model, "history"):
            return bulk_create_with_history(instances, self.model, batch_size=2000, default_user=by)
        return self.model.objects.bulk_create(instances, batch_size=2000)

    def saved_in_bulk(self, instances, by):
        """After a bulk insert: what the service would also have written (events …)."""

    def summary(self, outcome):
        """Lines shown above the confirm button: what the import will write."""
        return [f"将导入 {len(outcome.valid)} 行"]

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
        columns = [c for c in self.columns if c.template]
        ws.append([c.header for c in columns])
        ws.append([c.example for c in columns])
        for cell, column in zip(ws[1], columns, strict=True):
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


def confirm(job):
    """Queue the import of a checked job (once: a second confirmation finds it no longer
    checked and returns False)."""
    if not ImportJob.objects.filter(pk=job.pk, status=ImportJob.Status.CHECKED).update(
            status=ImportJob.Status.QUEUED, checked=0):
        return False
    run_import.enqueue(job.pk, commit=True)
    job.refresh_from_db()
    return True


@task()
def run_import(job_pk, commit=None):
    """The worker's half: check every row (reporting progress), then save all or nothing; an
    importer that wants confirmation is only checked until `confirm` queues it again."""
    job = ImportJob.objects.select_related("school", "by").get(pk=job_pk)
    ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.RUNNING)

    def progress(checked, size):
        ImportJob.objects.filter(pk=job.pk).update(checked=checked, size=size)

    importer = import_string(job.importer)(job.school, progress=progress)
    commit = not importer.confirm if commit is None else commit
    try:
        with job.file.open("rb") as f:
            outcome = importer.run(f, by=job.by, commit=commit)
    except ImportFileError as error:
        outcome = Outcome(errors=[RowError(0, "", str(error))])
    except Exception:
        finish(job, Outcome(errors=[RowError(0, "", "导入时出错，未写入任何数据；请联系管理员")]))
        raise  # logged by the worker, with the task's result
    finish(job, outcome, summary=importer.summary(outcome) if outcome.ok else [])


def finish(job, outcome, summary=()):
    if outcome.ok and not outcome.imported:
        job.status = job.Status.CHECKED  # the file stays until it is confirmed
    else:
        job.file.delete(save=False)  # read: the data now lives in the records, or nowhere
        job.status = job.Status.DONE if outcome.imported else job.Status.FAILED
    job.rows, job.imported, job.checked = outcome.rows, outcome.imported, outcome.rows
    job.errors = [[e.row, e.column, str(e)] for e in outcome.errors]
    job.summary = {"lines": list(summary), "skipped": outcome.skipped, "notes": outcome.notes[:100]}
    job.save()


def xlsx_response(workbook, filename):
    """A workbook as a download (through a temporary file, closed by the response)."""
    out = tempfile.TemporaryFile()  # noqa: SIM115 - closed by the FileResponse
    workbook.save(out)
    out.seek(0)
    return FileResponse(out, as_attachment=True, filename=filename, content_type=XLSX)
