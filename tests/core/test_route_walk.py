"""Every route of the URL configuration, walked: the page and API contracts test each model's
own pages, and this test makes sure no route escapes them — a new view that forgets the
login, the tenant scope or its rules fails here without anybody writing a test for it.

- anonymous: every route but the sign-in ones asks for a login (pages) or refuses (API);
- with the demo data: every role of one school opens every route that names an object of
  the other school (and a district officer of another district every route that names an
  object of the first one) and gets exactly the answer given for an object that does not
  exist — by GET and by POST, never a success, and nothing is written; the same routes with
  the school's own objects never fail with an error, and each is either reached by at least
  one role (which proves the walk aims at the right model) or closed to every role.
"""

import datetime
import re
from types import SimpleNamespace

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from houqin.assets.choices import StocktakeStatus
from houqin.assets.importers import AssetImporter
from houqin.assets.models import StocktakeLine
from houqin.core.choices import SCHOOL_ROLES, Role
from houqin.core.demo import build_demo
from houqin.core.importers import PersonImporter
from houqin.core.models import Attachment, District, ExportJob, ImportJob, Membership, School, User
from houqin.core.rules import ADD, ROWS, RULES, VIEW, can, takes_attachments, visible
from houqin.core.services import attach
from houqin.core.tenancy import roles_in, scope
from houqin.core.views.generic import model_url
from houqin.maintenance.models import WorkOrder
from houqin.procurement.importers import SupplierImporter
from houqin.stock.importers import ItemImporter

from ..conftest import built_once_per_module
from ..declared import declared

pytestmark = pytest.mark.django_db

# Routes open without a login: signing in and out, the language switch, the API token and
# the API's schema and its documentation page.
PUBLIC = {"core:login", "core:logout", "set_language", "api_token", "api_schema", "api_docs"}

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64

# Declared by each app's tests/<app>/declared.py: routes whose object is not the view's
# `model`, and routes whose parameter names no object of a school.
ROUTE_MODEL = declared("ROUTE_MODEL")
NOT_SCHOOL_OBJECTS = declared("NOT_SCHOOL_OBJECTS")


class Route:
    def __init__(self, pattern, name, callback):
        self.pattern, self.name, self.callback = pattern, name, callback
        self.cls = getattr(callback, "view_class", None) or getattr(callback, "cls", None)
        self.params = re.findall(r"<(?:\w+:)?(\w+)>|\(\?P<(\w+)>", pattern)
        self.params = [a or b for a, b in self.params]
        self.api = pattern.startswith("api/")

    def __repr__(self):
        return self.name

    def path(self, obj):
        """The URL naming `obj`, built from the pattern itself so that routes without a name
        are walked too."""
        values = dict.fromkeys(self.params, obj.pk)
        if "tag" in values:  # the QR label's scan page
            values["tag"] = obj.tag
        if "content_type_id" in values:  # an attachment's subject
            values["content_type_id"] = ContentType.objects.get_for_model(obj).pk
        path = self.pattern.replace("^", "").replace("$", "")
        for param, value in values.items():
            path = re.sub(rf"<(?:\w+:)?{param}>|\(\?P<{param}>[^)]*\)", str(value), path)
        return "/" + path

    @property
    def model(self):
        from django.apps import apps

        if self.name in ROUTE_MODEL:
            return apps.get_model(ROUTE_MODEL[self.name])
        if self.api:
            return self.cls.queryset.model
        model = getattr(self.cls, "model", None)
        if self.params == ["key"]:  # a key, not a primary key: nothing to aim at
            return None
        return model if isinstance(model, type) else None


def routes():
    """Every route of the project (Django's admin aside: it is for superusers and has its
    own login), and not the API's `.json` format twins of the routes listed."""
    found = []

    def walk(patterns, prefix, namespace):
        for entry in patterns:
            if isinstance(entry, URLResolver):
                inner = entry.namespace or namespace
                walk(entry.url_patterns, prefix + str(entry.pattern), inner)
            elif isinstance(entry, URLPattern) and "format" not in str(entry.pattern):
                name = f"{namespace}:{entry.name}" if namespace else (entry.name or "")
                found.append(Route(prefix + str(entry.pattern), name, entry.callback))

    walk(get_resolver().url_patterns, "", "")
    return [r for r in found if not r.pattern.startswith("admin/")]


