"""Special equipment: maintenance and inspection records, and the red panel on the director's
and principal's home pages (maintenance overdue, inspection within 30 days, expired licence)."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from houqin.core.choices import CertificateKind, Role
from houqin.core.ledger import LedgerError
from houqin.core.models import Certificate
from houqin.maintenance import services
from houqin.maintenance.models import MaintenanceRecord
from tests.factories import PersonFactory

from .factories import SpecialEquipmentFactory

pytestmark = pytest.mark.django_db


def days(n):
    return timezone.localdate() + datetime.timedelta(days=n)


def elevator(world, **kwargs):
    a = world.schools["a"]
    eq = SpecialEquipmentFactory(school=a, name="食堂电梯", **kwargs)
    operator = PersonFactory(school=a, name="卢德顺")
    Certificate.objects.create(school=a, person=operator, kind=CertificateKind.SPECIAL_EQUIPMENT, number="T1",
                               issued_on=days(-1860), expires_on=days(-400))
    eq.operators.add(operator)
    return eq


def test_records_update_the_equipment_and_are_append_only(world):
    eq = SpecialEquipmentFactory(school=world.schools["a"])
    director = world.user(Role.DIRECTOR)
    record = services.record_maintenance(eq, by=director, done_on=days(-2))
    services.record_maintenance(eq, by=director, done_on=days(-10))  # an older one, entered late
    eq.refresh_from_db()
    assert eq.last_maintained_on == days(-2) and eq.maintenance_due_on() == days(13)
    services.record_maintenance(eq, by=director, kind="inspection", done_on=datetime.date(2026, 3, 1))
    eq.refresh_from_db()
    assert eq.inspection_due_on == datetime.date(2027, 3, 1)
    with pytest.raises(ValidationError):
        services.record_maintenance(eq, by=director, done_on=days(1))
    with pytest.raises(LedgerError):
        record.delete()
    assert MaintenanceRecord.objects.count() == 3


def test_home_panel_shows_red_for_director_and_principal(world):
    elevator(world, last_maintained_on=days(-20), inspection_due_on=days(20))
    for role in (Role.DIRECTOR, Role.PRINCIPAL):
        body = world.client(role).get(reverse("core:home")).content.decode()
        assert "特种设备安全" in body
        assert "食堂电梯 维保逾期" in body and "年检将到期" in body and "卢德顺" in body
    body = world.client(Role.TEACHER).get(reverse("core:home")).content.decode()
    assert "特种设备安全" not in body


def test_no_alert_when_all_is_well(world):
    eq = elevator(world, last_maintained_on=days(-3), inspection_due_on=days(200))
    Certificate.objects.update(expires_on=days(300))
    assert services.equipment_alerts(world.schools["a"]) == []
    eq.last_maintained_on = days(-16)
    eq.save()
    assert [a[2] for a in services.equipment_alerts(world.schools["a"])] == ["维保逾期"]


def test_record_page(world):
    eq = elevator(world, last_maintained_on=days(-20))
    response = world.client(Role.DIRECTOR).get(eq.get_absolute_url())
    assert response.status_code == 200 and "证件过期" in response.content.decode()
    url = reverse("maintenance:specialequipment_record", args=[eq.pk])
    assert world.client(Role.WORKER).post(url, {"record-kind": "maintenance"}).status_code == 403
    response = world.client(Role.DIRECTOR).post(url, {"record-kind": "maintenance", "record-done_on":
                                                      days(0).isoformat(), "record-contractor": "奥的斯"})
    assert response.status_code == 302
    eq.refresh_from_db()
    assert eq.last_maintained_on == days(0) and not eq.maintenance_overdue()
    other = SpecialEquipmentFactory(school=world.schools["b"])
    assert world.client(Role.DIRECTOR).post(reverse("maintenance:specialequipment_record", args=[other.pk]),
                                            {}).status_code == 404
