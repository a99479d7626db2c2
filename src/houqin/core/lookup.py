"""Choices over large sets (rooms, people) as a text input with a datalist that one scoped
endpoint fills as the user types, never thousands of <option>s in the page (issue 21, item 9).
Without JavaScript the input takes a row's number or its exact name."""

import re

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse

from .models import Person, Room
from .rules import VIEW, can
from .tenancy import scope

LIMIT = 20
# kind → (model, the fields a typed text is matched against, the rows offered)
KINDS = {
    "rooms": (Room, ("name", "number", "building__name"), lambda qs: qs.select_related("building")),
    "people": (Person, ("name",), lambda qs: qs.filter(active=True)),
}
TRAILING_PK = re.compile(r"\[#(\d+)\]\s*$")


def label(obj):
    """A datalist option's value: the row's name and its number, which the field reads back."""
    return f"{obj} [#{obj.pk}]"


class LookupInput(forms.TextInput):
    """The input and its (empty) datalist; htmx fills the list from the endpoint as one types."""

    template_name = "core/widgets/lookup.html"

    def __init__(self, kind, attrs=None):
        super().__init__(attrs)
        self.kind = kind

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        widget = context["widget"]
        widget["list_id"] = f"{widget['attrs'].get('id', name)}-options"
        widget["attrs"].update({
            "list": widget["list_id"], "autocomplete": "off", "name": name,
            "hx-get": reverse("core:lookup", args=[self.kind]), "hx-trigger": "input changed delay:250ms",
            "hx-target": f"#{widget['list_id']}", "hx-vals": f'{{"field": "{name}"}}',
            "placeholder": "输入名称搜索", "aria-autocomplete": "list",
        })
        return context

    def format_value(self, value):
        return value if value not in (None, "") and not str(value).isdigit() else super().format_value(value)


class LookupField(forms.ModelChoiceField):
    """A ModelChoiceField read from a typed text: "name [#pk]" (a datalist option), a pk, or
    a name that matches exactly one of the offered rows. Its queryset is narrowed to the
    school by the form like any other choice."""

    default_error_messages = {
        "invalid_choice": "未找到该项，请从候选列表中选择",
        "ambiguous": "有多项同名，请从候选列表中选择",
    }

    def __init__(self, kind, **kwargs):
        model, self.search_fields, offered = KINDS[kind]
        super().__init__(queryset=offered(model.objects.all()), widget=LookupInput(kind), **kwargs)

    def to_python(self, value):
        value = (value or "").strip()
        if value in self.empty_values:
            return None
        match = TRAILING_PK.search(value)
        if match or value.isdigit():
            return super().to_python(match.group(1) if match else value)
        found = list(self.queryset.filter(Q(**{self.search_fields[0]: value}))[:2])
        if len(found) != 1:
            code = "ambiguous" if found else "invalid_choice"
            raise forms.ValidationError(self.error_messages[code], code=code)
        return found[0]


def search(kind, school, text):
    """The first rows of `kind` in the school whose fields contain `text`."""
    model, fields, offered = KINDS[kind]
    rows = offered(scope(model.objects.all(), school))
    if text:
        condition = Q()
        for field in fields:
            condition |= Q(**{f"{field}__icontains": text})
        rows = rows.filter(condition)
    return rows.order_by("pk")[:LIMIT]


@login_required
def lookup(request, kind):
    """The datalist's options for the active school's rows the user may see."""
    if kind not in KINDS:
        raise Http404
    if request.school is None or not can(request.roles, VIEW, KINDS[kind][0]):
        raise PermissionDenied
    field = request.GET.get("field", "")
    text = request.GET.get(field, "") if field else request.GET.get("q", "")
    text = TRAILING_PK.sub("", text).strip()[:50]
    options = [label(row) for row in search(kind, request.school, text)]
    return render(request, "core/widgets/lookup_options.html", {"options": options})