ROUTES = routes()


class Placeholder:
    """Stands for an object in the anonymous walk, which must be refused before any lookup."""

    pk, tag = 1, "X"

    def __init__(self):
        self._meta = School._meta


def refused_anonymously(route, response):
    if route.api:
        return response.status_code in (401, 403)
    return response.status_code == 302 and "/login/" in response["Location"]


def test_the_walk_sees_every_app():
    names = {r.name.split(":")[0] for r in ROUTES}
    assert {"core", "assets", "stock", "procurement", "maintenance"} <= names
    assert len(ROUTES) > 300


def test_every_route_but_signing_in_needs_a_login(db):
    client = Client()
    leaks = []
    for route in ROUTES:
        if route.name in PUBLIC or route.name.split(":")[-1] in PUBLIC:
            continue
        path = route.path(Placeholder())
        for method in (client.get, client.post):
            response = method(path)
            if not refused_anonymously(route, response):
                leaks.append((method.__name__, path, response.status_code))
    assert leaks == [], "\n".join(map(str, leaks))


def test_django_admin_is_for_superusers_only(db):
    director = User.objects.create_user("d", password="x")
    client = Client()
    client.force_login(director)
    response = client.get("/admin/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def owned_by(model, school):
    """One object of `model` belonging to `school`, by its school field or its parent's."""
    fields = {f.name: f for f in model._meta.get_fields()}
    if "school" in fields:
        return model.objects.filter(school=school).order_by("pk").first()
    for name in ("stocktake", "asset", "request", "order", "acceptance", "requisition", "count"):
        field = fields.get(name)
        if field is not None and field.is_relation and "school" in {f.name for f in field.related_model._meta.fields}:
            return model.objects.filter(**{f"{name}__school": school}).order_by("pk").first()
    if model is School:
        return school
    return None


def _build_demo():
    build_demo(today=datetime.date(2026, 11, 21))
    esyx, styx = School.objects.get(code="esyx"), School.objects.get(code="styx")
    elsewhere = District.objects.create(code="elsewhere", name="邻区")
    School.objects.create(district=elsewhere, code="lq1", name="邻区第一小学")
    for school in (esyx, styx):  # the demo has no uploads: a photo on each school's first repair
        order = WorkOrder.objects.filter(school=school).order_by("pk").first()
        attach(order, SimpleUploadedFile("door.png", PNG), by=order.reporter, kind="photo")
        for importer in (PersonImporter, ItemImporter, SupplierImporter, AssetImporter):  # an import of each kind
            ImportJob.objects.create(school=school, importer=importer.path(), filename="x.xlsx", by=order.reporter)
        export = ExportJob(school=school, view="core:person_export", label="教职工", by=order.reporter,
                           status=ExportJob.Status.DONE, filename="x.xlsx")  # a background export, written
        export.file.save("x.xlsx", ContentFile(b"PK"), save=True)
    officer = User.objects.create_user("elsewhere.officer", display_name="邻区勤办")
    Membership.objects.create(user=officer, district=elsewhere, role=Role.DISTRICT_OFFICER)
    return esyx, styx, officer


_demo = built_once_per_module(_build_demo)


@pytest.fixture
def demo(_demo, db):
    return _demo


def client_of(user):
    client = Client(raise_request_exception=True)
    client.force_login(user)
    return client


def _counted_in_open_stocktake(school):
    line = StocktakeLine.objects.filter(stocktake__school=school, stocktake__status=StocktakeStatus.OPEN)
    return line.order_by("pk").first().asset


def _import_job(importer_class):
    def pick(school):
        return ImportJob.objects.filter(school=school, importer=importer_class.path()).first()

    return pick


# Routes that need a particular object of their model to do anything.
ROUTE_OBJECT = {
    "assets:stocktake_count_asset": _counted_in_open_stocktake,
    "core:person_import_job": _import_job(PersonImporter),
    "stock:item_import_job": _import_job(ItemImporter),
    "procurement:supplier_import_job": _import_job(SupplierImporter),
    "assets:asset_import_job": _import_job(AssetImporter),
    "assets:asset_import_confirm": _import_job(AssetImporter),
}


class Missing:
    """An object that does not exist, of the given model."""

    pk, tag = 999999, "NONE-999999"

    def __init__(self, model):
        self._meta = model._meta


def targets(own, foreign):
    """(route, URLs of own object, foreign object, missing object) for every route that names
    an object; and the routes that name none with a school."""
    found, unaimed = [], []
    for route in ROUTES:
        if not route.params:
            continue
        model = route.model
        mine = theirs = None
        if model is not None:
            pick = ROUTE_OBJECT.get(route.name, lambda school, model=model: owned_by(model, school))
            mine, theirs = pick(own), pick(foreign)
        if mine is None or theirs is None:
            unaimed.append(route.name)
            continue
        found.append((route, route.path(mine), route.path(theirs), route.path(Missing(model))))
    return found, unaimed


# The API actions that validate their body before they look the object up (a malformed body is
# a 400 whatever the id), with the valid body the walk posts them so that the lookup is reached.
BODIES = declared("ROUTE_BODIES")


def posted_and_rolled_back(client, route, path, school):
    """POST (without data, or the body the route needs), then undo whatever it wrote: the walk
    must not change what it walks."""
    with transaction.atomic():
        if route.name in BODIES:
            response = client.post(path, BODIES[route.name](school), content_type="application/json")
        else:
            response = client.post(path)
        transaction.set_rollback(True)
    return response


def answer(response):
    """What a response tells: its status, where it redirects, and a JSON body's content."""
    json_body = response.content if response.get("Content-Type", "").startswith("application/json") else b""
    return response.status_code, response.get("Location"), json_body


def looks_missing(client, route, theirs, missing, school):
    """The foreign object's URL must answer exactly as the URL of an object that does not
    exist, by GET and by POST: refused before anything is read or written, and without
    telling that it exists. Returns the differences."""
    differences = []
    for method, call in (
        ("GET", client.get),
        ("POST", lambda path: posted_and_rolled_back(client, route, path, school)),
    ):
        got, expected = answer(call(theirs)), answer(call(missing))
        if got != expected or got[0] in (200, 201, 204):
            differences.append((method, theirs, got[:2], "missing:", expected[:2]))
    return differences


@pytest.mark.heavy
def test_another_schools_object_looks_like_a_missing_one_on_every_route(demo):
    esyx, styx, other_officer = demo
    walk, unaimed = targets(esyx, styx)
    assert sorted(unaimed) == sorted(NOT_SCHOOL_OBJECTS), "\n".join(sorted(unaimed))
    leaks = []
    for role in SCHOOL_ROLES:
        client = client_of(User.objects.get(username=f"esyx.{role}"))
        for route, _mine, theirs, missing in walk:
            leaks += [(role, *d) for d in looks_missing(client, route, theirs, missing, esyx)]
    # The officer of another district, against the first school's objects.
    client = client_of(other_officer)
    for route, _mine, theirs, missing in targets(styx, esyx)[0]:
        leaks += [("elsewhere.officer", *d) for d in looks_missing(client, route, theirs, missing, styx)]
    assert leaks == [], "\n".join(map(str, leaks))


@pytest.mark.heavy
def test_every_route_opens_for_its_own_school_without_error(demo):
    """Every role opens every route with his school's objects without an error. Each route is
    either reached — at least one role gets another answer than for a missing object, which
    proves that the walk above aims at the model the route names — or closed to every role by
    the rules table (403 by GET and POST, as asset deletion: assets are disposed of, not
    deleted)."""
    esyx, styx, _ = demo
    walk, _ = targets(esyx, styx)
    users = [User.objects.get(username=f"esyx.{role}") for role in SCHOOL_ROLES]
    users.append(User.objects.get(username="district.officer"))
    answers, odd = {}, []
    for user in users:
        client = client_of(user)
        for route, mine, _theirs, missing in walk:
            got, post = client.get(mine), posted_and_rolled_back(client, route, mine, esyx)
            if got.status_code not in (200, 302, 403, 404, 405):
                odd.append((user.username, mine, got.status_code))
            reached = answer(got) != answer(client.get(missing)) or answer(post) != answer(
                posted_and_rolled_back(client, route, missing, esyx)
            )
            answers.setdefault(route.name, set()).add("reached" if reached else (got.status_code, post.status_code))
    assert odd == []
    closed = {name for name, seen in answers.items() if seen <= {(403, 403), (405, 403)}}
    unreached = sorted(name for name, seen in answers.items() if "reached" not in seen and name not in closed)
    assert unreached == [], "\n".join(f"{name} {answers[name]}" for name in unreached)
    assert {"assets:asset_delete", "stock:movement_edit", "stock:stockbalance_delete"} <= closed


def records_with_their_own_visibility(school, teacher):
    """Of every model with a detail page whose rows the rules narrow, a record the
    school's teacher may see and one he may not (where the demo has them); and of every model
    some roles may not open at all (the staff register, certificates …), one record; each
    with a photo."""
    from django.apps import apps

    as_teacher = SimpleNamespace(user=teacher, school=school, roles=roles_in(teacher, school))
    found = []
    for label, row in RULES.items():
        model = apps.get_model(label)
        if not takes_attachments(model) or model_url(model, "detail", 0) is None:
            continue  # the record's own page is the oracle
        rows = scope(model.objects.all(), school).order_by("pk")
        if row.get(ROWS) is not None:
            seen = visible(rows, as_teacher)
            found += [r for r in (seen.first(), rows.exclude(pk__in=seen.values("pk")).first()) if r is not None]
        elif not set(SCHOOL_ROLES) <= row[VIEW] and rows.exists():
            found.append(rows.first())
    return [(record, attach(record, SimpleUploadedFile("photo.png", PNG), by=teacher, kind="photo"))
            for record in found]


@pytest.mark.heavy
def test_attachments_follow_their_record_for_every_role(demo):
    """Every role, on the records whose visibility the rules narrow: the record's attachment
    downloads exactly where the record's own page opens (and is missing elsewhere), and a file
    is attached exactly there, by the roles that may attach."""
    esyx, _styx, _ = demo
    records = records_with_their_own_visibility(esyx, User.objects.get(username="esyx.teacher"))
    assert {r._meta.label_lower for r, _ in records} >= {"maintenance.workorder", "stock.requisition", "assets.asset",
                                                         "core.person", "core.certificate"}
    users = [User.objects.get(username=f"esyx.{role}") for role in SCHOOL_ROLES]
    users.append(User.objects.get(username="district.officer"))
    odd = []
    for user in users:
        client, roles = Client(), roles_in(user, esyx)  # refusals are answers here, not errors
        client.force_login(user)
        for record, photo in records:
            page = model_url(type(record), "detail", record.pk)
            # 302: a record without a page of its own (a role) sends to its list when found
            opens = page is not None and client.get(page).status_code in (200, 302)
            download = client.get(photo.get_absolute_url()).status_code
            content_type = ContentType.objects.get_for_model(record).pk
            with transaction.atomic():
                upload = client.post(reverse("core:attachment_upload", args=[content_type, record.pk]),
                                     {"kind": "photo", "file": SimpleUploadedFile("a.png", PNG)}).status_code
                added = Attachment.objects.count()
                transaction.set_rollback(True)
            expected_upload = (302 if opens else 404) if can(roles, ADD, Attachment) else 403
            if download != (200 if opens else 404) or upload != expected_upload:
                odd.append((user.username, str(record._meta.label), record.pk, opens, download, upload))
            assert added == Attachment.objects.count() + (upload == 302)
    assert odd == [], "\n".join(map(str, odd))
