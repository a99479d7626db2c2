"""Contract test classes. A model gets its whole battery of page tests — list, detail,
create, edit, delete for every role, refusal for the other roles and for users of other
schools, anonymous refusal, constant query counts — by declaring a few attributes:

    class TestRoomPages(PagesContract):
        model = Room
        factory = RoomFactory
        def valid_form(self, world): return {...}   # POST data creating a row in school "a"

Every subclass registers itself, so `test_tenancy` can prove that no school-owned model
lacks its contract.
"""

import io

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import resolve, reverse
from openpyxl import load_workbook

from houqin.core.excel import HEADER_ROW, XLSX
from houqin.core.rules import ADD, CHANGE, DELETE, VIEW, can

from .conftest import ALL_ROLES

PAGE_CONTRACTS = {}


def url(model, suffix, *args):
    return reverse(f"{model._meta.app_label}:{model._meta.model_name}_{suffix}", args=args)


def statements(captured):
    """Queries that reach the data (savepoints around the session save are not counted)."""
    return sum(1 for q in captured.captured_queries if "SAVEPOINT" not in q["sql"])


class PagesContract:
    model = None
    factory = None
    list_max_queries = 12

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if cls.model is not None:
            PAGE_CONTRACTS[cls.model._meta.label_lower] = cls

    def make(self, world, school="a", **kwargs):
        return self.factory(school=world.schools[school], **kwargs)

    def valid_form(self, world):
        raise NotImplementedError

    def edit_form(self, world, obj):
        return self.valid_form(world)

    # --- list and detail ---------------------------------------------------

    @pytest.mark.parametrize("role", ALL_ROLES)
    def test_list_shows_own_school_only(self, world, role):
        mine, theirs = self.make(world, "a"), self.make(world, "c")
        response = world.client(role).get(url(self.model, "list"))
        if not can({role}, VIEW, self.model):
            assert response.status_code == 403
            return
        assert response.status_code == 200
        ids = {o.pk for o in response.context["object_list"]}
        assert mine.pk in ids and theirs.pk not in ids

    @pytest.mark.parametrize("role", ALL_ROLES)
    def test_detail(self, world, role):
        mine = self.make(world, "a")
        response = world.client(role).get(url(self.model, "detail", mine.pk))
        assert response.status_code == (200 if can({role}, VIEW, self.model) else 403)

    @pytest.mark.parametrize("other", ["b", "c"])
    @pytest.mark.parametrize("role", ALL_ROLES)
    def test_other_schools_object_is_404(self, world, role, other):
        theirs = self.make(world, other)
        client = world.client(role)
        for suffix in ("detail", "edit"):
            assert client.get(url(self.model, suffix, theirs.pk)).status_code in (403, 404)
        before = self.model.objects.filter(pk=theirs.pk).values().first()
        assert client.post(url(self.model, "edit", theirs.pk), self.edit_form(world, theirs)).status_code in (403, 404)
        assert client.post(url(self.model, "delete", theirs.pk)).status_code in (403, 404)
        assert self.model.objects.filter(pk=theirs.pk).values().first() == before

    def test_anonymous_gets_login(self, world):
        obj = self.make(world, "a")
        for target in (url(self.model, "list"), url(self.model, "detail", obj.pk), url(self.model, "add")):
            response = Client().get(target)
            assert response.status_code == 302 and "/login/" in response["Location"]

    # --- create, edit, delete ----------------------------------------------

    @pytest.mark.parametrize("role", ALL_ROLES)
    def test_create(self, world, role):
        before = self.model.objects.count()
        response = world.client(role).post(url(self.model, "add"), self.valid_form(world))
        if not can({role}, ADD, self.model):
            assert response.status_code == 403
            assert self.model.objects.count() == before
            return
        assert response.status_code == 302, getattr(response.context, "get", lambda k: None)("form") and \
            response.context["form"].errors
        created = self.model.objects.latest("pk")
        assert created.school == world.schools["a"]
        assert created.history.first().history_user == world.user(role)

    @pytest.mark.parametrize("role", ALL_ROLES)
    def test_edit(self, world, role):
        obj = self.make(world, "a")
        response = world.client(role).post(url(self.model, "edit", obj.pk), self.edit_form(world, obj))
        if not can({role}, CHANGE, self.model):
            assert response.status_code == 403
            return
        assert response.status_code == 302, response.context["form"].errors
        assert obj.history.count() == 2

    @pytest.mark.parametrize("role", ALL_ROLES)
    def test_delete(self, world, role):
        obj = self.make(world, "a")
        response = world.client(role).post(url(self.model, "delete", obj.pk))
        exists = self.model.objects.filter(pk=obj.pk).exists()
        if not can({role}, DELETE, self.model):
            assert response.status_code == 403 and exists
        else:
            assert response.status_code == 302 and not exists

    def test_bad_input_writes_nothing(self, world):
        role = next((r for r in ALL_ROLES if can({r}, ADD, self.model)), None)
        if role is None:
            pytest.skip(f"no role may add {self.model._meta.label}")
        before = self.model.objects.count()
        response = world.client(role).post(url(self.model, "add"), {})
        assert response.status_code == 200
        assert response.context["form"].errors
        assert self.model.objects.count() == before

    # --- queries -----------------------------------------------------------

    def test_list_queries_constant(self, world):
        role = next(r for r in ALL_ROLES if can({r}, VIEW, self.model))
        client = world.client(role)
        self.make(world, "a")
        client.get(url(self.model, "list"))  # warm caches (content types, sessions)
        with CaptureQueriesContext(connection) as few:
            assert client.get(url(self.model, "list")).status_code == 200
        for _ in range(8):
            self.make(world, "a")
        with CaptureQueriesContext(connection) as many:
            assert client.get(url(self.model, "list")).status_code == 200
        assert len(many) == len(few), [q["sql"] for q in many.captured_queries]
        assert statements(many) <= self.list_max_queries, [q["sql"] for q in many.captured_queries]

    # --- the list's Excel export -------------------------------------------

    def export_or_skip(self):
        export = url(self.model, "export")
        if not resolve(export).func.view_initkwargs.get("exporting"):
            pytest.skip("the list links to an export of its own, tested beside it")
        return export

    @pytest.mark.parametrize("role", ALL_ROLES)
    def test_export_has_the_list_pages_rows(self, world, role):
        """导出Excel gives the rows the list page gives the role: own school only, same narrowing."""
        export = self.export_or_skip()
        self.make(world, "a"), self.make(world, "b"), self.make(world, "c")
        client = world.client(role)
        response = client.get(export)
        if not can({role}, VIEW, self.model):
            assert response.status_code == 403
            return
        ws = export_sheet(response)
        listed = client.get(url(self.model, "list")).context["paginator"].count
        assert len(export_records(ws)) == listed
        assert ws.cell(1, 1).value == f"{world.schools['a'].name} {self.model._meta.verbose_name}"

    def test_export_queries_constant(self, world):
        export = self.export_or_skip()
        client = world.client(next(r for r in ALL_ROLES if can({r}, VIEW, self.model)))
        self.make(world, "a")
        client.get(export)  # warm caches
        with CaptureQueriesContext(connection) as few:
            export_sheet(client.get(export))
        for _ in range(5):
            self.make(world, "a")
        with CaptureQueriesContext(connection) as many:
            export_sheet(client.get(export))
        assert len(many) == len(few), [q["sql"] for q in many.captured_queries]


def export_sheet(response):
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"] == XLSX
    return load_workbook(io.BytesIO(b"".join(response.streaming_content))).active


def export_records(ws):
    """The data rows of an exported list as {header: cell}."""
    names = [c.value for c in ws[HEADER_ROW]]
    return [dict(zip(names, row, strict=False)) for row in ws.iter_rows(min_row=HEADER_ROW + 1)
            if any(c.value is not None for c in row)]
