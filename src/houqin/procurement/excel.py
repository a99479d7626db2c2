"""Excel exports of the procurement lists (供应商、采购申请、订单、验收单、报销单 …).

Built like the assets and stock reports (openpyxl write-only workbook, formula injection
neutralised with assets.excel.safe, a title row, bold Chinese headers), with typed cells: money
is a number shown with two decimals ('#,##0.00'), dates are dates. The shared report workbook
(assets.excel.table_workbook) writes money as plain floats, so the typed cells live here.

A list is described by its columns: (header, how to get the value from a row, kind), the kind
being "text", "money", "number", "date" or "datetime". The rows come from the list page's own
queryset (its scope, filters and select_related), read in chunks: one query whatever the size."""

import datetime
from decimal import Decimal

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from houqin.assets.excel import XLSX, safe, workbook_file

__all__ = ["XLSX", "Column", "list_workbook", "MONEY_FORMAT", "DATE_FORMAT"]

MONEY_FORMAT = "#,##0.00"
NUMBER_FORMAT = "#,##0.##"
DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
WIDTHS = {"money": 14, "number": 10, "date": 12, "datetime": 17}


class Column:
    """One column of an exported list: a header, a getter (attribute path with dots, or a
    callable taking the row) and a kind."""

    def __init__(self, header, source, kind="text", width=None):
        self.header, self.source, self.kind = header, source, kind
        self.width = width or WIDTHS.get(kind) or max(10, len(header) * 2 + 4)

    def value(self, row):
        if callable(self.source):
            return self.source(row)
        value = row
        for part in self.source.split("."):
            if value is None:
                return None
            display = getattr(value, f"get_{part}_display", None)
            value = display() if display is not None else getattr(value, part)
        return value


def _cell(ws, value, kind):
    """A typed cell: Decimal money with two decimals, dates as dates, text made safe."""
    if value is None or value == "":
        return None
    if kind in ("money", "number"):
        cell = WriteOnlyCell(ws, value=Decimal(value) if not isinstance(value, Decimal) else value)
        cell.number_format = MONEY_FORMAT if kind == "money" else NUMBER_FORMAT
        return cell
    if kind == "datetime" and isinstance(value, datetime.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value).replace(tzinfo=None)  # Excel has no time zones
        cell = WriteOnlyCell(ws, value=value)
        cell.number_format = DATETIME_FORMAT
        return cell
    if kind == "date" and isinstance(value, datetime.date):
        cell = WriteOnlyCell(ws, value=value.date() if isinstance(value, datetime.datetime) else value)
        cell.number_format = DATE_FORMAT
        return cell
    if isinstance(value, bool):
        return "是" if value else "否"
    return safe(value if isinstance(value, (int, float, Decimal)) else str(value))


def list_workbook(title, columns, rows, *, subtitle=""):
    """A write-only workbook: title, subtitle, bold headers, then one line per row (rows may
    be an iterator, streamed into a temporary file). Returns the rewound file."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(title[:31])
    for i, column in enumerate(columns, start=1):
        ws.column_dimensions[get_column_letter(i)].width = column.width
    heading = WriteOnlyCell(ws, value=safe(title))
    heading.font = Font(bold=True, size=14)
    ws.append([heading])
    ws.append([safe(subtitle)] if subtitle else [])
    headers = []
    for column in columns:
        cell = WriteOnlyCell(ws, value=safe(column.header))
        cell.font = Font(bold=True)
        headers.append(cell)
    ws.append(headers)
    for row in rows:
        ws.append([_cell(ws, column.value(row), column.kind) for column in columns])
    return workbook_file(wb)


HEADER_ROW = 3  # the row of the headers in an exported list (title, subtitle, headers)
