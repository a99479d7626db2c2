"""The column spec of list pages, rendered to the HTML table and to Excel alike.

A column has a header, a source — a field name, a dotted path (choice fields give their label
at every step) or a callable of the row — and a kind saying how its value is shown and typed:
money (HTML: 28,102.00, right-aligned; Excel: a number with two decimals), number, date,
datetime, bool (是/否), text. A badge is HTML in the table and its label in Excel; the link to
a row's page is the table's only (the first column)."""

from django.db import models

from .money import is_money, yuan

TEXT, MONEY, NUMBER, DATE, DATETIME, BOOL = "text", "money", "number", "date", "datetime", "bool"
WIDTHS = {MONEY: 14, NUMBER: 10, DATE: 12, DATETIME: 17}


class Column:
    def __init__(self, header, source, kind=TEXT, width=None):
        self.header, self.source, self.kind = header, source, kind
        self.width = width or WIDTHS.get(kind) or max(10, len(str(header)) * 2 + 4)

    def __repr__(self):
        return f"Column({self.header!r}, {self.source!r}, {self.kind!r})"

    def value(self, row):
        """The raw value: a Decimal, a date, a label, an object …"""
        if callable(self.source):
            return self.source(row)
        value = row
        for part in self.source.split("."):
            if value is None:
                return None
            display = getattr(value, f"get_{part}_display", None)
            value = display() if display is not None else getattr(value, part)
            if callable(value) and not isinstance(value, models.Model):
                value = value()
        return value

    def html(self, row):
        """The value as the HTML table shows it."""
        return shown(self.value(row), money=self.kind == MONEY)


def shown(value, *, money=False):
    """A value as people read it: empty as —, booleans as 是/否, objects by name, money as 元."""
    if isinstance(value, bool):
        return "是" if value else "否"
    if value is None or value == "":
        return "—"
    if isinstance(value, models.Model):
        return str(value)
    return yuan(value) if money else value


def field_kind(field):
    if field is None or field.is_relation or getattr(field, "choices", None):
        return TEXT
    if is_money(field):
        return MONEY
    if isinstance(field, models.BooleanField):
        return BOOL
    if isinstance(field, models.DateTimeField):
        return DATETIME
    if isinstance(field, models.DateField):
        return DATE
    if isinstance(field, (models.DecimalField, models.IntegerField, models.FloatField)):
        return NUMBER
    return TEXT


def model_columns(model, names):
    """The columns of a list declared by name (`ObjectListView.columns`): fields by their
    verbose name and kind, methods and properties by their `short_description`."""
    fields = {f.name: f for f in model._meta.get_fields()}
    columns = []
    for name in names:
        field = fields.get(name)
        if name == "__str__":
            header = model._meta.verbose_name
        elif field is not None:
            header = getattr(field, "verbose_name", name)
        else:
            header = getattr(getattr(model, name, None), "short_description", name)
        columns.append(Column(str(header), name, field_kind(field)))
    return columns
