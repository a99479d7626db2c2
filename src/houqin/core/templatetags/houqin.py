from django import template
from django.db import models
from django.urls import reverse
from django.utils.html import format_html, format_html_join

from ..menu import MENU
from ..money import is_money, yuan
from ..rules import VIEW, can

register = template.Library()
register.filter("yuan", yuan)
LINK = '<a class="nav-link {1}" href="{0}"><i class="bi bi-{2} me-1"></i>{3}</a>'


@register.simple_tag(takes_context=True)
def sidebar(context):
    request = context["request"]
    roles = getattr(request, "roles", frozenset())
    parts = []
    for title, items in MENU:
        links = [
            (reverse(i.url_name), "active" if request.path == reverse(i.url_name) else "", i.icon, i.label)
            for i in items if i.model is None or can(roles, VIEW, i.model)
        ]
        if links:
            nav = format_html_join("", LINK, links)
            parts.append(format_html('<div class="module">{}</div><nav class="nav flex-column">{}</nav>', title, nav))
    return format_html_join("", "{}", ((p,) for p in parts))


@register.filter
def cell(obj, column):
    """Display one column of a row: choices by label, booleans as 是/否, empty as —."""
    if column == "__str__":
        return str(obj)
    try:
        field = obj._meta.get_field(column)
    except Exception:
        field = None
    if field is not None and getattr(field, "choices", None):
        return getattr(obj, f"get_{column}_display")()
    value = getattr(obj, column, None)
    if callable(value):
        value = value()
    if isinstance(value, bool):
        return "是" if value else "否"
    if value is None or value == "":
        return "—"
    if isinstance(value, models.Model):
        return str(value)
    if field is not None and is_money(field):
        return yuan(value)
    return value


@register.filter
def badge_class(status):
    return {"pending": "warning", "approved": "success", "rejected": "danger"}.get(str(status), "secondary")
