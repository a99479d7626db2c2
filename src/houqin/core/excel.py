"""Excel workbooks (openpyxl), the one library of every app's exports: formula injection
neutralised, write-only workbooks streamed to a temporary file (memory flat at any size), and
cells typed by their column — money a number shown with two decimals ('#,##0.00'), dates as
dates, badges as their label. Links are for the HTML table only.

Two shapes: `list_workbook` writes rows described by `Column`s (the list pages' export), and
`table_workbook` a report given as headers and rows of values, with a signature line."""

import datetime
import re
import tempfile
from decimal import Decimal

from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.safestring import SafeData
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from .columns import DATE, DATETIME, MONEY, NUMBER

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DANGEROUS = ("=", "+", "-", "@", "\t", "\r")
FORBIDDEN = re.compile(r"[\[\]:*?/\\]")  # characters Excel refuses in a sheet title (“500张/包”)

MONEY_FORMAT = "#,##0.00"
NUMBER_FORMAT = "#,##0.##"
DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
HEADER_ROW = 3  # the row of the headers in an exported list (title, subtitle, headers)


def safe(value):
    """A cell value that spreadsheet programs will not evaluate as a formula, with the control
    characters openpyxl refuses (e.g. "\x01", stored before text was validated) replaced, so
    no stored text can make an export fail."""
    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("\ufffd", value)
        if value.startswith(DANGEROUS):
            return "'" + value
    return value


def unsafe(text):
    """Undo `safe` on import: our own exports prefix dangerous text with an apostrophe."""
    if text.startswith("'") and text[1:].startswith(DANGEROUS):
        return text[1:]
    return text


def workbook_file(wb):
    """Save a workbook to a temporary file, rewound, for a FileResponse."""
    out = tempfile.TemporaryFile()  # noqa: SIM115 - closed by the FileResponse
    wb.save(out)
    out.seek(0)
    return out


def _sheet(title):
    wb = Workbook(write_only=True)
    return wb, wb.create_sheet(FORBIDDEN.sub("-", title)[:31])


def _bold(ws, value, size=None):
    cell = WriteOnlyCell(ws, value=safe(value))
    cell.font = Font(bold=True, size=size) if size else Font(bold=True)
    return cell


def _formatted(ws, value, number_format):
    cell = WriteOnlyCell(ws, value=value)
    cell.number_format = number_format
    return cell


def typed_cell(ws, value, kind):
    """A cell typed by its column's kind: Decimal money with two decimals, dates as dates (Excel
    has no time zones: local time), booleans as 是/否, badges and other HTML as their text."""
    if value is None or value == "":
        return None
    if kind in (MONEY, NUMBER):
        return _formatted(ws, Decimal(value), MONEY_FORMAT if kind == MONEY else NUMBER_FORMAT)
    if kind == DATETIME and isinstance(value, datetime.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value).replace(tzinfo=None)
        return _formatted(ws, value, DATETIME_FORMAT)
    if kind == DATE and isinstance(value, datetime.date):
        return _formatted(ws, value.date() if isinstance(value, datetime.datetime) else value, DATE_FORMAT)
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, SafeData):
        return safe(strip_tags(value))
    return safe(value if isinstance(value, (int, float, Decimal)) else str(value))


def _for_keeping(ws):
    """A list people keep: the header row frozen and filtered, printed on A4 landscape fitted
    to the page width with the title and header rows repeated on every page."""
    ws.freeze_panes = f"A{HEADER_ROW + 1}"
    ws.print_title_rows = f"1:{HEADER_ROW}"
    ws.page_setup.paperSize = Worksheet.PAPERSIZE_A4
    ws.page_setup.orientation = Worksheet.ORIENTATION_LANDSCAPE
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True


def list_workbook(title, columns, rows, *, subtitle=""):
    """Title, subtitle, bold headers, then one line per row described by `columns` (rows may be
    an iterator, streamed into the file). Returns the rewound file."""
    wb, ws = _sheet(title)
    for i, column in enumerate(columns, start=1):
        ws.column_dimensions[get_column_letter(i)].width = column.width
    _for_keeping(ws)
    ws.append([_bold(ws, title, 14)])
    ws.append([safe(subtitle)] if subtitle else [])
    ws.append([_bold(ws, column.header) for column in columns])
    count = 0
    for count, row in enumerate(rows, start=1):  # noqa: B007 - the count sizes the filter
        ws.append([typed_cell(ws, column.value(row), column.kind) for column in columns])
    # the sheet's tail (filter, print setup) is written when the workbook is saved
    ws.auto_filter.ref = f"A{HEADER_ROW}:{get_column_letter(max(len(columns), 1))}{HEADER_ROW + count}"
    return workbook_file(wb)


def table_workbook(title, headers, rows, *, subtitle="", signatures=()):
    """A report: title, subtitle, bold headers, rows of values, signature line. `rows` may be a
    generator, so large reports stream into the file without being held in memory."""
    wb, ws = _sheet(title)
    for col, header in enumerate(headers, start=1):
        ws.column_dimensions[get_column_letter(col)].width = max(10, len(str(header)) * 2 + 4)
    ws.append([_bold(ws, title, 14)])
    if subtitle:
        ws.append([safe(subtitle)])
    ws.append([_bold(ws, header) for header in headers])
    for row in rows:
        ws.append([float(v) if isinstance(v, Decimal) else safe(v) for v in row])
    if signatures:
        ws.append([])
        ws.append(["  ".join(f"{s}（签字）：__________" for s in signatures) + "  日期：__________"])
    return workbook_file(wb)
