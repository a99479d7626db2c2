"""Privacy of the staff list (教职工): a teacher reads names and posts, not colleagues' phone
numbers or certificate numbers, unless the school opens them; the office always reads them."""

import pytest
from django.urls import reverse

from houqin.core.choices import Role
from tests.contracts import export_records, export_sheet
from tests.factories import CertificateFactory, PersonFactory

PHONE = "13912345678"


@pytest.fixture
def colleague(world):
    person = PersonFactory(school=world.schools["a"], name="李老师", phone=PHONE, position="语文教师")
    CertificateFactory(school=world.schools["a"], person=person, kind="health", number="JK-2026-0099")
    return person


def readable(world, role, colleague):
    client = world.client(role)
    listing = client.get(reverse("core:person_list")).content.decode()
    detail = client.get(reverse("core:person_detail", args=[colleague.pk])).content.decode()
    assert "李老师" in listing and "李老师" in detail  # the name is never hidden
    exported = export_records(export_sheet(client.get(reverse("core:person_list") + "export/")))
    from rest_framework.test import APIClient

    api = APIClient()
    api.force_authenticate(world.user(role))
    person = api.get(f"/api/v1/people/{colleague.pk}/").json()
    seen = [PHONE in listing, PHONE in detail, "JK-2026-0099" in detail,
            any(PHONE in str(cell.value) for row in exported for cell in row.values()), person.get("phone") == PHONE]
    assert all(seen) or not any(seen), seen
    return all(seen)


@pytest.mark.parametrize("role", [Role.TEACHER, Role.WORKER, Role.BUYER, Role.CANTEEN])
def test_a_colleague_does_not_read_phone_numbers_by_default(world, colleague, role):
    assert not readable(world, role, colleague)


@pytest.mark.parametrize("role", [Role.PRINCIPAL, Role.DIRECTOR, Role.ACCOUNTANT, Role.KEEPER])
def test_the_office_reads_them(world, colleague, role):
    assert readable(world, role, colleague)


def test_the_school_setting_opens_them_to_everyone(world, colleague):
    school = world.schools["a"]
    school.staff_contacts_open = True
    school.save()
    assert readable(world, Role.TEACHER, colleague)


def test_the_principal_opens_them_on_the_school_settings_page(world):
    from houqin.core.forms import SchoolSettingsForm

    assert "staff_contacts_open" in SchoolSettingsForm.base_fields
    page = world.client(Role.PRINCIPAL).get(reverse("core:school_edit", args=[world.schools["a"].pk]))
    assert "教职工电话和证件号全校可见" in page.content.decode()
