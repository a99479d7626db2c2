"""API contracts of every finance model, and the API's own steps (submit, reverse, the month report)."""

import pytest
from django.utils import timezone

from houqin.core.choices import Role
from houqin.finance.choices import BudgetStatus
from houqin.finance.models import BudgetLine, JournalEntry, MonthClose, RequestCharge
from tests.factories import TermFactory
from tests.procurement.factories import PurchaseRequestFactory

from ..api_contracts import ApiContract, api_client, assert_error
from .factories import (
    BudgetLineFactory,
    JournalEntryFactory,
    MonthCloseFactory,
    RequestChargeFactory,
    approved_line,
    entry,
)

pytestmark = pytest.mark.django_db


class AppendOnly:
    """Rows of the books are not changed once written: every PATCH is refused (405, the
    contract's test_update says so for every role), so of the contract's bad-input tests, which
    post and then patch, only the posting half applies."""

    def test_malformed_payload_writes_nothing(self, world):
        client, count = api_client(world, Role.ACCOUNTANT), self.model.objects.count()
        for body in (self.wrong_types(world), {}, [1, 2], "text"):
            assert_error(client.post(self.url(), body, format="json"))
        assert_error(client.post(self.url(), "{not json", content_type="application/json"))
        assert self.model.objects.count() == count

    def test_other_schools_related_row_is_refused(self, world):
        payload = self.other_school_payload(world)
        if payload is None:
            pytest.skip("no related rows")
        count = self.model.objects.count()
        assert_error(api_client(world, Role.ACCOUNTANT).post(self.url(), payload, format="json"))
        assert self.model.objects.count() == count


class TestBudgetLineApi(ApiContract):
    model, factory, path = BudgetLine, BudgetLineFactory, "budget-lines"

    def valid_payload(self, world):
        return {"year": timezone.localdate().year, "category": "office", "name": "办公用品", "amount": "1200.00"}

    def edit_payload(self, world, obj):
        return {"name": "办公用品（调整）"}

    def other_school_payload(self, world):
        return {**self.valid_payload(world), "term": TermFactory(school=world.schools["c"]).pk}


class TestRequestChargeApi(ApiContract):
    model, factory, path = RequestCharge, RequestChargeFactory, "budget-charges"

    def valid_payload(self, world):
        a = world.schools["a"]
        return {"request": PurchaseRequestFactory(school=a).pk,
                "line": BudgetLineFactory(school=a, status=BudgetStatus.APPROVED).pk}

    def edit_payload(self, world, obj):
        return {"note": "改记"}

    def other_school_payload(self, world):
        c = world.schools["c"]
        return {**self.valid_payload(world), "line": BudgetLineFactory(school=c, status=BudgetStatus.APPROVED).pk}


class TestJournalEntryApi(AppendOnly, ApiContract):
    model, factory, path = JournalEntry, JournalEntryFactory, "journal"

    def valid_payload(self, world):
        return {"occurred_on": str(timezone.localdate()), "direction": "spending", "account": "bank",
                "category": "office", "amount": "120.50", "summary": "购粉笔"}

    def other_school_payload(self, world):
        c = world.schools["c"]
        return {**self.valid_payload(world), "budget_line": BudgetLineFactory(school=c, status="approved").pk}


class TestMonthCloseApi(AppendOnly, ApiContract):
    model, factory, path = MonthClose, MonthCloseFactory, "month-closes"

    def valid_payload(self, world):
        today = timezone.localdate()
        return {"year": today.year, "month": today.month}


def test_submit_reverse_and_the_month_report(world):
    a = world.schools["a"]
    line = BudgetLineFactory(school=a, amount="5000.00")
    assert_error(api_client(world, Role.DIRECTOR).post(f"/api/v1/budget-lines/{line.pk}/submit/", {}, format="json"),
                 403)
    response = api_client(world, Role.ACCOUNTANT).post(f"/api/v1/budget-lines/{line.pk}/submit/", {}, format="json")
    assert response.status_code == 200 and response.json()["status"] == "pending"
    line = approved_line(a, "9000.00", name="维修经费")
    made = entry(a, "1000.00", line=line)
    row = api_client(world, Role.PRINCIPAL).get(f"/api/v1/budget-lines/{line.pk}/").json()
    assert (row["spent"], row["committed"], row["left"]) == ("1000.00", "0.00", "8000.00")
    assert_error(api_client(world, Role.DIRECTOR).post(f"/api/v1/journal/{made.pk}/reverse/", {"note": "x"},
                                                       format="json"), 403)
    response = api_client(world, Role.ACCOUNTANT).post(f"/api/v1/journal/{made.pk}/reverse/", {"note": "记错"},
                                                       format="json")
    assert response.status_code == 201 and response.json()["amount"] == "-1000.00"
    assert response.json()["reverses"] == made.pk
    assert_error(api_client(world, Role.ACCOUNTANT).post(f"/api/v1/journal/{made.pk}/reverse/", {"note": "再冲"},
                                                         format="json"))
    today = timezone.localdate()
    report = api_client(world, Role.DISTRICT_OFFICER).get(
        f"/api/v1/journal/month-report/?year={today.year}&month={today.month}").json()
    assert report["total"]["spending"] == "0.00" and report["closed"] is False
    assert api_client(world, Role.TEACHER).get("/api/v1/journal/month-report/?year=2026&month=1").status_code == 403


def test_a_closed_month_refuses_an_entry_through_the_api(world):
    today = timezone.localdate()
    client = api_client(world, Role.ACCOUNTANT)
    assert client.post("/api/v1/month-closes/", {"year": today.year, "month": today.month},
                       format="json").status_code == 201
    response = client.post("/api/v1/journal/", TestJournalEntryApi().valid_payload(world), format="json")
    assert_error(response)
    assert "已结账" in str(response.json())
