"""The tenant boundary and the rules table, checked over every model.

Every model with a `school` field must be reachable only through the scoped path: each one
with pages has a PagesContract, each one in the API has an ApiContract (both give the
cross-school 404 and nothing-written tests for every role), and the rest are named here
with the test that covers them, in each app's tests/<app>/declared.py.
"""

from django.apps import apps
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, reverse

from houqin.core.models import Membership
from houqin.core.rules import RULES
from houqin.core.tenancy import schools_for

from .. import api_contracts, contracts
from ..declared import declared, import_test_modules

import_test_modules()  # every app's contract classes register themselves
# School-owned models without their own list pages or endpoints, each app's with its test.
COVERED_ELSEWHERE = declared("COVERED_ELSEWHERE")


def school_owned_models():
    return [
        m for m in apps.get_models()
        if any(f.name == "school" for f in m._meta.fields) and not m._meta.object_name.startswith("Historical")
    ]


def has_list_page(model):
    try:
        reverse(f"{model._meta.app_label}:{model._meta.model_name}_list")
    except NoReverseMatch:
        return False
    return True


def test_every_school_owned_model_is_covered():
    uncovered = []
    for model in school_owned_models():
        label = model._meta.label_lower
        if label in COVERED_ELSEWHERE:
            continue
        if has_list_page(model) and label not in contracts.PAGE_CONTRACTS:
            uncovered.append(f"{label}: pages without PagesContract")
        if not has_list_page(model):
            uncovered.append(f"{label}: not covered")
    assert uncovered == [], uncovered


def test_every_api_model_has_an_api_contract():
    from houqin.core.api.urls import router

    missing = []
    for _prefix, viewset, _basename in router.registry:
        model = viewset.queryset.model
        label = model._meta.label_lower
        if any(f.name == "school" for f in model._meta.fields) and label not in api_contracts.API_CONTRACTS \
                and label not in COVERED_ELSEWHERE:
            missing.append(label)
    assert missing == []


def test_every_school_owned_model_has_rules():
    domain = [m._meta.label_lower for m in school_owned_models() if m._meta.app_label != "exampleapp"]
    assert sorted(set(domain) - set(RULES) - {"core.signoff"}) == []


def test_district_officer_sees_his_district_only(world):
    assert {s.code for s in schools_for(world.user("district_officer", "a"))} == {"schoola", "schoolb"}
    assert {s.code for s in schools_for(world.user("district_officer", "c"))} == {"schoolc"}
    assert {s.code for s in schools_for(world.user("teacher", "a"))} == {"schoola"}


def test_school_switcher_only_offers_own_schools(world):
    user = world.user("teacher", "a")
    Membership.objects.create(user=user, school=world.schools["b"], role="keeper")
    client = world.client("teacher", "a")
    page = client.get(reverse("core:home")).content.decode()
    assert "A小学" in page and "B小学" in page and "C小学" not in page
    assert client.post(reverse("core:switch_school"), {"school": world.schools["c"].pk}).status_code == 404
    client.post(reverse("core:switch_school"), {"school": world.schools["b"].pk})
    response = client.get(reverse("core:home"))
    assert response.context["school"] == world.schools["b"]
    assert set(response.context["roles"]) == {"keeper"}


def test_school_settings_only_for_own_school_managers(world):
    a = world.schools["a"]
    form = {"name": a.name, "pupils": 1200, "principal_threshold": "1000.00", "district_threshold": "50000.00",
            "capitalisation_threshold": "1000.00", "webhook_kind": ""}
    assert world.client("teacher").post(reverse("core:school_edit", args=[a.pk]), form).status_code == 403
    assert world.client("director").post(reverse("core:school_edit", args=[world.schools["b"].pk]),
                                         form).status_code == 403
    assert world.client("district_officer").post(reverse("core:school_edit", args=[a.pk]), form).status_code == 403
    response = world.client("director").post(reverse("core:school_edit", args=[a.pk]),
                                             {**form, "district_threshold": "10.00"})
    assert "不能低于校长审批起点" in response.content.decode()
    assert world.client("director").post(reverse("core:school_edit", args=[a.pk]), form).status_code == 302
    a.refresh_from_db()
    assert a.pupils == 1200
    assert world.client("teacher").get(reverse("core:school_detail", args=[a.pk])).status_code == 200
    assert world.client("teacher").get(reverse("core:school_detail", args=[world.schools["c"].pk])).status_code == 404
    officer = world.client("district_officer")
    assert officer.get(reverse("core:school_detail", args=[world.schools["b"].pk])).status_code == 200
    assert officer.get(reverse("core:school_detail", args=[world.schools["c"].pk])).status_code == 404


def test_a_request_reads_the_users_memberships_once(world):
    """activate() reads the memberships with their schools in one query and derives the
    switcher's schools, the roles and the approvals inbox from them; a district officer's
    schools are one more query, on schools. The roles are those of the active school only."""
    Membership.objects.create(user=world.user("teacher", "a"), school=world.schools["b"], role="keeper")
    for role in ("teacher", "district_officer", "director"):
        client = world.client(role, "a")
        client.get(reverse("core:home"))
        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse("core:home"))
        reads = [q["sql"] for q in queries.captured_queries if 'FROM "core_membership"' in q["sql"]]
        assert len(reads) == 1, (role, reads)
    assert set(world.client("teacher", "a").get(reverse("core:home")).context["roles"]) == {"teacher"}
    assert response.context["school"] == world.schools["a"]
