"""Demo data of procurement: suppliers (one licence expiring in about 20 days, one food
supplier) and requests in every state per demo school, and nothing new on a second run."""

import datetime

import pytest
from django.utils import timezone

from houqin.assets.models import Asset
from houqin.core.demo import SCHOOLS, build_demo
from houqin.core.models import School
from houqin.procurement.choices import RequestStatus
from houqin.procurement.models import Licence, PurchaseRequest, Supplier, Voucher
from houqin.stock.models import Movement

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def test_demo_has_suppliers_and_requests_in_every_state_and_is_idempotent(db):
    build_demo(today=TODAY)
    for code in SCHOOLS:
        school = School.objects.get(code=code)
        assert Supplier.objects.filter(school=school, food=True).exists()
        expiring = Licence.objects.filter(school=school, expires_on=TODAY + datetime.timedelta(days=20))
        assert expiring.exists()
        states = set(PurchaseRequest.objects.filter(school=school).values_list("status", flat=True))
        assert states == set(RequestStatus.values)
        assert Voucher.objects.filter(school=school, status="approved").count() == 2
        assert Movement.objects.filter(school=school, source_type__model="acceptanceline").exists()
        assert Asset.objects.filter(school=school, notes__startswith="采购验收").exists()
    counts = (PurchaseRequest.objects.count(), Supplier.objects.count(), Licence.history.count())
    build_demo(today=TODAY)
    assert (PurchaseRequest.objects.count(), Supplier.objects.count(), Licence.history.count()) == counts
