from decimal import Decimal

from django import template
from django.urls import reverse
from django.utils.html import format_html, format_html_join

from ..choices import ApprovalStatus
from ..columns import Column, model_columns
from ..menu import menu_for
from ..money import yuan

register = template.Library()
register.filter("yuan", yuan)


@register.filter
def qty(value):
    """A quantity without trailing zeros, never in exponent form: 10.00 → 10, 2.50 → 2.5
    (Decimal.normalize alone shows 10 as 1E+1)."""
    if value is None or value == "":
        return value
    return format(Decimal(value).normalize(), "f")

LINK = '<a class="nav-link {1}" href="{0}"><i class="bi bi-{2} me-1"></i>{3}</a>'


@register.simple_tag(takes_context=True)
def sidebar(context):
    request = context["request"]
    roles = getattr(request, "roles", frozenset())
    parts = []
    for title, items in menu_for(request.user, roles):
        urls = [(reverse(i.url_name), i) for i in items]
        links = [(url, "active" if request.path == url else "", i.icon, i.label) for url, i in urls]
        nav = format_html_join("", LINK, links)
        parts.append(format_html('<div class="module">{}</div><nav class="nav flex-column">{}</nav>', title, nav))
    return format_html_join("", "{}", ((p,) for p in parts))


@register.filter
def cell(obj, column):
    """Display one column of a row (a Column, or a field or attribute name): choices by label,
    booleans as 是/否, money as 元, empty as —."""
    if not isinstance(column, Column):
        column = model_columns(type(obj), [column])[0]
    return column.html(obj)


@register.filter
def badge_class(status):
    """The badge colour of an approval's status."""
    return ApprovalStatus(status).badge if status in ApprovalStatus.values else "secondary"


STATUS_SOURCES = {"status", "state", "status_label", "state_badge", "status_badge"}
PHONE_FACTS = 3


@register.filter
def card_roles(columns):
    """(column, role) pairs saying how each column shows on a phone, where a list is a stack
    of cards (houqin.css .table-cards): the first column is the card's title, a status column
    its badge, the next three its facts; the others are left to the wide screen."""
    pairs, facts = [], 0
    for index, column in enumerate(columns):
        if index == 0:
            role = "title"
        elif str(column.source) in STATUS_SOURCES or str(column.header) == "状态":
            role = "status"
        elif facts < PHONE_FACTS:
            role, facts = "fact", facts + 1
        else:
            role = "more"
        pairs.append((column, role))
    return pairs
