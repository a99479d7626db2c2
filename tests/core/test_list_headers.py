"""Every list page and its Excel export speak Chinese in their headers: a column declared by
a name the model does not label (an annotation, a method without short_description) would
show the raw identifier (`on_hand`, `__str__`, `state_badge`)."""

import io
import re

import openpyxl
import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from houqin.core.choices import Role
from houqin.core.views.generic import ObjectListView

RAW = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def list_routes(patterns=None, namespace=""):
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from list_routes(entry.url_patterns, inner)
        elif isinstance(entry, URLPattern) and entry.name and not entry.pattern.converters:
            view = getattr(entry.callback, "view_class", None)
            if view is not None and issubclass(view, ObjectListView) and entry.name.endswith("_list"):
                yield f"{namespace}{entry.name}"


ROUTES = sorted(set(list_routes()))


def test_the_lists_are_found():
    assert len(ROUTES) > 20 and "stock:item_list" in ROUTES


@pytest.mark.parametrize("name", ROUTES)
def test_list_and_export_headers_are_labels(world, name):
    client = world.client(Role.PRINCIPAL)
    page = client.get(reverse(name))
    if page.status_code == 403:
        pytest.skip("the principal does not open this list")
    assert page.status_code == 200
    raw = [h for h in page.context["headers"] if RAW.match(str(h))]
    assert not raw, raw
    export = client.get(page.context["export_url"]) if page.context.get("export_url") else None
    if export is not None and export.status_code == 200:
        sheet = openpyxl.load_workbook(io.BytesIO(export.getvalue())).active
        headers = next(r for r in sheet.iter_rows(values_only=True) if sum(v is not None for v in r) > 1)
        raw = [h for h in headers if h and RAW.match(str(h))]
        assert not raw, raw
