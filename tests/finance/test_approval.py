"""The budget beside a purchase request's approval: the approver sees what is left of the line
the request is charged to, and a purchase above it needs the principal (the next tier) even
below the school's principal threshold, as the school's FinanceSettings say."""

from decimal import Decimal

import pytest
from django.urls import reverse

from houqin.core import approvals
from houqin.core.choices import Role
from houqin.finance import services
from houqin.finance.models import FinanceSettings, RequestCharge
from houqin.procurement import services as procurement
from tests.procurement.factories import approval_of, request

from .factories import approved_line, entry

pytestmark = pytest.mark.django_db


def charged(school, line, amount, by):
    req = request(school, amount)
    services.charge_request(RequestCharge(school=school, request=req, line=line), by=by)
    procurement.submit(req, by=req.requested_by)
    return req, approval_of(req)


@pytest.mark.parametrize("needs_principal", [True, False])
def test_over_budget_needs_the_principal_as_the_setting_says(world, needs_principal):
    a = world.schools["a"]
    FinanceSettings.objects.create(school=a, over_budget_needs_principal=needs_principal)
    line = approved_line(a, "1000.00", name="办公费")
    entry(a, "700.00", line=line)  # 300.00 left
    director = world.user(Role.DIRECTOR)
    _within, approval = charged(a, line, "300.00", director)
    assert [s["label"] for s in approval.steps] == ["总务主任审核"]
    _over, approval = charged(a, line, "300.01", director)
    expected = ["总务主任审核", "校长审批"] if needs_principal else ["总务主任审核"]
    assert [s["label"] for s in approval.steps] == expected
    _uncharged = request(a, "900.00")
    procurement.submit(_uncharged, by=_uncharged.requested_by)
    assert [s["label"] for s in approval_of(_uncharged).steps] == ["总务主任审核"]


def test_the_approver_sees_what_is_left_of_the_line(world):
    a = world.schools["a"]
    line = approved_line(a, "1000.00", name="办公费")
    entry(a, "200.00", line=line)
    _req, approval = charged(a, line, "950.00", world.user(Role.ACCOUNTANT))
    page = world.client(Role.DIRECTOR).get(reverse("core:approval_detail", args=[approval.pk])).content.decode()
    assert "预算：" in page and "800.00" in page and "-150.00" in page
    assert "超出预算结余 800.00 元" in page
    approvals.sign(approval, by=world.user(Role.DIRECTOR), decision="approve")
    approval.refresh_from_db()
    assert approval.current_step["label"] == "校长审批"  # over budget: the next tier
    buyer_page = world.client(Role.BUYER).get(reverse("core:approval_detail", args=[approval.pk])).content.decode()
    assert "approval-panel" not in buyer_page  # the budget is read by the office only
    approvals.sign(approval, by=world.user(Role.PRINCIPAL), decision="approve")
    assert services.figures(line).committed == Decimal("950.00")
